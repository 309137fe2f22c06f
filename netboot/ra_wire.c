#include "netboot/ra_wire.h"
#include <errno.h>
#include <string.h>

#define ND_OPT_SLLA 1
#define ND_OPT_PREFIX 3
#define ND_OPT_MTU 5
#define ND_OPT_RDNSS 25

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Prefix Information (RFC 4861 4.6.2): 32 bytes, length 4. */
static int parse_prefix(const uint8_t *o, size_t n, struct ra_info *ra, struct errbuf *e)
{
	struct ra_prefix p = { 0 };

	if (n != 32)
		return nb_fail(e, -EPROTO, "router advertisement: prefix information option of %zu bytes, expected 32", n);
	p.len = o[2];
	if (p.len > 128)
		return nb_fail(e, -EPROTO, "router advertisement: prefix length %u, expected 0..128", p.len);
	p.onlink = o[3] & 0x80;
	p.autonomous = o[3] & 0x40;
	p.valid = get32(o + 4);
	p.preferred = get32(o + 8);
	memcpy(p.prefix, o + 16, 16);
	for (unsigned bit = p.len; bit < 128; bit++)
		p.prefix[bit / 8] &= (uint8_t)~(0x80u >> (bit % 8));
	/* RFC 4862 5.5.3 a and c: link-local prefixes and preferred > valid are ignored */
	if ((p.prefix[0] == 0xfe && (p.prefix[1] & 0xc0) == 0x80) || p.preferred > p.valid)
		return 0;
	if (ra->nprefixes < RA_MAX_PREFIXES)
		ra->prefixes[ra->nprefixes++] = p;
	return 0;
}

static int parse_rdnss(const uint8_t *o, size_t n, struct ra_info *ra, struct errbuf *e)
{
	/* type, length, 2 reserved, lifetime, then addresses (RFC 8106 5.1) */
	if (n < 24 || (n - 8) % 16)
		return nb_fail(e, -EPROTO, "router advertisement: RDNSS option of %zu bytes, expected 8 + 16 per address", n);
	uint32_t life = get32(o + 4);
	if (life == 0)
		return 0;	/* withdrawn */
	ra->dns_lifetime = life;
	for (size_t i = 8; i < n && ra->ndns < RA_MAX_DNS; i += 16)
		memcpy(ra->dns[ra->ndns++], o + i, 16);
	return 0;
}

static int parse_option(const uint8_t *o, size_t n, struct ra_info *ra, struct errbuf *e)
{
	switch (o[0]) {
	case ND_OPT_SLLA:
		if (n == 8) {	/* Ethernet; other link types have other sizes */
			ra->has_lladdr = true;
			memcpy(ra->lladdr, o + 2, 6);
		}
		return 0;
	case ND_OPT_PREFIX:
		return parse_prefix(o, n, ra, e);
	case ND_OPT_MTU:
		if (n != 8)
			return nb_fail(e, -EPROTO, "router advertisement: MTU option of %zu bytes, expected 8", n);
		ra->mtu = get32(o + 4);
		return 0;
	case ND_OPT_RDNSS:
		return parse_rdnss(o, n, ra, e);
	}
	return 0;
}

int ra_parse(const uint8_t *buf, size_t len, struct ra_info *ra, struct errbuf *e)
{
	memset(ra, 0, sizeof(*ra));
	/* type, code, checksum, hop limit, flags, router lifetime, reachable, retrans (RFC 4861 4.2) */
	if (len < 16)
		return nb_fail(e, -EPROTO, "router advertisement of %zu bytes, expected at least 16", len);
	if (buf[0] != ND_ROUTER_ADVERT || buf[1] != 0)
		return nb_fail(e, -EPROTO, "ICMPv6 type %u code %u, expected a router advertisement (134, code 0)",
			       buf[0], buf[1]);
	ra->hop_limit = buf[4];
	ra->managed = buf[5] & 0x80;
	ra->other = buf[5] & 0x40;
	ra->router_lifetime = get16(buf + 6);
	ra->reachable_ms = get32(buf + 8);
	ra->retrans_ms = get32(buf + 12);
	for (size_t off = 16; off < len;) {
		if (len - off < 2)
			return nb_fail(e, -EPROTO, "router advertisement: 1 stray byte at offset %zu, expected an option", off);
		size_t n = buf[off + 1] * 8u;
		if (n == 0)
			return nb_fail(e, -EPROTO, "router advertisement: option %u at offset %zu has length 0, expected "
				       "1 or more (units of 8 bytes)", buf[off], off);
		if (n > len - off)
			return nb_fail(e, -EPROTO, "router advertisement: option %u at offset %zu: %zu bytes run past "
				       "the end (%zu left)", buf[off], off, n, len - off);
		int rc = parse_option(buf + off, n, ra, e);
		if (rc < 0)
			return rc;
		off += n;
	}
	return 0;
}

size_t ra_build_rs(uint8_t *buf, size_t cap, const uint8_t *mac)
{
	size_t len = mac ? 16 : 8;

	if (cap < len)
		return 0;
	memset(buf, 0, len);
	buf[0] = ND_ROUTER_SOLICIT;
	if (mac) {
		buf[8] = ND_OPT_SLLA;
		buf[9] = 1;
		memcpy(buf + 10, mac, 6);
	}
	return len;
}

void ra_slaac_addr(const uint8_t prefix[16], const uint8_t mac[6], uint8_t out[16])
{
	memcpy(out, prefix, 8);
	out[8] = mac[0] ^ 0x02;
	out[9] = mac[1];
	out[10] = mac[2];
	out[11] = 0xff;
	out[12] = 0xfe;
	out[13] = mac[3];
	out[14] = mac[4];
	out[15] = mac[5];
}

/* --- the router side (server/ra.c) --- */

int ra_rs_mac(const uint8_t *buf, size_t len, const uint8_t src[16], uint8_t mac[6])
{
	/* type, code, checksum, 4 reserved bytes, then options (RFC 4861 4.1) */
	if (len < 8 || buf[0] != ND_ROUTER_SOLICIT || buf[1] != 0)
		return -EINVAL;
	for (size_t off = 8; off < len;) {
		if (len - off < 2 || buf[off + 1] == 0 || buf[off + 1] * 8u > len - off)
			return -EINVAL;	/* a zero or overlong option length */
		if (buf[off] == ND_OPT_SLLA && buf[off + 1] == 1) {
			memcpy(mac, buf + off + 2, 6);
			return 0;
		}
		off += buf[off + 1] * 8u;
	}
	/* fe80::XXYY:ZZff:feUU:VVWW, the MAC with the U/L bit flipped */
	static const uint8_t ll[8] = { 0xfe, 0x80 };
	if (memcmp(src, ll, 8) || src[11] != 0xff || src[12] != 0xfe)
		return -EINVAL;
	uint8_t m[6] = { (uint8_t)(src[8] ^ 2), src[9], src[10], src[13], src[14], src[15] };
	memcpy(mac, m, 6);
	return 0;
}

size_t ra_build_empty(uint8_t *buf, size_t cap)
{
	if (cap < 16)
		return 0;
	memset(buf, 0, 16);	/* hop limit, flags, lifetime, reachable, retrans: all "unspecified" */
	buf[0] = ND_ROUTER_ADVERT;
	return 16;
}

static void put32be(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

size_t ra_build_managed(uint8_t *buf, size_t cap, const uint8_t mac[6], const struct ra_prefix *prefix)
{
	size_t len = prefix ? 56 : 24;

	if (cap < len)
		return 0;
	memset(buf, 0, len);
	buf[0] = ND_ROUTER_ADVERT;
	buf[4] = 64;		/* cur hop limit */
	buf[5] = 0x80 | 0x40;	/* M, O; router lifetime (6, 7) stays 0 */
	buf[16] = ND_OPT_SLLA;
	buf[17] = 1;
	memcpy(buf + 18, mac, 6);
	if (prefix) {
		uint8_t *p = buf + 24;
		p[0] = ND_OPT_PREFIX;
		p[1] = 4;
		p[2] = prefix->len;
		p[3] = 0x80;	/* L; A clear: addresses from DHCPv6 only */
		put32be(p + 4, prefix->valid);
		put32be(p + 8, prefix->preferred);
		memcpy(p + 16, prefix->prefix, 16);
	}
	return len;
}
