/* What TFTP and HTTP serve: the boot folder, plus Debian's loaders
 * (pxelinux.0, ldlinux.c32, syslinux.efi, ldlinux.e64, iPXE's
 * undionly.kpxe, snponly.efi, ipxe.efi) and a generated
 * pxelinux.cfg/default and boot.ipxe when the folder has none, listing every
 * image (the top level and DIR/images/NAME/, server/entries.h); a known host's
 * pxelinux.cfg/01-<mac> is generated when asked for.  Every lookup stays inside
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
#include "server/entries.h"

#define BOOT_FILES_MAX_EXTRA 16

struct boot_files {
	int root_fd;			/* the boot folder, O_PATH */
	int menu_fd;			/* memfd with the generated pxelinux.cfg/default, -1 = none */
	/* memfds with the menu of each mirror map (cfg->mirrors[i]), -1 = none:
	 * served for pxelinux.cfg/<hex IP> of a client inside its subnet */
	int map_fd[SERVE_MAX_MIRROR_MAPS];
	/* memfds with the generated boot.ipxe (server/ipxe.h), the default
	 * and one per mirror map, -1 = none (the folder has its own, or
	 * --no-ipxe) */
	int ipxe_fd, ipxe_map_fd[SERVE_MAX_MIRROR_MAPS];
	const struct serve_config *cfg;	/* the settings given to boot_files_prepare */
	struct boot_images images;	/* found at start, the default first */
	struct {
		const char *name;	/* path as clients ask for it */
		const char *host_path;	/* where Debian puts it */
	} extra[BOOT_FILES_MAX_EXTRA];
	int nextra;
	FILE *log;			/* checksum and warning lines; NULL = none */
	/* For each of images.img[i], the stage-3 image its checksum files
	 * describe: a request for that image or its checksums that finds
	 * another file there (replaced by rename, rewritten) has them
	 * written again first. */
	struct image_id {
		bool present;
		dev_t dev;
		ino_t ino;
		off_t size;
		long long mtime_ns;
	} image_id[SERVE_MAX_IMAGES];
};

/* Opens the boot folder, finds its images (boot_images_scan), writes
 * sysrcd.md5 and sysrcd.sha256 beside each image when missing or older
 * (atomically), generates the menus.  Lines about the checksums and the
 * images go to log (NULL: none).  0 or a negative errno with e naming the
 * file. */
int boot_files_prepare(struct boot_files *f, struct serve_config *cfg, FILE *log, struct errbuf *e);
/* SIGHUP: the folder prepared again for cfg (the images, the menus, the
 * loaders).  On success *f is replaced (file descriptors that transfers
 * hold stay valid: they are their own) and every image checked as
 * boot_files_check_image does (an image found again by its folder keeps
 * what its checksums describe; a new one gets them when missing or
 * older).  Returns how many images changed (their checksums rewritten), or
 * <0 when checksums could not be written (said on the log).  On failure
 * (-ERRNO before anything was replaced) *f is untouched.  f->cfg is cfg
 * afterwards. */
int boot_files_reload(struct boot_files *f, struct serve_config *cfg, struct errbuf *e);
/* Whether image i (f->images.img[i]) is still the file its checksum files
 * describe; if not they are written again (one read of the image) and a
 * line says so.  1 when it changed, 0 when not, negative errno when the
 * checksums could not be written (e says why). */
int boot_files_check_image(struct boot_files *f, int i, struct errbuf *e);
void boot_files_close(struct boot_files *f);
/* boot_images_scan over cfg's boot folder, nothing kept or written (the
 * checks --print-config makes before printing): 0 or -errno with e set. */
int boot_files_check(const struct serve_config *cfg, struct errbuf *e);

/* The images of the boot folder root_fd: its top level when it holds a
 * kernel (cfg->kernel, else vmlinuz, rescue64, ...; cfg->kernel is set to
 * the one found) and cfg->initrd, then each DIR/images/NAME/ holding the
 * same (others are one line to log, which may be NULL), by name; the
 * default image (--default-image, else the top level) first.  Reads only.
 * -ENOENT with e saying why: no image at all, --default-image or a host's
 * image= not found. */
int boot_images_scan(int root_fd, struct serve_config *cfg, struct boot_images *imgs, FILE *log, struct errbuf *e);

/* --print-config's lines "image = NAME (default): KERNEL INITRD IMAGE",
 * from boot_images_scan over cfg's boot folder (nothing written). */
void boot_images_print(const struct serve_config *cfg, FILE *out);

/* What a path is to the boot (the client's stage on the status page). */
enum { BOOT_ROLE_OTHER, BOOT_ROLE_KERNEL /* a kernel or an initrd */, BOOT_ROLE_IMAGE /* stage 3 */ };
int boot_files_role(const struct boot_files *f, const char *path);

/* The pxelinux/syslinux menu host h gets (NULL: an unknown client; m: its
 * subnet's mirror map or NULL; self: the host our URLs name, as for
 * boot_entries), rendered from boot_entries() into buf: its length,
 * -ENOSPC or -ENOMEM. */
int boot_files_menu(const struct boot_files *f, const struct host *h, const struct mirror_map *m, const char *self,
		    char *buf, size_t cap);

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
 * range (most specific), when there is one; pxelinux.cfg/01-<mac> of a
 * host with an image= or args= of its own is that host's menu.  A request
 * for an image or its checksum files first checks that the image is the
 * file the checksums were made for (boot_files_check_image). */
int boot_files_open(struct boot_files *f, const char *path, uint64_t *size, struct errbuf *e);
/* The same for a client at client_ip (network order, 0 = unknown or
 * IPv6) that reached us at self (the host our URLs name: serve_url_host
 * of the connection's local address; NULL = serve_url_host(cfg, NULL)): a
 * generated boot.ipxe is its mirror map's when it is in one, and every
 * generated menu and script names self (made for this request when self
 * is not the address the ones made at start name). */
int boot_files_open_from(struct boot_files *f, const char *path, uint32_t client_ip, const char *self,
			 uint64_t *size, struct errbuf *e);
#endif
