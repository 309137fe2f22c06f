/* The IPv6 side of a configured interface (netboot/netup.h): filled from a
 * DHCPv6/SLAAC result or the command line's static address, applied over
 * rtnetlink, and its lines in the handover file and resolv.conf. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include "netboot/clock.h"
#include "netboot/dhcp6_client.h"
#include "netboot/netlog.h"
#include "netboot/netup.h"

static bool zero6(const uint8_t a[16])
{
	static const uint8_t zero[16];
	return !memcmp(a, zero, 16);
}

static void add_dns6(struct net_ifconf *c, const uint8_t a[16])
{
	for (int i = 0; i < c->ndns6; i++)
		if (!memcmp(c->dns6[i], a, 16))
			return;
	if (c->ndns6 < NET_MAX_DNS)
		memcpy(c->dns6[c->ndns6++], a, 16);
}

void net_ifconf_add6(struct net_ifconf *c, const struct dhcp6_result *r, const uint8_t (*dns)[16], int ndns)
{
	c->has6 = true;
	snprintf(c->method6, sizeof(c->method6), "%s", r->source ? r->source : "slaac");
	c->iaid6 = r->has_dhcp ? r->iaid : 0;
	memcpy(c->addr6, r->addr, 16);
	c->prefix6 = r->prefix;
	memset(c->gateway6, 0, 16);
	if (r->has_gateway)
		memcpy(c->gateway6, r->gateway, 16);
	c->ndns6 = 0;
	for (int i = 0; i < ndns; i++)
		add_dns6(c, dns[i]);
	for (int i = 0; i < r->ndns; i++)
		add_dns6(c, r->dns[i]);
	if (!c->domain[0]) {	/* the first search name only, as for DHCPv4 */
		size_t n = strcspn(r->domains, " ,");
		snprintf(c->domain, sizeof(c->domain), "%.*s", (int)(n < sizeof(c->domain) ? n : sizeof(c->domain) - 1), r->domains);
	}
}

void net_ifconf_static6(struct net_ifconf *c, const uint8_t addr[16], uint8_t prefix, const uint8_t gw[16],
			const uint8_t (*dns)[16], int ndns)
{
	c->has6 = true;
	snprintf(c->method6, sizeof(c->method6), "static");
	memcpy(c->addr6, addr, 16);
	c->prefix6 = prefix;
	memcpy(c->gateway6, gw, 16);
	c->ndns6 = 0;
	for (int i = 0; i < ndns; i++)
		add_dns6(c, dns[i]);
}

/* 1 when addr is usable, 0 while tentative, < 0 when DAD failed or gone. */
static int dad_state(struct rtnl *nl, int ifindex, const uint8_t addr[16], struct errbuf *e)
{
	struct rtnl_addr6 a[16];
	int n = rtnl_addr6_list(nl, ifindex, a, 16, e);

	for (int i = 0; i < n; i++) {
		if (memcmp(a[i].addr, addr, 16))
			continue;
		if (a[i].flags & RTNL_IFA_F_DADFAILED)
			return -EADDRINUSE;
		return (a[i].flags & RTNL_IFA_F_TENTATIVE) ? 0 : 1;
	}
	return n < 0 ? n : -EADDRINUSE;	/* the kernel drops an address that failed DAD */
}

int net_apply6(struct rtnl *nl, const struct net_ifconf *c, int wait_ms, FILE *log, struct errbuf *e)
{
	char a[INET6_ADDRSTRLEN], g[INET6_ADDRSTRLEN];
	struct rtnl_link l;
	struct errbuf sub;
	long long t0 = monotonic_ms();
	int rc;

	inet_ntop(AF_INET6, c->addr6, a, sizeof(a));
	if ((rc = rtnl_link_get(nl, 0, c->ifname, &l, e)) < 0 ||
	    (rc = rtnl_addr6_add(nl, l.ifindex, c->addr6, c->prefix6, e)) < 0)
		return rc;
	net_log(log, "%s: address %s/%u added, waiting for DAD", c->ifname, a, c->prefix6);
	while ((rc = dad_state(nl, l.ifindex, c->addr6, e)) == 0 && monotonic_ms() - t0 < wait_ms) {
		struct timespec ts = { 0, 50 * 1000000L };
		nanosleep(&ts, NULL);
	}
	if (rc < 0)
		return nb_fail(e, rc, "%s: %s failed DAD: another host on the link uses it", c->ifname, a);
	if (rc == 0)
		return nb_fail(e, -ETIMEDOUT, "%s: %s still in DAD after %.1f s (no carrier?)", c->ifname, a, wait_ms / 1000.0);
	net_log(log, "%s: %s/%u ready (DAD done) after %.1f s", c->ifname, a, c->prefix6, (double)(monotonic_ms() - t0) / 1000.0);
	if (zero6(c->gateway6))
		return 0;
	inet_ntop(AF_INET6, c->gateway6, g, sizeof(g));
	if (rtnl_route6_default(nl, l.ifindex, c->gateway6, &sub) < 0)
		net_log(log, "%s: IPv6 default route via %s not set: %s", c->ifname, g, sub.msg);
	else
		net_log(log, "%s: IPv6 default route via %s", c->ifname, g);
	return 0;
}
