#include "netboot/ipv4.h"
#include "netboot/clock.h"
#include "netboot/mac.h"
#include "netboot/netlog.h"
#include "netboot/netup.h"
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define STATIC_CARRIER_WAIT_MS 5000



/* --- listing interfaces --- */

static int read_small(const char *dir, const char *name, const char *file, char *buf, size_t cap)
{
	char path[PATH_MAX];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s/%s", dir, name, file);
	if (!(f = fopen(path, "re")))
		return -errno;
	n = fread(buf, 1, cap - 1, f);
	fclose(f);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	return 0;
}

/* eth2 before eth10: digit runs compare by value. */
static int natural_cmp(const void *pa, const void *pb)
{
	const char *a = ((const struct net_iface *)pa)->name, *b = ((const struct net_iface *)pb)->name;

	while (*a && *b) {
		if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
			char *ea, *eb;
			unsigned long x = strtoul(a, &ea, 10), y = strtoul(b, &eb, 10);
			if (x != y)
				return x < y ? -1 : 1;
			a = ea;
			b = eb;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int net_list_ifaces(const char *sysfs_net, struct net_iface *out, int max, struct errbuf *e)
{
	DIR *d = opendir(sysfs_net);
	struct dirent *de;
	char buf[64];
	int n = 0;

	if (!d)
		return nb_fail(e, -errno, "cannot list network interfaces in %s: %s", sysfs_net, strerror(errno));
	while ((de = readdir(d)) && n < max) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "lo") || strlen(de->d_name) >= sizeof(out->name))
			continue;
		if (read_small(sysfs_net, de->d_name, "type", buf, sizeof(buf)) < 0 || strcmp(buf, "1"))
			continue;
		memset(&out[n], 0, sizeof(out[n]));
		snprintf(out[n].name, sizeof(out[n].name), "%.15s", de->d_name);
		if (read_small(sysfs_net, de->d_name, "address", buf, sizeof(buf)) == 0)
			mac_parse(buf, strlen(buf), out[n].mac);
		n++;
	}
	closedir(d);
	qsort(out, (size_t)n, sizeof(*out), natural_cmp);
	return n;
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

/* --- configuration --- */

static void add_dns(struct net_ifconf *c, uint32_t a)
{
	for (int i = 0; i < c->ndns; i++)
		if (c->dns[i] == a)
			return;
	if (a && c->ndns < NET_MAX_DNS)
		c->dns[c->ndns++] = a;
}

void net_ifconf_from_lease(struct net_ifconf *c, const char *ifname, const uint8_t mac[6],
			   const struct dhcp_lease *l, const uint32_t *dns, int ndns)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->ifname, sizeof(c->ifname), "%.15s", ifname);
	c->method = NET_DHCP;
	memcpy(c->hwaddr, mac, 6);
	c->addr = l->addr;
	c->prefix = l->prefix;
	c->broadcast = l->broadcast;
	c->gateway = l->router;
	for (int i = 0; i < ndns; i++)
		add_dns(c, dns[i]);
	for (int i = 0; i < l->ndns; i++)
		add_dns(c, l->dns[i]);
	snprintf(c->domain, sizeof(c->domain), "%s", l->domain);
	snprintf(c->hostname, sizeof(c->hostname), "%s", l->hostname);
	c->dhcp_server = l->server_id;
	c->next_server = l->siaddr;
	snprintf(c->bootfile, sizeof(c->bootfile), "%s", l->bootfile);
	snprintf(c->tftp_server, sizeof(c->tftp_server), "%s", l->tftp_server);
	c->lease_secs = l->lease_secs;
	c->mtu = l->mtu;
}

static void ifconf_static(struct net_ifconf *c, const struct boot_config *cfg, const struct net_iface *nif,
			  const struct iface_plan *plan)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->ifname, sizeof(c->ifname), "%.15s", nif->name);
	c->method = NET_STATIC;
	memcpy(c->hwaddr, nif->mac, 6);
	c->addr = plan->addr;
	c->prefix = plan->prefix ? plan->prefix : 24;
	if (c->prefix < 31)
		c->broadcast = c->addr | ~ipv4_prefix_mask(c->prefix);
	c->gateway = plan->gateway ? plan->gateway : cfg->gateway;
	for (int i = 0; i < cfg->ndns; i++)
		add_dns(c, cfg->dns[i]);
	nb_sanitize(c->hostname, sizeof(c->hostname), plan->hostname, sizeof(plan->hostname));
}

static int route_via(struct rtnl *nl, const struct net_ifconf *c, FILE *log);

static int apply(struct rtnl *nl, struct net_ifconf *c, bool route, FILE *log, struct errbuf *e)
{
	struct rtnl_link l;
	struct errbuf sub;
	char a[16];
	int rc;

	if ((rc = rtnl_link_get(nl, 0, c->ifname, &l, &sub)) < 0)
		return nb_fail(e, rc, "%s: %s", c->ifname, sub.msg);
	if (c->mtu && c->mtu != l.mtu) {
		if (rtnl_link_mtu(nl, l.ifindex, c->mtu, &sub) < 0) {
			net_log(log, "%s: MTU %u refused (%s), keeping %u", c->ifname, c->mtu, sub.msg, l.mtu);
		} else {
			net_log(log, "%s: MTU %u", c->ifname, c->mtu);
			l.mtu = c->mtu;
		}
	}
	c->mtu = l.mtu;
	if ((rc = rtnl_addr_add(nl, l.ifindex, c->addr, c->prefix, c->broadcast, &sub)) < 0)
		return nb_fail(e, rc, "%s: cannot add address %s/%u: %s", c->ifname, ipv4_ntoa(c->addr, a),
			       c->prefix, sub.msg);
	net_log(log, "%s: address %s/%u", c->ifname, ipv4_ntoa(c->addr, a), c->prefix);
	if (route && c->gateway)
		route_via(nl, c, log);
	return 0;
}

/* The default route via c's gateway on c's interface. */
static int route_via(struct rtnl *nl, const struct net_ifconf *c, FILE *log)
{
	uint32_t mask = ipv4_prefix_mask(c->prefix);
	bool onlink = (c->gateway & mask) != (c->addr & mask);
	struct rtnl_link l;
	struct errbuf sub;
	char a[16];
	int rc;

	if ((rc = rtnl_link_get(nl, 0, c->ifname, &l, &sub)) < 0 ||
	    (rc = rtnl_route_default(nl, l.ifindex, c->gateway, onlink, &sub)) < 0)
		net_log(log, "%s: default route via %s failed: %s", c->ifname, ipv4_ntoa(c->gateway, a), sub.msg);
	else
		net_log(log, "%s: default route via %s%s", c->ifname, ipv4_ntoa(c->gateway, a),
		    onlink ? " (outside the subnet: on-link)" : "");
	return rc;
}

int net_apply(struct rtnl *nl, struct net_ifconf *c, FILE *log, struct errbuf *e)
{
	return apply(nl, c, true, log, e);
}

/* --- files --- */

void net_shell_safe(char *dst, size_t cap, const char *src)
{
	size_t i;

	if (!cap)
		return;
	for (i = 0; src[i] && i + 1 < cap; i++) {
		char ch = src[i];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
			  (ch && strchr("._:/@%+,=-", ch));
		dst[i] = ok ? ch : '_';
	}
	dst[i] = '\0';
}

static void put_addr(FILE *out, const char *key, uint32_t a)
{
	char b[16];
	fprintf(out, "%s=%s\n", key, a ? ipv4_ntoa(a, b) : "");
}

static void put_str(FILE *out, const char *key, const char *s)
{
	char b[256];
	net_shell_safe(b, sizeof(b), s);
	fprintf(out, "%s=%s\n", key, b);
}

void net_format_handover(const struct net_ifconf *c, FILE *out)
{
	char mac[18];
	bool dhcp = c->method == NET_DHCP;

	fprintf(out, "# netboot network handover, see docs/handover.md\n");
	put_str(out, "DEVICE", c->ifname);
	fprintf(out, "METHOD=%s\n", dhcp ? "dhcp" : "static");
	put_addr(out, "IPV4ADDR", c->addr);
	fprintf(out, "IPV4PREFIX=%u\n", c->prefix);
	put_addr(out, "IPV4NETMASK", ipv4_prefix_mask(c->prefix));
	put_addr(out, "IPV4BROADCAST", c->broadcast);
	put_addr(out, "IPV4GATEWAY", c->gateway);
	put_addr(out, "IPV4DNS0", c->ndns > 0 ? c->dns[0] : 0);
	put_addr(out, "IPV4DNS1", c->ndns > 1 ? c->dns[1] : 0);
	put_str(out, "DNSDOMAIN", c->domain);
	put_str(out, "HOSTNAME", c->hostname);
	put_addr(out, "DHCPSERVER", dhcp ? c->dhcp_server : 0);
	put_addr(out, "NEXTSERVER", dhcp ? c->next_server : 0);
	put_str(out, "BOOTFILE", dhcp ? c->bootfile : "");
	if (dhcp && c->lease_secs)
		fprintf(out, "LEASETIME=%u\n", c->lease_secs);
	else
		fprintf(out, "LEASETIME=\n");
	if (dhcp && c->lease_obtained)
		fprintf(out, "LEASE_OBTAINED=%lld\n", c->lease_obtained);
	else
		fprintf(out, "LEASE_OBTAINED=\n");
	if (c->mtu)
		fprintf(out, "MTU=%u\n", c->mtu);
	else
		fprintf(out, "MTU=\n");
	fprintf(out, "HWADDR=%s\n", mac_format(c->hwaddr, mac));
}

void net_format_resolv(const struct net_ifconf *c, FILE *out)
{
	char dom[128];
	size_t j = 0;

	fprintf(out, "# written by netboot from %s (%s)\n", c->ifname, c->method == NET_DHCP ? "DHCP" : "static");
	/* A domain name only: anything else could smuggle in a directive. */
	for (size_t i = 0; c->domain[i] && j + 1 < sizeof(dom); i++) {
		char ch = c->domain[i];
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		    ch == '.' || ch == '-' || ch == '_')
			dom[j++] = ch;
	}
	dom[j] = '\0';
	if (j)
		fprintf(out, "search %s\n", dom);
	for (int i = 0; i < c->ndns; i++) {
		char b[16];
		fprintf(out, "nameserver %s\n", ipv4_ntoa(c->dns[i], b));
	}
}

static int mkdir_p(const char *dir, struct errbuf *e)
{
	char p[PATH_MAX];

	if (!dir[0])
		return nb_fail(e, -EINVAL, "empty folder name");
	if (snprintf(p, sizeof(p), "%s", dir) >= (int)sizeof(p))
		return nb_fail(e, -ENAMETOOLONG, "%s: path too long", dir);
	for (char *s = p + 1;; s++) {
		if (*s == '/' || !*s) {
			char c = *s;
			*s = '\0';
			if (mkdir(p, 0755) < 0 && errno != EEXIST)
				return nb_fail(e, -errno, "cannot create %s: %s", p, strerror(errno));
			if (!c)
				return 0;
			*s = c;
		}
	}
}

static int write_atomic(const char *path, void (*fmt)(const struct net_ifconf *, FILE *),
			const struct net_ifconf *c, struct errbuf *e)
{
	char tmp[PATH_MAX];
	FILE *f;
	int rc = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return nb_fail(e, -ENAMETOOLONG, "%s: path too long", path);
	if (!(f = fopen(tmp, "we")))
		return nb_fail(e, -errno, "cannot write %s: %s", tmp, strerror(errno));
	fmt(c, f);
	if (ferror(f))
		rc = -EIO;
	if (fclose(f) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path) < 0)
		rc = -errno;
	if (rc) {
		unlink(tmp);
		return nb_fail(e, rc, "cannot write %s: %s", path, strerror(-rc));
	}
	return 0;
}

int net_write_handover(const char *run_dir, const struct net_ifconf *c, struct errbuf *e)
{
	char path[PATH_MAX];
	int rc;

	if ((rc = mkdir_p(run_dir, e)) < 0)
		return rc;
	if (snprintf(path, sizeof(path), "%s/%.15s.conf", run_dir, c->ifname) >= (int)sizeof(path))
		return nb_fail(e, -ENAMETOOLONG, "%s: path too long", run_dir);
	return write_atomic(path, net_format_handover, c, e);
}

int net_write_resolv(const char *path, const struct net_ifconf *c, struct errbuf *e)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int rc;

	/* An initramfs may come without /etc. */
	if (slash && slash != path && (size_t)(slash - path) < sizeof(dir)) {
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
		if ((rc = mkdir_p(dir, e)) < 0)
			return rc;
	}
	return write_atomic(path, net_format_resolv, c, e);
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
	if (cfg->nnameif)
		apply_nameif(&nl, cfg, ifs, n, log);

	for (int i = 0; i < n; i++) {
		enum net_method m = cmdline_iface_method(cfg, ifs[i].name, &plan);
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
		while (i < n && strcmp(ifs[i].name, cfg->ifaces[k].name))
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
		if ((rc = apply(&nl, &statics[i], false, log, &sub)) < 0) {
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
			if ((rc = apply(&nl, &dconf, true, log, &dhcp_err)) == 0) {
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
			if (statics[i].ifname[0] && statics[i].gateway && route_via(&nl, &statics[i], log) == 0)
				st->used.gateway = statics[i].gateway;
	} else if (!leased && st->used.gateway) {
		route_via(&nl, &st->used, log);
	}

	if (paths->resolv_conf) {
		if (net_write_resolv(paths->resolv_conf, &st->used, &sub) < 0)
			net_log(log, "%s", sub.msg);
		else
			net_log(log, "wrote %s (%d nameserver%s)", paths->resolv_conf, st->used.ndns,
			    st->used.ndns == 1 ? "" : "s");
	}
	if (paths->run_dir) {
		for (int i = 0; i < nstatic; i++)
			if (statics[i].ifname[0] && net_write_handover(paths->run_dir, &statics[i], &sub) < 0)
				net_log(log, "%s", sub.msg);
		if (leased && net_write_handover(paths->run_dir, &dconf, &sub) < 0)
			net_log(log, "%s", sub.msg);
	}
	st->elapsed_ms = (long)(monotonic_ms() - t0);
	net_log(log, "up on %s: %s/%u%s%s, network stage took %.1f s", st->used.ifname, ipv4_ntoa(st->used.addr, a),
	    st->used.prefix, st->used.gateway ? " via " : "",
	    st->used.gateway ? ipv4_ntoa(st->used.gateway, (char[16]){ 0 }) : "", st->elapsed_ms / 1000.0);
	rc = 0;
out:
	rtnl_close(&nl);
	return rc;
}
