/* libFuzzer harness: any bytes through ra_rs_mac() as an ICMPv6 message
 * (the first 16 bytes, when there are that many, are the source address),
 * from an exact-size copy so ASan sees any read past the end.  A MAC is
 * only found in a well-formed Router Solicitation. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "server/ra.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t src[16] = { 0xfe, 0x80 }, mac[6];
	if (size >= 16) {
		memcpy(src, data, 16);
		data += 16, size -= 16;
	}
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (ra_rs_mac(copy, size, src, mac) == 0 && (size < 8 || copy[0] != ICMP6_ROUTER_SOLICIT))
		__builtin_trap();
	free(copy);
	return 0;
}
