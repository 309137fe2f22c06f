/* The block server's request loop: see blockserver.h. */
#include "mount/blockserver.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/uio.h>
#include "netboot/nbd_wire.h"

#define BLOCK_READ_MAX (32u << 20)	/* the kernel asks for far less (max_sectors) */

static int read_full(int fd, void *buf, size_t len)
{
	for (size_t got = 0; got < len;) {
		ssize_t n = read(fd, (char *)buf + got, len - got);
		if (n == 0)
			return got ? -EPROTO : 0;
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n > 0)
			got += (size_t)n;
	}
	return 1;
}

static int write_full(int fd, struct iovec *iov, int n)
{
	while (n) {
		ssize_t w = writev(fd, iov, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		while (n && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++, n--;
		}
		if (n) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

/* The spec's error numbers are Linux's errno values. */
static int reply(int fd, uint64_t cookie, uint32_t error, void *data, uint32_t len)
{
	uint8_t head[NBD_SIMPLE_REPLY_LEN];
	struct nbd_simple_reply r = { .error = error, .cookie = cookie };
	struct iovec iov[2] = { { head, sizeof(head) }, { data, error ? 0 : len } };
	nbd_build_simple_reply(head, sizeof(head), &r);
	return write_full(fd, iov, data && !error && len ? 2 : 1);
}

int block_serve(int kernel_fd, struct block_backend *be, char *why, unsigned whylen)
{
	uint8_t raw[NBD_REQUEST_LEN], *buf = NULL;
	uint32_t cap = 0;
	int rc;

	for (;;) {
		struct nbd_request rq;
		struct errbuf e;
		if ((rc = read_full(kernel_fd, raw, sizeof(raw))) <= 0) {
			if (rc < 0)
				snprintf(why, whylen, "reading the kernel's request: %s", strerror(-rc));
			break;
		}
		if (nbd_parse_request(raw, sizeof(raw), &rq, &e) < 0) {
			snprintf(why, whylen, "the kernel's request: %s", e.msg);
			rc = -EPROTO;
			break;
		}
		uint32_t err = 0;
		if (rq.type == NBD_CMD_DISC) {
			rc = 0;
			break;
		}
		if (rq.type == NBD_CMD_READ) {
			if (rq.len > BLOCK_READ_MAX || rq.offset > be->size || rq.len > be->size - rq.offset)
				err = NBD_EINVAL;
			else if (rq.len > cap) {
				uint8_t *bigger = realloc(buf, rq.len);
				if (bigger)
					buf = bigger, cap = rq.len;
				else
					err = 12;	/* ENOMEM */
			}
			if (!err && rq.len && (rc = be->read(be, rq.offset, rq.len, buf)) < 0)
				err = (uint32_t)-rc < 4096 ? (uint32_t)-rc : NBD_EIO;
		} else if (rq.type != NBD_CMD_FLUSH) {
			err = NBD_EPERM;	/* a read-only export: writes, trims, ... */
		}
		if ((rc = reply(kernel_fd, rq.cookie, err, buf, rq.type == NBD_CMD_READ ? rq.len : 0)) < 0) {
			snprintf(why, whylen, "answering the kernel: %s", strerror(-rc));
			break;
		}
	}
	free(buf);
	return rc;
}
