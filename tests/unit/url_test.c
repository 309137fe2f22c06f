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
	CHECK("IPv6 literal", P("http://[2001:db8::1]:8080/sysrcd.dat") == 0 && !strcmp(u.host, "2001:db8::1") &&
	      u.port == 8080 && !strcmp(u.path, "/sysrcd.dat"));
	url_format(&u, s, sizeof(s));
	CHECK_STR("IPv6 format keeps the brackets", s, "http://[2001:db8::1]:8080/sysrcd.dat");
	CHECK("IPv6, default port", P("tftp://[2001:db8::5]/pxe/sysrcd.dat") == 0 && u.port == 69 &&
	      !strcmp(u.host, "2001:db8::5") && !strcmp(u.path, "/pxe/sysrcd.dat"));
	url_format(&u, s, sizeof(s));
	CHECK_STR("IPv6 format, default port", s, "tftp://[2001:db8::5]/pxe/sysrcd.dat");
	CHECK("IPv6 loopback, nbd", P("nbd://[::1]:10809/x") == 0 && !strcmp(u.host, "::1") && u.port == 10809 &&
	      !strcmp(u.path, "/x"));
	CHECK("IPv6 no path", P("http://[::1]") == 0 && !strcmp(u.host, "::1") && !strcmp(u.path, "/"));
	CHECK("IPv6, nfs form", P("nfs://[2001:db8::1]:/srv") == 0 && !strcmp(u.host, "2001:db8::1") &&
	      u.port == 2049 && !strcmp(u.path, "/srv"));
	url_format(&u, s, sizeof(s));
	CHECK_STR("IPv6, nfs format", s, "nfs://[2001:db8::1]:/srv");
	CHECK("IPv6, nfs with a port", P("nfs://[2001:db8::1]:2050:/srv") == 0 && u.port == 2050 && !strcmp(u.path, "/srv"));
	CHECK("IPv4-mapped", P("http://[::ffff:192.0.2.1]/x") == 0 && !strcmp(u.host, "::ffff:192.0.2.1"));
	CHECK("IPv6 zone", P("http://[fe80::1%25eth0]:8080/x") == 0 && !strcmp(u.host, "fe80::1%eth0"));
	url_format(&u, s, sizeof(s));
	CHECK_STR("IPv6 zone format", s, "http://[fe80::1%25eth0]:8080/x");
	CHECK_STR("host text, v4", url_host_text("192.0.2.1", s, sizeof(s)), "192.0.2.1");
	CHECK_STR("host text, v6", url_host_text("2001:db8::1", s, sizeof(s)), "[2001:db8::1]");
	CHECK("bad literal", P("http://[2001:db8::zz]/sysrcd.dat") == -EINVAL);
	CHECK_STR("bad literal: message", e.msg, "URL 'http://[2001:db8::zz]/sysrcd.dat': '[2001:db8::zz]' is not an "
		  "IPv6 address: expected [2001:db8::1]");
	CHECK("unclosed", P("http://[2001:db8::1/sysrcd.dat") == -EINVAL);
	CHECK_STR("unclosed: message", e.msg, "URL 'http://[2001:db8::1/sysrcd.dat': unclosed '[': expected an IPv6 "
		  "address as [2001:db8::1]");
	CHECK("empty brackets", P("http://[]/x") == -EINVAL && strstr(e.msg, "'[]' is not an IPv6 address"));
	CHECK("v4 in brackets", P("http://[192.0.2.1]/x") == -EINVAL && strstr(e.msg, "not an IPv6 address"));
	CHECK("junk after ]", P("http://[::1]x/y") == -EINVAL && strstr(e.msg, "expected ':port' or '/' after ']'"));
	CHECK("IPv6 bad port", P("http://[::1]:/x") == -EINVAL && strstr(e.msg, "port number"));
	CHECK("IPv6 port text", P("http://[::1]:8a/x") == -EINVAL && strstr(e.msg, "port must"));
	CHECK("bad zone", P("http://[fe80::1%25]/x") == -EINVAL && strstr(e.msg, "bad zone"));
	CHECK("raw % zone", P("http://[fe80::1%eth0]/x") == -EINVAL && strstr(e.msg, "not an IPv6 address"));
	CHECK("v6 without brackets", P("http://2001:db8::1/x") == -EINVAL);
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
