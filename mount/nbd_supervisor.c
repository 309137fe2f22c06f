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
#include "netboot/clock.h"
#include "netboot/jitter.h"
#include "netboot/read_file.h"
#include "mount/teardown.h"

/* Set by SIGUSR1 (nbd_supervisor_shutting_down): the booted system is
 * shutting down, and the reboot(2) command it is heading for. */
static volatile sig_atomic_t shutting_down;
static volatile sig_atomic_t shutdown_cmd;

/* Where sup_note writes: one supervisor per process, set once in main. */
static struct { int index, console_fd, log_fd; } out = { -1, -1, -1 };

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

/* The log's lines are stamped with seconds since boot (CLOCK_MONOTONIC). */
void sup_note(const char *fmt, ...)
{
	char text[640];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (out.console_fd >= 0)
		dprintf(out.console_fd, "netboot-nbd: nbd%d: %s\n", out.index, text);
	if (out.log_fd >= 0)
		dprintf(out.log_fd, "[%8.3f] nbd%d: %s\n", (double)monotonic_ns() / 1e9, out.index, text);
}

/* The system is shutting down and the root's server is gone: systemd
 * cannot finish (it still reads the root, and its reads wait for the
 * server).  The root's changes live in RAM; other disks are synced: end it
 * here. */
static void give_up(const char *where, uint64_t t0)
{
	sup_note("the system is shutting down and %s has been unreachable for %.0f s: syncing and finishing the "
		 "shutdown here instead of waiting on it", where, (double)(monotonic_ns() - t0) / 1e9);
	sync();
	reboot(shutdown_cmd);
	if (shutdown_cmd == (int)RB_KEXEC)	/* no kernel loaded yet */
		reboot(RB_AUTOBOOT);
	sup_note("reboot: %s; waiting on for the server", strerror(errno));
}

void sup_outage_wait(unsigned attempt, uint64_t t0, const char *where, const char *why)
{
	unsigned ms = nbd_backoff_ms(attempt, jitter_random());
	if (shutting_down && monotonic_ns() - t0 >= (uint64_t)NBD_SHUTDOWN_GRACE_MS * 1000000u)
		give_up(where, t0);
	/* every try at first, then one line a minute: an outage can be long */
	if (attempt < 6 || attempt % 6 == 0)
		sup_note("try %u: %s; next try in %u.%01u s (the kernel's reads wait)", attempt + 1, why, ms / 1000,
			 ms % 1000 / 100);
	jitter_sleep(ms);
}

/* --- arguments: KEY=VALUE words, so /init and the supervisor agree by name --- */

static int num(const char *s, unsigned long long max, unsigned long long *v)
{
	char *end;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return !errno && end != s && !*end && *v <= max ? 0 : -1;
}

static int fd_arg(const char *s, int *fd)
{
	unsigned long long v;
	if (!strcmp(s, "-1")) {
		*fd = -1;
		return 0;
	}
	if (num(s, 65535, &v) < 0)
		return -1;
	*fd = fcntl((int)v, F_GETFD) < 0 ? -1 : (int)v;
	return 0;
}

static int text_arg(const char *s, char *dst, size_t cap)
{
	if (strlen(s) >= cap)
		return -1;
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

static int parse_word(struct nbd_watch *w, const char *word, int *nconnect)
{
	const char *eq = strchr(word, '=');
	unsigned long long v;
	if (!eq)
		return -1;
	size_t k = (size_t)(eq - word);
	const char *val = eq + 1;
#define KEY(name) (k == sizeof(name) - 1 && !strncmp(word, name, k))
	if (KEY("mode")) {
		w->stream = !strcmp(val, "stream");
		return w->stream || !strcmp(val, "nbd") ? 0 : -1;
	}
	if (KEY("index"))
		return num(val, 1u << 20, &v) < 0 ? -1 : (w->index = (int)v, 0);
	if (KEY("size"))
		return num(val, UINT64_MAX, &v) < 0 ? -1 : (w->size = v, 0);
	if (KEY("flags"))
		return num(val, 65535, &v) < 0 ? -1 : (w->flags = (uint16_t)v, 0);
	if (KEY("timeout"))
		return num(val, 3600000, &v) < 0 ? -1 : (w->timeout_ms = (int)v, 0);
	if (KEY("kernel"))
		return fd_arg(val, &w->kernel_fd);
	if (KEY("upstream"))
		return fd_arg(val, &w->upstream_fd);
	if (KEY("cache"))
		return fd_arg(val, &w->cache_fd);
	if (KEY("state"))
		return fd_arg(val, &w->state_fd);
	if (KEY("kmsg"))
		return fd_arg(val, &w->kmsg_fd);
	if (KEY("vlog"))
		return fd_arg(val, &w->vlog_fd);
	if (KEY("console"))
		return fd_arg(val, &w->console_fd);
	if (KEY("log"))
		return fd_arg(val, &w->log_fd);
	if (KEY("ca"))
		return text_arg(val, w->ca_file, sizeof(w->ca_file));
	if (KEY("mirror"))
		return w->nmirrors >= SUP_MIRRORS_MAX ? -1 : text_arg(val, w->mirror[w->nmirrors++], sizeof(w->mirror[0]));
	if (KEY("connect"))
		return *nconnect >= SUP_MIRRORS_MAX ? -1 : text_arg(val, w->connect[(*nconnect)++], sizeof(w->connect[0]));
#undef KEY
	return -1;
}

int nbd_supervisor_main(int argc, char **argv)
{
	static struct nbd_watch w;
	int nconnect = 0;

	w = (struct nbd_watch){ .kernel_fd = -1, .upstream_fd = -1, .cache_fd = -1, .state_fd = -1, .console_fd = -1,
				.log_fd = -1, .kmsg_fd = -1, .vlog_fd = -1 };
	for (int i = 1; i < argc; i++)
		if (parse_word(&w, argv[i], &nconnect) < 0) {
			fprintf(stderr, "%s: started by /init: '%s' is not one of its KEY=VALUE arguments\n", argv[0], argv[i]);
			return 2;
		}
	if (w.kernel_fd < 0 || !w.size || !w.nmirrors || nconnect != w.nmirrors || (w.stream && w.cache_fd < 0)) {
		fprintf(stderr, "%s: started by /init: kernel=FD, size=, a mirror= and connect= for each%s expected\n",
			argv[0], w.stream ? ", cache=FD" : "");
		return 2;
	}
	out.index = w.index;
	out.console_fd = w.console_fd;
	out.log_fd = w.log_fd;
	/* the booted system's shutdown must not cut its root: SIGKILL ends it */
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	struct sigaction sa = { .sa_sigaction = on_shutdown, .sa_flags = SA_SIGINFO };	/* no SA_RESTART: a backoff sleep ends early */
	sigaction(SIGUSR1, &sa, NULL);
	verity_watch_start(w.kmsg_fd, w.vlog_fd, 4096);	/* netboot verity's data blocks */
	int rc = w.stream ? serve_stream(&w) : serve_nbd_upstream(&w);
	sup_note("device disconnected: supervisor exits");
	return rc;
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

#define ARGS_MAX (16 + 2 * SUP_MIRRORS_MAX)

/* "key=value" into slot i of words; returns i + 1. */
static int word(char (*words)[URL_TEXT_MAX + 16], int i, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int word(char (*words)[URL_TEXT_MAX + 16], int i, const char *key, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(words[i], sizeof(words[0]), "%s=", key);
	va_start(ap, fmt);
	vsnprintf(words[i] + n, sizeof(words[0]) - (size_t)n, fmt, ap);
	va_end(ap);
	return i + 1;
}

int nbd_supervisor_start(const struct nbd_watch *w, const char *self, const char *log_path, struct errbuf *e)
{
	static char words[ARGS_MAX][URL_TEXT_MAX + 16];
	char *argv[ARGS_MAX + 2];
	int ready[2], err = 0, n = 0;
	int keep[] = { w->kernel_fd, w->upstream_fd, w->cache_fd, w->state_fd, w->kmsg_fd, w->vlog_fd };

	int con = open("/dev/console", O_WRONLY | O_NOCTTY | O_CLOEXEC);
	int log = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (log < 0)
		fprintf(stderr, "netboot: nbd: %s: %s (the supervisor logs to the console only)\n", log_path,
			strerror(errno));
	if (pipe2(ready, O_CLOEXEC) < 0)
		return nb_fail(e, -errno, "nbd supervisor: pipe: %s", strerror(errno));
	n = word(words, n, "mode", "%s", w->stream ? "stream" : "nbd");
	n = word(words, n, "index", "%d", w->index);
	n = word(words, n, "kernel", "%d", w->kernel_fd);
	n = word(words, n, "upstream", "%d", w->upstream_fd);
	n = word(words, n, "cache", "%d", w->cache_fd);
	n = word(words, n, "state", "%d", w->state_fd);
	n = word(words, n, "size", "%" PRIu64, w->size);
	n = word(words, n, "flags", "%u", w->flags);
	if (w->timeout_ms)
		n = word(words, n, "timeout", "%d", w->timeout_ms);
	n = word(words, n, "kmsg", "%d", w->kmsg_fd);
	n = word(words, n, "vlog", "%d", w->vlog_fd);
	n = word(words, n, "console", "%d", con);
	n = word(words, n, "log", "%d", log);
	if (w->ca_file[0])
		n = word(words, n, "ca", "%s", w->ca_file);
	for (int i = 0; i < w->nmirrors && i < SUP_MIRRORS_MAX; i++) {
		n = word(words, n, "mirror", "%s", w->mirror[i]);
		n = word(words, n, "connect", "%s", w->connect[i]);
	}
	argv[0] = (char *)NBD_SUPERVISOR_NAME;
	for (int i = 0; i < n; i++)
		argv[i + 1] = words[i];
	argv[n + 1] = NULL;

	pid_t pid = fork();
	if (pid == 0) {
		setsid();	/* no controlling terminal, its own session */
		if (chdir("/") < 0 || (con >= 0 && fcntl(con, F_SETFD, 0) < 0) || (log >= 0 && fcntl(log, F_SETFD, 0) < 0))
			err = errno;
		for (unsigned i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
			if (!err && keep[i] >= 0 && fcntl(keep[i], F_SETFD, 0) < 0)
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
