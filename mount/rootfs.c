#include "mount/rootfs.h"
#include "netboot/mkdir_p.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static int check_squashfs(const char *dev, struct errbuf *e)
{
	unsigned char magic[4];
	int fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nb_fail(e, -errno, "rootfs: %s: %s", dev, strerror(errno));
	ssize_t n = read(fd, magic, sizeof(magic));
	close(fd);
	if (n != 4 || memcmp(magic, "hsqs", 4) != 0)
		return nb_fail(e, -EINVAL, "rootfs: %s does not hold a squashfs image (magic %02x%02x%02x%02x, expected 'hsqs')",
			       dev, n > 0 ? magic[0] : 0, n > 1 ? magic[1] : 0, n > 2 ? magic[2] : 0, n > 3 ? magic[3] : 0);
	return 0;
}

int rootfs_assemble(const char *dev, const char *lower_dir, const char *rw_dir, const char *newroot,
		    bool *writable, struct errbuf *e)
{
	char opts[1400], upper[600], work[600];
	int rc;

	*writable = false;
	if ((rc = check_squashfs(dev, e)) < 0)
		return rc;
	if (mkdir_p(lower_dir, 0755) < 0 || mkdir_p(newroot, 0755) < 0)
		return nb_fail(e, -errno, "rootfs: cannot create %s or %s", lower_dir, newroot);
	if (mount(dev, lower_dir, "squashfs", MS_RDONLY, NULL) < 0)
		return nb_fail(e, -errno, "rootfs: mounting %s (squashfs) on %s: %s", dev, lower_dir, strerror(errno));
	snprintf(upper, sizeof(upper), "%s/upper", rw_dir);
	snprintf(work, sizeof(work), "%s/work", rw_dir);
	if (mkdir_p(rw_dir, 0755) < 0 || mount("tmpfs", rw_dir, "tmpfs", 0, "mode=0755") < 0) {
		nb_fail(e, 0, "tmpfs on %s: %s", rw_dir, strerror(errno));
	} else {
		snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s", lower_dir, upper, work);
		if (mkdir_p(upper, 0755) == 0 && mkdir_p(work, 0755) == 0 &&
		    mount("overlay", newroot, "overlay", 0, opts) == 0) {
			*writable = true;
			return 0;
		}
		nb_fail(e, 0, "overlay: %s", strerror(errno));
		umount(rw_dir);
	}
	/* the squashfs alone is the root, read-only; e says why */
	if (mount(lower_dir, newroot, NULL, MS_BIND, NULL) < 0)
		return nb_fail(e, -errno, "rootfs: bind-mounting %s on %s: %s", lower_dir, newroot, strerror(errno));
	return 0;
}

int rootfs_copy_in(const char *src, const char *dst, struct errbuf *e)
{
	char buf[8192];
	int in = open(src, O_RDONLY | O_CLOEXEC), out, rc = 0;
	ssize_t n;

	if (in < 0)
		return errno == ENOENT ? 0 : nb_fail(e, -errno, "%s: %s", src, strerror(errno));
	n = read(in, buf, sizeof(buf));
	close(in);
	if (n < 0)
		return nb_fail(e, -errno, "%s: %s", src, strerror(errno));
	unlink(dst);	/* the image may hold a symlink here: replace it, do not follow it */
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (out < 0)
		return nb_fail(e, -errno, "%s: %s", dst, strerror(errno));
	if (write(out, buf, (size_t)n) != n)
		rc = nb_fail(e, -EIO, "%s: short write", dst);
	close(out);
	return rc;
}
