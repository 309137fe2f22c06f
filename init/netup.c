/* The network stage's policy (init/netup.h): what the command line asks of
 * each interface, carried out with the steps of netboot/netup.c. */
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include "init/netup.h"
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

int net_bring_up(const struct boot_config *cfg, const struct net_paths *paths, struct net_state *st,
		 FILE *log, struct errbuf *e)
{
	const char *sysfs = paths->sysfs_net ? paths->sysfs_net : "/sys/class/net";
	struct net_iface ifs[CMDLINE_MAX_IFACES];
	struct net_ifconf statics[CMDLINE_MAX_IFACES], dconf;
	bool shared[CMDLINE_MAX_IFACES] = { false };	/* statics[i] comes from the every-NIC plan */
	const char *dhcp_names[CMDLINE_MAX_IFACES];
	const struct iface_plan *plan;
	struct rtnl nl = { .fd = -1 };
	struct errbuf sub, dhcp_err = { "" };
	char plan_line[512] = "", a[16];
	const char *hostname = cfg->dhcp_hostname;
	long long t0 = monotonic_ms();
	int n, ndhcp = 0, nstatic = 0, rc, primary = -1;
	bool leased = false;
	size_t pl = 0;

	memset(st, 0, sizeof(*st));
	if ((n = net_list_ifaces(sysfs, ifs, CMDLINE_MAX_IFACES, e)) < 0)
		return n;
	if (n == 0) {
		if (cfg->source == SOURCE_NONE && cmdline_iface_method(cfg, "", NULL) != NET_DHCP &&
		    cmdline_iface_method(cfg, "", NULL) != NET_STATIC) {
			net_log(log, "no Ethernet interface, none needed");
			return 0;
		}
		return nb_fail(e, -ENODEV, "no Ethernet interface in %s (NIC driver not loaded?)", sysfs);
	}
	if ((rc = rtnl_open(&nl, e)) < 0)
		return rc;
	if (paths->sysfs_root && !cfg->kernel_ifnames)
		apply_predictable_names(&nl, paths->sysfs_root, ifs, n, log);
	if (cfg->nnameif)
		apply_nameif(&nl, cfg, ifs, n, log);

	for (int i = 0; i < n; i++) {
		enum net_method m = iface_method(cfg, &ifs[i], &plan);
		if (pl < sizeof(plan_line))
			pl += (size_t)snprintf(plan_line + pl, sizeof(plan_line) - pl, "%s%s %s", i ? ", " : "",
					       ifs[i].name, method_name(m));
		if (m != NET_DHCP && m != NET_STATIC)
			continue;
		if (m == NET_STATIC && !plan) {
			net_log(log, "%s: static without an address plan, skipped", ifs[i].name);
			continue;
		}
		struct rtnl_link l;
		if (rtnl_link_get(&nl, 0, ifs[i].name, &l, &sub) < 0 || rtnl_link_up(&nl, l.ifindex, &sub) < 0) {
			net_log(log, "%s: cannot bring the link up: %s", ifs[i].name, sub.msg);
			continue;
		}
		if (m == NET_DHCP) {
			dhcp_names[ndhcp++] = ifs[i].name;
			if (!hostname[0] && plan && plan->hostname[0])
				hostname = plan->hostname;
		} else {
			shared[nstatic] = plan == &cfg->all;
			ifconf_static(&statics[nstatic++], cfg, &ifs[i], plan);
		}
	}
	net_log(log, "interfaces: %s", plan_line);
	/* a NIC the command line names but this machine lacks (a typo, or a
	 * driver missing) silently changes the plan of the others: say so */
	for (int k = 0; k < cfg->nifaces; k++) {
		int i = 0;
		while (i < n && strcmp(ifs[i].name, cfg->ifaces[k].name) && strcmp(ifs[i].kernel_name, cfg->ifaces[k].name))
			i++;
		if (i == n && pl < sizeof(plan_line))
			pl += (size_t)snprintf(plan_line + pl, sizeof(plan_line) - pl, "; %s= names no interface here",
					       cfg->ifaces[k].name);
		if (i == n)
			net_log(log, "%s: named on the command line, but there is no such interface", cfg->ifaces[k].name);
	}
	if (!ndhcp && !nstatic) {
		rc = 0;
		if (cfg->source != SOURCE_NONE)
			rc = nb_fail(e, -ENETDOWN, "no interface to configure (%s)", plan_line);
		else
			net_log(log, "nothing to configure");
		goto out;
	}

	/* One address for every NIC (ethx=, ip= without a device): on several
	 * NICs it would give each a connected route to the same subnet, and one
	 * without a cable could win the route to the boot server.  It goes on
	 * the NICs with carrier, or on all when none has any. */
	int nshared = 0;
	for (int i = 0; i < nstatic; i++)
		nshared += shared[i];
	if (nshared > 1) {
		bool up[CMDLINE_MAX_IFACES];
		if (wait_static_carrier(&nl, statics, nstatic, up, log) >= 0)
			for (int i = 0; i < nstatic; i++)
				if (shared[i] && !up[i]) {
					net_log(log, "%s: no carrier: the shared address %s goes elsewhere", statics[i].ifname,
						ipv4_ntoa(statics[i].addr, (char[16]){ 0 }));
					statics[i].ifname[0] = '\0';
				}
	}
	/* Static addresses first: they need no carrier and no peer. */
	for (int i = 0; i < nstatic; i++) {
		if (!statics[i].ifname[0])
			continue;
		if ((rc = net_apply_addr(&nl, &statics[i], log, &sub)) < 0) {
			net_log(log, "%s", sub.msg);
			statics[i].ifname[0] = '\0';
			continue;
		}
		record(st, statics[i].ifname);
	}

	if (ndhcp) {
		struct dhcp_client_cfg dc = {
			.bootif = cfg->bootif_set ? cfg->bootif : NULL,
			.hostname = hostname,
		};
		struct dhcp_result res;
		if ((rc = dhcp_acquire(dhcp_names, ndhcp, &dc, &res, log, &dhcp_err)) == 0) {
			net_ifconf_from_lease(&dconf, dhcp_names[res.index], res.mac, &res.lease, cfg->dns, cfg->ndns);
			dconf.lease_obtained = (long long)time(NULL);
			st->dhcp_ms = res.elapsed_ms;
			if ((rc = net_apply(&nl, &dconf, log, &dhcp_err)) == 0) {
				leased = true;
				record(st, dconf.ifname);
			}
		}
		if (!leased && !st->nconfigured) {
			rc = nb_fail(e, rc, "%s", dhcp_err.msg);
			goto out;
		}
		if (!leased)
			net_log(log, "DHCP failed, going on with the static interfaces: %s", dhcp_err.msg);
	}
	if (!st->nconfigured) {
		rc = nb_fail(e, -ENETDOWN, "no interface could be configured (%s)", plan_line);
		goto out;
	}

	if (leased) {
		st->used = dconf;
	} else {
		/* The first static interface with carrier carries the default route. */
		struct net_ifconf live[CMDLINE_MAX_IFACES];
		int nlive = 0;
		for (int i = 0; i < nstatic; i++)
			if (statics[i].ifname[0])
				live[nlive++] = statics[i];
		bool up[CMDLINE_MAX_IFACES];
		primary = wait_static_carrier(&nl, live, nlive, up, log);	/* at once when links are up */
		st->used = live[primary < 0 ? 0 : primary];
	}
	/* A lease without a router still leaves a static gateway usable. */
	if (leased && !st->used.gateway) {
		for (int i = 0; i < nstatic && !st->used.gateway; i++)
			if (statics[i].ifname[0] && statics[i].gateway && net_route_via(&nl, &statics[i], log) == 0)
				st->used.gateway = statics[i].gateway;
	} else if (!leased && st->used.gateway) {
		net_route_via(&nl, &st->used, log);
	}

	if (paths->resolv_conf) {
		if (net_write_resolv(paths->resolv_conf, &st->used, &sub) < 0)
			net_log(log, "%s", sub.msg);
		else
			net_log(log, "wrote %s (%d nameserver%s)", paths->resolv_conf, st->used.ndns,
			    st->used.ndns == 1 ? "" : "s");
	}
	for (int i = 0; i < nstatic; i++)
		if (statics[i].ifname[0])
			write_handover(paths, &statics[i], log);
	if (leased)
		write_handover(paths, &dconf, log);
	st->elapsed_ms = (long)(monotonic_ms() - t0);
	net_log(log, "up on %s: %s/%u%s%s, network stage took %.1f s", st->used.ifname, ipv4_ntoa(st->used.addr, a),
	    st->used.prefix, st->used.gateway ? " via " : "",
	    st->used.gateway ? ipv4_ntoa(st->used.gateway, (char[16]){ 0 }) : "", st->elapsed_ms / 1000.0);
	rc = 0;
out:
	rtnl_close(&nl);
	return rc;
}
