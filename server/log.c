/* The server's log: one line per client event, bounded under a flood by
 * the one limiter in loglimit.c, in the format the place it goes wants.
 *
 * Where: standard output (cmd_serve.c), start-up warnings and reloads
 * included; before the start, the config and hosts files' warnings and an
 * error that stops the server go to standard error.
 * Format: under systemd (JOURNAL_STREAM matches the stream's device and
 * inode, as sd_journal_stream_fd's readers check) each line starts with
 * its syslog priority "<6>" and carries no time, since the journal stamps
 * it; anywhere else each line starts with the time in UTC, ISO 8601 with
 * milliseconds, so logs from machines in different zones line up. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include "netboot/clock.h"
#include "netboot/ipv4.h"
#include "netboot/mac.h"
#include "server/server.h"

const struct log_rule LOG_EVENT = { LOG_PRIO_INFO, 20, false };

/* Whether f is the journal's stream.  Decided once per descriptor: the
 * environment does not change under a running server. */
static bool is_journal(FILE *f)
{
	static struct {
		int fd, journal;
	} seen[4];
	static int nseen;
	int fd = fileno(f);
	for (int i = 0; i < nseen; i++)
		if (seen[i].fd == fd)
			return seen[i].journal;
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	bool j = js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 && fd >= 0 && fstat(fd, &st) == 0 &&
		 (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
	if (nseen < 4)
		seen[nseen].fd = fd, seen[nseen++].journal = j;
	return j;
}

void srv_vline(FILE *f, int prio, const char *fmt, va_list ap)
{
	char text[1024];
	if (!f)
		return;	/* no log: --print-config's checks */
	vsnprintf(text, sizeof(text), fmt, ap);
	if (is_journal(f)) {
		/* the journal reads "<N>" per line: every line of text gets one */
		for (char *p = text, *nl; *p; p = nl + 1) {
			nl = strchr(p, '\n');
			fprintf(f, "<%d>%.*s\n", prio, nl ? (int)(nl - p) : (int)strlen(p), p);
			if (!nl)
				break;
		}
	} else {
		struct timeval tv;
		struct tm tm;
		char stamp[32];
		gettimeofday(&tv, NULL);
		gmtime_r(&tv.tv_sec, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
		fprintf(f, "%s.%03ldZ %s\n", stamp, (long)(tv.tv_usec / 1000), text);
	}
	fflush(f);
}

void srv_line(FILE *f, int prio, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	srv_vline(f, prio, fmt, ap);
	va_end(ap);
}

static void emit_summary(void *ctx, const struct loglim_slot *k, double secs)
{
	struct server *s = ctx;
	char from[32] = "", who[16];
	if (k->peer)
		snprintf(from, sizeof(from), " from %s", ipv4_ntoa(k->peer, who));
	srv_line(s->log, k->prio < LOG_PRIO_WARNING ? k->prio : LOG_PRIO_WARNING,
		 "netboot-serve: %s %s: %u more %s%s in the last %.1f s (the last: %s)", k->peer ? who : "-", k->service,
		 k->held, k->kind ? "like this" : "lines of other kinds", from, secs, k->last);
}

void srv_vlogr(struct server *s, const struct log_rule *r, const uint8_t *mac, uint32_t ip, const char *service,
	       const char *fmt, va_list ap)
{
	char who[24];
	if (mac)
		mac_format(mac, who);
	else if (ip)
		ipv4_ntoa(ip, who);
	else
		snprintf(who, sizeof(who), "-");
	srv_vlogw(s, r, who, ip, service, fmt, ap);
}

void srv_vlogw(struct server *s, const struct log_rule *r, const char *who, uint32_t ip, const char *service,
	       const char *fmt, va_list ap)
{
	if (!s->log)
		return;
	char text[512];
	long long now = monotonic_ms();
	loglim_flush(&s->loglim, now, false, emit_summary, s);
	vsnprintf(text, sizeof(text), fmt, ap);
	char held[sizeof(((struct loglim_slot *)0)->last)];
	snprintf(held, sizeof(held), "%.63s %.130s", who, text);	/* who: a MAC, or an IPv6 address up to 63 */
	if (!loglim_take(&s->loglim, service, fmt, r->by_peer ? ip : 0, r->per_sec, r->prio, now, held))
		return;
	srv_line(s->log, r->prio, "netboot-serve: %s %s: %s", who, service, text);
}

void srv_logr(struct server *s, const struct log_rule *r, const uint8_t *mac, uint32_t ip, const char *service,
	      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	srv_vlogr(s, r, mac, ip, service, fmt, ap);
	va_end(ap);
}

void srv_vlog(struct server *s, const uint8_t *mac, uint32_t ip, const char *service, const char *fmt, va_list ap)
{
	srv_vlogr(s, &LOG_EVENT, mac, ip, service, fmt, ap);
}

void srv_log(struct server *s, const uint8_t *mac, uint32_t ip, const char *service, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	srv_vlogr(s, &LOG_EVENT, mac, ip, service, fmt, ap);
	va_end(ap);
}

long srv_log_tick(struct server *s, long long now_ms)
{
	return s->log ? loglim_flush(&s->loglim, now_ms, false, emit_summary, s) : -1;
}

void srv_log_end(struct server *s)
{
	if (s->log)
		loglim_flush(&s->loglim, monotonic_ms(), true, emit_summary, s);
}

const uint8_t *srv_mac_of(struct server *s, uint32_t ip)
{
	struct client *c = clients_find_ip(&s->clients, ip);
	return c && c->has_mac ? c->mac : NULL;
}
