#include "netboot/ipv4.h"
#include <arpa/inet.h>
#include <stdio.h>

const char *ipv4_ntoa(uint32_t addr, char buf[16])
{
	const uint8_t *b = (const uint8_t *)&addr;
	snprintf(buf, 16, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	return buf;
}

uint32_t ipv4_prefix_mask(unsigned prefix)
{
	return htonl(prefix ? 0xffffffffu << (32 - (prefix > 32 ? 32 : prefix)) : 0);
}

int ipv4_mask_prefix(uint32_t mask)
{
	uint32_t inv = ~ntohl(mask);
	if (inv & (inv + 1))	/* the host part must be all ones from the right */
		return -1;
	return __builtin_popcount(ntohl(mask));
}
