/* The last stage, at power-off: systemd's initrd interface.  systemd-shutdown
 * pivots back into /run/initramfs and execs /shutdown there as PID 1 with the
 * verb (poweroff, reboot, halt, kexec) in argv[1], the booted root moved to
 * /oldroot.  /init leaves a copy of itself there before switch_root; run
 * under that name it unmounts the overlay, the squashfs, the image's tmpfs
 * and the NFS folder, detaches the loop and NBD devices (the NBD supervisor
 * exits once its device is disconnected), and powers off.  Mounts under
 * /run/initramfs are ones systemd leaves alone before that ("extrinsic"), so
 * no unit fails to unmount them.  Roots without systemd never call it. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>
#include "init/boot.h"
#include "mount/nbd.h"
#include "mount/nbd_supervisor.h"
#include "mount/rootfs.h"
#include "mount/teardown.h"
#include "netboot/clock.h"

#define SHUTDOWN_DIR "/run/initramfs"
#define SHUTDOWN_RELEASE_WAIT_MS 5000	/* bounded: a device still held is named, the power-off goes on */

int shutdown_prepare(struct boot *b)
{
	static const char *const dirs[] = { SHUTDOWN_DIR "/oldroot", SHUTDOWN_DIR "/proc", SHUTDOWN_DIR "/sys",
					    SHUTDOWN_DIR "/dev" };
	char buf[65536];
	ssize_t n;
	int rc = 0, in, out;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (mkdir_p(dirs[i], 0755) < 0)
			return nb_fail(&b->err, -errno, "%s: %s", dirs[i], strerror(errno));
	/* a copy: switch_root empties the initramfs, and /run stays */
	if ((in = open("/init", O_RDONLY | O_CLOEXEC)) < 0)
		return nb_fail(&b->err, -errno, "/init: %s", strerror(errno));
	out = open(SHUTDOWN_DIR "/shutdown.tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (out < 0) {
		close(in);
		return nb_fail(&b->err, -errno, SHUTDOWN_DIR "/shutdown: %s", strerror(errno));
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	if (n < 0 || close(out) < 0)
		rc = nb_fail(&b->err, -EIO, SHUTDOWN_DIR "/shutdown: cannot copy /init: %s", strerror(errno));
	close(in);
	if (rc == 0 && rename(SHUTDOWN_DIR "/shutdown.tmp", SHUTDOWN_DIR "/shutdown") < 0)
		rc = nb_fail(&b->err, -errno, SHUTDOWN_DIR "/shutdown: %s", strerror(errno));
	return rc;
}

static void mount_api(void)
{
	static const struct { const char *src, *dir, *type; } fs[] = {
		{ "proc", "/proc", "proc" }, { "sysfs", "/sys", "sysfs" }, { "devtmpfs", "/dev", "devtmpfs" },
	};
	for (size_t i = 0; i < sizeof(fs) / sizeof(fs[0]); i++) {
		mkdir(fs[i].dir, 0755);
		mount(fs[i].src, fs[i].dir, fs[i].type, MS_NOSUID, NULL);	/* EBUSY: systemd moved it here */
	}
	int fd = open("/dev/console", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, 1), dup2(fd, 2);
		close(fd);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
}

/* Disconnects every NBD device still driven (its supervisor then exits), and
 * stops a supervisor that is still there. */
static int detach_nbd(void)
{
	DIR *d = opendir("/sys/block");
	struct dirent *de;
	int left = 0;
	struct errbuf e;
	while (d && (de = readdir(d))) {
		char path[300], dev[64];
		int n;
		if (sscanf(de->d_name, "nbd%d", &n) != 1)
			continue;
		snprintf(path, sizeof(path), "/sys/block/%s/pid", de->d_name);
		if (access(path, F_OK) < 0)
			continue;
		snprintf(dev, sizeof(dev), "/dev/nbd%d", n);
		if (nbd_detach(dev, &e) < 0) {
			say("shutdown", "%s", e.msg);
			left++;
		}
	}
	if (d)
		closedir(d);
	if (!(d = opendir("/proc")))
		return left;
	while ((de = readdir(d))) {
		char path[300], name[32] = "";
		int pid = atoi(de->d_name);
		if (pid <= 1)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t r = read(fd, name, sizeof(name) - 1);
		close(fd);
		if (r > 0 && !strcmp(name, NBD_SUPERVISOR_NAME))
			kill(pid, SIGKILL);
	}
	closedir(d);
	return left;
}

int shutdown_main(int argc, char **argv)
{
	static const struct { const char *verb, *doing; int cmd; } verbs[] = {
		{ "reboot", "rebooting", RB_AUTOBOOT }, { "poweroff", "powering off", RB_POWER_OFF },
		{ "halt", "halting", RB_HALT_SYSTEM }, { "kexec", "starting the new kernel", RB_KEXEC },
	};
	const char *verb = argc > 1 ? argv[1] : "poweroff";
	size_t v = 1;	/* an unknown verb powers off, as systemd-shutdown does */
	uint64_t t0 = monotonic_ns();

	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(verb, verbs[i].verb))
			v = i;
	mount_api();
	/* the loop devices autoclear once their squashfs is unmounted; NBD is
	 * disconnected only once nothing reads it */
	struct teardown_stats st;
	int busy = teardown_mounts(&st, stdout);
	busy += teardown_devices(SHUTDOWN_RELEASE_WAIT_MS, stdout);
	busy += detach_nbd();
	sync();
	if (busy)
		say("shutdown", "%d mount%s or device%s could not be released (named above); %s", busy,
		    busy == 1 ? "" : "s", busy == 1 ? "" : "s", verbs[v].doing);
	else
		say("shutdown", "root, image and devices released in %.2f s (%d unmounted, %d released with the root); %s",
		    seconds_since(t0), st.unmounted, st.detached, verbs[v].doing);
	reboot(verbs[v].cmd);
	say("shutdown", "reboot(%s): %s", verbs[v].verb, strerror(errno));
	for (;;)	/* PID 1 never exits */
		pause();
}
