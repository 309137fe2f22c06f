#include "mount/nbd.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/nbd.h>
#include <linux/nbd-netlink.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "netboot/genl.h"
#include "netboot/tcp.h"

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

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static unsigned long block_size(uint64_t size)
{
	if (size % 512)
		fprintf(stderr, "netboot: nbd: export size %llu is not a multiple of 512: the last %llu bytes are not visible\n",
			(unsigned long long)size, (unsigned long long)(size % 512));
	return size % 4096 == 0 ? 4096 : 512;
}

/* NBD_CMD_CONNECT: returns the device index, or a negative errno
 * (-ENOENT: no nbd family in this kernel). */
static int attach_netlink(int sock, uint64_t size, uint16_t flags, unsigned timeout_s, struct errbuf *e)
{
	struct genl g;
	struct genl_msg reply = { .index = -1 };
	struct nbdnl_connect c = {
		.index = -1,
		.size = size - size % 512,
		.blksize = block_size(size),
		.server_flags = flags,
		.timeout_s = timeout_s,
		.dead_conn_timeout_s = NBD_DEAD_CONN_TIMEOUT_S,
		.sock = sock,
	};
	uint8_t msg[NBDNL_MSG_MAX];
	int rc = genl_open(&g, NBD_GENL_FAMILY_NAME, NULL, e);

	if (rc < 0)
		return rc;
	int len = nbdnl_build_connect(msg, sizeof(msg), g.family, genl_next_seq(&g), &c);
	rc = genl_call(&g, msg, len, -1, &reply, "nbd connect", e);
	genl_close(&g);
	if (rc < 0)
		return rc;
	if (reply.index < 0 || reply.index > 100000)
		return nb_fail(e, -EPROTO, "nbd connect: the kernel's answer named no device");
	return (int)reply.index;
}

static int attach_ioctl(int sock, uint64_t size, uint16_t flags, char *dev, size_t devlen, struct errbuf *e)
{
	unsigned long blksize = block_size(size);
	int n, fd = -1, rc;

	for (n = 0; n < NBD_DEVICES && !nbd_free(n); n++)
		;
	snprintf(dev, devlen, "/dev/nbd%d", n);
	if (n == NBD_DEVICES || (fd = open(dev, O_RDWR | O_CLOEXEC)) < 0) {
		rc = nb_fail(e, n == NBD_DEVICES ? -EBUSY : -errno, "nbd: no free NBD device (%s: %s); is the nbd module loaded?",
			     dev, n == NBD_DEVICES ? "all busy" : strerror(errno));
		goto fail;
	}
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
		nap_ms(20);
	}
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	close(sock);
	return rc;
}

int nbd_attach(int sock, uint64_t size, uint16_t flags, char *dev, size_t devlen, int *index, struct errbuf *e)
{
	struct errbuf why;
	int rc;

	*index = -1;
	if ((rc = tcp_keepalive(sock, e)) < 0) {
		close(sock);
		return rc;
	}
	rc = attach_netlink(sock, size, flags, NBD_REQ_TIMEOUT_S, &why);
	if (rc >= 0) {
		close(sock);	/* the kernel holds its own reference */
		*index = rc;
		snprintf(dev, devlen, "/dev/nbd%d", rc);
		return 0;
	}
	if (rc != -ENOENT) {
		close(sock);
		return nb_fail(e, rc, "nbd: %s", why.msg);
	}
	fprintf(stderr, "netboot: nbd: %s: attaching with ioctls (no request timeout, no reconnect)\n", why.msg);
	return attach_ioctl(sock, size, flags, dev, devlen, e);
}

int nbd_attach_pair(int sock, uint64_t size, uint16_t flags, char *dev, size_t devlen, int *index, struct errbuf *e)
{
	struct errbuf why;
	/* no request timeout: the block server waits out outages itself, and
	 * the kernel only logs a request that takes long */
	int rc = attach_netlink(sock, size, flags, 0, &why);
	*index = -1;
	if (rc >= 0) {
		close(sock);
		*index = rc;
		snprintf(dev, devlen, "/dev/nbd%d", rc);
		return 0;
	}
	if (rc != -ENOENT) {
		close(sock);
		return nb_fail(e, rc, "nbd: %s", why.msg);
	}
	return attach_ioctl(sock, size, flags, dev, devlen, e);
}

/* NBD_CMD_DISCONNECT; -ENOENT when the kernel has no nbd family. */
static int detach_netlink(int n, struct errbuf *e)
{
	uint8_t msg[NBDNL_MSG_MAX];
	struct genl g;
	int rc = genl_open(&g, NBD_GENL_FAMILY_NAME, NULL, e);

	if (rc < 0)
		return rc;
	rc = genl_call(&g, msg, nbdnl_build_disconnect(msg, sizeof(msg), g.family, genl_next_seq(&g), (uint32_t)n), -1,
		       NULL, "nbd disconnect", e);
	genl_close(&g);
	return rc;
}

int nbd_detach(const char *dev, struct errbuf *e)
{
	int n, fd, rc;

	if (sscanf(dev, "/dev/nbd%d", &n) != 1)
		return nb_fail(e, -EINVAL, "nbd: %s is not an NBD device", dev);
	/* an ioctl NBD_DISCONNECT would leave a netlink-attached device's
	 * configuration (and its pid file) in place */
	rc = detach_netlink(n, e);
	if (rc == -ENOENT) {
		if ((fd = open(dev, O_RDWR | O_CLOEXEC)) < 0)
			return nb_fail(e, -errno, "nbd: %s: %s", dev, strerror(errno));
		rc = ioctl(fd, NBD_DISCONNECT) < 0 ? -errno : 0;
		close(fd);
	}
	if (rc < 0)
		return nb_fail(e, rc, "nbd: disconnecting %s: %s", dev, strerror(-rc));
	for (int waited = 0; nbd_running(n); waited += 20) {
		if (waited >= NBD_READY_WAIT_MS)
			return nb_fail(e, -ETIMEDOUT, "nbd: %s still connected %d s after NBD_DISCONNECT", dev,
				       NBD_READY_WAIT_MS / 1000);
		nap_ms(20);
	}
	return 0;
}
