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

int tcp_listen(const struct serve_config *cfg, uint16_t port, const char *what, struct errbuf *e)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1, err;
	if (fd < 0)
		return nb_fail(e, -errno, "TCP port %u: socket: %s", port, strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (cfg->interface[0] &&
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, cfg->interface, (socklen_t)strlen(cfg->interface)) < 0) {
		err = errno;
		close(fd);
		return nb_fail(e, -err, "TCP port %u: cannot bind to interface %s: %s", port, cfg->interface, strerror(err));
	}
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(fd, 256) == 0)
		return fd;
	err = errno;
	close(fd);
	if (err == EADDRINUSE)
		return nb_fail(e, -err, "TCP port %u is in use (%s?): stop it or pick another port", port, what);
	if (err == EACCES)
		return nb_fail(e, -err, "TCP port %u: permission denied (ports below 1024 need root)", port);
	return nb_fail(e, -err, "TCP port %u: %s", port, strerror(err));
}

static void on_listen(struct loop_handler *h, uint32_t events)
{
	struct tcp_listener *l = h->ctx;
	(void)events;
	for (int i = 0; i < 64; i++) {	/* bounded: others get their turn */
		struct sockaddr_in peer;
		socklen_t plen = sizeof(peer);
		int fd = accept4(h->fd, (struct sockaddr *)&peer, &plen, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
				/* level-triggered: stop watching, or the loop would spin */
				srv_log(l->s, NULL, 0, l->service, "accept: %s: pausing 1 s", strerror(errno));
				l->paused_until = monotonic_ms() + 1000;
				loop_mod(&l->s->loop, h, 0);
			}
			return;
		}
		l->accepted(l->ctx, fd, peer.sin_family == AF_INET ? peer.sin_addr.s_addr : 0);
	}
}

int tcp_listener_start(struct tcp_listener *l, struct server *s, uint16_t port, const char *service,
		       const char *what, void (*accepted)(void *ctx, int fd, uint32_t ip), void *ctx,
		       struct errbuf *e)
{
	int fd = tcp_listen(&s->cfg, port, what, e);
	if (fd < 0)
		return fd;
	*l = (struct tcp_listener){ .h = { .fn = on_listen, .ctx = l, .fd = fd }, .s = s, .service = service,
				    .accepted = accepted, .ctx = ctx };
	int rc = loop_add(&s->loop, &l->h, EPOLLIN);
	if (rc < 0) {
		close(fd);
		l->h.fd = -1;
		return nb_fail(e, rc, "TCP port %u: event loop: %s", port, strerror(-rc));
	}
	return 0;
}

void tcp_listener_stop(struct tcp_listener *l)
{
	if (l->h.fd < 0)
		return;
	loop_del(&l->s->loop, &l->h);
	close(l->h.fd);
	l->h.fd = -1;
}

long tcp_listener_tick(struct tcp_listener *l, long long now_ms)
{
	if (!l->paused_until)
		return -1;
	if (now_ms < l->paused_until)
		return (long)(l->paused_until - now_ms);
	l->paused_until = 0;
	loop_mod(&l->s->loop, &l->h, EPOLLIN);
	return -1;
}

long srv_env_ms(const char *name, long dflt)
{
	const char *v = getenv(name);
	char *end;
	long ms = v ? strtol(v, &end, 10) : 0;
	return v && *v && !*end && ms > 0 ? ms : dflt;
}
