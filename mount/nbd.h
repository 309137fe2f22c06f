/* Handing an NBD connection (past its handshake, netboot/nbd_client.c) to
 * the kernel's nbd driver, so the root image is read block by block over
 * the network and never copied into RAM. */
#ifndef MOUNT_NBD_H
#define MOUNT_NBD_H
#include <stddef.h>
#include <stdint.h>
#include "netboot/errbuf.h"

/* Request timeout and dead-connection timeout handed to the kernel (see
 * docs/design.md): a request unanswered for NBD_REQ_TIMEOUT_S marks the
 * connection dead; I/O then waits up to NBD_DEAD_CONN_TIMEOUT_S for a new
 * socket (NBD_CMD_RECONFIGURE) before it fails. */
#define NBD_REQ_TIMEOUT_S 30
#define NBD_DEAD_CONN_TIMEOUT_S 600

/* Hands sock (past its handshake) to the kernel with the export's size and
 * transmission flags, TCP keepalive and user timeout set on it.  Through
 * the generic-netlink "nbd" family when the kernel has it (Linux >= 4.12):
 * NBD_CMD_CONNECT with the timeouts above, the device picked by the kernel;
 * *index is then its number, which a supervisor can reconnect.  Else with
 * the old ioctls (NBD_SET_SOCK, NBD_DO_IT in a child that outlives
 * switch_root; no timeouts, no reconnect) and *index = -1.  Writes
 * "/dev/nbdN" into dev.  sock is handed over: the caller must not use it. */
int nbd_attach(int sock, uint64_t size, uint16_t flags, char *dev, size_t devlen, int *index, struct errbuf *e);
/* The same for the kernel's end of a socketpair the block server
 * (mount/blockserver.h) answers: no TCP options, no request timeout. */
int nbd_attach_pair(int sock, uint64_t size, uint16_t flags, char *dev, size_t devlen, int *index, struct errbuf *e);
/* Ends dev's connection (the server is sent NBD_CMD_DISC: NBD_CMD_DISCONNECT
 * through netlink, else the NBD_DISCONNECT ioctl) and waits until the
 * kernel has let go of it (docache: the image is in RAM now). */
int nbd_detach(const char *dev, struct errbuf *e);
#endif
