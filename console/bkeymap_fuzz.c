/* libFuzzer harness for console/bkeymap.c: the input as a keymap file, copied
 * to a heap buffer of its exact size.  What parses has ntables present
 * tables inside the buffer; a failure says why. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "console/bkeymap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bkeymap km;
	struct errbuf err = { "" };
	uint8_t *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (bkeymap_parse("fuzz.bmap", buf, size, &km, &err) < 0) {
		if (!err.msg[0])
			abort();
	} else {
		int n = 0;
		unsigned sum = 0;
		for (int t = 0; t < BKEYMAP_TABLES; t++) {
			if (!km.table[t])
				continue;
			n++;
			for (int k = 0; k < BKEYMAP_KEYS; k++)
				sum += bkeymap_entry(&km, t, k);	/* ASan: every entry inside buf */
		}
		if (n != km.ntables || n == 0)
			abort();
		(void)sum;
	}
	free(buf);
	return 0;
}
