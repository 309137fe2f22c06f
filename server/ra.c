/* The empty Router Advertisement for booting firmware: see ra.h. */
#include <errno.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "netboot/mac.h"
#include "server/ra.h"
#include "server/server.h"

struct ra_service {
	struct server *s;
	struct loop_handler h;
};

/* A client booting from us right now: its last DHCP request with option 60
 * came from firmware (our agent's "netboot-agent" ends it) and is recent. */
static bool booting_here(struct server *s, const uint8_t mac[6])
{
	long long now = (long long)time(NULL) * 1000;
	for (int i = 0; i < s->clients.n; i++) {
		const struct client *c = &s->clients.c[i];
		if (c->has_mac && !memcmp(c->mac, mac, 6))
			return (!strncmp(c->vendor, "PXEClient", 9) || !strncmp(c->vendor, "HTTPClient", 10)) &&
			       c->stage >= STAGE_DHCP_OFFER && now - c->last_ms < RA_ANSWER_WINDOW_MS;
	}
	return false;
}

static void on_readable(struct loop_handler *h, uint32_t events)
{
	struct ra_service *r = h->ctx;
	(void)events;
	for (int i = 0; i < 16; i++) {
		uint8_t buf[1500], mac[6], ra[16];
		struct sockaddr_in6 from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(h->fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
		if (n < 0)
			return;
		if (ra_rs_mac(buf, (size_t)n, from.sin6_addr.s6_addr, mac) < 0 || !booting_here(r->s, mac) ||
		    IN6_IS_ADDR_UNSPECIFIED(&from.sin6_addr))
			continue;
		size_t len = ra_build_empty(ra, sizeof(ra));
		if (sendto(h->fd, ra, len, 0, (struct sockaddr *)&from, sizeof(from)) == (ssize_t)len)
			srv_log(r->s, mac, 0, "ra", "router solicitation answered: no IPv6 router here "
				"(iPXE stops waiting for one)");
	}
}

/* All-routers (ff02::2) on the interface given, else on every one up. */
static void join_all_routers(int fd, const char *ifname)
{
	struct ipv6_mreq mr = { .ipv6mr_multiaddr = { .s6_addr = { 0xff, 0x02, [15] = 2 } } };
	struct if_nameindex *ifs = if_nameindex();
	for (struct if_nameindex *i = ifs; i && i->if_index; i++) {
		if (ifname[0] ? strcmp(i->if_name, ifname) : !strcmp(i->if_name, "lo"))
			continue;
		mr.ipv6mr_interface = i->if_index;
		setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr));	/* an interface without IPv6: skipped */
	}
	if_freenameindex(ifs);
}

int ra_service_start(struct server *s, struct errbuf *e)
{
	int fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (fd < 0) {	/* no IPv6 here: nothing to answer, not an error */
		srv_line(s->log, LOG_PRIO_WARNING, "netboot-serve: ra: no IPv6 socket (%s): iPXE clients may wait ~15 s "
			 "for an IPv6 router", strerror(errno));
		return 0;
	}
	struct icmp6_filter f;
	int hops = 255;
	ICMP6_FILTER_SETBLOCKALL(&f);
	ICMP6_FILTER_SETPASS(ICMP6_ROUTER_SOLICIT, &f);
	setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f));
	setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(hops));	/* RFC 4861: 255, or dropped */
	if (s->cfg.interface[0])
		setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, s->cfg.interface, (socklen_t)strlen(s->cfg.interface));
	join_all_routers(fd, s->cfg.interface);
	struct ra_service *r = calloc(1, sizeof(*r));
	if (!r) {
		close(fd);
		return nb_fail(e, -ENOMEM, "out of memory");
	}
	r->s = s;
	r->h = (struct loop_handler){ .fn = on_readable, .ctx = r, .fd = fd };
	int rc = loop_add(&s->loop, &r->h, EPOLLIN);
	if (rc < 0) {
		close(fd);
		free(r);
		return nb_fail(e, rc, "ICMPv6 socket: epoll: %s", strerror(-rc));
	}
	s->ra = r;
	return 0;
}

void ra_service_stop(struct server *s)
{
	struct ra_service *r = s->ra;
	if (!r)
		return;
	loop_del(&s->loop, &r->h);
	close(r->h.fd);
	free(r);
	s->ra = NULL;
}
