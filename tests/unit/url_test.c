/* URL parser: the forms the command line gives, and garbage. */
#include <errno.h>
#include "netboot/url.h"
#include "check.h"

int main(void)
{
	struct url u, v;
	struct errbuf e;
	char s[1100];
#define P(str) url_parse(str, strlen(str), &u, &e)
	CHECK("http", P("http://192.168.1.5/sysrcd.dat") == 0 && u.scheme == URL_HTTP && u.port == 80 &&
	      !strcmp(u.host, "192.168.1.5") && !strcmp(u.path, "/sysrcd.dat"));
	CHECK("http port", P("http://10.0.2.2:8080/a/b.dat") == 0 && u.port == 8080 && !strcmp(u.path, "/a/b.dat"));
	CHECK("tftp", P("tftp://srv.example/sysrcd.dat") == 0 && u.scheme == URL_TFTP && u.port == 69);
	CHECK("nbd", P("nbd://192.168.1.5:2000") == 0 && u.scheme == URL_NBD && u.port == 2000 && !strcmp(u.path, "/"));
	CHECK("nfs host:/path", P("nfs://192.168.1.5:/tftpboot") == 0 && u.scheme == URL_NFS && !strcmp(u.path, "/tftpboot") &&
	      u.port == 2049);
	CHECK("https", P("https://mirror.example/sysrcd.dat") == 0 && u.scheme == URL_HTTP && u.tls && u.port == 443);
	url_format(&u, s, sizeof(s));
	CHECK_STR("https format", s, "https://mirror.example/sysrcd.dat");
	CHECK("http not tls", P("HTTP://h/x") == 0 && !u.tls && u.port == 80);
	P("https://10.0.2.2:8443/a/sysrcd.dat");
	url_sibling(&u, "sysrcd.md5", &v);
	url_format(&v, s, sizeof(s));
	CHECK_STR("https sibling keeps tls and port", s, "https://10.0.2.2:8443/a/sysrcd.md5");
	CHECK("bad scheme", P("htp://x/y") == -EINVAL && strstr(e.msg, "unknown scheme"));
	CHECK("no host", P("http:///x") == -EINVAL && strstr(e.msg, "host"));
	CHECK("port 0", P("http://h:0/x") == -EINVAL);
	CHECK("port big", P("http://h:65536/x") == -EINVAL);
	CHECK("port text", P("http://h:ab/x") == -EINVAL);
	CHECK("space", P("http://h/a b") == -EINVAL);
	CHECK("no scheme", P("192.168.1.5/x") == -EINVAL && strstr(e.msg, "scheme://"));
	CHECK("credentials: said so", P("http://user:pw@host/sysrcd.dat") == -EINVAL &&
	      strstr(e.msg, "credentials in URLs (user:password@host) are not supported") && !strstr(e.msg, "port must"));
	CHECK("credentials: the password not echoed", !strstr(e.msg, "pw") && strstr(e.msg, "'http://...@host/sysrcd.dat'"));
	CHECK("credentials, user only", P("tftp://user@10.0.2.2/x") == -EINVAL && strstr(e.msg, "credentials"));
	CHECK("credentials with a port", P("https://a:b@h:8443/x") == -EINVAL && strstr(e.msg, "credentials") &&
	      !strstr(e.msg, "a:b"));
	CHECK("'@' in the path is a path", P("http://h/a@b.dat") == 0 && !strcmp(u.path, "/a@b.dat"));
	CHECK("IPv6: not supported yet", P("http://[2001:db8::1]/sysrcd.dat") == -EINVAL &&
	      strstr(e.msg, "IPv6 addresses are not supported yet") && !strstr(e.msg, "not allowed"));
	CHECK("IPv6 with a port", P("nbd://[2001:db8::1]:10809/x") == -EINVAL && strstr(e.msg, "IPv6"));
	CHECK("IPv6, nfs form", P("nfs://[2001:db8::1]:/srv") == -EINVAL && strstr(e.msg, "IPv6"));
	P("http://10.0.2.2:8080/dir/sysrcd.dat");
	url_sibling(&u, "sysrcd.md5", &v);
	url_format(&v, s, sizeof(s));
	CHECK_STR("sibling", s, "http://10.0.2.2:8080/dir/sysrcd.md5");
	P("http://h/sysrcd.dat");
	url_format(&u, s, sizeof(s));
	CHECK_STR("format default port", s, "http://h/sysrcd.dat");
	char d[64];
	CHECK("decode %20", url_decode_path("/my%20file.dat", d, sizeof(d)) == 0 && !strcmp(d, "/my file.dat"));
	CHECK("decode plain", url_decode_path("/sysrcd.dat", d, sizeof(d)) == 0 && !strcmp(d, "/sysrcd.dat"));
	CHECK("decode bad escape", url_decode_path("/a%2", d, sizeof(d)) == -EINVAL);
	CHECK("decode %00 refused", url_decode_path("/a%00b", d, sizeof(d)) == -EINVAL);
	CHECK("decode too long", url_decode_path("/abcdef", d, 4) == -ENAMETOOLONG);
	CHECK_STR("base name", url_base_name("/a/b/sysrcd.dat"), "sysrcd.dat");
	return CHECK_DONE();
}
