/* Router Advertisements as a host reads them (RFC 4861 4.2 and 4.6, RDNSS
 * RFC 8106), the Router Solicitation a host sends, and the SLAAC interface
 * identifier (RFC 4862, modified EUI-64 of RFC 4291 appendix A); and the
 * server's side: the sender of an RS, the empty RA.  Pure functions over
 * (buffer, length), fuzzed by ra_wire_fuzz.c and server/ra_fuzz.c; the
 * agent's DHCPv6 client and server/ra.c share them. */
#ifndef NETBOOT_RA_WIRE_H
#define NETBOOT_RA_WIRE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "netboot/errbuf.h"

#define ND_ROUTER_SOLICIT 133
#define ND_ROUTER_ADVERT 134
#define RA_MAX_PREFIXES 4
#define RA_MAX_DNS 3

struct ra_prefix {
	uint8_t prefix[16];	/* the bits past len cleared */
	uint8_t len;
	bool onlink;		/* L flag */
	bool autonomous;	/* A flag: SLAAC may form an address in it */
	uint32_t valid, preferred;	/* seconds; 0xffffffff = infinity */
};

struct ra_info {
	uint8_t hop_limit;	/* 0 = unspecified */
	bool managed;		/* M: addresses from DHCPv6 */
	bool other;		/* O: other configuration (DNS) from DHCPv6 */
	uint16_t router_lifetime;	/* seconds; 0 = not a default router */
	uint32_t reachable_ms, retrans_ms;
	bool has_lladdr;
	uint8_t lladdr[6];	/* source link-layer address option */
	uint32_t mtu;		/* 0 = no MTU option */
	struct ra_prefix prefixes[RA_MAX_PREFIXES];
	int nprefixes;
	uint8_t dns[RA_MAX_DNS][16];	/* RDNSS (option 25) with a non-zero lifetime */
	int ndns;
	uint32_t dns_lifetime;
};

/* Parses an RA (the ICMPv6 message, from its type byte).  Checks type 134,
 * code 0, every option's length (zero, past the end, too short for its
 * type); prefixes with preferred > valid or link-local ones are skipped as
 * RFC 4862 5.5.3 says.  0 or -EPROTO with e naming the option and what was
 * expected.  The caller checks the IP side: hop limit 255, a link-local
 * source. */
int ra_parse(const uint8_t *buf, size_t len, struct ra_info *out, struct errbuf *e);

/* A Router Solicitation with the source link-layer address option (mac
 * given) or without (NULL): 16 or 8 bytes, checksum 0 for the kernel.
 * Returns the length, 0 when cap is too small. */
size_t ra_build_rs(uint8_t *buf, size_t cap, const uint8_t *mac);

/* A SLAAC address: the first 64 bits of prefix, then the modified EUI-64
 * of mac (ff:fe in the middle, the universal/local bit flipped). */
void ra_slaac_addr(const uint8_t prefix[16], const uint8_t mac[6], uint8_t out[16]);

/* --- the router side: netboot serve's answer to booting firmware (server/ra.c) --- */

/* The sender's MAC of a Router Solicitation (ICMPv6 message buf, len,
 * from src, 16 bytes): its source link-layer address option, else the
 * EUI-64 interface id of a link-local src.  Pure; 0, or -EINVAL when buf
 * is not a well-formed RS (type, code, length, options) or names no MAC. */
int ra_rs_mac(const uint8_t *buf, size_t len, const uint8_t src[16], uint8_t mac[6]);

/* The empty RA (16 bytes: checksum left 0 for the kernel) into buf. */
size_t ra_build_empty(uint8_t *buf, size_t cap);

/* The RA of a network without a router where netboot serve gives DHCPv6
 * (PXEBOOTSRV_RA): M and O set (addresses and options from DHCPv6),
 * router lifetime 0 (not a default router), the sender's MAC (source
 * link-layer option) and, when prefix is not NULL, a prefix information
 * option with L set and A clear (on-link, no SLAAC) for its valid and
 * preferred times.  Checksum left 0.  The length (24, or 56 with a
 * prefix), 0 when cap is too small. */
size_t ra_build_managed(uint8_t *buf, size_t cap, const uint8_t mac[6], const struct ra_prefix *prefix);
#endif
