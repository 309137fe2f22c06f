/* libFuzzer harness: the DHCPv6 lease-file parser over any bytes, then the
 * bindings written out and read back: the same ones must come back.  A
 * DUID of 3..130 bytes, or none for a declined address. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "server/leases6.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lease6_pool p, q;
	uint8_t a[16], b[16];
	char *text = NULL;
	size_t tlen = 0;

	inet_pton(AF_INET6, "2001:db8::100", a);
	inet_pton(AF_INET6, "2001:db8::1ff", b);
	if (lease6_pool_init(&p, a, b, NULL) < 0 || lease6_pool_init(&q, a, b, NULL) < 0)
		__builtin_trap();
	int n = leases6_parse(&p, (const char *)data, size, "fuzz", NULL, NULL);
	if (n < 0 || n != p.n || p.n > LEASE6_MAX)
		__builtin_trap();
	for (int i = 0; i < p.n; i++)
		if (!lease6_in_range(&p, p.l[i].addr) || p.l[i].duid_len > LEASE6_DUID_MAX ||
		    (p.l[i].duid_len < 3 && !(p.l[i].duid_len == 0 && p.l[i].state == LEASE6_DECLINED)))
			__builtin_trap();
	FILE *f = open_memstream(&text, &tlen);
	if (!f || leases6_write(&p, f) < 0 || fclose(f) != 0)
		__builtin_trap();
	if (leases6_parse(&q, text, tlen, "again", NULL, NULL) != n)
		__builtin_trap();
	for (int i = 0; i < p.n; i++) {
		const struct lease6 *x = &p.l[i], *y = &q.l[i];
		if (x->duid_len != y->duid_len || memcmp(x->duid, y->duid, x->duid_len) || x->iaid != y->iaid ||
		    memcmp(x->addr, y->addr, 16) || x->expiry != y->expiry || x->state != y->state ||
		    x->has_mac != y->has_mac || (x->has_mac && memcmp(x->mac, y->mac, 6)))
			__builtin_trap();
	}
	free(text);
	lease6_pool_free(&p);
	lease6_pool_free(&q);
	return 0;
}
