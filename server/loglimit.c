/* See loglimit.h. */
#include <stdio.h>
#include <string.h>
#include "server/loglimit.h"

#define OVERFLOW (LOGLIM_SLOTS - 1)

static bool closed(const struct loglim_slot *k, long long now_ms)
{
	return now_ms - k->since_ms >= LOGLIM_WINDOW_MS;
}

/* The key's slot, else a free one (opened at now), else the overflow. */
static struct loglim_slot *slot_of(struct loglim *l, const char *service, const char *kind, uint32_t peer,
				   long long now_ms)
{
	struct loglim_slot *free_slot = NULL;
	for (int i = 0; i < OVERFLOW; i++) {
		struct loglim_slot *k = &l->slot[i];
		if (k->kind == kind && k->service == service && k->peer == peer)
			return k;
		if (!free_slot && !k->kind)
			free_slot = k;
	}
	if (free_slot) {
		*free_slot = (struct loglim_slot){ .service = service, .kind = kind, .peer = peer, .since_ms = now_ms };
		return free_slot;
	}
	struct loglim_slot *o = &l->slot[OVERFLOW];
	if (!o->used && !o->held)
		*o = (struct loglim_slot){ .service = "-", .since_ms = now_ms };
	return o;
}

bool loglim_take(struct loglim *l, const char *service, const char *kind, uint32_t peer, unsigned per_window,
		 int prio, long long now_ms, const char *line)
{
	struct loglim_slot *k = slot_of(l, service, kind, peer, now_ms);
	if (k == &l->slot[OVERFLOW])
		per_window = LOGLIM_OVERFLOW_PER_WINDOW;
	if (closed(k, now_ms) && !k->held)	/* a quiet key: a new window */
		k->since_ms = now_ms, k->used = 0;
	if (k->used < per_window) {
		k->used++;
		return true;
	}
	k->held++;
	k->prio = prio;
	snprintf(k->last, sizeof(k->last), "%s", line);
	return false;
}

long loglim_flush(struct loglim *l, long long now_ms, bool all, loglim_emit_fn emit, void *ctx)
{
	long wait = -1;
	for (int i = 0; i < LOGLIM_SLOTS; i++) {
		struct loglim_slot *k = &l->slot[i];
		if (!k->used && !k->held)
			continue;
		if (!all && !closed(k, now_ms)) {
			long left = (long)(k->since_ms + LOGLIM_WINDOW_MS - now_ms);
			if (k->held && (wait < 0 || left < wait))
				wait = left;
			continue;
		}
		if (k->held) {
			long long span = now_ms - k->since_ms;
			if (span > LOGLIM_WINDOW_MS)
				span = LOGLIM_WINDOW_MS;
			emit(ctx, k, (double)span / 1000.0);
		}
		memset(k, 0, sizeof(*k));	/* a closed window frees its slot */
	}
	return wait;
}
