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
#include "netboot/mkdir_p.h"
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

/* With an NBD root: one runtime unit per shutdown target, started as that
 * target is, which tells the NBD supervisor the system is going down and
 * how (mount/nbd_supervisor.h): if the server is gone, the supervisor ends
 * the shutdown itself instead of leaving it to wait on the root for the
 * 10 minutes of the dead-connection timeout.  Its command is the shutdown
 * program in /run: nothing read from the root. */
int shutdown_nbd_units(struct boot *b)
{
	static const char *const verbs[] = { "poweroff", "reboot", "halt", "kexec" };
	char path[160], link[160], text[512];
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		int len = snprintf(text, sizeof(text),
				   "# written by netboot's /init for its NBD root (docs/handover.md)\n"
				   "[Unit]\nDescription=netboot: NBD root: %s even if its server is gone\n"
				   "DefaultDependencies=no\n\n[Service]\nType=oneshot\n"
				   "ExecStart=" SHUTDOWN_DIR "/shutdown " NBD_SHUTDOWN_VERB " %s\n", verbs[i], verbs[i]);
		snprintf(path, sizeof(path), "/run/systemd/system/netboot-nbd-%s.service", verbs[i]);
		snprintf(link, sizeof(link), "/run/systemd/system/%s.target.wants", verbs[i]);
		int fd;
		if (mkdir_p(link, 0755) < 0 || (fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
			return nb_fail(&b->err, -errno, "%s: %s", path, strerror(errno));
		ssize_t n = write(fd, text, (size_t)len);
		close(fd);
		if (n != len)
			return nb_fail(&b->err, -EIO, "%s: short write", path);
		snprintf(link, sizeof(link), "/run/systemd/system/%s.target.wants/netboot-nbd-%s.service", verbs[i], verbs[i]);
		if (symlink(path, link) < 0 && errno != EEXIST)
			return nb_fail(&b->err, -errno, "%s: %s", link, strerror(errno));
	}
	return 0;
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
	nbd_supervisor_signal(SIGKILL, 0);	/* one that did not see its device go */
	return left;
}

int shutdown_main(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : "poweroff", *doing;
	int cmd = teardown_reboot_cmd(verb, &doing);
	uint64_t t0 = monotonic_ns();

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
		    busy == 1 ? "" : "s", busy == 1 ? "" : "s", doing);
	else
		say("shutdown", "root, image and devices released in %.2f s (%d unmounted, %d released with the root); %s",
		    seconds_since(t0), st.unmounted, st.detached, doing);
	reboot(cmd);
	say("shutdown", "reboot(%s): %s", verb, strerror(errno));
	for (;;)	/* PID 1 never exits */
		pause();
}
