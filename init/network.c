/* The network stage: the policy is in init/netup.c (linked by the host
 * tests too), the steps in netboot/netup.c (shared with `netboot dhcp`);
 * /init only says where the files go. */
#include <arpa/inet.h>
#include <stdio.h>
#include "netboot/ipv4.h"
#include "init/boot.h"
#include "init/netup.h"
#include "netboot/tcp.h"

static const struct net_paths paths = {
	.sysfs_net = "/sys/class/net",
	.resolv_conf = "/etc/resolv.conf",
	.run_dir = RUN_DIR,
	.sysfs_root = "/sys",
	.manager_dir = "/run",
};
static struct net_state st;	/* kept for IPv6 on demand in stage 3 */

/* tcp_connect's hook (netboot/tcp.h): the IPv6 the stage stopped, finished
 * when a server could not be reached without it (init/netup.h). */
static bool finish6(void *ctx, const char *host, uint16_t port, const char *why)
{
	struct boot *b = ctx;
	struct errbuf e;
	say("net", "%s port %u: %s; IPv6 was stopped unfinished when DHCPv4 was done: finishing IPv6 on %s "
	    "(at most %.0f s)", host, port, why, st.used.ifname, NET6_LATE_MS / 1000.0);
	if (net_finish6(&b->cfg, &paths, &st, stderr, &e) == 0)
		return true;
	say("net", "%s", e.msg);
	return false;
}

int bring_up_network(struct boot *b)
{
	char addr[16], gw[16];
	int rc = net_bring_up(&b->cfg, &paths, &st, stderr, &b->err);
	if (rc < 0)
		return rc;
	if (st.v6_stopped)
		tcp_set_late6(finish6, b, stderr);
	b->boot_server = st.used.next_server ? st.used.next_server : st.used.dhcp_server;
	if (st.used.ifname[0] && !st.used.addr && st.used.has6)
		say("network", "%s %s/%u (IPv6 %s, no IPv4) in %.2f s", st.used.ifname,
		    inet_ntop(AF_INET6, st.used.addr6, (char[INET6_ADDRSTRLEN]){ 0 }, INET6_ADDRSTRLEN), st.used.prefix6,
		    st.used.method6, st.elapsed_ms / 1000.0);
	else if (st.used.ifname[0])
		say("network", "%s %s/%u via %s (%s) in %.2f s", st.used.ifname, ipv4_ntoa(st.used.addr, addr),
		    st.used.prefix, st.used.gateway ? ipv4_ntoa(st.used.gateway, gw) : "no gateway",
		    st.used.method == NET_DHCP ? "DHCP" : "static", st.elapsed_ms / 1000.0);
	return 0;
}
