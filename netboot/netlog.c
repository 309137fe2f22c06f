#include "netboot/netlog.h"
#include <stdarg.h>

void net_log(FILE *log, const char *fmt, ...)
{
	va_list ap;

	if (!log)
		return;
	fputs("netboot: net: ", log);
	va_start(ap, fmt);
	vfprintf(log, fmt, ap);
	va_end(ap);
	fputc('\n', log);
	fflush(log);
}
