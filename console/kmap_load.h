/* Loading a parsed bkeymap into the kernel's keyboard tables (KDSKBENT on a
 * virtual terminal).  The tables are global: one load serves every VT and
 * every keyboard, including one plugged in later. */
#ifndef CONSOLE_KMAP_LOAD_H
#define CONSOLE_KMAP_LOAD_H
#include "console/bkeymap.h"
#include "netboot/errbuf.h"

/* Opens the first of /dev/tty0, /dev/console, /dev/tty1 that is a virtual
 * terminal (KDGKBTYPE answers): with console=ttyS0 /dev/console is the serial
 * port, which has no keymap, while tty0 is still the VT layer's current
 * console.  Returns the fd and sets *dev, or -ENOTTY with err set. */
int kmap_open_vt(const char **dev, struct errbuf *err);

/* Loads km through fd as loadkeys does: every entry of each present table,
 * and every absent table but the plain one deallocated (K_NOSUCHMAP at index
 * 0), so the kernel's defaults for modifier combinations the keymap leaves
 * out do not stay behind.  Returns 0, or a negative errno with err set when
 * the first ioctl fails (not a VT, no permission); *refused counts entries
 * the kernel rejected (EINVAL: a value its keyboard driver does not know). */
int kmap_load(int fd, const struct bkeymap *km, int *refused, struct errbuf *err);
#endif
