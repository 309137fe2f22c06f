/* netboot dhcp: the DHCP client /init runs, on the interfaces named.
 * Prints the lease in the handover format (docs/handover.md); with --apply
 * also configures address, MTU and default route and writes the files.
 * The interfaces are brought up even without --apply: DHCP needs that. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "netboot/dhcp_client.h"
#include "netboot/netup.h"
#include "netboot/rtnl.h"
#include "netboot/mac.h"
#include "tool/tool.h"

static int usage(void)
{
	fprintf(stderr, "usage: netboot dhcp [--apply] [--run-dir DIR] [--resolv FILE] [--bootif MAC]\n"
			"                    [--timeout S] [--hostname H] IFACE...\n"
			"  --apply       configure the address, MTU and default route of the lease\n"
			"  --run-dir D   with --apply, write D/<iface>.conf\n"
			"  --resolv F    with --apply, write F as resolv.conf\n"
			"  --bootif MAC  prefer this interface (aa:bb:cc:dd:ee:ff or BOOTIF's 01-aa-bb-...)\n"
			"  --timeout S   give up after S seconds (default %d)\n"
			"  --hostname H  send H as the DHCP host name\n",
		DHCP_TIMEOUT_MS / 1000);
	return 2;
}

/* --bootif takes a MAC, or the BOOTIF= form with the hardware type 01 first. */
static int parse_mac(const char *s, uint8_t mac[6])
{
	if (strlen(s) == 20 && !strncmp(s, "01-", 3))
		s += 3;
	return mac_parse(s, strlen(s), mac) ? 0 : -EINVAL;
}

int cmd_dhcp(int argc, char **argv)
{
	const char *names[DHCP_MAX_IFACES], *run_dir = NULL, *resolv = NULL, *hostname = NULL;
	struct dhcp_client_cfg dc = { 0 };
	struct rtnl nl = { .fd = -1 };
	struct dhcp_result res;
	struct net_ifconf c;
	struct errbuf e = { "" };
	uint8_t bootif[6];
	bool do_apply = false;
	int n = 0, rc = 1;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool more = i + 1 < argc;
		if (!strcmp(a, "--apply")) {
			do_apply = true;
		} else if (!strcmp(a, "--run-dir") && more) {
			run_dir = argv[++i];
		} else if (!strcmp(a, "--resolv") && more) {
			resolv = argv[++i];
		} else if (!strcmp(a, "--hostname") && more) {
			hostname = argv[++i];
		} else if (!strcmp(a, "--bootif") && more) {
			if (parse_mac(argv[++i], bootif) < 0) {
				fprintf(stderr, "netboot: dhcp: --bootif %s: expected a MAC like 52:54:00:12:34:56\n", argv[i]);
				return 2;
			}
			dc.bootif = bootif;
		} else if (!strcmp(a, "--timeout") && more) {
			char *end;
			double s = strtod(argv[++i], &end);
			if (*end || !(s > 0 && s <= 3600)) {
				fprintf(stderr, "netboot: dhcp: --timeout %s: expected seconds, 0 < S <= 3600\n", argv[i]);
				return 2;
			}
			dc.timeout_ms = (int)(s * 1000);
		} else if (a[0] == '-') {
			return usage();
		} else if (n < DHCP_MAX_IFACES) {
			names[n++] = a;
		} else {
			fprintf(stderr, "netboot: dhcp: at most %d interfaces\n", DHCP_MAX_IFACES);
			return 2;
		}
	}
	if (!n || ((run_dir || resolv) && !do_apply))
		return usage();
	dc.hostname = hostname;

	if (rtnl_open(&nl, &e) < 0)
		goto out;
	for (int i = 0; i < n; i++) {
		struct rtnl_link l;
		if (rtnl_link_get(&nl, 0, names[i], &l, &e) < 0 || rtnl_link_up(&nl, l.ifindex, &e) < 0)
			goto out;
	}
	if (dhcp_acquire(names, n, &dc, &res, stderr, &e) < 0)
		goto out;
	net_ifconf_from_lease(&c, names[res.index], res.mac, &res.lease, NULL, 0);
	c.lease_obtained = (long long)time(NULL);
	if (!do_apply) {
		c.mtu = c.mtu ? c.mtu : res.mtu;
	} else {
		if (net_apply(&nl, &c, stderr, &e) < 0)
			goto out;
		if (resolv && net_write_resolv(resolv, &c, &e) < 0)
			goto out;
		if (run_dir && net_write_handover(run_dir, &c, &e) < 0)
			goto out;
	}
	net_format_handover(&c, stdout);
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "netboot: dhcp: %s\n", e.msg);
	rtnl_close(&nl);
	return rc;
}
