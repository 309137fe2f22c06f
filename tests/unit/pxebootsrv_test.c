/* The pxebootsrv reader: the seed manual's two files verbatim, field by
 * field; the shell forms (quotes, $VAR and ${VAR}, escapes, comments); and
 * each kind of bad line, which must fail with -EINVAL and a message naming
 * the line and the key.  Every input is parsed from an exact-size heap copy
 * with no NUL, so ASan sees any read past the end. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include "netboot/ipv4.h"
#include "server/pxebootsrv.h"
#include "check.h"

static struct serve_config cfg;	/* ~9 KiB: static, not on the stack */
static struct errbuf err;
static char warned[1024];	/* the warnings of the last parse, one a line */

static void on_warn(void *ctx, const char *msg)
{
	size_t n = strlen(warned);

	(void)ctx;
	snprintf(warned + n, sizeof(warned) - n, "%s\n", msg);
}

/* Parses text over a zeroed cfg (or over what cfg holds, when keep). */
static int parse_keep(const char *text, bool keep)
{
	size_t len = strlen(text);
	char *copy = malloc(len ? len : 1);
	int rc;

	memcpy(copy, text, len);
	if (!keep)
		memset(&cfg, 0, sizeof(cfg));
	memset(&err, 0, sizeof(err));
	warned[0] = '\0';
	rc = serve_config_parse(copy, len, "pxebootsrv", &cfg, on_warn, NULL, &err);
	free(copy);
	return rc;
}

static int parse(const char *text)
{
	return parse_keep(text, false);
}

static const char *addr(uint32_t a, char buf[16])
{
	return a ? ipv4_ntoa(a, buf) : "unset";
}

/* One field of cfg as text, by name: lets the tables say what they check. */
static const char *field(const char *f)
{
	static char buf[1200];
	char a[16], b[16];

#define BOOL(name) if (!strcmp(f, #name)) return cfg.name ? "yes" : "no"
#define ADDR(name) if (!strcmp(f, #name)) return addr(cfg.name, a)
#define TEXT(name) if (!strcmp(f, #name)) return cfg.name
	BOOL(do_dhcp); BOOL(proxy_dhcp); BOOL(do_tftp); BOOL(do_http); BOOL(do_nbd); BOOL(do_nfs);
	BOOL(stage3_set);
	ADDR(subnet); ADDR(netmask); ADDR(router); ADDR(local_ip); ADDR(tftp_server);
	TEXT(http_url); TEXT(nfs_url); TEXT(extra); TEXT(interface);
#undef BOOL
#undef ADDR
#undef TEXT
	if (!strcmp(f, "dns")) {
		buf[0] = '\0';
		for (int i = 0; i < cfg.ndns; i++)
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", i ? "," : "",
				 ipv4_ntoa(cfg.dns[i], a));
		return buf;
	}
	if (!strcmp(f, "range"))
		snprintf(buf, sizeof(buf), "%s-%s", addr(cfg.range_start, a), addr(cfg.range_end, b));
	else if (!strcmp(f, "timeout"))
		snprintf(buf, sizeof(buf), "%u", cfg.timeout_secs);
	else if (!strcmp(f, "lease"))
		snprintf(buf, sizeof(buf), "%u", (unsigned)cfg.lease_secs);
	else if (!strncmp(f, "mirrors", 7)) {	/* "mirrors": every used slot "N=net/prefix urls;" */
		buf[0] = '\0';
		for (int i = 0; i < SERVE_MAX_MIRROR_MAPS; i++)
			if (cfg.mirrors[i].urls[0])
				snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%d=%s/%u %s;", i + 1,
					 addr(cfg.mirrors[i].net, a), cfg.mirrors[i].prefix, cfg.mirrors[i].urls);
	} else if (!strcmp(f, "stage3"))
		snprintf(buf, sizeof(buf), "%d", (int)cfg.stage3);
	else
		snprintf(buf, sizeof(buf), "no field %s", f);
	return buf;
}

/* The seed manual's typical file, verbatim. */
static const char seed_typical[] =
	"# ------------------------ CONFIGURATION -------------------------------\n"
	"# By default the current systems act as DHCP and TFTP and HTTP server\n"
	"# If you want another machine on your network to act as one of those\n"
	"# you will have to turn the appropriate option to \"no\"\n"
	"\n"
	"# Set to \"yes\" if you want this machine to act as a DHCP server\n"
	"PXEBOOTSRV_DODHCPD=\"yes\"\n"
	"# Set to \"yes\" if you want this machine to act as a TFTP server\n"
	"PXEBOOTSRV_DOTFTPD=\"yes\"\n"
	"# Set to \"yes\" if you want this machine to act as an HTTP server\n"
	"PXEBOOTSRV_DOHTTPD=\"yes\"\n"
	"\n"
	"# Here is a typical PXE-Boot configuration --> update with your settings\n"
	"PXEBOOTSRV_SUBNET=\"192.168.1.0\"\n"
	"PXEBOOTSRV_NETMASK=\"255.255.255.0\"\n"
	"PXEBOOTSRV_DEFROUTE=\"192.168.1.254\"\n"
	"PXEBOOTSRV_DNS=\"192.168.1.254\"\n"
	"PXEBOOTSRV_DHCPRANGE=\"192.168.1.100 192.168.1.150\"\n"
	"PXEBOOTSRV_LOCALIP=\"192.168.1.5\"\n"
	"\n"
	"# Keep these values to $PXEBOOTSRV_LOCALIP if the current computer\n"
	"# acts as TFTP server and HTTP server as well as DHCP server\n"
	"PXEBOOTSRV_TFTPSERVER=\"$PXEBOOTSRV_LOCALIP\"       # IP address of the TFTP server\n"
	"PXEBOOTSRV_HTTPSERVER=\"http://$PXEBOOTSRV_LOCALIP/sysrcd.dat\" # download URL\n";

/* The seed manual's second form: another DHCP server on the segment. */
static const char seed_proxy[] =
	"# ------------------------ CONFIGURATION -------------------------------\n"
	"# By default the current system acts as DHCP and TFTP and HTTP server\n"
	"# If you want another machine on your network to act as one of those\n"
	"# you will have to turn the appropriate option to \"no\"\n"
	"\n"
	"# Set to \"yes\" if you want this machine to act as a DHCP server\n"
	"PXEBOOTSRV_DODHCPD=\"no\"\n"
	"# Set to \"yes\" if you want this machine to act as a TFTP server\n"
	"PXEBOOTSRV_DOTFTPD=\"yes\"\n"
	"# Set to \"yes\" if you want this machine to act as an HTTP server\n"
	"PXEBOOTSRV_DOHTTPD=\"yes\"\n";

static const struct { const char *field, *want; } typical_fields[] = {
	{ "do_dhcp", "yes" }, { "proxy_dhcp", "no" }, { "do_tftp", "yes" }, { "do_http", "yes" },
	{ "do_nbd", "no" }, { "do_nfs", "no" },
	{ "subnet", "192.168.1.0" }, { "netmask", "255.255.255.0" }, { "router", "192.168.1.254" },
	{ "dns", "192.168.1.254" }, { "range", "192.168.1.100-192.168.1.150" },
	{ "local_ip", "192.168.1.5" }, { "tftp_server", "192.168.1.5" },
	{ "http_url", "http://192.168.1.5/sysrcd.dat" },
	{ "nfs_url", "" }, { "extra", "" }, { "interface", "" }, { "stage3_set", "no" },
	{ "timeout", "0" }, { "lease", "0" },
};

static void test_seed(void)
{
	char name[96];

	CHECK("seed typical: parses", parse(seed_typical) == 0);
	CHECK_STR("seed typical: no warnings", warned, "");
	for (size_t i = 0; i < sizeof(typical_fields) / sizeof(typical_fields[0]); i++) {
		snprintf(name, sizeof(name), "seed typical: %s", typical_fields[i].field);
		CHECK_STR(name, field(typical_fields[i].field), typical_fields[i].want);
	}
	CHECK("seed typical: addresses in network order", cfg.subnet == htonl(0xc0a80100) &&
	      cfg.range_start == htonl(0xc0a80164) && cfg.tftp_server == cfg.local_ip);

	CHECK("seed proxy: parses", parse(seed_proxy) == 0);
	CHECK_STR("seed proxy: do_dhcp", field("do_dhcp"), "no");
	CHECK_STR("seed proxy: proxy_dhcp", field("proxy_dhcp"), "yes");
	CHECK_STR("seed proxy: do_tftp", field("do_tftp"), "yes");
	CHECK_STR("seed proxy: do_http", field("do_http"), "yes");
	CHECK_STR("seed proxy: subnet untouched", field("subnet"), "unset");
}

#define K "PXEBOOTSRV_"
static const struct { const char *name, *text, *field, *want; } good[] = {
	/* quoting */
	{ "unquoted", K "EXTRA=quiet\n", "extra", "quiet" },
	{ "double quotes keep blanks", K "EXTRA=\"a  b\"\n", "extra", "a  b" },
	{ "single quotes keep blanks", K "EXTRA='a b'\n", "extra", "a b" },
	{ "parts concatenate", "A=\"x\"'y'z\n" K "EXTRA=$A\"1\"'2'3\n", "extra", "xyz123" },
	{ "empty value", K "EXTRA=\n", "extra", "" },
	{ "empty quotes", K "EXTRA=\"\"\n", "extra", "" },
	{ "# inside a value is literal", K "EXTRA=a#b\n", "extra", "a#b" },
	{ "# inside quotes is literal", K "EXTRA=\"a # b\"\n", "extra", "a # b" },
	/* per-subnet mirrors */
	{ "mirrors key", K "MIRRORS_1=\"198.51.100.0/24 http://198.51.100.10/sysrcd.dat http://198.51.100.11/sysrcd.dat\"\n",
	  "mirrors", "1=198.51.100.0/24 http://198.51.100.10/sysrcd.dat,http://198.51.100.11/sysrcd.dat;" },
	{ "mirrors keys 16 and 2", K "MIRRORS_16='10.0.0.0/8 http://a/x'\n" K "MIRRORS_2=\"192.0.2.0/25,http://b/x\"\n",
	  "mirrors", "2=192.0.2.0/25 http://b/x;16=10.0.0.0/8 http://a/x;" },
	{ "mirrors key repeated: last wins", K "MIRRORS_3='10.0.0.0/8 http://a/x'\n" K "MIRRORS_3='10.0.0.0/8 http://b/x'\n",
	  "mirrors", "3=10.0.0.0/8 http://b/x;" },
	{ "mirrors key emptied", K "MIRRORS_3='10.0.0.0/8 http://a/x'\n" K "MIRRORS_3=\n", "mirrors", "" },
	/* references */
	{ "$VAR", "IP=10.0.0.1\n" K "LOCALIP=$IP\n", "local_ip", "10.0.0.1" },
	{ "${VAR} beside text", "H=10.0.0.1\n" K "HTTPSERVER=\"http://${H}:8080/sysrcd.dat\"\n",
	  "http_url", "http://10.0.0.1:8080/sysrcd.dat" },
	{ "$VAR ends at a non-name char", "H=h\n" K "EXTRA=$H.x\n", "extra", "h.x" },
	{ "$VAR takes the longest name", "H=h\nHX=hx\n" K "EXTRA=$HX\n", "extra", "hx" },
	{ "undefined expands to empty", K "EXTRA=\"[$NOPE][${NOPE}]\"\n", "extra", "[][]" },
	{ "single quotes do not expand", "H=h\n" K "EXTRA='$H ${H}'\n", "extra", "$H ${H}" },
	{ "later assignment wins", "H=a\nH=b\n" K "EXTRA=$H\n", "extra", "b" },
	{ "self reference", "H=a\nH=${H}b\n" K "EXTRA=$H\n", "extra", "ab" },
	{ "a lone $ is itself", K "EXTRA=\"1$ 2$\"\n", "extra", "1$ 2$" },
	{ "key usable as a reference", K "LOCALIP=10.1.2.3\n" K "TFTPSERVER=${" K "LOCALIP}\n",
	  "tftp_server", "10.1.2.3" },
	/* escapes */
	{ "escapes in double quotes", K "EXTRA=\"q=\\\" b=\\\\ d=\\$H t=\\`\"\n", "extra", "q=\" b=\\ d=$H t=`" },
	{ "other backslashes stay in double quotes", K "EXTRA=\"a\\nb\"\n", "extra", "a\\nb" },
	{ "escapes unquoted", K "EXTRA=a\\ b\\$c\\\"\n", "extra", "a b$c\"" },
	{ "backslash literal in single quotes", K "EXTRA='a\\b'\n", "extra", "a\\b" },
	/* layout */
	{ "trailing comment unquoted", K "DONBD=yes # serve NBD\n", "do_nbd", "yes" },
	{ "trailing comment after quotes", K "LOCALIP=\"10.0.0.9\"\t# here\n", "local_ip", "10.0.0.9" },
	{ "export prefix", "export " K "DONFSD=on\n", "do_nfs", "yes" },
	{ "export NAME alone", "H=h\nexport H\n" K "EXTRA=$H\n", "extra", "h" },
	{ "indented, CRLF, no final newline", "  \t" K "SUBNET=10.9.0.0\r\n\r\n  # c\r\n" K "EXTRA=x",
	  "subnet", "10.9.0.0" },
	{ "other variables are silent", "FOO=1\nexport BAR=2\n" K "EXTRA=ok\n", "extra", "ok" },
	/* the values */
	{ "bool true", K "DOHTTPD=TRUE\n", "do_http", "yes" },
	{ "bool 0", K "DOHTTPD=0\n", "do_http", "no" },
	{ "bool Off", K "DOHTTPD=Off\n", "do_http", "no" },
	{ "DODHCPD yes clears proxy", K "DODHCPD=no\n" K "DODHCPD=yes\n", "proxy_dhcp", "no" },
	{ "netmask /8", K "NETMASK=255.0.0.0\n", "netmask", "255.0.0.0" },
	{ "netmask all ones", K "NETMASK=255.255.255.255\n", "netmask", "255.255.255.255" },
	{ "empty address unsets", K "DEFROUTE=10.0.0.1\n" K "DEFROUTE=\"\"\n", "router", "unset" },
	{ "dns list", K "DNS=\"10.0.0.1, 10.0.0.2 10.0.0.3\"\n", "dns", "10.0.0.1,10.0.0.2,10.0.0.3" },
	{ "dns comma list", K "DNS=10.0.0.1,10.0.0.2\n", "dns", "10.0.0.1,10.0.0.2" },
	{ "dns empty", K "DNS=10.0.0.1\n" K "DNS=\n", "dns", "" },
	{ "range one address", K "DHCPRANGE=\"10.0.0.5 10.0.0.5\"\n", "range", "10.0.0.5-10.0.0.5" },
	{ "range compared in host order", K "DHCPRANGE=\"10.0.0.255 10.0.1.0\"\n", "range",
	  "10.0.0.255-10.0.1.0" },
	{ "range empty", K "DHCPRANGE=''\n", "range", "unset-unset" },
	{ "nfs url as given", K "NFSURL=nfs://10.0.0.1:/srv/boot\n", "nfs_url", "nfs://10.0.0.1:/srv/boot" },
	{ "nfs host:/path", K "NFSSERVER=10.0.0.1:/tftpboot\n", "nfs_url", "nfs://10.0.0.1:/tftpboot" },
	{ "timeout", K "TIMEOUT=30\n", "timeout", "30" },
	{ "timeout max", K "TIMEOUT=3600\n", "timeout", "3600" },
	{ "lease", K "LEASETIME=\"7200\"\n", "lease", "7200" },
	{ "lease min", K "LEASETIME=60\n", "lease", "60" },
	{ "stage3 nbd", K "STAGE3=nbd\n", "stage3", "2" },
	{ "stage3 set", K "STAGE3=NFS\n", "stage3_set", "yes" },
	{ "interface", K "INTERFACE=enp0s31f6\n", "interface", "enp0s31f6" },
	{ "extra arguments", K "EXTRA=\"setkmap=uk docache\"\n", "extra", "setkmap=uk docache" },
};

static void test_good(void)
{
	char name[128];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int rc = parse(good[i].text);

		snprintf(name, sizeof(name), "%s: rc", good[i].name);
		if (rc != 0)
			printf("  (%s)\n", err.msg);
		CHECK(name, rc == 0);
		CHECK_STR(good[i].name, field(good[i].field), good[i].want);
	}
}

static const struct { const char *name, *text, *line, *key; } bad[] = {
	{ "bad bool", "# c\n" K "DOTFTPD=maybe\n", "line 2:", K "DOTFTPD=\"maybe\": expected yes or no" },
	{ "empty bool", K "DONBD=\n", "line 1:", K "DONBD" },
	{ "bad IP", "\n\n" K "LOCALIP=192.168.1\n", "line 3:", K "LOCALIP=\"192.168.1\": expected an IPv4" },
	{ "IP part over 255", K "SUBNET=10.0.0.256\n", "line 1:", K "SUBNET" },
	{ "IP leading zero", K "DEFROUTE=10.0.0.010\n", "line 1:", K "DEFROUTE" },
	{ "IP five parts", K "TFTPSERVER=1.2.3.4.5\n", "line 1:", K "TFTPSERVER" },
	{ "IP trailing blank", K "LOCALIP=\"1.2.3.4 \"\n", "line 1:", K "LOCALIP" },
	{ "non-contiguous mask", "A=1\n" K "NETMASK=\"255.0.255.0\"\n",
	  "line 2:", K "NETMASK=\"255.0.255.0\": expected a contiguous netmask like 255.255.255.0" },
	{ "range reversed", K "DHCPRANGE=\"10.0.0.150 10.0.0.100\"\n", "line 1:", K "DHCPRANGE" },
	{ "range one address", K "DHCPRANGE=10.0.0.150\n", "line 1:", K "DHCPRANGE" },
	{ "range three addresses", K "DHCPRANGE=\"1.1.1.1 1.1.1.2 1.1.1.3\"\n", "line 1:", K "DHCPRANGE" },
	{ "too many dns", K "DNS=\"1.1.1.1 1.1.1.2 1.1.1.3 1.1.1.4\"\n", "line 1:", K "DNS=\"1.1.1.1" },
	{ "bad dns", K "DNS=\"1.1.1.1 ns1\"\n", "line 1:", K "DNS" },
	{ "http url without scheme", K "HTTPSERVER=192.168.1.5/sysrcd.dat\n", "line 1:", K "HTTPSERVER" },
	{ "http url with blank", K "HTTPSERVER='http://a/b c'\n", "line 1:", K "HTTPSERVER" },
	{ "nfs without path", K "NFSSERVER=10.0.0.1\n", "line 1:", K "NFSSERVER" },
	{ "timeout over 3600", K "TIMEOUT=3601\n", "line 1:", K "TIMEOUT" },
	{ "timeout negative", K "TIMEOUT=-1\n", "line 1:", K "TIMEOUT" },
	{ "lease under 60", K "LEASETIME=59\n", "line 1:", K "LEASETIME" },
	{ "stage3 unknown", K "STAGE3=ftp\n", "line 1:", K "STAGE3" },
	{ "interface too long", K "INTERFACE=abcdefghijklmnop\n", "line 1:", K "INTERFACE" },
	{ "extra not printable", K "EXTRA=\"a\tb\"\n", "line 1:", K "EXTRA" },
	{ "mirrors host bits", K "MIRRORS_1='198.51.100.7/24 http://a/x'\n", "line 1:",
	  K "MIRRORS_1=\"198.51.100.7/24 http://a/x\": expected the subnet's first address" },
	{ "mirrors without URL", K "MIRRORS_1=198.51.100.0/24\n", "line 1:", K "MIRRORS_1" },
	{ "mirrors not http", K "MIRRORS_1='198.51.100.0/24 tftp://a/x'\n", "line 1:", K "MIRRORS_1" },
	/* syntax */
	{ "unterminated double quote", "\n" K "LOCALIP=\"10.0.0.1\n", "line 2:", K "LOCALIP" },
	{ "unterminated single quote", K "EXTRA='abc\n" K "DONBD=yes\n", "line 1:", K "EXTRA" },
	{ "command substitution $()", K "LOCALIP=$(hostname -i)\n", "line 1:", K "LOCALIP" },
	{ "command substitution in quotes", K "LOCALIP=\"$(hostname -i)\"\n", "line 1:", K "LOCALIP" },
	{ "backticks", K "LOCALIP=`hostname -i`\n", "line 1:", K "LOCALIP" },
	{ "backticks in quotes", K "EXTRA=\"a `b`\"\n", "line 1:", K "EXTRA" },
	{ "${VAR:-default}", K "LOCALIP=${IP:-10.0.0.1}\n", "line 1:", K "LOCALIP" },
	{ "unclosed ${", K "LOCALIP=${IP\n", "line 1:", K "LOCALIP" },
	{ "special parameter", K "EXTRA=$1\n", "line 1:", K "EXTRA" },
	{ "garbage line", "# ok\n\n/etc/init.d/pxebootsrv start\n", "line 3:", "/etc/init.d/pxebootsrv start: expected" },
	{ "blank before =", K "DONBD = yes\n", "line 1:", K "DONBD" },
	{ "two words", K "EXTRA=a b\n", "line 1:", K "EXTRA" },
	{ "shell operator", K "DONBD=yes; rm -rf /\n", "line 1:", K "DONBD" },
	{ "line continuation", K "EXTRA=a\\\nb\n", "line 1:", K "EXTRA" },
	{ "export with blank before =", "export " K "DONBD =yes\n", "line 1:", K "DONBD" },
};

static void test_bad(void)
{
	char name[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = parse(bad[i].text);

		snprintf(name, sizeof(name), "%s: -EINVAL", bad[i].name);
		CHECK(name, rc == -EINVAL);
		snprintf(name, sizeof(name), "%s: message names input and line", bad[i].name);
		CHECK(name, strncmp(err.msg, "pxebootsrv ", 11) == 0 && strstr(err.msg, bad[i].line) != NULL);
		snprintf(name, sizeof(name), "%s: message names the key", bad[i].name);
		CHECK(name, strstr(err.msg, bad[i].key) != NULL);
		if (!strstr(err.msg, bad[i].line) || !strstr(err.msg, bad[i].key))
			printf("  (got: %s)\n", err.msg);
	}
}

/* A text of n copies of s. */
static char *repeat(const char *head, const char *s, size_t n, const char *tail)
{
	size_t hl = strlen(head), sl = strlen(s), tl = strlen(tail);
	char *t = malloc(hl + sl * n + tl + 1);

	memcpy(t, head, hl);
	for (size_t i = 0; i < n; i++)
		memcpy(t + hl + i * sl, s, sl);
	memcpy(t + hl + n * sl, tail, tl + 1);
	return t;
}

static void test_bounds(void)
{
	char *t;
	int rc;

	t = repeat(K "EXTRA=", "x", 4096, "\n");
	rc = parse(t);
	CHECK("line over 4096 bytes: -EINVAL", rc == -EINVAL && strstr(err.msg, "line 1:") &&
	      strstr(err.msg, K "EXTRA"));
	free(t);
	/* 64 references to 64 bytes = 4096, the most a value may hold */
	t = repeat("A=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\nB=", "$A", 65,
		   "\n" K "EXTRA=$B\n");
	rc = parse(t);
	CHECK("value over 4096 bytes after expansion: -EINVAL", rc == -EINVAL && strstr(err.msg, "line 2:") &&
	      strstr(err.msg, "4096"));
	free(t);
	t = repeat("A=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\nB=", "$A", 64, "\n");
	CHECK("value of 4096 bytes: accepted", parse(t) == 0);
	free(t);
	t = malloc(257 * 16 + 1);
	t[0] = '\0';
	for (int i = 0; i < 257; i++)
		sprintf(t + strlen(t), "V%03d=1\n", i);
	rc = parse(t);
	CHECK("257 variables: -EINVAL on line 257", rc == -EINVAL && strstr(err.msg, "line 257:") &&
	      strstr(err.msg, "V256"));
	t[strlen(t) - 7] = '\0';
	CHECK("256 variables: accepted", parse(t) == 0);
	free(t);
	t = repeat(K "EXTRA=", "x", 1023, "\n");
	CHECK("extra of 1023 bytes: accepted", parse(t) == 0 && strlen(cfg.extra) == 1023);
	free(t);
	t = repeat(K "EXTRA=", "x", 1024, "\n");
	CHECK("extra of 1024 bytes: -EINVAL", parse(t) == -EINVAL && strstr(err.msg, "...\": expected"));
	free(t);
	CHECK("NUL byte: -EINVAL", serve_config_parse("A=\0\n", 4, "p", &cfg, NULL, NULL, &err) == -EINVAL &&
	      strstr(err.msg, "p line 1:"));
	CHECK("empty input: nothing", serve_config_parse(NULL, 0, NULL, &cfg, NULL, NULL, &err) == 0);
}

/* Something in every field a key could set. */
static void fill(struct serve_config *c)
{
	c->do_dhcp = c->do_tftp = c->do_http = c->do_nbd = c->do_nfs = c->stage3_set = true;
	c->subnet = c->netmask = c->router = c->local_ip = c->tftp_server = htonl(0x7f000001);
	c->dns[0] = c->dns[1] = c->dns[2] = c->range_start = c->range_end = htonl(0x7f000002);
	c->ndns = 3;
	c->lease_secs = c->timeout_secs = 77;
	c->stage3 = STAGE3_NBD;
	strcpy(c->http_url, "http://x/");
	strcpy(c->nfs_url, "nfs://x:/y");
	strcpy(c->extra, "e");
	strcpy(c->interface, "eth9");
	strcpy(c->boot_dir, "/b");
}

static void test_warnings_and_keep(void)
{
	struct serve_config want;

	CHECK("unknown key: rc 0", parse("\n" K "FOO=bar\n" K "DONBD=yes\n") == 0);
	CHECK_STR("unknown key: warned", warned, "pxebootsrv line 2: unknown key " K "FOO, ignored\n");
	CHECK_STR("unknown key: later keys still read", field("do_nbd"), "yes");
	CHECK("unknown key, no warn function: rc 0",
	      serve_config_parse(K "FOO=1\n", 16, "x", &cfg, NULL, NULL, &err) == 0);

	/* only the keys present change what the caller filled in */
	memset(&cfg, 0, sizeof(cfg));
	memset(&want, 0, sizeof(want));
	fill(&cfg);
	fill(&want);
	CHECK("keep: parses", parse_keep(K "DNS=10.0.0.1\n" K "DOTFTPD=no\n", true) == 0);
	want.dns[0] = htonl(0x0a000001);
	want.dns[1] = want.dns[2] = 0;
	want.ndns = 1;
	want.do_tftp = false;
	CHECK("keep: other fields untouched", memcmp(&cfg, &want, sizeof(cfg)) == 0);
}

int main(void)
{
	test_seed();
	test_good();
	test_bad();
	test_bounds();
	test_warnings_and_keep();
	return CHECK_DONE();
}
