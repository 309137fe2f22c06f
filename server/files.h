/* What TFTP and HTTP serve: the boot folder, plus Debian's loaders
 * (pxelinux.0, ldlinux.c32, syslinux.efi, ldlinux.e64) and a generated
 * pxelinux.cfg/default when the folder has none.  Every lookup stays inside
 * the folder: "..", absolute paths and symlinks out of it are refused
 * (openat2 RESOLVE_BENEATH). */
#ifndef SERVER_FILES_H
#define SERVER_FILES_H
#include <stdint.h>
#include <sys/types.h>
#include "netboot/errbuf.h"
#include "server/config.h"

#define BOOT_FILES_MAX_EXTRA 8

struct boot_files {
	int root_fd;			/* the boot folder, O_PATH */
	int menu_fd;			/* memfd with the generated pxelinux.cfg/default, -1 = none */
	/* memfds with the menu of each mirror map (cfg->mirrors[i]), -1 = none:
	 * served for pxelinux.cfg/<hex IP> of a client inside its subnet */
	int map_fd[SERVE_MAX_MIRROR_MAPS];
	const struct serve_config *cfg;	/* the settings given to boot_files_prepare */
	struct {
		const char *name;	/* path as clients ask for it */
		const char *host_path;	/* where Debian puts it */
	} extra[BOOT_FILES_MAX_EXTRA];
	int nextra;
};

/* Opens the boot folder, writes sysrcd.md5 and sysrcd.sha256 beside the
 * image when missing (atomically), finds the kernel when cfg names none,
 * generates the menu.  0 or a negative errno with e naming the file. */
int boot_files_prepare(struct boot_files *f, struct serve_config *cfg, struct errbuf *e);
void boot_files_close(struct boot_files *f);
/* The boot folder's kernel (found when cfg names none) and initrd, without
 * opening anything for serving or writing: 0 or -errno with e set. */
int boot_files_check(struct serve_config *cfg, struct errbuf *e);

/* The generated pxelinux.cfg/default text for cfg into buf: returns its
 * length or -ENOSPC. */
int boot_files_menu(const struct serve_config *cfg, char *buf, size_t cap);

/* The menu for clients of mirror map m: the default menu with stage 3
 * over HTTP from m's URLs.  m NULL = boot_files_menu.  Length or -ENOSPC. */
int boot_files_menu_for(const struct serve_config *cfg, const struct mirror_map *m, char *buf, size_t cap);

/* pxelinux's per-address names after "pxelinux.cfg/": 1 to 8 hex digits
 * of the client's address, "C6336400" down to "C" (each a shorter prefix
 * of it).  Sets *net and *prefix (4 bits a digit); 0, or -EINVAL. */
int boot_files_hexip(const char *name, uint32_t *net, int *prefix);

/* openat2's RESOLVE_BENEATH for kernels without it (ENOSYS): opens path
 * under root_fd one component at a time; "..": -EXDEV, any symlink: -ELOOP. */
int files_open_walk(int root_fd, const char *path, int flags);

/* Opens what a client asked for (path as sent: leading '/' stripped,
 * TFTP's '\' not special).  Returns a read-only fd with *size set, or
 * -ENOENT, -EACCES (outside the root, not a regular file) with e saying
 * why, for the log.  The fd's file offset may be shared: read it with pread
 * or sendfile with an offset, never read().  pxelinux.cfg/<hex IP> that
 * the folder lacks is the menu of the mirror map holding that address
 * range (most specific), when there is one. */
int boot_files_open(const struct boot_files *f, const char *path, uint64_t *size, struct errbuf *e);
#endif
