/* ip= in the forms the kernel (nfsroot.rst), klibc ipconfig and dracut use:
 *   ip=dhcp | on | any | both | bootp | rarp      DHCP on every NIC
 *   ip=off | none                                 no network
 *   ip=<client>:<server>:<gw>:<mask>:<host>:<dev>:<autoconf>[:<dns0>[:<dns1>[:<ntp>]]]
 *   ip=<client>:...:<autoconf>[:[<mtu>][:<mac>]]  (dracut; mtu and mac ignored)
 *   ip=<dev>:<autoconf>[:...]                     (dracut)
 *   ip=dhcp6 | auto6, ip=eth0:dhcp,dhcp6          (dracut: IPv6 alone, or both)
 *   ip=[2001:db8::5]::[2001:db8::1]:64:host:eth0:none   (dracut: static IPv6,
 *     the addresses in brackets, the netmask a prefix length)
 * Any field may be empty; an empty device means every NIC.
 * Method: a DHCP-family autoconf means DHCP even when a client address is
 * given (klibc and dracut agree; the kernel would go static).  Otherwise a
 * client address means static, and none means DHCP unless autoconf is
 * off/none. */
#include <errno.h>
#include <string.h>
#include "cmdline/internal.h"
#include "netboot/ipv4.h"
#include "netboot/mac.h"

#define IP_FORM "ip=<client>:<server>:<gw>:<netmask>:<hostname>:<device>:<autoconf>[:<dns0>:<dns1>]"

enum autoconf { AC_EMPTY, AC_OFF, AC_DHCP, AC_BAD };

/* The autoconf field: one word or dracut's list ("dhcp,dhcp6"); the IPv4
 * part in ac, the IPv6 part (dhcp6, auto6) in ac6 (NET6_UNSET if none). */
struct autoconf_v {
	enum autoconf ac;
	enum net6_method ac6;
};

static enum autoconf autoconf_word(const char *s, size_t n, enum net6_method *ac6)
{
	static const struct { const char *word; enum autoconf ac; } words[] = {
		{ "off", AC_OFF }, { "none", AC_OFF }, { "static", AC_OFF },
		{ "dhcp", AC_DHCP }, { "on", AC_DHCP }, { "any", AC_DHCP },
		{ "both", AC_DHCP }, { "bootp", AC_DHCP }, { "rarp", AC_DHCP },
	};

	if (n == 0)
		return AC_EMPTY;
	if (cl_eq(s, n, "dhcp6") || cl_eq(s, n, "auto6")) {
		*ac6 = s[0] == 'd' ? NET6_DHCP : NET6_AUTO;
		return AC_EMPTY;
	}
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (cl_eq(s, n, words[i].word))
			return words[i].ac;
	return AC_BAD;
}

static struct autoconf_v autoconf_list(const char *s, size_t n)
{
	struct autoconf_v v = { AC_EMPTY, NET6_UNSET };
	const char *f;
	size_t flen, pos = 0;

	while (n && cl_field(s, n, ',', &pos, &f, &flen)) {
		enum autoconf ac = autoconf_word(f, flen, &v.ac6);
		if (ac == AC_BAD || (flen == 0 && n))
			return (struct autoconf_v){ AC_BAD, NET6_UNSET };
		if (ac != AC_EMPTY)
			v.ac = ac;
	}
	return v;
}

static int bad_autoconf(struct cl_ctx *c)
{
	return cl_fail(c, "autoconf must be off, none, dhcp, on, any, both, bootp, dhcp6 or auto6, "
			  "or a list like dhcp,dhcp6 (iBFT is not supported; IPv6 addresses go in brackets: "
			  "ip=[2001:db8::5]::[2001:db8::1]:64::eth0:none)");
}

struct ip_fields {
	const char *f[7];
	size_t n[7];
	int count;		/* fields present, up to 7 */
	const char *tail;	/* after the 7th field, or NULL */
	size_t tail_len;
};

/* cl_field over ':' that keeps a bracketed IPv6 address ("[2001:db8::1]")
 * in one field. */
static bool ip_field(const char *s, size_t n, size_t *pos, const char **f, size_t *flen)
{
	size_t i = *pos;

	if (i > n)
		return false;
	if (i < n && s[i] == '[') {
		const char *close = memchr(s + i, ']', n - i);
		if (close)
			i = (size_t)(close - s);
	}
	const char *colon = memchr(s + i, ':', n - i);
	*f = s + *pos;
	*flen = colon ? (size_t)(colon - *f) : n - *pos;
	*pos = colon ? (size_t)(colon - s) + 1 : n + 1;
	return true;
}

static void split_fields(const char *s, size_t n, struct ip_fields *ip)
{
	size_t pos = 0;

	memset(ip, 0, sizeof(*ip));
	while (ip->count < 7 && ip_field(s, n, &pos, &ip->f[ip->count], &ip->n[ip->count]))
		ip->count++;
	for (int i = ip->count; i < 7; i++)
		ip->f[i] = s + n;	/* absent fields read as empty */
	if (pos <= n) {
		ip->tail = s + pos;
		ip->tail_len = n - pos;
	}
}

/* "[2001:db8::1]": the address inside the brackets. */
static bool bracketed6(const char *s, size_t n, uint8_t out[16])
{
	return n > 2 && s[0] == '[' && s[n - 1] == ']' && cl_ipv6(s + 1, n - 2, out);
}

static bool is_bracketed(const char *s, size_t n)
{
	return n && s[0] == '[';
}

/* After autoconf: "dns0:dns1[:ntp...]" (IPv6 ones in brackets), or
 * dracut's "[mtu][:mac]". */
static int ip_tail(struct cl_ctx *c, const char *s, size_t n)
{
	const char *f;
	size_t flen, pos = 0;
	unsigned long mtu;
	uint8_t mac[6], dns6[16];
	uint32_t dns;
	int rc;

	cl_field(s, n, ':', &pos, &f, &flen);
	if ((flen == 0 || cl_uint(f, flen, 65535, &mtu)) &&
	    (pos > n || mac_parse(s + pos, n - pos, mac)))
		return 0;
	pos = 0;
	for (int i = 0; i < 2 && ip_field(s, n, &pos, &f, &flen); i++) {
		if (flen == 0)
			continue;
		if (is_bracketed(f, flen)) {
			if (!bracketed6(f, flen, dns6))
				return cl_fail(c, "dns%d field: expected an IPv6 address in brackets like [2001:db8::53]", i);
			rc = cl_add_dns6(c, dns6);
		} else if (!cl_host_ipv4(f, flen, &dns)) {
			return cl_fail(c, "dns%d field: expected an IPv4 address or a bracketed IPv6 one; form is %s", i, IP_FORM);
		} else {
			rc = cl_add_dns(c, dns);
		}
		if (rc < 0)
			return rc;
	}
	return 0;	/* a third field would be an NTP server: not ours */
}

/* What the fields say, before it goes into a plan. */
struct ip_values {
	struct autoconf_v ac;
	uint32_t client, gw;
	uint8_t prefix;
	bool has6;		/* client in brackets */
	uint8_t client6[16], gw6[16], prefix6;
	const char *host;
	size_t hlen;
};

static void apply6(struct iface_plan *p, const struct ip_values *v)
{
	memset(p->addr6, 0, 16);
	memcpy(p->gateway6, v->gw6, 16);
	p->prefix6 = 0;
	if (v->ac.ac6 != NET6_UNSET)
		p->method6 = v->ac.ac6;
	else if (v->has6)
		p->method6 = NET6_STATIC;
	else
		p->method6 = v->ac.ac == AC_OFF ? NET6_OFF : NET6_UNSET;
	if (p->method6 == NET6_STATIC) {
		memcpy(p->addr6, v->client6, 16);
		p->prefix6 = v->prefix6 ? v->prefix6 : 64;
	}
}

static int apply(struct iface_plan *p, const struct ip_values *v)
{
	enum autoconf ac = v->ac.ac;

	if (!p)
		return -EINVAL;		/* cl_iface() already said why */
	/* an IPv6-only plan (ip=dhcp6, ip=[a]:...) leaves IPv4 off */
	if (ac == AC_DHCP || (ac == AC_EMPTY && !v->client && !v->has6 && v->ac.ac6 == NET6_UNSET))
		p->method = NET_DHCP;
	else
		p->method = v->client ? NET_STATIC : NET_OFF;
	p->addr = p->method == NET_STATIC ? v->client : 0;
	p->prefix = p->method == NET_STATIC ? (v->prefix ? v->prefix : 24) : 0;
	p->gateway = v->gw;
	memset(p->hostname, 0, sizeof(p->hostname));
	memcpy(p->hostname, v->host, v->hlen);
	apply6(p, v);
	return 0;
}

/* dracut's ip=<dev>:<autoconf>[:[<mtu>][:<mac>]]. */
static int ip_dev_form(struct cl_ctx *c, const struct ip_fields *ip)
{
	struct ip_values v = { .ac = autoconf_list(ip->f[1], ip->n[1]), .host = "" };

	if (v.ac.ac == AC_BAD)
		return bad_autoconf(c);
	return apply(cl_iface(c, ip->f[0], ip->n[0]), &v);
}

/* The client, gateway and netmask fields: IPv4, or IPv6 in brackets with
 * a prefix length. */
static int ip_addresses(struct cl_ctx *c, const struct ip_fields *ip, struct ip_values *v)
{
	unsigned long len;
	uint32_t server;
	uint8_t server6[16];

	if (is_bracketed(ip->f[0], ip->n[0])) {
		if (!bracketed6(ip->f[0], ip->n[0], v->client6))
			return cl_fail(c, "client field: expected an IPv6 address in brackets like [2001:db8::5]");
		v->has6 = true;
	} else if (ip->n[0] && !cl_host_ipv4(ip->f[0], ip->n[0], &v->client)) {
		return cl_fail(c, "client field: expected an IPv4 address or a bracketed IPv6 one; form is %s", IP_FORM);
	}
	if (is_bracketed(ip->f[1], ip->n[1]) ? !bracketed6(ip->f[1], ip->n[1], server6)
					      : ip->n[1] && !ipv4_parse(ip->f[1], ip->n[1], &server))
		return cl_fail(c, "server field: expected an IPv4 address or a bracketed IPv6 one; form is %s", IP_FORM);
	if (is_bracketed(ip->f[2], ip->n[2])) {
		if (!bracketed6(ip->f[2], ip->n[2], v->gw6))
			return cl_fail(c, "gateway field: expected an IPv6 address in brackets like [2001:db8::1]");
	} else if (ip->n[2] && !cl_host_ipv4(ip->f[2], ip->n[2], &v->gw)) {
		return cl_fail(c, "gateway field: expected an IPv4 address or a bracketed IPv6 one; form is %s", IP_FORM);
	}
	if (v->has6 && ip->n[3]) {
		if (!cl_uint(ip->f[3], ip->n[3], 128, &len) || len == 0)
			return cl_fail(c, "netmask field: expected a prefix length 1..128 for an IPv6 address");
		v->prefix6 = (uint8_t)len;
	} else if (ip->n[3] && !cl_netmask(ip->f[3], ip->n[3], &v->prefix)) {
		return cl_fail(c, "netmask field: expected a contiguous mask like 255.255.255.0 or a prefix length like 24");
	}
	return 0;
}

static int ip_full_form(struct cl_ctx *c, const struct ip_fields *ip)
{
	struct ip_values v = { .ac = autoconf_list(ip->f[6], ip->n[6]), .host = ip->f[4], .hlen = ip->n[4] };
	int rc;

	if ((rc = ip_addresses(c, ip, &v)) < 0)
		return rc;
	if (ip->n[4] && !cl_hostname(ip->f[4], ip->n[4], sizeof(c->cfg->all.hostname) - 1))
		return cl_fail(c, "hostname field: letters, digits, '.', '-', '_', at most %zu",
			       sizeof(c->cfg->all.hostname) - 1);
	if (v.ac.ac == AC_BAD)
		return bad_autoconf(c);
	if (ip->tail && (rc = ip_tail(c, ip->tail, ip->tail_len)) < 0)
		return rc;
	return apply(ip->n[5] ? cl_iface(c, ip->f[5], ip->n[5]) : &c->cfg->all, &v);
}

int cl_opt_ip(struct cl_ctx *c, const struct cl_arg *a)
{
	struct ip_fields ip;
	uint32_t addr;

	if (!memchr(a->val, ':', a->vlen)) {
		struct ip_values v = { .ac = autoconf_list(a->val, a->vlen), .host = "" };
		if (v.ac.ac == AC_BAD)
			return bad_autoconf(c);
		return apply(&c->cfg->all, &v);
	}
	split_fields(a->val, a->vlen, &ip);
	/* "eth0:dhcp": a name where the client address goes, then a word */
	if (ip.n[0] && ip.n[1] && !is_bracketed(ip.f[0], ip.n[0]) && !ipv4_parse(ip.f[0], ip.n[0], &addr) && !ipv4_parse(ip.f[1], ip.n[1], &addr))
		return ip_dev_form(c, &ip);
	return ip_full_form(c, &ip);
}
