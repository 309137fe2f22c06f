#include "netboot/errbuf.h"
#include <stdarg.h>
#include <stdio.h>

int nb_fail(struct errbuf *e, int rc, const char *fmt, ...)
{
	if (e) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	return rc;
}

void nb_sanitize(char *dst, size_t dstlen, const char *src, size_t srclen)
{
	size_t i;
	if (!dstlen)
		return;
	for (i = 0; i < srclen && i + 1 < dstlen && src[i]; i++) {
		unsigned char c = (unsigned char)src[i];
		dst[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	dst[i] = '\0';
}
