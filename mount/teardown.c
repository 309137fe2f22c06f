#include "mount/teardown.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include "mount/dm_verity.h"
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <time.h>
#include <unistd.h>

#define MAX_MOUNTS 256
#define PASSES 8

struct mnt {
	char path[256];
	char type[32];
	bool done;
	int err;	/* why the last umount failed */
};

/* mountinfo escapes blanks as \040 and the like */
static void unescape(char *s)
{
	char *o = s;
	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

static bool kept(const char *path)
{
	static const char *const api[] = { "/proc", "/sys", "/dev" };
	if (!strcmp(path, "/"))
		return true;
	for (size_t i = 0; i < sizeof(api) / sizeof(api[0]); i++) {
		size_t n = strlen(api[i]);
		if (!strncmp(path, api[i], n) && (path[n] == '/' || !path[n]))
			return true;
	}
	return false;
}

/* The mounts to undo, in mount order. */
static int list_mounts(struct mnt *m, int max)
{
	char line[1024];
	int n = 0;
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return -errno;
	while (n < max && fgets(line, sizeof(line), f)) {
		/* id parent major:minor root mountpoint opts [optional...] - type source superopts */
		char *field[5], *save = NULL, *dash = strstr(line, " - ");
		int k = 0;
		for (char *t = strtok_r(line, " ", &save); t && k < 5; t = strtok_r(NULL, " ", &save))
			field[k++] = t;
		if (k < 5 || !dash)
			continue;
		char type[32] = "";
		sscanf(dash + 3, "%31s", type);
		unescape(field[4]);
		if (kept(field[4]) || strlen(field[4]) >= sizeof(m[n].path))
			continue;
		snprintf(m[n].path, sizeof(m[n].path), "%s", field[4]);
		snprintf(m[n].type, sizeof(m[n].type), "%s", type);
		m[n].done = false;
		n++;
	}
	fclose(f);
	return n;
}

static bool network_fs(const char *type)
{
	return !strncmp(type, "nfs", 3) || !strcmp(type, "cifs") || !strcmp(type, "smb3");
}

int teardown_mounts(struct teardown_stats *stats, FILE *log)
{
	static struct mnt m[MAX_MOUNTS];
	int n = list_mounts(m, MAX_MOUNTS), left = 0, done = 0, detached = 0;
	if (n < 0) {
		fprintf(log, "netboot: shutdown: /proc/self/mountinfo: %s\n", strerror(-n));
		return 1;
	}
	for (int pass = 0; pass < PASSES && done < n; pass++) {
		bool progress = false;
		for (int i = n - 1; i >= 0; i--) {
			if (m[i].done)
				continue;
			int flags = network_fs(m[i].type) ? MNT_FORCE : 0;
			if (umount2(m[i].path, flags) == 0 || errno == EINVAL || errno == ENOENT)
				m[i].done = progress = true, done++;
			else
				m[i].err = errno;
		}
		/* a squashfs gone frees its loop device, which still holds the
		 * image file open in the tmpfs below: let go of it now */
		teardown_loops(NULL);
		if (!progress)	/* the rest waits on the root: detached below */
			break;
	}
	/* Still busy is expected: overlayfs holds private clones of its layers,
	 * so the root keeps the squashfs, its loop device, the image's tmpfs and
	 * (NFS) the folder below it alive while they sit under it in the tree.
	 * Detaching the tree lets the kernel release them in order once nothing
	 * uses them: teardown_devices() waits for that. */
	for (int i = n - 1; i >= 0; i--) {
		if (m[i].done)
			continue;
		mount(NULL, m[i].path, NULL, MS_REMOUNT | MS_RDONLY, NULL);
		if (umount2(m[i].path, MNT_DETACH) == 0 || errno == EINVAL || errno == ENOENT) {
			detached++;
			continue;
		}
		fprintf(log, "netboot: shutdown: cannot unmount %s (%s): %s\n", m[i].path, m[i].type, strerror(m[i].err));
		left++;
	}
	if (stats)
		*stats = (struct teardown_stats){ .unmounted = done, .detached = detached };
	return left;
}

/* Is the block device still claimed (mounted, or held by another device)? */
static bool claimed(const char *dev)
{
	int fd = open(dev, O_RDONLY | O_EXCL | O_CLOEXEC);
	if (fd >= 0)
		close(fd);
	return fd < 0 && errno == EBUSY;
}

int teardown_devices(int timeout_ms, FILE *log)
{
	char dev[64];
	int left = 0;
	for (int waited = 0;; waited += 50) {
		left = teardown_loops(NULL);
		DIR *d = opendir("/sys/block");
		struct dirent *de;
		dev[0] = '\0';
		while (d && (de = readdir(d))) {
			char pid[300];
			snprintf(pid, sizeof(pid), "/sys/block/%s/pid", de->d_name);
			if (strncmp(de->d_name, "nbd", 3) || access(pid, F_OK) < 0)
				continue;
			snprintf(dev, sizeof(dev), "/dev/%.32s", de->d_name);
			if (claimed(dev))
				left++;
		}
		if (d)
			closedir(d);
		if (!left || waited >= timeout_ms)
			break;
		struct timespec ts = { 0, 50 * 1000000L };
		nanosleep(&ts, NULL);
	}
	if (left)
		left = teardown_loops(log);
	return left;
}

int teardown_loops(FILE *log)
{
	DIR *d;
	struct dirent *de;
	int left = 0;
	/* a dm-verity root holds its two loop devices until it goes */
	if (dm_verity_remove(DM_VERITY_ROOT_NAME) == -EBUSY && log)
		fprintf(log, "netboot: shutdown: cannot remove %s: busy\n", DM_VERITY_ROOT_NAME);
	d = opendir("/sys/block");
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char path[300];
		if (strncmp(de->d_name, "loop", 4))
			continue;
		snprintf(path, sizeof(path), "/sys/block/%s/loop/backing_file", de->d_name);
		if (access(path, F_OK) < 0)	/* not bound */
			continue;
		snprintf(path, sizeof(path), "/dev/%s", de->d_name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || ioctl(fd, LOOP_CLR_FD, 0) < 0) {
			if (errno != ENXIO) {	/* ENXIO: freed meanwhile */
				if (log)
					fprintf(log, "netboot: shutdown: cannot detach %s: %s\n", path, strerror(errno));
				left++;
			}
		}
		if (fd >= 0)
			close(fd);
	}
	closedir(d);
	return left;
}

int teardown_reboot_cmd(const char *verb, const char **doing)
{
	static const struct { const char *verb, *doing; int cmd; } verbs[] = {
		{ "reboot", "rebooting", RB_AUTOBOOT }, { "poweroff", "powering off", RB_POWER_OFF },
		{ "halt", "halting", RB_HALT_SYSTEM }, { "kexec", "starting the new kernel", RB_KEXEC },
	};
	size_t v = 1;
	for (size_t i = 0; verb && i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(verb, verbs[i].verb))
			v = i;
	if (doing)
		*doing = verbs[v].doing;
	return verbs[v].cmd;
}
