/* Handing an NBD connection (past its handshake, netboot/nbd_client.c) to
 * the kernel's nbd driver, so the root image is read block by block over
 * the network and never copied into RAM. */
#ifndef MOUNT_NBD_H
#define MOUNT_NBD_H
#include <stddef.h>
#include <stdint.h>
#include "netboot/errbuf.h"

/* Binds sock to the first free /dev/nbdN with the export's size and
 * transmission flags, and starts the kernel's request loop (NBD_DO_IT) in a
 * child process, which keeps serving the device after switch_root.  Waits
 * until the device answers, writes "/dev/nbdN" into dev.  sock is handed
 * over: the caller must not use it any more. */
int nbd_attach(int sock, uint64_t size, uint16_t flags, char *dev, size_t devlen, struct errbuf *e);
/* Ends dev's connection (NBD_DISCONNECT: the server is sent NBD_CMD_DISC)
 * and waits until the request loop has let go of it (docache: the image is
 * in RAM now).  The child that ran NBD_DO_IT exits; the booted init reaps it. */
int nbd_detach(const char *dev, struct errbuf *e);
#endif
