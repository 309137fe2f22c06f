/* The network stage: the policy is in init/netup.c (linked by the host
 * tests too), the steps in netboot/netup.c (shared with `netboot dhcp`);
 * /init only says where the files go. */
#include <arpa/inet.h>
#include <stdio.h>
#include "netboot/ipv4.h"
#include "init/boot.h"
#include "init/netup.h"

int bring_up_network(struct boot *b)
{
	static const struct net_paths paths = {
		.sysfs_net = "/sys/class/net",
		.resolv_conf = "/etc/resolv.conf",
		.run_dir = RUN_DIR,
		.sysfs_root = "/sys",
		.manager_dir = "/run",
	};
	struct net_state st;
	char addr[16], gw[16];
	int rc = net_bring_up(&b->cfg, &paths, &st, stderr, &b->err);
	if (rc < 0)
		return rc;
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
