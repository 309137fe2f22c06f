/* Network options of the old SystemRescueCd init, plus BOOTIF= (pxelinux). */
#include <errno.h>
#include <string.h>
#include "cmdline/internal.h"
#include "netboot/mac.h"

struct iface_plan *cl_iface(struct cl_ctx *c, const char *name, size_t n)
{
	struct boot_config *cfg = c->cfg;
	struct iface_plan *p;
	char shown[40];

	if (!cl_ifname(name, n)) {
		nb_sanitize(shown, sizeof(shown), name, n);
		cl_fail(c, "'%s' is not an interface name (1 to 15 characters, no '/', ':', ',', '!')", shown);
		return NULL;
	}
	for (int i = 0; i < cfg->nifaces; i++)
		if (cl_eq(name, n, cfg->ifaces[i].name))
			return &cfg->ifaces[i];
	if (cfg->nifaces == CMDLINE_MAX_IFACES) {
		cl_fail(c, "too many interfaces (at most %d)", CMDLINE_MAX_IFACES);
		return NULL;
	}
	p = &cfg->ifaces[cfg->nifaces++];
	memcpy(p->name, name, n);
	return p;
}

int cl_add_dns(struct cl_ctx *c, uint32_t addr)
{
	struct boot_config *cfg = c->cfg;

	for (int i = 0; i < cfg->ndns; i++)
		if (cfg->dns[i] == addr)
			return 0;
	if (cfg->ndns == CMDLINE_MAX_DNS)
		return cl_fail(c, "at most %d DNS servers", CMDLINE_MAX_DNS);
	cfg->dns[cfg->ndns++] = addr;
	return 0;
}

int cl_add_dns6(struct cl_ctx *c, const uint8_t addr[16])
{
	struct boot_config *cfg = c->cfg;

	for (int i = 0; i < cfg->ndns6; i++)
		if (!memcmp(cfg->dns6[i], addr, 16))
			return 0;
	if (cfg->ndns6 == CMDLINE_MAX_DNS)
		return cl_fail(c, "at most %d IPv6 DNS servers", CMDLINE_MAX_DNS);
	memcpy(cfg->dns6[cfg->ndns6++], addr, 16);
	return 0;
}

/* ethx=2001:db8::5/64: the IPv6 address of the plan, the IPv4 side left as
 * it is (off when nothing asked for it: a static IPv6 boot needs no DHCP). */
static int set_static6(struct cl_ctx *c, struct iface_plan *p, const struct cl_arg *a)
{
	uint8_t addr[16], prefix;

	if (!cl_addr6_prefix(a->val, a->vlen, addr, &prefix))
		return cl_fail(c, "expected an IPv6 address like 2001:db8::10/64 (prefix length 1..128)");
	p->method6 = NET6_STATIC;
	memcpy(p->addr6, addr, 16);
	p->prefix6 = prefix;
	memset(p->gateway6, 0, 16);
	if (p->method == NET_UNSET)
		p->method = NET_OFF;
	return 0;
}

/* ethx= and ethN= replace whatever an earlier argument said for that NIC,
 * including an ip= hostname or gateway, as the last word wins. */
static int set_static(struct cl_ctx *c, struct iface_plan *p, const struct cl_arg *a)
{
	uint32_t addr;
	uint8_t prefix;

	if (cl_is_ipv6_text(a->val, a->vlen))
		return set_static6(c, p, a);
	if (!cl_addr_prefix(a->val, a->vlen, &addr, &prefix))
		return cl_fail(c, "expected an IPv4 address like 192.168.1.10/24");
	memset(p->hostname, 0, sizeof(p->hostname));
	p->method = NET_STATIC;
	p->addr = addr;
	p->prefix = prefix;
	p->gateway = 0;
	return 0;
}

int cl_opt_ethx(struct cl_ctx *c, const struct cl_arg *a)
{
	return set_static(c, &c->cfg->all, a);
}

int cl_opt_ethn(struct cl_ctx *c, const struct cl_arg *a)
{
	struct iface_plan *p = cl_iface(c, a->key, a->klen);

	return p ? set_static(c, p, a) : -EINVAL;
}

int cl_opt_gateway(struct cl_ctx *c, const struct cl_arg *a)
{
	if (cl_is_ipv6_text(a->val, a->vlen)) {
		if (!cl_ipv6(a->val, a->vlen, c->cfg->gateway6))
			return cl_fail(c, "expected an IPv6 address like 2001:db8::1 (or fe80::1)");
		return 0;
	}
	if (!cl_host_ipv4(a->val, a->vlen, &c->cfg->gateway))
		return cl_fail(c, "expected an IPv4 address like 192.168.1.254");
	return 0;
}

int cl_opt_dns(struct cl_ctx *c, const struct cl_arg *a)
{
	const char *f;
	size_t flen, pos = 0;
	uint32_t addr;
	uint8_t addr6[16];
	int rc;

	while (cl_field(a->val, a->vlen, ',', &pos, &f, &flen)) {
		if (cl_is_ipv6_text(f, flen)) {
			if (!cl_ipv6(f, flen, addr6))
				return cl_fail(c, "expected IPv6 addresses like 2001:db8::53 (or IPv4 ones)");
			if ((rc = cl_add_dns6(c, addr6)) < 0)
				return rc;
			continue;
		}
		if (!cl_host_ipv4(f, flen, &addr))
			return cl_fail(c, "expected up to %d IPv4 addresses like 192.168.1.1,8.8.8.8",
				       CMDLINE_MAX_DNS);
		if ((rc = cl_add_dns(c, addr)) < 0)
			return rc;
	}
	return 0;
}

/* dodhcp: DHCP on every NIC; dodhcp=eth0,eth2: only on those.  The last of
 * dodhcp and nodhcp wins, so an appended word overrides a menu's default. */
int cl_opt_dodhcp(struct cl_ctx *c, const struct cl_arg *a)
{
	struct boot_config *cfg = c->cfg;
	const char *f;
	size_t flen, pos = 0;

	cfg->dodhcp = true;
	cfg->nodhcp = false;
	cfg->ndhcp_only = 0;
	if (!a->has_val)
		return 0;
	while (cl_field(a->val, a->vlen, ',', &pos, &f, &flen)) {
		bool dup = false;
		if (!cl_ifname(f, flen))
			return cl_fail(c, "expected dodhcp or dodhcp=eth0,eth2 (interface names)");
		for (int i = 0; i < cfg->ndhcp_only; i++)
			dup |= cl_eq(f, flen, cfg->dhcp_only[i]);
		if (dup)
			continue;
		if (cfg->ndhcp_only == CMDLINE_MAX_IFACES)
			return cl_fail(c, "too many interfaces (at most %d)", CMDLINE_MAX_IFACES);
		memcpy(cfg->dhcp_only[cfg->ndhcp_only], f, flen);
		cfg->dhcp_only[cfg->ndhcp_only++][flen] = '\0';
	}
	return 0;
}

int cl_opt_nodhcp(struct cl_ctx *c, const struct cl_arg *a)
{
	(void)a;
	c->cfg->nodhcp = true;
	c->cfg->dodhcp = false;
	c->cfg->ndhcp_only = 0;
	return 0;
}

int cl_opt_dhcphostname(struct cl_ctx *c, const struct cl_arg *a)
{
	size_t max = sizeof(c->cfg->dhcp_hostname) - 1;

	if (!cl_hostname(a->val, a->vlen, max))
		return cl_fail(c, "expected a host name (letters, digits, '.', '-', '_'; at most %zu)", max);
	memcpy(c->cfg->dhcp_hostname, a->val, a->vlen);
	c->cfg->dhcp_hostname[a->vlen] = '\0';
	return 0;
}

/* One "eth0!00:11:22:33:44:55" or "eth1!BOOTIF" rule; a name given twice
 * keeps the later MAC. */
static int add_nameif(struct cl_ctx *c, const char *s, size_t n)
{
	struct boot_config *cfg = c->cfg;
	const char *bang = memchr(s, '!', n);
	size_t nlen = bang ? (size_t)(bang - s) : 0;
	struct nameif_rule r = { .bootif = false };
	int i;

	if (!bang || !cl_ifname(s, nlen))
		return cl_fail(c, "expected nameif=eth0!00:11:22:33:44:55,eth1!BOOTIF");
	if (cl_eq(bang + 1, n - nlen - 1, "BOOTIF"))
		r.bootif = true;
	else if (!mac_parse(bang + 1, n - nlen - 1, r.mac))
		return cl_fail(c, "expected nameif=eth0!00:11:22:33:44:55,eth1!BOOTIF");
	memcpy(r.name, s, nlen);
	for (i = 0; i < cfg->nnameif && strcmp(cfg->nameif[i].name, r.name); i++)
		;
	if (i == CMDLINE_MAX_IFACES)
		return cl_fail(c, "too many interfaces (at most %d)", CMDLINE_MAX_IFACES);
	cfg->nameif[i] = r;
	if (i == cfg->nnameif)
		cfg->nnameif++;
	return 0;
}

int cl_opt_nameif(struct cl_ctx *c, const struct cl_arg *a)
{
	const char *f;
	size_t flen, pos = 0;
	int rc;

	while (cl_field(a->val, a->vlen, ',', &pos, &f, &flen))
		if ((rc = add_nameif(c, f, flen)) < 0)
			return rc;
	return 0;
}

/* pxelinux writes "01-" (the ARP hardware type of Ethernet) before the MAC;
 * people typing it by hand often leave it out. */
int cl_opt_bootif(struct cl_ctx *c, const struct cl_arg *a)
{
	const char *s = a->val;
	size_t n = a->vlen;

	if (n == 20 && memcmp(s, "01-", 3) == 0) {
		s += 3;
		n -= 3;
	}
	if (!mac_parse(s, n, c->cfg->bootif))
		return cl_fail(c, "expected BOOTIF=01-aa-bb-cc-dd-ee-ff (an Ethernet MAC address)");
	c->cfg->bootif_set = true;
	return 0;
}
