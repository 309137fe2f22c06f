/* libFuzzer harness: any bytes through ra_parse() as an ICMPv6 message,
 * from an exact-size copy so ASan sees any read past the end.  Invariants
 * trap: counts within their arrays, prefix lengths <= 128 with the bits
 * past them clear, preferred <= valid, every refusal with a message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "netboot/dhcp6_client.h"
#include "netboot/ra_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1), addr[16];
	struct ra_info ra;
	struct errbuf e;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	e.msg[0] = 0;
	if (ra_parse(copy, size, &ra, &e) == 0) {
		if (ra.nprefixes > RA_MAX_PREFIXES || ra.ndns > RA_MAX_DNS || size < 16 || copy[0] != ND_ROUTER_ADVERT)
			__builtin_trap();
		for (int i = 0; i < ra.nprefixes; i++) {
			const struct ra_prefix *p = &ra.prefixes[i];
			if (p->len > 128 || p->preferred > p->valid)
				__builtin_trap();
			for (unsigned b = p->len; b < 128; b++)
				if (p->prefix[b / 8] & (0x80u >> (b % 8)))
					__builtin_trap();
			if (ra.has_lladdr) {
				ra_slaac_addr(p->prefix, ra.lladdr, addr);
				/* an address in an on-link prefix gets a length no longer than 128 */
				if (dhcp6_onlink_prefix(&ra, addr) > 128)
					__builtin_trap();
			}
		}
	} else if (!e.msg[0]) {
		__builtin_trap();
	}
	free(copy);
	return 0;
}
