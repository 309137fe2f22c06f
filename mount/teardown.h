/* Undoing what stage 3 built, at power-off: every mount but the kernel's
 * API file systems, deepest first, then the loop devices.  Used by the
 * shutdown program systemd hands control back to (init/shutdown.c). */
#ifndef MOUNT_TEARDOWN_H
#define MOUNT_TEARDOWN_H
#include <stdio.h>

/* Unmounts everything listed in /proc/self/mountinfo except "/" and what
 * lies under /proc, /sys and /dev, last mounted first, in up to four
 * passes (a mount may be busy until one mounted later is gone).  A mount
 * that stays busy is remounted read-only and detached (MNT_DETACH); a
 * network file system is unmounted with MNT_FORCE, which does not wait on
 * a server that is gone.  Logs each failure to log; returns how many
 * mounts could not be unmounted cleanly. */
int teardown_mounts(FILE *log);

/* Clears every bound loop device (LOOP_CLR_FD); returns how many stayed. */
int teardown_loops(FILE *log);
#endif
