/* The empty Router Advertisement for booting firmware: see ra.h. */
#include <errno.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "netboot/mac.h"
#include "server/ra.h"
#include "server/server.h"

struct ra_service {
	struct server *s;
	struct loop_handler h;
	/* PXEBOOTSRV_RA: the managed RA, to every RS and every RA_INTERVAL_MS */
	bool managed;
	uint8_t mac[6];
	unsigned ifindex;
	struct loop_timer timer;
	long long next_ms;
	unsigned sent;
};

#define RA_INTERVAL_MS 120000	/* unsolicited RAs (RFC 4861 allows 4..1800 s) */
#define RA_FIRST_MS 4000	/* the first few, as a router starting up (RFC 4861 6.2.4) */
#define RA_FIRST_COUNT 3

static size_t managed_ra(const struct ra_service *r, uint8_t *buf, size_t cap)
{
	const struct serve_config *c = &r->s->cfg;
	struct ra_prefix p = { .len = c->ra_prefix_len, .onlink = true, .valid = 86400, .preferred = 14400 };
	memcpy(p.prefix, c->ra_prefix, 16);
	return ra_build_managed(buf, cap, r->mac, c->ra_prefix_len ? &p : NULL);
}

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
		if (r->managed && ra_rs_mac(buf, (size_t)n, from.sin6_addr.s6_addr, mac) == 0 &&
		    !IN6_IS_ADDR_UNSPECIFIED(&from.sin6_addr)) {
			uint8_t m[64];
			size_t len = managed_ra(r, m, sizeof(m));
			if (sendto(h->fd, m, len, 0, (struct sockaddr *)&from, sizeof(from)) == (ssize_t)len)
				srv_log(r->s, mac, 0, "ra", "router solicitation answered: DHCPv6 here (M set)");
			continue;
		}
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

/* The unsolicited RAs to all nodes (ff02::1): a few at start, then every
 * RA_INTERVAL_MS. */
static long periodic(struct loop_timer *t, long long now_ms)
{
	struct ra_service *r = t->ctx;
	if (now_ms < r->next_ms)
		return (long)(r->next_ms - now_ms);
	uint8_t m[64];
	size_t len = managed_ra(r, m, sizeof(m));
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_scope_id = r->ifindex,
				   .sin6_addr = { .s6_addr = { 0xff, 0x02, [15] = 1 } } };
	if (sendto(r->h.fd, m, len, 0, (struct sockaddr *)&to, sizeof(to)) != (ssize_t)len && !r->sent)
		srv_line(r->s->log, LOG_PRIO_WARNING, "netboot-serve: ra: sending the router advertisement failed: %s",
			 strerror(errno));
	r->sent++;
	r->next_ms = now_ms + (r->sent < RA_FIRST_COUNT ? RA_FIRST_MS : RA_INTERVAL_MS);
	return (long)(r->next_ms - now_ms);
}

/* PXEBOOTSRV_RA: the interface's index and MAC, the multicast options, the
 * timer.  0 or -errno with e set. */
static int start_managed(struct ra_service *r, struct errbuf *e)
{
	struct server *s = r->s;
	struct ifreq q = { 0 };
	int hops = 255, fd = r->h.fd;

	if (!s->cfg.interface[0])
		return nb_fail(e, -EINVAL, "PXEBOOTSRV_RA needs PXEBOOTSRV_INTERFACE (--interface): the link to advertise on");
	snprintf(q.ifr_name, sizeof(q.ifr_name), "%s", s->cfg.interface);
	r->ifindex = if_nametoindex(s->cfg.interface);
	if (!r->ifindex || ioctl(fd, SIOCGIFHWADDR, &q) < 0)
		return nb_fail(e, -ENODEV, "PXEBOOTSRV_RA: interface %s: %s", s->cfg.interface, strerror(errno));
	memcpy(r->mac, q.ifr_hwaddr.sa_data, 6);
	setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops));
	setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &r->ifindex, sizeof(r->ifindex));
	r->managed = true;
	r->timer = (struct loop_timer){ .fn = periodic, .ctx = r };
	int rc = loop_add_timer(&s->loop, &r->timer);
	return rc < 0 ? nb_fail(e, rc, "RA timer: %s", strerror(-rc)) : 0;
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
	if (s->cfg.ra_send && (rc = start_managed(r, e)) < 0) {
		ra_service_stop(s);
		return rc;
	}
	return 0;
}

void ra_service_stop(struct server *s)
{
	struct ra_service *r = s->ra;
	if (!r)
		return;
	loop_del(&s->loop, &r->h);
	if (r->managed)
		loop_del_timer(&s->loop, &r->timer);
	close(r->h.fd);
	free(r);
	s->ra = NULL;
}
