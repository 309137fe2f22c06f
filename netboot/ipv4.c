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

/* Exactly four decimal parts 0..255.  A leading zero is refused, one parser for the command line,
 * the pxebootsrv file and the flags: "010" is octal to inet_aton() and decimal to a human. */
bool ipv4_parse(const char *s, size_t n, uint32_t *out)
{
	const char *end = s + n, *d;
	uint32_t a = 0;

	for (int part = 0; part < 4; part++) {
		unsigned v = 0;

		if (part && (s == end || *s++ != '.'))
			return false;
		for (d = s; s < end && *s >= '0' && *s <= '9' && s - d < 3; s++)
			v = v * 10 + (unsigned)(*s - '0');
		if (s == d || v > 255 || (s - d > 1 && *d == '0'))
			return false;
		a = a << 8 | v;
	}
	if (s != end)
		return false;
	*out = htonl(a);
	return true;
}
