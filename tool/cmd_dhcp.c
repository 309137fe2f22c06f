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

/* On stdout for --help (exit 0), else on stderr (exit 2). */
static int usage(FILE *out)
{
	fprintf(out, "usage: netboot dhcp [--apply] [--run-dir DIR] [--resolv FILE] [--bootif MAC]\n"
			"                    [--timeout S] [--hostname H] IFACE...\n"
			"  --apply       configure the address, MTU and default route of the lease\n"
			"  --run-dir D   with --apply, write D/<iface>.conf\n"
			"  --resolv F    with --apply, write F as resolv.conf\n"
			"  --bootif MAC  prefer this interface (aa:bb:cc:dd:ee:ff or BOOTIF's 01-aa-bb-...)\n"
			"  --timeout S   give up after S seconds (default %d)\n"
			"  --hostname H  send H as the DHCP host name\n",
		DHCP_TIMEOUT_MS / 1000);
	return out == stdout ? 0 : 2;
}

/* --bootif takes a MAC, or the BOOTIF= form with the hardware type 01 first. */
static int parse_mac(const char *s, uint8_t mac[6])
{
	if (strlen(s) == 20 && !strncmp(s, "01-", 3))
		s += 3;
	return mac_parse(s, strlen(s), mac) ? 0 : -EINVAL;
}

/* What the arguments ask. */
struct dhcp_args {
	const char *names[DHCP_MAX_IFACES];
	int n;
	const char *run_dir, *resolv;
	bool apply;
	uint8_t bootif[6];		/* dc.bootif points here when given */
	struct dhcp_client_cfg dc;
};

/* The arguments into a: 0, or the exit status (2). */
static int parse_args(int argc, char **argv, struct dhcp_args *a)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		bool more = i + 1 < argc;
		if (!strcmp(arg, "--apply")) {
			a->apply = true;
		} else if (!strcmp(arg, "--run-dir") && more) {
			a->run_dir = argv[++i];
		} else if (!strcmp(arg, "--resolv") && more) {
			a->resolv = argv[++i];
		} else if (!strcmp(arg, "--hostname") && more) {
			a->dc.hostname = argv[++i];
		} else if (!strcmp(arg, "--bootif") && more) {
			if (parse_mac(argv[++i], a->bootif) < 0) {
				fprintf(stderr, "netboot: dhcp: --bootif %s: expected a MAC like 52:54:00:12:34:56\n", argv[i]);
				return 2;
			}
			a->dc.bootif = a->bootif;
		} else if (!strcmp(arg, "--timeout") && more) {
			char *end;
			double s = strtod(argv[++i], &end);
			if (*end || !(s > 0 && s <= 3600)) {
				fprintf(stderr, "netboot: dhcp: --timeout %s: expected seconds, 0 < S <= 3600\n", argv[i]);
				return 2;
			}
			a->dc.timeout_ms = (int)(s * 1000);
		} else if (arg[0] == '-') {
			fprintf(stderr, "netboot: dhcp: %s: %s\n", arg, more ? "unknown option" : "unknown option, or its value is missing");
			return usage(stderr);
		} else if (a->n < DHCP_MAX_IFACES) {
			a->names[a->n++] = arg;
		} else {
			fprintf(stderr, "netboot: dhcp: at most %d interfaces\n", DHCP_MAX_IFACES);
			return 2;
		}
	}
	if (!a->n || ((a->run_dir || a->resolv) && !a->apply)) {
		fprintf(stderr, "netboot: dhcp: %s\n", !a->n ? "no interface given: name one or more, e.g. eth0"
							: "--run-dir and --resolv need --apply");
		return usage(stderr);
	}
	return 0;
}

/* Links up, a lease on one of them, applied and written when asked; the
 * handover lines on stdout.  0, or -1 with e saying why. */
static int acquire(struct rtnl *nl, struct dhcp_args *a, struct errbuf *e)
{
	struct dhcp_result res;
	struct net_ifconf c;
	if (rtnl_open(nl, e) < 0)
		return -1;
	for (int i = 0; i < a->n; i++) {
		struct rtnl_link l;
		if (rtnl_link_get(nl, 0, a->names[i], &l, e) < 0 || rtnl_link_up(nl, l.ifindex, e) < 0)
			return -1;
	}
	if (dhcp_acquire(a->names, a->n, &a->dc, &res, stderr, e) < 0)
		return -1;
	net_ifconf_from_lease(&c, a->names[res.index], res.mac, &res.lease, NULL, 0);
	c.lease_obtained = (long long)time(NULL);
	if (!a->apply) {
		c.mtu = c.mtu ? c.mtu : res.mtu;
	} else {
		if (net_apply(nl, &c, stderr, e) < 0)
			return -1;
		if (a->resolv && net_write_resolv(a->resolv, &c, e) < 0)
			return -1;
		if (a->run_dir && net_write_handover(a->run_dir, &c, e) < 0)
			return -1;
	}
	net_format_handover(&c, stdout);
	return 0;
}

int cmd_dhcp(int argc, char **argv)
{
	struct dhcp_args a = { 0 };
	struct rtnl nl = { .fd = -1 };
	struct errbuf e = { "" };

	if (argc > 1 && tool_is_help(argv[1]))
		return usage(stdout);
	int rc = parse_args(argc, argv, &a);
	if (rc)
		return rc;
	rc = acquire(&nl, &a, &e) < 0 ? 1 : 0;
	if (rc)
		fprintf(stderr, "netboot: dhcp: %s\n", e.msg);
	rtnl_close(&nl);
	return rc;
}
