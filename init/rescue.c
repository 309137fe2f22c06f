/* The one place every fatal path ends: say what failed and why, then give
 * the user a busybox shell.  PID 1 must never exit (the kernel would panic),
 * so the shell is restarted whenever it ends. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "init/boot.h"
#include "init/modules.h"

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
	/* as PID 1 we inherit what the shell leaves behind: reap it all */
	for (pid_t done; pid > 0 && (done = waitpid(-1, NULL, 0)) != pid;)
		if (done < 0 && errno != EINTR)
			break;
}

/* Returns false when there is no shell to run (no busybox, or the
 * initramfs is already gone after a failed switch_root). */
bool run_shell(const char *banner)
{
	struct stat st;
	static bool installed;
	if (stat("/bin/busybox", &st) < 0) {
		fprintf(stderr, "netboot: no /bin/busybox: no shell to offer\n");
		return false;
	}
	if (!installed) {
		char *const install[] = { "/bin/busybox", "--install", "-s", "/bin", NULL };
		run_wait(install, false);
		installed = true;
	}
	fprintf(stderr, "%s\n", banner);
	char *const sh[] = { "/bin/busybox", "sh", NULL };
	run_wait(sh, true);
	return true;
}

void rescue(struct boot *b, const char *stage)
{
	fprintf(stderr, "\nnetboot: FAILED at %s: %s\n", stage, b->err.msg[0] ? b->err.msg : "unknown error");
	/* a driver that asks for its firmware when the interface goes up (r8169,
	 * tg3, bnx2x) leaves no NIC or no link: name the file it did not find */
	if (strcmp(stage, "modules"))
		firmware_report();
	while (run_shell("netboot: rescue shell (busybox). The boot stopped; the cause is above.")) {
		struct timespec ts = { 1, 0 };
		nanosleep(&ts, NULL);	/* do not spin if the shell dies at once */
	}
	for (;;)
		pause();	/* PID 1 must not exit */
}
