/* NBD client: the fixed newstyle handshake (NBD_OPT_GO, falling back to
 * NBD_OPT_EXPORT_NAME), the oldstyle one (nbdkit --oldstyle, nbd-server
 * 2.x: told apart by the greeting's second magic) and plain reads in the transmission phase.  /init
 * hands the connected socket to the kernel's nbd driver; the host tool reads
 * through nbd_read.  Codec: netboot/nbd_wire.h. */
#ifndef NETBOOT_NBD_CLIENT_H
#define NETBOOT_NBD_CLIENT_H
#include <stdint.h>
#include "netboot/errbuf.h"
#include "netboot/nbd_wire.h"	/* struct nbd_export, NBD_FLAG_* */

#define NBD_TIMEOUT_MS		10000
#define NBD_READ_MAX		(32u << 20)	/* largest single read we ask for (nbd-server's limit) */

/* Connects to host:port and negotiates export_name ("" for the default
 * export); an oldstyle server has one export per port and export_name is
 * not sent: out->oldstyle says so, the caller tells the user.  Returns the
 * socket (blocking, in the transmission phase, no structured replies,
 * close-on-exec) with *out filled, or a negative errno
 * with e naming nbd://host:port/export and the cause: -ENOENT no such export,
 * -EACCES refused by policy, -EPROTO not an NBD server / garbage,
 * -EPROTONOSUPPORT TLS required, -ETIMEDOUT, or tcp_connect's errors.
 * timeout_ms bounds each step (connect, each read and write). */
int nbd_connect(const char *host, uint16_t port, const char *export_name, int timeout_ms, struct nbd_export *out,
		struct errbuf *e);

/* One NBD_CMD_READ of len bytes (1..NBD_READ_MAX) at offset into buf.
 * Returns 0, or a negative errno: the server's error (-EIO, -EINVAL ...),
 * -EPROTO for a bad reply (magic, cookie), -ECONNRESET if the server closed,
 * -ETIMEDOUT.  After a failure other than the server's error the connection
 * is out of step and must be dropped. */
int nbd_read(int fd, uint64_t offset, void *buf, uint32_t len, int timeout_ms, struct errbuf *e);

/* Sends NBD_CMD_DISC (best effort) and closes fd. */
void nbd_disconnect(int fd);
#endif
