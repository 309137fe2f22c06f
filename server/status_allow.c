/* See status_allow.h. */
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include "netboot/ipv4.h"
#include "server/status_allow.h"

static bool separator(char ch)
{
	return ch == ' ' || ch == '\t' || ch == ',';
}

/* One "a.b.c.d[/p]": host bits must be zero (a typo otherwise opens the
 * page to the wrong machines). */
static const char *parse_one(const char *s, size_t n, uint32_t *net, unsigned *prefix)
{
	const char *slash = memchr(s, '/', n);
	size_t alen = slash ? (size_t)(slash - s) : n;
	*prefix = 32;
	if (!ipv4_parse(s, alen, net))
		return "subnets like 192.0.2.0/24 or addresses like 192.0.2.7";
	if (slash) {
		size_t digits = n - alen - 1;
		if (digits == 0 || digits > 2)
			return "a prefix length 0..32 after the '/'";
		*prefix = 0;
		for (size_t i = 1; i <= digits; i++) {
			if (slash[i] < '0' || slash[i] > '9')
				return "a prefix length 0..32 after the '/'";
			*prefix = *prefix * 10 + (unsigned)(slash[i] - '0');
		}
		if (*prefix > 32)
			return "a prefix length 0..32 after the '/'";
	}
	if (*net & ~ipv4_prefix_mask(*prefix))
		return "the subnet's first address (host bits zero), like 192.0.2.0/24";
	return NULL;
}

bool status_allow_add(struct status_allow *a, uint32_t net, unsigned prefix)
{
	if (a->n == STATUS_ALLOW_MAX || prefix > 32)
		return false;
	a->e[a->n].net = net & ipv4_prefix_mask(prefix);
	a->e[a->n].prefix = (uint8_t)prefix;
	a->n++;
	return true;
}

const char *status_allow_parse(const char *s, size_t n, struct status_allow *a)
{
	struct status_allow out = *a;
	size_t i = 0;
	bool any = false;
	for (;;) {
		while (i < n && separator(s[i]))
			i++;
		if (i == n)
			break;
		size_t start = i;
		while (i < n && !separator(s[i]))
			i++;
		uint32_t net;
		unsigned prefix;
		const char *why = parse_one(s + start, i - start, &net, &prefix);
		if (why)
			return why;
		if (!status_allow_add(&out, net, prefix))
			return "at most 16 subnets";
		any = true;
	}
	if (!any)
		return "at least one subnet like 192.0.2.0/24";
	*a = out;
	return NULL;
}

bool status_allow_match(const struct status_allow *a, uint32_t ip)
{
	for (int i = 0; i < a->n; i++)
		if (((ip ^ a->e[i].net) & ipv4_prefix_mask(a->e[i].prefix)) == 0)
			return true;
	return false;
}

/* Whether net/prefix lies inside one subnet of a already. */
static bool covered(const struct status_allow *a, uint32_t net, unsigned prefix)
{
	for (int i = 0; i < a->n; i++)
		if (a->e[i].prefix <= prefix && ((net ^ a->e[i].net) & ipv4_prefix_mask(a->e[i].prefix)) == 0)
			return true;
	return false;
}

/* The interface subnet that holds local_ip, added to a. */
static void add_local_subnet(struct status_allow *a, uint32_t local_ip)
{
	struct ifaddrs *ifs;
	if (getifaddrs(&ifs) < 0)
		return;
	for (struct ifaddrs *i = ifs; i; i = i->ifa_next) {
		if (!i->ifa_addr || !i->ifa_netmask || i->ifa_addr->sa_family != AF_INET)
			continue;
		uint32_t addr = ((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr.s_addr;
		uint32_t mask = ((struct sockaddr_in *)(void *)i->ifa_netmask)->sin_addr.s_addr;
		int prefix = ipv4_mask_prefix(mask);
		if (addr == local_ip && prefix >= 0 && !covered(a, addr, (unsigned)prefix))
			status_allow_add(a, addr, (unsigned)prefix);
	}
	freeifaddrs(ifs);
}

void status_allow_default(struct status_allow *a, uint32_t subnet, uint32_t netmask, uint32_t local_ip)
{
	uint32_t loopback = htonl(INADDR_LOOPBACK & 0xff000000u);
	a->n = 0;
	status_allow_add(a, loopback, 8);
	int prefix = netmask ? ipv4_mask_prefix(netmask) : -1;
	if (subnet && prefix >= 0 && !covered(a, subnet, (unsigned)prefix))
		status_allow_add(a, subnet, (unsigned)prefix);
	if (local_ip)
		add_local_subnet(a, local_ip);
}

/* The prefix length of a netmask (ones first), -1 when not contiguous. */
static int mask6_prefix(const struct in6_addr *m)
{
	int n = 0, i = 0;
	for (; i < 16 && m->s6_addr[i] == 0xff; i++)
		n += 8;
	if (i < 16) {
		uint8_t b = m->s6_addr[i++];
		for (; b & 0x80; b = (uint8_t)(b << 1))
			n++;
		if (b)
			return -1;
	}
	for (; i < 16; i++)
		if (m->s6_addr[i])
			return -1;
	return n;
}

static bool same_prefix6(const struct in6_addr *a, const struct in6_addr *b, int prefix)
{
	int full = prefix / 8, rest = prefix % 8;
	if (memcmp(a->s6_addr, b->s6_addr, (size_t)full))
		return false;
	return !rest || !((a->s6_addr[full] ^ b->s6_addr[full]) & (uint8_t)(0xff << (8 - rest)));
}

bool status_allow_onlink6(const struct in6_addr *local, const struct in6_addr *peer)
{
	struct ifaddrs *ifs;
	bool yes = false;
	if (getifaddrs(&ifs) < 0)
		return false;
	for (struct ifaddrs *i = ifs; i && !yes; i = i->ifa_next) {
		if (!i->ifa_addr || !i->ifa_netmask || i->ifa_addr->sa_family != AF_INET6)
			continue;
		const struct in6_addr *a = &((const struct sockaddr_in6 *)(const void *)i->ifa_addr)->sin6_addr;
		int prefix = mask6_prefix(&((const struct sockaddr_in6 *)(const void *)i->ifa_netmask)->sin6_addr);
		yes = prefix > 0 && !memcmp(a, local, sizeof(*a)) && same_prefix6(local, peer, prefix);
	}
	freeifaddrs(ifs);
	return yes;
}

const char *status_allow_format(const struct status_allow *a, char *buf, size_t cap)
{
	size_t len = 0;
	char ip[16];
	if (cap)
		buf[0] = '\0';
	for (int i = 0; i < a->n && len < cap; i++) {
		int w = snprintf(buf + len, cap - len, "%s%s/%u", i ? " " : "", ipv4_ntoa(a->e[i].net, ip),
				 a->e[i].prefix);
		if (w < 0)
			break;
		len += (size_t)w;
	}
	return buf;
}
