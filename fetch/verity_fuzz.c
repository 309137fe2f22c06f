/* libFuzzer harness: any bytes as a dm-verity superblock and as a root hash,
 * from exact-size copies so ASan sees any read past the end.  A superblock
 * that parses must give a geometry that is either refused or consistent:
 * levels within bounds, each above smaller than the one below, the top one
 * block; every message one printable line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fetch/verity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void printable(const char *msg)
{
	size_t n = strnlen(msg, sizeof(((struct errbuf *)0)->msg));
	if (n == 0 || n >= sizeof(((struct errbuf *)0)->msg))
		__builtin_trap();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)msg[i] < 0x20 || (unsigned char)msg[i] >= 0x7f)
			__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	uint64_t block;
	char dev[16];
	if (verity_kmsg_corrupt((const char *)copy, size, &block, dev, sizeof(dev)) == 1 && strnlen(dev, sizeof(dev)) >= sizeof(dev))
		__builtin_trap();
	struct verity_params p;
	struct verity_geometry g;
	struct errbuf e = { "" };
	if (verity_sb_parse(copy, size, &p, &e) == 0) {
		if (verity_geometry(&p, &g, &e) == 0) {
			if (g.levels < 0 || g.levels > VERITY_MAX_LEVELS)
				__builtin_trap();
			for (int i = 1; i < g.levels; i++)
				if (g.blocks[i] > g.blocks[i - 1] || g.offset[i] >= g.offset[i - 1])
					__builtin_trap();
			if (g.levels && g.blocks[g.levels - 1] != 1)
				__builtin_trap();
		} else
			printable(e.msg);
	} else
		printable(e.msg);
	uint8_t root[VERITY_DIGEST];
	if (verity_root_parse((const char *)copy, size, root, &e) != 0)
		printable(e.msg);
	free(copy);
	return 0;
}
