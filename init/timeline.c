/* Stage durations and stage 3's time split, formatted (pure) for the console
 * and for /run/netboot/timeline. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "init/timeline.h"

void timeline_start(struct timeline *t, uint64_t now_ns)
{
	memset(t, 0, sizeof(*t));
	t->t0_ns = t->last_ns = now_ns;
}

void timeline_mark(struct timeline *t, const char *stage, uint64_t now_ns)
{
	if (t->n < TIMELINE_STAGES) {
		t->stage[t->n].name = stage;
		t->stage[t->n++].ns = now_ns - t->last_ns;
	}
	t->last_ns = now_ns;
}

static double sec(uint64_t ns)
{
	return (double)ns / 1e9;
}

static double mb_per_s(uint64_t bytes, uint64_t ns)
{
	return ns ? (double)bytes / 1e6 / sec(ns) : 0;
}

/* Appends to buf, never past len (snprintf semantics, truncated). */
static void add(char *buf, size_t len, size_t *at, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void add(char *buf, size_t len, size_t *at, const char *fmt, ...)
{
	va_list ap;
	if (*at >= len)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *at, len - *at, fmt, ap);
	va_end(ap);
	*at += n > 0 ? (size_t)n : 0;
}

void timeline_line(const struct timeline *t, uint64_t now_ns, char *buf, size_t len)
{
	size_t at = 0;
	if (len)
		buf[0] = '\0';
	for (int i = 0; i < t->n; i++) {
		add(buf, len, &at, "%s%s %.2f s", i ? ", " : "", t->stage[i].name, sec(t->stage[i].ns));
		if (strcmp(t->stage[i].name, "stage3") || !t->bytes)
			continue;
		add(buf, len, &at, " (%.0f MB, %.0f MB/s, hash %.0f MB/s; waiting: network %.2f s, hash %.2f s, file %.2f s)",
		    (double)t->bytes / 1e6, mb_per_s(t->bytes, t->download_ns), mb_per_s(t->bytes, t->st.hash_ns),
		    sec(t->st.net_ns), sec(t->st.ring_full_ns), sec(t->st.file_ns));
	}
	add(buf, len, &at, "%stotal %.2f s", t->n ? ", " : "", sec(now_ns - t->t0_ns));
}

void timeline_keys(const struct timeline *t, uint64_t now_ns, char *buf, size_t len)
{
	size_t at = 0;
	if (len)
		buf[0] = '\0';
	for (int i = 0; i < t->n; i++)
		add(buf, len, &at, "%s=%.3f\n", t->stage[i].name, sec(t->stage[i].ns));
	if (t->bytes)
		add(buf, len, &at,
		    "stage3_bytes=%llu\nstage3_download=%.3f\nstage3_mbps=%.1f\nhash_mbps=%.1f\n"
		    "wait_network=%.3f\nwait_hash=%.3f\nwrite_file=%.3f\n",
		    (unsigned long long)t->bytes, sec(t->download_ns), mb_per_s(t->bytes, t->download_ns),
		    mb_per_s(t->bytes, t->st.hash_ns), sec(t->st.net_ns), sec(t->st.ring_full_ns), sec(t->st.file_ns));
	add(buf, len, &at, "total=%.3f\n", sec(now_ns - t->t0_ns));
}
