/* A download progress line: bytes, percent, rate, time left.  On a tty
 * (a serial console included) it redraws one line with '\r' a few times a
 * second, never more than one line of screen; when the output is not a tty
 * (a pipe, a log file) it stays quiet until the closing summary line.
 * Quiet mode (out NULL) prints nothing. */
#ifndef FETCH_PROGRESS_H
#define FETCH_PROGRESS_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "netboot/clock.h"

struct progress {
	FILE *out;		/* NULL: quiet */
	bool tty;
	char label[64];		/* e.g. "sysrcd.dat" */
	uint64_t total;		/* 0 if unknown */
	uint64_t done;
	uint64_t start_ns, last_ns;
};

void progress_start(struct progress *p, FILE *out, const char *label, uint64_t total);
void progress_update(struct progress *p, uint64_t done);
/* Prints the closing line (size, time, average rate). */
void progress_finish(struct progress *p);
/* Formats a byte count as "512 B", "1.5 MiB", ... */
void progress_format_bytes(uint64_t n, char *buf, size_t len);
/* The text of a progress line and of the closing line as of now_ns (no '\r'
 * or newline), e.g. "sysrcd.dat: 256.0 MiB of 700.0 MiB (36%), 80.0 MiB/s,
 * 0:05 left" and "sysrcd.dat: 700.0 MiB in 8.8 s, 80.0 MiB/s". */
void progress_format_line(const struct progress *p, uint64_t now_ns, char *buf, size_t len);
void progress_format_summary(const struct progress *p, uint64_t now_ns, char *buf, size_t len);
#endif
