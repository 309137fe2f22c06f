/* init/modules.c beyond the modules stage (init/boot.h has load_modules). */
#ifndef INIT_MODULES_H
#define INIT_MODULES_H
/* Prints one console line per firmware file a driver asked for and the
 * kernel did not find ("Direct firmware load for X failed" in /dev/kmsg),
 * naming the driver and the fix; returns how many.  Non-blocking, bounded. */
int firmware_report(void);
/* The same from another file of kernel log lines (the unit test). */
int firmware_report_from(const char *path);
#endif
