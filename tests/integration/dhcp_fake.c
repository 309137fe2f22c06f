/* dhcp_fake: a scripted DHCP server for dhcp_robust.sh, built on
 * netboot/dhcp_wire.c (the codec's server side).  It answers what real
 * servers rarely do on demand:
 *   dhcp_fake IFACE nak-first   NAK the first REQUEST, then behave
 *   dhcp_fake IFACE junk        before each real reply, send garbage, a
 *                               reply with another xid, another chaddr, a
 *                               BOOTREQUEST and a truncated OFFER
 *   dhcp_fake IFACE overload    put router, DNS, lease and domain into the
 *                               file and sname fields (option 52 = 3)
 * Offers 192.0.2.77/24 from 192.0.2.1 (router 192.0.2.1, DNS 192.0.2.53,
 * lease 600 s).  Logs one line per message on stderr; runs until killed. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
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

static int build(struct dhcp_msg *r, const struct dhcp_msg *q, uint8_t type, bool overload)
{
	uint32_t sid = inet_addr("192.0.2.1"), mask = inet_addr("255.255.255.0"), dns = inet_addr("192.0.2.53");
	uint8_t lease[4] = { 0, 0, 0x02, 0x58 }, ov = 3;

	dhcp_msg_init(r, DHCP_BOOTREPLY, type, q->xid, q->chaddr);
	r->flags = q->flags;
	if (type == DHCPNAK) {
		dhcp_opt_add(r, DHCP_OPT_SERVER_ID, &sid, 4);
		dhcp_opt_add(r, DHCP_OPT_MESSAGE, "wrong\naddress", 13);
		return 0;
	}
	r->yiaddr = inet_addr("192.0.2.77");
	r->siaddr = sid;
	dhcp_opt_add(r, DHCP_OPT_SERVER_ID, &sid, 4);
	dhcp_opt_add(r, DHCP_OPT_SUBNET_MASK, &mask, 4);
	if (!overload) {
		dhcp_opt_add(r, DHCP_OPT_ROUTER, &sid, 4);
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
	build(&r, q, type, false);
	r.xid ^= 1;
	send_msg(s, &r);
	build(&r, q, type, false);
	r.chaddr[5] ^= 1;
	send_msg(s, &r);
	build(&r, q, type, false);
	r.op = DHCP_BOOTREQUEST;
	send_msg(s, &r);
	build(&r, q, type, false);
	len = dhcp_encode(&r, buf, sizeof(buf), NULL);
	buf[240 + 1] = 200;	/* message-type option now runs past the end */
	send_raw(s, buf, (size_t)len);
	fprintf(stderr, "dhcp_fake: sent 5 junk packets\n");
}

static void serve(struct srv *s, const struct dhcp_msg *q)
{
	struct dhcp_msg r;
	int type = dhcp_msg_type(q);
	bool ov = !strcmp(s->mode, "overload");

	fprintf(stderr, "dhcp_fake: got %s xid 0x%08x\n", dhcp_type_name(type > 0 ? type : 0), q->xid);
	if (type == DHCPDISCOVER) {
		if (!strcmp(s->mode, "junk"))
			junk(s, q, DHCPOFFER);
		build(&r, q, DHCPOFFER, ov);
	} else if (type == DHCPREQUEST) {
		if (!strcmp(s->mode, "nak-first") && s->requests++ == 0) {
			build(&r, q, DHCPNAK, false);
			fprintf(stderr, "dhcp_fake: NAK\n");
		} else {
			if (!strcmp(s->mode, "junk"))
				junk(s, q, DHCPACK);
			build(&r, q, DHCPACK, ov);
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
		fprintf(stderr, "usage: dhcp_fake IFACE nak-first|junk|overload\n");
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
