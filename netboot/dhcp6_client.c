#include "netboot/dhcp6_client.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "netboot/clock.h"
#include "netboot/jitter.h"
#include "netboot/mac.h"
#include "netboot/netlog.h"
#include "netboot/rtnl.h"

#define ADDR_POLL_MS 50
#define RS_INTERVAL_MS 4000	/* RTR_SOLICITATION_INTERVAL (RFC 4861 10) */
#define RS_MAX 3
#define SOL_IRT 1000
#define SOL_MRT 16000		/* RFC 8415's 3600 s is past any boot timeout; 16 s as DHCPv4 */
#define REQ_IRT 1000
#define REQ_MRT 30000
#define INF_IRT 1000
#define INF_MRT 16000
#define DEC_IRT 1000		/* DEC_TIMEOUT; no MRT, DEC_MAX_RC 4 */

int dhcp6_retx_ms(int prev_ms, int irt_ms, int mrt_ms, uint32_t rnd, bool first_positive)
{
	/* RAND in thousandths: [-100, 100], or [1, 100] for the first Solicit */
	long r = first_positive && !prev_ms ? 1 + (long)(rnd % 100) : (long)(rnd % 201) - 100;
	long rt = prev_ms ? 2L * prev_ms + (long)prev_ms * r / 1000 : irt_ms + (long)irt_ms * r / 1000;

	if (mrt_ms && rt > mrt_ms)
		rt = mrt_ms + (long)mrt_ms * ((long)(rnd % 201) - 100) / 1000;
	return (int)rt;
}

static int status_fail(const struct dhcp6_status_opt *s, const char *where, struct errbuf *e)
{
	return nb_fail(e, -EPROTO, "%s status %s (%d)%s%s", where, dhcp6_status_name(s->code), s->code,
		       s->text[0] ? ": " : "", s->text);
}

int dhcp6_lease_addr(const struct dhcp6_msg *m, struct dhcp6_iaaddr *out, struct errbuf *e)
{
	if (m->status.code > 0)
		return status_fail(&m->status, "message", e);
	if (!m->has_ia_na)
		return nb_fail(e, -EPROTO, "no IA_NA (no address offered)");
	if (m->ia_status.code > 0)
		return status_fail(&m->ia_status, "IA_NA", e);
	for (int i = 0; i < m->naddrs; i++) {
		const struct dhcp6_iaaddr *a = &m->addrs[i];
		/* RFC 8415 18.2.10.1: lifetimes out of order or zero: not usable */
		if (a->status.code > 0 || a->valid == 0 || a->preferred > a->valid || a->addr[0] == 0xff ||
		    (a->addr[0] == 0xfe && (a->addr[1] & 0xc0) == 0x80))
			continue;
		*out = *a;
		return 0;
	}
	return nb_fail(e, -EPROTO, "IA_NA holds no usable address (%d given)", m->naddrs);
}

unsigned dhcp6_onlink_prefix(const struct ra_info *ra, const uint8_t addr[16])
{
	for (int i = 0; i < ra->nprefixes; i++) {
		const struct ra_prefix *p = &ra->prefixes[i];
		unsigned bit, len = p->len;
		if (!p->onlink || p->valid == 0 || len == 0)
			continue;
		for (bit = 0; bit < len; bit++)
			if ((addr[bit / 8] ^ p->prefix[bit / 8]) & (0x80u >> (bit % 8)))
				break;
		if (bit == len)
			return len;
	}
	return 128;
}

/* --- the client --- */

enum dstate { D_OFF, D_SOLICIT, D_REQUEST, D_INFO, D_BOUND, D_INFO_DONE, D_DECLINE };

struct c6 {
	const struct dhcp6_client_cfg *cfg;
	FILE *log;
	const char *name;
	struct rtnl nl;
	int ifindex;
	uint8_t mac[6], duid[DHCP6_DUID_LL_LEN];
	uint32_t iaid;
	int udp, icmp;
	uint32_t salt;		/* the MAC: see jitter_salt */
	long long t0, deadline, ra_deadline, info_deadline;
	/* router advertisements */
	bool ra_seen, ll_optimistic;
	struct ra_info ra;
	uint8_t router[16];
	int nrs;
	long long t_rs;
	/* DHCPv6 */
	enum dstate st;
	uint32_t xid;
	long long t_first, t_next, collect_end;
	int rt, tries;
	bool have_best;
	struct dhcp6_msg best, reply;
	uint8_t best_from[16];
	struct dhcp6_iaaddr lease;
	uint8_t declined[16];		/* the address a Decline names (D_DECLINE) */
	int nsolicit, nadvertise, nbad, ndeclined;
	char why[200];
};

/* xids and retransmission jitter: differ between machines, not secret */
static uint32_t rnd(const struct c6 *c)
{
	return jitter_random() ^ c->salt;
}

static const char *ntop(const uint8_t a[16], char buf[INET6_ADDRSTRLEN])
{
	return inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

static double since(const struct c6 *c, long long now)
{
	return (double)(now - c->t0) / 1000.0;
}

/* The caller's stop_fd readable: the boot goes on without IPv6. */
static bool stopped(const struct c6 *c)
{
	struct pollfd p = { .fd = c->cfg->stop_fd, .events = POLLIN };
	return c->cfg->stop_fd > 0 && poll(&p, 1, 0) > 0;
}

static int stop_fail(const struct c6 *c, struct errbuf *e)
{
	return nb_fail(e, -ECANCELED, "%s: IPv6 stopped after %.1f s: the boot goes on without it", c->name,
		       since(c, monotonic_ms()));
}

/* Waits until the link has a link-local address past DAD.  0, or a
 * negative errno with e saying why. */
static int wait_link_local(struct c6 *c, struct errbuf *e)
{
	struct rtnl_addr6 a[16];
	bool tentative = false;

	for (;;) {
		int n = rtnl_addr6_list(&c->nl, c->ifindex, a, 16, e);
		if (n < 0)
			return n;
		tentative = false;
		for (int i = 0; i < n; i++) {
			if (a[i].scope != RTNL_SCOPE_LINK)
				continue;
			if (a[i].flags & RTNL_IFA_F_DADFAILED)
				return nb_fail(e, -EADDRINUSE, "%s: link-local address failed DAD: another host on the link "
					       "uses the same interface identifier", c->name);
			/* optimistic (RFC 4429): usable for DHCPv6 and RS while its DAD runs */
			c->ll_optimistic = (a[i].flags & RTNL_IFA_F_TENTATIVE) && (a[i].flags & RTNL_IFA_F_OPTIMISTIC);
			if (!(a[i].flags & RTNL_IFA_F_TENTATIVE) || c->ll_optimistic)
				return 0;
			tentative = true;
		}
		if (stopped(c))
			return stop_fail(c, e);
		if (monotonic_ms() >= c->deadline) {
			struct rtnl_link l;
			/* the kernel makes the link-local address only once there is carrier */
			bool carrier = rtnl_link_get(&c->nl, c->ifindex, NULL, &l, NULL) < 0 || rtnl_has_lower_up(&l);
			return nb_fail(e, -ETIMEDOUT, "%s: no usable link-local address after %.1f s (%s)", c->name,
				       since(c, monotonic_ms()), tentative ? "still in DAD" : !carrier ? "no carrier" :
				       "none: is IPv6 disabled on it?");
		}
		struct timespec ts = { 0, ADDR_POLL_MS * 1000000L };
		nanosleep(&ts, NULL);
	}
}

static int open_sockets(struct c6 *c, struct errbuf *e)
{
	struct sockaddr_in6 any = { .sin6_family = AF_INET6, .sin6_port = htons(DHCP6_CLIENT_PORT) };
	struct icmp6_filter f;
	int one = 1, hops = 255;
	socklen_t nl = (socklen_t)strlen(c->name);

	c->udp = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	c->icmp = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (c->udp < 0 || c->icmp < 0)
		return nb_fail(e, -errno, "%s: IPv6 socket: %s", c->name, strerror(errno));
	if (setsockopt(c->udp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(c->udp, SOL_SOCKET, SO_BINDTODEVICE, c->name, nl) < 0 ||
	    setsockopt(c->udp, IPPROTO_IPV6, IPV6_MULTICAST_IF, &c->ifindex, sizeof(c->ifindex)) < 0 ||
	    bind(c->udp, (struct sockaddr *)&any, sizeof(any)) < 0)
		return nb_fail(e, -errno, "%s: DHCPv6 socket (UDP port %d): %s", c->name, DHCP6_CLIENT_PORT, strerror(errno));
	ICMP6_FILTER_SETBLOCKALL(&f);
	ICMP6_FILTER_SETPASS(ND_ROUTER_ADVERT, &f);
	/* hop limit 255 both ways: RFC 4861 drops ND packets that crossed a router */
	if (setsockopt(c->icmp, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f)) < 0 ||
	    setsockopt(c->icmp, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof(one)) < 0 ||
	    setsockopt(c->icmp, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) < 0 ||
	    setsockopt(c->icmp, SOL_SOCKET, SO_BINDTODEVICE, c->name, nl) < 0)
		return nb_fail(e, -errno, "%s: ICMPv6 socket: %s", c->name, strerror(errno));
	return 0;
}

/* Is the link-local address still optimistic (its DAD running)? */
static bool ll_still_optimistic(struct c6 *c)
{
	struct rtnl_addr6 a[16];
	struct errbuf e;
	int n = rtnl_addr6_list(&c->nl, c->ifindex, a, 16, &e);
	for (int i = 0; i < n; i++)
		if (a[i].scope == RTNL_SCOPE_LINK && (a[i].flags & RTNL_IFA_F_TENTATIVE) &&
		    (a[i].flags & RTNL_IFA_F_OPTIMISTIC))
			return true;
	return false;
}

static void send_rs(struct c6 *c, long long now)
{
	struct sockaddr_in6 to = {
		.sin6_family = AF_INET6, .sin6_scope_id = (uint32_t)c->ifindex,
		.sin6_addr = { .s6_addr = { 0xff, 0x02, [15] = 2 } },
	};
	uint8_t rs[16];
	/* no source link-layer option from an optimistic address (RFC 4429 3.2):
	 * it would overwrite the router's neighbour entry for a duplicate */
	if (c->ll_optimistic)
		c->ll_optimistic = ll_still_optimistic(c);
	size_t len = ra_build_rs(rs, sizeof(rs), c->ll_optimistic ? NULL : c->mac);

	c->nrs++;
	c->t_rs = c->nrs < RS_MAX ? now + RS_INTERVAL_MS : c->deadline;
	if (sendto(c->icmp, rs, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		net_log(c->log, "%s: router solicitation failed: %s", c->name, strerror(errno));
}

/* A new exchange: fresh xid, first transmission now. */
static void start(struct c6 *c, enum dstate st, long long now)
{
	c->st = st;
	c->xid = rnd(c) & 0xffffffu;
	c->t_first = c->t_next = now;
	c->rt = 0;
	c->tries = 0;
	if (st == D_SOLICIT)
		c->have_best = false;
	if (st == D_INFO)
		c->info_deadline = now + DHCP6_INFO_WAIT_MS;
}

static void transmit(struct c6 *c, long long now)
{
	static const uint16_t oro[] = {
		DHCP6_OPT_DNS_SERVERS, DHCP6_OPT_DOMAIN_LIST, DHCP6_OPT_BOOTFILE_URL, DHCP6_OPT_BOOTFILE_PARAM,
		DHCP6_OPT_SOL_MAX_RT,
	};
	struct sockaddr_in6 to = {
		.sin6_family = AF_INET6, .sin6_port = htons(DHCP6_SERVER_PORT), .sin6_scope_id = (uint32_t)c->ifindex,
		.sin6_addr = { .s6_addr = { 0xff, 0x02, [13] = 1, [15] = 2 } },	/* All_DHCP_Relay_Agents_and_Servers */
	};
	static const struct {
		uint8_t type;
		int irt, mrt;
	} x[] = {
		[D_SOLICIT] = { DHCP6_SOLICIT, SOL_IRT, SOL_MRT },
		[D_REQUEST] = { DHCP6_REQUEST, REQ_IRT, REQ_MRT },
		[D_INFO] = { DHCP6_INFORMATION_REQUEST, INF_IRT, INF_MRT },
		[D_DECLINE] = { DHCP6_DECLINE, DEC_IRT, 0 },
	};
	long long cs = (now - c->t_first) / 10;
	struct dhcp6_out o = {
		.type = x[c->st].type,
		.xid = c->xid, .client_duid = c->duid, .client_duid_len = sizeof(c->duid),
		.elapsed_cs = (uint16_t)(cs > 0xffff ? 0xffff : cs), .ia_na = c->st != D_INFO, .iaid = c->iaid,
		.rapid_commit = c->cfg->rapid_commit, .oro = oro, .noro = sizeof(oro) / sizeof(oro[0]),
	};
	uint8_t buf[512];
	char a[INET6_ADDRSTRLEN];

	if (c->st == D_REQUEST) {
		o.server_duid = c->best.server_duid;
		o.server_duid_len = c->best.server_duid_len;
		o.ia_addr = c->lease.addr;
	} else if (c->st == D_DECLINE) {	/* to the server that leased it */
		o.server_duid = c->reply.server_duid;
		o.server_duid_len = c->reply.server_duid_len;
		o.ia_addr = c->declined;
	}
	int len = dhcp6_build(&o, buf, sizeof(buf), NULL);
	c->rt = dhcp6_retx_ms(c->rt, x[c->st].irt, x[c->st].mrt, rnd(c), c->st == D_SOLICIT);
	if (c->st == D_SOLICIT && c->tries == 0)
		c->collect_end = now + c->rt;
	c->tries++;
	c->nsolicit += c->st == D_SOLICIT;
	c->t_next = now + c->rt;
	if (len < 0 || sendto(c->udp, buf, (size_t)len, 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
		snprintf(c->why, sizeof(c->why), "%s not sent: %s", dhcp6_type_name(o.type), len < 0 ? "too long" : strerror(errno));
		net_log(c->log, "%s: %s", c->name, c->why);
		return;
	}
	if (c->st == D_REQUEST || c->st == D_DECLINE)
		net_log(c->log, "%s: %s %s (try %d)", c->name, dhcp6_type_name(o.type),
			ntop(c->st == D_REQUEST ? c->lease.addr : c->declined, a), c->tries);
	else
		net_log(c->log, "%s: %s%s (xid 0x%06x, try %d, next in %.1f s)", c->name, dhcp6_type_name(o.type),
			c->st == D_SOLICIT && c->cfg->rapid_commit ? " with rapid commit" : "", c->xid, c->tries,
			c->rt / 1000.0);
}

/* An exchange under way: a message to (re)transmit. */
static bool exchanging(const struct c6 *c)
{
	return c->st == D_SOLICIT || c->st == D_REQUEST || c->st == D_INFO || c->st == D_DECLINE;
}

/* Retransmissions due now, and the end of the Advertise collection. */
static void tick(struct c6 *c, long long now)
{
	if (c->nrs && c->nrs < RS_MAX && !c->ra_seen && now >= c->t_rs)
		send_rs(c, now);
	if (c->st == D_SOLICIT && c->have_best && now >= c->collect_end) {
		start(c, D_REQUEST, now);
		dhcp6_lease_addr(&c->best, &c->lease, NULL);
	}
	if (c->st == D_REQUEST && c->tries >= DHCP6_REQUEST_TRIES && now >= c->t_next) {
		snprintf(c->why, sizeof(c->why), "no Reply to %d Requests", c->tries);
		net_log(c->log, "%s: %s, soliciting again", c->name, c->why);
		start(c, D_SOLICIT, now);
	}
	if (c->st == D_DECLINE && now >= c->t_next &&
	    (c->tries >= DHCP6_DECLINE_TRIES || now - c->t_first >= DHCP6_DECLINE_WAIT_MS)) {
		net_log(c->log, "%s: no Reply to %d Declines, soliciting again", c->name, c->tries);
		start(c, D_SOLICIT, now);
	}
	if (exchanging(c) && now >= c->t_next)
		transmit(c, now);
}

/* The SLAAC prefix of an RA: the first autonomous /64 still valid. */
static const struct ra_prefix *slaac_of(const struct ra_info *ra)
{
	for (int i = 0; i < ra->nprefixes; i++)
		if (ra->prefixes[i].autonomous && ra->prefixes[i].len == 64 && ra->prefixes[i].valid)
			return &ra->prefixes[i];
	return NULL;
}

/* An RA: kept (the latest from a default router), logged.  Unless DHCPv6 is asked for (mode
 * dhcp, or M set), an RA that gives a SLAAC prefix ends the Solicit, and
 * with O set an Information-Request asks for the rest (DNS, the search
 * list, the boot file URL: an RA's RDNSS carries only the first), as
 * systemd-networkd does. */
static void on_ra(struct c6 *c, const struct ra_info *ra, const uint8_t from[16], long long now)
{
	char a[INET6_ADDRSTRLEN], p[INET6_ADDRSTRLEN + 16] = "no prefix";
	bool first = !c->ra_seen;

	/* a default router's RA is not replaced by a non-default one's */
	if (first || ra->router_lifetime || !c->ra.router_lifetime) {
		c->ra = *ra;
		memcpy(c->router, from, 16);
	}
	c->ra_seen = true;
	for (int i = 0; i < ra->nprefixes; i++)
		if (ra->prefixes[i].autonomous || i == ra->nprefixes - 1) {
			snprintf(p, sizeof(p), "prefix %s/%u%s", ntop(ra->prefixes[i].prefix, a), ra->prefixes[i].len,
				 ra->prefixes[i].autonomous ? " (SLAAC)" : "");
			break;
		}
	if (first)
		net_log(c->log, "%s: router advertisement from %s after %.1f s: M=%d O=%d, %s, router lifetime %u s, "
			"%d DNS", c->name, ntop(from, a), since(c, now), ra->managed, ra->other, p, ra->router_lifetime, ra->ndns);
	if (c->cfg->mode == DHCP6_MODE_DHCP || ra->managed || !slaac_of(ra))
		return;
	if ((c->st == D_SOLICIT && !c->have_best) || c->st == D_OFF) {
		if (ra->other)
			start(c, D_INFO, now);
		else
			c->st = D_OFF;
	}
}

static void recv_ra(struct c6 *c, long long now)
{
	uint8_t buf[1500];
	union {
		struct cmsghdr h;
		uint8_t b[CMSG_SPACE(sizeof(int))];
	} cm;
	struct sockaddr_in6 from;
	struct ra_info ra;
	struct errbuf sub;

	for (;;) {
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = cm.b, .msg_controllen = sizeof(cm.b) };
		int hops = -1;
		ssize_t n = recvmsg(c->icmp, &mh, 0);
		if (n < 0)
			return;
		for (struct cmsghdr *h = CMSG_FIRSTHDR(&mh); h; h = CMSG_NXTHDR(&mh, h))
			if (h->cmsg_level == IPPROTO_IPV6 && h->cmsg_type == IPV6_HOPLIMIT)
				memcpy(&hops, CMSG_DATA(h), sizeof(hops));
		/* RFC 4861 6.1.2: from a link-local source, hop limit 255 */
		if (hops != 255 || !IN6_IS_ADDR_LINKLOCAL(&from.sin6_addr))
			continue;
		if (ra_parse(buf, (size_t)n, &ra, &sub) < 0) {
			if (c->nbad++ < 3)
				net_log(c->log, "%s: ignored a router advertisement: %s", c->name, sub.msg);
			continue;
		}
		on_ra(c, &ra, from.sin6_addr.s6_addr, now);
	}
}

static void on_advertise(struct c6 *c, const struct dhcp6_msg *m, const uint8_t from[16], long long now)
{
	struct dhcp6_iaaddr a;
	struct errbuf sub;
	char s[INET6_ADDRSTRLEN], x[INET6_ADDRSTRLEN];

	if (dhcp6_lease_addr(m, &a, &sub) < 0) {
		snprintf(c->why, sizeof(c->why), "Advertise from %s refused: %.150s", ntop(from, s), sub.msg);
		net_log(c->log, "%s: %s", c->name, c->why);
		return;
	}
	c->nadvertise++;
	net_log(c->log, "%s: Advertise %s from %s after %.1f s (preference %u)", c->name, ntop(a.addr, x),
		ntop(from, s), since(c, now), m->has_preference ? m->preference : 0);
	if (!c->have_best || m->preference > c->best.preference) {
		c->best = *m;
		c->have_best = true;
		memcpy(c->best_from, from, 16);
	}
	if (m->preference == 255)
		c->collect_end = now;	/* RFC 8415 18.2.1: no need to wait for others */
}

static void on_reply(struct c6 *c, const struct dhcp6_msg *m, const uint8_t from[16], long long now)
{
	struct errbuf sub;
	char s[INET6_ADDRSTRLEN], x[INET6_ADDRSTRLEN];

	if (c->st == D_DECLINE) {	/* RFC 8415 18.2.8: done with it; a new address */
		net_log(c->log, "%s: Reply to the Decline from %s (%s), soliciting again", c->name, ntop(from, s),
			dhcp6_status_name(m->status.code == DHCP6_STATUS_NONE ? DHCP6_SUCCESS : m->status.code));
		start(c, D_SOLICIT, now);
		return;
	}
	if (c->st == D_INFO) {
		c->reply = *m;
		c->st = D_INFO_DONE;
		net_log(c->log, "%s: Reply from %s: %d DNS%s%s", c->name, ntop(from, s), m->ndns,
			m->domains[0] ? ", search " : "", m->domains);
		return;
	}
	if (c->st == D_REQUEST && (m->server_duid_len != c->best.server_duid_len ||
				   memcmp(m->server_duid, c->best.server_duid, m->server_duid_len)))
		return;	/* another server's */
	if (dhcp6_lease_addr(m, &c->lease, &sub) < 0) {
		snprintf(c->why, sizeof(c->why), "Reply from %s refused: %.150s", ntop(from, s), sub.msg);
		net_log(c->log, "%s: %s, soliciting again", c->name, c->why);
		/* RFC 8415 18.2.10.1: NoAddrsAvail or NotOnLink: start over, not at once */
		start(c, D_SOLICIT, now + 1000);
		return;
	}
	c->reply = *m;
	c->st = D_BOUND;
	net_log(c->log, "%s: DHCPv6 lease %s from %s in %.1f s (valid %u s)%s", c->name, ntop(c->lease.addr, x),
		ntop(from, s), since(c, now), c->lease.valid, m->rapid_commit ? ", rapid commit" : "");
}

static void recv_dhcp(struct c6 *c, long long now)
{
	uint8_t buf[DHCP6_MSG_MAX + 1];
	struct sockaddr_in6 from;
	struct dhcp6_msg m;
	struct errbuf sub;
	char s[INET6_ADDRSTRLEN];

	for (;;) {
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(c->udp, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		if (n < 0)
			return;
		int rc = dhcp6_parse(buf, (size_t)n, &m, &sub);
		if (rc == 0)
			rc = dhcp6_check_reply(&m, c->xid, c->duid, sizeof(c->duid), &sub);
		if (rc == -ENOMSG)
			continue;
		if (rc < 0) {
			snprintf(c->why, sizeof(c->why), "malformed answer from %s: %.150s", ntop(from.sin6_addr.s6_addr, s), sub.msg);
			if (c->nbad++ < 3)
				net_log(c->log, "%s: ignored a %s", c->name, c->why);
			continue;
		}
		if (c->st == D_SOLICIT && m.type == DHCP6_ADVERTISE)
			on_advertise(c, &m, from.sin6_addr.s6_addr, now);
		else if (m.type == DHCP6_REPLY && (c->st == D_REQUEST || c->st == D_INFO || c->st == D_DECLINE ||
						   (c->st == D_SOLICIT && m.rapid_commit && c->cfg->rapid_commit)))
			on_reply(c, &m, from.sin6_addr.s6_addr, now);
	}
}

static const struct ra_prefix *slaac_prefix(const struct c6 *c)
{
	return c->ra_seen ? slaac_of(&c->ra) : NULL;
}

/* Whether what we have is the answer (see the header's modes). */
static bool done(const struct c6 *c, long long now)
{
	bool ra_settled = c->ra_seen || now >= c->ra_deadline;

	if (c->st == D_BOUND)
		return ra_settled;
	if (c->cfg->mode == DHCP6_MODE_DHCP || !c->ra_seen || c->ra.managed || !slaac_prefix(c) ||
	    c->st == D_SOLICIT || c->st == D_REQUEST || c->st == D_DECLINE)
		return false;
	return c->st != D_INFO || now >= c->info_deadline;
}

/* The next timer after now (a passed one would spin the loop). */
static long long next_event(const struct c6 *c, long long now)
{
	long long cand[5] = {
		c->nrs < RS_MAX && !c->ra_seen ? c->t_rs : 0,
		exchanging(c) ? c->t_next : 0,
		c->st == D_SOLICIT && c->have_best ? c->collect_end : 0,
		!c->ra_seen ? c->ra_deadline : 0,
		c->st == D_INFO ? c->info_deadline : 0,
	};
	long long t = c->deadline;

	for (int i = 0; i < 5; i++)
		if (cand[i] > now && cand[i] < t)
			t = cand[i];
	return t;
}

static int fail_message(const struct c6 *c, long long now, struct errbuf *e)
{
	char ra[96];

	if (!c->ra_seen)
		snprintf(ra, sizeof(ra), "no router advertisement");
	else
		snprintf(ra, sizeof(ra), "router advertisement M=%d O=%d%s", c->ra.managed, c->ra.other,
			 slaac_prefix(c) ? "" : ", no SLAAC prefix");
	if (c->cfg->mode == DHCP6_MODE_SLAAC)
		return nb_fail(e, -ETIMEDOUT, "no IPv6 address on %s after %.1f s (%s)", c->name, since(c, now), ra);
	char dec[48] = "";
	if (c->ndeclined)
		snprintf(dec, sizeof(dec), ", %d lease%s declined (DAD failed)", c->ndeclined, c->ndeclined == 1 ? "" : "s");
	return nb_fail(e, -ETIMEDOUT, "no IPv6 address on %s after %.1f s (%d Solicit%s, %s%s%s%s; %s)", c->name,
		       since(c, now), c->nsolicit, c->nsolicit == 1 ? "" : "s",
		       c->nadvertise ? "Advertised but no Reply" : "no Advertise", dec, c->why[0] ? "; last trouble: " : "",
		       c->why, ra);
}

/* The exchanges: until done() or the deadline. */
static int loop(struct c6 *c, struct errbuf *e)
{
	for (;;) {
		long long now = monotonic_ms();
		tick(c, now);
		if (done(c, now))
			return 0;
		if (now >= c->deadline) {
			if (c->ra_seen && slaac_prefix(c)) {
				net_log(c->log, "%s: no DHCPv6 lease: using the SLAAC address", c->name);
				return 0;
			}
			return fail_message(c, now, e);
		}
		struct pollfd pfd[3] = { { .fd = c->udp, .events = POLLIN }, { .fd = c->icmp, .events = POLLIN },
					 { .fd = c->cfg->stop_fd > 0 ? c->cfg->stop_fd : -1, .events = POLLIN } };
		long long wait = next_event(c, now) - now;
		int pr = poll(pfd, 3, wait < 0 ? 0 : wait > 1000 ? 1000 : (int)wait);
		if (pr < 0 && errno != EINTR)
			return nb_fail(e, -errno, "%s: DHCPv6 poll: %s", c->name, strerror(errno));
		if (pr > 0 && pfd[2].revents)
			return stop_fail(c, e);
		now = monotonic_ms();
		if (pr > 0 && pfd[1].revents)
			recv_ra(c, now);
		if (pr > 0 && pfd[0].revents)
			recv_dhcp(c, now);
	}
}

/* The first run: a Router Solicitation and (unless SLAAC only) a Solicit. */
static int run(struct c6 *c, struct errbuf *e)
{
	long long now = monotonic_ms();

	c->ra_deadline = now + (c->cfg->ra_wait_ms ? c->cfg->ra_wait_ms : DHCP6_RA_WAIT_MS);
	send_rs(c, now);
	if (c->cfg->mode != DHCP6_MODE_SLAAC)
		start(c, D_SOLICIT, now);
	return loop(c, e);
}

static void add_dns(struct dhcp6_result *r, const uint8_t a[16])
{
	for (int i = 0; i < r->ndns; i++)
		if (!memcmp(r->dns[i], a, 16))
			return;
	if (r->ndns < DHCP6_MAX_DNS)
		memcpy(r->dns[r->ndns++], a, 16);
}

static void fill_result(const struct c6 *c, struct dhcp6_result *r)
{
	const struct ra_prefix *p = slaac_prefix(c);
	bool got_reply = c->st == D_BOUND || c->st == D_INFO_DONE;

	memset(r, 0, sizeof(*r));
	r->ifindex = c->ifindex;
	r->iaid = c->iaid;
	r->declined = c->ndeclined;
	memcpy(r->mac, c->mac, 6);
	if (c->st == D_BOUND) {
		r->has_dhcp = true;
		memcpy(r->dhcp_addr, c->lease.addr, 16);
		r->preferred = c->lease.preferred;
		r->valid = c->lease.valid;
		r->t1 = c->reply.t1;
		r->t2 = c->reply.t2;
		memcpy(r->server_duid, c->reply.server_duid, c->reply.server_duid_len);
		r->server_duid_len = c->reply.server_duid_len;
	}
	if (p) {
		r->has_slaac = true;
		ra_slaac_addr(p->prefix, c->mac, r->slaac_addr);
		r->slaac_prefix = p->len;
	}
	r->source = r->has_dhcp ? "dhcpv6" : "slaac";
	memcpy(r->addr, r->has_dhcp ? r->dhcp_addr : r->slaac_addr, 16);
	r->prefix = r->has_dhcp ? (uint8_t)dhcp6_onlink_prefix(&c->ra, r->dhcp_addr) : r->slaac_prefix;
	r->ra_seen = c->ra_seen;
	r->managed = c->ra.managed;
	r->other = c->ra.other;
	r->mtu = c->ra.mtu;
	if (c->ra_seen && c->ra.router_lifetime) {
		r->has_gateway = true;
		memcpy(r->gateway, c->router, 16);
	}
	for (int i = 0; got_reply && i < c->reply.ndns; i++)
		add_dns(r, c->reply.dns[i]);
	for (int i = 0; i < c->ra.ndns; i++)
		add_dns(r, c->ra.dns[i]);
	if (got_reply) {
		snprintf(r->domains, sizeof(r->domains), "%s", c->reply.domains);
		snprintf(r->bootfile_url, sizeof(r->bootfile_url), "%s", c->reply.bootfile_url);
		snprintf(r->bootfile_param, sizeof(r->bootfile_param), "%s", c->reply.bootfile_param);
	}
}

/* Waits until addr has left DAD: 0, -EADDRINUSE (DAD failed), -ETIMEDOUT. */
static int wait_dad(struct c6 *c, const uint8_t addr[16], struct errbuf *e)
{
	long long end = monotonic_ms() + DHCP6_DAD_WAIT_MS;
	struct rtnl_addr6 a[16];
	char s[INET6_ADDRSTRLEN];

	for (;;) {
		int n = rtnl_addr6_list(&c->nl, c->ifindex, a, 16, e), i;
		if (n < 0)
			return n;
		for (i = 0; i < n && memcmp(a[i].addr, addr, 16); i++)
			;
		if (i == n)	/* the kernel drops an address that failed DAD (unless accept_dad 2 disables the link) */
			return nb_fail(e, -EADDRINUSE, "%s: %s failed DAD: another host on the link uses it", c->name, ntop(addr, s));
		if (a[i].flags & RTNL_IFA_F_DADFAILED)
			return nb_fail(e, -EADDRINUSE, "%s: %s failed DAD: another host on the link uses it", c->name, ntop(addr, s));
		if (!(a[i].flags & RTNL_IFA_F_TENTATIVE))
			return 0;
		if (stopped(c))
			return stop_fail(c, e);
		if (monotonic_ms() >= end)
			return nb_fail(e, -ETIMEDOUT, "%s: %s still in DAD after %.1f s", c->name, ntop(addr, s),
				       DHCP6_DAD_WAIT_MS / 1000.0);
		struct timespec ts = { 0, ADDR_POLL_MS * 1000000L };
		nanosleep(&ts, NULL);
	}
}

static int add_addr(struct c6 *c, const uint8_t addr[16], unsigned prefix, struct errbuf *e)
{
	char s[INET6_ADDRSTRLEN];
	int rc = rtnl_addr6_add(&c->nl, c->ifindex, addr, prefix, e);
	if (rc == 0)
		net_log(c->log, "%s: address %s/%u added, waiting for DAD", c->name, ntop(addr, s), prefix);
	return rc;
}

/* The addresses, DAD, the default route.  Only the route is not fatal;
 * -EEXIST: the leased address failed DAD (e says so). */
static int apply(struct c6 *c, struct dhcp6_result *r, struct errbuf *e)
{
	char s[INET6_ADDRSTRLEN];
	struct errbuf sub;
	int rc;

	if (r->has_dhcp && (rc = add_addr(c, r->dhcp_addr, r->prefix, e)) < 0)
		return rc;
	if (r->has_slaac && (!r->has_dhcp || memcmp(r->slaac_addr, r->dhcp_addr, 16)) &&
	    (rc = add_addr(c, r->slaac_addr, r->slaac_prefix, e)) < 0)
		return rc;
	if (r->has_dhcp && (rc = wait_dad(c, r->dhcp_addr, e)) < 0)
		return rc == -EADDRINUSE ? -EEXIST : rc;	/* the lease's own: declined by the caller */
	if (r->has_slaac && (rc = wait_dad(c, r->slaac_addr, e)) < 0)
		return rc;
	net_log(c->log, "%s: %s/%u ready (DAD done) after %.1f s", c->name, ntop(r->addr, s), r->prefix,
		since(c, monotonic_ms()));
	if (r->has_gateway) {
		if (rtnl_route6_default(&c->nl, c->ifindex, r->gateway, &sub) < 0)
			net_log(c->log, "%s: IPv6 default route via %s not set: %s", c->name, ntop(r->gateway, s), sub.msg);
		else
			net_log(c->log, "%s: IPv6 default route via %s", c->name, ntop(r->gateway, s));
	}
	return 0;
}

static int setup(struct c6 *c, const char *ifname, struct errbuf *e)
{
	struct rtnl_link l;
	int rc;

	if ((rc = rtnl_open(&c->nl, e)) < 0)
		return rc;
	if ((rc = rtnl_link_get(&c->nl, 0, ifname, &l, e)) < 0)
		return rc;
	if (l.type != 1)
		return nb_fail(e, -EINVAL, "%s: not Ethernet (link type %u)", ifname, l.type);
	c->ifindex = l.ifindex;
	memcpy(c->mac, l.mac, 6);
	dhcp6_duid_ll(c->mac, c->duid);
	/* IAID: the MAC's last 4 bytes, stable across boots (RFC 8415 12) */
	c->iaid = (uint32_t)c->mac[2] << 24 | (uint32_t)c->mac[3] << 16 | (uint32_t)c->mac[4] << 8 | c->mac[5];
	c->salt = jitter_salt(0, c->mac, 6);
	return 0;
}

/* A leased address DAD refused: removed, and a Decline to its server
 * started (the loop then solicits again). */
static void decline(struct c6 *c, const struct dhcp6_result *r, const char *why)
{
	struct errbuf sub;

	net_log(c->log, "%s: %s: declining it", c->name, why);
	if (rtnl_addr6_del(&c->nl, c->ifindex, r->dhcp_addr, r->prefix, &sub) < 0)
		net_log(c->log, "%s: %s", c->name, sub.msg);	/* the kernel may have dropped it */
	memcpy(c->declined, r->dhcp_addr, 16);
	c->ndeclined++;
	snprintf(c->why, sizeof(c->why), "%.150s", why);
	start(c, D_DECLINE, monotonic_ms());
}

/* run(), the result, apply(); a lease whose address fails DAD is declined
 * and another one sought (RFC 8415 18.2.8), DHCP6_DECLINES_MAX times. */
static int lease_and_apply(struct c6 *c, struct dhcp6_result *res, struct errbuf *e)
{
	long ll = res->ll_ms;
	int rc = run(c, e);

	for (;;) {
		if (rc < 0)
			return rc;
		fill_result(c, res);
		res->ll_ms = ll;
		res->elapsed_ms = (long)(monotonic_ms() - c->t0);
		if (!c->cfg->apply)
			return 0;
		rc = apply(c, res, e);
		if (rc == 0)
			res->ready_ms = (long)(monotonic_ms() - c->t0);
		if (rc != -EEXIST)
			return rc;
		char why[sizeof(e->msg)];
		snprintf(why, sizeof(why), "%s", e->msg);
		if (c->ndeclined >= DHCP6_DECLINES_MAX)
			return nb_fail(e, -EADDRINUSE, "%s (%d leases declined, giving up)", why, c->ndeclined);
		decline(c, res, why);
		rc = loop(c, e);
	}
}

int dhcp6_acquire(const char *ifname, const struct dhcp6_client_cfg *cfg, struct dhcp6_result *res,
		  FILE *log, struct errbuf *e)
{
	struct c6 *c = calloc(1, sizeof(*c));	/* three messages: keep them off the stack */
	int rc;

	if (!c)
		return nb_fail(e, -ENOMEM, "out of memory");
	c->cfg = cfg;
	c->log = log;
	c->name = ifname;
	c->udp = c->icmp = -1;
	c->nl.fd = -1;
	c->t0 = monotonic_ms();
	c->deadline = c->t0 + (cfg->timeout_ms > 0 ? cfg->timeout_ms : DHCP6_TIMEOUT_MS);
	if ((rc = setup(c, ifname, e)) == 0 && (rc = wait_link_local(c, e)) == 0) {
		res->ll_ms = (long)(monotonic_ms() - c->t0);
		net_log(log, "%s: link-local address ready after %.1f s%s", ifname, res->ll_ms / 1000.0,
			c->ll_optimistic ? " (optimistic: its DAD goes on)" : "");
		if ((rc = open_sockets(c, e)) == 0)
			rc = lease_and_apply(c, res, e);
	}
	if (c->udp >= 0)
		close(c->udp);
	if (c->icmp >= 0)
		close(c->icmp);
	rtnl_close(&c->nl);
	free(c);
	return rc;
}

/* --- the handover lines --- */

/* KEY=value, the value single-quoted when it holds anything a shell would
 * read (a URL's brackets): the lines stay sourceable by sh. */
static void kv(FILE *out, const char *key, const char *v)
{
	if (strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:/@%+,=-") == strlen(v)) {
		fprintf(out, "%s=%s\n", key, v);
		return;
	}
	fprintf(out, "%s='", key);
	for (; *v; v++)
		*v == '\'' ? fputs("'\\''", out) : fputc(*v, out);
	fputs("'\n", out);
}

static void kv_addr(FILE *out, const char *key, const uint8_t a[16], bool have)
{
	char s[INET6_ADDRSTRLEN] = "";
	if (have)
		inet_ntop(AF_INET6, a, s, sizeof(s));
	fprintf(out, "%s=%s\n", key, s);
}

void dhcp6_format_handover(const char *ifname, const struct dhcp6_result *r, FILE *out)
{
	char mac[18], duid[3 * DHCP6_DUID_MAX + 1] = "", first[DHCP6_TEXT_MAX];

	kv(out, "DEVICE", ifname);
	fprintf(out, "HWADDR=%s\n", mac_format(r->mac, mac));
	fprintf(out, "IPV6METHOD=%s\n", r->source);
	kv_addr(out, "IPV6ADDR", r->addr, true);
	fprintf(out, "IPV6PREFIX=%u\n", r->prefix);
	kv_addr(out, "IPV6GATEWAY", r->gateway, r->has_gateway);
	for (int i = 0; i < 2; i++)
		kv_addr(out, i ? "IPV6DNS1" : "IPV6DNS0", r->dns[i], i < r->ndns);
	snprintf(first, sizeof(first), "%.*s", (int)strcspn(r->domains, " "), r->domains);
	kv(out, "IPV6DOMAIN", first);
	kv_addr(out, "IPV6SLAAC", r->slaac_addr, r->has_slaac);
	for (size_t i = 0; i < r->server_duid_len; i++)
		snprintf(duid + (i ? 3 * i - 1 : 0), 4, "%s%02x", i ? ":" : "", r->server_duid[i]);
	kv(out, "DHCP6SERVER", duid);
	/* what the booted system's client needs to renew at T1: the binding is
	 * (DUID-LL of HWADDR, IPV6IAID) with DHCP6SERVER */
	if (r->has_dhcp)
		fprintf(out, "IPV6LEASETIME=%u\nIPV6PREFERRED=%u\nIPV6IAID=%u\nIPV6T1=%u\nIPV6T2=%u\n", r->valid,
			r->preferred, r->iaid, r->t1, r->t2);
	else
		fprintf(out, "IPV6LEASETIME=\nIPV6PREFERRED=\nIPV6IAID=\nIPV6T1=\nIPV6T2=\n");
	fprintf(out, "IPV6RA=%s\n", !r->ra_seen ? "" : r->managed ? (r->other ? "managed,other" : "managed")
								: r->other ? "other" : "none");
	if (r->mtu)
		fprintf(out, "IPV6MTU=%u\n", r->mtu);
	kv(out, "BOOTFILE6", r->bootfile_url);
	kv(out, "BOOTPARAM6", r->bootfile_param);
}

static int write_conf6(const char *ifname, const char *key, const char *value)
{
	char path[128];
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s", ifname, key);
	int fd = open(path, O_WRONLY | O_CLOEXEC), rc = 0;
	if (fd < 0)
		return -errno;
	if (write(fd, value, strlen(value)) != (ssize_t)strlen(value))
		rc = -errno;
	close(fd);
	return rc;
}

int dhcp6_prepare_link(const char *ifname)
{
	int rc = write_conf6(ifname, "optimistic_dad", "1");
	return rc ? rc : write_conf6(ifname, "router_solicitation_delay", "0");
}
