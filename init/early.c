/* The first two stages: the kernel filesystems, then the command line. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "init/boot.h"
#include "netboot/mkdir_p.h"

int early_mounts(struct boot *b)
{
	static const struct { const char *src, *dir, *type, *opts; } fs[] = {
		{ "devtmpfs", "/dev", "devtmpfs", "mode=0755" },	/* not auto-mounted by Debian's kernel */
		{ "proc", "/proc", "proc", NULL },
		{ "sysfs", "/sys", "sysfs", NULL },
		{ "tmpfs", "/run", "tmpfs", "mode=0755,size=20%" },	/* as systemd mounts it: journald keeps its log here */
	};
	struct utsname u;

	for (size_t i = 0; i < sizeof(fs) / sizeof(fs[0]); i++) {
		mkdir(fs[i].dir, 0755);
		if (mount(fs[i].src, fs[i].dir, fs[i].type, MS_NOSUID, fs[i].opts) < 0 && errno != EBUSY)
			return nb_fail(&b->err, -errno, "mounting %s on %s: %s", fs[i].type, fs[i].dir, strerror(errno));
	}
	/* the console the kernel gave us may predate devtmpfs: reopen it */
	int fd = open("/dev/console", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, 0), dup2(fd, 1), dup2(fd, 2);
		close(fd);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (uname(&u) == 0)
		memcpy(b->kernel_release, u.release, sizeof(b->kernel_release) - 1);
	mkdir_p(RUN_DIR, 0755);
	say("init", "netboot agent on Linux %s, %.2f s after start", b->kernel_release, seconds_since(b->t0_ns));
	return 0;
}

int read_cmdline(struct boot *b)
{
	char line[4096];
	int fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nb_fail(&b->err, -errno, "/proc/cmdline: %s", strerror(errno));
	ssize_t n = read(fd, line, sizeof(line) - 1);
	close(fd);
	if (n < 0)
		return nb_fail(&b->err, -errno, "/proc/cmdline: %s", strerror(errno));
	int rc = cmdline_parse(line, (size_t)n, &b->cfg, &b->err);
	if (rc < 0 || (rc = cmdline_require_source(&b->cfg, &b->err)) < 0)
		return rc;
	char shown[URL_TEXT_MAX];
	url_format(&b->cfg.urls[0], shown, sizeof(shown));
	say("cmdline", "root image from %s%s", shown, b->cfg.nurls > 1 ? " (and mirrors)" : "");
	return 0;
}
