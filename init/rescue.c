/* The one place every fatal path ends: say what failed and why, then give
 * the user a busybox shell.  PID 1 must never exit (the kernel would panic),
 * so the shell is restarted whenever it ends. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "init/boot.h"

static void run_wait(char *const argv[], bool as_console_session)
{
	pid_t pid = fork();
	if (pid == 0) {
		if (as_console_session) {
			setsid();
			int fd = open("/dev/console", O_RDWR);
			if (fd >= 0) {
				ioctl(fd, TIOCSCTTY, 1);
				dup2(fd, 0), dup2(fd, 1), dup2(fd, 2);
				if (fd > 2)
					close(fd);
			}
		}
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
}

void run_shell(const char *banner)
{
	struct stat st;
	static bool installed;
	if (stat("/bin/busybox", &st) < 0) {
		fprintf(stderr, "netboot: no /bin/busybox in the initramfs: no shell to offer\n");
		return;
	}
	if (!installed) {
		char *const install[] = { "/bin/busybox", "--install", "-s", "/bin", NULL };
		run_wait(install, false);
		installed = true;
	}
	fprintf(stderr, "%s\n", banner);
	char *const sh[] = { "/bin/busybox", "sh", NULL };
	run_wait(sh, true);
}

void rescue(struct boot *b, const char *stage)
{
	fprintf(stderr, "\nnetboot: FAILED at %s: %s\n", stage, b->err.msg[0] ? b->err.msg : "unknown error");
	for (;;) {
		run_shell("netboot: rescue shell (busybox). The boot stopped; the cause is above.");
		struct timespec ts = { 1, 0 };
		nanosleep(&ts, NULL);	/* do not spin if the shell cannot start */
	}
}
