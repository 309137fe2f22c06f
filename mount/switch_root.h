/* Handing the machine over to the booted system. */
#ifndef MOUNT_SWITCH_ROOT_H
#define MOUNT_SWITCH_ROOT_H
#include "netboot/errbuf.h"

/* Checks before it destroys anything: / must be the initramfs (tmpfs or
 * ramfs), newroot a different filesystem, and init (e.g. "/sbin/init",
 * relative to newroot) an executable file.  Then moves /dev /proc /sys /run
 * under newroot, deletes the initramfs' files to free their memory, makes
 * newroot the root and execs init as PID 1.  Returns only on failure. */
int switch_root(const char *newroot, const char *init, struct errbuf *e);
#endif
