/* netboot dhcp6: the IPv6 client (router advertisements, SLAAC, DHCPv6)
 * on one interface, as /init will run it.  Prints the result as handover
 * lines (IPV6ADDR=, IPV6PREFIX=, IPV6GATEWAY=, IPV6DNS0=, ...); with
 * --apply also adds the addresses (DAD waited for) and the default route.
 * The interface is brought up even without --apply. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "netboot/dhcp6_client.h"
#include "netboot/rtnl.h"
#include "tool/tool.h"

static int usage(FILE *out)
{
	fprintf(out, "usage: netboot dhcp6 [--apply] [--mode auto|dhcp|slaac] [--timeout S] [--ra-wait S]\n"
			"                     [--no-rapid-commit] IFACE\n"
			"  --apply            add the addresses (waiting for DAD) and the default route\n"
			"  --mode M           auto (ip=auto6): the router's M/O flags decide; dhcp (ip=dhcp6):\n"
			"                     always DHCPv6; slaac: router advertisements only\n"
			"  --timeout S        give up after S seconds (default %d)\n"
			"  --ra-wait S        wait S seconds for a router advertisement (default %d)\n"
			"  --no-rapid-commit  do not ask for a two-message exchange\n",
		DHCP6_TIMEOUT_MS / 1000, DHCP6_RA_WAIT_MS / 1000);
	return out == stdout ? 0 : 2;
}

static int seconds(const char *opt, const char *s, int *ms)
{
	char *end;
	double v = strtod(s, &end);
	if (*end || !(v > 0 && v <= 3600)) {
		fprintf(stderr, "netboot: dhcp6: %s %s: expected seconds, 0 < S <= 3600\n", opt, s);
		return 2;
	}
	*ms = (int)(v * 1000);
	return 0;
}

static int parse_args(int argc, char **argv, struct dhcp6_client_cfg *cfg, const char **ifname)
{
	cfg->rapid_commit = true;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		bool more = i + 1 < argc;
		int rc = 0;
		if (!strcmp(arg, "--apply")) {
			cfg->apply = true;
		} else if (!strcmp(arg, "--no-rapid-commit")) {
			cfg->rapid_commit = false;
		} else if (!strcmp(arg, "--mode") && more) {
			const char *m = argv[++i];
			if (!strcmp(m, "auto"))
				cfg->mode = DHCP6_MODE_AUTO;
			else if (!strcmp(m, "dhcp"))
				cfg->mode = DHCP6_MODE_DHCP;
			else if (!strcmp(m, "slaac"))
				cfg->mode = DHCP6_MODE_SLAAC;
			else {
				fprintf(stderr, "netboot: dhcp6: --mode %s: expected auto, dhcp or slaac\n", m);
				return 2;
			}
		} else if (!strcmp(arg, "--timeout") && more) {
			rc = seconds(arg, argv[++i], &cfg->timeout_ms);
		} else if (!strcmp(arg, "--ra-wait") && more) {
			rc = seconds(arg, argv[++i], &cfg->ra_wait_ms);
		} else if (arg[0] == '-') {
			fprintf(stderr, "netboot: dhcp6: %s: %s\n", arg, more ? "unknown option" : "unknown option, or its value is missing");
			return usage(stderr);
		} else if (!*ifname) {
			*ifname = arg;
		} else {
			fprintf(stderr, "netboot: dhcp6: one interface only (%s, then %s)\n", *ifname, arg);
			return 2;
		}
		if (rc)
			return rc;
	}
	if (!*ifname) {
		fprintf(stderr, "netboot: dhcp6: no interface given: name one, e.g. eth0\n");
		return usage(stderr);
	}
	return 0;
}

int cmd_dhcp6(int argc, char **argv)
{
	struct dhcp6_client_cfg cfg = { 0 };
	struct dhcp6_result res;
	struct rtnl nl = { .fd = -1 };
	struct rtnl_link l;
	struct errbuf e = { "" };
	const char *ifname = NULL;

	if (argc > 1 && tool_is_help(argv[1]))
		return usage(stdout);
	int rc = parse_args(argc, argv, &cfg, &ifname);
	if (rc)
		return rc;
	dhcp6_prepare_link(ifname);	/* as /init: effective when the link was down */
	rc = rtnl_open(&nl, &e) < 0 || rtnl_link_get(&nl, 0, ifname, &l, &e) < 0 || rtnl_link_up(&nl, l.ifindex, &e) < 0 ||
	     dhcp6_acquire(ifname, &cfg, &res, stderr, &e) < 0;
	rtnl_close(&nl);
	if (rc) {
		fprintf(stderr, "netboot: dhcp6: %s\n", e.msg);
		return 1;
	}
	dhcp6_format_handover(ifname, &res, stdout);
	fprintf(stderr, "netboot: dhcp6: %s: link-local after %ld ms, address after %ld ms", ifname, res.ll_ms,
		res.elapsed_ms);
	if (cfg.apply)
		fprintf(stderr, ", configured after %ld ms", res.ready_ms);
	fputc('\n', stderr);
	return 0;
}
