/* What TFTP and HTTP serve: the boot folder, plus Debian's loaders
 * (pxelinux.0, ldlinux.c32, syslinux.efi, ldlinux.e64) and a generated
 * pxelinux.cfg/default when the folder has none.  Every lookup stays inside
 * the folder: "..", absolute paths and symlinks out of it are refused
 * (openat2 RESOLVE_BENEATH). */
#ifndef SERVER_FILES_H
#define SERVER_FILES_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
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
	FILE *log;			/* checksum and warning lines; NULL = none */
	/* The image the checksum files describe: a request for the image or
	 * its checksums that finds another file there (replaced by rename,
	 * rewritten) has them written again first. */
	struct image_id {
		bool present;
		dev_t dev;
		ino_t ino;
		off_t size;
		long long mtime_ns;
	} image;
};

/* Opens the boot folder, writes sysrcd.md5 and sysrcd.sha256 beside the
 * image when missing (atomically), finds the kernel when cfg names none,
 * generates the menu.  0 or a negative errno with e naming the file. */
int boot_files_prepare(struct boot_files *f, struct serve_config *cfg, FILE *log, struct errbuf *e);
/* SIGHUP: the folder prepared again for cfg (the menu, the loaders, the
 * kernel found).  On success *f is replaced (file descriptors that
 * transfers hold stay valid: they are their own) and the image checked as
 * boot_files_check_image does, which it returns (1: the image changed; <0:
 * its checksums could not be written, said on the log).  On failure
 * (-ERRNO before anything was replaced) *f is untouched.  f->cfg is cfg
 * afterwards. */
int boot_files_reload(struct boot_files *f, struct serve_config *cfg, struct errbuf *e);
/* Whether the image is still the one the checksum files describe; if not
 * they are written again (one read of the image) and a line says so.
 * 1 when it changed, 0 when not, negative errno when the checksums could
 * not be written (e says why). */
int boot_files_check_image(struct boot_files *f, struct errbuf *e);
void boot_files_close(struct boot_files *f);

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
 * range (most specific), when there is one.  A request for the image or
 * its checksum files first checks that the image is the file the
 * checksums were made for (boot_files_check_image). */
int boot_files_open(struct boot_files *f, const char *path, uint64_t *size, struct errbuf *e);
#endif
