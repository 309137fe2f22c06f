/* Assembling the new root from the image's block device: the squashfs
 * read-only underneath, and, when the kernel has overlayfs, a tmpfs upper
 * layer so the booted system can write (what SystemRescueCd did with aufs). */
#ifndef MOUNT_ROOTFS_H
#define MOUNT_ROOTFS_H
#include <stdbool.h>
#include <stddef.h>
#include "netboot/errbuf.h"

/* Checks the device holds a squashfs (magic "hsqs"), mounts it read-only at
 * lower_dir, then overlays rw_dir (a fresh tmpfs) on it at newroot.  Without
 * overlayfs the squashfs itself becomes the (read-only) root; *writable says
 * which happened, and e->msg why not. */
int rootfs_assemble(const char *dev, const char *lower_dir, const char *rw_dir, const char *newroot,
		    bool *writable, struct errbuf *e);

/* Copies a small file (e.g. /etc/resolv.conf) from the initramfs into the
 * new root, replacing what the image has; 0 if src does not exist. */
int rootfs_copy_in(const char *src, const char *dst, struct errbuf *e);
#endif
