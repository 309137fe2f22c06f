/* DHCP codec: encode->parse round trip, hand-built OFFER/ACK byte vectors
 * (pad/end, overload into file and sname, long options split in two),
 * and malformed messages, each rejected with a message.  Also the IPv4+UDP
 * framing of the raw socket path. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include "netboot/dhcp_wire.h"
#include "check.h"

static const uint8_t MAC[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

/* A reply built byte by byte, independent of dhcp_encode: fixed fields at
 * their RFC 2131 offsets, then the cookie and opts. */
static size_t mk(uint8_t *b, uint8_t op, uint32_t xid, const char *yiaddr, const uint8_t *opts, size_t olen)
{
	uint32_t y = inet_addr(yiaddr);

	memset(b, 0, 240 + olen);
	b[0] = op;
	b[1] = 1;
	b[2] = 6;
	b[4] = (uint8_t)(xid >> 24), b[5] = (uint8_t)(xid >> 16), b[6] = (uint8_t)(xid >> 8), b[7] = (uint8_t)xid;
	b[10] = 0x80;	/* broadcast flag */
	memcpy(b + 16, &y, 4);
	b[20] = 192, b[21] = 0, b[22] = 2, b[23] = 1;	/* siaddr */
	memcpy(b + 28, MAC, 6);
	b[236] = 0x63, b[237] = 0x82, b[238] = 0x53, b[239] = 0x63;
	memcpy(b + 240, opts, olen);
	return 240 + olen;
}

static int ip_eq(uint32_t a, const char *s)
{
	return a == inet_addr(s);
}

static void round_trip(void)
{
	struct dhcp_msg m, p;
	uint8_t buf[DHCP_MSG_MAX];
	uint32_t lease = htonl(3600), v32;
	struct errbuf e;
	char s[64];
	int len;

	dhcp_msg_init(&m, DHCP_BOOTREPLY, DHCPACK, 0xdeadbeef, MAC);
	m.secs = 7;
	m.flags = DHCP_FLAG_BROADCAST;
	m.yiaddr = inet_addr("192.0.2.100");
	m.siaddr = inet_addr("192.0.2.1");
	memcpy(m.file, "pxelinux.0", 10);
	CHECK("add lease", dhcp_opt_add(&m, DHCP_OPT_LEASE_TIME, &lease, 4) == 0);
	CHECK("add domain", dhcp_opt_add(&m, DHCP_OPT_DOMAIN, "test.example", 12) == 0);
	len = dhcp_encode(&m, buf, sizeof(buf), &e);
	CHECK("encode pads to 300", len == DHCP_PAD_TO);
	CHECK("encode END after options", len > 0 && buf[240 + m.opts_len] == DHCP_OPT_END);
	CHECK("encode cookie", buf[236] == 0x63 && buf[237] == 0x82 && buf[238] == 0x53 && buf[239] == 0x63);
	CHECK("parse encoded", dhcp_parse(buf, (size_t)len, &p, &e) == 0);
	CHECK("round trip header", p.op == 2 && p.htype == 1 && p.hlen == 6 && p.xid == 0xdeadbeef && p.secs == 7 &&
	      p.flags == DHCP_FLAG_BROADCAST && ip_eq(p.yiaddr, "192.0.2.100") && ip_eq(p.siaddr, "192.0.2.1") &&
	      !memcmp(p.chaddr, MAC, 6) && !memcmp(p.file, "pxelinux.0", 11));
	CHECK("round trip type", dhcp_msg_type(&p) == DHCPACK);
	CHECK("round trip lease", dhcp_opt_u32(&p, DHCP_OPT_LEASE_TIME, &v32) == 0 && v32 == 3600);
	CHECK("round trip domain", dhcp_opt_str(&p, DHCP_OPT_DOMAIN, s, sizeof(s)) == 0 && !strcmp(s, "test.example"));
	CHECK("encode into a small buffer", dhcp_encode(&m, buf, 299, &e) == -EMSGSIZE && strstr(e.msg, "does not fit"));

	uint8_t big[255] = { 0 };
	CHECK("add 256 bytes refused", dhcp_opt_add(&m, 43, big, 256) == -EMSGSIZE);
	int n = 0;
	while (dhcp_opt_add(&m, 43, big, 255) == 0)
		n++;
	CHECK("options fill up, then refuse", n > 0 && m.opts_len < sizeof(m.opts));
	CHECK("full message still encodes", dhcp_encode(&m, buf, sizeof(buf), &e) > 0);
	CHECK("full message parses", dhcp_parse(buf, DHCP_MIN_LEN + m.opts_len + 1, &p, &e) == 0);
}

/* The u32 writer beside its reader: host order in, big-endian on the wire,
 * read back by dhcp_opt_u32; refused, unchanged, when it does not fit. */
static void add_u32(void)
{
	struct dhcp_msg m, p;
	uint8_t buf[DHCP_MSG_MAX], pad[255] = { 0 };
	struct errbuf e;
	uint32_t v;

	dhcp_msg_init(&m, DHCP_BOOTREPLY, DHCPACK, 1, MAC);
	size_t at = m.opts_len;
	CHECK("add_u32 T1", dhcp_opt_add_u32(&m, DHCP_OPT_T1, 0x01020304) == 0);
	CHECK("add_u32 writes code, length, big-endian value",
	      m.opts_len == at + 6 && m.opts[at] == DHCP_OPT_T1 && m.opts[at + 1] == 4 && m.opts[at + 2] == 1 &&
	      m.opts[at + 3] == 2 && m.opts[at + 4] == 3 && m.opts[at + 5] == 4);
	int len = dhcp_encode(&m, buf, sizeof(buf), &e);
	CHECK("add_u32 round trip", len > 0 && dhcp_parse(buf, (size_t)len, &p, &e) == 0 &&
	      dhcp_opt_u32(&p, DHCP_OPT_T1, &v) == 0 && v == 0x01020304);
	while (dhcp_opt_add(&m, 43, pad, 255) == 0)
		;
	size_t room = sizeof(m.opts) - m.opts_len - 1;	/* a byte stays for END */
	if (room >= 2)
		dhcp_opt_add(&m, 43, pad, room - 2);
	at = m.opts_len;
	CHECK("add_u32 into a full message refused", dhcp_opt_add_u32(&m, DHCP_OPT_T2, 7) == -EMSGSIZE && m.opts_len == at);
}

static void offer_vector(void)
{
	static const uint8_t opts[] = {
		53, 1, 2,				/* OFFER */
		0, 0,					/* pad */
		1, 4, 255, 255, 255, 0,			/* mask */
		3, 8, 192, 0, 2, 1, 192, 0, 2, 254,	/* two routers */
		6, 4, 192, 0, 2, 53,			/* DNS */
		15, 12, 't', 'e', 's', 't', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e',
		51, 4, 0, 0, 0x0e, 0x10,		/* 3600 s */
		54, 4, 192, 0, 2, 1,			/* server id */
		26, 2, 0x05, 0xdc,			/* MTU 1500 */
		255,					/* END */
		7, 200, 1,				/* junk after END is not options */
	};
	uint8_t b[512];
	struct dhcp_msg m;
	struct errbuf e;
	uint32_t v, addrs[4];
	uint16_t mtu;
	uint8_t u8;
	char s[64];
	int n;

	size_t len = mk(b, 2, 0x01020304, "192.0.2.100", opts, sizeof(opts));
	CHECK("offer parses", dhcp_parse(b, len, &m, &e) == 0);
	CHECK("offer type", dhcp_msg_type(&m) == DHCPOFFER);
	CHECK("offer yiaddr", ip_eq(m.yiaddr, "192.0.2.100"));
	CHECK("offer mask", dhcp_opt_addr(&m, DHCP_OPT_SUBNET_MASK, &v) == 0 && ip_eq(v, "255.255.255.0"));
	CHECK("offer routers", dhcp_opt_addrs(&m, DHCP_OPT_ROUTER, addrs, 4, &n) == 0 && n == 2 &&
	      ip_eq(addrs[0], "192.0.2.1") && ip_eq(addrs[1], "192.0.2.254"));
	CHECK("offer routers capped", dhcp_opt_addrs(&m, DHCP_OPT_ROUTER, addrs, 1, &n) == 0 && n == 1);
	CHECK("offer dns", dhcp_opt_addrs(&m, DHCP_OPT_DNS, addrs, 4, &n) == 0 && n == 1 && ip_eq(addrs[0], "192.0.2.53"));
	CHECK("offer domain", dhcp_opt_str(&m, DHCP_OPT_DOMAIN, s, sizeof(s)) == 0 && !strcmp(s, "test.example"));
	CHECK("offer domain too long for buffer", dhcp_opt_str(&m, DHCP_OPT_DOMAIN, s, 12) == -EMSGSIZE);
	CHECK("offer lease", dhcp_opt_u32(&m, DHCP_OPT_LEASE_TIME, &v) == 0 && v == 3600);
	CHECK("offer server id", dhcp_opt_addr(&m, DHCP_OPT_SERVER_ID, &v) == 0 && ip_eq(v, "192.0.2.1"));
	CHECK("offer mtu", dhcp_opt_u16(&m, DHCP_OPT_MTU, &mtu) == 0 && mtu == 1500);
	CHECK("u8 getter refuses 4 bytes", dhcp_opt_u8(&m, DHCP_OPT_LEASE_TIME, &u8) == -EPROTO);
	CHECK("u32 getter refuses 2 bytes", dhcp_opt_u32(&m, DHCP_OPT_MTU, &v) == -EPROTO);
	CHECK("absent option", dhcp_opt_u32(&m, DHCP_OPT_T1, &v) == -ENOENT);
	CHECK("after END ignored", dhcp_opt_u8(&m, 7, &u8) == -ENOENT);
	CHECK("reply matches", dhcp_check_reply(&m, 0x01020304, MAC, &e) == 0);
	CHECK("other xid", dhcp_check_reply(&m, 0x01020305, MAC, &e) == -ENOMSG && strstr(e.msg, "xid"));
	uint8_t other[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x57 };
	CHECK("other chaddr", dhcp_check_reply(&m, 0x01020304, other, &e) == -ENOMSG && strstr(e.msg, "52:54:00:12:34:56"));

	/* Options without END that end exactly at the message end are accepted. */
	len = mk(b, 2, 1, "192.0.2.100", opts, 3);
	CHECK("no END, exact end", dhcp_parse(b, len, &m, &e) == 0 && dhcp_msg_type(&m) == DHCPOFFER);
	/* No options at all: plain BOOTP. */
	len = mk(b, 2, 1, "192.0.2.100", opts, 0);
	CHECK("BOOTP without options", dhcp_parse(b, len, &m, &e) == 0 && dhcp_msg_type(&m) == -ENOENT);
}

static void overload_vectors(void)
{
	static const uint8_t opts[] = { 53, 1, 5, 52, 1, 3, 255 };	/* ACK, overload both */
	static const uint8_t file_opts[] = { 51, 4, 0, 0, 0x1c, 0x20, 3, 4, 192, 0, 2, 1, 255 };
	static const uint8_t sname_opts[] = { 0, 0, 6, 4, 192, 0, 2, 53, 15, 4, 't', 'e', 's', 't', 255 };
	uint8_t b[512];
	struct dhcp_msg m;
	struct dhcp_opt_iter it;
	struct dhcp_opt o;
	struct errbuf e;
	uint32_t v;
	char s[64];
	int codes[16], n = 0, rc;

	size_t len = mk(b, 2, 9, "192.0.2.100", opts, sizeof(opts));
	memcpy(b + 108, file_opts, sizeof(file_opts));
	memcpy(b + 44, sname_opts, sizeof(sname_opts));
	CHECK("overload 3 parses", dhcp_parse(b, len, &m, &e) == 0);
	CHECK("lease from file", dhcp_opt_u32(&m, DHCP_OPT_LEASE_TIME, &v) == 0 && v == 7200);
	CHECK("router from file", dhcp_opt_addr(&m, DHCP_OPT_ROUTER, &v) == 0 && ip_eq(v, "192.0.2.1"));
	CHECK("dns from sname", dhcp_opt_addr(&m, DHCP_OPT_DNS, &v) == 0 && ip_eq(v, "192.0.2.53"));
	CHECK("domain from sname", dhcp_opt_str(&m, DHCP_OPT_DOMAIN, s, sizeof(s)) == 0 && !strcmp(s, "test"));
	dhcp_opt_iter_init(&it, &m);
	while ((rc = dhcp_opt_next(&it, &o, &e)) > 0 && n < 16)
		codes[n++] = o.code;
	CHECK("iterator order: options, file, sname", rc == 0 && n == 6 && codes[0] == 53 && codes[1] == 52 &&
	      codes[2] == 51 && codes[3] == 3 && codes[4] == 6 && codes[5] == 15);

	/* Overload 1: file holds options, sname stays a name (not parsed). */
	static const uint8_t opts1[] = { 53, 1, 5, 52, 1, 1, 255 };
	len = mk(b, 2, 9, "192.0.2.100", opts1, sizeof(opts1));
	memcpy(b + 108, file_opts, sizeof(file_opts));
	memcpy(b + 44, "boot.example", 12);	/* 'b' = 98 would be a bad option */
	CHECK("overload 1 parses", dhcp_parse(b, len, &m, &e) == 0);
	CHECK("overload 1: file options seen", dhcp_opt_u32(&m, DHCP_OPT_LEASE_TIME, &v) == 0 && v == 7200);
	CHECK("overload 1: sname not options", dhcp_opt_addr(&m, DHCP_OPT_DNS, &v) == -ENOENT);

	/* Without overload, the same file bytes are a name, not options. */
	len = mk(b, 2, 9, "192.0.2.100", opts, 3);
	memcpy(b + 108, file_opts, sizeof(file_opts));
	CHECK("no overload parses", dhcp_parse(b, len, &m, &e) == 0);
	CHECK("no overload: file ignored", dhcp_opt_u32(&m, DHCP_OPT_LEASE_TIME, &v) == -ENOENT);

	/* An option in file running past its 128 bytes. */
	len = mk(b, 2, 9, "192.0.2.100", opts1, sizeof(opts1));
	memset(b + 108, 0, 128);
	b[108 + 125] = 3, b[108 + 126] = 4;	/* router, 4 bytes, only 1 left */
	CHECK("file option past end", dhcp_parse(b, len, &m, &e) == -EPROTO && strstr(e.msg, "file (overloaded)") &&
	      strstr(e.msg, "runs past the end"));

	/* Overload option itself malformed. */
	static const uint8_t bad_ov[] = { 53, 1, 5, 52, 1, 4, 255 };
	len = mk(b, 2, 9, "192.0.2.100", bad_ov, sizeof(bad_ov));
	CHECK("overload value 4", dhcp_parse(b, len, &m, &e) == -EPROTO && strstr(e.msg, "overload"));
	static const uint8_t bad_ov2[] = { 53, 1, 5, 52, 0, 255 };
	len = mk(b, 2, 9, "192.0.2.100", bad_ov2, sizeof(bad_ov2));
	CHECK("overload length 0", dhcp_parse(b, len, &m, &e) == -EPROTO && strstr(e.msg, "overload"));
}

static void long_options(void)
{
	/* RFC 3396: one option split in two instances is concatenated. */
	static const uint8_t opts[] = {
		53, 1, 5,
		6, 4, 192, 0, 2, 53,
		15, 5, 't', 'e', 's', 't', '.',
		6, 4, 192, 0, 2, 54,
		15, 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e',
		12, 5, 'h', 'o', 's', 't', 0,	/* counted trailing NUL */
		66, 2, 0, 0,			/* only NULs */
		3, 6, 192, 0, 2, 1, 0, 0,	/* not a multiple of 4 */
		255,
	};
	uint8_t b[512];
	struct dhcp_msg m;
	struct errbuf e;
	uint32_t a[4];
	char s[64];
	int n;

	size_t len = mk(b, 2, 9, "192.0.2.100", opts, sizeof(opts));
	CHECK("long options parse", dhcp_parse(b, len, &m, &e) == 0);
	CHECK("dns concatenated", dhcp_opt_addrs(&m, DHCP_OPT_DNS, a, 4, &n) == 0 && n == 2 &&
	      ip_eq(a[1], "192.0.2.54"));
	CHECK("domain concatenated", dhcp_opt_str(&m, DHCP_OPT_DOMAIN, s, sizeof(s)) == 0 && !strcmp(s, "test.example"));
	CHECK("trailing NUL trimmed", dhcp_opt_str(&m, DHCP_OPT_HOSTNAME, s, sizeof(s)) == 0 && !strcmp(s, "host"));
	CHECK("all-NUL string refused", dhcp_opt_str(&m, DHCP_OPT_TFTP_SERVER, s, sizeof(s)) == -EPROTO);
	CHECK("address list of 6 bytes refused", dhcp_opt_addrs(&m, DHCP_OPT_ROUTER, a, 4, &n) == -EPROTO);
	CHECK("concatenated addr is not one address", dhcp_opt_addr(&m, DHCP_OPT_DNS, a) == -EPROTO);
}

static void malformed(void)
{
	uint8_t b[DHCP_MSG_MAX + 16];
	struct dhcp_msg m;
	struct errbuf e;
	uint32_t v;
	size_t len;
	static const uint8_t ok[] = { 53, 1, 5, 255 };

	len = mk(b, 2, 1, "192.0.2.100", ok, sizeof(ok));
	CHECK("empty", dhcp_parse(b, 0, &m, &e) == -EPROTO && strstr(e.msg, "shorter than the minimum"));
	CHECK("truncated header", dhcp_parse(b, 100, &m, &e) == -EPROTO && strstr(e.msg, "100 bytes"));
	CHECK("truncated cookie", dhcp_parse(b, 239, &m, &e) == -EPROTO && strstr(e.msg, "minimum 240"));
	CHECK("exactly 240", dhcp_parse(b, 240, &m, &e) == 0);

	b[236] = 0;
	CHECK("missing magic cookie", dhcp_parse(b, len, &m, &e) == -EPROTO && strstr(e.msg, "magic cookie"));
	len = mk(b, 3, 1, "192.0.2.100", ok, sizeof(ok));
	CHECK("op 3", dhcp_parse(b, len, &m, &e) == -EPROTO && strstr(e.msg, "op 3"));
	len = mk(b, 1, 1, "192.0.2.100", ok, sizeof(ok));
	CHECK("request parses", dhcp_parse(b, len, &m, &e) == 0);
	CHECK("request is not a reply", dhcp_check_reply(&m, 1, MAC, &e) == -EPROTO && strstr(e.msg, "not a reply"));
	len = mk(b, 2, 1, "192.0.2.100", ok, sizeof(ok));
	b[2] = 17;
	CHECK("hlen 17", dhcp_parse(b, len, &m, &e) == -EPROTO && strstr(e.msg, "hardware address length 17"));

	static const uint8_t past[] = { 53, 1, 5, 51, 4, 0, 0 };
	len = mk(b, 2, 1, "192.0.2.100", past, sizeof(past));
	CHECK("option past the end", dhcp_parse(b, len, &m, &e) == -EPROTO && strstr(e.msg, "option 51") &&
	      strstr(e.msg, "runs past the end"));
	static const uint8_t nolen[] = { 53, 1, 5, 51 };
	len = mk(b, 2, 1, "192.0.2.100", nolen, sizeof(nolen));
	CHECK("length byte missing", dhcp_parse(b, len, &m, &e) == -EPROTO && strstr(e.msg, "no length byte"));

	static const uint8_t zero[] = { 53, 1, 5, 51, 0, 54, 0, 1, 3, 255, 255, 255, 255 };
	len = mk(b, 2, 1, "192.0.2.100", zero, sizeof(zero));
	CHECK("zero-length options parse", dhcp_parse(b, len, &m, &e) == 0);
	CHECK("lease of 0 bytes refused", dhcp_opt_u32(&m, DHCP_OPT_LEASE_TIME, &v) == -EPROTO);
	CHECK("server id of 0 bytes refused", dhcp_opt_addr(&m, DHCP_OPT_SERVER_ID, &v) == -EPROTO);
	CHECK("mask of 3 bytes refused", dhcp_opt_addr(&m, DHCP_OPT_SUBNET_MASK, &v) == -EPROTO);

	static const uint8_t type2[] = { 53, 2, 5, 5, 255 };
	len = mk(b, 2, 1, "192.0.2.100", type2, sizeof(type2));
	CHECK("message type of 2 bytes", dhcp_parse(b, len, &m, &e) == -EPROTO && strstr(e.msg, "message type"));
	static const uint8_t type9[] = { 53, 1, 9, 255 };
	len = mk(b, 2, 1, "192.0.2.100", type9, sizeof(type9));
	CHECK("message type 9", dhcp_parse(b, len, &m, &e) == -EPROTO && strstr(e.msg, "message type"));

	memset(b + 240, 0, sizeof(b) - 240);
	len = mk(b, 2, 1, "192.0.2.100", ok, sizeof(ok));
	CHECK("too long", dhcp_parse(b, DHCP_MSG_MAX + 1, &m, &e) == -EMSGSIZE && strstr(e.msg, "longer"));
	CHECK("longest accepted", dhcp_parse(b, DHCP_MSG_MAX, &m, &e) == 0);
}

/* Reference checksum for the framing tests: straightforward RFC 1071. */
static uint16_t ref_sum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	for (size_t i = 0; i < n; i++)
		s += (i & 1) ? p[i] : (uint32_t)p[i] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void framing(void)
{
	uint8_t payload[300], pkt[400], bad[400];
	struct dhcp_udp u;
	struct errbuf e;
	uint32_t src = inet_addr("192.0.2.1"), dst = inet_addr("255.255.255.255");
	int len;

	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7);
	len = dhcp_ipudp_wrap(pkt, sizeof(pkt), src, dst, 67, 68, payload, 301 - 1);
	CHECK("wrap length", len == 328);
	CHECK("wrap IP header checksum", ref_sum(pkt, 20) == 0);
	uint8_t pseudo[12 + 308];
	memcpy(pseudo, pkt + 12, 8);
	pseudo[8] = 0, pseudo[9] = 17, pseudo[10] = 308 >> 8, pseudo[11] = 308 & 0xff;
	memcpy(pseudo + 12, pkt + 20, 308);
	CHECK("wrap UDP checksum", ref_sum(pseudo, sizeof(pseudo)) == 0);
	CHECK("unwrap", dhcp_ipudp_unwrap(pkt, (size_t)len, 67, 68, true, &u, &e) == 0 && u.len == 300 &&
	      !memcmp(u.payload, payload, 300) && u.src == src && u.dst == dst);
	CHECK("unwrap with link padding", dhcp_ipudp_unwrap(pkt, (size_t)len + 20, 67, 68, true, &u, &e) == 0 && u.len == 300);
	CHECK("wrap too small", dhcp_ipudp_wrap(pkt, 100, src, dst, 67, 68, payload, 300) == -EMSGSIZE);
	CHECK("wrong ports", dhcp_ipudp_unwrap(pkt, (size_t)len, 68, 67, true, &u, &e) == -ENOMSG);
	CHECK("truncated", dhcp_ipudp_unwrap(pkt, (size_t)len - 1, 67, 68, true, &u, &e) == -EPROTO &&
	      strstr(e.msg, "total length"));
	CHECK("short", dhcp_ipudp_unwrap(pkt, 19, 67, 68, true, &u, &e) == -EPROTO);

	memcpy(bad, pkt, (size_t)len);
	bad[8] ^= 1;	/* TTL: header checksum now wrong */
	CHECK("IP checksum", dhcp_ipudp_unwrap(bad, (size_t)len, 67, 68, true, &u, &e) == -EPROTO &&
	      strstr(e.msg, "header checksum"));
	memcpy(bad, pkt, (size_t)len);
	bad[100] ^= 1;	/* payload: UDP checksum now wrong */
	CHECK("UDP checksum", dhcp_ipudp_unwrap(bad, (size_t)len, 67, 68, true, &u, &e) == -EPROTO &&
	      strstr(e.msg, "UDP checksum"));
	CHECK("UDP checksum not ready (offload)", dhcp_ipudp_unwrap(bad, (size_t)len, 67, 68, false, &u, &e) == 0);
	bad[26] = bad[27] = 0;	/* no UDP checksum at all */
	CHECK("UDP checksum 0 = none", dhcp_ipudp_unwrap(bad, (size_t)len, 67, 68, true, &u, &e) == 0);

	memcpy(bad, pkt, (size_t)len);
	bad[0] = 0x46;	/* IHL 6: options, checksum breaks, but length first */
	CHECK("IHL beyond", dhcp_ipudp_unwrap(bad, 22, 67, 68, true, &u, &e) == -EPROTO);
	bad[0] = 0x65;
	CHECK("IPv6 version", dhcp_ipudp_unwrap(bad, (size_t)len, 67, 68, true, &u, &e) == -EPROTO &&
	      strstr(e.msg, "version 6"));
	memcpy(bad, pkt, (size_t)len);
	bad[6] = 0x20;	/* MF */
	bad[10] = bad[11] = 0;
	uint16_t cs = ref_sum(bad, 20);
	bad[10] = (uint8_t)(cs >> 8), bad[11] = (uint8_t)cs;
	CHECK("fragment", dhcp_ipudp_unwrap(bad, (size_t)len, 67, 68, true, &u, &e) == -EPROTO && strstr(e.msg, "fragment"));
	memcpy(bad, pkt, (size_t)len);
	bad[24] = 0x02, bad[25] = 0x00;	/* UDP length 512 > IP payload */
	CHECK("UDP length", dhcp_ipudp_unwrap(bad, (size_t)len, 67, 68, true, &u, &e) == -EPROTO &&
	      strstr(e.msg, "UDP length"));
}

/* The server's helpers: reply skeleton, parameter list, option 93, the
 * PXE vendor class, option 57, copying option 97, option 43. */
static void server_side(void)
{
	static const uint8_t opts[] = {
		53, 1, 1,
		57, 2, 0x05, 0xdc,					/* 1500 */
		55, 4, 1, 3, 66, 67,
		60, 32, 'P', 'X', 'E', 'C', 'l', 'i', 'e', 'n', 't', ':', 'A', 'r', 'c', 'h', ':', '0', '0', '0', '0',
		'7', ':', 'U', 'N', 'D', 'I', ':', '0', '0', '3', '0', '1', '6',
		93, 2, 0, 7,
		97, 17, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
		255,
	};
	static const uint8_t plain[] = { 53, 1, 1, 57, 2, 0x01, 0x00, 60, 5, 'u', 'd', 'h', 'c', 'p', 93, 3, 0, 7, 1, 255 };
	uint8_t b[DHCP_MSG_MAX], out[DHCP_MSG_MAX];
	struct dhcp_msg req, r, p;
	struct errbuf e;
	size_t len = mk(b, 1, 0x1234, "0.0.0.0", opts, sizeof(opts)), olen;
	uint8_t v[32];

	b[3] = 1;	/* hops */
	b[24] = 198, b[25] = 51, b[26] = 100, b[27] = 1;	/* giaddr */
	CHECK("pxe request parses", dhcp_parse(b, len, &req, &e) == 0);
	CHECK("param requested 67", dhcp_param_requested(&req, DHCP_OPT_BOOTFILE));
	CHECK("param not requested 6", !dhcp_param_requested(&req, DHCP_OPT_DNS));
	CHECK("arch 7", dhcp_client_arch(&req) == 7);
	CHECK("is PXE", dhcp_is_pxe_client(&req));
	CHECK("max reply 1500 - 28", dhcp_reply_max(&req) == 1472);
	dhcp_reply_init(&r, &req, DHCPOFFER);
	CHECK("reply copies xid, flags, giaddr, hops, chaddr", r.op == DHCP_BOOTREPLY && r.xid == 0x1234 &&
	      r.flags == DHCP_FLAG_BROADCAST && ip_eq(r.giaddr, "198.51.100.1") && r.hops == 1 && !memcmp(r.chaddr, MAC, 6));
	CHECK("copy 97", dhcp_opt_copy(&r, &req, DHCP_OPT_UUID) == 0);
	CHECK("copy absent", dhcp_opt_copy(&r, &req, DHCP_OPT_HOSTNAME) == -ENOENT);
	CHECK("add 43", dhcp_opt_add_pxe_control(&r, PXE_DISCOVERY_BOOTFILE_ONLY) == 0);
	int n = dhcp_encode(&r, out, sizeof(out), &e);
	CHECK("reply parses", n > 0 && dhcp_parse(out, (size_t)n, &p, &e) == 0);
	CHECK("reply type", dhcp_msg_type(&p) == DHCPOFFER);
	CHECK("97 echoed byte for byte", dhcp_opt_get(&p, DHCP_OPT_UUID, v, sizeof(v), &olen) == 0 && olen == 17 &&
	      !memcmp(v, opts + 53, 17));
	CHECK("43 = sub-option 6 value 8, end", dhcp_opt_get(&p, DHCP_OPT_VENDOR_SPECIFIC, v, sizeof(v), &olen) == 0 &&
	      olen == 4 && v[0] == 6 && v[1] == 1 && v[2] == 8 && v[3] == 255);

	len = mk(b, 1, 1, "0.0.0.0", plain, sizeof(plain));
	CHECK("plain request parses", dhcp_parse(b, len, &req, &e) == 0);
	CHECK("not PXE", !dhcp_is_pxe_client(&req));
	CHECK("odd option 93 length: no arch", dhcp_client_arch(&req) == -1);
	CHECK("option 57 below 576: 548", dhcp_reply_max(&req) == 548);
	CHECK("no option 55: nothing requested", !dhcp_param_requested(&req, DHCP_OPT_BOOTFILE));
	/* "PXEClien" is not PXEClient */
	static const uint8_t short60[] = { 53, 1, 1, 60, 8, 'P', 'X', 'E', 'C', 'l', 'i', 'e', 'n', 255 };
	len = mk(b, 1, 1, "0.0.0.0", short60, sizeof(short60));
	CHECK("short vendor parses", dhcp_parse(b, len, &req, &e) == 0 && !dhcp_is_pxe_client(&req) &&
	      dhcp_client_arch(&req) == -1);
}

int main(void)
{
	server_side();
	round_trip();
	add_u32();
	offer_vector();
	overload_vectors();
	long_options();
	malformed();
	framing();
	CHECK_STR("type names", dhcp_type_name(DHCPNAK), "NAK");
	return CHECK_DONE();
}
