/* Generic netlink socket: see genl.h. */
#include "netboot/genl.h"
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#define GENL_REPLY_MS 5000	/* the kernel answers at once; CONNECT may take a moment to set up a device */
#define GENL_RX 8192

uint32_t genl_next_seq(struct genl *g)
{
	return ++g->seq;
}

void genl_close(struct genl *g)
{
	if (g->fd >= 0)
		close(g->fd);
	g->fd = -1;
}

static int wait_in(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int n;
	do
		n = poll(&p, 1, timeout_ms);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

/* recv of one datagram: its length, or a negative errno (-ENOBUFS: the
 * kernel dropped messages for this socket). */
static int recv_dgram(int fd, uint8_t *buf, size_t cap)
{
	ssize_t n;
	do
		n = recv(fd, buf, cap, 0);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : (int)n;
}

int genl_call(struct genl *g, const uint8_t *msg, int len, int64_t want_index, struct genl_msg *reply,
	      const char *what, struct errbuf *e)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	uint8_t rx[GENL_RX];
	uint32_t seq;

	if (len < NLMSG_HDRLEN)
		return nb_fail(e, -EINVAL, "netlink %s: request not built (%d)", what, len);
	memcpy(&seq, msg + offsetof(struct nlmsghdr, nlmsg_seq), sizeof(seq));
	if (sendto(g->fd, msg, (size_t)len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return nb_fail(e, -errno, "netlink %s: send: %s", what, strerror(errno));
	for (;;) {
		int n = wait_in(g->fd, GENL_REPLY_MS);
		if (n == 0)
			return nb_fail(e, -ETIMEDOUT, "netlink %s: no answer from the kernel", what);
		if (n > 0)
			n = recv_dgram(g->fd, rx, sizeof(rx));
		if (n < 0)
			return nb_fail(e, n, "netlink %s: %s", what, strerror(-n));
		for (int off = 0, used; off < n; off += used) {
			struct genl_msg m;
			if ((used = genl_parse(rx + off, (size_t)(n - off), NULL, want_index, &m, e)) <= 0)
				break;
			if (m.seq != seq)
				continue;	/* an event, or a late answer to an earlier request */
			if (m.kind == GENL_ERROR) {
				if (m.error < 0)
					return nb_fail(e, m.error, "netlink %s: %s", what, strerror(-m.error));
				return 0;
			}
			if (reply && (m.kind == GENL_FAMILY || m.kind == GENL_CTRL))
				*reply = m;
		}
	}
}

int genl_open(struct genl *g, const char *family, const char *mcast_name, struct errbuf *e)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	uint8_t req[NBDNL_MSG_MAX], rx[GENL_RX];
	int rc;

	g->seq = (uint32_t)time(NULL);
	g->family = 0;
	g->mcast = 0;
	g->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (g->fd < 0)
		return nb_fail(e, -errno, "generic netlink socket: %s", strerror(errno));
	if (bind(g->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = nb_fail(e, -errno, "generic netlink bind: %s", strerror(errno));
		goto fail;
	}
	/* the controller's answer carries the group list, which genl_call does
	 * not look at: read it here */
	uint32_t seq = genl_next_seq(g);
	int len = genl_build_getfamily(req, sizeof(req), seq, family);
	if (len < 0) {
		rc = nb_fail(e, -EINVAL, "netlink: family name '%.40s' too long", family);
		goto fail;
	}
	if (sendto(g->fd, req, (size_t)len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
		rc = nb_fail(e, -errno, "netlink: asking for family %s: %s", family, strerror(errno));
		goto fail;
	}
	for (;;) {
		int n = wait_in(g->fd, GENL_REPLY_MS);
		if (n == 0)
			n = -ETIMEDOUT;
		if (n > 0)
			n = recv_dgram(g->fd, rx, sizeof(rx));
		if (n < 0) {
			rc = nb_fail(e, n, "netlink: asking for family %s: %s", family, strerror(-n));
			goto fail;
		}
		for (int off = 0, used; off < n; off += used) {
			struct genl_msg m;
			if ((used = genl_parse(rx + off, (size_t)(n - off), mcast_name, -1, &m, e)) <= 0)
				break;
			if (m.seq != seq)
				continue;
			if (m.kind == GENL_ERROR && m.error < 0) {
				rc = nb_fail(e, m.error, "netlink: no generic netlink family '%s' (%s)", family,
					     strerror(-m.error));
				goto fail;
			}
			if (m.kind == GENL_CTRL && m.family_id) {
				g->family = m.family_id;
				g->mcast = m.mcast_id;
			}
			if (m.kind == GENL_ERROR && g->family)
				return 0;	/* the ACK after the answer */
			if (m.kind == GENL_ERROR) {
				rc = nb_fail(e, -EPROTO, "netlink: the controller named no id for family '%s'", family);
				goto fail;
			}
		}
	}
fail:
	genl_close(g);
	return rc;
}

int genl_subscribe(struct genl *g, struct errbuf *e)
{
	int group = (int)g->mcast;
	if (!group)
		return nb_fail(e, -ENOENT, "netlink: family %u has no multicast group to join", g->family);
	if (setsockopt(g->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) < 0)
		return nb_fail(e, -errno, "netlink: joining group %d: %s", group, strerror(errno));
	return 0;
}

int genl_recv_event(struct genl *g, int timeout_ms, struct genl_msg *ev, struct errbuf *e)
{
	uint8_t rx[GENL_RX];
	int n = wait_in(g->fd, timeout_ms);

	if (n <= 0)
		return n < 0 ? nb_fail(e, n, "netlink: poll: %s", strerror(-n)) : 0;
	if ((n = recv_dgram(g->fd, rx, sizeof(rx))) < 0)
		return nb_fail(e, n, "netlink: events: %s", strerror(-n));
	/* the kernel sends one event a datagram: the first of the family counts */
	for (int off = 0, used; off < n; off += used) {
		if ((used = genl_parse(rx + off, (size_t)(n - off), NULL, -1, ev, e)) <= 0)
			break;
		if (ev->kind == GENL_FAMILY && ev->type == g->family)
			return 1;
	}
	return 0;
}
