/* The block server: the kernel's nbd device is attached to one end of a
 * socketpair (mount/nbd.c, nbd_attach_pair) and the supervisor answers its
 * requests on the other end from a back end: an upstream NBD server
 * (blockserver_nbd.c) or an HTTP(S) image streamed into RAM
 * (blockserver_stream.c).  Read-only: writes are refused.  A back end
 * waits out outages itself, so the kernel sees an error only for a read
 * that can never succeed. */
#ifndef MOUNT_BLOCKSERVER_H
#define MOUNT_BLOCKSERVER_H
#include <stdint.h>

struct block_backend {
	uint64_t size;
	/* len bytes at offset into dst; 0, or a negative errno the kernel is
	 * told (-EIO).  Never returns for an outage it waits out. */
	int (*read)(struct block_backend *be, uint64_t offset, uint32_t len, uint8_t *dst);
};

/* Serves kernel_fd until the kernel sends NBD_CMD_DISC or closes it.
 * Returns 0 then, or a negative errno when the socket fails or the kernel
 * sends garbage (said on the console by the caller). */
int block_serve(int kernel_fd, struct block_backend *be, char *why, unsigned whylen);
#endif
