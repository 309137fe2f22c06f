/* One console line of the network stage: "netboot: net: <text>", flushed at
 * once (the boot may stop right after).  log NULL = quiet. */
#ifndef NETBOOT_NETLOG_H
#define NETBOOT_NETLOG_H
#include <stdio.h>

void net_log(FILE *log, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#endif
