/* Attaching an image file to a loop device, read-only. */
#ifndef MOUNT_LOOP_H
#define MOUNT_LOOP_H
#include <stddef.h>
#include "netboot/errbuf.h"

/* Finds a free loop device (LOOP_CTL_GET_FREE) and binds file to it with
 * LOOP_CONFIGURE (read-only, autoclear: detached when the last user goes);
 * falls back to LOOP_SET_FD + LOOP_SET_STATUS64 on kernels before 5.8.
 * Writes "/dev/loopN" into dev and returns the loop device's open fd: the
 * caller closes it once the device is mounted, since autoclear would detach
 * a device that nobody holds. */
int loop_attach(const char *file, char *dev, size_t devlen, struct errbuf *e);
#endif
