#include "netboot/rtnl.h"
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#define RTNL_REPLY_MS 2000	/* the kernel answers at once; this only guards a wedged socket */

struct nlreq {
	union {
		struct nlmsghdr h;
		uint8_t buf[512];
	} u;
	size_t len;
};

static void req_start(struct nlreq *r, uint16_t type, uint16_t flags, const void *body, size_t blen)
{
	memset(r, 0, sizeof(*r));
	r->u.h.nlmsg_type = type;
	r->u.h.nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
	memcpy(r->u.buf + NLMSG_HDRLEN, body, blen);
	r->len = NLMSG_HDRLEN + NLMSG_ALIGN(blen);
}

static void req_attr(struct nlreq *r, uint16_t type, const void *data, size_t len)
{
	struct rtattr rta = { .rta_len = (unsigned short)RTA_LENGTH(len), .rta_type = type };

	/* Requests here are a few attributes; the buffer is sized for them. */
	if (r->len + RTA_SPACE(len) > sizeof(r->u.buf))
		return;
	memcpy(r->u.buf + r->len, &rta, sizeof(rta));
	memcpy(r->u.buf + r->len + RTA_LENGTH(0), data, len);
	r->len += RTA_SPACE(len);
}

int rtnl_open(struct rtnl *nl, struct errbuf *e)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	nl->seq = (uint32_t)time(NULL);
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl->fd < 0)
		return nb_fail(e, -errno, "rtnetlink socket: %s", strerror(errno));
	if (bind(nl->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int rc = -errno;
		close(nl->fd);
		nl->fd = -1;
		return nb_fail(e, rc, "rtnetlink bind: %s", strerror(-rc));
	}
	return 0;
}

void rtnl_close(struct rtnl *nl)
{
	if (nl->fd >= 0)
		close(nl->fd);
	nl->fd = -1;
}

static void parse_link(const struct nlmsghdr *h, struct rtnl_link *out)
{
	const uint8_t *p = (const uint8_t *)h + NLMSG_HDRLEN;
	size_t len = h->nlmsg_len - NLMSG_HDRLEN, off;
	struct ifinfomsg ifi;

	memset(out, 0, sizeof(*out));
	if (len < sizeof(ifi))
		return;
	memcpy(&ifi, p, sizeof(ifi));
	out->ifindex = ifi.ifi_index;
	out->flags = ifi.ifi_flags;
	out->type = ifi.ifi_type;
	for (off = NLMSG_ALIGN(sizeof(ifi)); off + sizeof(struct rtattr) <= len;) {
		struct rtattr rta;
		memcpy(&rta, p + off, sizeof(rta));
		if (rta.rta_len < sizeof(rta) || rta.rta_len > len - off)
			break;
		const uint8_t *d = p + off + RTA_LENGTH(0);
		size_t dl = rta.rta_len - RTA_LENGTH(0);
		if (rta.rta_type == IFLA_IFNAME)
			memcpy(out->name, d, dl < sizeof(out->name) - 1 ? dl : sizeof(out->name) - 1);
		else if (rta.rta_type == IFLA_ADDRESS && dl == 6)
			memcpy(out->mac, d, 6);
		else if (rta.rta_type == IFLA_MTU && dl == 4)
			memcpy(&out->mtu, d, 4);
		else if (rta.rta_type == IFLA_QDISC)	/* "noop" until the kernel attaches the real one */
			out->tx_queue = dl > 0 && strncmp((const char *)d, "noop", dl) != 0;
		off += RTA_ALIGN(rta.rta_len);
	}
}

/* Sends r and reads until the matching ACK/error (or the RTM_NEWLINK
 * answer to a get, stored in link).  Returns 0 or the kernel's -errno. */
static int talk(struct rtnl *nl, struct nlreq *r, struct rtnl_link *link, struct errbuf *e, const char *what)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	union {
		struct nlmsghdr h;
		uint8_t buf[16384];
	} rx;
	uint32_t seq = ++nl->seq;

	r->u.h.nlmsg_len = (uint32_t)r->len;
	r->u.h.nlmsg_seq = seq;
	if (sendto(nl->fd, r->u.buf, r->len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return nb_fail(e, -errno, "rtnetlink %s: send: %s", what, strerror(errno));
	for (;;) {
		struct pollfd pfd = { .fd = nl->fd, .events = POLLIN };
		int pr = poll(&pfd, 1, RTNL_REPLY_MS);
		if (pr == 0)
			return nb_fail(e, -ETIMEDOUT, "rtnetlink %s: no answer from the kernel", what);
		if (pr < 0) {
			if (errno == EINTR)
				continue;
			return nb_fail(e, -errno, "rtnetlink %s: poll: %s", what, strerror(errno));
		}
		ssize_t n = recv(nl->fd, rx.buf, sizeof(rx.buf), 0);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return nb_fail(e, -errno, "rtnetlink %s: recv: %s", what, strerror(errno));
		}
		for (size_t off = 0; off + NLMSG_HDRLEN <= (size_t)n;) {
			struct nlmsghdr *h = (struct nlmsghdr *)(rx.buf + off);
			if (h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > (size_t)n - off)
				break;
			off += NLMSG_ALIGN(h->nlmsg_len);
			if (h->nlmsg_seq != seq)
				continue;	/* a late answer to an earlier request */
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr err;
				if (h->nlmsg_len < NLMSG_HDRLEN + sizeof(err))
					return nb_fail(e, -EPROTO, "rtnetlink %s: short error message", what);
				memcpy(&err, (uint8_t *)h + NLMSG_HDRLEN, sizeof(err));
				if (err.error == 0)
					return 0;
				return nb_fail(e, err.error, "rtnetlink %s: %s", what, strerror(-err.error));
			}
			if (h->nlmsg_type == RTM_NEWLINK && link) {
				parse_link(h, link);
				return 0;
			}
		}
	}
}

int rtnl_link_get(struct rtnl *nl, int ifindex, const char *name, struct rtnl_link *out, struct errbuf *e)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex > 0 ? ifindex : 0 };
	struct nlreq r;
	char id[24], what[48];

	req_start(&r, RTM_GETLINK, 0, &ifi, sizeof(ifi));
	if (ifindex > 0) {
		snprintf(id, sizeof(id), "#%d", ifindex);
	} else {
		/* A longer name would be cut to another interface's name. */
		if (strlen(name) > 15)
			return nb_fail(e, -ENODEV, "no network interface %.20s... (names have at most 15 characters)", name);
		snprintf(id, sizeof(id), "%s", name);
		req_attr(&r, IFLA_IFNAME, id, strlen(id) + 1);
	}
	snprintf(what, sizeof(what), "get link %s", id);
	int rc = talk(nl, &r, out, e, what);
	if (rc == -ENODEV || (rc == 0 && out->ifindex == 0))
		return nb_fail(e, -ENODEV, "no network interface %s", id);
	return rc;
}

static int set_link(struct rtnl *nl, int ifindex, unsigned flags, unsigned change, uint16_t attr,
		    const void *data, size_t len, struct errbuf *e, const char *what)
{
	struct ifinfomsg ifi = {
		.ifi_family = AF_UNSPEC, .ifi_index = ifindex, .ifi_flags = flags, .ifi_change = change,
	};
	struct nlreq r;

	req_start(&r, RTM_NEWLINK, NLM_F_ACK, &ifi, sizeof(ifi));
	if (data)
		req_attr(&r, attr, data, len);
	return talk(nl, &r, NULL, e, what);
}

int rtnl_link_up(struct rtnl *nl, int ifindex, struct errbuf *e)
{
	return set_link(nl, ifindex, RTNL_IFF_UP, RTNL_IFF_UP, 0, NULL, 0, e, "set link up");
}

int rtnl_link_mtu(struct rtnl *nl, int ifindex, unsigned mtu, struct errbuf *e)
{
	uint32_t v = mtu;
	return set_link(nl, ifindex, 0, 0, IFLA_MTU, &v, sizeof(v), e, "set MTU");
}

int rtnl_link_rename(struct rtnl *nl, int ifindex, const char *name, struct errbuf *e)
{
	return set_link(nl, ifindex, 0, 0, IFLA_IFNAME, name, strnlen(name, 15) + 1, e, "rename link");
}

/* RTM_NEWADDR (replacing the same address) or RTM_DELADDR for addr, 4 or
 * 16 bytes by family, with a broadcast address (IPv4, 0 = none). */
static int addr_msg(struct rtnl *nl, uint16_t type, int family, int ifindex, const void *addr, unsigned prefix,
		    uint32_t brd, struct errbuf *e, const char *what)
{
	struct ifaddrmsg ifa = {
		.ifa_family = (unsigned char)family, .ifa_prefixlen = (unsigned char)prefix,
		.ifa_scope = RT_SCOPE_UNIVERSE, .ifa_index = (unsigned)ifindex,
	};
	size_t alen = family == AF_INET6 ? 16 : 4;
	struct nlreq r;

	if (prefix > alen * 8)
		return nb_fail(e, -EINVAL, "rtnetlink %s: prefix /%u is not 0..%zu", what, prefix, alen * 8);
	req_start(&r, type, type == RTM_NEWADDR ? NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE : NLM_F_ACK, &ifa,
		  sizeof(ifa));
	req_attr(&r, IFA_LOCAL, addr, alen);
	req_attr(&r, IFA_ADDRESS, addr, alen);
	if (brd)
		req_attr(&r, IFA_BROADCAST, &brd, 4);
	return talk(nl, &r, NULL, e, what);
}

/* The default route of the main table via gw (4 or 16 bytes by family)
 * on ifindex, replacing one that is there. */
static int default_route(struct rtnl *nl, int family, int ifindex, const void *gw, bool onlink, struct errbuf *e,
			 const char *what)
{
	struct rtmsg rtm = {
		.rtm_family = (unsigned char)family, .rtm_table = RT_TABLE_MAIN, .rtm_protocol = RTPROT_BOOT,
		.rtm_scope = RT_SCOPE_UNIVERSE, .rtm_type = RTN_UNICAST,
		.rtm_flags = onlink ? RTNH_F_ONLINK : 0,
	};
	uint32_t oif = (uint32_t)ifindex;
	struct nlreq r;

	req_start(&r, RTM_NEWROUTE, NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE, &rtm, sizeof(rtm));
	req_attr(&r, RTA_GATEWAY, gw, family == AF_INET6 ? 16 : 4);
	req_attr(&r, RTA_OIF, &oif, 4);
	return talk(nl, &r, NULL, e, what);
}

int rtnl_addr_add(struct rtnl *nl, int ifindex, uint32_t addr, unsigned prefix, uint32_t brd, struct errbuf *e)
{
	return addr_msg(nl, RTM_NEWADDR, AF_INET, ifindex, &addr, prefix, brd, e, "add address");
}

int rtnl_route_default(struct rtnl *nl, int ifindex, uint32_t gw, bool onlink, struct errbuf *e)
{
	return default_route(nl, AF_INET, ifindex, &gw, onlink, e, "add default route");
}

/* --- IPv6 --- */

static void parse_addr6(const struct nlmsghdr *h, int ifindex, struct rtnl_addr6 *out, int max, int *n)
{
	const uint8_t *p = (const uint8_t *)h + NLMSG_HDRLEN;
	size_t len = h->nlmsg_len - NLMSG_HDRLEN;
	struct ifaddrmsg ifa;
	struct rtnl_addr6 a = { 0 };
	bool have = false;

	if (len < sizeof(ifa) || *n >= max)
		return;
	memcpy(&ifa, p, sizeof(ifa));
	if (ifa.ifa_family != AF_INET6 || (int)ifa.ifa_index != ifindex)
		return;
	a.prefix = ifa.ifa_prefixlen;
	a.scope = ifa.ifa_scope;
	a.flags = ifa.ifa_flags;
	for (size_t off = NLMSG_ALIGN(sizeof(ifa)); off + sizeof(struct rtattr) <= len;) {
		struct rtattr rta;
		memcpy(&rta, p + off, sizeof(rta));
		if (rta.rta_len < sizeof(rta) || rta.rta_len > len - off)
			break;
		const uint8_t *d = p + off + RTA_LENGTH(0);
		size_t dl = rta.rta_len - RTA_LENGTH(0);
		if ((rta.rta_type == IFA_ADDRESS || rta.rta_type == IFA_LOCAL) && dl == 16) {
			memcpy(a.addr, d, 16);
			have = true;
		} else if (rta.rta_type == IFA_FLAGS && dl == 4) {
			memcpy(&a.flags, d, 4);	/* the full 32 bits; ifa_flags holds the low 8 */
		}
		off += RTA_ALIGN(rta.rta_len);
	}
	if (have)
		out[(*n)++] = a;
}

int rtnl_addr6_list(struct rtnl *nl, int ifindex, struct rtnl_addr6 *out, int max, struct errbuf *e)
{
	struct ifaddrmsg ifa = { .ifa_family = AF_INET6, .ifa_index = (unsigned)ifindex };
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	union {
		struct nlmsghdr h;
		uint8_t buf[16384];
	} rx;
	struct nlreq r;
	uint32_t seq = ++nl->seq;
	int n = 0;

	req_start(&r, RTM_GETADDR, NLM_F_DUMP, &ifa, sizeof(ifa));
	r.u.h.nlmsg_len = (uint32_t)r.len;
	r.u.h.nlmsg_seq = seq;
	if (sendto(nl->fd, r.u.buf, r.len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return nb_fail(e, -errno, "rtnetlink list addresses: send: %s", strerror(errno));
	for (;;) {
		struct pollfd pfd = { .fd = nl->fd, .events = POLLIN };
		int pr = poll(&pfd, 1, RTNL_REPLY_MS);
		if (pr == 0)
			return nb_fail(e, -ETIMEDOUT, "rtnetlink list addresses: no answer from the kernel");
		if (pr < 0 && errno != EINTR)
			return nb_fail(e, -errno, "rtnetlink list addresses: poll: %s", strerror(errno));
		ssize_t got = pr < 0 ? -1 : recv(nl->fd, rx.buf, sizeof(rx.buf), 0);
		if (got < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return nb_fail(e, -errno, "rtnetlink list addresses: recv: %s", strerror(errno));
		}
		for (size_t off = 0; off + NLMSG_HDRLEN <= (size_t)got;) {
			struct nlmsghdr *h = (struct nlmsghdr *)(rx.buf + off);
			if (h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > (size_t)got - off)
				break;
			off += NLMSG_ALIGN(h->nlmsg_len);
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return n;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr err;
				if (h->nlmsg_len < NLMSG_HDRLEN + sizeof(err))
					return nb_fail(e, -EPROTO, "rtnetlink list addresses: short error message");
				memcpy(&err, (uint8_t *)h + NLMSG_HDRLEN, sizeof(err));
				return nb_fail(e, err.error ? err.error : -EPROTO, "rtnetlink list addresses: %s",
					       strerror(err.error ? -err.error : EPROTO));
			}
			if (h->nlmsg_type == RTM_NEWADDR)
				parse_addr6(h, ifindex, out, max, &n);
		}
	}
}

int rtnl_addr6_add(struct rtnl *nl, int ifindex, const uint8_t addr[16], unsigned prefix, struct errbuf *e)
{
	return addr_msg(nl, RTM_NEWADDR, AF_INET6, ifindex, addr, prefix, 0, e, "add IPv6 address");
}

int rtnl_addr6_del(struct rtnl *nl, int ifindex, const uint8_t addr[16], unsigned prefix, struct errbuf *e)
{
	return addr_msg(nl, RTM_DELADDR, AF_INET6, ifindex, addr, prefix, 0, e, "remove IPv6 address");
}

int rtnl_route6_default(struct rtnl *nl, int ifindex, const uint8_t gw[16], struct errbuf *e)
{
	return default_route(nl, AF_INET6, ifindex, gw, false, e, "add IPv6 default route");
}
