#include "netboot/mac.h"
#include <stdio.h>
#include "netboot/hex.h"

bool mac_parse(const char *s, size_t n, uint8_t mac[6])
{
	if (n != 17 || (s[2] != ':' && s[2] != '-'))
		return false;
	for (int i = 0; i < 6; i++) {
		int hi = hex_digit(s[i * 3]), lo = hex_digit(s[i * 3 + 1]);
		if (hi < 0 || lo < 0 || (i < 5 && s[i * 3 + 2] != s[2]))
			return false;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

const char *mac_format(const uint8_t m[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return buf;
}
