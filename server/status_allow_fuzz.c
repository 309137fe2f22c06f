/* libFuzzer harness: any bytes through status_allow_parse(), from an
 * exact-size copy so ASan sees any read past the end.  A success holds
 * 1..16 entries with prefixes 0..32 and host bits zero, each matching its
 * own network address; a failure says what was expected and leaves the
 * list as it was. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "netboot/ipv4.h"
#include "server/status_allow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1);
	struct status_allow a = { .n = 0 }, before;
	if (!copy)
		abort();
	memcpy(copy, data, size);
	status_allow_add(&a, 0x0100007f, 32);	/* one entry already there: parse appends */
	before = a;
	const char *why = status_allow_parse(copy, size, &a);
	if (why) {
		if (!why[0] || a.n != before.n || a.e[0].net != before.e[0].net || a.e[0].prefix != 32)
			__builtin_trap();
	} else {
		if (a.n <= before.n || a.n > STATUS_ALLOW_MAX)
			__builtin_trap();
		for (int i = 0; i < a.n; i++)
			if (a.e[i].prefix > 32 || (a.e[i].net & ~ipv4_prefix_mask(a.e[i].prefix)) ||
			    !status_allow_match(&a, a.e[i].net))
				__builtin_trap();
	}
	free(copy);
	return 0;
}
