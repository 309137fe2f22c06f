/* dhcp_fake: a scripted DHCP server for dhcp_robust.sh, built on
 * netboot/dhcp_wire.c (the codec's server side).  It answers what real
 * servers rarely do on demand:
 *   dhcp_fake IFACE nak-first   NAK the first REQUEST, then behave
 *   dhcp_fake IFACE junk        before each real reply, send garbage, a
 *                               reply with another xid, another chaddr, a
 *                               BOOTREQUEST and a truncated OFFER
 *   dhcp_fake IFACE overload    put router, DNS, lease and domain into the
 *                               file and sname fields (option 52 = 3)
 * and, for dhcp_faults.sh:
 *   plain       behave (the first of two servers)
 *   silent      never answer
 *   badmask     offer with subnet mask 255.0.255.0
 *   badaddr     offer the subnet's broadcast address 192.0.2.255/24
 *   router-out  router 198.51.100.1, outside the offered subnet
 *   lease0      lease time 0
 *   no-sid      no server identifier (option 54) in OFFER or ACK
 *   nak-storm   20 NAKs before each OFFER; each of the first 3 REQUESTs
 *               answered by 20 NAKs, then an ACK
 *   nak-always  every REQUEST answered by 5 NAKs
 *   second      a second server: 192.0.2.2 offering 192.0.2.88, router .2
 *   slow        behave, but ACK 300 ms late
 *   greedy      as second, but it never offers, and ACKs every REQUEST
 *               at once, also those naming the other server
 * Offers 192.0.2.77/24 from 192.0.2.1 (router 192.0.2.1, DNS 192.0.2.53,
 * lease 600 s).  Except in greedy mode a REQUEST naming another server is
 * not answered (RFC 2131 4.3.2).  Logs one line per message on stderr;
 * runs until killed. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "netboot/dhcp_wire.h"

struct srv {
	int fd;
	const char *mode;
	int requests;
};

static void send_raw(struct srv *s, const uint8_t *buf, size_t len)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(DHCP_CLIENT_PORT) };

	to.sin_addr.s_addr = htonl(INADDR_BROADCAST);
	if (sendto(s->fd, buf, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		fprintf(stderr, "dhcp_fake: send: %s\n", strerror(errno));
}

static bool is(const struct srv *s, const char *mode)
{
	return !strcmp(s->mode, mode);
}

/* second and greedy play a second server, 192.0.2.2 */
static uint32_t my_id(const struct srv *s)
{
	return inet_addr(is(s, "second") || is(s, "greedy") ? "192.0.2.2" : "192.0.2.1");
}

static int build(const struct srv *s, struct dhcp_msg *r, const struct dhcp_msg *q, uint8_t type, bool overload)
{
	uint32_t sid = my_id(s), mask = inet_addr(is(s, "badmask") ? "255.0.255.0" : "255.255.255.0");
	uint32_t dns = inet_addr("192.0.2.53"), router = is(s, "router-out") ? inet_addr("198.51.100.1") : sid;
	uint8_t lease[4] = { 0, 0, 0x02, 0x58 }, ov = 3;
	bool sid_opt = !is(s, "no-sid");

	if (is(s, "lease0"))
		memset(lease, 0, 4);
	dhcp_msg_init(r, DHCP_BOOTREPLY, type, q->xid, q->chaddr);
	r->flags = q->flags;
	if (type == DHCPNAK) {
		dhcp_opt_add(r, DHCP_OPT_SERVER_ID, &sid, 4);
		dhcp_opt_add(r, DHCP_OPT_MESSAGE, "wrong\naddress", 13);
		return 0;
	}
	r->yiaddr = inet_addr(sid != inet_addr("192.0.2.1") ? "192.0.2.88" : is(s, "badaddr") ? "192.0.2.255" : "192.0.2.77");
	r->siaddr = sid;
	if (sid_opt)
		dhcp_opt_add(r, DHCP_OPT_SERVER_ID, &sid, 4);
	dhcp_opt_add(r, DHCP_OPT_SUBNET_MASK, &mask, 4);
	if (!overload) {
		dhcp_opt_add(r, DHCP_OPT_ROUTER, &router, 4);
		dhcp_opt_add(r, DHCP_OPT_DNS, &dns, 4);
		dhcp_opt_add(r, DHCP_OPT_LEASE_TIME, lease, 4);
		dhcp_opt_add(r, DHCP_OPT_DOMAIN, "fake.example", 12);
		memcpy(r->file, "fake.0", 6);
		return 0;
	}
	dhcp_opt_add(r, DHCP_OPT_OVERLOAD, &ov, 1);
	uint8_t file[] = { DHCP_OPT_ROUTER, 4, 192, 0, 2, 1, DHCP_OPT_LEASE_TIME, 4, 0, 0, 0x02, 0x58,
			   DHCP_OPT_PAD, DHCP_OPT_BOOTFILE, 6, 'o', 'v', 'e', 'r', '.', '0', DHCP_OPT_END };
	uint8_t sname[] = { DHCP_OPT_DNS, 4, 192, 0, 2, 53, DHCP_OPT_DOMAIN, 12,
			    'f', 'a', 'k', 'e', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e', DHCP_OPT_END };
	memcpy(r->file, file, sizeof(file));
	memcpy(r->sname, sname, sizeof(sname));
	return 0;
}

static void send_msg(struct srv *s, const struct dhcp_msg *r)
{
	uint8_t buf[DHCP_MSG_MAX];
	int len = dhcp_encode(r, buf, sizeof(buf), NULL);
	if (len > 0)
		send_raw(s, buf, (size_t)len);
}

static void junk(struct srv *s, const struct dhcp_msg *q, uint8_t type)
{
	struct dhcp_msg r;
	uint8_t buf[DHCP_MSG_MAX];
	int len;

	memset(buf, 0xa5, 50);
	send_raw(s, buf, 50);
	build(s, &r, q, type, false);
	r.xid ^= 1;
	send_msg(s, &r);
	build(s, &r, q, type, false);
	r.chaddr[5] ^= 1;
	send_msg(s, &r);
	build(s, &r, q, type, false);
	r.op = DHCP_BOOTREQUEST;
	send_msg(s, &r);
	build(s, &r, q, type, false);
	len = dhcp_encode(&r, buf, sizeof(buf), NULL);
	buf[240 + 1] = 200;	/* message-type option now runs past the end */
	send_raw(s, buf, (size_t)len);
	fprintf(stderr, "dhcp_fake: sent 5 junk packets\n");
}

static void naks(struct srv *s, const struct dhcp_msg *q, int n)
{
	struct dhcp_msg r;

	build(s, &r, q, DHCPNAK, false);
	for (int i = 0; i < n; i++)
		send_msg(s, &r);
	fprintf(stderr, "dhcp_fake: sent %d NAKs\n", n);
}

static void serve(struct srv *s, const struct dhcp_msg *q)
{
	struct dhcp_msg r;
	int type = dhcp_msg_type(q);
	bool ov = is(s, "overload");
	uint32_t want = 0;
	char a[16];

	fprintf(stderr, "dhcp_fake: got %s xid 0x%08x\n", dhcp_type_name(type > 0 ? type : 0), q->xid);
	if (is(s, "silent"))
		return;
	if (type == DHCPREQUEST && dhcp_opt_addr(q, DHCP_OPT_SERVER_ID, &want) == 0) {
		inet_ntop(AF_INET, &want, a, sizeof(a));
		fprintf(stderr, "dhcp_fake: REQUEST names server %s\n", a);
		if (want != my_id(s)) {
			if (!is(s, "greedy"))
				return;	/* the client chose another server */
			fprintf(stderr, "dhcp_fake: ACKing a REQUEST for another server\n");
		}
	}
	if (type == DHCPDISCOVER) {
		if (is(s, "junk"))
			junk(s, q, DHCPOFFER);
		if (is(s, "nak-storm"))
			naks(s, q, 20);
		if (is(s, "greedy"))
			return;
		build(s, &r, q, DHCPOFFER, ov);
	} else if (type == DHCPREQUEST) {
		s->requests++;
		if (is(s, "nak-always") || (is(s, "nak-storm") && s->requests <= 3)) {
			naks(s, q, is(s, "nak-always") ? 5 : 20);
			return;
		}
		if (is(s, "nak-first") && s->requests == 1) {
			build(s, &r, q, DHCPNAK, false);
			fprintf(stderr, "dhcp_fake: NAK\n");
		} else {
			if (is(s, "junk"))
				junk(s, q, DHCPACK);
			if (is(s, "slow"))
				nanosleep(&(struct timespec){ 0, 300 * 1000000L }, NULL);
			if (is(s, "greedy"))
				fprintf(stderr, "dhcp_fake: ACK sent\n");
			build(s, &r, q, DHCPACK, ov);
		}
	} else {
		return;
	}
	send_msg(s, &r);
}

int main(int argc, char **argv)
{
	struct sockaddr_in any = { .sin_family = AF_INET, .sin_port = htons(DHCP_SERVER_PORT) };
	struct srv s = { .fd = -1 };
	int one = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: dhcp_fake IFACE MODE (see the head of dhcp_fake.c)\n");
		return 2;
	}
	s.mode = argv[2];
	s.fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s.fd < 0 || setsockopt(s.fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) < 0 ||
	    setsockopt(s.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(s.fd, SOL_SOCKET, SO_BINDTODEVICE, argv[1], (socklen_t)strlen(argv[1]) + 1) < 0 ||
	    bind(s.fd, (struct sockaddr *)&any, sizeof(any)) < 0) {
		fprintf(stderr, "dhcp_fake: socket on %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	for (;;) {
		uint8_t buf[DHCP_MSG_MAX];
		struct dhcp_msg q;
		struct errbuf e;
		ssize_t n = recv(s.fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "dhcp_fake: recv: %s\n", strerror(errno));
			return 1;
		}
		if (dhcp_parse(buf, (size_t)n, &q, &e) < 0) {
			fprintf(stderr, "dhcp_fake: ignored: %s\n", e.msg);
			continue;
		}
		if (q.op != DHCP_BOOTREQUEST)
			continue;
		serve(&s, &q);
	}
}
