/* Per-subnet stage-3 mirrors: "CIDR URL[,URL...]" parsed into one map, and
 * the most specific map for an address.  Pure, fuzzed by request_fuzz.c.
 * Below both readers of the setting, the pxebootsrv file (pxebootsrv.c,
 * PXEBOOTSRV_MIRRORS_N) and the flags (config.c, --mirrors), which call it
 * and never each other's way back. */
#ifndef SERVER_MIRROR_MAP_H
#define SERVER_MIRROR_MAP_H
#include <stddef.h>
#include <stdint.h>

#define SERVE_MAX_MIRRORS 4		/* URLs per subnet: what netboot= takes (CMDLINE_MAX_URLS) */

/* Clients in net/prefix get a menu whose netboot= lists these URLs (the
 * caches near them), tried in order. */
struct mirror_map {
	uint32_t net;			/* network byte order, host bits zero */
	uint8_t prefix;			/* 0..32 */
	char urls[512];			/* "http://a/sysrcd.dat,http://b/sysrcd.dat"; "" = slot unused */
};

/* Parses "CIDR URL[,URL...]" (URLs separated by commas or blanks; http://,
 * at most SERVE_MAX_MIRRORS) into m.  NULL, or what was expected. */
const char *mirror_map_parse(const char *s, size_t n, struct mirror_map *m);
/* Of the n maps (unused slots skipped), the most specific one holding all
 * of net/prefix (a client address is net/32), or NULL. */
const struct mirror_map *mirror_map_find(const struct mirror_map *maps, size_t n, uint32_t net, int prefix);
#endif
