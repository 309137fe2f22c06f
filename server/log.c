/* The server's log: one line per client event, bounded under a flood.
 *
 * Each call site's format string, per service, is a kind of line ("offer
 * %s...", "sent %s %s in..."): a kind may write LOG_KIND_PER_SEC lines a
 * second.  Past that its lines are counted, not written, and once the
 * second is over one line says how many were held back and shows the last
 * of them.  A DISCOVER flood from perfdhcp thus costs ~21 lines a second
 * instead of 2000, while a few clients (a handful of lines a second) log as
 * if there were no limit.  The call sites with their own, lower limits
 * (log_budget: junk datagrams, refusals) are never reached by this one. */
#include <stdarg.h>
#include <string.h>
#include "netboot/clock.h"
#include "netboot/ipv4.h"
#include "netboot/mac.h"
#include "server/server.h"

/* Lines of one kind a second: a boot storm of a lab's worth of machines
 * starts well under this a second; a flood is far above it. */
#define LOG_KIND_PER_SEC 20

static void write_line(struct server *s, const char *who, const char *service, const char *text)
{
	fprintf(s->log, "netboot-serve: %s %s: %s\n", who, service, text);
	fflush(s->log);
}

/* The summaries of the kinds that held lines back in a second before sec. */
static void flush_before(struct server *s, long long sec)
{
	for (int i = 0; i < LOG_KINDS; i++) {
		struct log_kind *k = &s->log_kinds[i];
		if (!k->held || k->sec >= sec)
			continue;
		char text[sizeof(k->last) + 80];
		snprintf(text, sizeof(text), "%u similar lines suppressed in the last second (the last: %s)", k->held,
			 k->last);
		write_line(s, "-", k->service, text);
		k->held = 0;
	}
}

/* The slot counting this call site's lines: its own, else one idle since
 * an earlier second, else NULL (every slot busy this second: the line goes
 * out unlimited; there are fewer call sites than slots). */
static struct log_kind *kind_of(struct server *s, const char *service, const char *fmt, long long sec)
{
	struct log_kind *idle = NULL;
	for (int i = 0; i < LOG_KINDS; i++) {
		struct log_kind *k = &s->log_kinds[i];
		if (k->fmt == fmt && k->service == service)
			return k;
		if (!idle && (!k->fmt || (k->sec < sec && !k->held)))
			idle = k;
	}
	if (idle)
		*idle = (struct log_kind){ .service = service, .fmt = fmt, .sec = sec };
	return idle;
}

void srv_vlog(struct server *s, const uint8_t *mac, uint32_t ip, const char *service, const char *fmt, va_list ap)
{
	if (!s->log)
		return;
	char who[24], text[512];
	long long sec = monotonic_ms() / 1000;
	flush_before(s, sec);
	if (mac)
		mac_format(mac, who);
	else if (ip)
		ipv4_ntoa(ip, who);
	else
		snprintf(who, sizeof(who), "-");
	vsnprintf(text, sizeof(text), fmt, ap);
	struct log_kind *k = kind_of(s, service, fmt, sec);
	if (k && k->sec != sec)
		k->sec = sec, k->used = 0;
	if (k && k->used >= LOG_KIND_PER_SEC) {
		k->held++;
		snprintf(k->last, sizeof(k->last), "%s %.160s", who, text);	/* who: 23 at most */
		return;
	}
	if (k)
		k->used++;
	write_line(s, who, service, text);
}

void srv_log(struct server *s, const uint8_t *mac, uint32_t ip, const char *service, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	srv_vlog(s, mac, ip, service, fmt, ap);
	va_end(ap);
}

long srv_log_tick(struct server *s, long long now_ms)
{
	long long sec = now_ms / 1000;
	bool pending = false;
	if (!s->log)
		return -1;
	flush_before(s, sec);
	for (int i = 0; i < LOG_KINDS && !pending; i++)
		pending = s->log_kinds[i].held != 0;
	return pending ? (long)((sec + 1) * 1000 - now_ms) : -1;
}

const uint8_t *srv_mac_of(struct server *s, uint32_t ip)
{
	struct client *c = clients_find_ip(&s->clients, ip);
	return c && c->has_mac ? c->mac : NULL;
}

bool log_budget_take(struct log_budget *b, unsigned per_sec, unsigned *held_back)
{
	long long sec = monotonic_ms() / 1000;
	if (sec != b->sec)
		b->sec = sec, b->used = 0;
	if (b->used >= per_sec) {
		b->quiet++;
		return false;
	}
	b->used++;
	*held_back = b->quiet;
	b->quiet = 0;
	return true;
}
