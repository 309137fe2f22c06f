/* The pure parts of the DHCP client: what a DISCOVER/REQUEST carries, the
 * retransmission schedule, and reading a lease out of an ACK. */
#include <arpa/inet.h>
#include <errno.h>
#include "netboot/ipv4.h"
#include "netboot/dhcp_client.h"
#include "check.h"

static const uint8_t MAC[6] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };

static void requests(void)
{
	struct dhcp_msg m, p;
	uint8_t buf[DHCP_MSG_MAX], cid[16], list[64];
	size_t n;
	uint32_t v;
	uint16_t v16;
	struct errbuf e;
	char s[64];

	dhcp_build_request(&m, DHCPDISCOVER, 0x11223344, MAC, 3, 0, 0, "", 1500);
	int len = dhcp_encode(&m, buf, sizeof(buf), &e);
	CHECK("discover encodes", len == DHCP_PAD_TO && dhcp_parse(buf, (size_t)len, &p, &e) == 0);
	CHECK("discover header", p.op == DHCP_BOOTREQUEST && p.xid == 0x11223344 && p.secs == 3 &&
	      p.flags == DHCP_FLAG_BROADCAST && !memcmp(p.chaddr, MAC, 6) && p.ciaddr == 0);
	CHECK("discover type", dhcp_msg_type(&p) == DHCPDISCOVER);
	CHECK("client id 01+MAC", dhcp_opt_get(&p, DHCP_OPT_CLIENT_ID, cid, sizeof(cid), &n) == 0 && n == 7 &&
	      cid[0] == 1 && !memcmp(cid + 1, MAC, 6));
	CHECK("max size", dhcp_opt_u16(&p, DHCP_OPT_MAX_SIZE, &v16) == 0 && v16 == 1500);
	CHECK("param list", dhcp_opt_get(&p, DHCP_OPT_PARAM_LIST, list, sizeof(list), &n) == 0 &&
	      memchr(list, DHCP_OPT_SUBNET_MASK, n) && memchr(list, DHCP_OPT_ROUTER, n) && memchr(list, DHCP_OPT_DNS, n) &&
	      memchr(list, DHCP_OPT_DOMAIN, n) && memchr(list, DHCP_OPT_HOSTNAME, n) && memchr(list, DHCP_OPT_LEASE_TIME, n) &&
	      memchr(list, DHCP_OPT_SERVER_ID, n) && memchr(list, DHCP_OPT_BOOTFILE, n) && memchr(list, DHCP_OPT_MTU, n));
	CHECK("discover: no requested ip", dhcp_opt_addr(&p, DHCP_OPT_REQUESTED_IP, &v) == -ENOENT);
	CHECK("discover: no server id", dhcp_opt_addr(&p, DHCP_OPT_SERVER_ID, &v) == -ENOENT);
	CHECK("discover: no hostname when empty", dhcp_opt_str(&p, DHCP_OPT_HOSTNAME, s, sizeof(s)) == -ENOENT);

	dhcp_build_request(&m, DHCPREQUEST, 0x11223344, MAC, 4, inet_addr("192.0.2.100"), inet_addr("192.0.2.1"),
			   "rescue", 576);
	len = dhcp_encode(&m, buf, sizeof(buf), &e);
	CHECK("request encodes", len > 0 && dhcp_parse(buf, (size_t)len, &p, &e) == 0);
	CHECK("request type", dhcp_msg_type(&p) == DHCPREQUEST);
	CHECK("request: requested ip", dhcp_opt_addr(&p, DHCP_OPT_REQUESTED_IP, &v) == 0 && v == inet_addr("192.0.2.100"));
	CHECK("request: server id", dhcp_opt_addr(&p, DHCP_OPT_SERVER_ID, &v) == 0 && v == inet_addr("192.0.2.1"));
	CHECK("request: hostname", dhcp_opt_str(&p, DHCP_OPT_HOSTNAME, s, sizeof(s)) == 0 && !strcmp(s, "rescue"));
	CHECK("request: ciaddr 0 in SELECTING", p.ciaddr == 0);
}

static void schedule(void)
{
	bool ok = true;
	for (uint32_t r = 0; r < 5000; r += 7) {
		int d1 = dhcp_retx_delay_ms(1, r), d2 = dhcp_retx_delay_ms(2, r), d3 = dhcp_retx_delay_ms(3, r);
		int d4 = dhcp_retx_delay_ms(4, r), d9 = dhcp_retx_delay_ms(9, r), d40 = dhcp_retx_delay_ms(40, r);
		ok &= d1 >= 1000 && d1 <= 2000;
		ok &= d2 >= 3000 && d2 <= 5000;
		ok &= d3 >= 7000 && d3 <= 9000;
		ok &= d4 >= 15000 && d4 <= 17000;
		ok &= d9 >= DHCP_RETX_CAP_MS - 1000 && d9 <= DHCP_RETX_CAP_MS + 1000;
		ok &= d40 >= DHCP_RETX_CAP_MS - 1000 && d40 <= DHCP_RETX_CAP_MS + 1000;
	}
	CHECK("retransmit: 1-2 s, then 4, 8, 16 s +-1 s, capped", ok);
	CHECK("retransmit: jitter varies", dhcp_retx_delay_ms(2, 0) != dhcp_retx_delay_ms(2, 1500));
}

static void ack(struct dhcp_msg *m, const char *yi)
{
	dhcp_msg_init(m, DHCP_BOOTREPLY, DHCPACK, 1, MAC);
	m->yiaddr = inet_addr(yi);
	m->siaddr = inet_addr("192.0.2.1");
}

static void add_addr(struct dhcp_msg *m, uint8_t code, const char *a)
{
	uint32_t v = inet_addr(a);
	dhcp_opt_add(m, code, &v, 4);
}

static void leases(void)
{
	struct dhcp_msg m;
	struct dhcp_lease l;
	struct errbuf e;
	uint32_t lease = htonl(3600), two[2] = { inet_addr("192.0.2.53"), inet_addr("192.0.2.54") };
	uint8_t mtu[2] = { 0x05, 0xdc }, small[2] = { 0x01, 0x00 };
	char a[16];

	ack(&m, "192.0.2.100");
	add_addr(&m, DHCP_OPT_SUBNET_MASK, "255.255.255.0");
	add_addr(&m, DHCP_OPT_ROUTER, "192.0.2.1");
	dhcp_opt_add(&m, DHCP_OPT_DNS, two, 8);
	dhcp_opt_add(&m, DHCP_OPT_DOMAIN, "test.example other.example", 26);
	dhcp_opt_add(&m, DHCP_OPT_HOSTNAME, "box\n1", 5);
	dhcp_opt_add(&m, DHCP_OPT_LEASE_TIME, &lease, 4);
	add_addr(&m, DHCP_OPT_SERVER_ID, "192.0.2.2");
	dhcp_opt_add(&m, DHCP_OPT_MTU, mtu, 2);
	memcpy(m.file, "pxelinux.0", 10);
	memcpy(m.sname, "boot.example", 12);
	CHECK("lease", dhcp_lease_from_msg(&m, inet_addr("192.0.2.9"), &l, &e) == 0);
	CHECK_STR("lease addr", ipv4_ntoa(l.addr, a), "192.0.2.100");
	CHECK("lease prefix", l.prefix == 24 && l.mask == inet_addr("255.255.255.0"));
	CHECK_STR("lease broadcast computed", ipv4_ntoa(l.broadcast, a), "192.0.2.255");
	CHECK_STR("lease router", ipv4_ntoa(l.router, a), "192.0.2.1");
	CHECK("lease dns", l.ndns == 2 && l.dns[1] == inet_addr("192.0.2.54"));
	CHECK_STR("lease domain: first name", l.domain, "test.example");
	CHECK_STR("lease hostname sanitized", l.hostname, "box?1");
	CHECK("lease time", l.lease_secs == 3600);
	CHECK_STR("lease server id wins over source", ipv4_ntoa(l.server_id, a), "192.0.2.2");
	CHECK_STR("lease next-server", ipv4_ntoa(l.siaddr, a), "192.0.2.1");
	CHECK("lease mtu", l.mtu == 1500);
	CHECK_STR("lease bootfile from file", l.bootfile, "pxelinux.0");
	CHECK_STR("lease tftp server from sname", l.tftp_server, "boot.example");

	/* Minimal ACK: classful mask, source as server, no router. */
	ack(&m, "10.1.2.3");
	dhcp_opt_add(&m, DHCP_OPT_MTU, small, 2);
	dhcp_opt_add(&m, DHCP_OPT_BOOTFILE, "http://192.0.2.1/ipxe", 21);
	CHECK("minimal lease", dhcp_lease_from_msg(&m, inet_addr("10.0.0.1"), &l, &e) == 0);
	CHECK("classful /8", l.prefix == 8);
	CHECK_STR("server from source", ipv4_ntoa(l.server_id, a), "10.0.0.1");
	CHECK("no router", l.router == 0 && l.ndns == 0 && l.lease_secs == 0);
	CHECK("tiny mtu ignored", l.mtu == 0);
	CHECK_STR("option 67 wins", l.bootfile, "http://192.0.2.1/ipxe");
	ack(&m, "172.16.0.5");
	CHECK("classful /16", dhcp_lease_from_msg(&m, 0, &l, &e) == 0 && l.prefix == 16);

	/* /32 lease: no broadcast, router outside. */
	ack(&m, "203.0.113.7");
	add_addr(&m, DHCP_OPT_SUBNET_MASK, "255.255.255.255");
	add_addr(&m, DHCP_OPT_ROUTER, "203.0.113.1");
	CHECK("/32 lease", dhcp_lease_from_msg(&m, 0, &l, &e) == 0 && l.prefix == 32 && l.broadcast == 0 && l.router);

	ack(&m, "0.0.0.0");
	CHECK("yiaddr 0 refused", dhcp_lease_from_msg(&m, 0, &l, &e) == -EPROTO && strstr(e.msg, "0.0.0.0"));
	ack(&m, "224.0.0.1");
	CHECK("multicast yiaddr refused", dhcp_lease_from_msg(&m, 0, &l, &e) == -EPROTO);
	ack(&m, "127.0.0.1");
	CHECK("loopback yiaddr refused", dhcp_lease_from_msg(&m, 0, &l, &e) == -EPROTO);
	ack(&m, "192.0.2.100");
	add_addr(&m, DHCP_OPT_SUBNET_MASK, "255.0.255.0");
	CHECK("non-contiguous mask refused", dhcp_lease_from_msg(&m, 0, &l, &e) == -EPROTO && strstr(e.msg, "255.0.255.0"));
	ack(&m, "192.0.2.100");
	add_addr(&m, DHCP_OPT_SUBNET_MASK, "0.0.0.0");
	CHECK("zero mask refused", dhcp_lease_from_msg(&m, 0, &l, &e) == -EPROTO);

	ack(&m, "192.0.2.255");
	add_addr(&m, DHCP_OPT_SUBNET_MASK, "255.255.255.0");
	CHECK("subnet broadcast yiaddr refused", dhcp_lease_from_msg(&m, 0, &l, &e) == -EPROTO &&
	      strstr(e.msg, "192.0.2.255 is the broadcast address of its /24"));
	ack(&m, "192.0.2.0");
	add_addr(&m, DHCP_OPT_SUBNET_MASK, "255.255.255.0");
	CHECK("subnet network yiaddr refused", dhcp_lease_from_msg(&m, 0, &l, &e) == -EPROTO && strstr(e.msg, "network"));
	ack(&m, "192.0.3.0");
	add_addr(&m, DHCP_OPT_SUBNET_MASK, "255.255.254.0");
	CHECK("x.x.x.0 inside a /23 accepted", dhcp_lease_from_msg(&m, 0, &l, &e) == 0);
	ack(&m, "198.51.100.6");
	add_addr(&m, DHCP_OPT_SUBNET_MASK, "255.255.255.254");
	CHECK("/31 lease: both addresses usable", dhcp_lease_from_msg(&m, 0, &l, &e) == 0 && l.prefix == 31);
	ack(&m, "192.0.2.100");
	add_addr(&m, DHCP_OPT_SUBNET_MASK, "255.255.255.0");
	dhcp_opt_add(&m, DHCP_OPT_ROUTER, (uint32_t[]){ inet_addr("192.0.2.100"), inet_addr("192.0.2.1") }, 8);
	CHECK_STR("router equal to our address skipped", ipv4_ntoa(dhcp_lease_from_msg(&m, 0, &l, &e) == 0 ? l.router : 0, a),
		  "192.0.2.1");

	/* Malformed optional options are ignored, not fatal. */
	ack(&m, "192.0.2.100");
	dhcp_opt_add(&m, DHCP_OPT_LEASE_TIME, "", 0);
	dhcp_opt_add(&m, DHCP_OPT_ROUTER, "abc", 3);
	dhcp_opt_add(&m, DHCP_OPT_SUBNET_MASK, "ab", 2);
	add_addr(&m, DHCP_OPT_DNS, "0.0.0.0");
	CHECK("malformed options ignored", dhcp_lease_from_msg(&m, 0, &l, &e) == 0 && l.lease_secs == 0 &&
	      l.router == 0 && l.prefix == 24 && l.ndns == 0);
}

int main(void)
{
	requests();
	schedule();
	leases();
	return CHECK_DONE();
}
