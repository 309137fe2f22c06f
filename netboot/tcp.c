#include "netboot/tcp.h"
#include "netboot/clock.h"
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>

static int wait_fd(int fd, short events, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n;
	do
		n = poll(&p, 1, timeout_ms);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == 0 ? -ETIMEDOUT : 0;
}

/* getaddrinfo with the project's errnos: -EAGAIN when no DNS server
 * answered yet (worth retrying at boot), -EHOSTUNREACH for a name that does
 * not resolve (not -ENOENT: that means "file not found" to the callers). */
static int resolve(const char *host, uint16_t port, int family, struct addrinfo **res, struct errbuf *e)
{
	struct addrinfo hints = { .ai_family = family, .ai_socktype = SOCK_STREAM };
	char service[8];
	int rc;

	snprintf(service, sizeof(service), "%u", port);
	rc = getaddrinfo(host, service, &hints, res);
	if (rc == 0)
		return 0;
	return nb_fail(e, rc == EAI_AGAIN ? -EAGAIN : -EHOSTUNREACH, "cannot resolve host '%s': %s", host, gai_strerror(rc));
}

int tcp_resolve(const char *host, struct in_addr *addr, struct errbuf *e)
{
	struct addrinfo *res = NULL;
	int rc = resolve(host, 0, AF_INET, &res, e);
	if (rc == 0) {
		*addr = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
		freeaddrinfo(res);
	}
	return rc;
}

/* A name's addresses of both families, looked up apart and at once (RFC
 * 8305 3), each family in a thread of its own: one family's failure (a DNS
 * server that answers A but fails AAAA: musl fails a joint lookup then)
 * does not lose the other, and one that hangs (musl waits its 5 s timeout
 * out on a REFUSED) does not hold the other back.  The caller and the
 * threads share the struct; the last to let go frees it. */
enum { LOOKUP_V6, LOOKUP_V4 };
struct lookup;
struct family_lookup {
	struct lookup *l;
	int family;
	bool done;		/* under l->mu */
	int rc;			/* 0 or a getaddrinfo error */
	long long done_at;	/* monotonic ms */
	struct addrinfo *res;
};
struct lookup {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int refs;
	char host[256];
	char service[8];
	struct family_lookup f[2];
};

static void lookup_release(struct lookup *l)
{
	pthread_mutex_lock(&l->mu);
	bool last = --l->refs == 0;
	pthread_mutex_unlock(&l->mu);
	if (!last)
		return;
	for (int i = 0; i < 2; i++)
		if (l->f[i].res)
			freeaddrinfo(l->f[i].res);
	pthread_cond_destroy(&l->cv);
	pthread_mutex_destroy(&l->mu);
	free(l);
}

static void lookup_one(struct family_lookup *f)
{
	struct lookup *l = f->l;
	struct addrinfo hints = { .ai_family = f->family, .ai_socktype = SOCK_STREAM }, *res = NULL;
	int rc = getaddrinfo(l->host, l->service, &hints, &res);
	pthread_mutex_lock(&l->mu);
	f->rc = rc, f->res = rc == 0 ? res : NULL, f->done = true, f->done_at = monotonic_ms();
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&l->mu);
}

static void *lookup_thread(void *arg)
{
	struct family_lookup *f = arg;
	lookup_one(f);
	lookup_release(f->l);
	return NULL;
}

/* Both lookups begun, in threads (in this one, one after the other, when
 * none can start); NULL when out of memory. */
static struct lookup *lookup_start(const char *host, uint16_t port)
{
	struct lookup *l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	snprintf(l->host, sizeof(l->host), "%s", host);
	snprintf(l->service, sizeof(l->service), "%u", port);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);	/* a clock step must not stretch the wait */
	pthread_mutex_init(&l->mu, NULL);
	pthread_cond_init(&l->cv, &ca);
	pthread_condattr_destroy(&ca);
	l->refs = 3;
	/* the threads take no signal: the supervisor's SIGUSR1 must reach the
	 * thread whose sleep it cuts short */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (int i = 0; i < 2; i++) {
		pthread_attr_t at;
		pthread_t t;
		l->f[i] = (struct family_lookup){ .l = l, .family = i == LOOKUP_V6 ? AF_INET6 : AF_INET };
		pthread_attr_init(&at);
		pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
		pthread_attr_setstacksize(&at, 256 * 1024);
		if (pthread_create(&t, &at, lookup_thread, &l->f[i]) != 0)
			lookup_thread(&l->f[i]);
		pthread_attr_destroy(&at);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return l;
}

/* Waits until the addresses worth racing are in: both answers, or one
 * family's addresses and TCP_RESOLUTION_DELAY_MS more for the other (RFC
 * 8305 3 waits for the AAAA only and adds later answers to a race under way;
 * this waits for either, so an IPv6 path that is black-holed still falls
 * back to IPv4 after TCP_ATTEMPT_DELAY_MS when both answer together).
 * Under l->mu. */
static void lookup_wait_first(struct lookup *l)
{
	const struct family_lookup *v6 = &l->f[LOOKUP_V6], *v4 = &l->f[LOOKUP_V4];
	for (;;) {
		if (v6->done && v4->done)
			return;
		const struct family_lookup *in = v6->done && v6->res ? v6 : v4->done && v4->res ? v4 : NULL;
		if (!in) {
			pthread_cond_wait(&l->cv, &l->mu);
			continue;
		}
		long long left = in->done_at + TCP_RESOLUTION_DELAY_MS - monotonic_ms();
		if (left <= 0)
			return;
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += (time_t)(left / 1000);
		ts.tv_nsec += (long)(left % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L)
			ts.tv_sec++, ts.tv_nsec -= 1000000000L;
		pthread_cond_timedwait(&l->cv, &l->mu, &ts);
	}
}

/* The error of a name that resolved in neither family: -EAGAIN if either
 * lookup was worth retrying (no DNS server answered yet), else
 * -EHOSTUNREACH (not -ENOENT: that means "file not found" to the callers). */
static int lookup_error(const struct lookup *l, struct errbuf *e)
{
	const struct family_lookup *v6 = &l->f[LOOKUP_V6], *v4 = &l->f[LOOKUP_V4];
	const struct family_lookup *said = v6->rc == EAI_AGAIN && v4->rc != EAI_AGAIN ? v6 : v4;
	bool again = v6->rc == EAI_AGAIN || v4->rc == EAI_AGAIN;
	return nb_fail(e, again ? -EAGAIN : -EHOSTUNREACH, "cannot resolve host '%s': %s", l->host, gai_strerror(said->rc));
}

/* RFC 8305's order: the families interleaved, IPv6 first, each in the
 * resolver's (RFC 6724) order; at most max addresses. */
static int order(struct addrinfo *v6, struct addrinfo *v4, struct addrinfo **out, int max)
{
	int n = 0;

	for (;;) {
		while (v6 && v6->ai_family != AF_INET6)
			v6 = v6->ai_next;
		while (v4 && v4->ai_family != AF_INET)
			v4 = v4->ai_next;
		if (!v6 && !v4)
			return n;
		if (v6 && n < max)
			out[n++] = v6, v6 = v6->ai_next;
		if (v4 && n < max)
			out[n++] = v4, v4 = v4->ai_next;
		if (n == max)
			return n;
	}
}

/* The addresses in so far (under l->mu): each family's once its lookup is done. */
static void lookup_snap(struct lookup *l, struct addrinfo **v6, struct addrinfo **v4)
{
	*v6 = l->f[LOOKUP_V6].done ? l->f[LOOKUP_V6].res : NULL;
	*v4 = l->f[LOOKUP_V4].done ? l->f[LOOKUP_V4].res : NULL;
}

/* The addresses worth racing first (lookup_wait_first), each family's list. */
static void lookup_first(struct lookup *l, struct addrinfo **v6, struct addrinfo **v4)
{
	pthread_mutex_lock(&l->mu);
	lookup_wait_first(l);
	lookup_snap(l, v6, v4);
	pthread_mutex_unlock(&l->mu);
}

int tcp_resolve_text(const char *host, char *out, size_t out_len, struct errbuf *e)
{
	struct lookup *l = lookup_start(host, 0);
	struct addrinfo *v6, *v4, *ai[1];
	int rc = 0;

	if (!l)
		return nb_fail(e, -ENOMEM, "cannot resolve host '%s': out of memory", host);
	lookup_first(l, &v6, &v4);
	if (order(v6, v4, ai, 1) != 1)
		rc = lookup_error(l, e);
	else if (getnameinfo(ai[0]->ai_addr, ai[0]->ai_addrlen, out, (socklen_t)out_len, NULL, 0, NI_NUMERICHOST) != 0)
		rc = nb_fail(e, -EHOSTUNREACH, "cannot resolve host '%s': no usable address", host);
	lookup_release(l);
	return rc;
}

/* A non-blocking connect begun, or -errno. */
static int start_attempt(const struct addrinfo *ai)
{
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS) {
		int err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* The attempts in flight: one pollfd each, its address (and its index in
 * the list) and deadline. */
struct race {
	struct pollfd pf[TCP_MAX_ADDRS];
	const struct addrinfo *ai[TCP_MAX_ADDRS];
	int idx[TCP_MAX_ADDRS];
	long long deadline[TCP_MAX_ADDRS];
	int n;
};

/* Closes attempt i, its error (0: none) kept in err[] and *last. */
static void race_drop(struct race *r, int i, int code, int *err, int *last)
{
	if (code) {
		err[r->idx[i]] = code;
		*last = code;
	}
	close(r->pf[i].fd);
	r->n--;
	r->pf[i] = r->pf[r->n];
	r->ai[i] = r->ai[r->n];
	r->idx[i] = r->idx[r->n];
	r->deadline[i] = r->deadline[r->n];
}

/* Polls until an attempt ends or wait_ms pass: the index of one that
 * connected, or -1 (the failed and late ones dropped). */
static int race_poll(struct race *r, long long wait_ms, int *err, int *last)
{
	long long now = monotonic_ms();
	int i;

	for (i = 0; i < r->n; i++)
		if (r->deadline[i] - now < wait_ms)
			wait_ms = r->deadline[i] - now;
	if (poll(r->pf, (nfds_t)r->n, wait_ms < 0 ? 0 : (int)wait_ms) < 0 && errno != EINTR)
		*last = -errno;
	now = monotonic_ms();
	for (i = r->n - 1; i >= 0; i--) {
		int so = 0;
		socklen_t elen = sizeof(so);
		if (r->pf[i].revents) {
			if (getsockopt(r->pf[i].fd, SOL_SOCKET, SO_ERROR, &so, &elen) == 0 && !so)
				return i;
			race_drop(r, i, -(so ? so : errno), err, last);
		} else if (now >= r->deadline[i]) {
			race_drop(r, i, -ETIMEDOUT, err, last);
		}
	}
	return -1;
}

/* ai[0..n) raced: a new attempt every TCP_ATTEMPT_DELAY_MS, or at once
 * when none is in flight; each has timeout_ms; the first to connect wins.
 * Its socket (blocking, TCP_NODELAY, its address in peer when not NULL),
 * or -1 with each address's error in err[] and the last in *last. */
static int race_all(struct addrinfo **ai, int n, int timeout_ms, int *err, int *last, char *peer, size_t peer_len)
{
	struct race r = { .n = 0 };
	long long next_at = 0;
	int next = 0, won = -1;

	while (won < 0 && (next < n || r.n)) {
		long long now = monotonic_ms();
		if (next < n && (r.n == 0 || now >= next_at)) {
			int fd = start_attempt(ai[next]);
			if (fd < 0) {
				err[next] = *last = fd;
			} else {
				r.pf[r.n] = (struct pollfd){ .fd = fd, .events = POLLOUT };
				r.ai[r.n] = ai[next];
				r.idx[r.n] = next;
				r.deadline[r.n++] = now + timeout_ms;
				next_at = now + TCP_ATTEMPT_DELAY_MS;
			}
			next++;
			continue;
		}
		int before = r.n;
		won = race_poll(&r, next < n ? next_at - now : timeout_ms, err, last);
		if (won < 0 && r.n < before)
			next_at = 0;	/* one failed: the next address now, not after the delay */
	}
	if (won < 0)
		return -1;
	int one = 1, fd = r.pf[won].fd;
	if (peer && getnameinfo(r.ai[won]->ai_addr, r.ai[won]->ai_addrlen, peer, (socklen_t)peer_len, NULL, 0,
				NI_NUMERICHOST) != 0)
		peer[0] = '\0';	/* the callers treat "" as "not known" */
	r.pf[won] = r.pf[--r.n];	/* the winner is not closed with the rest */
	r.idx[won] = r.idx[r.n];
	while (r.n)
		race_drop(&r, 0, 0, err, last);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* tcp_set_late6's hook; taken (set to NULL) by the one call it gets. */
static struct {
	tcp_late6_fn fn;
	void *ctx;
	FILE *log;
} late6;

void tcp_set_late6(tcp_late6_fn fn, void *ctx, FILE *log)
{
	late6.ctx = ctx;
	late6.log = log;
	__atomic_store_n(&late6.fn, fn, __ATOMIC_RELEASE);
}

/* "2001:db8::1: Network unreachable, 192.0.2.1: Connection refused" */
static void describe(struct addrinfo **ai, const int *err, int n, char *out, size_t len)
{
	size_t at = 0;
	out[0] = '\0';
	for (int i = 0; i < n && at < len; i++) {
		char a[INET6_ADDRSTRLEN] = "?";
		getnameinfo(ai[i]->ai_addr, ai[i]->ai_addrlen, a, sizeof(a), NULL, 0, NI_NUMERICHOST);
		int k = snprintf(out + at, len - at, "%s%s: %s", i ? ", " : "", a,
				 err[i] ? strerror(-err[i]) : "not tried");
		at += k > 0 ? (size_t)k : 0;
	}
}

/* Every address failed: when one of them is IPv6 and the hook is set, it
 * may bring IPv6 up (once), and the addresses are raced again. */
static int try_late6(const char *host, uint16_t port, struct addrinfo **ai, int n, int timeout_ms, int *err,
		     int *last, char *peer, size_t peer_len)
{
	char why[512], got[INET6_ADDRSTRLEN];
	bool any6 = false;
	for (int i = 0; i < n; i++)
		any6 |= ai[i]->ai_family == AF_INET6;
	tcp_late6_fn fn = any6 ? __atomic_exchange_n(&late6.fn, NULL, __ATOMIC_ACQ_REL) : NULL;
	if (!fn)
		return -1;
	describe(ai, err, n, why, sizeof(why));
	if (!fn(late6.ctx, host, port, why))
		return -1;
	int fd = race_all(ai, n, timeout_ms, err, last, got, sizeof(got));
	if (late6.log && fd >= 0)
		fprintf(late6.log, "netboot: net: %s port %u: connected to %s now that IPv6 is up\n", host, port, got);
	else if (late6.log)
		fprintf(late6.log, "netboot: net: %s port %u: still no connection with IPv6 up: %s\n", host, port,
			strerror(-*last));
	if (fd >= 0 && peer)
		snprintf(peer, peer_len, "%s", got);
	return fd;
}

int tcp_connect_peer(const char *host, uint16_t port, int timeout_ms, char *peer, size_t peer_len, struct errbuf *e)
{
	struct lookup *l = lookup_start(host, port);
	struct addrinfo *v6, *v4, *late[2], *ai[TCP_MAX_ADDRS];
	int n, fd = -1, err[TCP_MAX_ADDRS] = { 0 }, last = -ECONNREFUSED;

	if (!l)
		return nb_fail(e, -ENOMEM, "cannot resolve host '%s': out of memory", host);
	lookup_first(l, &v6, &v4);
	if ((n = order(v6, v4, ai, TCP_MAX_ADDRS)) > 0)
		fd = race_all(ai, n, timeout_ms, err, &last, peer, peer_len);
	if (fd < 0 && (!v6 || !v4)) {	/* a family not in yet: its addresses, once they are */
		pthread_mutex_lock(&l->mu);
		while (!l->f[LOOKUP_V6].done || !l->f[LOOKUP_V4].done)
			pthread_cond_wait(&l->cv, &l->mu);
		lookup_snap(l, &late[0], &late[1]);
		pthread_mutex_unlock(&l->mu);
		int k = order(v6 ? NULL : late[0], v4 ? NULL : late[1], ai + n, TCP_MAX_ADDRS - n);
		if (k > 0)
			fd = race_all(ai + n, k, timeout_ms, err + n, &last, peer, peer_len);
		n += k;
	}
	if (n == 0) {
		int rc = lookup_error(l, e);
		lookup_release(l);
		return rc;
	}
	if (fd < 0)
		fd = try_late6(host, port, ai, n, timeout_ms, err, &last, peer, peer_len);
	lookup_release(l);
	if (fd >= 0)
		return fd;
	return nb_fail(e, last, "cannot connect to %s port %u: %s", host, port, strerror(-last));
}

int tcp_peer_text(int fd, char *out, size_t out_len)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0)
		return -errno;
	return getnameinfo((struct sockaddr *)&ss, len, out, (socklen_t)out_len, NULL, 0, NI_NUMERICHOST) ? -EINVAL : 0;
}

int tcp_connect(const char *host, uint16_t port, int timeout_ms, struct errbuf *e)
{
	return tcp_connect_peer(host, port, timeout_ms, NULL, 0, e);
}

ssize_t tcp_read(int fd, void *buf, size_t len, int timeout_ms)
{
	/* during a bulk download data is nearly always queued: try first and
	 * poll only when there is none (halves the syscalls per MiB) */
	ssize_t n = recv(fd, buf, len, MSG_DONTWAIT);
	if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
		return n >= 0 ? n : -errno;
	for (;;) {
		int rc = wait_fd(fd, POLLIN, timeout_ms);
		if (rc < 0)
			return rc;
		n = read(fd, buf, len);
		if (n >= 0)
			return n;
		if (errno != EINTR && errno != EAGAIN)
			return -errno;
	}
}

int tcp_write_all(int fd, const void *buf, size_t len, int timeout_ms)
{
	const char *p = buf;
	while (len) {
		int rc = wait_fd(fd, POLLOUT, timeout_ms);
		if (rc < 0)
			return rc;
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int tcp_keepalive(int fd, struct errbuf *e)
{
	int one = 1, idle = TCP_KA_IDLE_S, intvl = TCP_KA_INTVL_S, cnt = TCP_KA_COUNT;
	unsigned user = TCP_USER_TIMEOUT_MS;

	if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle)) < 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl)) < 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt)) < 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user, sizeof(user)) < 0)
		return nb_fail(e, -errno, "TCP keepalive / user timeout: %s", strerror(errno));
	return 0;
}
