/* See tcp_listen.h. */
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "netboot/clock.h"
#include "server/server.h"
#include "server/tcp_listen.h"

/* The socket and its address: with --listen that IPv4 address alone, else
 * one dual-stack [::] socket (IPv4 clients arrive IPv4-mapped), or IPv4
 * alone on a kernel without IPv6. */
static int listen_socket(const struct serve_config *cfg, uint16_t port, union srv_peer *a)
{
	int fd = -1, off = 0;
	if (!cfg->listen_ip) {
		fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd >= 0 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) < 0) {
			close(fd);
			fd = -1;
		}
		if (fd >= 0) {
			a->in6 = (struct sockaddr_in6){ .sin6_family = AF_INET6, .sin6_port = htons(port),
							.sin6_addr = IN6ADDR_ANY_INIT };
			return fd;
		}
	}
	a->in = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = cfg->listen_ip };
	return socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

int tcp_listen(const struct serve_config *cfg, uint16_t port, const char *what, struct errbuf *e)
{
	union srv_peer a;
	int fd = listen_socket(cfg, port, &a), one = 1, err;
	if (fd < 0)
		return nb_fail(e, -errno, "TCP port %u: socket: %s", port, strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (cfg->interface[0] &&
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, cfg->interface, (socklen_t)strlen(cfg->interface)) < 0) {
		err = errno;
		close(fd);
		return nb_fail(e, -err, "TCP port %u: cannot bind to interface %s: %s", port, cfg->interface, strerror(err));
	}
	if (bind(fd, &a.sa, srv_peer_len(&a)) == 0 && listen(fd, 256) == 0)
		return fd;
	err = errno;
	close(fd);
	if (err == EADDRINUSE)
		return nb_fail(e, -err, "TCP port %u is in use (%s?): stop it or pick another port", port, what);
	if (err == EACCES)
		return nb_fail(e, -err, "TCP port %u: permission denied (ports below 1024 need root)", port);
	return nb_fail(e, -err, "TCP port %u: %s", port, strerror(err));
}

/* ---- accepting ---- */

/* A connection accepted: a new tcp_conn of the service's size, watched
 * with what ops->open asks for. */
static void conn_new(struct tcp_service *t, int fd, const union srv_peer *peer);

static void on_listen(struct loop_handler *h, uint32_t events)
{
	struct tcp_service *t = h->ctx;
	(void)events;
	for (int i = 0; i < 64; i++) {	/* bounded: others get their turn */
		union srv_peer peer;
		socklen_t plen = sizeof(peer);
		int fd = accept4(h->fd, &peer.sa, &plen, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
				/* level-triggered: stop watching, or the loop would spin */
				srv_log(t->s, NULL, 0, t->ops->service, "accept: %s: pausing 1 s", strerror(errno));
				t->paused_until = monotonic_ms() + 1000;
				loop_mod(&t->s->loop, h, 0);
			}
			return;
		}
		srv_peer_unmap(&peer);
		if (t->nconns >= t->ops->max_conns && !t->ops->full(t, fd, srv_peer_ip(&peer)))
			continue;	/* refused, fd closed */
		conn_new(t, fd, &peer);
	}
}

/* Resumes accepting when a pause is over: ms until it ends, or -1 when
 * not paused. */
static long listen_tick(struct tcp_service *t, long long now_ms)
{
	if (!t->paused_until)
		return -1;
	if (now_ms < t->paused_until)
		return (long)(t->paused_until - now_ms);
	t->paused_until = 0;
	loop_mod(&t->s->loop, &t->listen, EPOLLIN);
	return -1;
}

/* ---- connections ---- */

static void conn_event(struct loop_handler *h, uint32_t events)
{
	struct tcp_conn *c = h->ctx;
	c->t->ops->step(c, events);
}

static void conn_new(struct tcp_service *t, int fd, const union srv_peer *peer)
{
	struct tcp_conn *c = calloc(1, t->ops->conn_size);
	if (!c) {
		close(fd);
		return;
	}
	c->t = t;
	c->ip = srv_peer_ip(peer);
	if (peer->sa.sa_family == AF_INET6)
		srv_peer_text(peer, c->peer6);
	socklen_t llen = sizeof(c->local);
	if (getsockname(fd, &c->local.sa, &llen) < 0)
		c->local.sa.sa_family = AF_UNSPEC;	/* unknown: the menus name the IPv4 address */
	srv_peer_unmap(&c->local);
	c->h = (struct loop_handler){ .fn = conn_event, .ctx = c, .fd = fd };
	if (loop_add(&t->s->loop, &c->h, t->ops->open(c)) < 0) {
		close(fd);
		free(c);
		return;
	}
	c->next = t->conns;
	if (t->conns)
		t->conns->prev = c;
	t->conns = c;
	t->nconns++;
}

void tcp_conn_free(struct tcp_conn *c)
{
	struct tcp_service *t = c->t;
	loop_del(&t->s->loop, &c->h);
	close(c->h.fd);
	if (c->prev)
		c->prev->next = c->next;
	else
		t->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	t->nconns--;
	free(c);
}

/* The timer: the end of an accept pause, and every sweep_ms while
 * connections are open, each one checked by ops->sweep. */
static long on_timer(struct loop_timer *tm, long long now)
{
	struct tcp_service *t = tm->ctx;
	long resume = listen_tick(t, now);
	if (!t->nconns)
		return resume;
	if (now < t->next_sweep_ms)
		return (long)(t->next_sweep_ms - now);
	t->next_sweep_ms = now + t->ops->sweep_ms;
	for (struct tcp_conn *c = t->conns, *next; c; c = next) {
		next = c->next;	/* the sweep may free c */
		t->ops->sweep(c, now);
	}
	return t->nconns ? t->ops->sweep_ms : resume;
}

/* ---- the service ---- */

int tcp_service_start(struct tcp_service *t, struct server *s, uint16_t port, const struct tcp_service_ops *ops,
		      void *ctx, struct errbuf *e)
{
	int fd = tcp_listen(&s->cfg, port, ops->what, e);
	if (fd < 0)
		return fd;
	*t = (struct tcp_service){ .s = s, .ops = ops, .ctx = ctx,
				   .listen = { .fn = on_listen, .ctx = t, .fd = fd },
				   .timer = { .fn = on_timer, .ctx = t } };
	int rc = loop_add(&s->loop, &t->listen, EPOLLIN);
	if (rc < 0) {
		close(fd);
		t->listen.fd = -1;
		return nb_fail(e, rc, "TCP port %u: event loop: %s", port, strerror(-rc));
	}
	if ((rc = loop_add_timer(&s->loop, &t->timer)) < 0) {
		loop_del(&s->loop, &t->listen);
		close(fd);
		t->listen.fd = -1;
		return nb_fail(e, rc, "%s timer: %s", ops->service, strerror(-rc));
	}
	return 0;
}

void tcp_service_stop(struct tcp_service *t)
{
	while (t->conns)
		t->ops->close(t->conns, "server stopping");
	loop_del_timer(&t->s->loop, &t->timer);
	if (t->listen.fd < 0)
		return;
	loop_del(&t->s->loop, &t->listen);
	close(t->listen.fd);
	t->listen.fd = -1;
}

long srv_env_ms(const char *name, long dflt)
{
	const char *v = getenv(name);
	char *end;
	long ms = v ? strtol(v, &end, 10) : 0;
	return v && *v && !*end && ms > 0 ? ms : dflt;
}
