/* Start-up (and reload) checks of what clients will boot, said as warnings
 * before the first client finds out: the image missing or not squashfs,
 * the kernel and the initramfs's modules built for different releases.
 * The parsers are pure (fuzzed by bootcheck_fuzz.c); warn_boot_files does
 * the reading: 64 KiB of the kernel, 4 bytes of the image, and the
 * initramfs's cpio stream up to its first lib/modules/<release>/ entry
 * (through gzip, zstd, xz or lz4 -dc when compressed: ~80 ms for ours). */
#ifndef SERVER_BOOTCHECK_H
#define SERVER_BOOTCHECK_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "server/config.h"
#include "server/files.h"

/* The release string of an x86 bzImage ("6.1.0-18-amd64") from its first
 * len bytes: the setup header's kernel_version (offset 0x20E, boot
 * protocol 2.00+) points at it, 0x200 bytes before.  0, or -EINVAL. */
int bzimage_release(const uint8_t *b, size_t len, char *out, size_t cap);

/* A newc cpio stream read in pieces: the first entry under lib/modules/
 * (or usr/lib/modules/) names the release.  */
struct cpio_scan {
	uint8_t hdr[110 + 512];		/* a header and its name (longer names are skipped) */
	size_t have, need;		/* bytes in hdr; bytes the current header + name take */
	uint64_t skip;			/* file data and padding still to pass over */
	int state;			/* 0 header, 1 name, 2 data, 3 after the trailer, -1 not newc */
	char release[128];		/* "" until found */
	uint64_t consumed;		/* bytes of the stream so far */
};
/* Feeds len bytes.  Returns 1 once the release is found, 2 at the
 * trailer (*used: the bytes of b up to its end; what follows is padding
 * and perhaps another, compressed, segment), 0 for more, -EINVAL when the
 * stream is not newc cpio. */
int cpio_scan_feed(struct cpio_scan *c, const uint8_t *b, size_t len, size_t *used);

/* The warnings, one line each on log. */
void warn_boot_files(const struct boot_files *f, const struct serve_config *cfg, FILE *log);
#endif
