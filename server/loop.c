/* epoll loop and turn-based timers: see loop.h. */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>
#include "netboot/clock.h"
#include "server/loop.h"

int loop_init(struct loop *l)
{
	memset(l, 0, sizeof(*l));
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	return l->epfd < 0 ? -errno : 0;
}

void loop_close(struct loop *l)
{
	if (l->epfd >= 0)
		close(l->epfd);
	l->epfd = -1;
}

static int ctl(struct loop *l, int op, struct loop_handler *h, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = h };
	return epoll_ctl(l->epfd, op, h->fd, &ev) < 0 ? -errno : 0;
}

int loop_add(struct loop *l, struct loop_handler *h, uint32_t events)
{
	return ctl(l, EPOLL_CTL_ADD, h, events);
}

int loop_mod(struct loop *l, struct loop_handler *h, uint32_t events)
{
	return ctl(l, EPOLL_CTL_MOD, h, events);
}

void loop_del(struct loop *l, struct loop_handler *h)
{
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, h->fd, NULL);
	/* h may be freed next: it must not run later in this turn */
	for (int i = l->turn_at + 1; l->turn && i < l->turn_len; i++)
		if (l->turn[i].data.ptr == h)
			l->turn[i].data.ptr = NULL;
}

int loop_add_timer(struct loop *l, struct loop_timer *t)
{
	if (l->ntimers == LOOP_MAX_TIMERS)
		return -ENOSPC;
	l->timers[l->ntimers++] = t;
	return 0;
}

void loop_del_timer(struct loop *l, struct loop_timer *t)
{
	for (int i = 0; i < l->ntimers; i++)
		if (l->timers[i] == t) {
			l->timers[i] = l->timers[--l->ntimers];
			return;
		}
}

int loop_run_once(struct loop *l, int max_ms)
{
	long long now = monotonic_ms();
	int wait = max_ms;
	for (int i = 0; i < l->ntimers; i++) {
		long want = l->timers[i]->fn(l->timers[i], now);
		if (want >= 0 && want < wait)
			wait = (int)want;
	}
	struct epoll_event evs[64];
	int n = epoll_wait(l->epfd, evs, 64, wait);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	l->turn = evs, l->turn_len = n;
	for (l->turn_at = 0; l->turn_at < n; l->turn_at++) {
		struct loop_handler *h = evs[l->turn_at].data.ptr;
		if (h)	/* NULL: deleted by an earlier handler of this turn */
			h->fn(h, evs[l->turn_at].events);
	}
	l->turn = NULL, l->turn_len = 0;
	return 0;
}
