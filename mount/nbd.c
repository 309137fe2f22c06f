#include "mount/nbd.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/nbd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NBD_DEVICES 16		/* the driver's default nbds_max */
#define NBD_READY_WAIT_MS 5000

/* A device nobody drives: no pid under /sys/block/nbdN. */
static bool nbd_free(int n)
{
	char path[64];
	struct stat st;
	snprintf(path, sizeof(path), "/sys/block/nbd%d/pid", n);
	return stat(path, &st) < 0;
}

static bool nbd_running(int n)
{
	return !nbd_free(n);
}

int nbd_attach(int sock, uint64_t size, uint16_t flags, char *dev, size_t devlen, struct errbuf *e)
{
	unsigned long blksize = size % 4096 == 0 ? 4096 : 512;
	int n, fd = -1, rc;

	for (n = 0; n < NBD_DEVICES && !nbd_free(n); n++)
		;
	snprintf(dev, devlen, "/dev/nbd%d", n);
	if (n == NBD_DEVICES || (fd = open(dev, O_RDWR | O_CLOEXEC)) < 0) {
		rc = nb_fail(e, n == NBD_DEVICES ? -EBUSY : -errno, "nbd: no free NBD device (%s: %s); is the nbd module loaded?",
			     dev, n == NBD_DEVICES ? "all busy" : strerror(errno));
		goto fail;
	}
	if (size % 512)
		fprintf(stderr, "netboot: nbd: export size %llu is not a multiple of 512: the last %llu bytes are not visible\n",
			(unsigned long long)size, (unsigned long long)(size % 512));
	if (ioctl(fd, NBD_SET_BLKSIZE, blksize) < 0 || ioctl(fd, NBD_SET_SIZE_BLOCKS, (unsigned long)(size / blksize)) < 0 ||
	    ioctl(fd, NBD_CLEAR_SOCK) < 0 || ioctl(fd, NBD_SET_FLAGS, (unsigned long)flags) < 0 ||
	    ioctl(fd, NBD_SET_SOCK, (unsigned long)sock) < 0) {
		rc = nb_fail(e, -errno, "nbd: configuring %s: %s", dev, strerror(errno));
		goto fail;
	}
	pid_t pid = fork();
	if (pid < 0) {
		rc = nb_fail(e, -errno, "nbd: fork: %s", strerror(errno));
		goto fail;
	}
	if (pid == 0) {
		/* the kernel's request loop: returns only when the connection ends */
		signal(SIGTERM, SIG_IGN);	/* the booted system's shutdown must not cut its root */
		ioctl(fd, NBD_DO_IT);
		ioctl(fd, NBD_CLEAR_QUE);
		ioctl(fd, NBD_CLEAR_SOCK);
		_exit(0);
	}
	close(sock);
	close(fd);
	for (int waited = 0; !nbd_running(n); waited += 20) {
		if (waited >= NBD_READY_WAIT_MS)
			return nb_fail(e, -ETIMEDOUT, "nbd: %s did not start serving within %d s", dev, NBD_READY_WAIT_MS / 1000);
		struct timespec ts = { 0, 20 * 1000000L };
		nanosleep(&ts, NULL);
	}
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	close(sock);
	return rc;
}

int nbd_detach(const char *dev, struct errbuf *e)
{
	int n, fd;

	if (sscanf(dev, "/dev/nbd%d", &n) != 1)
		return nb_fail(e, -EINVAL, "nbd: %s is not an NBD device", dev);
	if ((fd = open(dev, O_RDWR | O_CLOEXEC)) < 0)
		return nb_fail(e, -errno, "nbd: %s: %s", dev, strerror(errno));
	int rc = ioctl(fd, NBD_DISCONNECT) < 0 ? -errno : 0;
	close(fd);
	if (rc < 0)
		return nb_fail(e, rc, "nbd: disconnecting %s: %s", dev, strerror(-rc));
	for (int waited = 0; nbd_running(n); waited += 20) {
		if (waited >= NBD_READY_WAIT_MS)
			return nb_fail(e, -ETIMEDOUT, "nbd: %s still connected %d s after NBD_DISCONNECT", dev,
				       NBD_READY_WAIT_MS / 1000);
		struct timespec ts = { 0, 20 * 1000000L };
		nanosleep(&ts, NULL);
	}
	return 0;
}
