#include "mount/loop.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int loop_attach(const char *file, char *dev, size_t devlen, struct errbuf *e)
{
	int ctl = -1, img = -1, loop = -1, rc, n;

	img = open(file, O_RDONLY | O_CLOEXEC);
	if (img < 0)
		return nb_fail(e, -errno, "loop: cannot open %s: %s", file, strerror(errno));
	ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0) {
		rc = nb_fail(e, -errno, "loop: /dev/loop-control: %s (is the loop module loaded?)", strerror(errno));
		goto out;
	}
	n = ioctl(ctl, LOOP_CTL_GET_FREE);
	if (n < 0) {
		rc = nb_fail(e, -errno, "loop: no free loop device: %s", strerror(errno));
		goto out;
	}
	snprintf(dev, devlen, "/dev/loop%d", n);
	loop = open(dev, O_RDONLY | O_CLOEXEC);
	if (loop < 0) {
		rc = nb_fail(e, -errno, "loop: %s: %s", dev, strerror(errno));
		goto out;
	}
	struct loop_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.fd = (unsigned)img;
	cfg.info.lo_flags = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR;
	snprintf((char *)cfg.info.lo_file_name, LO_NAME_SIZE, "%s", file);
	if (ioctl(loop, LOOP_CONFIGURE, &cfg) == 0) {
		rc = loop;
		loop = -1;
		goto out;
	}
	if (errno != EINVAL && errno != ENOTTY) {
		rc = nb_fail(e, -errno, "loop: attaching %s to %s: %s", file, dev, strerror(errno));
		goto out;
	}
	/* kernels before 5.8 */
	if (ioctl(loop, LOOP_SET_FD, img) < 0 || ioctl(loop, LOOP_SET_STATUS64, &cfg.info) < 0) {
		rc = nb_fail(e, -errno, "loop: attaching %s to %s: %s", file, dev, strerror(errno));
		goto out;
	}
	rc = loop;
	loop = -1;
out:
	if (loop >= 0)
		close(loop);
	if (ctl >= 0)
		close(ctl);
	close(img);
	return rc;
}
