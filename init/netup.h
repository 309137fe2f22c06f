/* The network stage /init runs, the policy over netboot/netup.h's steps:
 * find the Ethernet interfaces, rename them (nameif=), bring them up,
 * configure the static ones, run DHCP on the others in parallel, apply the
 * winning lease, write resolv.conf and one handover file per configured
 * interface (format: docs/handover.md), all as the kernel command line
 * (struct boot_config) says.  Each step logs one line "netboot: net: ...".
 * Plain C with no /init state: the host tests link it too (netup_run). */
#ifndef INIT_NETUP_H
#define INIT_NETUP_H
#include <stdbool.h>
#include <stdio.h>
#include "cmdline/cmdline.h"
#include "netboot/errbuf.h"
#include "netboot/netup.h"

struct net_state {
	struct net_ifconf used;		/* the interface the boot goes on with; used.ifname "" = none */
	char configured[CMDLINE_MAX_IFACES][16];	/* every interface given an address */
	int nconfigured;
	long elapsed_ms;		/* the whole stage */
	long dhcp_ms;			/* from DHCP start to the chosen ACK; 0 without DHCP */
	bool v6_stopped;		/* used's IPv6 (not asked for) was stopped before it had an
					 * address, when DHCPv4 was done (init/netup6.h) */
};

/* Runs the stage.  Returns 0 when at least one interface was configured
 * (or none was asked for: st->used.ifname is then ""), else a negative
 * errno with e naming the interfaces and what was tried, e.g. "no DHCP
 * offer on eth0, eth1 after 30.0 s (eth0: 5 DISCOVERs, no offer; eth1: no
 * carrier)".  A DHCP failure is only logged when a static interface
 * came up. */
int net_bring_up(const struct boot_config *cfg, const struct net_paths *paths, struct net_state *st,
		 FILE *log, struct errbuf *e);

/* IPv6 on demand: an IPv4 boot stops IPv6 (not asked for) the moment
 * DHCPv4 is done, so as to cost nothing; when stage 3 then cannot reach a
 * server over IPv4 and the server has an IPv6 address, this finishes it on
 * st->used (DHCPv6/SLAAC as ip=auto6, at most NET6_LATE_MS: the link-local
 * address is long past DAD), joins the result to st->used and writes
 * resolv.conf and its handover files again.  Once: st->v6_stopped is
 * cleared.  0, or a negative errno with e set. */
#define NET6_LATE_MS 8000
int net_finish6(const struct boot_config *cfg, const struct net_paths *paths, struct net_state *st,
		FILE *log, struct errbuf *e);
#endif
