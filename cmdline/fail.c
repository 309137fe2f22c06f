/* The handlers' one message form, "<argument as given>: <why>": below both
 * cmdline.c and the opt_*.c handlers, so neither calls back into the other. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "cmdline/internal.h"

/* Shows the argument as given, printable and short enough for one line. */
static void show_arg(const struct cl_arg *a, char *buf, size_t len)
{
	char raw[112];
	size_t n, want = a->klen + (a->has_val ? 1 + a->vlen : 0);

	n = a->klen < sizeof(raw) ? a->klen : sizeof(raw);
	memcpy(raw, a->key, n);
	if (a->has_val && n < sizeof(raw))
		raw[n++] = '=';
	if (a->has_val && n < sizeof(raw)) {
		size_t v = a->vlen < sizeof(raw) - n ? a->vlen : sizeof(raw) - n;
		memcpy(raw + n, a->val, v);
		n += v;
	}
	nb_sanitize(buf, len, raw, n);
	if (want > n)
		snprintf(buf + strlen(buf), len - strlen(buf), "...");
}

int cl_fail(struct cl_ctx *c, const char *fmt, ...)
{
	char shown[128], why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	show_arg(c->arg, shown, sizeof(shown));
	return nb_fail(c->e, -EINVAL, "%s: %s", shown, why);
}
