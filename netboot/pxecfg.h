/* pxelinux/syslinux.efi configuration files: which file the loader picks
 * for a client, and what its default entry boots.  Pure functions over
 * (buffer, length), no globals; fuzzed by pxecfg_fuzz.c.  Used by
 * `netboot check` to see the boot the way the real loader sees it. */
#ifndef NETBOOT_PXECFG_H
#define NETBOOT_PXECFG_H
#include <stddef.h>
#include <stdint.h>
#include "netboot/errbuf.h"

/* pxelinux's lookup chain without the UUID: 01-<mac>, the hex IP shortened
 * one digit at a time (8 .. 1 digits), then "default". */
#define PXECFG_CANDIDATES_MAX 10
#define PXECFG_NAME_MAX 300

/* Writes the candidate config paths for a client, in pxelinux's order, each
 * under "<dir>pxelinux.cfg/", where dir is the boot file's directory
 * ("" or "bios/": pxecfg_dir_of).  ip is the offered address in network
 * order (0 = none: the hex names are left out).  Returns the count. */
int pxecfg_candidates(const char *dir, const uint8_t mac[6], uint32_t ip, char names[][PXECFG_NAME_MAX],
		      int max);

/* The directory part of a boot file path, with its trailing '/', into dir
 * ("" when none): pxelinux resolves relative names against it. */
void pxecfg_dir_of(const char *bootfile, char *dir, size_t cap);

/* The entry a config boots without a user. */
struct pxecfg_entry {
	char label[64];
	char kernel[256];	/* KERNEL or LINUX */
	char initrd[256];	/* INITRD, else the first name of initrd= inside APPEND */
	char append[2048];	/* APPEND as written ("" for none or "APPEND -") */
};

/* Parses a config: keywords are case-insensitive, '#' starts a comment,
 * LF or CRLF.  The default entry is the LABEL named by DEFAULT; when DEFAULT
 * names a menu module (*.c32) or nothing, the LABEL with MENU DEFAULT, else
 * the one named by ONTIMEOUT, else the first LABEL.  A label without APPEND
 * takes the global one (before any LABEL).  DEFAULT naming no LABEL is, as
 * for pxelinux, a kernel followed by its arguments.  Returns 0, -ENOENT (no
 * entry to boot), -EINVAL (the entry has no kernel), with e naming why. */
int pxecfg_parse(const char *buf, size_t len, struct pxecfg_entry *out, struct errbuf *e);
#endif
