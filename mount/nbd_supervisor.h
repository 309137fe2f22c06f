/* The NBD supervisor: a process /init starts (exec of itself under the name
 * "@netboot-nbd") that lives on in the booted system and serves the root's
 * nbd device.  The kernel's device is attached to one end of a socketpair;
 * the supervisor answers the kernel's requests on the other end
 * (mount/blockserver.c) from an upstream NBD server, retrying a read that
 * failed (server restarted, killed, silent, ESHUTDOWN) on a new connection
 * and the next mirror, or from an HTTP(S) image it streams into RAM
 * (stream mode).  So an outage it can wait out is a wait for the kernel,
 * never an I/O error.  It logs to the console and RUN_DIR/nbd.log, and
 * exits once the kernel disconnects the device.  The leading '@' keeps
 * systemd's shutdown from killing it while the root still needs it. */
#ifndef MOUNT_NBD_SUPERVISOR_H
#define MOUNT_NBD_SUPERVISOR_H
#include <stdbool.h>
#include <stdint.h>
#include "netboot/errbuf.h"
#include "netboot/url.h"

#define NBD_SUPERVISOR_NAME "@netboot-nbd"
#define NBD_BACKOFF_MAX_MS 10000	/* a restarted server is found within 10 s */
#define NBD_SHUTDOWN_GRACE_MS 10000	/* once the system shuts down, how long a lost server is waited for */
#define NBD_UPSTREAM_TIMEOUT_MS 30000	/* a read unanswered this long: the server counts as gone (nbdtimeout=) */
#define SUP_MIRRORS_MAX 8

/* What the supervisor needs: plain values and open descriptors, since
 * after switch_root it can open no file of the initramfs (its root is the
 * emptied initramfs) and has no resolver. */
struct nbd_watch {
	bool stream;		/* HTTP(S) into cache_fd; else upstream NBD */
	int index;		/* /dev/nbdN, for messages */
	int kernel_fd;		/* the socketpair's end the supervisor serves */
	int upstream_fd;	/* nbd: the connection /init opened (past its handshake), -1 = none */
	int cache_fd;		/* stream: the image's file in a tmpfs, its final size, sparse */
	int state_fd;		/* stream: RUN_DIR/stream, rewritten as the fill goes; -1 = none */
	uint64_t size;
	uint16_t flags;		/* nbd: the export's transmission flags */
	int timeout_ms;		/* nbd: a read unanswered this long drops the connection; 0 = NBD_UPSTREAM_TIMEOUT_MS */
	int nmirrors;
	char mirror[SUP_MIRRORS_MAX][URL_TEXT_MAX];	/* nbd://host:port/export or http(s)://... */
	char connect[SUP_MIRRORS_MAX][64];		/* each mirror's address as text */
	char ca_file[256];	/* https: read before switch_root; "" = the default */
	int kmsg_fd;		/* verity: /dev/kmsg, read for dm-verity's failed blocks; -1 = none */
	int vlog_fd;		/* verity: RUN_DIR/verity-errors, a line per failed block; -1 = none */
	int console_fd, log_fd;	/* -1 if absent; opened before switch_root */
};

/* Starts the supervisor: opens the console and log_path (kept across
 * switch_root), forks and execs self (the /init binary) as
 * NBD_SUPERVISOR_NAME with w as arguments and w's descriptors inherited.
 * Returns its pid once the exec has happened (so switch_root may delete
 * self), or a negative errno. */
int nbd_supervisor_start(const struct nbd_watch *w, const char *self, const char *log_path, struct errbuf *e);

/* The supervisor's main: argv as nbd_supervisor_start builds it.  Returns
 * the exit status: 0 once the kernel disconnected, 2 for bad arguments,
 * 1 when serving failed. */
int nbd_supervisor_main(int argc, char **argv);

/* Sends sig with value (sigqueue) to every supervisor; returns how many. */
int nbd_supervisor_signal(int sig, int value);
/* Tells the supervisors the booted system is shutting down (verb: poweroff,
 * reboot, halt, kexec): from then on one whose server is lost waits at most
 * NBD_SHUTDOWN_GRACE_MS for it, then syncs and ends the shutdown itself with
 * reboot(2), since systemd, still reading the root, would wait forever.  Run
 * from systemd units /init writes (init/shutdown.c).  Returns how many it
 * told. */
int nbd_supervisor_shutting_down(const char *verb);

/* The wait before reconnect attempt n (0-based): 1 s doubling up to
 * NBD_BACKOFF_MAX_MS, the upper half random, so clients cut off together
 * do not come back together. */
unsigned nbd_backoff_ms(unsigned attempt, uint32_t random);

/* For the back ends, in the supervisor: one line to the console and the
 * log ("netboot-nbd: nbdN: ..."); and the wait between rounds of tries
 * during an outage that began at t0_ns, which once the system is shutting
 * down and the outage has lasted NBD_SHUTDOWN_GRACE_MS syncs and ends the
 * shutdown instead (reboot(2)). */
void sup_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sup_outage_wait(unsigned attempt, uint64_t t0_ns, const char *where, const char *why);

/* mount/verity_watch.c: a thread that reads kmsg_fd for dm-verity's
 * failed blocks and names their image offsets (block_size bytes each). */
void verity_watch_start(int kmsg_fd, int log_fd, uint32_t block_size);

/* The back ends (mount/blockserver_nbd.c, blockserver_stream.c): serve
 * w's kernel end until the kernel disconnects; the exit status. */
int serve_nbd_upstream(const struct nbd_watch *w);
int serve_stream(const struct nbd_watch *w);
#endif
