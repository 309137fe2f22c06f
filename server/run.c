/* server_run: prepare the boot folder, start the services, drop
 * privileges, loop until a signal.  See server.h. */
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
#include "server/server.h"

static volatile sig_atomic_t stop_signal;

static long log_timer(struct loop_timer *t, long long now_ms)
{
	return srv_log_tick(t->ctx, now_ms);
}

static void on_signal(int sig)
{
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

/* Without --local-ip (PXEBOOTSRV_LOCALIP) the menu's URLs and next-server
 * need this machine's address: the one on --interface, else the first
 * non-loopback IPv4 address that is up. */
static int find_local_ip(struct serve_config *c, FILE *log, struct errbuf *e)
{
	struct ifaddrs *ifs, *i;
	char a[16];
	if (c->local_ip)
		return 0;
	if (getifaddrs(&ifs) < 0)
		return nb_fail(e, -errno, "cannot list this machine's addresses: %s (give --local-ip)", strerror(errno));
	for (i = ifs; i && !c->local_ip; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET && (i->ifa_flags & IFF_UP) &&
		    !(i->ifa_flags & IFF_LOOPBACK) && (!c->interface[0] || !strcmp(i->ifa_name, c->interface)))
			c->local_ip = ((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr.s_addr;
	freeifaddrs(ifs);
	if (!c->local_ip)
		return nb_fail(e, -EADDRNOTAVAIL, "no IPv4 address on %s: give --local-ip (PXEBOOTSRV_LOCALIP)",
			       c->interface[0] ? c->interface : "any interface that is up");
	if (log)
		fprintf(log, "netboot-serve: this server is %s (from %s; --local-ip to choose)\n", ipv4_ntoa(c->local_ip, a),
			c->interface[0] ? c->interface : "the first interface up");
	return 0;
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
};

static bool service_on(const struct serve_config *c, int i)
{
	switch (i) {
	case 0: return c->do_dhcp || c->proxy_dhcp;
	case 1: return c->do_tftp;
	case 2: return c->do_http;
	case 3: return c->do_nbd;
	case 4: return c->do_dhcp || c->proxy_dhcp;	/* QEMU's and many ROMs are iPXE, pxelinux or not */
	}
	return false;
}

int server_run(const struct serve_config *cfg, FILE *log)
{
	struct server *s = calloc(1, sizeof(*s));
	struct errbuf e = { "" };
	int status = 1, started = 0;
	if (!s) {
		fprintf(stderr, "netboot serve: out of memory\n");
		return 1;
	}
	s->cfg = *cfg;
	s->log = log;
	s->started_ms = monotonic_ms();
	s->clients.stage_reached = s->metrics.stage_reached;
	s->files.root_fd = s->files.menu_fd = -1;
	if (loop_init(&s->loop) < 0) {
		fprintf(stderr, "netboot serve: epoll: %s\n", strerror(errno));
		goto out;
	}
	s->log_timer = (struct loop_timer){ log_timer, s };
	if (loop_add_timer(&s->loop, &s->log_timer) < 0) {
		fprintf(stderr, "netboot serve: no timer slot left for the log\n");
		goto out;
	}
	if (find_local_ip(&s->cfg, log, &e) < 0) {
		fprintf(stderr, "netboot serve: %s\n", e.msg);
		goto out;
	}
	if (boot_files_prepare(&s->files, &s->cfg, &e) < 0) {
		fprintf(stderr, "netboot serve: %s\n", e.msg);
		goto out;
	}
	for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++, started++) {
		if (!service_on(&s->cfg, (int)i))
			continue;
		if (services[i].start(s, &e) < 0) {
			fprintf(stderr, "netboot serve: %s: %s\n", services[i].name, e.msg);
			goto out;
		}
	}
	if (drop_privileges(&s->cfg, &e) < 0) {
		fprintf(stderr, "netboot serve: %s\n", e.msg);
		goto out;
	}
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	char arg[1100] = "";
	const struct boot_image *dflt = &s->files.images.img[0];	/* the default image */
	boot_entry_stage3_arg(&s->cfg, dflt, s->cfg.stage3, NULL, arg, sizeof(arg));
	fprintf(log, "netboot-serve: ready: dhcp %s, tftp %s, http %s, nbd %s; kernel %s%s, %s%s; stage 3: %s; "
		"%d image%s, %d known host%s\n",
		s->cfg.do_dhcp ? "server" : s->cfg.proxy_dhcp ? "proxy" : "off", s->cfg.do_tftp ? "on" : "off",
		s->cfg.do_http ? "on" : "off", s->cfg.do_nbd ? "on" : "off", dflt->dir, dflt->kernel, dflt->dir,
		dflt->initrd, arg, s->files.images.n, s->files.images.n == 1 ? "" : "s", s->cfg.hosts.n,
		s->cfg.hosts.n == 1 ? "" : "s");
	fflush(log);
	while (!stop_signal) {
		int rc = loop_run_once(&s->loop, 1000);
		if (rc < 0) {
			fprintf(stderr, "netboot serve: event loop: %s\n", strerror(-rc));
			goto out;
		}
	}
	srv_log_tick(s, monotonic_ms() + 1000);	/* the current second's summaries too */
	fprintf(log, "netboot-serve: stopping on signal %d\n", (int)stop_signal);
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
