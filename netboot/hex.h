/* One hex digit's value, or -1: for digests, MACs and %-escapes alike. */
#ifndef NETBOOT_HEX_H
#define NETBOOT_HEX_H

static inline int hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}
#endif
