/* The network stage's policy (init/netup.h): what the command line asks of
 * each interface, carried out with the steps of netboot/netup.c. */
#include <errno.h>
#include <stdarg.h>
#include <net/if.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include "init/netup.h"
#include "init/netup6.h"
#include <arpa/inet.h>
#include "netboot/clock.h"
#include "netboot/ifname.h"
#include "netboot/ipv4.h"
#include "netboot/mac.h"
#include "netboot/nethandover.h"
#include "netboot/netlog.h"
#include "netboot/rtnl.h"

#define STATIC_CARRIER_WAIT_MS 5000

/* --- predictable names (net.ifnames) --- */

/* Gives each interface the name udev would (eth0 -> ens3) while the links
 * are still down: udev cannot rename a link that is up, and then never
 * finishes the device, so systemd-networkd waits for it forever.  The
 * kernel's name stays in kernel_name for the command line's ethN=. */
static void apply_predictable_names(struct rtnl *nl, const char *sysfs_root, struct net_iface *ifs, int n, FILE *log)
{
	char want[16];
	struct errbuf sub;
	struct rtnl_link l;

	for (int i = 0; i < n; i++) {
		if (ifname_predictable(sysfs_root, ifs[i].name, want) < 0 || !strcmp(want, ifs[i].name))
			continue;
		if (rtnl_link_get(nl, 0, ifs[i].name, &l, &sub) < 0 || rtnl_link_rename(nl, l.ifindex, want, &sub) < 0) {
			net_log(log, "%s: cannot rename to %s: %s", ifs[i].name, want, sub.msg);
			continue;
		}
		net_log(log, "renamed %s to %s, as udev names it (net.ifnames=0 keeps %s)", ifs[i].name, want, ifs[i].name);
		memcpy(ifs[i].name, want, sizeof(want));
	}
}

/* Does the command line name this interface (ethN=, ip=::dev, dodhcp=)? */
static bool cmdline_names(const struct boot_config *cfg, const char *ifname)
{
	for (int k = 0; k < cfg->nifaces; k++)
		if (!strcmp(cfg->ifaces[k].name, ifname))
			return true;
	for (int k = 0; k < cfg->ndhcp_only; k++)
		if (!strcmp(cfg->dhcp_only[k], ifname))
			return true;
	return false;
}

/* The plan for an interface the command line may name by its new name
 * (ens3=) or, as old command lines do, by the kernel's (eth0=). */
static enum net_method iface_method(const struct boot_config *cfg, const struct net_iface *nif,
				    const struct iface_plan **plan)
{
	const char *name = cmdline_names(cfg, nif->name) ? nif->name : nif->kernel_name;
	return cmdline_iface_method(cfg, name, plan);
}

/* --- nameif= --- */

/* Renames by MAC in two passes (through temporary names) so eth0<->eth1
 * swaps work.  Links must still be down.  Failures are logged, not fatal:
 * the interfaces keep working under their old names. */
static void apply_nameif(struct rtnl *nl, const struct boot_config *cfg, struct net_iface *ifs, int n, FILE *log)
{
	int who[CMDLINE_MAX_IFACES], idx[CMDLINE_MAX_IFACES], nm = 0;
	const char *to[CMDLINE_MAX_IFACES];
	struct errbuf sub;
	char m[18], tmp[16];

	for (int r = 0; r < cfg->nnameif && nm < CMDLINE_MAX_IFACES; r++) {
		const struct nameif_rule *rule = &cfg->nameif[r];
		const uint8_t *mac = rule->bootif ? (cfg->bootif_set ? cfg->bootif : NULL) : rule->mac;
		int i;
		if (!mac) {
			net_log(log, "nameif %s!BOOTIF: no BOOTIF= on the command line, skipped", rule->name);
			continue;
		}
		for (i = 0; i < n && memcmp(ifs[i].mac, mac, 6); i++)
			;
		if (i == n) {
			net_log(log, "nameif %s: no interface has MAC %s, skipped", rule->name, mac_format(mac, m));
			continue;
		}
		if (strcmp(ifs[i].name, rule->name))
			who[nm] = i, to[nm++] = rule->name;
	}
	/* A target held by an interface that is not moving would fail late. */
	for (int k = 0; k < nm; k++) {
		for (int i = 0; i < n; i++) {
			bool moving = false;
			for (int j = 0; j < nm; j++)
				moving |= who[j] == i;
			if (!moving && !strcmp(ifs[i].name, to[k])) {
				net_log(log, "nameif %s: the name is taken by another interface, skipped", to[k]);
				to[k] = NULL;
				break;	/* to[k] is gone: compare no further */
			}
		}
	}
	for (int k = 0; k < nm; k++) {
		struct rtnl_link l;
		idx[k] = 0;
		if (!to[k] || rtnl_link_get(nl, 0, ifs[who[k]].name, &l, &sub) < 0)
			continue;
		snprintf(tmp, sizeof(tmp), "nbtmp%u", (unsigned)k & 0xffu);
		if (rtnl_link_rename(nl, l.ifindex, tmp, &sub) < 0) {
			net_log(log, "nameif %s: cannot rename %s: %s", to[k], ifs[who[k]].name, sub.msg);
			continue;
		}
		idx[k] = l.ifindex;
	}
	for (int k = 0; k < nm; k++) {
		if (!idx[k])
			continue;
		if (rtnl_link_rename(nl, idx[k], to[k], &sub) < 0) {
			net_log(log, "nameif %s: cannot rename %s: %s (left as nbtmp%u)", to[k], ifs[who[k]].name, sub.msg, (unsigned)k & 0xffu);
			snprintf(ifs[who[k]].name, sizeof(ifs[who[k]].name), "nbtmp%u", (unsigned)k & 0xffu);
			continue;
		}
		net_log(log, "renamed %s (%s) to %s", ifs[who[k]].name, mac_format(ifs[who[k]].mac, m), to[k]);
		snprintf(ifs[who[k]].name, sizeof(ifs[who[k]].name), "%s", to[k]);
	}
}

/* --- static addresses --- */

/* A static plan as an interface configuration: /24 when ip=/ethN= gave no
 * prefix, the global gw= when the plan has no gateway, dns= from the
 * command line. */
static void ifconf_static(struct net_ifconf *c, const struct boot_config *cfg, const struct net_iface *nif,
			  const struct iface_plan *plan)
{
	net_ifconf_static(c, nif->name, nif->mac, plan->addr, plan->prefix ? plan->prefix : 24,
			  plan->gateway ? plan->gateway : cfg->gateway, cfg->dns, cfg->ndns,
			  plan->hostname, sizeof(plan->hostname));
}

/* --- the stage --- */

/* Waits (up to STATIC_CARRIER_WAIT_MS, all at once) for carrier on the
 * static interfaces, so the fetch that follows does not fail on a link
 * still negotiating.  Fills up[] and returns the index of the first with
 * carrier, or -1. */
static int wait_static_carrier(struct rtnl *nl, struct net_ifconf *cs, int n, bool *up, FILE *log)
{
	long long t0 = monotonic_ms();
	int first = -1, left = n;

	memset(up, 0, sizeof(bool) * (size_t)n);
	while (left) {
		long long now = monotonic_ms();
		for (int i = 0; i < n; i++) {
			struct rtnl_link l;
			if (up[i] || rtnl_link_get(nl, 0, cs[i].ifname, &l, NULL) < 0 || !rtnl_has_carrier(&l))
				continue;
			up[i] = true;
			left--;
			if (first < 0)
				first = i;
			net_log(log, "%s: carrier after %.1f s", cs[i].ifname, (double)(now - t0) / 1000.0);
		}
		if (!left || now - t0 >= STATIC_CARRIER_WAIT_MS)
			break;
		struct timespec ts = { 0, 50 * 1000000L };
		nanosleep(&ts, NULL);
	}
	for (int i = 0; i < n; i++)
		if (!up[i])
			net_log(log, "%s: no carrier after %.1f s", cs[i].ifname, STATIC_CARRIER_WAIT_MS / 1000.0);
	return first;
}

static void record(struct net_state *st, const char *name)
{
	if (st->nconfigured < CMDLINE_MAX_IFACES)
		snprintf(st->configured[st->nconfigured++], sizeof(st->configured[0]), "%.15s", name);
}

/* The handover file, and what the booted system's network manager reads to
 * take the interface over (netboot/nethandover.h). */
static void write_handover(const struct net_paths *paths, const struct net_ifconf *c, FILE *log)
{
	struct errbuf sub;
	if (paths->run_dir && net_write_handover(paths->run_dir, c, &sub) < 0)
		net_log(log, "%s", sub.msg);
	if (paths->manager_dir && nethandover_write(paths->manager_dir, c, (int)if_nametoindex(c->ifname), &sub) < 0)
		net_log(log, "%s", sub.msg);
}

static const char *method_name(enum net_method m)
{
	return m == NET_DHCP ? "dhcp" : m == NET_STATIC ? "static" : m == NET_OFF ? "off" : "not asked";
}

/* The stage's working set, passed from step to step. */
struct stage {
	const struct boot_config *cfg;
	struct rtnl nl;
	FILE *log;
	struct net_iface ifs[CMDLINE_MAX_IFACES];
	int n;
	struct net_ifconf statics[CMDLINE_MAX_IFACES];
	bool shared[CMDLINE_MAX_IFACES];	/* statics[i] comes from the every-NIC plan */
	int nstatic;
	const char *dhcp_names[CMDLINE_MAX_IFACES];
	int ndhcp;
	const char *hostname;			/* sent in DHCP: dhcphostname=, else an ip= host name */
	struct net_ifconf lease;		/* valid when leased */
	bool leased;
	struct par par;				/* the DHCPv4 and IPv6 threads */
	struct net_ifconf v6only[CMDLINE_MAX_IFACES];	/* interfaces with IPv6 alone */
	int nv6only;
	char plan_line[512];			/* "eth0 dhcp, eth1 off; eth5= names no interface here" */
	size_t pl;
};

static void plan_add(struct stage *sg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void plan_add(struct stage *sg, const char *fmt, ...)
{
	va_list ap;
	if (sg->pl >= sizeof(sg->plan_line))
		return;
	va_start(ap, fmt);
	int n = vsnprintf(sg->plan_line + sg->pl, sizeof(sg->plan_line) - sg->pl, fmt, ap);
	va_end(ap);
	if (n > 0)
		sg->pl += (size_t)n;
}

static enum net6_method iface_method6(const struct boot_config *cfg, const struct net_iface *nif)
{
	const char *name = cmdline_names(cfg, nif->name) ? nif->name : nif->kernel_name;
	return cmdline_iface_method6(cfg, name, NULL);
}

static const char *method6_name(enum net6_method m)
{
	return m == NET6_AUTO ? "auto6" : m == NET6_DHCP ? "dhcp6" : m == NET6_STATIC ? "static6" : "";
}

/* The interface's IPv6 job: asked for (ip=dhcp6/auto6), static, or in the
 * background beside DHCPv4 when nothing was said of IPv6 (init/netup6.h). */
static void plan_v6(struct stage *sg, const struct net_iface *nif, enum net_method m, enum net6_method m6)
{
	const struct boot_config *cfg = sg->cfg;
	const char *name = cmdline_names(cfg, nif->name) ? nif->name : nif->kernel_name;
	const struct iface_plan *p;

	if (m6 == NET6_AUTO || m6 == NET6_DHCP) {
		par_add6(&sg->par, nif->name, JOB6_ASKED, m6 == NET6_DHCP ? DHCP6_MODE_DHCP : DHCP6_MODE_AUTO, NULL);
	} else if (m6 == NET6_STATIC && cmdline_iface_method6(cfg, name, &p) == NET6_STATIC && p) {
		static const uint8_t zero[16];
		struct net_ifconf c;
		memset(&c, 0, sizeof(c));
		snprintf(c.ifname, sizeof(c.ifname), "%s", nif->name);
		memcpy(c.hwaddr, nif->mac, 6);
		net_ifconf_static6(&c, p->addr6, p->prefix6 ? p->prefix6 : 64,
				   memcmp(p->gateway6, zero, 16) ? p->gateway6 : cfg->gateway6, cfg->dns6, cfg->ndns6);
		par_add6(&sg->par, nif->name, JOB6_STATIC, DHCP6_MODE_AUTO, &c);
	} else if (m6 == NET6_UNSET && m == NET_DHCP) {
		par_add6(&sg->par, nif->name, JOB6_BACKGROUND, DHCP6_MODE_AUTO, NULL);
	}
}

/* Each interface's method from the command line; the links of those to
 * configure go up, and they are sorted into statics[] and dhcp_names[]. */
static void plan_interfaces(struct stage *sg)
{
	const struct iface_plan *plan;
	struct errbuf sub;
	for (int i = 0; i < sg->n; i++) {
		const struct net_iface *nif = &sg->ifs[i];
		enum net_method m = iface_method(sg->cfg, nif, &plan);
		enum net6_method m6 = iface_method6(sg->cfg, nif);
		bool v6 = m6 == NET6_AUTO || m6 == NET6_DHCP || m6 == NET6_STATIC;
		plan_add(sg, "%s%s %s%s%s", i ? ", " : "", nif->name, method_name(m), v6 ? "+" : "", v6 ? method6_name(m6) : "");
		if (m == NET_STATIC && !plan) {
			net_log(sg->log, "%s: static without an address plan, skipped", nif->name);
			m = NET_OFF;
		}
		if (m != NET_DHCP && m != NET_STATIC && !v6)
			continue;
		struct rtnl_link l;
		if (v6)	/* best effort: a kernel without it makes DHCPv6 wait for DAD */
			dhcp6_prepare_link(nif->name);
		if (rtnl_link_get(&sg->nl, 0, nif->name, &l, &sub) < 0 || rtnl_link_up(&sg->nl, l.ifindex, &sub) < 0) {
			net_log(sg->log, "%s: cannot bring the link up: %s", nif->name, sub.msg);
			continue;
		}
		if (m == NET_DHCP) {
			sg->dhcp_names[sg->ndhcp++] = nif->name;
			if (!sg->hostname[0] && plan && plan->hostname[0])
				sg->hostname = plan->hostname;
		} else if (m == NET_STATIC) {
			sg->shared[sg->nstatic] = plan == &sg->cfg->all;
			ifconf_static(&sg->statics[sg->nstatic++], sg->cfg, nif, plan);
		}
		plan_v6(sg, nif, m, m6);
	}
	net_log(sg->log, "interfaces: %s", sg->plan_line);
}

/* A NIC the command line names but this machine lacks (a typo, or a driver
 * missing) silently changes the plan of the others: say so. */
static void name_missing_interfaces(struct stage *sg)
{
	const struct boot_config *cfg = sg->cfg;
	for (int k = 0; k < cfg->nifaces; k++) {
		int i = 0;
		while (i < sg->n && strcmp(sg->ifs[i].name, cfg->ifaces[k].name) &&
		       strcmp(sg->ifs[i].kernel_name, cfg->ifaces[k].name))
			i++;
		if (i < sg->n)
			continue;
		plan_add(sg, "; %s= names no interface here", cfg->ifaces[k].name);
		net_log(sg->log, "%s: named on the command line, but there is no such interface", cfg->ifaces[k].name);
	}
}

/* One address for every NIC (ethx=, ip= without a device): on several NICs
 * it would give each a connected route to the same subnet, and one without
 * a cable could win the route to the boot server.  It goes on the NICs
 * with carrier, or on all when none has any. */
static void place_shared_address(struct stage *sg)
{
	bool up[CMDLINE_MAX_IFACES];
	int nshared = 0;
	for (int i = 0; i < sg->nstatic; i++)
		nshared += sg->shared[i];
	if (nshared <= 1 || wait_static_carrier(&sg->nl, sg->statics, sg->nstatic, up, sg->log) < 0)
		return;
	for (int i = 0; i < sg->nstatic; i++)
		if (sg->shared[i] && !up[i]) {
			net_log(sg->log, "%s: no carrier: the shared address %s goes elsewhere", sg->statics[i].ifname,
				ipv4_ntoa(sg->statics[i].addr, (char[16]){ 0 }));
			sg->statics[i].ifname[0] = '\0';
		}
}

/* Static addresses first: they need no carrier and no peer. */
static void apply_statics(struct stage *sg, struct net_state *st)
{
	struct errbuf sub;
	for (int i = 0; i < sg->nstatic; i++) {
		if (!sg->statics[i].ifname[0])
			continue;
		if (net_apply_addr(&sg->nl, &sg->statics[i], sg->log, &sub) < 0) {
			net_log(sg->log, "%s", sub.msg);
			sg->statics[i].ifname[0] = '\0';
			continue;
		}
		record(st, sg->statics[i].ifname);
	}
}

/* The configuration of ifname so far (the lease, a static address, an
 * IPv6-only one), or a new IPv6-only one; NULL when full. */
static struct net_ifconf *conf_of(struct stage *sg, const char *ifname, const uint8_t mac[6], bool *is_new)
{
	*is_new = false;
	if (sg->leased && !strcmp(sg->lease.ifname, ifname))
		return &sg->lease;
	for (int i = 0; i < sg->nstatic; i++)
		if (!strcmp(sg->statics[i].ifname, ifname))
			return &sg->statics[i];
	for (int i = 0; i < sg->nv6only; i++)
		if (!strcmp(sg->v6only[i].ifname, ifname))
			return &sg->v6only[i];
	if (sg->nv6only == CMDLINE_MAX_IFACES)
		return NULL;
	struct net_ifconf *c = &sg->v6only[sg->nv6only++];
	memset(c, 0, sizeof(*c));
	snprintf(c->ifname, sizeof(c->ifname), "%s", ifname);
	memcpy(c->hwaddr, mac, 6);
	c->method = NET_OFF;
	*is_new = true;
	return c;
}

/* Each IPv6 job that got its address, into its interface's configuration. */
static void take_v6(struct stage *sg, struct net_state *st, struct errbuf *why6)
{
	for (int i = 0; i < sg->par.njobs; i++) {
		const struct job6 *j = &sg->par.jobs[i];
		bool is_new;
		if (j->rc < 0) {
			if (j->kind != JOB6_BACKGROUND || !why6->msg[0])
				snprintf(why6->msg, sizeof(why6->msg), "%s", j->err.msg);
			if (j->kind != JOB6_BACKGROUND)
				net_log(sg->log, "%s", j->err.msg);
			continue;
		}
		struct net_ifconf *c = conf_of(sg, j->ifname, j->kind == JOB6_STATIC ? j->conf.hwaddr : j->res.mac, &is_new);
		if (!c)
			continue;
		if (j->kind == JOB6_STATIC)
			net_ifconf_static6(c, j->conf.addr6, j->conf.prefix6, j->conf.gateway6, j->conf.dns6, j->conf.ndns6);
		else
			net_ifconf_add6(c, &j->res, sg->cfg->dns6, sg->cfg->ndns6);
		if (is_new)
			record(st, c->ifname);
	}
}

/* DHCP on every DHCP interface at once, IPv6 beside it (init/netup6.h);
 * the winner's lease applied, the IPv6 addresses taken.  Fails only when
 * no interface got an address of either family. */
static int run_parallel(struct stage *sg, struct net_state *st, struct errbuf *e)
{
	struct dhcp_client_cfg dc = {
		.bootif = sg->cfg->bootif_set ? sg->cfg->bootif : NULL,
		.hostname = sg->hostname,
	};
	struct dhcp_result *res = &sg->par.res4;
	struct errbuf err = { "" }, why6 = { "" };
	int rc = -ETIMEDOUT;

	par_run(&sg->par, sg->dhcp_names, sg->ndhcp, &dc);
	if (sg->ndhcp && (rc = sg->par.rc4) == 0) {
		net_ifconf_from_lease(&sg->lease, sg->dhcp_names[res->index], res->mac, &res->lease, sg->cfg->dns, sg->cfg->ndns);
		sg->lease.lease_obtained = (long long)time(NULL);
		st->dhcp_ms = res->elapsed_ms;
		if ((rc = net_apply(&sg->nl, &sg->lease, sg->log, &err)) == 0) {
			sg->leased = true;
			record(st, sg->lease.ifname);
		}
	} else if (sg->ndhcp) {
		err = sg->par.err4;
	}
	take_v6(sg, st, &why6);
	if (!st->nconfigured)
		return nb_fail(e, rc, "%s%s%s", sg->ndhcp ? err.msg : why6.msg, sg->ndhcp && why6.msg[0] ? "; IPv6: " : "",
			       sg->ndhcp ? why6.msg : "");
	if (sg->ndhcp && !sg->leased)
		net_log(sg->log, "DHCP failed, going on with the %s: %s", sg->nv6only ? "IPv6 addresses" : "static interfaces", err.msg);
	return 0;
}

/* The interface the boot goes on with, and its default route: the lease,
 * else the first static interface with carrier; a lease without a router
 * still leaves a static gateway usable. */
static void choose_primary(struct stage *sg, struct net_state *st)
{
	if (sg->leased) {
		st->used = sg->lease;
		for (int i = 0; i < sg->nstatic && !st->used.gateway; i++)
			if (sg->statics[i].ifname[0] && sg->statics[i].gateway &&
			    net_route_via(&sg->nl, &sg->statics[i], sg->log) == 0)
				st->used.gateway = sg->statics[i].gateway;
		return;
	}
	struct net_ifconf live[CMDLINE_MAX_IFACES];
	bool up[CMDLINE_MAX_IFACES];
	int nlive = 0;
	for (int i = 0; i < sg->nstatic; i++)
		if (sg->statics[i].ifname[0])
			live[nlive++] = sg->statics[i];
	if (!nlive) {		/* IPv6 alone: its routes are in place */
		st->used = sg->v6only[0];
		return;
	}
	int primary = wait_static_carrier(&sg->nl, live, nlive, up, sg->log);	/* at once when links are up */
	st->used = live[primary < 0 ? 0 : primary];
	if (st->used.gateway)
		net_route_via(&sg->nl, &st->used, sg->log);
}

/* Was ifname's background IPv6 stopped (by the policy) before its address? */
static bool v6_stopped(const struct stage *sg, const char *ifname)
{
	for (int i = 0; i < sg->par.njobs; i++) {
		const struct job6 *j = &sg->par.jobs[i];
		if (j->kind == JOB6_BACKGROUND && j->rc == -ECANCELED && !strcmp(j->ifname, ifname))
			return true;
	}
	return false;
}

static int nns(const struct net_ifconf *c)
{
	int n = c->ndns + (c->has6 ? c->ndns6 : 0);
	return n < NET_MAX_DNS ? n : NET_MAX_DNS;
}

/* resolv.conf and the handover files of every configured interface. */
static void write_outputs(const struct stage *sg, const struct net_paths *paths, const struct net_state *st)
{
	struct errbuf sub;
	if (paths->resolv_conf) {
		if (net_write_resolv(paths->resolv_conf, &st->used, &sub) < 0)
			net_log(sg->log, "%s", sub.msg);
		else
			net_log(sg->log, "wrote %s (%d nameserver%s)", paths->resolv_conf, nns(&st->used),
				nns(&st->used) == 1 ? "" : "s");
	}
	for (int i = 0; i < sg->nstatic; i++)
		if (sg->statics[i].ifname[0])
			write_handover(paths, &sg->statics[i], sg->log);
	if (sg->leased)
		write_handover(paths, &sg->lease, sg->log);
	for (int i = 0; i < sg->nv6only; i++)
		write_handover(paths, &sg->v6only[i], sg->log);
}

/* No interface at all: fine only when nothing needs the network. */
static int no_interfaces(const struct boot_config *cfg, const char *sysfs, FILE *log, struct errbuf *e)
{
	enum net_method m = cmdline_iface_method(cfg, "", NULL);
	if (cfg->source == SOURCE_NONE && m != NET_DHCP && m != NET_STATIC) {
		net_log(log, "no Ethernet interface, none needed");
		return 0;
	}
	return nb_fail(e, -ENODEV, "no Ethernet interface in %s (NIC driver not loaded?)", sysfs);
}

int net_bring_up(const struct boot_config *cfg, const struct net_paths *paths, struct net_state *st,
		 FILE *log, struct errbuf *e)
{
	const char *sysfs = paths->sysfs_net ? paths->sysfs_net : "/sys/class/net";
	struct stage sg;
	long long t0 = monotonic_ms();
	char a[16];
	int rc;

	memset(st, 0, sizeof(*st));
	memset(&sg, 0, sizeof(sg));
	sg.cfg = cfg, sg.log = log, sg.nl.fd = -1, sg.hostname = cfg->dhcp_hostname;
	if ((sg.n = net_list_ifaces(sysfs, sg.ifs, CMDLINE_MAX_IFACES, e)) <= 0)
		return sg.n < 0 ? sg.n : no_interfaces(cfg, sysfs, log, e);
	if ((rc = rtnl_open(&sg.nl, e)) < 0)
		return rc;
	if ((rc = par_init(&sg.par, log, e)) < 0) {
		rtnl_close(&sg.nl);
		return rc;
	}
	if (paths->sysfs_root && !cfg->kernel_ifnames)
		apply_predictable_names(&sg.nl, paths->sysfs_root, sg.ifs, sg.n, log);
	if (cfg->nnameif)
		apply_nameif(&sg.nl, cfg, sg.ifs, sg.n, log);

	plan_interfaces(&sg);
	name_missing_interfaces(&sg);
	if (!sg.ndhcp && !sg.nstatic && !sg.par.njobs) {
		rc = cfg->source != SOURCE_NONE ? nb_fail(e, -ENETDOWN, "no interface to configure (%s)", sg.plan_line) : 0;
		if (!rc)
			net_log(log, "nothing to configure");
		goto out;
	}
	place_shared_address(&sg);
	apply_statics(&sg, st);
	if ((sg.ndhcp || sg.par.njobs) && (rc = run_parallel(&sg, st, e)) < 0)
		goto out;
	if (!st->nconfigured) {
		rc = nb_fail(e, -ENETDOWN, "no interface could be configured (%s)", sg.plan_line);
		goto out;
	}
	choose_primary(&sg, st);
	st->v6_stopped = v6_stopped(&sg, st->used.ifname) && !st->used.has6;
	write_outputs(&sg, paths, st);
	st->elapsed_ms = (long)(monotonic_ms() - t0);
	if (st->used.addr || !st->used.has6)
		net_log(log, "up on %s: %s/%u%s%s, network stage took %.1f s", st->used.ifname, ipv4_ntoa(st->used.addr, a),
			st->used.prefix, st->used.gateway ? " via " : "",
			st->used.gateway ? ipv4_ntoa(st->used.gateway, (char[16]){ 0 }) : "", st->elapsed_ms / 1000.0);
	else
		net_log(log, "up on %s: %s/%u (IPv6 %s, no IPv4), network stage took %.1f s", st->used.ifname,
			inet_ntop(AF_INET6, st->used.addr6, (char[INET6_ADDRSTRLEN]){ 0 }, INET6_ADDRSTRLEN),
			st->used.prefix6, st->used.method6, st->elapsed_ms / 1000.0);
	rc = 0;
out:
	par_close(&sg.par);
	rtnl_close(&sg.nl);
	return rc;
}

int net_finish6(const struct boot_config *cfg, const struct net_paths *paths, struct net_state *st,
		FILE *log, struct errbuf *e)
{
	struct par par;
	struct errbuf sub;
	long long t0 = monotonic_ms();
	int rc;

	if (!st->v6_stopped)
		return nb_fail(e, -EALREADY, "IPv6 on %s was not stopped unfinished", st->used.ifname);
	st->v6_stopped = false;
	if ((rc = par_init(&par, log, e)) < 0)
		return rc;
	par_add6(&par, st->used.ifname, JOB6_ASKED, DHCP6_MODE_AUTO, NULL);
	par.jobs[0].cfg.timeout_ms = NET6_LATE_MS;
	par_run(&par, NULL, 0, NULL);
	const struct job6 *j = &par.jobs[0];
	if ((rc = j->rc) < 0) {
		nb_fail(e, rc, "IPv6 on %s: %s", st->used.ifname, j->err.msg);
	} else {
		net_ifconf_add6(&st->used, &j->res, cfg->dns6, cfg->ndns6);
		net_log(log, "IPv6 up late on %s: %s/%u (%s) in %.1f s", st->used.ifname,
			inet_ntop(AF_INET6, st->used.addr6, (char[INET6_ADDRSTRLEN]){ 0 }, INET6_ADDRSTRLEN),
			st->used.prefix6, st->used.method6, (double)(monotonic_ms() - t0) / 1000.0);
		if (paths->resolv_conf && net_write_resolv(paths->resolv_conf, &st->used, &sub) < 0)
			net_log(log, "%s", sub.msg);
		write_handover(paths, &st->used, log);
	}
	par_close(&par);
	return rc;
}
