#include "mount/switch_root.h"
#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Removes everything under the directory fd that lives on device dev; other
 * filesystems (the new root, the moved mounts) are left alone. */
static void delete_tree(int dirfd, dev_t dev)
{
	DIR *d = fdopendir(dirfd);
	struct dirent *ent;
	if (!d) {
		close(dirfd);
		return;
	}
	while ((ent = readdir(d))) {
		struct stat st;
		if (!strcmp(ent->d_name, ".") || !strcmp(ent->d_name, ".."))
			continue;
		if (fstatat(dirfd, ent->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_dev != dev)
			continue;
		if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd, ent->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (sub >= 0)
				delete_tree(sub, dev);
			unlinkat(dirfd, ent->d_name, AT_REMOVEDIR);
		} else {
			unlinkat(dirfd, ent->d_name, 0);
		}
	}
	closedir(d);
}

/* Is init an executable file inside newroot, following its symlinks as the
 * booted system will (Debian's /sbin/init -> /lib/systemd/systemd is
 * absolute: resolved naively it would point into the initramfs)? */
static bool init_is_executable(const char *newroot, const char *init)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT };
	struct stat st;
	int rootfd = open(newroot, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return false;
	long fd = syscall(SYS_openat2, rootfd, init, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS) {	/* kernels before 5.6: the plain path */
		char path[512];
		snprintf(path, sizeof(path), "%s%s", newroot, init);
		fd = open(path, O_PATH | O_CLOEXEC);
	}
	close(rootfd);
	if (fd < 0)
		return false;
	bool ok = fstat((int)fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
	close((int)fd);
	return ok;
}

int switch_root(const char *newroot, const char *init, struct errbuf *e)
{
	static const char *const moved[] = { "/dev", "/proc", "/sys", "/run" };
	struct statfs sfs;
	struct stat root_st, new_st;
	char path[512];

	if (statfs("/", &sfs) < 0 || (sfs.f_type != TMPFS_MAGIC && sfs.f_type != RAMFS_MAGIC))
		return nb_fail(e, -EINVAL, "switch_root: / is not an initramfs (tmpfs/ramfs); refusing to delete it");
	if (stat("/", &root_st) < 0 || stat(newroot, &new_st) < 0)
		return nb_fail(e, -errno, "switch_root: %s: %s", newroot, strerror(errno));
	if (root_st.st_dev == new_st.st_dev)
		return nb_fail(e, -EINVAL, "switch_root: %s is not a mounted filesystem", newroot);
	if (!init_is_executable(newroot, init))
		return nb_fail(e, -ENOENT, "switch_root: %s is not an executable file in the image (init=%s)", init, init);

	for (size_t i = 0; i < sizeof(moved) / sizeof(moved[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", newroot, moved[i]);
		mkdir(path, 0755);	/* may exist, may fail on a read-only root: checked by mount */
		if (mount(moved[i], path, NULL, MS_MOVE, NULL) < 0)
			umount2(moved[i], MNT_DETACH);	/* the image has no such folder: drop it */
	}
	if (chdir(newroot) < 0)
		return nb_fail(e, -errno, "switch_root: chdir %s: %s", newroot, strerror(errno));
	int rootfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd >= 0)
		delete_tree(rootfd, root_st.st_dev);
	if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
		return nb_fail(e, -errno, "switch_root: moving %s to /: %s", newroot, strerror(errno));
	if (chroot(".") < 0 || chdir("/") < 0)
		return nb_fail(e, -errno, "switch_root: chroot: %s", strerror(errno));
	char *const argv[] = { (char *)init, NULL };
	execv(init, argv);
	return nb_fail(e, -errno, "switch_root: exec %s: %s", init, strerror(errno));
}
