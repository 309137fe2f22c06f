/* The NBD supervisor: a process /init starts (exec of itself under the name
 * "@netboot-nbd") after attaching the root image's device through netlink,
 * which lives on in the booted system.  It waits for the kernel's
 * NBD_CMD_LINK_DEAD event for its device, reconnects with backoff and
 * jitter, redoes the handshake (same export; size and flags must not have
 * changed) and hands the new socket over with NBD_CMD_RECONFIGURE.  It logs
 * to the console and RUN_DIR/nbd.log, and exits once the device is
 * disconnected.  The leading '@' keeps systemd's shutdown from killing it
 * while the root file system still needs it. */
#ifndef MOUNT_NBD_SUPERVISOR_H
#define MOUNT_NBD_SUPERVISOR_H
#include <stdint.h>
#include "netboot/errbuf.h"

#define NBD_SUPERVISOR_NAME "@netboot-nbd"
#define NBD_STATUS_POLL_MS 5000		/* how often it asks whether the device is still connected */
#define NBD_BACKOFF_MAX_MS 10000	/* a restarted server is found within 10 s */
#define NBD_SHUTDOWN_GRACE_MS 10000	/* once the system shuts down, how long a lost server is waited for */

/* What the supervisor needs: all plain values, since after switch_root it
 * can open no file of the initramfs (its root is the emptied initramfs). */
struct nbd_watch {
	int index;		/* /dev/nbdN */
	char host[64];		/* the server's address as text: no resolver needed later */
	uint16_t port;
	char export_name[64];
	uint64_t size;
	uint16_t flags;
	int console_fd, log_fd;	/* -1 if absent; opened before switch_root */
};

/* Starts the supervisor: opens the console and log_path (kept across
 * switch_root: /run and /dev are moved, open files stay valid), forks and
 * execs self (the /init binary) as NBD_SUPERVISOR_NAME with w as arguments.
 * Returns its pid once the exec has happened (so switch_root may delete
 * self), or a negative errno. */
int nbd_supervisor_start(const struct nbd_watch *w, const char *self, const char *log_path, struct errbuf *e);

/* The supervisor's main: argv as nbd_supervisor_start builds it.  Returns
 * the exit status: 0 once the device is disconnected, 2 for bad arguments,
 * 1 if netlink cannot be used. */
int nbd_supervisor_main(int argc, char **argv);

/* Sends sig with value (sigqueue) to every supervisor; returns how many. */
int nbd_supervisor_signal(int sig, int value);
/* Tells the supervisors the booted system is shutting down (verb: poweroff,
 * reboot, halt, kexec): from then on one whose server is lost waits at most
 * NBD_SHUTDOWN_GRACE_MS for it, then syncs and ends the shutdown itself with
 * reboot(2), since systemd, still reading the root, would wait out the
 * 10-minute dead-connection timeout and then fail.  Run from systemd units
 * /init writes (init/shutdown.c).  Returns how many it told. */
int nbd_supervisor_shutting_down(const char *verb);

/* The wait before reconnect attempt n (0-based): 1 s doubling up to
 * NBD_BACKOFF_MAX_MS, the upper half random, so clients cut off together
 * do not come back together. */
unsigned nbd_backoff_ms(unsigned attempt, uint32_t random);
#endif
