/* The server's event loop: a handler that deletes and frees another handler
 * ready in the same turn (HTTP evicting an idle connection for a newcomer)
 * must not have that one run afterwards.  Under ASan a run of the freed
 * handler is a heap-use-after-free. */
#include <stdlib.h>
#include <unistd.h>
#include "server/loop.h"
#include "tests/unit/check.h"

struct pair {
	struct loop *loop;
	struct loop_handler *h[2];
	int ran;
};

static void frees_the_other(struct loop_handler *h, uint32_t events)
{
	struct pair *p = h->ctx;
	(void)events;
	p->ran++;
	struct loop_handler *other = p->h[0] == h ? p->h[1] : p->h[0];
	if (other) {
		loop_del(p->loop, other);
		p->h[p->h[0] == other ? 0 : 1] = NULL;
		free(other);
	}
}

int main(void)
{
	struct loop l;
	struct pair p = { .loop = &l };
	int a[2], b[2];
	CHECK("loop_init", loop_init(&l) == 0);
	if (pipe(a) < 0 || pipe(b) < 0)
		return 1;
	for (int i = 0; i < 2; i++) {
		p.h[i] = calloc(1, sizeof(*p.h[i]));
		p.h[i]->fn = frees_the_other;
		p.h[i]->ctx = &p;
		p.h[i]->fd = i ? b[0] : a[0];
		loop_add(&l, p.h[i], EPOLLIN);
	}
	/* both readable before the turn: both in its ready list */
	if (write(a[1], "x", 1) != 1 || write(b[1], "x", 1) != 1)
		return 1;
	CHECK("one turn runs", loop_run_once(&l, 1000) == 0);
	CHECK("the handler freed by the first of the turn does not run", p.ran == 1);
	CHECK("the ready list is not kept past the turn", l.turn == NULL);
	for (int i = 0; i < 2; i++)
		free(p.h[i]);
	loop_close(&l);
	return CHECK_DONE();
}
