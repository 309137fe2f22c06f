/* Typed value parsers over (s, n).  They only answer yes or no: the caller
 * knows which argument it is parsing and writes the message. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include "cmdline/internal.h"
#include "netboot/ipv4.h"

bool cl_eq(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && memcmp(s, word, n) == 0;
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

bool cl_uint(const char *s, size_t n, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (n == 0 || n > 10)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

bool cl_host_ipv4(const char *s, size_t n, uint32_t *out)
{
	uint32_t a;

	if (!ipv4_parse(s, n, &a) || a == 0 || a == 0xffffffffu)
		return false;
	*out = a;
	return true;
}

bool cl_is_ipv6_text(const char *s, size_t n)
{
	return memchr(s, ':', n) != NULL;
}

/* Not the unspecified address, not multicast: a host's or a router's. */
bool cl_ipv6(const char *s, size_t n, uint8_t out[16])
{
	static const uint8_t zero[16];
	char text[INET6_ADDRSTRLEN];
	uint8_t a[16];

	if (n == 0 || n >= sizeof(text))
		return false;
	memcpy(text, s, n);
	text[n] = '\0';
	if (inet_pton(AF_INET6, text, a) != 1 || !memcmp(a, zero, 16) || a[0] == 0xff)
		return false;
	memcpy(out, a, 16);
	return true;
}

bool cl_addr6_prefix(const char *s, size_t n, uint8_t addr[16], uint8_t *prefix)
{
	const char *slash = memchr(s, '/', n);
	size_t alen = slash ? (size_t)(slash - s) : n;
	unsigned long len = 64;	/* SLAAC's and nearly every LAN's */

	if (!cl_ipv6(s, alen, addr))
		return false;
	if (slash && (!cl_uint(slash + 1, n - alen - 1, 128, &len) || len == 0))
		return false;
	*prefix = (uint8_t)len;
	return true;
}

/* A prefix length 1..32, or a dotted mask whose ones are contiguous. */
bool cl_netmask(const char *s, size_t n, uint8_t *prefix)
{
	unsigned long len;
	uint32_t m;

	if (n <= 2 && cl_uint(s, n, 32, &len)) {
		if (len == 0)
			return false;
		*prefix = (uint8_t)len;
		return true;
	}
	if (!ipv4_parse(s, n, &m))
		return false;
	int p = ipv4_mask_prefix(m);
	if (p <= 0)
		return false;
	*prefix = (uint8_t)p;
	return true;
}

bool cl_addr_prefix(const char *s, size_t n, uint32_t *addr, uint8_t *prefix)
{
	const char *slash = memchr(s, '/', n);
	size_t alen = slash ? (size_t)(slash - s) : n;

	if (!cl_host_ipv4(s, alen, addr))
		return false;
	if (!slash) {
		*prefix = 24;	/* the seed's examples are all /24 networks */
		return true;
	}
	return cl_netmask(slash + 1, n - alen - 1, prefix);
}

/* Six two-digit hex bytes, all separated by ':' or all by '-'. */
bool cl_printable(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

bool cl_ifname(const char *s, size_t n)
{
	if (n == 0 || n >= 16 || cl_eq(s, n, ".") || cl_eq(s, n, ".."))
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '/' || s[i] == ':' || s[i] == ',' || s[i] == '!')
			return false;
	return cl_printable(s, n);
}

bool cl_hostname(const char *s, size_t n, size_t max)
{
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (!(is_digit(ch) || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      ch == '.' || ch == '-' || ch == '_'))
			return false;
	}
	return true;
}

bool cl_field(const char *s, size_t n, char sep, size_t *pos, const char **f, size_t *flen)
{
	const char *p;

	if (*pos > n)
		return false;
	*f = s + *pos;
	p = memchr(*f, sep, n - *pos);
	*flen = p ? (size_t)(p - *f) : n - *pos;
	*pos = p ? (size_t)(p - s) + 1 : n + 1;
	return true;
}

bool cl_copy(char *dst, size_t dstlen, const char *s, size_t n)
{
	if (n >= dstlen || !cl_printable(s, n))
		return false;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return true;
}

