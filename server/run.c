/* server_run: prepare the boot folder, start the services, drop
 * privileges, loop until a signal; SIGHUP reloads.  See server.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "netboot/clock.h"
#include "netboot/ipv4.h"
#include "server/bootcheck.h"
#include "server/server.h"

static volatile sig_atomic_t stop_signal, reload_asked;

static long log_timer(struct loop_timer *t, long long now_ms)
{
	return srv_log_tick(t->ctx, now_ms);
}

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		reload_asked = 1;
	else
		stop_signal = sig;
}

/* Drops root once every port is bound; the lease file is rewritten by
 * rename, so its folder must stay writable for the new user. */
static int drop_privileges(const struct serve_config *c, struct errbuf *e)
{
	if (!c->user[0] || geteuid() != 0)
		return 0;
	struct passwd *pw = getpwnam(c->user);
	if (!pw)
		return nb_fail(e, -EINVAL, "--user %s: no such user", c->user);
	if (setgroups(0, NULL) < 0 || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0)
		return nb_fail(e, -errno, "--user %s: %s", c->user, strerror(errno));
	if (c->do_dhcp) {
		char dir[PATH_MAX];
		snprintf(dir, sizeof(dir), "%s", c->leases_file[0] ? c->leases_file : "/var/lib/netboot/leases");
		char *slash = strrchr(dir, '/');
		if (slash)
			*(slash == dir ? slash + 1 : slash) = '\0';
		else
			snprintf(dir, sizeof(dir), ".");
		if (access(dir, W_OK | X_OK) < 0)
			return nb_fail(e, -EACCES, "--user %s cannot write the lease file's folder %s: "
				       "chown it to that user or choose --leases elsewhere", c->user, dir);
	}
	return 0;
}

static uint32_t addr_of(const struct ifaddrs *i)
{
	return ((const struct sockaddr_in *)(const void *)i->ifa_addr)->sin_addr.s_addr;
}

static bool is_ipv4(const struct ifaddrs *i)
{
	return i->ifa_addr && i->ifa_addr->sa_family == AF_INET;
}

/* PXEBOOTSRV_LOCALIP6, else the first global IPv6 address that is up (on
 * --interface when given), as text into buf, and the interface holding it
 * (IFNAMSIZ; "" for LOCALIP6); false when there is none. */
static bool find_ip6(const struct serve_config *c, char buf[INET6_ADDRSTRLEN], char *ifname)
{
	static const uint8_t zero[16];
	struct ifaddrs *ifs, *i;
	ifname[0] = '\0';
	if (memcmp(c->local_ip6, zero, 16))
		return inet_ntop(AF_INET6, c->local_ip6, buf, INET6_ADDRSTRLEN) != NULL;
	if (getifaddrs(&ifs) < 0)
		return false;
	for (i = ifs; i && !ifname[0]; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET6 || !(i->ifa_flags & IFF_UP) ||
		    (c->interface[0] && strcmp(i->ifa_name, c->interface)))
			continue;
		const struct in6_addr *a = &((const struct sockaddr_in6 *)(const void *)i->ifa_addr)->sin6_addr;
		if (IN6_IS_ADDR_LINKLOCAL(a) || IN6_IS_ADDR_LOOPBACK(a))
			continue;
		inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
		snprintf(ifname, IFNAMSIZ, "%s", i->ifa_name);
	}
	freeifaddrs(ifs);
	return ifname[0] != '\0';
}

/* No IPv4 address: fine for a server with no DHCPv4 service (the
 * menus name the address each client reached) that has an IPv6 address
 * to serve from; DHCPv4 and proxy-DHCP need one (server identifier,
 * next-server).  where names what was searched. */
static int ipv6_only(struct serve_config *c, FILE *log, const char *where, struct errbuf *e)
{
	char a6[INET6_ADDRSTRLEN], if6[IFNAMSIZ];
	bool v6 = find_ip6(c, a6, if6);
	if (c->do_dhcp || c->proxy_dhcp)
		return nb_fail(e, -EADDRNOTAVAIL, "no IPv4 address on %s: give --local-ip (PXEBOOTSRV_LOCALIP)%s", where,
			       v6 ? ", or --no-dhcp to serve IPv6 clients only (DHCPv4 and proxy-DHCP need an IPv4 "
			       "address)" : "");
	if (!v6)
		return nb_fail(e, -EADDRNOTAVAIL, "no IPv4 address nor global IPv6 address on %s: give --local-ip "
			       "(PXEBOOTSRV_LOCALIP) or PXEBOOTSRV_LOCALIP6", where);
	c->ipv6_only = true;
	srv_line(log, LOG_PRIO_INFO, "netboot-serve: this server is %s%s%s, IPv6 only (no IPv4 address, no DHCPv4): "
		 "menus name the address each client reached", a6, if6[0] ? " on " : " (PXEBOOTSRV_LOCALIP6)", if6);
	return 0;
}

/* Without --local-ip (PXEBOOTSRV_LOCALIP) the menu's URLs and next-server
 * need this machine's address: --listen's, the one on --interface, else
 * the first non-loopback IPv4 address that is up; with none, IPv6 only
 * when nothing needs IPv4 (ipv6_only). */
static int find_local_ip(struct serve_config *c, FILE *log, struct errbuf *e)
{
	struct ifaddrs *ifs, *i;
	char a[16], a6[INET6_ADDRSTRLEN], if6[IFNAMSIZ];
	const char *where = c->interface[0] ? c->interface : "any interface that is up";
	if (c->local_ip || (c->ipv6_only && !c->do_dhcp && !c->proxy_dhcp))
		return 0;
	if (c->listen_ip) {
		c->local_ip = c->listen_ip;
		return 0;
	}
	if (getifaddrs(&ifs) < 0)
		return nb_fail(e, -errno, "cannot list this machine's addresses: %s (give --local-ip)", strerror(errno));
	for (i = ifs; i && !c->local_ip; i = i->ifa_next)
		if (is_ipv4(i) && (i->ifa_flags & IFF_UP) && !(i->ifa_flags & IFF_LOOPBACK) &&
		    (!c->interface[0] || !strcmp(i->ifa_name, c->interface)))
			c->local_ip = addr_of(i);
	freeifaddrs(ifs);
	if (!c->local_ip)
		return ipv6_only(c, log, where, e);
	bool v6 = find_ip6(c, a6, if6);
	srv_line(log, LOG_PRIO_INFO, "netboot-serve: this server is %s (from %s; --local-ip to choose)%s%s%s",
		 ipv4_ntoa(c->local_ip, a), c->interface[0] ? c->interface : "the first interface up",
		 v6 ? "; for IPv6 clients " : "", v6 ? a6 : "", v6 && if6[0] ? " (or the address each reached)" : "");
	return 0;
}

/* The interface holding addr into ifname (IFNAMSIZ), or "" when none;
 * on loopback the whole subnet is local (127.0.0.2 without set-up). */
static void interface_of(uint32_t addr, char *ifname)
{
	struct ifaddrs *ifs, *i;
	ifname[0] = '\0';
	if (getifaddrs(&ifs) < 0)
		return;
	for (int pass = 0; pass < 2 && !ifname[0]; pass++)
		for (i = ifs; i && !ifname[0]; i = i->ifa_next) {
			if (!is_ipv4(i) || !i->ifa_netmask)
				continue;
			uint32_t mask = ((const struct sockaddr_in *)(const void *)i->ifa_netmask)->sin_addr.s_addr;
			if (pass == 0 ? addr_of(i) == addr
				      : (i->ifa_flags & IFF_LOOPBACK) && (addr_of(i) & mask) == (addr & mask))
				snprintf(ifname, IFNAMSIZ, "%s", i->ifa_name);
		}
	freeifaddrs(ifs);
}

/* --listen ADDR: TFTP, HTTP and NBD bind ADDR itself.  DHCP cannot: a
 * DISCOVER is broadcast (to 255.255.255.255), which a socket bound to a
 * unicast address never receives, so DHCP binds the wildcard address on
 * the interface holding ADDR only (SO_BINDTODEVICE, as --interface). */
static int resolve_listen(struct serve_config *c, FILE *log, struct errbuf *e)
{
	char ifname[IFNAMSIZ], a[16];
	if (!c->listen_ip)
		return 0;
	interface_of(c->listen_ip, ifname);
	if (!ifname[0])
		return nb_fail(e, -EADDRNOTAVAIL, "--listen %s: no interface of this machine has this address",
			       ipv4_ntoa(c->listen_ip, a));
	if (c->interface[0] && strcmp(c->interface, ifname))
		return nb_fail(e, -EINVAL, "--listen %s is on %s, not on --interface %s", ipv4_ntoa(c->listen_ip, a),
			       ifname, c->interface);
	if ((c->do_dhcp || c->proxy_dhcp) && !c->interface[0])
		snprintf(c->interface, sizeof(c->interface), "%s", ifname);
	srv_line(log, LOG_PRIO_INFO, "netboot-serve: TFTP, HTTP and NBD listen on %s only%s%s", ipv4_ntoa(c->listen_ip, a),
		 c->do_dhcp || c->proxy_dhcp ? "; DHCP on its interface " : "", c->do_dhcp || c->proxy_dhcp ? ifname : "");
	return 0;
}

/* LOCALIP is what clients are told to fetch from: on no interface here, or
 * on another than --interface, nothing will answer them. */
static void warn_local_ip(const struct serve_config *c, FILE *log)
{
	char ifname[IFNAMSIZ], a[16];
	if (!c->local_ip)
		return;	/* IPv6 only */
	interface_of(c->local_ip, ifname);
	if (!ifname[0])
		srv_line(log, LOG_PRIO_WARNING, "netboot-serve: warning: local address %s (PXEBOOTSRV_LOCALIP, --local-ip) "
			 "is on no interface of this machine: clients will be sent to an address nobody answers",
			 ipv4_ntoa(c->local_ip, a));
	else if (c->interface[0] && strcmp(ifname, c->interface))
		srv_line(log, LOG_PRIO_WARNING, "netboot-serve: warning: local address %s is on %s, not on --interface %s: "
			 "clients on %s cannot reach it", ipv4_ntoa(c->local_ip, a), ifname, c->interface, c->interface);
}

int server_preflight(struct serve_config *c, FILE *log, struct errbuf *e)
{
	int rc = serve_config_validate(c, e);
	if (!rc)
		rc = find_local_ip(c, log, e);
	if (!rc)
		rc = boot_files_check(c, e);
	return rc;
}

static const struct {
	const char *name;
	int (*start)(struct server *s, struct errbuf *e);
	void (*stop)(struct server *s);
} services[] = {
	{ "dhcp", dhcp_service_start, dhcp_service_stop },
	{ "tftp", tftp_service_start, tftp_service_stop },
	{ "http", http_service_start, http_service_stop },
	{ "nbd", nbd_service_start, nbd_service_stop },
	{ "ra", ra_service_start, ra_service_stop },
	{ "dhcp6", dhcp6_service_start, dhcp6_service_stop },
};

static bool service_on(const struct serve_config *c, int i)
{
	switch (i) {
	case 0: return c->do_dhcp || c->proxy_dhcp;
	case 1: return c->do_tftp;
	case 2: return c->do_http;
	case 3: return c->do_nbd;
	case 4: return c->do_dhcp || c->proxy_dhcp || c->ra_send;	/* QEMU's and many ROMs are iPXE, pxelinux or not */
	case 5: return c->do_dhcp6;
	}
	return false;
}

/* What a running server cannot change: the sockets, the pool, the user.
 * Copied from the settings in use into the new ones. */
static void keep_bound(struct serve_config *n, const struct serve_config *old)
{
	n->do_dhcp = old->do_dhcp, n->proxy_dhcp = old->proxy_dhcp;
	n->do_tftp = old->do_tftp, n->do_http = old->do_http, n->do_nbd = old->do_nbd;
	memcpy(n->interface, old->interface, sizeof(n->interface));
	n->listen_ip = old->listen_ip;
	n->subnet = old->subnet, n->netmask = old->netmask;
	n->range_start = old->range_start, n->range_end = old->range_end;
	n->do_dhcp6 = old->do_dhcp6, n->has_range6 = old->has_range6;
	memcpy(n->range6_start, old->range6_start, 16);
	memcpy(n->range6_end, old->range6_end, 16);
	memcpy(n->leases_file, old->leases_file, sizeof(n->leases_file));
	memcpy(n->user, old->user, sizeof(n->user));
	n->dhcp_port = old->dhcp_port, n->proxy_port = old->proxy_port, n->tftp_port = old->tftp_port;
	n->http_port = old->http_port, n->nbd_port = old->nbd_port;
}

/* --print-config's lines of c, for the reload's account of what changed. */
static char *printed(const struct serve_config *c)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	serve_config_print(c, f);
	fclose(f);
	return text;
}

/* "key: old -> new; ..." for each line of a that b changed, or "". */
static void config_diff(const char *a, const char *b, char *out, size_t cap)
{
	size_t n = 0;
	out[0] = '\0';
	for (const char *l = b; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		const char *eq = memchr(l, '=', len);
		size_t klen = eq ? (size_t)(eq - l) : len;
		bool same = false;
		const char *old = NULL;
		for (const char *m = a; m && *m && !same;) {
			const char *mnl = strchr(m, '\n');
			size_t mlen = mnl ? (size_t)(mnl - m) : strlen(m);
			if (mlen == len && !memcmp(m, l, len))
				same = true;
			else if (!old && mlen > klen && !memcmp(m, l, klen))
				old = m;
			m = mnl ? mnl + 1 : NULL;
		}
		if (!same && n < cap) {
			int oldlen = old ? (int)(strcspn(old, "\n") - klen - (old[klen] == '=' ? 2 : 0)) : 0;
			int w = snprintf(out + n, cap - n, "%s%.*s: %.*s -> %.*s", n ? "; " : "", (int)klen - 1, l,
					 old ? oldlen : 6, old ? old + klen + 2 : "(none)", (int)(len - klen - 2), eq ? eq + 2 : "");
			n = w > 0 ? n + (size_t)w : n;
		}
		l = nl ? nl + 1 : NULL;
	}
}

static void reload_warning(void *ctx, const char *msg)
{
	srv_line(ctx, LOG_PRIO_WARNING, "netboot-serve: reload: warning: %s", msg);
}

/* SIGHUP: the settings read again and the boot folder rescanned; on any
 * error the settings in use stay.  Transfers in flight hold their own file
 * descriptors and finish with the bytes they started with.  One line says
 * what changed, another what only a restart would change. */
static void reload(struct server *s)
{
	struct serve_config *n = malloc(2 * sizeof(*n)), *asked;	/* ~20 KiB: off the stack */
	struct errbuf e = { "" };
	bool print_only;
	char *before = NULL, *wanted = NULL, *after = NULL, changed[1024], ignored[1024];
	if (!n)
		return;
	asked = n + 1;
	serve_config_defaults(n);
	int rc = serve_config_from_args(s->argc, s->argv, n, &print_only, reload_warning, s->log, &e);
	/* the hosts file stays the one read at start: the DHCP pool was built
	 * around its fixed addresses (a restart reads it again) */
	hosts_free(&n->hosts);
	n->hosts = s->cfg.hosts;
	memcpy(n->hosts_file, s->cfg.hosts_file, sizeof(n->hosts_file));
	n->no_hosts = s->cfg.no_hosts;
	if (rc < 0 || serve_config_validate(n, &e) < 0 || find_local_ip(n, s->log, &e) < 0) {
		srv_line(s->log, LOG_PRIO_ERR, "netboot-serve: reload: %s: keeping the settings in use", e.msg);
		goto out;
	}
	if (n->listen_ip == s->cfg.listen_ip && !n->interface[0])	/* what --listen chose at start */
		memcpy(n->interface, s->cfg.interface, sizeof(n->interface));
	*asked = *n;
	keep_bound(n, &s->cfg);
	rc = boot_files_reload(&s->files, n, &e);	/* finds the kernel when none is named */
	if (rc < 0 && s->files.cfg != n) {
		srv_line(s->log, LOG_PRIO_ERR, "netboot-serve: reload: %s: keeping the settings in use", e.msg);
		goto out;
	}
	memcpy(asked->kernel, n->kernel, sizeof(n->kernel));
	before = printed(&s->cfg), wanted = printed(asked), after = printed(n);
	s->cfg = *n;
	s->files.cfg = &s->cfg;
	if (!before || !wanted || !after)
		goto out;
	config_diff(before, after, changed, sizeof(changed));
	config_diff(after, wanted, ignored, sizeof(ignored));
	char images[32] = "";
	if (rc > 0)
		snprintf(images, sizeof(images), ", %d image%s changed", rc, rc == 1 ? "" : "s");
	srv_line(s->log, LOG_PRIO_INFO, "netboot-serve: reloaded: %s; boot folder rescanned (%d image%s)%s%s",
		 changed[0] ? changed : "settings unchanged", s->files.images.n, s->files.images.n == 1 ? "" : "s",
		 images, rc > 0 ? ": new checksums written" : "");
	if (ignored[0])
		srv_line(s->log, LOG_PRIO_WARNING, "netboot-serve: reload: not applied until a restart (sockets, "
			 "DHCP pool, user): %s", ignored);
	warn_boot_files(&s->files, &s->cfg, s->log);
out:
	free(before), free(wanted), free(after), free(n);
}

/* Everything before the loop; 0, or 1 with the error said on stderr. */
static int start(struct server *s, int *started)
{
	struct errbuf e = { "" };
	if (loop_init(&s->loop) < 0)
		return srv_line(stderr, LOG_PRIO_ERR, "netboot serve: epoll: %s", strerror(errno)), 1;
	s->log_timer = (struct loop_timer){ log_timer, s };
	if (loop_add_timer(&s->loop, &s->log_timer) < 0)
		return srv_line(stderr, LOG_PRIO_ERR, "netboot serve: no timer slot left for the log"), 1;
	if (resolve_listen(&s->cfg, s->log, &e) < 0 || find_local_ip(&s->cfg, s->log, &e) < 0 ||
	    boot_files_prepare(&s->files, &s->cfg, s->log, &e) < 0)
		return srv_line(stderr, LOG_PRIO_ERR, "netboot serve: %s", e.msg), 1;
	warn_local_ip(&s->cfg, s->log);
	warn_boot_files(&s->files, &s->cfg, s->log);
	for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++, (*started)++) {
		if (service_on(&s->cfg, (int)i) && services[i].start(s, &e) < 0)
			return srv_line(stderr, LOG_PRIO_ERR, "netboot serve: %s: %s", services[i].name, e.msg), 1;
	}
	if (drop_privileges(&s->cfg, &e) < 0)
		return srv_line(stderr, LOG_PRIO_ERR, "netboot serve: %s", e.msg), 1;
	return 0;
}

int server_run(const struct serve_config *cfg, int argc, char **argv, FILE *log)
{
	struct server *s = calloc(1, sizeof(*s));
	int status = 1, started = 0;
	if (!s) {
		srv_line(stderr, LOG_PRIO_ERR, "netboot serve: out of memory");
		return 1;
	}
	s->cfg = *cfg;
	s->log = log;
	s->argc = argc, s->argv = argv;
	s->started_ms = monotonic_ms();
	s->clients.stage_reached = s->metrics.stage_reached;
	s->files.root_fd = s->files.menu_fd = -1;
	if (start(s, &started))
		goto out;
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	char arg[1100] = "";
	const struct boot_image *dflt = &s->files.images.img[0];	/* the default image */
	char a6[INET6_ADDRSTRLEN], if6[IFNAMSIZ], self[SERVE_HOST_MAX] = "";
	if (!s->cfg.local_ip && !s->cfg.tftp_server && find_ip6(&s->cfg, a6, if6))	/* IPv6 only: what v6 clients get */
		snprintf(self, sizeof(self), "[%s]", a6);
	boot_entry_stage3_arg(&s->cfg, dflt, s->cfg.stage3, NULL, self[0] ? self : NULL, arg, sizeof(arg));
	srv_line(log, LOG_PRIO_INFO, "netboot-serve: ready: dhcp %s, tftp %s, http %s, nbd %s; kernel %s%s, %s%s; "
		 "stage 3: %s; %d image%s, %d known host%s",
		 s->cfg.do_dhcp ? "server" : s->cfg.proxy_dhcp ? "proxy" : "off", s->cfg.do_tftp ? "on" : "off",
		 s->cfg.do_http ? "on" : "off", s->cfg.do_nbd ? "on" : "off", dflt->dir, dflt->kernel, dflt->dir,
		 dflt->initrd, arg, s->files.images.n, s->files.images.n == 1 ? "" : "s", s->cfg.hosts.n,
		 s->cfg.hosts.n == 1 ? "" : "s");
	while (!stop_signal) {
		int rc = loop_run_once(&s->loop, 1000);
		if (rc < 0) {
			srv_line(stderr, LOG_PRIO_ERR, "netboot serve: event loop: %s", strerror(-rc));
			goto out;
		}
		if (reload_asked) {
			reload_asked = 0;
			reload(s);
		}
	}
	srv_log_end(s);	/* the summaries of windows still open: a flood's last count is never lost */
	srv_line(log, LOG_PRIO_INFO, "netboot-serve: stopping on signal %d", (int)stop_signal);
	status = 0;
out:
	while (started-- > 0)
		if (service_on(&s->cfg, started))
			services[started].stop(s);
	boot_files_close(&s->files);
	loop_close(&s->loop);
	free(s);
	return status;
}
