/* Stage 3 over NFSv3: the kernel's NFS client mounts the server's folder
 * read-only (it speaks MOUNT and NFS itself when given text options), and
 * the image is loop-mounted from there: nothing is copied into RAM. */
#ifndef MOUNT_NFS_H
#define MOUNT_NFS_H
#include <stdint.h>
#include "netboot/errbuf.h"

/* A hard mount with these timeouts (deciseconds, tries): see mount/nfs.c
 * and docs/design.md. */
#define NFS_TIMEO_DS 100
#define NFS_RETRANS 3

/* Mounts server_ip:dir on target (created), NFSv3 over TCP, no locking
 * (there is no statd in an initramfs).  server_ip is a dotted quad or an
 * IPv6 address without brackets (then proto=tcp6): tcp_connect_peer()
 * gives either from a name. */
int nfs_mount_v3(const char *server_ip, uint16_t port, const char *dir, const char *target, struct errbuf *e);
/* Detaches target (lazily: a file still open there must not block the
 * next mirror or switch_root); best effort. */
void nfs_unmount(const char *target);
#endif
