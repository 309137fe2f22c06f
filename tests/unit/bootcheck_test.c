/* server/bootcheck.c: the bzImage release and the cpio scan for
 * lib/modules/<release>/, whole and in pieces. */
#include <stdio.h>
#include <string.h>
#include "server/bootcheck.h"
#include "tests/unit/check.h"

/* One newc entry at out: header, name, padding, data, padding.  Its length. */
static size_t entry(uint8_t *out, const char *name, const char *data)
{
	size_t nl = strlen(name) + 1, dl = strlen(data), n;
	n = (size_t)sprintf((char *)out, "070701%08x%08x%08x%08x%08x%08x%08zx%08x%08x%08x%08x%08zx%08x", 1, 0100644, 0,
			    0, 1, 0, dl, 0, 0, 0, 0, nl, 0);
	memcpy(out + n, name, nl);
	n += nl;
	while (n % 4)
		out[n++] = 0;
	memcpy(out + n, data, dl);
	n += dl;
	while (n % 4)
		out[n++] = 0;
	return n;
}

static int scan(const uint8_t *b, size_t len, size_t piece, char *rel)
{
	struct cpio_scan c = { 0 };
	size_t off = 0, used;
	int rc = 0;
	while (off < len && !rc) {
		size_t n = len - off < piece ? len - off : piece;
		rc = cpio_scan_feed(&c, b + off, n, &used);
		off += used;
	}
	strcpy(rel, c.release);
	return rc;
}

int main(void)
{
	static uint8_t k[0x4000], a[4096];
	char rel[128];
	/* a bzImage: "HdrS", protocol 2.15, kernel_version at 0x3000 - 0x200 */
	memcpy(k + 0x202, "HdrS", 4);
	k[0x206] = 0x0f, k[0x207] = 0x02;
	k[0x20e] = 0x00, k[0x20f] = 0x2e;
	strcpy((char *)k + 0x3000, "6.1.0-18-amd64 (debian-kernel@lists.debian.org) #1 SMP");
	CHECK("bzImage: the release string", bzimage_release(k, sizeof(k), rel, sizeof(rel)) == 0 &&
	      !strcmp(rel, "6.1.0-18-amd64"));
	CHECK("bzImage: cut short: refused", bzimage_release(k, 0x2000, rel, sizeof(rel)) < 0);
	k[0x202] = 'X';
	CHECK("not a bzImage: refused", bzimage_release(k, sizeof(k), rel, sizeof(rel)) < 0);
	size_t n = entry(a, "bin", "");
	n += entry(a + n, "bin/busybox", "0123456789abcdef-odd");
	n += entry(a + n, "lib/modules/6.1.0-18-amd64/kernel/e1000.ko", "x");
	size_t found_end = n;
	n += entry(a + n, "TRAILER!!!", "");
	CHECK("cpio whole: the release", scan(a, n, n, rel) == 1 && !strcmp(rel, "6.1.0-18-amd64"));
	CHECK("cpio byte by byte: the same", scan(a, n, 1, rel) == 1 && !strcmp(rel, "6.1.0-18-amd64"));
	CHECK("cpio in 7-byte pieces: the same", scan(a, n, 7, rel) == 1 && !strcmp(rel, "6.1.0-18-amd64"));
	/* no modules: the trailer, and where it ends */
	n = entry(a, "init", "#!/bin/sh\n");
	size_t end = n + entry(a + n, "TRAILER!!!", "");
	struct cpio_scan c = { 0 };
	size_t used;
	CHECK("no modules: the trailer reached", cpio_scan_feed(&c, a, end + 16, &used) == 2 && used == end &&
	      !c.release[0]);
	CHECK("not cpio: refused", scan((const uint8_t *)"\x28\xb5\x2f\xfd garbage", 12, 12, rel) < 0);
	(void)found_end;
	return CHECK_DONE();
}
