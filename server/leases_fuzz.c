/* libFuzzer harness: the lease-file parser over any bytes, then the pool
 * it filled written out and read back: the same entries must come back. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "server/leases.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lease_pool p, q;
	uint32_t ex[] = { inet_addr("192.0.2.1") };
	char *text = NULL;
	size_t tlen = 0;

	if (lease_pool_init(&p, inet_addr("192.0.2.0"), inet_addr("192.0.2.255"), ex, 1, NULL) < 0)
		__builtin_trap();
	int n = leases_parse(&p, (const char *)data, size, "fuzz", NULL, NULL);
	if (n < 0 || n > 256)
		__builtin_trap();
	FILE *f = open_memstream(&text, &tlen);
	if (!f || leases_write(&p, f) < 0 || fclose(f) != 0)
		__builtin_trap();
	if (lease_pool_init(&q, inet_addr("192.0.2.0"), inet_addr("192.0.2.255"), ex, 1, NULL) < 0)
		__builtin_trap();
	int m = leases_parse(&q, text, tlen, "again", NULL, NULL);
	for (uint32_t i = 0; i < p.count; i++) {
		const struct lease *a = &p.l[i], *b = &q.l[i];
		if (a->has_mac != b->has_mac || a->state != b->state || (a->has_mac && memcmp(a->mac, b->mac, 6)) ||
		    (a->state != LEASE_FREE && a->expiry != b->expiry))
			__builtin_trap();
	}
	if (m != n)
		__builtin_trap();
	free(text);
	lease_pool_free(&p);
	lease_pool_free(&q);
	return 0;
}
