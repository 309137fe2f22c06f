/* The listening side the HTTP and NBD services share: the socket recipe,
 * a bounded accept loop that pauses (instead of spinning) when the process
 * is out of descriptors, and the environment overrides of their timeouts. */
#ifndef SERVER_TCP_LISTEN_H
#define SERVER_TCP_LISTEN_H
#include <stdint.h>
#include "netboot/errbuf.h"
#include "server/config.h"
#include "server/loop.h"

struct server;

/* A non-blocking listening socket on every address (or cfg->interface
 * only) at port: the fd, or a negative errno with e naming the port and
 * the cause ("in use (another web server?)").  what names the likely
 * other owner in that message. */
int tcp_listen(const struct serve_config *cfg, uint16_t port, const char *what, struct errbuf *e);

struct tcp_listener {
	struct loop_handler h;		/* the listening socket */
	struct server *s;
	const char *service;		/* "http", "nbd": the log lines' service */
	long long paused_until;		/* monotonic ms; 0 = accepting */
	/* each new connection (non-blocking); the callee owns fd */
	void (*accepted)(void *ctx, int fd, uint32_t ip);
	void *ctx;
};

/* Binds port (see tcp_listen) and registers the socket with s->loop. */
int tcp_listener_start(struct tcp_listener *l, struct server *s, uint16_t port, const char *service,
		       const char *what, void (*accepted)(void *ctx, int fd, uint32_t ip), void *ctx,
		       struct errbuf *e);
void tcp_listener_stop(struct tcp_listener *l);
/* From the service's timer: resumes accepting when a pause is over.
 * Returns ms until the pause ends, or -1 when not paused. */
long tcp_listener_tick(struct tcp_listener *l, long long now_ms);

/* A timeout in ms from the environment (tests shorten them), else dflt. */
long srv_env_ms(const char *name, long dflt);
#endif
