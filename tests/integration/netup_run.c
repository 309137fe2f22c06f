/* netup_run: runs net_bring_up() (init/netup.c) the way /init does, for netup_netns.sh.
 *   netup_run DIR 'kernel command line'
 * Reads the interfaces from /sys/class/net (run it inside a namespace),
 * writes DIR/resolv.conf and DIR/run/<if>.conf, prints struct net_state as
 * key=value lines on stdout and the stage's log on stderr.  Exit status 0,
 * or 1 with "netup_run: <message>" on stderr. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include "netboot/ipv4.h"
#include "cmdline/cmdline.h"
#include "init/netup.h"

int main(int argc, char **argv)
{
	struct boot_config cfg;
	struct net_state st;
	struct errbuf e = { "" };
	char resolv[512], run[512], a[16];
	const struct net_ifconf *u = &st.used;

	if (argc != 3) {
		fprintf(stderr, "usage: netup_run DIR 'kernel command line'\n");
		return 2;
	}
	if (cmdline_parse(argv[2], strlen(argv[2]), &cfg, &e) < 0) {
		fprintf(stderr, "netup_run: %s\n", e.msg);
		return 1;
	}
	snprintf(resolv, sizeof(resolv), "%s/resolv.conf", argv[1]);
	snprintf(run, sizeof(run), "%s/run", argv[1]);
	struct net_paths paths = { .sysfs_net = "/sys/class/net", .resolv_conf = resolv, .run_dir = run };
	if (net_bring_up(&cfg, &paths, &st, stderr, &e) < 0) {
		fprintf(stderr, "netup_run: %s\n", e.msg);
		return 1;
	}
	printf("used=%s\nmethod=%s\n", u->ifname, u->method == NET_DHCP ? "dhcp" : u->method == NET_OFF ? "none" : "static");
	printf("addr=%s/%u\n", ipv4_ntoa(u->addr, a), u->prefix);
	printf("gateway=%s\n", u->gateway ? ipv4_ntoa(u->gateway, a) : "");
	for (int i = 0; i < u->ndns; i++)
		printf("dns=%s\n", ipv4_ntoa(u->dns[i], a));
	printf("dhcp_server=%s\n", u->dhcp_server ? ipv4_ntoa(u->dhcp_server, a) : "");
	printf("next_server=%s\n", u->next_server ? ipv4_ntoa(u->next_server, a) : "");
	printf("bootfile=%s\nlease=%u\n", u->bootfile, u->lease_secs);
	printf("configured=");
	for (int i = 0; i < st.nconfigured; i++)
		printf("%s%s", i ? "," : "", st.configured[i]);
	printf("\nelapsed_ms=%ld\ndhcp_ms=%ld\n", st.elapsed_ms, st.dhcp_ms);
	if (u->has6) {
		char a6[INET6_ADDRSTRLEN];
		printf("method6=%s\naddr6=%s/%u\n", u->method6, inet_ntop(AF_INET6, u->addr6, a6, sizeof(a6)), u->prefix6);
		for (int i = 0; i < u->ndns6; i++)
			printf("dns6=%s\n", inet_ntop(AF_INET6, u->dns6[i], a6, sizeof(a6)));
	}
	return 0;
}
