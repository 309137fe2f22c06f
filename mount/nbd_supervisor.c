/* The NBD supervisor: see nbd_supervisor.h. */
#include "mount/nbd_supervisor.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <linux/nbd-netlink.h>
#include "netboot/clock.h"
#include "netboot/genl.h"
#include "netboot/jitter.h"
#include "netboot/nbd_client.h"
#include "netboot/read_file.h"
#include "netboot/tcp.h"
#include "mount/teardown.h"

/* Set by SIGUSR1 (nbd_supervisor_shutting_down): the booted system is
 * shutting down, and the reboot(2) command it is heading for. */
static volatile sig_atomic_t shutting_down;
static volatile sig_atomic_t shutdown_cmd;

static void on_shutdown(int sig, siginfo_t *si, void *ctx)
{
	(void)sig, (void)ctx;
	shutdown_cmd = si->si_value.sival_int;
	shutting_down = 1;
}

unsigned nbd_backoff_ms(unsigned attempt, uint32_t random)
{
	unsigned base = attempt >= 8 ? NBD_BACKOFF_MAX_MS : 1000u << attempt;
	if (base > NBD_BACKOFF_MAX_MS)
		base = NBD_BACKOFF_MAX_MS;
	return base / 2 + random % (base / 2 + 1);
}

/* One line to the console and the log file: "netboot-nbd: nbdN: ...", the
 * log's lines stamped with seconds since boot (CLOCK_MONOTONIC). */
__attribute__((format(printf, 2, 3)))
static void note(const struct nbd_watch *w, const char *fmt, ...)
{
	char text[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (w->console_fd >= 0)
		dprintf(w->console_fd, "netboot-nbd: nbd%d: %s\n", w->index, text);
	if (w->log_fd >= 0)
		dprintf(w->log_fd, "[%8.3f] nbd%d: %s\n", (double)monotonic_ns() / 1e9, w->index, text);
}

/* 1 while the device is configured, 0 once it is disconnected (or gone);
 * a failed question counts as connected: never leave on a doubt. */
static int still_connected(const struct nbd_watch *w, struct genl *rq)
{
	uint8_t msg[NBDNL_MSG_MAX];
	struct genl_msg reply = { .connected = -1 };
	struct errbuf e;
	int len = nbdnl_build_status(msg, sizeof(msg), rq->family, genl_next_seq(rq), (uint32_t)w->index);

	if (genl_call(rq, msg, len, w->index, &reply, "nbd status", &e) < 0)
		return 1;
	return reply.connected == 1;
}

/* The system is shutting down and the root's server is gone: systemd
 * cannot finish (it still reads the root, and would wait out the
 * dead-connection timeout, 10 minutes, then fail to exec its last step).
 * The root's changes live in RAM; other disks are synced: end it here. */
static void give_up(const struct nbd_watch *w, struct genl *rq, const char *where, uint64_t t0)
{
	uint8_t msg[NBDNL_MSG_MAX];
	struct errbuf e;
	note(w, "the system is shutting down and %s has been unreachable for %.0f s: syncing and finishing the "
	     "shutdown here instead of waiting on it", where, (double)(monotonic_ns() - t0) / 1e9);
	sync();
	reboot(shutdown_cmd);
	if (shutdown_cmd == (int)RB_KEXEC)	/* no kernel loaded yet */
		reboot(RB_AUTOBOOT);
	note(w, "reboot: %s; disconnecting instead (reads of the root fail from now on)", strerror(errno));
	if (genl_call(rq, msg, nbdnl_build_disconnect(msg, sizeof(msg), rq->family, genl_next_seq(rq), (uint32_t)w->index),
		      -1, NULL, "nbd disconnect", &e) < 0)
		note(w, "%s", e.msg);
}

/* A new connection, checked against the one the kernel lost, handed over.
 * Returns 0 once the device has it, 1 if the device was disconnected
 * meanwhile (nothing to reconnect). */
static int reconnect(const struct nbd_watch *w, struct genl *rq)
{
	char where[160], why[sizeof(((struct errbuf *)0)->msg)];
	uint64_t t0 = monotonic_ns();

	snprintf(where, sizeof(where), "nbd://%s:%u/%s", w->host, w->port, w->export_name);
	for (unsigned attempt = 0;; attempt++) {
		if (attempt) {
			unsigned ms = nbd_backoff_ms(attempt - 1, jitter_random());
			note(w, "try %u: %s; next try in %u.%01u s", attempt, why, ms / 1000, ms % 1000 / 100);
			jitter_sleep(ms);
		}
		if (!still_connected(w, rq)) {
			note(w, "device disconnected while reconnecting: nothing to do");
			return 1;
		}
		if (shutting_down && monotonic_ns() - t0 >= (uint64_t)NBD_SHUTDOWN_GRACE_MS * 1000000u) {
			give_up(w, rq, where, t0);
			return 1;
		}
		struct nbd_export x;
		struct errbuf e;
		int sock = nbd_connect(w->host, w->port, w->export_name, NBD_TIMEOUT_MS, &x, &e);
		if (sock < 0) {
			snprintf(why, sizeof(why), "%s", e.msg);
			continue;
		}
		if (x.size != w->size || x.flags != w->flags) {
			snprintf(why, sizeof(why), "%s now has size %" PRIu64 " and flags 0x%x, not %" PRIu64 " and 0x%x: "
				 "another export, not handed to the kernel", where, x.size, x.flags, w->size, w->flags);
			nbd_disconnect(sock);
			continue;
		}
		uint8_t msg[NBDNL_MSG_MAX];
		int rc = tcp_keepalive(sock, &e);
		if (rc == 0)
			rc = genl_call(rq, msg, nbdnl_build_reconfigure(msg, sizeof(msg), rq->family, genl_next_seq(rq),
									 (uint32_t)w->index, sock),
				       -1, NULL, "nbd reconfigure", &e);
		close(sock);	/* the kernel holds its own reference */
		if (rc == -ENOSPC) {
			note(w, "%s: the kernel has no dead connection to replace: the link is alive", where);
			return 0;
		}
		if (rc == 0) {
			note(w, "reconnected to %s after %.1f s (%u %s), size and flags unchanged", where,
			     (double)(monotonic_ns() - t0) / 1e9, attempt + 1, attempt ? "tries" : "try");
			return 0;
		}
		snprintf(why, sizeof(why), "%s", e.msg);
	}
}

static int supervise(const struct nbd_watch *w)
{
	struct genl ev, rq;
	struct errbuf e;

	if (genl_open(&rq, NBD_GENL_FAMILY_NAME, NULL, &e) < 0 ||
	    genl_open(&ev, NBD_GENL_FAMILY_NAME, NBD_GENL_MCAST_GROUP_NAME, &e) < 0 || genl_subscribe(&ev, &e) < 0) {
		note(w, "cannot watch the device, no reconnects: %s", e.msg);
		return 1;
	}
	note(w, "watching nbd://%s:%u/%s (pid %d): reconnects when the kernel reports the link dead", w->host,
	     w->port, w->export_name, (int)getpid());
	for (;;) {
		struct genl_msg m;
		int rc = genl_recv_event(&ev, NBD_STATUS_POLL_MS, &m, &e);
		if (rc > 0 && m.cmd == NBD_CMD_LINK_DEAD && m.index == w->index) {
			note(w, "link dead (kernel event): reconnecting");
			if (reconnect(w, &rq) > 0)
				break;
		} else if (rc == -ENOBUFS) {
			/* events were dropped: a reconnect finds out (ENOSPC if the link is alive) */
			note(w, "events lost: checking the link with a new connection");
			if (reconnect(w, &rq) > 0)
				break;
		} else if (rc < 0) {
			note(w, "%s", e.msg);
			jitter_sleep(1000);
		}
		if (!still_connected(w, &rq))
			break;
	}
	note(w, "device disconnected: supervisor exits");
	genl_close(&ev);
	genl_close(&rq);
	return 0;
}

/* argv: NAME INDEX HOST PORT SIZE FLAGS CONSOLE_FD LOG_FD EXPORT */
enum { A_INDEX = 1, A_HOST, A_PORT, A_SIZE, A_FLAGS, A_CONSOLE, A_LOG, A_EXPORT, A_COUNT };

static int num(const char *s, unsigned long long max, unsigned long long *v)
{
	char *end;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return !errno && end != s && !*end && *v <= max ? 0 : -1;
}

int nbd_supervisor_main(int argc, char **argv)
{
	struct nbd_watch w = { .console_fd = -1, .log_fd = -1 };
	unsigned long long index, port, size, flags, con, log;

	if (argc != A_COUNT || num(argv[A_INDEX], 1u << 20, &index) || num(argv[A_PORT], 65535, &port) ||
	    num(argv[A_SIZE], UINT64_MAX, &size) || num(argv[A_FLAGS], 65535, &flags) ||
	    num(argv[A_CONSOLE], 1024, &con) || num(argv[A_LOG], 1024, &log) ||
	    strlen(argv[A_HOST]) >= sizeof(w.host) || strlen(argv[A_EXPORT]) >= sizeof(w.export_name)) {
		fprintf(stderr, "%s: started by /init: INDEX HOST PORT SIZE FLAGS CONSOLE_FD LOG_FD EXPORT expected\n",
			argv[0]);
		return 2;
	}
	w.index = (int)index;
	w.port = (uint16_t)port;
	w.size = size;
	w.flags = (uint16_t)flags;
	w.console_fd = fcntl((int)con, F_GETFD) < 0 ? -1 : (int)con;
	w.log_fd = fcntl((int)log, F_GETFD) < 0 ? -1 : (int)log;
	snprintf(w.host, sizeof(w.host), "%s", argv[A_HOST]);
	snprintf(w.export_name, sizeof(w.export_name), "%s", argv[A_EXPORT]);
	/* the booted system's shutdown must not cut its root: SIGKILL ends it */
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	struct sigaction sa = { .sa_sigaction = on_shutdown, .sa_flags = SA_SIGINFO };	/* no SA_RESTART: a backoff sleep ends early */
	sigaction(SIGUSR1, &sa, NULL);
	return supervise(&w);
}

int nbd_supervisor_signal(int sig, int value)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char path[64], name[sizeof(NBD_SUPERVISOR_NAME) + 1] = "";
		int pid = atoi(de->d_name);
		if (pid <= 1 || pid == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
		if (read_file_up_to(path, name, sizeof(name) - 1) > 0 && !strcmp(name, NBD_SUPERVISOR_NAME) && sigqueue(pid, sig, (union sigval){ .sival_int = value }) == 0)
			n++;
	}
	closedir(d);
	return n;
}

int nbd_supervisor_shutting_down(const char *verb)
{
	return nbd_supervisor_signal(SIGUSR1, teardown_reboot_cmd(verb, NULL));
}

int nbd_supervisor_start(const struct nbd_watch *w, const char *self, const char *log_path, struct errbuf *e)
{
	char a[A_COUNT][32];
	char *argv[A_COUNT + 1];
	int ready[2], err = 0;

	int con = open("/dev/console", O_WRONLY | O_NOCTTY | O_CLOEXEC);
	int log = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (log < 0)
		fprintf(stderr, "netboot: nbd: %s: %s (the supervisor logs to the console only)\n", log_path,
			strerror(errno));
	if (pipe2(ready, O_CLOEXEC) < 0)
		return nb_fail(e, -errno, "nbd supervisor: pipe: %s", strerror(errno));
	snprintf(a[A_INDEX], sizeof(a[0]), "%d", w->index);
	snprintf(a[A_PORT], sizeof(a[0]), "%u", w->port);
	snprintf(a[A_SIZE], sizeof(a[0]), "%" PRIu64, w->size);
	snprintf(a[A_FLAGS], sizeof(a[0]), "%u", w->flags);
	snprintf(a[A_CONSOLE], sizeof(a[0]), "%d", con);
	snprintf(a[A_LOG], sizeof(a[0]), "%d", log);
	for (int i = 0; i < A_COUNT; i++)
		argv[i] = a[i];
	argv[0] = (char *)NBD_SUPERVISOR_NAME;
	argv[A_HOST] = (char *)w->host;
	argv[A_EXPORT] = (char *)w->export_name;
	argv[A_COUNT] = NULL;

	pid_t pid = fork();
	if (pid == 0) {
		setsid();	/* no controlling terminal, its own session */
		if (chdir("/") < 0 || (con >= 0 && fcntl(con, F_SETFD, 0) < 0) || (log >= 0 && fcntl(log, F_SETFD, 0) < 0))
			err = errno;
		if (!err) {
			execv(self, argv);
			err = errno;
		}
		if (write(ready[1], &err, sizeof(err)) < 0)
			_exit(126);
		_exit(127);
	}
	if (pid < 0)
		err = errno;
	close(ready[1]);
	/* EOF once the exec has closed the pipe: self may be deleted after that */
	if (pid > 0 && read(ready[0], &err, sizeof(err)) != sizeof(err))
		err = 0;
	if (pid > 0 && err)
		waitpid(pid, NULL, 0);
	close(ready[0]);
	if (con >= 0)
		close(con);
	if (log >= 0)
		close(log);
	if (err)
		return nb_fail(e, -err, "nbd supervisor: starting %s as %s: %s", self, NBD_SUPERVISOR_NAME, strerror(err));
	return (int)pid;
}
