/* The network stage's parallel part (init/netup.c): DHCPv4 on the DHCP
 * interfaces and IPv6 (SLAAC/DHCPv6, or a static address with DAD) on each
 * interface that asks for it, every one in its own thread, each bounded by
 * its client's timeout.  IPv6 that nothing asked for (plain DHCP) runs in
 * the background while DHCPv4 runs (NET6_GRACE_MS more: none, so an IPv4
 * boot is exactly as fast as without it; stage 3 finishes it on demand,
 * net_finish6 in init/netup.h, if a server needs it after all); DHCPv4
 * is stopped once IPv6 has an address and it has had NET4_MIN_MS. */
#ifndef INIT_NETUP6_H
#define INIT_NETUP6_H
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include "cmdline/cmdline.h"
#include "netboot/dhcp6_client.h"
#include "netboot/dhcp_client.h"
#include "netboot/netup.h"

#define NET6_GRACE_MS 0	/* background IPv6 after DHCPv4 is done: 500 cost every IPv4 boot 0.5 s */
#define NET4_MIN_MS 4000	/* DHCPv4 before IPv6 alone goes on (dnsmasq pings ~3 s before its OFFER) */
#define NET6_STATIC_WAIT_MS 8000	/* carrier and DAD of a static address */

enum job6_kind { JOB6_ASKED, JOB6_BACKGROUND, JOB6_STATIC };

struct job6 {
	char ifname[16];
	enum job6_kind kind;
	struct dhcp6_client_cfg cfg;
	struct dhcp6_result res;
	struct net_ifconf conf;		/* JOB6_STATIC: what to apply */
	struct errbuf err;
	int rc;
	bool finished;			/* under par->mu */
	pthread_t th;
	struct par *par;
};

struct par {
	pthread_mutex_t mu;
	int done_fd;			/* eventfd: a thread finished */
	int stop6_fd;			/* eventfd: ends the background IPv6 jobs */
	int stop4_fd;			/* eventfd: ends DHCPv4 */
	FILE *log;
	struct job6 jobs[CMDLINE_MAX_IFACES];
	int njobs;
	/* DHCPv4 */
	bool run4, finished4;
	const char *const *names4;
	int n4;
	struct dhcp_client_cfg cfg4;
	struct dhcp_result res4;
	struct errbuf err4;
	int rc4;
	pthread_t th4;
};

/* 0 or a negative errno (eventfds). */
int par_init(struct par *p, FILE *log, struct errbuf *e);
/* Adds an IPv6 job (started by par_run).  conf: the static address for
 * JOB6_STATIC, else NULL. */
void par_add6(struct par *p, const char *ifname, enum job6_kind kind, enum dhcp6_mode mode,
	      const struct net_ifconf *conf);
/* Runs DHCPv4 on names (n may be 0) and the IPv6 jobs until the policy
 * above says the stage may go on; every thread is joined on return. */
void par_run(struct par *p, const char *const *names, int n, const struct dhcp_client_cfg *cfg4);
void par_close(struct par *p);
#endif
