/* The network stage /init runs, the policy over netboot/netup.h's steps:
 * find the Ethernet interfaces, rename them (nameif=), bring them up,
 * configure the static ones, run DHCP on the others in parallel, apply the
 * winning lease, write resolv.conf and one handover file per configured
 * interface (format: docs/handover.md), all as the kernel command line
 * (struct boot_config) says.  Each step logs one line "netboot: net: ...".
 * Plain C with no /init state: the host tests link it too (netup_run). */
#ifndef INIT_NETUP_H
#define INIT_NETUP_H
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
};

/* Runs the stage.  Returns 0 when at least one interface was configured
 * (or none was asked for: st->used.ifname is then ""), else a negative
 * errno with e naming the interfaces and what was tried, e.g. "no DHCP
 * offer on eth0, eth1 after 30.0 s (eth0: 5 DISCOVERs, no offer; eth1: no
 * carrier)".  A DHCP failure is only logged when a static interface
 * came up. */
int net_bring_up(const struct boot_config *cfg, const struct net_paths *paths, struct net_state *st,
		 FILE *log, struct errbuf *e);
#endif
