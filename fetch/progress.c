/* Download progress: one line redrawn with '\r' on a tty (at most 4 times a
 * second), a fresh line at most every 5 s elsewhere (serial console logs,
 * pipes), and a closing line with size, time and average rate.  The rate and
 * the time left come from the average since progress_start. */
#include "fetch/progress.h"
#include "netboot/errbuf.h"
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TTY_INTERVAL_NS 250000000ull	/* redraw at most 4 times a second */
#define TTY_WIDTH 79			/* stay on one 80-column line */
#define MIB (1024.0 * 1024.0)

void progress_format_bytes(uint64_t n, char *buf, size_t len)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v;
	int u = 0;

	if (n < 1024) {
		snprintf(buf, len, "%u B", (unsigned)n);
		return;
	}
	v = (double)n / 1024.0;
	/* 1023.96 would print as "1024.0": move to the next unit instead */
	while (v >= 1023.95 && u < 5) {
		v /= 1024.0;
		u++;
	}
	snprintf(buf, len, "%.1f %s", v, units[u]);
}

/* "m:ss", or "h:mm:ss" from an hour on */
static void format_duration(uint64_t s, char *buf, size_t len)
{
	if (s >= 3600)
		snprintf(buf, len, "%u:%02u:%02u", (unsigned)(s / 3600 % 100000), (unsigned)(s / 60 % 60),
			 (unsigned)(s % 60));
	else
		snprintf(buf, len, "%u:%02u", (unsigned)(s / 60), (unsigned)(s % 60));
}

/* Average rate in bytes per second; 0 if no time has passed yet. */
static double rate_of(const struct progress *p, uint64_t now_ns)
{
	if (now_ns <= p->start_ns || now_ns - p->start_ns < 1000000)
		return 0;
	return (double)p->done * 1e9 / (double)(now_ns - p->start_ns);
}

/* Everything after "label: ". */
static void format_status(const struct progress *p, uint64_t now_ns, char *buf, size_t len)
{
	char done[24], total[24], eta[24];
	double rate = rate_of(p, now_ns);
	int n;

	progress_format_bytes(p->done, done, sizeof(done));
	if (p->total) {
		uint64_t pct = p->done >= p->total ? 100 : (uint64_t)((double)p->done * 100.0 / (double)p->total);
		progress_format_bytes(p->total, total, sizeof(total));
		n = snprintf(buf, len, "%s of %s (%u%%)", done, total, (unsigned)pct);
	} else {
		n = snprintf(buf, len, "%s", done);
	}
	if (n < 0 || (size_t)n >= len || rate <= 0)
		return;
	if (p->total && p->done < p->total) {
		double left = (double)(p->total - p->done) / rate;
		format_duration(left < 3.6e8 ? (uint64_t)(left + 0.5) : 360000000u, eta, sizeof(eta));
		snprintf(buf + n, len - (size_t)n, ", %.1f MiB/s, %s left", rate / MIB, eta);
	} else {
		snprintf(buf + n, len - (size_t)n, ", %.1f MiB/s", rate / MIB);
	}
}

void progress_format_line(const struct progress *p, uint64_t now_ns, char *buf, size_t len)
{
	char status[128];

	format_status(p, now_ns, status, sizeof(status));
	snprintf(buf, len, "%s: %s", p->label, status);
}

void progress_format_summary(const struct progress *p, uint64_t now_ns, char *buf, size_t len)
{
	char done[24], took[24];
	uint64_t ns = now_ns > p->start_ns ? now_ns - p->start_ns : 0;
	double rate = rate_of(p, now_ns);

	progress_format_bytes(p->done, done, sizeof(done));
	if (ns < 100000000000ull)
		snprintf(took, sizeof(took), "%.1f s", (double)ns / 1e9);
	else
		format_duration(ns / 1000000000u, took, sizeof(took));
	if (rate > 0)
		snprintf(buf, len, "%s: %s in %s, %.1f MiB/s", p->label, done, took, rate / MIB);
	else
		snprintf(buf, len, "%s: %s in %s", p->label, done, took);
}

void progress_start(struct progress *p, FILE *out, const char *label, uint64_t total)
{
	memset(p, 0, sizeof(*p));
	p->out = out;
	p->tty = out && isatty(fileno(out));
	nb_sanitize(p->label, sizeof(p->label), label ? label : "", label ? strlen(label) : 0);
	p->total = total;
	p->start_ns = p->last_ns = monotonic_ns();
}

/* One tty line: the label shortened so the line fits, then blanks over
 * whatever the previous, maybe longer, line left behind. */
static void draw_tty(const struct progress *p, const char *status)
{
	char line[TTY_WIDTH + 1];
	int room = TTY_WIDTH - 2 - (int)strlen(status);

	if (room < 8)
		room = 8;
	if (snprintf(line, sizeof(line), "%.*s: %s", room, p->label, status) < 0)
		return;
	fprintf(p->out, "\r%-*s", TTY_WIDTH, line);
}

void progress_update(struct progress *p, uint64_t done)
{
	char status[128];
	uint64_t now;

	p->done = done;
	if (!p->out)
		return;
	if (!p->tty)	/* a log gets the summary only */
		return;
	now = monotonic_ns();
	if (now - p->last_ns < TTY_INTERVAL_NS)
		return;
	p->last_ns = now;
	format_status(p, now, status, sizeof(status));
	draw_tty(p, status);
	fflush(p->out);
}

void progress_finish(struct progress *p)
{
	char line[200];

	if (!p->out)
		return;
	progress_format_summary(p, monotonic_ns(), line, sizeof(line));
	if (p->tty)	/* over the last redraw, blanking what it left */
		fprintf(p->out, "\r%-*s\n", TTY_WIDTH, line);
	else
		fprintf(p->out, "%s\n", line);
	fflush(p->out);
}
