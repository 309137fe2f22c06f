/* The boot menu as data: the images a boot folder holds (its top level
 * and DIR/images/<name>/) and the list of menu entries one client gets,
 * each image once per transport this server offers.  Every menu format is
 * written from this list (the pxelinux/syslinux menu in files.c; an iPXE
 * script can be written from the same), so all formats list the same
 * entries in the same order.  Pure: no files are read here. */
#ifndef SERVER_ENTRIES_H
#define SERVER_ENTRIES_H
#include <stdbool.h>
#include "server/config.h"
#include "server/hosts.h"
#include "server/mirror_map.h"

#define SERVE_MAX_IMAGES 32
#define IMAGE_TRANSPORTS 4	/* http, tftp, nbd, nfs */
#define SERVE_MAX_ENTRIES (SERVE_MAX_IMAGES * IMAGE_TRANSPORTS)

/* One bootable image: a kernel, an initrd and (usually) a stage-3 image. */
struct boot_image {
	char name[64];		/* "" = the top level of DIR; else DIR/images/<name> */
	char dir[80];		/* "" or "images/<name>/": prefix of the paths below */
	char kernel[128];	/* file names inside dir */
	char initrd[128];
	char image[128];
	bool has_image;		/* the stage-3 image is in the folder (checksums written) */
};

/* The images found at start; img[0] is the default one. */
struct boot_images {
	struct boot_image img[SERVE_MAX_IMAGES];
	int n;
};

/* One menu entry.  Paths are relative to the boot folder (what TFTP and
 * HTTP serve); append is the whole kernel command line the entry gives. */
struct boot_entry {
	const struct boot_image *image;
	enum stage3_kind via;
	char label[96];		/* unique: "netboot-http" (top level), "debian-http" */
	char title[160];	/* "netboot: stage 3 over http", "debian: stage 3 over nbd" */
	char kernel[224];	/* "vmlinuz", "images/debian/vmlinuz" */
	char initrd[224];
	char append[2048];	/* "netboot=... " + --extra + the host's args */
};

/* The entries client h gets (h NULL: an unknown client; m non-NULL: its
 * subnet's mirror map, which makes the HTTP entries use those URLs and
 * the default transport HTTP; self: the host this server's own URLs name,
 * the address the client reached it at as serve_url_host gives it, NULL =
 * serve_url_host(cfg, NULL)).  Order: h's image (else the default one)
 * first, its default transport (cfg->stage3) first, then its other
 * transports; then every other image, the default one first, each the
 * same way.  out[0] is the entry to boot.  Returns how many (<= cap), or
 * -ENOSPC when a command line does not fit, -ENOENT when h names an
 * image not in imgs. */
int boot_entries(const struct serve_config *cfg, const struct boot_images *imgs, const struct host *h,
		 const struct mirror_map *m, const char *self, struct boot_entry *out, int cap);

/* The stage-3 argument of image img over k, e.g.
 * "netboot=nbd://192.0.2.1:10809/debian" ("nbd://[2001:db8::1]:10809/debian"
 * with self "[2001:db8::1]"); m and self as for boot_entries.  Length or
 * -ENOSPC. */
int boot_entry_stage3_arg(const struct serve_config *cfg, const struct boot_image *img, enum stage3_kind k,
			  const struct mirror_map *m, const char *self, char *buf, size_t cap);

/* The image named name ("" = the top level), or NULL. */
const struct boot_image *boot_images_find(const struct boot_images *imgs, const char *name);
#endif
