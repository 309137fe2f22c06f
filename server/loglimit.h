/* The server's one log limiter: pure bookkeeping over a time argument, so
 * that a flood of any kind (DHCP DISCOVERs, junk datagrams, refused RRQs,
 * half-open HTTP heads) costs a few lines a second, and the count of what
 * was held back always reaches the log.
 *
 * A line's key is (service, kind, peer): kind is the call site's format
 * string (compared as a pointer), peer the client's address when the
 * caller keys by client (0 = the kind across all peers).  Each key may
 * write `per_window` lines in a window of LOGLIM_WINDOW_MS that starts at
 * its first line; the rest are counted, the last of them kept.  When the
 * window closes (loglim_flush from the timer, or from the next line
 * logged), or when the server exits (loglim_flush with all), each key
 * that held lines back gets one summary.  A key that finds no free slot
 * is counted in the overflow slot (kind NULL), itself limited and summed
 * up the same way: nothing is lost, not even under a spoofed flood. */
#ifndef SERVER_LOGLIMIT_H
#define SERVER_LOGLIMIT_H
#include <stdbool.h>
#include <stdint.h>

#define LOGLIM_WINDOW_MS 1000
#define LOGLIM_SLOTS 128		/* the last is the overflow slot */
#define LOGLIM_OVERFLOW_PER_WINDOW 20

struct loglim_slot {
	const char *service, *kind;	/* kind NULL: unused (or, for the last slot, the overflow) */
	uint32_t peer;			/* network order; 0 = not keyed by client */
	long long since_ms;		/* the window's start */
	unsigned used, held;		/* lines written, held back in this window */
	int prio;			/* the held lines' syslog priority */
	char last[200];			/* the last line held back, for the summary */
};

struct loglim {
	struct loglim_slot slot[LOGLIM_SLOTS];
};

/* Whether a line may be written at now_ms.  If not, it is counted and
 * `line` (what would have been written) kept as the last held back.
 * Windows that closed must have been flushed first (loglim_flush). */
bool loglim_take(struct loglim *l, const char *service, const char *kind, uint32_t peer, unsigned per_window,
		 int prio, long long now_ms, const char *line);

/* One summary: slot->held lines held back over secs seconds. */
typedef void (*loglim_emit_fn)(void *ctx, const struct loglim_slot *slot, double secs);

/* Emits the summaries of the windows closed at now_ms (every window with
 * all: the server exits) and frees their slots.  Returns ms until the next
 * window that holds lines back closes, or -1 when none does. */
long loglim_flush(struct loglim *l, long long now_ms, bool all, loglim_emit_fn emit, void *ctx);
#endif
