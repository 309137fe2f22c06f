/* DHCPv6 and RA codecs: client messages built and read back byte by byte,
 * a Reply and a Relay-Forw built by hand (independent of dhcp6_build),
 * malformed messages each refused with a message naming the option, the
 * client's pure helpers (RFC 8415 retransmission times, the usable address
 * of a Reply, the on-link prefix), and Router Advertisements. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "netboot/dhcp6_client.h"
#include "netboot/dhcp6_wire.h"
#include "netboot/ra_wire.h"
#include "check.h"

static const uint8_t MAC[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

struct w {
	uint8_t b[1500];
	size_t n;
};

static void raw(struct w *w, const void *d, size_t n)
{
	memcpy(w->b + w->n, d, n);
	w->n += n;
}

static void u16(struct w *w, unsigned v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	raw(w, b, 2);
}

static void u32(struct w *w, uint32_t v)
{
	u16(w, v >> 16);
	u16(w, v & 0xffff);
}

static void opt(struct w *w, unsigned code, const void *d, size_t n)
{
	u16(w, code);
	u16(w, (unsigned)n);
	raw(w, d, n);
}

static void a6(const char *s, uint8_t out[16])
{
	inet_pton(AF_INET6, s, out);
}

static const uint8_t SDUID[14] = { 0, 1, 0, 1, 0x11, 0x22, 0x33, 0x44, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };

/* A Reply: our DUID, the server's, IA_NA with one address, DNS, domains,
 * URL, parameters, preference; the IA's status text has a control byte. */
static void mk_reply(struct w *w, uint32_t xid, uint32_t pref, uint32_t valid)
{
	uint8_t duid[10], addr[16], dns[32];
	struct w ia = { .n = 0 }, ad = { .n = 0 };

	memset(w, 0, sizeof(*w));
	u32(w, (uint32_t)DHCP6_REPLY << 24 | xid);
	opt(w, 1, duid, dhcp6_duid_ll(MAC, duid));
	opt(w, 2, SDUID, sizeof(SDUID));
	a6("2001:db8:0:1::123", addr);
	raw(&ad, addr, 16);
	u32(&ad, pref);
	u32(&ad, valid);
	u32(&ia, 0x12345656);
	u32(&ia, 1800);
	u32(&ia, 2880);
	opt(&ia, 5, ad.b, ad.n);
	opt(&ia, 13, "\0\0all\x01good", 10);
	opt(w, 3, ia.b, ia.n);
	a6("2001:db8::53", dns);
	a6("2001:db8::54", dns + 16);
	opt(w, 23, dns, 32);
	opt(w, 24, "\4test\7example\0\3kea\7example\0", 27);
	opt(w, 59, "http://[2001:db8::1]/boot.efi", 29);
	opt(w, 60, "\0\5a=b c\0\3d=e", 12);
	opt(w, 7, "\x0a", 1);
	opt(w, 999, "ignored", 7);
}

static void reply_parsed(void)
{
	struct w w;
	struct dhcp6_msg m;
	struct errbuf e = { "" };
	uint8_t want[16];

	mk_reply(&w, 0xabcdef, 3600, 7200);
	CHECK("reply: parses", dhcp6_parse(w.b, w.n, &m, &e) == 0);
	CHECK("reply: type and xid", m.type == DHCP6_REPLY && m.xid == 0xabcdef);
	CHECK("reply: client DUID-LL", m.client_duid_len == 10 && m.client_duid[1] == 3 && !memcmp(m.client_duid + 4, MAC, 6));
	CHECK("reply: server DUID", m.server_duid_len == 14 && !memcmp(m.server_duid, SDUID, 14));
	a6("2001:db8:0:1::123", want);
	CHECK("reply: IA_NA", m.has_ia_na && m.iaid == 0x12345656 && m.t1 == 1800 && m.t2 == 2880 && m.naddrs == 1);
	CHECK("reply: IAADDR and lifetimes", !memcmp(m.addrs[0].addr, want, 16) && m.addrs[0].preferred == 3600 &&
					     m.addrs[0].valid == 7200);
	CHECK("reply: IA status success", m.ia_status.code == 0);
	CHECK_STR("reply: status text sanitized", m.ia_status.text, "all?good");
	CHECK("reply: no message status", m.status.code == DHCP6_STATUS_NONE);
	a6("2001:db8::54", want);
	CHECK("reply: two DNS", m.ndns == 2 && !memcmp(m.dns[1], want, 16));
	CHECK_STR("reply: domain list", m.domains, "test.example kea.example");
	CHECK_STR("reply: boot file URL", m.bootfile_url, "http://[2001:db8::1]/boot.efi");
	CHECK_STR("reply: boot file parameters", m.bootfile_param, "a=b c d=e");
	CHECK("reply: preference", m.has_preference && m.preference == 10);
	CHECK("reply: check_reply accepts ours", dhcp6_check_reply(&m, 0xabcdef, m.client_duid, 10, &e) == 0);
	CHECK("reply: another xid is -ENOMSG", dhcp6_check_reply(&m, 0xabcdee, m.client_duid, 10, &e) == -ENOMSG);
	uint8_t other[10];
	dhcp6_duid_ll((const uint8_t[6]){ 2, 0, 0, 0, 0, 1 }, other);
	CHECK("reply: another DUID is -ENOMSG", dhcp6_check_reply(&m, 0xabcdef, other, 10, &e) == -ENOMSG);
	struct dhcp6_iaaddr a;
	CHECK("reply: usable address", dhcp6_lease_addr(&m, &a, &e) == 0 && a.valid == 7200);

	mk_reply(&w, 1, 7300, 7200);	/* preferred > valid: not usable */
	dhcp6_parse(w.b, w.n, &m, &e);
	CHECK("reply: preferred > valid refused", dhcp6_lease_addr(&m, &a, &e) == -EPROTO &&
						   strstr(e.msg, "no usable address"));
}

static void status_refused(void)
{
	struct w w = { .n = 0 }, ia = { .n = 0 };
	struct dhcp6_msg m;
	struct dhcp6_iaaddr a;
	struct errbuf e = { "" };
	uint8_t duid[10];

	u32(&w, (uint32_t)DHCP6_ADVERTISE << 24 | 7);
	opt(&w, 1, duid, dhcp6_duid_ll(MAC, duid));
	opt(&w, 2, SDUID, sizeof(SDUID));
	u32(&ia, 1);
	u32(&ia, 0);
	u32(&ia, 0);
	opt(&ia, 13, "\0\2no more \x1b[31m", 15);
	opt(&w, 3, ia.b, ia.n);
	CHECK("NoAddrsAvail: parses", dhcp6_parse(w.b, w.n, &m, &e) == 0);
	CHECK("NoAddrsAvail: refused", dhcp6_lease_addr(&m, &a, &e) == -EPROTO);
	CHECK_STR("NoAddrsAvail: message quotes the server, sanitized", e.msg,
		  "IA_NA status NoAddrsAvail (2): no more ?[31m");
	CHECK("Advertise to a client check", dhcp6_check_reply(&m, 7, duid, 10, &e) == 0);
	w.b[0] = DHCP6_SOLICIT;
	dhcp6_parse(w.b, w.n, &m, &e);
	CHECK("a Solicit is not an answer", dhcp6_check_reply(&m, 7, duid, 10, &e) == -EPROTO && strstr(e.msg, "Solicit"));
}

static void built(void)
{
	static const uint16_t oro[] = { 23, 24, 59 };
	uint8_t duid[10], buf[512], addr[16];
	struct dhcp6_msg m;
	struct errbuf e = { "" };
	struct dhcp6_out o = {
		.type = DHCP6_SOLICIT, .xid = 0x1abcdef, .client_duid = duid, .client_duid_len = 10,
		.elapsed_cs = 150, .ia_na = true, .iaid = 0x00123456, .rapid_commit = true, .oro = oro, .noro = 3,
	};
	dhcp6_duid_ll(MAC, duid);
	int n = dhcp6_build(&o, buf, sizeof(buf), &e);
	/* header 4, client id 14, elapsed 6, IA_NA 16, rapid commit 4, ORO 10 */
	CHECK("solicit: length", n == 54);
	CHECK("solicit: header, 24-bit xid", buf[0] == 1 && buf[1] == 0xab && buf[2] == 0xcd && buf[3] == 0xef);
	CHECK("solicit: client id first, DUID-LL", buf[5] == 1 && buf[7] == 10 && buf[9] == 3 && buf[11] == 1 &&
						      !memcmp(buf + 12, MAC, 6));
	CHECK("solicit: parses back", dhcp6_parse(buf, (size_t)n, &m, &e) == 0);
	CHECK("solicit: fields back", m.type == DHCP6_SOLICIT && m.xid == 0xabcdef && m.rapid_commit && m.has_elapsed &&
				      m.elapsed_cs == 150 && m.has_ia_na && m.iaid == 0x123456 && m.naddrs == 0 &&
				      m.noro == 3 && m.oro[2] == 59 && !m.server_duid_len);
	a6("2001:db8::77", addr);
	o.type = DHCP6_REQUEST;
	o.server_duid = SDUID;
	o.server_duid_len = sizeof(SDUID);
	o.ia_addr = addr;
	n = dhcp6_build(&o, buf, sizeof(buf), &e);
	CHECK("request: parses back", n > 0 && dhcp6_parse(buf, (size_t)n, &m, &e) == 0);
	CHECK("request: server id, address with lifetimes 0, no rapid commit",
	      m.server_duid_len == 14 && m.naddrs == 1 && !memcmp(m.addrs[0].addr, addr, 16) && !m.addrs[0].valid &&
		      !m.addrs[0].preferred && !m.rapid_commit);
	o.type = DHCP6_RENEW;
	n = dhcp6_build(&o, buf, sizeof(buf), &e);
	CHECK("renew: type 5 with server id and address", n > 0 && dhcp6_parse(buf, (size_t)n, &m, &e) == 0 &&
							  m.type == DHCP6_RENEW && m.server_duid_len && m.naddrs == 1);
	o.type = DHCP6_DECLINE;	/* the agent's, after DAD failed: server id, the address, no rapid commit */
	n = dhcp6_build(&o, buf, sizeof(buf), &e);
	CHECK("decline: type 9, server id, the IA_NA with the address", n > 0 && dhcp6_parse(buf, (size_t)n, &m, &e) == 0 &&
		m.type == DHCP6_DECLINE && m.server_duid_len == 14 && m.has_ia_na && m.iaid == 0x123456 && m.naddrs == 1 &&
		!memcmp(m.addrs[0].addr, addr, 16) && !m.rapid_commit && m.n_ia_na == 1 && !m.addrs_dropped);
	/* a Confirm with two IA_NAs, the first holding five addresses: the server must see it cannot judge all */
	struct w cw = { .n = 0 };
	u32(&cw, (uint32_t)DHCP6_CONFIRM << 24 | 7);
	opt(&cw, DHCP6_OPT_CLIENTID, duid, 10);
	uint8_t ia[12 + 5 * 28] = { 0 }, one[28] = { 0 };
	for (int i = 0; i < 5; i++) {
		one[1] = DHCP6_OPT_IAADDR, one[3] = 24;
		memcpy(one + 4, addr, 16);
		memcpy(ia + 12 + 28 * i, one, 28);
	}
	opt(&cw, DHCP6_OPT_IA_NA, ia, sizeof(ia));
	opt(&cw, DHCP6_OPT_IA_NA, ia, 12);
	CHECK("confirm: two IA_NAs counted, addresses past 4 flagged", dhcp6_parse(cw.b, cw.n, &m, &e) == 0 &&
		m.type == DHCP6_CONFIRM && m.n_ia_na == 2 && m.naddrs == 4 && m.addrs_dropped);
	struct dhcp6_out info = { .type = DHCP6_INFORMATION_REQUEST, .xid = 5, .client_duid = duid, .client_duid_len = 10,
				  .oro = oro, .noro = 3 };
	n = dhcp6_build(&info, buf, sizeof(buf), &e);
	CHECK("information-request: no IA", n > 0 && dhcp6_parse(buf, (size_t)n, &m, &e) == 0 && m.type == 11 && !m.has_ia_na);
	CHECK("build: too small a buffer", dhcp6_build(&o, buf, 20, &e) == -EMSGSIZE && strstr(e.msg, "Decline"));
	uint8_t mac[6];
	CHECK("DUID-LL gives the MAC back", dhcp6_duid_mac(duid, 10, mac) == 0 && !memcmp(mac, MAC, 6));
	CHECK("DUID-LLT gives the MAC", dhcp6_duid_mac(SDUID, 14, mac) == 0 && mac[0] == 0xaa && mac[5] == 0xff);
	CHECK("DUID-EN has none", dhcp6_duid_mac((const uint8_t *)"\0\2\0\0\0\11xyz", 9, mac) == -ENOENT);
}

static void relay(void)
{
	struct w inner, w = { .n = 0 };
	struct dhcp6_msg m, in;
	struct errbuf e = { "" };
	uint8_t link[16], peer[16];

	mk_reply(&inner, 3, 1, 2);
	inner.b[0] = DHCP6_SOLICIT;
	a6("2001:db8:0:9::1", link);
	a6("fe80::5054:ff:fe12:3456", peer);
	raw(&w, "\x0c\x01", 2);
	raw(&w, link, 16);
	raw(&w, peer, 16);
	opt(&w, 79, "\0\1\x52\x54\x00\x12\x34\x56", 8);
	opt(&w, 9, inner.b, inner.n);
	CHECK("relay-forw: parses", dhcp6_parse(w.b, w.n, &m, &e) == 0);
	CHECK("relay-forw: hop count, addresses", m.relay.hop_count == 1 && !memcmp(m.relay.link_addr, link, 16) &&
						       !memcmp(m.relay.peer_addr, peer, 16));
	CHECK("relay-forw: client link-layer address (79)", m.has_lladdr && m.lltype == 1 && m.lladdr_len == 6 &&
								 !memcmp(m.lladdr, MAC, 6));
	CHECK("relay-forw: inner message", m.relay.msg_len == inner.n && dhcp6_parse(m.relay.msg, m.relay.msg_len, &in, &e) == 0 &&
					       in.type == DHCP6_SOLICIT);
	w.n -= inner.n + 4;	/* without option 9 */
	CHECK("relay-forw without a relay message", dhcp6_parse(w.b, w.n, &m, &e) == -EPROTO && strstr(e.msg, "option 9"));
}

/* Each malformed message: -EPROTO and the message naming what is wrong. */
static void malformed(void)
{
	static const struct {
		const char *name;
		const char *bytes;
		size_t len;
		const char *says;
	} cases[] = {
		{ "3 bytes", "\7\0\0\1", 3, "expected at least 4" },
		{ "option header cut", "\7\0\0\1\0\1\0", 7, "3 stray bytes at offset 4" },
		{ "option runs past the end", "\7\0\0\1\0\27\0\40abcd", 12, "option 23 (DNS servers) at offset 4: length 32 runs past" },
		{ "DNS not a multiple of 16", "\7\0\0\1\0\27\0\2ab", 10, "option 23 (DNS servers): 2 bytes, expected a non-zero multiple of 16" },
		{ "short DUID", "\7\0\0\1\0\2\0\2ab", 10, "option 2 (server identifier): 2 bytes, expected a DUID of 3..130" },
		{ "twice a client id", "\7\0\0\1\0\1\0\3abc\0\1\0\3abc", 18, "option 1 (client identifier) appears twice" },
		{ "preference of 2 bytes", "\7\0\0\1\0\7\0\2ab", 10, "option 7 (preference): 2 bytes, expected 1" },
		{ "IA_NA of 8 bytes", "\7\0\0\1\0\3\0\10abcdefgh", 16, "option 3 (IA_NA): 8 bytes, expected at least 12" },
		{ "IAADDR of 16 bytes", "\7\0\0\1\0\3\0\40iaidt1__t2__\0\5\0\20abcdefghijklmnop", 40,
		  "option 5 (IA address): 16 bytes, expected at least 24" },
		{ "IA sub-option past the IA", "\7\0\0\1\0\3\0\20iaidt1__t2__\0\5\0\50", 24,
		  "DHCPv6 IA_NA: option 5 (IA address) at offset 12: length 40 runs past" },
		{ "status of 1 byte", "\7\0\0\1\0\15\0\1a", 9, "option 13 (status code): 1 bytes, expected at least 2" },
		{ "label past the option", "\7\0\0\1\0\30\0\3\11ab", 11, "label of 9 bytes at offset 0" },
		{ "name not ended", "\7\0\0\1\0\30\0\3\2ab", 11, "not ended by a zero-length label" },
		{ "root name", "\7\0\0\1\0\30\0\1\0", 9, "an empty name" },
		{ "NUL inside the URL", "\7\0\0\1\0\73\0\3a\0b", 11, "a NUL byte inside the URL" },
		{ "parameter past the option", "\7\0\0\1\0\74\0\3\0\5a", 11, "parameter of 5 bytes at offset 0" },
		{ "rapid commit with data", "\2\0\0\1\0\16\0\1x", 9, "option 14 (rapid commit): 1 bytes, expected 0" },
		{ "Ethernet link-layer of 4", "\14\0" "aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbb" "\0\117\0\6\0\1abcd", 44,
		  "option 79 (client link-layer address): 6 bytes, expected 8 for Ethernet" },
		{ "type 0", "\0\0\0\1", 4, "type 0" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dhcp6_msg m;
		struct errbuf e = { "" };
		char name[96];
		int rc = dhcp6_parse((const uint8_t *)cases[i].bytes, cases[i].len, &m, &e);
		snprintf(name, sizeof(name), "malformed: %s", cases[i].name);
		if (rc == -EPROTO && strstr(e.msg, cases[i].says))
			printf("PASS: %s\n", name);
		else {
			printf("FAIL: %s: rc %d, message '%s', expected '%s'\n", name, rc, e.msg, cases[i].says);
			check_failures++;
		}
	}
}

static void retx(void)
{
	bool ok = true;
	for (uint32_t r = 0; r < 5000; r += 7) {
		int first = dhcp6_retx_ms(0, 1000, 16000, r, true);
		int req = dhcp6_retx_ms(0, 1000, 30000, r, false);
		int next = dhcp6_retx_ms(1000, 1000, 16000, r, false);
		int capped = dhcp6_retx_ms(12000, 1000, 16000, r, false);
		ok &= first > 1000 && first <= 1100 && req >= 900 && req <= 1100 && next >= 1900 && next <= 2100 &&
		      capped >= 14400 && capped <= 17600;
	}
	CHECK("retransmission: first Solicit in (IRT, 1.1 IRT], others within +-10%, doubling, capped at MRT", ok);
}

static void ra(void)
{
	struct w w = { .n = 0 };
	struct ra_info ra;
	struct errbuf e = { "" };
	uint8_t pfx[16], dns[16], addr[16], want[16];

	raw(&w, "\x86\0\0\0\x40\xc0\x07\x08\0\0\0\0\0\0\0\0", 16);
	raw(&w, "\x01\x01\x52\x54\x00\x12\x34\x56", 8);		/* SLLA */
	a6("2001:db8:0:1::ff", pfx);				/* bits past /64 cleared */
	raw(&w, "\x03\x04\x40\xc0\0\1\x51\x80\0\0\x38\x40\0\0\0\0", 16);
	raw(&w, pfx, 16);
	raw(&w, "\x03\x04\x40\x40\0\0\0\x10\0\0\0\x20\0\0\0\0", 16);	/* preferred > valid: skipped */
	raw(&w, pfx, 16);
	raw(&w, "\x05\x01\0\0\0\0\x05\xdc", 8);			/* MTU 1500 */
	a6("2001:db8::53", dns);
	raw(&w, "\x19\x03\0\0\0\0\x02\x58", 8);			/* RDNSS, 600 s */
	raw(&w, dns, 16);
	raw(&w, "\x63\x01\0\0\0\0\0\0", 8);			/* unknown: skipped */
	CHECK("ra: parses", ra_parse(w.b, w.n, &ra, &e) == 0);
	CHECK("ra: M and O, hop limit, router lifetime", ra.managed && ra.other && ra.hop_limit == 64 && ra.router_lifetime == 0x708);
	CHECK("ra: one prefix kept", ra.nprefixes == 1 && ra.prefixes[0].len == 64 && ra.prefixes[0].onlink &&
				     ra.prefixes[0].autonomous && ra.prefixes[0].valid == 86400 && ra.prefixes[0].preferred == 14400);
	a6("2001:db8:0:1::", want);
	CHECK("ra: prefix bits past the length cleared", !memcmp(ra.prefixes[0].prefix, want, 16));
	CHECK("ra: MTU, SLLA, RDNSS", ra.mtu == 1500 && ra.has_lladdr && !memcmp(ra.lladdr, MAC, 6) && ra.ndns == 1 &&
				      !memcmp(ra.dns[0], dns, 16) && ra.dns_lifetime == 600);
	ra_slaac_addr(ra.prefixes[0].prefix, MAC, addr);
	a6("2001:db8:0:1:5054:ff:fe12:3456", want);
	CHECK("ra: SLAAC EUI-64 address", !memcmp(addr, want, 16));
	a6("2001:db8:0:1::123", addr);
	CHECK("on-link prefix of a lease", dhcp6_onlink_prefix(&ra, addr) == 64);
	a6("2001:db8:0:2::123", addr);
	CHECK("off-link lease: /128", dhcp6_onlink_prefix(&ra, addr) == 128);

	uint8_t rs[16];
	CHECK("rs: with SLLA", ra_build_rs(rs, sizeof(rs), MAC) == 16 && rs[0] == 133 && rs[8] == 1 && rs[9] == 1 &&
				   !memcmp(rs + 10, MAC, 6));
	CHECK("rs: too small", ra_build_rs(rs, 8, MAC) == 0);

	w.b[24 + 1] = 0;	/* the prefix option's length 0 */
	CHECK("ra: zero-length option refused", ra_parse(w.b, w.n, &ra, &e) == -EPROTO && strstr(e.msg, "option 3 at offset 24 has length 0"));
	w.b[24 + 1] = 4;
	w.b[w.n - 8 + 1] = 2;	/* the last option claims 16 bytes, 8 are left */
	CHECK("ra: option past the end refused", ra_parse(w.b, w.n, &ra, &e) == -EPROTO && strstr(e.msg, "run past the end"));
	w.b[w.n - 8 + 1] = 1;
	w.b[24 + 1] = 2;
	CHECK("ra: short prefix option refused", ra_parse(w.b, w.n, &ra, &e) == -EPROTO &&
						 strstr(e.msg, "prefix information option of 16 bytes, expected 32"));
	CHECK("ra: an RS is not an RA", ra_parse(rs, 16, &ra, &e) == -EPROTO && strstr(e.msg, "type 133"));
	CHECK("ra: 15 bytes", ra_parse(w.b, 15, &ra, &e) == -EPROTO && strstr(e.msg, "expected at least 16"));
}

static void handover(void)
{
	struct dhcp6_result r = { .source = "dhcpv6", .prefix = 64, .has_dhcp = true, .valid = 7200, .preferred = 3600,
				  .iaid = 0x123456, .t1 = 1800, .t2 = 2880, .has_gateway = true, .ndns = 1, .ra_seen = true, .managed = true, .other = true,
				  .server_duid_len = 3, .server_duid = { 0, 3, 0xab } };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	memcpy(r.mac, MAC, 6);
	a6("2001:db8:0:1::123", r.addr);
	a6("fe80::1", r.gateway);
	a6("2001:db8::53", r.dns[0]);
	snprintf(r.domains, sizeof(r.domains), "a.example b.example");
	snprintf(r.bootfile_url, sizeof(r.bootfile_url), "http://[2001:db8::1]/it's.efi");
	dhcp6_format_handover("eth0", &r, f);
	fclose(f);
	CHECK_STR("handover lines", text,
		  "DEVICE=eth0\nHWADDR=52:54:00:12:34:56\nIPV6METHOD=dhcpv6\nIPV6ADDR=2001:db8:0:1::123\nIPV6PREFIX=64\n"
		  "IPV6GATEWAY=fe80::1\nIPV6DNS0=2001:db8::53\nIPV6DNS1=\nIPV6DOMAIN=a.example\nIPV6SLAAC=\n"
		  "DHCP6SERVER=00:03:ab\nIPV6LEASETIME=7200\nIPV6PREFERRED=3600\nIPV6IAID=1193046\nIPV6T1=1800\nIPV6T2=2880\n"
		  "IPV6RA=managed,other\n"
		  "BOOTFILE6='http://[2001:db8::1]/it'\\''s.efi'\nBOOTPARAM6=\n");
	free(text);
}

/* The server's Advertise/Reply built by dhcp6_build_server and read back
 * by the parser; byte checks on the IA_NA; a Relay-Repl around it. */
static void server_built(void)
{
	uint8_t cduid[10], sduid[10], addr[16], dns[2][16], buf[600], rr[700];
	const uint8_t smac[6] = { 2, 0, 0, 0, 0, 1 };
	const char *params[] = { "netboot=http://[2001:db8::1]/sysrcd.dat", "quiet" };
	struct dhcp6_msg m, fw, in;
	struct errbuf e = { "" };

	dhcp6_duid_ll(MAC, cduid);
	dhcp6_duid_ll(smac, sduid);
	a6("2001:db8::123", addr);
	a6("2001:db8::53", dns[0]);
	a6("2001:db8::54", dns[1]);
	struct dhcp6_server_out o = {
		.type = DHCP6_ADVERTISE, .xid = 0x123456, .client_duid = cduid, .client_duid_len = 10,
		.server_duid = sduid, .server_duid_len = 10, .status = DHCP6_STATUS_NONE, .ia_na = true, .iaid = 7,
		.t1 = 1800, .t2 = 2880, .addr = addr, .preferred = 3600, .valid = 3600, .ia_status = DHCP6_STATUS_NONE,
		.has_preference = true, .preference = 255, .dns = (const uint8_t (*)[16])dns, .ndns = 2,
		.bootfile_url = "tftp://[2001:db8::1]/snponly.efi", .bootfile_params = params, .nparams = 2,
		.vendor_enterprise = 343, .vendor_class = "HTTPClient",
	};
	int n = dhcp6_build_server(&o, buf, sizeof(buf), &e);
	CHECK("server: builds", n > 0);
	CHECK("server: header", buf[0] == DHCP6_ADVERTISE && buf[1] == 0x12 && buf[2] == 0x34 && buf[3] == 0x56);
	CHECK("server: parses back", n > 0 && dhcp6_parse(buf, (size_t)n, &m, &e) == 0);
	CHECK("server: DUIDs", m.client_duid_len == 10 && !memcmp(m.client_duid, cduid, 10) && m.server_duid_len == 10 &&
				       !memcmp(m.server_duid, sduid, 10));
	CHECK("server: IA_NA", m.has_ia_na && m.iaid == 7 && m.t1 == 1800 && m.t2 == 2880 && m.naddrs == 1 &&
				       !memcmp(m.addrs[0].addr, addr, 16) && m.addrs[0].valid == 3600 &&
				       m.ia_status.code == DHCP6_STATUS_NONE);
	CHECK("server: preference, no rapid commit", m.has_preference && m.preference == 255 && !m.rapid_commit);
	CHECK("server: DNS", m.ndns == 2 && !memcmp(m.dns[1], dns[1], 16));
	CHECK_STR("server: boot file URL", m.bootfile_url, "tftp://[2001:db8::1]/snponly.efi");
	CHECK_STR("server: boot file parameters", m.bootfile_param, "netboot=http://[2001:db8::1]/sysrcd.dat quiet");
	CHECK("server: vendor class", m.vendor_enterprise == 343 && !strcmp(m.vendor_class, "HTTPClient"));
	CHECK("server: the client accepts it", dhcp6_check_reply(&m, 0x123456, cduid, 10, &e) == 0);

	/* a Reply with Rapid Commit and NoAddrsAvail in the IA, no address */
	o.type = DHCP6_REPLY, o.addr = NULL, o.ia_status = DHCP6_NO_ADDRS_AVAIL, o.ia_status_text = "none left";
	o.rapid_commit = true, o.has_preference = false, o.bootfile_url = NULL, o.nparams = 0, o.vendor_class = NULL;
	n = dhcp6_build_server(&o, buf, sizeof(buf), &e);
	CHECK("server reply: parses", n > 0 && dhcp6_parse(buf, (size_t)n, &m, &e) == 0);
	CHECK("server reply: rapid commit, IA status", m.type == DHCP6_REPLY && m.rapid_commit && m.naddrs == 0 &&
							  m.ia_status.code == DHCP6_NO_ADDRS_AVAIL &&
							  !strcmp(m.ia_status.text, "none left"));
	CHECK("server reply: no 59, 16", !m.bootfile_url[0] && !m.vendor_enterprise);
	CHECK("server: too small a buffer", dhcp6_build_server(&o, buf, 20, &e) == -EMSGSIZE);
	o.server_duid_len = 0;
	CHECK("server: no server DUID refused", dhcp6_build_server(&o, buf, sizeof(buf), &e) == -EINVAL);
	o.server_duid_len = 10;

	/* the Relay-Repl: a Relay-Forw with interface id and 79, answered */
	struct w f = { .n = 0 };
	raw(&f, "\x0c\x02", 2);
	a6("2001:db8:9::1", addr);
	raw(&f, addr, 16);
	a6("fe80::1", addr);
	raw(&f, addr, 16);
	opt(&f, 18, "eth7", 4);
	opt(&f, 79, "\0\1\x52\x54\x00\x12\x34\x56", 8);
	opt(&f, 9, "\x01\0\0\x01", 4);
	CHECK("relay-forw with interface id parses", dhcp6_parse(f.b, f.n, &fw, &e) == 0 && fw.interface_id_len == 4);
	int rn = dhcp6_build_relay_repl(&fw, buf, (size_t)n, rr, sizeof(rr), &e);
	CHECK("relay-repl: builds and parses", rn > 0 && dhcp6_parse(rr, (size_t)rn, &m, &e) == 0);
	CHECK("relay-repl: type, hops, addresses, interface id", m.type == DHCP6_RELAY_REPL && m.relay.hop_count == 2 &&
		!memcmp(m.relay.peer_addr, addr, 16) && m.interface_id_len == 4 && !memcmp(m.interface_id, "eth7", 4));
	CHECK("relay-repl: the reply inside", m.relay.msg_len == (size_t)n &&
						dhcp6_parse(m.relay.msg, m.relay.msg_len, &in, &e) == 0 && in.rapid_commit);
	/* a client's vendor class and user class, and a broken one */
	struct w c = { .n = 0 };
	u32(&c, 0x01000001);
	opt(&c, 16, "\0\0\x01\x57\0\x09PXEClient", 15);
	opt(&c, 15, "\0\x04iPXE", 6);
	CHECK("client classes", dhcp6_parse(c.b, c.n, &m, &e) == 0 && m.vendor_enterprise == 343 &&
					 !strcmp(m.vendor_class, "PXEClient") && !strcmp(m.user_class, "iPXE"));
	c.n = 4;
	opt(&c, 16, "\0\0\x01\x57\0\x20PXE", 9);
	CHECK("vendor class item past the option", dhcp6_parse(c.b, c.n, &m, &e) == -EPROTO && strstr(e.msg, "vendor class"));
}

/* The managed RA (PXEBOOTSRV_RA) read back by the host's parser. */
static void ra_managed(void)
{
	uint8_t b[64];
	struct ra_prefix p = { .len = 64, .valid = 86400, .preferred = 14400 };
	struct ra_info ri;
	struct errbuf e = { "" };

	a6("2001:db8::", p.prefix);
	size_t n = ra_build_managed(b, sizeof(b), MAC, &p);
	CHECK("managed RA: 56 bytes, parses", n == 56 && ra_parse(b, n, &ri, &e) == 0);
	CHECK("managed RA: M, O, not a default router, hop limit 64", ri.managed && ri.other && ri.router_lifetime == 0 &&
								  ri.hop_limit == 64);
	CHECK("managed RA: source link-layer address", ri.has_lladdr && !memcmp(ri.lladdr, MAC, 6));
	CHECK("managed RA: prefix on-link, no SLAAC", ri.nprefixes == 1 && ri.prefixes[0].len == 64 &&
							 ri.prefixes[0].onlink && !ri.prefixes[0].autonomous &&
							 ri.prefixes[0].valid == 86400 && !memcmp(ri.prefixes[0].prefix, p.prefix, 16));
	n = ra_build_managed(b, sizeof(b), MAC, NULL);
	CHECK("managed RA without a prefix: 24 bytes", n == 24 && ra_parse(b, n, &ri, &e) == 0 && ri.nprefixes == 0 &&
							  ri.managed);
	CHECK("managed RA: too small a buffer", ra_build_managed(b, 20, MAC, NULL) == 0);
}

int main(void)
{
	reply_parsed();
	status_refused();
	built();
	relay();
	malformed();
	retx();
	ra();
	handover();
	server_built();
	ra_managed();
	return CHECK_DONE();
}
