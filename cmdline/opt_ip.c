/* ip= in the forms the kernel (nfsroot.rst), klibc ipconfig and dracut use:
 *   ip=dhcp | on | any | both | bootp | rarp      DHCP on every NIC
 *   ip=off | none                                 no network
 *   ip=<client>:<server>:<gw>:<mask>:<host>:<dev>:<autoconf>[:<dns0>[:<dns1>[:<ntp>]]]
 *   ip=<client>:...:<autoconf>[:[<mtu>][:<mac>]]  (dracut; mtu and mac ignored)
 *   ip=<dev>:<autoconf>[:...]                     (dracut)
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

static enum autoconf autoconf_word(const char *s, size_t n)
{
	static const struct { const char *word; enum autoconf ac; } words[] = {
		{ "off", AC_OFF }, { "none", AC_OFF }, { "static", AC_OFF },
		{ "dhcp", AC_DHCP }, { "on", AC_DHCP }, { "any", AC_DHCP },
		{ "both", AC_DHCP }, { "bootp", AC_DHCP }, { "rarp", AC_DHCP },
	};

	if (n == 0)
		return AC_EMPTY;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (cl_eq(s, n, words[i].word))
			return words[i].ac;
	return AC_BAD;
}

static int bad_autoconf(struct cl_ctx *c)
{
	return cl_fail(c, "autoconf must be off, none, dhcp, on, any, both or bootp "
			  "(IPv6 and iBFT are not supported)");
}

struct ip_fields {
	const char *f[7];
	size_t n[7];
	int count;		/* fields present, up to 7 */
	const char *tail;	/* after the 7th field, or NULL */
	size_t tail_len;
};

static void split_fields(const char *s, size_t n, struct ip_fields *ip)
{
	size_t pos = 0;

	memset(ip, 0, sizeof(*ip));
	while (ip->count < 7 && cl_field(s, n, ':', &pos, &ip->f[ip->count], &ip->n[ip->count]))
		ip->count++;
	for (int i = ip->count; i < 7; i++)
		ip->f[i] = s + n;	/* absent fields read as empty */
	if (pos <= n) {
		ip->tail = s + pos;
		ip->tail_len = n - pos;
	}
}

/* After autoconf: "dns0:dns1[:ntp...]", or dracut's "[mtu][:mac]". */
static int ip_tail(struct cl_ctx *c, const char *s, size_t n)
{
	const char *f;
	size_t flen, pos = 0;
	unsigned long mtu;
	uint8_t mac[6];
	uint32_t dns;
	int rc;

	cl_field(s, n, ':', &pos, &f, &flen);
	if ((flen == 0 || cl_uint(f, flen, 65535, &mtu)) &&
	    (pos > n || mac_parse(s + pos, n - pos, mac)))
		return 0;
	pos = 0;
	for (int i = 0; i < 2 && cl_field(s, n, ':', &pos, &f, &flen); i++) {
		if (flen == 0)
			continue;
		if (!cl_host_ipv4(f, flen, &dns))
			return cl_fail(c, "dns%d field: expected an IPv4 address; form is %s", i, IP_FORM);
		if ((rc = cl_add_dns(c, dns)) < 0)
			return rc;
	}
	return 0;	/* a third field would be an NTP server: not ours */
}

static int apply(struct iface_plan *p, enum autoconf ac, uint32_t client,
		 uint8_t prefix, uint32_t gw, const char *host, size_t hlen)
{
	if (!p)
		return -EINVAL;		/* cl_iface() already said why */
	if (ac == AC_DHCP || (ac == AC_EMPTY && !client))
		p->method = NET_DHCP;
	else
		p->method = client ? NET_STATIC : NET_OFF;
	p->addr = p->method == NET_STATIC ? client : 0;
	p->prefix = p->method == NET_STATIC ? (prefix ? prefix : 24) : 0;
	p->gateway = gw;
	memset(p->hostname, 0, sizeof(p->hostname));
	memcpy(p->hostname, host, hlen);
	return 0;
}

/* dracut's ip=<dev>:<autoconf>[:[<mtu>][:<mac>]]. */
static int ip_dev_form(struct cl_ctx *c, const struct ip_fields *ip)
{
	enum autoconf ac = autoconf_word(ip->f[1], ip->n[1]);

	if (ac == AC_BAD)
		return bad_autoconf(c);
	return apply(cl_iface(c, ip->f[0], ip->n[0]), ac, 0, 0, 0, "", 0);
}

static int ip_full_form(struct cl_ctx *c, const struct ip_fields *ip)
{
	uint32_t client = 0, server, gw = 0;
	uint8_t prefix = 0;
	enum autoconf ac = autoconf_word(ip->f[6], ip->n[6]);
	int rc;

	if (ip->n[0] && !cl_host_ipv4(ip->f[0], ip->n[0], &client))
		return cl_fail(c, "client field: expected an IPv4 address; form is %s", IP_FORM);
	if (ip->n[1] && !ipv4_parse(ip->f[1], ip->n[1], &server))
		return cl_fail(c, "server field: expected an IPv4 address; form is %s", IP_FORM);
	if (ip->n[2] && !cl_host_ipv4(ip->f[2], ip->n[2], &gw))
		return cl_fail(c, "gateway field: expected an IPv4 address; form is %s", IP_FORM);
	if (ip->n[3] && !cl_netmask(ip->f[3], ip->n[3], &prefix))
		return cl_fail(c, "netmask field: expected a contiguous mask like 255.255.255.0 or a prefix length like 24");
	if (ip->n[4] && !cl_hostname(ip->f[4], ip->n[4], sizeof(c->cfg->all.hostname) - 1))
		return cl_fail(c, "hostname field: letters, digits, '.', '-', '_', at most %zu",
			       sizeof(c->cfg->all.hostname) - 1);
	if (ac == AC_BAD)
		return bad_autoconf(c);
	if (ip->tail && (rc = ip_tail(c, ip->tail, ip->tail_len)) < 0)
		return rc;
	return apply(ip->n[5] ? cl_iface(c, ip->f[5], ip->n[5]) : &c->cfg->all,
		     ac, client, prefix, gw, ip->f[4], ip->n[4]);
}

int cl_opt_ip(struct cl_ctx *c, const struct cl_arg *a)
{
	struct ip_fields ip;
	uint32_t addr;

	if (!memchr(a->val, ':', a->vlen)) {
		enum autoconf ac = autoconf_word(a->val, a->vlen);
		if (ac == AC_BAD)
			return bad_autoconf(c);
		return apply(&c->cfg->all, ac, 0, 0, 0, "", 0);
	}
	split_fields(a->val, a->vlen, &ip);
	/* "eth0:dhcp": a name where the client address goes, then a word */
	if (ip.n[0] && ip.n[1] && !ipv4_parse(ip.f[0], ip.n[0], &addr) && !ipv4_parse(ip.f[1], ip.n[1], &addr))
		return ip_dev_form(c, &ip);
	return ip_full_form(c, &ip);
}
