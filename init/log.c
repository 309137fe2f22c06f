#include <stdarg.h>
#include <stdio.h>
#include "fetch/progress.h"
#include "init/boot.h"

void say(const char *stage, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "netboot: %s: ", stage);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

double seconds_since(uint64_t t0_ns)
{
	return (double)(monotonic_ns() - t0_ns) / 1e9;
}
