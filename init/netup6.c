/* The parallel part of the network stage (init/netup6.h). */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include "init/netup6.h"
#include "netboot/clock.h"
#include "netboot/netlog.h"
#include "netboot/rtnl.h"

static void signal_fd(int fd)
{
	uint64_t one = 1;
	if (write(fd, &one, sizeof(one)) < 0) {
		/* an eventfd write fails only on overflow: it is readable then */
	}
}

int par_init(struct par *p, FILE *log, struct errbuf *e)
{
	memset(p, 0, sizeof(*p));
	p->log = log;
	p->done_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	p->stop6_fd = eventfd(0, EFD_CLOEXEC);
	p->stop4_fd = eventfd(0, EFD_CLOEXEC);
	if (p->done_fd < 0 || p->stop6_fd < 0 || p->stop4_fd < 0) {
		int err = -errno;
		par_close(p);
		return nb_fail(e, err, "eventfd: %s", strerror(-err));
	}
	pthread_mutex_init(&p->mu, NULL);
	return 0;
}

void par_close(struct par *p)
{
	int *fds[] = { &p->done_fd, &p->stop6_fd, &p->stop4_fd };
	for (size_t i = 0; i < 3; i++)
		if (*fds[i] > 0)
			close(*fds[i]), *fds[i] = -1;
}

void par_add6(struct par *p, const char *ifname, enum job6_kind kind, enum dhcp6_mode mode,
	      const struct net_ifconf *conf)
{
	if (p->njobs == CMDLINE_MAX_IFACES)
		return;
	struct job6 *j = &p->jobs[p->njobs++];
	snprintf(j->ifname, sizeof(j->ifname), "%s", ifname);
	j->kind = kind;
	/* rapid commit: a Reply to the Solicit, not a second's wait for other Advertises */
	j->cfg = (struct dhcp6_client_cfg){ .mode = mode, .apply = true, .rapid_commit = true,
					    .stop_fd = kind == JOB6_BACKGROUND ? p->stop6_fd : 0 };
	if (conf)
		j->conf = *conf;
	j->par = p;
}

static void finish(struct par *p, bool *flag)
{
	pthread_mutex_lock(&p->mu);
	*flag = true;
	pthread_mutex_unlock(&p->mu);
	signal_fd(p->done_fd);
}

static void *job6_main(void *arg)
{
	struct job6 *j = arg;
	if (j->kind == JOB6_STATIC) {
		struct rtnl nl = { .fd = -1 };
		if ((j->rc = rtnl_open(&nl, &j->err)) == 0)
			j->rc = net_apply6(&nl, &j->conf, NET6_STATIC_WAIT_MS, j->par->log, &j->err);
		rtnl_close(&nl);
	} else {
		j->rc = dhcp6_acquire(j->ifname, &j->cfg, &j->res, j->par->log, &j->err);
	}
	finish(j->par, &j->finished);
	return NULL;
}

static void *dhcp4_main(void *arg)
{
	struct par *p = arg;
	p->rc4 = dhcp_acquire(p->names4, p->n4, &p->cfg4, &p->res4, p->log, &p->err4);
	finish(p, &p->finished4);
	return NULL;
}

/* What the threads have reached, read under the lock. */
struct view {
	bool v4_done, v4_ok;
	bool asked_done;	/* every asked and static IPv6 job */
	bool bg_done;		/* every background job */
	bool v6_ok;		/* some IPv6 job has its address */
};

static struct view look(struct par *p)
{
	struct view v = { .asked_done = true, .bg_done = true };
	pthread_mutex_lock(&p->mu);
	v.v4_done = !p->run4 || p->finished4;
	v.v4_ok = p->run4 && p->finished4 && p->rc4 == 0;
	for (int i = 0; i < p->njobs; i++) {
		const struct job6 *j = &p->jobs[i];
		if (j->kind == JOB6_BACKGROUND)
			v.bg_done &= j->finished;
		else
			v.asked_done &= j->finished;
		v.v6_ok |= j->finished && j->rc == 0;
	}
	pthread_mutex_unlock(&p->mu);
	return v;
}

/* The policy of init/netup6.h, one decision per wake-up: how long to wait
 * (ms) before looking again, or -1 when the stage may go on. */
static long decide(struct par *p, long long t0, long long *v4_end, long long *v6_ok_at, bool *stopped6, bool *stopped4)
{
	struct view v = look(p);
	long long now = monotonic_ms();

	if (v.v6_ok && !*v6_ok_at)
		*v6_ok_at = now;
	if (!v.v4_done) {
		long long stop_at = *v6_ok_at ? (*v6_ok_at > t0 + NET4_MIN_MS ? *v6_ok_at : t0 + NET4_MIN_MS) : 0;
		if (stop_at && v.asked_done && now >= stop_at && !*stopped4) {
			net_log(p->log, "IPv6 is up: DHCPv4 stopped after %.1f s", (double)(now - t0) / 1000.0);
			signal_fd(p->stop4_fd);
			*stopped4 = true;
		}
		return stop_at && !*stopped4 ? (long)(stop_at > now ? stop_at - now : 0) : 1000;
	}
	if (!*v4_end)
		*v4_end = now;
	if (!v.asked_done)
		return 1000;
	if (v.bg_done)
		return -1;
	if (!v.v4_ok && !v.v6_ok)
		return 1000;	/* background IPv6 is the only hope left */
	if (now >= *v4_end + NET6_GRACE_MS) {
		if (!*stopped6) {
			net_log(p->log, "IPv6 (not asked for) has no address yet and DHCPv4 is done: going on with IPv4 alone");
			signal_fd(p->stop6_fd);
			*stopped6 = true;
		}
		return 1000;	/* until the threads see the stop */
	}
	return (long)(*v4_end + NET6_GRACE_MS - now);
}

void par_run(struct par *p, const char *const *names, int n, const struct dhcp_client_cfg *cfg4)
{
	long long t0 = monotonic_ms(), v4_end = 0, v6_ok_at = 0;
	bool stopped6 = false, stopped4 = false;
	long wait;

	for (int i = 0; i < p->njobs; i++)
		if (pthread_create(&p->jobs[i].th, NULL, job6_main, &p->jobs[i]) != 0) {
			p->jobs[i].rc = nb_fail(&p->jobs[i].err, -EAGAIN, "%s: cannot start the IPv6 thread", p->jobs[i].ifname);
			p->jobs[i].finished = true;
			p->jobs[i].th = 0;
		}
	if (n > 0) {
		p->run4 = true, p->names4 = names, p->n4 = n, p->cfg4 = *cfg4;
		p->cfg4.stop_fd = p->stop4_fd;
		if (pthread_create(&p->th4, NULL, dhcp4_main, p) != 0) {
			p->run4 = false;	/* as DHCP in this thread, the old way */
			p->rc4 = dhcp_acquire(names, n, &p->cfg4, &p->res4, p->log, &p->err4);
			p->run4 = p->finished4 = true;
			p->th4 = 0;
		}
	}
	while ((wait = decide(p, t0, &v4_end, &v6_ok_at, &stopped6, &stopped4)) >= 0) {
		struct pollfd pf = { .fd = p->done_fd, .events = POLLIN };
		uint64_t count;
		if (poll(&pf, 1, (int)wait) > 0 && read(p->done_fd, &count, sizeof(count)) < 0) {
			/* nonblocking: another wake-up consumed it */
		}
	}
	for (int i = 0; i < p->njobs; i++)
		if (p->jobs[i].th)
			pthread_join(p->jobs[i].th, NULL);
	if (p->run4 && p->th4)
		pthread_join(p->th4, NULL);
}
