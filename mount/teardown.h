/* Undoing what stage 3 built, at power-off: every mount but the kernel's
 * API file systems, deepest first, then the loop devices.  Used by the
 * shutdown program systemd hands control back to (init/shutdown.c). */
#ifndef MOUNT_TEARDOWN_H
#define MOUNT_TEARDOWN_H
#include <stdio.h>

struct teardown_stats {
	int unmounted;	/* cleanly */
	int detached;	/* still in use by a mount above them: released by the kernel once that goes */
};

/* Unmounts everything listed in /proc/self/mountinfo except "/" and what
 * lies under /proc, /sys and /dev, last mounted first, in up to eight
 * passes (a mount may be busy until one mounted later is gone), clearing
 * loop devices between passes; a network file system with MNT_FORCE,
 * which does not wait on a server that is gone.  What stays busy is made
 * read-only and detached (MNT_DETACH).  Returns how many mounts could not
 * even be detached (each logged to log). */
int teardown_mounts(struct teardown_stats *stats, FILE *log);

/* Waits up to timeout_ms for the loop and NBD devices to be let go (after
 * a detached mount is released), clearing the loop devices.  Returns how
 * many stay bound or in use, naming the loop devices on log. */
int teardown_devices(int timeout_ms, FILE *log);

/* Clears every bound loop device that nothing uses (LOOP_CLR_FD); logs
 * other failures to log (may be NULL); returns how many stayed bound. */
int teardown_loops(FILE *log);
/* The reboot(2) command for a shutdown verb as systemd passes it (reboot,
 * poweroff, halt, kexec; anything else powers off, as systemd-shutdown
 * does), and what the console line says it is doing. */
int teardown_reboot_cmd(const char *verb, const char **doing);
#endif
