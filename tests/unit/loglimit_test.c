/* server/loglimit.c: the one log limiter, driven by a time argument. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "server/loglimit.h"
#include "tests/unit/check.h"

struct sums {
	int n;
	unsigned held[8];
	uint32_t peer[8];
	double secs[8];
	char last[8][200];
	const char *kind[8];
};

static void emit(void *ctx, const struct loglim_slot *k, double secs)
{
	struct sums *s = ctx;
	if (s->n == 8)
		return;
	s->held[s->n] = k->held, s->peer[s->n] = k->peer, s->secs[s->n] = secs, s->kind[s->n] = k->kind;
	snprintf(s->last[s->n], sizeof(s->last[0]), "%s", k->last);
	s->n++;
}

static const char OFFER[] = "offer %s", ACK[] = "ack %s", REFUSED[] = "refused %s";

/* Lines at t (ms): how many were written. */
static int burst(struct loglim *l, const char *kind, uint32_t peer, unsigned per, int lines, long long t, struct sums *s)
{
	int written = 0;
	for (int i = 0; i < lines; i++) {
		char line[32];
		snprintf(line, sizeof(line), "line %d", i);
		loglim_flush(l, t, false, emit, s);
		written += loglim_take(l, "dhcp", kind, peer, per, 6, t, line);
	}
	return written;
}

int main(void)
{
	struct loglim *l = calloc(1, sizeof(*l));
	struct sums s = { 0 };
	if (!l)
		return 1;
	/* a flood of one kind: 20 written, the rest counted */
	CHECK("20 of 2000 written", burst(l, OFFER, 0, 20, 2000, 10000, &s) == 20);
	CHECK("another kind is not held back", burst(l, ACK, 0, 20, 1, 10500, &s) == 1);
	CHECK("no summary inside the window", loglim_flush(l, 10999, false, emit, &s) == 1 && s.n == 0);
	CHECK("the window closes at 11000: summary", loglim_flush(l, 11000, false, emit, &s) == -1 && s.n == 1);
	CHECK("its count is the held lines", s.held[0] == 1980 && s.kind[0] == OFFER);
	CHECK("its last line is the last held", !strcmp(s.last[0], "line 1999"));
	CHECK("its span is the window", s.secs[0] > 0.99 && s.secs[0] < 1.01);
	/* the next window writes again */
	CHECK("a new window: 20 again", burst(l, OFFER, 0, 20, 25, 11001, &s) == 20);
	/* the server exits mid-window: the last count is not lost */
	loglim_flush(l, 11200, true, emit, &s);
	CHECK("exit: the open window's count", s.n == 2 && s.held[1] == 5 && s.secs[1] > 0.19 && s.secs[1] < 0.21);
	CHECK("nothing pending after the exit", loglim_flush(l, 20000, false, emit, &s) == -1 && s.n == 2);
	/* keyed by client: each address its own budget and its own summary */
	CHECK("peer 1: one line", burst(l, REFUSED, 1, 1, 8, 30000, &s) == 1);
	CHECK("peer 2: one line", burst(l, REFUSED, 2, 1, 3, 30100, &s) == 1);
	loglim_flush(l, 31000, false, emit, &s);
	CHECK("peer 1's summary at its window's end", s.n == 3 && s.peer[2] == 1 && s.held[2] == 7);
	loglim_flush(l, 31100, false, emit, &s);
	CHECK("peer 2's summary at its own", s.n == 4 && s.peer[3] == 2 && s.held[3] == 2);
	/* a quiet flood (no lines after the window) still gets its summary from the timer */
	burst(l, OFFER, 0, 1, 2, 40000, &s);
	long wait = loglim_flush(l, 40300, false, emit, &s);
	CHECK("the timer is asked back when the window closes", wait == 700);
	loglim_flush(l, 40300 + wait, false, emit, &s);
	CHECK("then the summary", s.n == 5 && s.held[4] == 1);
	/* more keys than slots: the overflow slot counts them, nothing lost */
	unsigned written = 0;
	for (uint32_t p = 1; p <= 1000; p++)
		written += loglim_take(l, "tftp", REFUSED, p, 1, 6, 50000, "x");
	struct sums o = { 0 };
	loglim_flush(l, 51000, false, emit, &o);
	unsigned held = 0;
	for (int i = 0; i < o.n; i++)
		held += o.held[i];
	CHECK("overflow: written + held = every line", o.n == 1 && o.kind[0] == NULL && written + held == 1000);
	CHECK("overflow: bounded", written == LOGLIM_SLOTS - 1 + LOGLIM_OVERFLOW_PER_WINDOW);
	free(l);
	return CHECK_DONE();
}
