/* libFuzzer: the bzImage header and the cpio scan (server/bootcheck.c). */
#include <stddef.h>
#include <stdint.h>
#include "server/bootcheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char rel[64];
	(void)bzimage_release(data, size, rel, sizeof(rel));
	/* the same bytes fed whole and in pieces of 7 must agree */
	struct cpio_scan a = { 0 }, b = { 0 };
	size_t used, off = 0;
	int ra = cpio_scan_feed(&a, data, size, &used), rb = 0;
	while (off < size && !rb) {
		size_t n = size - off < 7 ? size - off : 7;
		rb = cpio_scan_feed(&b, data + off, n, &used);
		off += used;
	}
	if (ra != rb || a.consumed != b.consumed)
		__builtin_trap();
	return 0;
}
