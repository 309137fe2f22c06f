/* libFuzzer harness for netboot/pxecfg.c: the input is a pxelinux config;
 * whatever parses must name a kernel, and every string must be terminated
 * inside its field.  The input is copied to a heap buffer of its exact size
 * so ASan sees any read past the end. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "netboot/pxecfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1);
	struct pxecfg_entry en;
	struct errbuf e;
	char names[PXECFG_CANDIDATES_MAX][PXECFG_NAME_MAX], dir[64];

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (pxecfg_parse(buf, size, &en, &e) == 0) {
		if (!en.kernel[0] || strlen(en.append) >= sizeof(en.append) || strlen(en.initrd) >= sizeof(en.initrd))
			abort();
	}
	/* the input's first bytes as a MAC and an address, the rest as a path */
	if (size >= 10) {
		uint32_t ip;
		char path[256];
		size_t n = size - 10 < sizeof(path) - 1 ? size - 10 : sizeof(path) - 1;
		memcpy(&ip, data + 6, 4);
		memcpy(path, data + 10, n);
		path[n] = '\0';
		pxecfg_dir_of(path, dir, sizeof(dir));
		int c = pxecfg_candidates(dir, data, ip, names, PXECFG_CANDIDATES_MAX);
		if (c < 2 || c > PXECFG_CANDIDATES_MAX || !strstr(names[c - 1], "pxelinux.cfg/default"))
			abort();
	}
	free(buf);
	return 0;
}
