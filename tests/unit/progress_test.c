/* Progress lines: byte formatting, the line and closing texts at fixed
 * times, and the rate limits (a log gets no line per update). */
#include "fetch/progress.h"
#include "tests/unit/check.h"
#include <stdlib.h>

#define S 1000000000ull
#define MiB (1024ull * 1024)

static void test_bytes(void)
{
	static const struct {
		uint64_t n;
		const char *want;
	} tab[] = {
		{ 0, "0 B" }, { 1, "1 B" }, { 512, "512 B" }, { 1023, "1023 B" }, { 1024, "1.0 KiB" },
		{ 1536, "1.5 KiB" }, { 1048575, "1.0 MiB" }, { 1048576, "1.0 MiB" }, { 1572864, "1.5 MiB" },
		{ 256 * MiB, "256.0 MiB" }, { 700 * MiB + 600 * 1024, "700.6 MiB" }, { 1023 * MiB, "1023.0 MiB" },
		{ 1024 * MiB - 1, "1.0 GiB" }, { 3ull << 30, "3.0 GiB" }, { 5ull << 40, "5.0 TiB" },
		{ UINT64_MAX, "16.0 EiB" },
	};
	char buf[32], name[64];

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		progress_format_bytes(tab[i].n, buf, sizeof(buf));
		snprintf(name, sizeof(name), "format_bytes %llu", (unsigned long long)tab[i].n);
		CHECK_STR(name, buf, tab[i].want);
	}
	progress_format_bytes(256 * MiB, buf, 5);
	CHECK_STR("format_bytes truncates to the buffer", buf, "256.");
}

/* A progress as progress_start leaves it, with a start time we choose. */
static void fake(struct progress *p, const char *label, uint64_t total, uint64_t done, uint64_t start_ns)
{
	progress_start(p, NULL, label, total);
	p->done = done;
	p->start_ns = p->last_ns = start_ns;
}

static void test_lines(void)
{
	struct progress p;
	char buf[200];

	fake(&p, "sysrcd.dat", 512 * MiB, 256 * MiB, 1 * S);
	progress_format_line(&p, 11 * S, buf, sizeof(buf));
	CHECK_STR("line with total: percent, rate, time left", buf,
		  "sysrcd.dat: 256.0 MiB of 512.0 MiB (50%), 25.6 MiB/s, 0:10 left");

	fake(&p, "sysrcd.dat", 700 * MiB, 7 * MiB, 0);
	progress_format_line(&p, 10 * S, buf, sizeof(buf));
	CHECK_STR("time left in m:ss", buf, "sysrcd.dat: 7.0 MiB of 700.0 MiB (1%), 0.7 MiB/s, 16:30 left");

	fake(&p, "sysrcd.dat", 700 * MiB, 1 * MiB, 0);
	progress_format_line(&p, 10 * S, buf, sizeof(buf));
	CHECK_STR("time left past an hour in h:mm:ss", buf,
		  "sysrcd.dat: 1.0 MiB of 700.0 MiB (0%), 0.1 MiB/s, 1:56:30 left");

	fake(&p, "vmlinuz", 0, 3 * MiB, 0);
	progress_format_line(&p, 2 * S, buf, sizeof(buf));
	CHECK_STR("line without total", buf, "vmlinuz: 3.0 MiB, 1.5 MiB/s");

	fake(&p, "vmlinuz", 4 * MiB, 4 * MiB, 0);
	progress_format_line(&p, 2 * S, buf, sizeof(buf));
	CHECK_STR("line when complete", buf, "vmlinuz: 4.0 MiB of 4.0 MiB (100%), 2.0 MiB/s");

	fake(&p, "vmlinuz", 4 * MiB, 5 * MiB, 0);
	progress_format_line(&p, 2 * S, buf, sizeof(buf));
	CHECK_STR("more than announced caps at 100%", buf, "vmlinuz: 5.0 MiB of 4.0 MiB (100%), 2.5 MiB/s");

	fake(&p, "x", 1000, 0, 5 * S);
	progress_format_line(&p, 5 * S, buf, sizeof(buf));
	CHECK_STR("no time passed: no rate", buf, "x: 0 B of 1000 B (0%)");

	fake(&p, "sysrcd.dat", 0, 256 * MiB, 0);
	progress_format_summary(&p, 3200 * 1000000ull, buf, sizeof(buf));
	CHECK_STR("closing line", buf, "sysrcd.dat: 256.0 MiB in 3.2 s, 80.0 MiB/s");

	fake(&p, "sysrcd.dat", 0, 700 * MiB, 0);
	progress_format_summary(&p, 125 * S, buf, sizeof(buf));
	CHECK_STR("closing line after minutes", buf, "sysrcd.dat: 700.0 MiB in 2:05, 5.6 MiB/s");

	fake(&p, "empty", 0, 0, 0);
	progress_format_summary(&p, 0, buf, sizeof(buf));
	CHECK_STR("closing line, nothing and no time", buf, "empty: 0 B in 0.0 s");

	progress_start(&p, NULL, "a\x1b[2Jb\n", 0);
	CHECK_STR("label sanitized", p.label, "a?[2Jb?");
	{
		char longlabel[200];
		memset(longlabel, 'L', sizeof(longlabel) - 1);
		longlabel[sizeof(longlabel) - 1] = '\0';
		progress_start(&p, NULL, longlabel, 0);
		CHECK("long label truncated", strlen(p.label) == sizeof(p.label) - 1);
	}
}

static size_t count(const char *s, size_t n, char c)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += s[i] == c;
	return k;
}

/* Reads back everything written to f. */
static size_t slurp(FILE *f, char *buf, size_t cap)
{
	size_t n;
	fflush(f);
	rewind(f);
	n = fread(buf, 1, cap - 1, f);
	buf[n] = '\0';
	return n;
}

static void test_output(void)
{
	static char buf[65536];
	struct progress p;
	FILE *f = tmpfile();
	size_t n;

	if (!f) {
		printf("FAIL: tmpfile\n");
		check_failures++;
		return;
	}
	/* not a tty: quiet while it runs, however long, then one closing line */
	progress_start(&p, f, "sysrcd.dat", 1000 * MiB);
	CHECK("tmpfile is not a tty", !p.tty);
	for (int i = 1; i <= 1000; i++)
		progress_update(&p, (uint64_t)i * MiB / 2);
	n = slurp(f, buf, sizeof(buf));
	CHECK("log: 1000 quick updates print nothing", n == 0);
	CHECK("log: done tracks the updates", p.done == 500 * MiB);
	p.start_ns -= 10 * S;
	p.last_ns -= 10 * S;
	progress_update(&p, 501 * MiB);
	n = slurp(f, buf, sizeof(buf));
	CHECK("log: still nothing after 10 s", n == 0);
	progress_finish(&p);
	n = slurp(f, buf, sizeof(buf));
	CHECK("log: one closing line", count(buf, n, '\n') == 1 && !strchr(buf, '\r') &&
	      strstr(buf, "sysrcd.dat: 501.0 MiB in 10."));
	fclose(f);

	/* a tty (forced on a file): '\r' redraws, at most 4 a second, no newline
	 * until the closing line, every redraw the same width */
	f = tmpfile();
	progress_start(&p, f, "sysrcd.dat", 1000 * MiB);
	p.tty = true;
	for (int i = 1; i <= 1000; i++)
		progress_update(&p, (uint64_t)i * MiB);
	n = slurp(f, buf, sizeof(buf));
	CHECK("tty: 1000 quick updates draw at most one line", count(buf, n, '\r') <= 1);
	p.start_ns -= 2 * S;
	p.last_ns -= 1 * S;
	progress_update(&p, 100 * MiB);
	p.last_ns -= 1 * S;
	progress_update(&p, 9 * MiB);
	n = slurp(f, buf, sizeof(buf));
	CHECK("tty: redraws with '\\r', no newline", count(buf, n, '\r') >= 2 && count(buf, n, '\n') == 0);
	CHECK("tty: lines padded to 79 columns", n % 80 == 0 && buf[n - 80] == '\r');
	progress_finish(&p);
	n = slurp(f, buf, sizeof(buf));
	CHECK("tty: closing line ends with a newline", n > 0 && buf[n - 1] == '\n' && strstr(buf, "\rsysrcd.dat: 9.0 MiB in 2."));
	fclose(f);

	/* a long label is cut so a tty line stays on one 80-column line */
	f = tmpfile();
	{
		char label[64];
		memset(label, 'x', sizeof(label) - 1);
		label[sizeof(label) - 1] = '\0';
		progress_start(&p, f, label, 1000 * MiB);
	}
	p.tty = true;
	p.start_ns -= 2 * S;
	p.last_ns -= 1 * S;
	progress_update(&p, 100 * MiB);
	n = slurp(f, buf, sizeof(buf));
	CHECK("tty: long label keeps the line at 79 columns", n == 80 && strstr(buf, "xxx: 100.0 MiB of 1000.0 MiB"));
	fclose(f);

	/* quiet: nothing happens, nothing crashes */
	progress_start(&p, NULL, "quiet", 0);
	p.last_ns -= 10 * S;
	progress_update(&p, 5);
	progress_finish(&p);
	CHECK("quiet progress still counts", p.done == 5 && !p.tty);
}

static void test_clock(void)
{
	uint64_t a = monotonic_ns(), b = monotonic_ns();
	CHECK("monotonic_ns does not go back", b >= a && a > 0);
}

int main(void)
{
	test_bytes();
	test_lines();
	test_output();
	test_clock();
	return CHECK_DONE();
}
