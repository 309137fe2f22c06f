/* See mirror_map.h. */
#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include "netboot/ipv4.h"
#include "server/mirror_map.h"

static bool blank_or_comma(char ch)
{
	return ch == ' ' || ch == '\t' || ch == ',';
}

/* "198.51.100.0/24": the prefix is required, host bits must be zero (a
 * typo otherwise maps the wrong machines). */
static const char *parse_cidr(const char *s, size_t n, struct mirror_map *m)
{
	const char *slash = memchr(s, '/', n);
	uint32_t a;
	unsigned p = 0;
	size_t i;
	if (!slash || !ipv4_parse(s, (size_t)(slash - s), &a) || slash + 1 == s + n || s + n - slash > 3)
		return "a subnet like 198.51.100.0/24, then its mirror URLs";
	for (i = 1; slash + i < s + n; i++) {
		if (slash[i] < '0' || slash[i] > '9')
			return "a prefix length 0..32 after the '/'";
		p = p * 10 + (unsigned)(slash[i] - '0');
	}
	if (p > 32)
		return "a prefix length 0..32 after the '/'";
	if (a & ~ipv4_prefix_mask(p))
		return "the subnet's first address (host bits zero), like 198.51.100.0/24";
	m->net = a;
	m->prefix = (uint8_t)p;
	return NULL;
}

const char *mirror_map_parse(const char *s, size_t n, struct mirror_map *m)
{
	size_t i = 0, len = 0;
	int count = 0;
	const char *why;
	memset(m, 0, sizeof(*m));
	while (i < n && blank_or_comma(s[i]))
		i++;
	size_t start = i;
	while (i < n && !blank_or_comma(s[i]))
		i++;
	if ((why = parse_cidr(s + start, i - start, m)))
		return why;
	for (;;) {
		while (i < n && blank_or_comma(s[i]))
			i++;
		if (i == n)
			break;
		start = i;
		while (i < n && !blank_or_comma(s[i]))
			i++;
		size_t ul = i - start;
		/* it lands on the kernel command line: printable, no blanks */
		for (size_t k = start; k < i; k++)
			if ((unsigned char)s[k] < 0x21 || (unsigned char)s[k] > 0x7e)
				return "printable http:// URLs";
		if (ul <= 7 || strncasecmp(s + start, "http://", 7) || s[start + 7] == '/')
			return "mirror URLs like http://198.51.100.10/sysrcd.dat";
		if (++count > SERVE_MAX_MIRRORS)
			return "at most 4 mirror URLs a subnet (what netboot= takes)";
		if (len + ul + 1 >= sizeof(m->urls))
			return "mirror URLs of at most 511 bytes together";
		if (len)
			m->urls[len++] = ',';
		memcpy(m->urls + len, s + start, ul);
		m->urls[len += ul] = '\0';
	}
	return count ? NULL : "at least one mirror URL after the subnet";
}

const struct mirror_map *mirror_map_find(const struct mirror_map *maps, size_t n, uint32_t net, int prefix)
{
	const struct mirror_map *best = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct mirror_map *m = &maps[i];
		if (m->urls[0] && m->prefix <= prefix && ((net ^ m->net) & ipv4_prefix_mask(m->prefix)) == 0 &&
		    (!best || m->prefix > best->prefix))
			best = m;
	}
	return best;
}
