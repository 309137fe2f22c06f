/* The server's one event loop: epoll over every socket, plus timers.
 * Single-threaded: a handler runs to completion and must not block. */
#ifndef SERVER_LOOP_H
#define SERVER_LOOP_H
#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>

/* Registered per fd; the loop passes the epoll events to fn.  A handler may
 * loop_del and free itself or another handler: loop_del also drops the
 * handler from the rest of this turn's ready list. */
struct loop_handler {
	void (*fn)(struct loop_handler *h, uint32_t events);
	void *ctx;
	int fd;
};

/* Called on each loop turn; returns ms until it wants to run again (-1 =
 * no wish).  A service keeps its own deadlines and checks them here. */
struct loop_timer {
	long (*fn)(struct loop_timer *t, long long now_ms);
	void *ctx;
};

#define LOOP_MAX_TIMERS 8

struct loop {
	int epfd;
	struct loop_timer *timers[LOOP_MAX_TIMERS];
	int ntimers;
	volatile int stop;	/* set from a signal handler */
	struct epoll_event *turn;	/* this turn's ready list while it runs, else NULL */
	int turn_len, turn_at;
};

int loop_init(struct loop *l);
void loop_close(struct loop *l);
/* events: EPOLLIN/EPOLLOUT...; h must stay valid until loop_del. */
int loop_add(struct loop *l, struct loop_handler *h, uint32_t events);
int loop_mod(struct loop *l, struct loop_handler *h, uint32_t events);
void loop_del(struct loop *l, struct loop_handler *h);
int loop_add_timer(struct loop *l, struct loop_timer *t);
void loop_del_timer(struct loop *l, struct loop_timer *t);
/* One turn: waits at most max_ms (less when a timer wants it), runs the
 * ready handlers, then the timers.  Returns 0 or a negative errno. */
int loop_run_once(struct loop *l, int max_ms);
#endif
