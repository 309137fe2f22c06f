#include "netboot/mac.h"
#include <stdio.h>

static int hex_value(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

bool mac_parse(const char *s, size_t n, uint8_t mac[6])
{
	if (n != 17 || (s[2] != ':' && s[2] != '-'))
		return false;
	for (int i = 0; i < 6; i++) {
		int hi = hex_value(s[i * 3]), lo = hex_value(s[i * 3 + 1]);
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
