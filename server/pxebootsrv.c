/* SystemRescueCd's /etc/conf.d/pxebootsrv, read unchanged.  The file is a
 * shell script, but only the subset such files use is understood here
 * (assignments, quotes, backslashes, $VAR and ${VAR}, comments), so reading
 * a config can never run a command, and every value is checked as it is
 * read, with a message naming the line.  Pure over (buf, len), bounded
 * (line length, value length, number of variables), no global state. */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "netboot/ipv4.h"
#include "server/mirror_map.h"
#include "server/pxebootsrv.h"

#define MAX_LINE 4096		/* bytes in one line */
#define MAX_VALUE 4096		/* bytes in one value after expansion */
#define MAX_VARS 256		/* distinct variables in one file */
#define MAX_NAME 64		/* bytes in a variable name */
#define SHOW 64			/* bytes of a line or value quoted in a message */
#define KEY_PREFIX "PXEBOOTSRV_"

#define STR_(x) #x
#define STR(x) STR_(x)

/* The sizes the messages below promise. */
_Static_assert(sizeof(((struct serve_config *)0)->http_url) == 512, "http_url size in messages");
_Static_assert(sizeof(((struct serve_config *)0)->nfs_url) == 512, "nfs_url size in messages");
_Static_assert(sizeof(((struct serve_config *)0)->extra) == 1024, "extra size in messages");
_Static_assert(sizeof(((struct serve_config *)0)->interface) == 16, "interface size in messages");
_Static_assert(sizeof(((struct serve_config *)0)->default_image) == 64, "the image name fits");

struct var {
	char name[MAX_NAME + 1];
	char *val;		/* malloc'd, NUL-terminated */
};

/* The parse state; heap-allocated, as the variable table is ~20 KiB. */
struct pstate {
	char label[128];	/* the input's name, sanitized */
	unsigned line;
	const char *ls, *le;	/* the current line, from its first non-blank */
	struct serve_config *c;
	config_warn_fn warn;
	void *warn_ctx;
	struct errbuf *e;
	struct var vars[MAX_VARS];
	int nvars;
	char val[MAX_VALUE + 1];	/* the value being built */
	size_t vlen;
};

#define CMDSUB "$VAR or ${VAR}, not command substitution"

/* ---- messages ---- */

/* Untrusted text for a message: sanitized, cut at SHOW bytes with "...". */
static void show(char *dst, size_t cap, const char *s, size_t n)
{
	nb_sanitize(dst, cap, s, n < SHOW ? n : SHOW);
	if (n > SHOW)
		strcat(dst, "...");
}

/* A line that is not the shell we understand: quotes the line. */
static int syntax_fail(struct pstate *p, const char *expected)
{
	char line[SHOW + 4];

	show(line, sizeof(line), p->ls, (size_t)(p->le - p->ls));
	return nb_fail(p->e, -EINVAL, "%s line %u: %s: expected %s", p->label, p->line, line, expected);
}

/* A well-formed assignment with a wrong value: quotes KEY="value". */
static int value_fail(struct pstate *p, const char *key, const char *expected)
{
	char val[SHOW + 4];

	show(val, sizeof(val), p->val, p->vlen);
	return nb_fail(p->e, -EINVAL, "%s line %u: %s=\"%s\": expected %s", p->label, p->line, key, val,
		       expected);
}

/* ---- character classes and small value parsers ---- */

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

static bool is_name_char(char ch, bool first)
{
	return ch == '_' || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
	       (!first && ch >= '0' && ch <= '9');
}

/* strchr() without its match on the terminating NUL. */
static bool in_set(char ch, const char *set)
{
	return ch != '\0' && strchr(set, ch) != NULL;
}

static char lower(char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

/* Case-insensitive (ASCII, locale-free) prefix test over (s, n). */
static bool has_prefix_ci(const char *s, size_t n, const char *prefix)
{
	size_t i;

	for (i = 0; prefix[i]; i++)
		if (i >= n || lower(s[i]) != prefix[i])
			return false;
	return true;
}

static bool eq_ci(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && has_prefix_ci(s, n, word);
}

/* Printable ASCII; blanks allowed or not. */
static bool is_text(const char *s, size_t n, bool blanks)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < (blanks ? 0x20 : 0x21) || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

/* Decimal digits only, no sign, at most 10 of them, min..max. */
static bool parse_uint(const char *s, size_t n, unsigned long long min, unsigned long long max,
		       unsigned long long *out)
{
	unsigned long long v = 0;

	if (n == 0 || n > 10)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* Addresses separated by blanks or commas: the count, -1 for a bad
 * address, -2 for more than max. */
static int parse_ipv4_list(const char *s, size_t n, uint32_t *out, int max)
{
	size_t i = 0, start;
	int count = 0;

	for (;;) {
		while (i < n && (is_blank(s[i]) || s[i] == ','))
			i++;
		if (i == n)
			return count;
		for (start = i; i < n && !is_blank(s[i]) && s[i] != ','; i++)
			;
		if (count == max)
			return -2;
		if (!ipv4_parse(s + start, i - start, &out[count++]))
			return -1;
	}
}

/* IPv6 addresses separated by blanks or commas, as parse_ipv4_list. */
static int parse_ipv6_list(const char *s, size_t n, uint8_t (*out)[16], int max)
{
	size_t i = 0, start;
	int count = 0;
	char one[INET6_ADDRSTRLEN];

	for (;;) {
		while (i < n && (is_blank(s[i]) || s[i] == ','))
			i++;
		if (i == n)
			return count;
		for (start = i; i < n && !is_blank(s[i]) && s[i] != ','; i++)
			;
		if (count == max)
			return -2;
		if (i - start >= sizeof(one))
			return -1;
		memcpy(one, s + start, i - start);
		one[i - start] = 0;
		if (inet_pton(AF_INET6, one, out[count++]) != 1)
			return -1;
	}
}

/* ---- the keys: each checks the whole value before it changes c, and
 * returns NULL or what was expected ---- */

typedef const char *(*setter)(struct serve_config *c, const char *v, size_t n, size_t off);

static bool parse_bool(const char *v, size_t n, bool *out)
{
	static const char *const words[] = { "yes", "no", "true", "false", "1", "0", "on", "off" };

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (eq_ci(v, n, words[i])) {
			*out = i % 2 == 0;
			return true;
		}
	return false;
}

static const char *set_flag(struct serve_config *c, const char *v, size_t n, size_t off)
{
	bool b;

	if (!parse_bool(v, n, &b))
		return "yes or no";
	*(bool *)((char *)c + off) = b;
	return NULL;
}

/* "no" does not mean silence: the original then leaves DHCP to the site's
 * server, and we answer PXE clients beside it (proxy-DHCP). */
static const char *set_dhcp(struct serve_config *c, const char *v, size_t n, size_t off)
{
	bool b;

	(void)off;
	if (!parse_bool(v, n, &b))
		return "yes or no";
	c->do_dhcp = b;
	c->proxy_dhcp = !b;
	return NULL;
}

/* "" leaves the address unset (0), as an empty shell variable would. */
static const char *set_addr(struct serve_config *c, const char *v, size_t n, size_t off)
{
	uint32_t a = 0;

	if (n && !ipv4_parse(v, n, &a))
		return "an IPv4 address like 192.168.1.5";
	*(uint32_t *)((char *)c + off) = a;
	return NULL;
}

static const char *set_netmask(struct serve_config *c, const char *v, size_t n, size_t off)
{
	uint32_t m = 0;

	(void)off;
	if (n && (!ipv4_parse(v, n, &m) || ipv4_mask_prefix(m) < 0))
		return "a contiguous netmask like 255.255.255.0";
	c->netmask = m;
	return NULL;
}

static const char *set_dns(struct serve_config *c, const char *v, size_t n, size_t off)
{
	uint32_t a[SERVE_MAX_DNS] = { 0 };	/* the unused slots are cleared */
	int count = parse_ipv4_list(v, n, a, SERVE_MAX_DNS);

	(void)off;
	if (count == -2)
		return "at most " STR(SERVE_MAX_DNS) " addresses separated by spaces or commas";
	if (count < 0)
		return "IPv4 addresses separated by spaces or commas, like 192.168.1.254";
	memcpy(c->dns, a, sizeof(a));
	c->ndns = count;
	return NULL;
}

static const char *set_range(struct serve_config *c, const char *v, size_t n, size_t off)
{
	uint32_t a[2] = { 0, 0 };
	int count = parse_ipv4_list(v, n, a, 2);

	(void)off;
	if (count != 0 && count != 2)
		return "two addresses like \"192.168.1.100 192.168.1.150\"";
	if (ntohl(a[0]) > ntohl(a[1]))
		return "a start address not above the end address";
	c->range_start = a[0];
	c->range_end = a[1];
	return NULL;
}

/* Two addresses of one /112 at most (65536, as the v4 pool), first <= last;
 * a range implies the DHCPv6 service. */
static const char *set_range6(struct serve_config *c, const char *v, size_t n, size_t off)
{
	uint8_t a[2][16] = { { 0 } };
	int count = parse_ipv6_list(v, n, a, 2);

	(void)off;
	if (count != 0 && count != 2)
		return "two IPv6 addresses like \"2001:db8::100 2001:db8::1ff\"";
	if (memcmp(a[0], a[1], 14) || memcmp(a[0] + 14, a[1] + 14, 2) > 0)
		return "a start address not above the end, both in one /112 (65536 addresses at most)";
	if (count && (a[0][0] == 0xff || (a[0][0] == 0xfe && (a[0][1] & 0xc0) == 0x80)))
		return "global or unique local addresses (not link-local or multicast)";
	memcpy(c->range6_start, a[0], 16);
	memcpy(c->range6_end, a[1], 16);
	c->has_range6 = count == 2;
	if (count)
		c->do_dhcp6 = true;
	return NULL;
}

static const char *set_dns6(struct serve_config *c, const char *v, size_t n, size_t off)
{
	uint8_t a[SERVE_MAX_DNS][16] = { { 0 } };
	int count = parse_ipv6_list(v, n, a, SERVE_MAX_DNS);

	(void)off;
	if (count == -2)
		return "at most " STR(SERVE_MAX_DNS) " addresses separated by spaces or commas";
	if (count < 0)
		return "IPv6 addresses separated by spaces or commas, like 2001:db8::53";
	memcpy(c->dns6, a, sizeof(a));
	c->ndns6 = count;
	return NULL;
}

static const char *set_addr6(struct serve_config *c, const char *v, size_t n, size_t off)
{
	uint8_t a[1][16] = { { 0 } };

	(void)off;
	if (parse_ipv6_list(v, n, a, 1) < 0)
		return "one IPv6 address like 2001:db8::1";
	memcpy(c->local_ip6, a[0], 16);
	return NULL;
}

/* yes/no, or a prefix "2001:db8::/64" announced on-link with the RAs. */
static const char *set_ra(struct serve_config *c, const char *v, size_t n, size_t off)
{
	const char *slash = memchr(v, '/', n);
	uint8_t a[1][16] = { { 0 } };
	unsigned long long len;
	bool b;

	(void)off;
	if (!slash) {
		if (!parse_bool(v, n, &b))
			return "yes, no or an on-link prefix like 2001:db8::/64";
		c->ra_send = b;
		c->ra_prefix_len = 0;
		return NULL;
	}
	if (parse_ipv6_list(v, (size_t)(slash - v), a, 1) != 1 ||
	    !parse_uint(slash + 1, n - (size_t)(slash - v) - 1, 1, 128, &len))
		return "yes, no or an on-link prefix like 2001:db8::/64";
	memcpy(c->ra_prefix, a[0], 16);
	c->ra_prefix_len = (uint8_t)len;
	c->ra_send = true;
	return NULL;
}

/* The URL goes onto the kernel command line: no blanks, a host after "http://". */
static const char *set_http(struct serve_config *c, const char *v, size_t n, size_t off)
{
	(void)off;
	if (n && (!has_prefix_ci(v, n, "http://") || n == 7 || v[7] == '/' || !is_text(v, n, false)))
		return "a URL like http://192.168.1.5/sysrcd.dat";
	if (n >= sizeof(c->http_url))
		return "a URL of at most 511 bytes";
	memcpy(c->http_url, v, n + 1);
	return NULL;
}

/* nfs://host:/path as given, or the nfsboot= form host:/path made a URL. */
static const char *set_nfs(struct serve_config *c, const char *v, size_t n, size_t off)
{
	static const char expect[] = "an NFS export like nfs://192.168.1.5:/tftpboot or 192.168.1.5:/tftpboot";
	const char *colon;
	bool url = has_prefix_ci(v, n, "nfs://");

	(void)off;
	if (n == 0) {
		c->nfs_url[0] = '\0';
		return NULL;
	}
	if (!is_text(v, n, false) || (url && n == 6))
		return expect;
	if (!url) {
		colon = memchr(v, ':', n);
		if (!colon || colon == v || colon + 1 == v + n || colon[1] != '/' ||
		    memchr(v, '/', (size_t)(colon - v)))
			return expect;
	}
	if ((url ? 0 : 6) + n >= sizeof(c->nfs_url))
		return "an NFS URL of at most 511 bytes";
	snprintf(c->nfs_url, sizeof(c->nfs_url), "%s%s", url ? "" : "nfs://", v);
	return NULL;
}

static const char *set_timeout(struct serve_config *c, const char *v, size_t n, size_t off)
{
	unsigned long long t;

	(void)off;
	if (!parse_uint(v, n, 0, 3600, &t))
		return "seconds from 0 to 3600";
	c->timeout_secs = (unsigned)t;
	return NULL;
}

/* 0xffffffff is "infinite" to DHCP (RFC 2131), so the whole range is allowed. */
static const char *set_lease(struct serve_config *c, const char *v, size_t n, size_t off)
{
	unsigned long long t;

	(void)off;
	if (!parse_uint(v, n, 60, 0xffffffffu, &t))
		return "seconds, at least 60";
	c->lease_secs = (uint32_t)t;
	return NULL;
}

static const char *set_extra(struct serve_config *c, const char *v, size_t n, size_t off)
{
	(void)off;
	if (!is_text(v, n, true) || n >= sizeof(c->extra))
		return "printable kernel arguments of at most 1023 bytes";
	memcpy(c->extra, v, n + 1);
	return NULL;
}

static const char *set_stage3(struct serve_config *c, const char *v, size_t n, size_t off)
{
	static const struct { const char *word; enum stage3_kind k; } kinds[] = {
		{ "http", STAGE3_HTTP }, { "tftp", STAGE3_TFTP }, { "nbd", STAGE3_NBD }, { "nfs", STAGE3_NFS },
	};

	(void)off;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (eq_ci(v, n, kinds[i].word)) {
			c->stage3 = kinds[i].k;
			c->stage3_set = true;
			return NULL;
		}
	return "http, tftp, nbd or nfs";
}

/* What Linux takes as a name: no blanks or '/', not "." or "..". */
static const char *set_interface(struct serve_config *c, const char *v, size_t n, size_t off)
{
	(void)off;
	if (n >= sizeof(c->interface) || !is_text(v, n, false) || memchr(v, '/', n) ||
	    eq_ci(v, n, ".") || eq_ci(v, n, ".."))
		return "an interface name of at most 15 characters like eth0";
	memcpy(c->interface, v, n + 1);
	return NULL;
}

/* A path: printable, blanks allowed (it is not on a command line). */
static const char *set_hosts(struct serve_config *c, const char *v, size_t n, size_t off)
{
	(void)off;
	if (!is_text(v, n, true) || n >= sizeof(c->hosts_file))
		return "the path of a hosts file like /etc/netboot/hosts";
	memcpy(c->hosts_file, v, n + 1);
	c->no_hosts = false;
	return NULL;
}

static const char *set_default_image(struct serve_config *c, const char *v, size_t n, size_t off)
{
	(void)off;
	if (n && !hosts_image_name_ok(v, n))
		return "an image name: a folder under DIR/images (letters, digits, '.', '_', '-')";
	memcpy(c->default_image, v, n + 1);
	return NULL;
}

/* An empty value clears the list: the default (loopback, the served subnet). */
static const char *set_status_allow(struct serve_config *c, const char *v, size_t n, size_t off)
{
	(void)off;
	c->status_allow.n = 0;
	return n ? status_allow_parse(v, n, &c->status_allow) : NULL;
}

/* yes: chain PXE ROMs to iPXE; no: pxelinux for all; auto: iPXE clients only */
static const char *set_ipxe(struct serve_config *c, const char *v, size_t n, size_t off)
{
	bool b;

	(void)off;
	if (eq_ci(v, n, "auto")) {
		c->ipxe = IPXE_AUTO;
		return NULL;
	}
	if (!parse_bool(v, n, &b))
		return "yes, no or auto";
	c->ipxe = b ? IPXE_CHAIN : IPXE_OFF;
	return NULL;
}

#define AT(field) offsetof(struct serve_config, field)
static const struct key {
	const char *suffix;	/* after PXEBOOTSRV_ */
	setter set;
	size_t off;		/* for the setters shared by several keys */
} keys[] = {
	{ "DODHCPD", set_dhcp, 0 },
	{ "DOTFTPD", set_flag, AT(do_tftp) },
	{ "DOHTTPD", set_flag, AT(do_http) },
	{ "DONBD", set_flag, AT(do_nbd) },
	{ "DONFSD", set_flag, AT(do_nfs) },
	{ "SUBNET", set_addr, AT(subnet) },
	{ "NETMASK", set_netmask, 0 },
	{ "DEFROUTE", set_addr, AT(router) },
	{ "DNS", set_dns, 0 },
	{ "DHCPRANGE", set_range, 0 },
	{ "LOCALIP", set_addr, AT(local_ip) },
	{ "LISTEN", set_addr, AT(listen_ip) },
	{ "TFTPSERVER", set_addr, AT(tftp_server) },
	{ "HTTPSERVER", set_http, 0 },
	{ "TIMEOUT", set_timeout, 0 },
	{ "EXTRA", set_extra, 0 },
	{ "NFSURL", set_nfs, 0 },
	{ "NFSSERVER", set_nfs, 0 },
	{ "STAGE3", set_stage3, 0 },
	{ "LEASETIME", set_lease, 0 },
	{ "INTERFACE", set_interface, 0 },
	{ "HOSTS", set_hosts, 0 },
	{ "DEFAULT_IMAGE", set_default_image, 0 },
	{ "STATUS_ALLOW", set_status_allow, 0 },
	{ "IPXE", set_ipxe, 0 },
	{ "DODHCP6", set_flag, AT(do_dhcp6) },
	{ "DHCP6RANGE", set_range6, 0 },
	{ "DNS6", set_dns6, 0 },
	{ "LOCALIP6", set_addr6, 0 },
	{ "RA", set_ra, 0 },
};

/* "1".."16" of PXEBOOTSRV_MIRRORS_N: its slot, or -1. */
static int mirrors_slot(const char *n)
{
	unsigned long long v;
	return n[0] != '0' && parse_uint(n, strlen(n), 1, SERVE_MAX_MIRROR_MAPS, &v) ? (int)v - 1 : -1;
}

/* Applies p->val to a PXEBOOTSRV_ key; other variables only feed $VAR. */
static int apply_key(struct pstate *p, const char *name)
{
	const char *suffix = name + strlen(KEY_PREFIX), *expected;
	char msg[256];

	if (strncmp(name, KEY_PREFIX, strlen(KEY_PREFIX)) != 0)
		return 0;
	if (strncmp(suffix, "MIRRORS_", 8) == 0 && mirrors_slot(suffix + 8) >= 0) {
		struct mirror_map m = { 0 };	/* an empty value clears the slot */
		if (p->vlen && (expected = mirror_map_parse(p->val, p->vlen, &m)))
			return value_fail(p, name, expected);
		p->c->mirrors[mirrors_slot(suffix + 8)] = m;
		return 0;
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(suffix, keys[i].suffix) != 0)
			continue;
		expected = keys[i].set(p->c, p->val, p->vlen, keys[i].off);
		return expected ? value_fail(p, name, expected) : 0;
	}
	if (p->warn) {
		snprintf(msg, sizeof(msg), "%s line %u: unknown key %s, ignored", p->label, p->line, name);
		p->warn(p->warn_ctx, msg);
	}
	return 0;
}

/* ---- variables ---- */

static struct var *var_find(struct pstate *p, const char *name, size_t n)
{
	for (int i = 0; i < p->nvars; i++)
		if (strlen(p->vars[i].name) == n && memcmp(p->vars[i].name, name, n) == 0)
			return &p->vars[i];
	return NULL;
}

/* Records name = p->val for later $name references. */
static int var_set(struct pstate *p, const char *name, size_t n)
{
	struct var *v = var_find(p, name, n);
	char *val = malloc(p->vlen + 1);

	if (!val)
		return nb_fail(p->e, -ENOMEM, "%s line %u: out of memory", p->label, p->line);
	memcpy(val, p->val, p->vlen + 1);
	if (!v && p->nvars == MAX_VARS) {
		free(val);
		return syntax_fail(p, "at most " STR(MAX_VARS) " variables in one file");
	}
	if (!v) {
		v = &p->vars[p->nvars++];
		memcpy(v->name, name, n);
		v->name[n] = '\0';
	}
	free(v->val);
	v->val = val;
	return 0;
}

/* ---- the shell words ---- */

static int append(struct pstate *p, const char *s, size_t n)
{
	if (n > MAX_VALUE - p->vlen)
		return syntax_fail(p, "a value of at most " STR(MAX_VALUE) " bytes after expansion");
	memcpy(p->val + p->vlen, s, n);
	p->vlen += n;
	return 0;
}

/* $NAME or ${NAME} at *sp (on the '$'); an undefined name is "", as in the
 * shell.  A '$' before anything else is itself, also as in the shell,
 * except the special parameters ($1, $$, ...), which have no meaning here. */
static int expand(struct pstate *p, const char **sp, const char *end)
{
	const char *s = *sp + 1, *name;
	bool brace = s < end && *s == '{';
	struct var *v;

	if (s < end && *s == '(')
		return syntax_fail(p, CMDSUB);
	if (s < end && in_set(*s, "0123456789@*#?$!-"))
		return syntax_fail(p, "$NAME or ${NAME}, not a special parameter");
	if (brace)
		s++;
	for (name = s; s < end && is_name_char(*s, s == name); s++)
		;
	if (brace && (s == name || s == end || *s != '}'))
		return syntax_fail(p, "${NAME} with a plain variable name (no ${NAME:-word} forms)");
	if (s == name) {	/* a lone '$' */
		*sp = s;
		return append(p, "$", 1);
	}
	v = var_find(p, name, (size_t)(s - name));
	*sp = brace ? s + 1 : s;
	return v ? append(p, v->val, strlen(v->val)) : 0;
}

/* '...': everything literal up to the next quote. */
static int single_quoted(struct pstate *p, const char **sp, const char *end)
{
	const char *s = *sp + 1, *q = memchr(s, '\'', (size_t)(end - s));

	if (!q)
		return syntax_fail(p, "a closing ' on the same line");
	*sp = q + 1;
	return append(p, s, (size_t)(q - s));
}

/* "...": $ expands; a backslash escapes only " \ $ and `, as in the shell. */
static int double_quoted(struct pstate *p, const char **sp, const char *end)
{
	const char *s = *sp + 1;
	int rc = 0;

	while (rc == 0 && s < end && *s != '"') {
		if (*s == '\\' && s + 1 < end && memchr("\"\\$`", s[1], 4)) {
			rc = append(p, s + 1, 1);
			s += 2;
		} else if (*s == '$') {
			rc = expand(p, &s, end);
		} else if (*s == '`') {
			return syntax_fail(p, CMDSUB);
		} else {
			rc = append(p, s++, 1);
		}
	}
	if (rc == 0 && s == end)
		return syntax_fail(p, "a closing \" on the same line");
	*sp = s + 1;
	return rc;
}

/* One unquoted character (or escape or $reference). */
static int unquoted(struct pstate *p, const char **sp, const char *end)
{
	const char *s = *sp;

	if (*s == '\\') {
		if (s + 1 == end)
			return syntax_fail(p, "a character after \\ (lines do not continue)");
		*sp = s + 2;
		return append(p, s + 1, 1);
	}
	if (*s == '$')
		return expand(p, sp, end);
	if (*s == '`')
		return syntax_fail(p, CMDSUB);
	if (in_set(*s, ";&|<>()"))
		return syntax_fail(p, "a plain value (quote ; & | < > ( and ) to use them)");
	*sp = s + 1;
	return append(p, s, 1);
}

/* The value of an assignment: one shell word, its parts concatenated. */
static int parse_value(struct pstate *p, const char **sp, const char *end)
{
	int rc = 0;

	p->vlen = 0;
	while (rc == 0 && *sp < end && !is_blank(**sp)) {
		if (**sp == '\'')
			rc = single_quoted(p, sp, end);
		else if (**sp == '"')
			rc = double_quoted(p, sp, end);
		else
			rc = unquoted(p, sp, end);
	}
	p->val[p->vlen] = '\0';
	return rc;
}

static const char *skip_blanks(const char *s, const char *end)
{
	while (s < end && is_blank(*s))
		s++;
	return s;
}

/* [export] NAME=value [# comment], or "export NAME", a comment, nothing. */
static int parse_line(struct pstate *p)
{
	const char *s = p->ls, *end = p->le, *name;
	char key[MAX_NAME + 1];
	bool exported = false;
	size_t n;
	int rc;

	if (s == end || *s == '#')
		return 0;
	if (end - s > 6 && memcmp(s, "export", 6) == 0 && is_blank(s[6])) {
		s = skip_blanks(s + 6, end);
		exported = true;
	}
	for (name = s; s < end && is_name_char(*s, s == name); s++)
		;
	n = (size_t)(s - name);
	if (exported && n) {
		const char *t = skip_blanks(s, end);

		if (t == end || *t == '#')
			return 0;	/* "export NAME": the variable is already ours to read */
	}
	if (n == 0 || s == end || *s != '=')
		return syntax_fail(p, "NAME=value, a # comment or a blank line");
	if (n > MAX_NAME)
		return syntax_fail(p, "a variable name of at most " STR(MAX_NAME) " characters");
	memcpy(key, name, n);
	key[n] = '\0';
	s++;
	if ((rc = parse_value(p, &s, end)) < 0)
		return rc;
	s = skip_blanks(s, end);
	if (s < end && *s != '#')
		return syntax_fail(p, "one value then the end of the line or a # comment "
				      "(quote a value with blanks)");
	if ((rc = var_set(p, key, n)) < 0)
		return rc;
	return apply_key(p, key);
}

/* Frames line p->line at [s, le) and parses it. */
static int one_line(struct pstate *p, const char *s, const char *le)
{
	p->ls = s;
	p->le = le;
	if (le - s > MAX_LINE)
		return syntax_fail(p, "a line of at most " STR(MAX_LINE) " bytes");
	if (memchr(s, '\0', (size_t)(le - s)))
		return syntax_fail(p, "text, not a NUL byte");
	if (le > s && le[-1] == '\r')	/* a file written on Windows */
		le--;
	p->ls = skip_blanks(s, le);
	p->le = le;
	return parse_line(p);
}

int serve_config_parse(const char *buf, size_t len, const char *name, struct serve_config *c,
		       config_warn_fn warn, void *warn_ctx, struct errbuf *e)
{
	struct pstate *p = calloc(1, sizeof(*p));
	const char *s, *end, *nl;
	int rc = 0;

	if (!name)
		name = "config";
	if (!p)
		return nb_fail(e, -ENOMEM, "%s: out of memory", name);
	nb_sanitize(p->label, sizeof(p->label), name, strlen(name));
	p->c = c;
	p->warn = warn;
	p->warn_ctx = warn_ctx;
	p->e = e;
	if (!buf)
		buf = "", len = 0;
	for (s = buf, end = buf + len; rc == 0 && s < end; s = nl ? nl + 1 : end) {
		nl = memchr(s, '\n', (size_t)(end - s));
		p->line++;
		rc = one_line(p, s, nl ? nl : end);
	}
	for (int i = 0; i < p->nvars; i++)
		free(p->vars[i].val);
	free(p);
	return rc;
}
