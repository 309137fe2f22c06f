/* The skeleton the TCP services (HTTP, NBD) share: the listening socket, a
 * bounded accept loop that pauses (instead of spinning) when the process is
 * out of descriptors, the connection cap, the list of connections, the
 * timer that sweeps them for timeouts, and start/stop.  A service supplies
 * what differs as callbacks (struct tcp_service_ops): what a new
 * connection starts with, one step on an event, the timeouts its sweep
 * applies, what to do at the cap, and how a connection is closed. */
#ifndef SERVER_TCP_LISTEN_H
#define SERVER_TCP_LISTEN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "netboot/errbuf.h"
#include "server/config.h"
#include "server/loop.h"
#include "server/peer.h"

struct server;
struct tcp_service;

/* One connection: the first member of the service's own connection
 * struct (struct http_conn, struct nbd_conn), which is allocated zeroed
 * with ops->conn_size bytes. */
struct tcp_conn {
	struct loop_handler h;		/* h.fd: the connected socket (non-blocking) */
	struct tcp_service *t;
	struct tcp_conn *prev, *next;
	uint32_t ip;			/* the peer, network order; 0 for an IPv6 one */
	char peer6[SRV_PEER_TEXT];	/* an IPv6 peer's address ("2001:db8::5"), else "" */
	union srv_peer local;		/* the address it reached us at (IPv4-mapped made IPv4) */
};

struct tcp_service_ops {
	const char *service;		/* "http", "nbd": the log lines' service */
	const char *what;		/* who else may hold the port: "another web server such as nginx" */
	size_t conn_size;		/* sizeof the service's connection, struct tcp_conn first */
	int max_conns;			/* connections at once */
	long sweep_ms;			/* how often open connections are checked for timeouts */
	/* A newcomer at max_conns: make room and return true (it is taken),
	 * or refuse it, closing fd, and return false. */
	bool (*full)(struct tcp_service *t, int fd, uint32_t ip);
	/* Sets up a new connection (zeroed but for its struct tcp_conn)
	 * before it is watched; returns the epoll events to watch. */
	uint32_t (*open)(struct tcp_conn *c);
	/* One step on the events epoll reported for c; may close it. */
	void (*step)(struct tcp_conn *c, uint32_t events);
	/* From the sweep: closes c when one of its timeouts passed. */
	void (*sweep)(struct tcp_conn *c, long long now_ms);
	/* Closes c (the service stopping): the service's own release, then
	 * tcp_conn_free. */
	void (*close)(struct tcp_conn *c, const char *why);
};

struct tcp_service {
	struct server *s;
	const struct tcp_service_ops *ops;
	void *ctx;			/* the service itself (struct http_service, ...) */
	struct loop_handler listen;	/* the listening socket; fd -1 when closed */
	long long paused_until;		/* monotonic ms; 0 = accepting */
	struct loop_timer timer;	/* the sweep, and the end of an accept pause */
	long long next_sweep_ms;
	struct tcp_conn *conns;
	int nconns;
};

/* Binds port on every address, IPv4 and IPv6 (or cfg->interface only, or
 * --listen's IPv4 address), registers the
 * listening socket and the sweep with s->loop.  0, or a negative errno
 * with e naming the port and the cause ("TCP port 80 is in use (another
 * web server such as nginx?)"). */
int tcp_service_start(struct tcp_service *t, struct server *s, uint16_t port, const struct tcp_service_ops *ops,
		      void *ctx, struct errbuf *e);
/* Closes every connection (ops->close, "server stopping"), the sweep and
 * the listening socket. */
void tcp_service_stop(struct tcp_service *t);
/* The end of every close: stops watching c, closes its socket, takes it
 * off the list and frees it. */
void tcp_conn_free(struct tcp_conn *c);

/* A non-blocking listening socket on every address (or cfg->interface
 * only) at port: the fd, or a negative errno with e naming the port and
 * the cause ("in use (another web server?)").  what names the likely
 * other owner in that message. */
int tcp_listen(const struct serve_config *cfg, uint16_t port, const char *what, struct errbuf *e);

/* A timeout in ms from the environment (tests shorten them), else dflt. */
long srv_env_ms(const char *name, long dflt);
#endif
