#include "netboot/clock.h"
#include "netboot/tftp_client.h"
#include "netboot/tftp_wire.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RTO_DEFAULT_MS	1000
#define RTO_CAP_MS	8000		/* doubling stops here (or at a longer first timeout):
					 * 6 tries = 1+2+4+8+8+8 s */
#define TRIES_DEFAULT	6
#define WINDOW_DEFAULT	64
#define WINDOW_CAP	16384		/* keeps block distances inside int16_t */
#define RCVBUF_DEFAULT	(4 << 20)	/* a whole window of big blocks must fit */
#define RX_BUDGET	(1 << 20)	/* bytes of receive slots for one recvmmsg */
#define RX_SLOTS_MAX	64
#define STALL_WINDOW_S	30		/* progress is checked over this many seconds */
#define STALL_MIN_BYTES	65536		/* ... and must reach this many bytes (2 KiB/s) */
#define OUT_CAP		(256 << 10)	/* blocks are coalesced into writes of this size */

enum { XFER_DONE = 1, XFER_FALLBACK = 2 };	/* internal results beside 0 / -errno */

/* A server's address, IPv4 or IPv6. */
union peer {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};

static socklen_t peer_len(const union peer *p)
{
	return p->sa.sa_family == AF_INET6 ? sizeof(p->in6) : sizeof(p->in);
}

/* The same host (the port aside): before the lock any port may answer. */
static bool same_host(const union peer *a, const union peer *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET6)
		return !memcmp(&a->in6.sin6_addr, &b->in6.sin6_addr, sizeof(a->in6.sin6_addr));
	return a->in.sin_addr.s_addr == b->in.sin_addr.s_addr;
}

struct xfer {
	const struct tftp_client_cfg *c;
	struct tftp_stats *st;
	struct errbuf *e;
	const char *label, *url;
	int fd;
	union peer srv;			/* where the RRQ goes */
	union peer tid;			/* the server's transfer port, once locked */
	bool locked;			/* tid is known */
	bool with_opts;			/* this attempt's RRQ carries options */
	bool started;			/* size_known was called: data may flow */
	struct tftp_opts asked, use;
	uint64_t next;			/* 64-bit number of the next block expected */
	uint64_t acked;			/* last block ACKed */
	uint64_t gap_for;		/* `next` for which a gap was already ACKed */
	int rto0, rto, tries, max_tries;
	uint64_t now, deadline, ack_ns;	/* CLOCK_MONOTONIC ns */
	uint64_t srtt;			/* smoothed ACK -> next block time, ns; 0 = none yet */
	bool rtt_pending;		/* an ACK is out and no block has followed it */
	uint64_t tail_at;		/* mid-window: when to give up on the window's tail */
	uint64_t stall_at, stall_bytes;	/* the next progress check, and the bytes then */
	uint8_t rrq[1400];
	size_t rrq_len;
	/* receive slots for recvmmsg */
	unsigned nslots;
	size_t slot;
	uint8_t *rx;
	struct mmsghdr mm[RX_SLOTS_MAX];
	struct iovec iov[RX_SLOTS_MAX];
	union peer from[RX_SLOTS_MAX];
	/* in-order bytes not yet delivered */
	uint8_t *out;
	size_t out_len;
};

static bool same_peer(const union peer *a, const union peer *b)
{
	/* sin_port and sin6_port sit at one offset */
	return same_host(a, b) && a->in.sin_port == b->in.sin_port;
}

/* UDP: a lost send is a lost packet, which the retransmission timer covers. */
static void send_to(struct xfer *x, const void *p, size_t n, const union peer *to)
{
	while (sendto(x->fd, p, n, 0, &to->sa, peer_len(to)) < 0 && errno == EINTR)
		;
}

static void send_ack(struct xfer *x, uint64_t block)
{
	uint8_t b[TFTP_HDR];

	tftp_build_ack(b, sizeof(b), (uint16_t)block);	/* the wire wraps 65535 -> 0 */
	send_to(x, b, sizeof(b), &x->tid);
	x->acked = block;
	x->ack_ns = x->now;
	x->rtt_pending = true;
}

static void send_error(struct xfer *x, const union peer *to, uint16_t code, const char *msg)
{
	uint8_t b[128];
	int n = tftp_build_error(b, sizeof(b), code, msg);

	if (n > 0)
		send_to(x, b, (size_t)n, to);
}

static void progress(struct xfer *x)
{
	x->tries = 1;
	x->rto = x->rto0;
	x->deadline = x->now + (uint64_t)x->rto * 1000000u;
}

static int flush(struct xfer *x)
{
	int rc;

	if (!x->out_len)
		return 0;
	rc = x->c->deliver(x->c->ctx, x->out, x->out_len, x->e);
	x->out_len = 0;
	if (rc < 0 && x->locked)	/* stop the server instead of letting it time out */
		send_error(x, &x->tid, rc == -ENOSPC || rc == -EFBIG ? TFTP_ENOSPACE : TFTP_EUNDEF,
			   "transfer aborted by the client");
	return rc < 0 ? rc : 0;
}

static int take(struct xfer *x, const uint8_t *p, size_t n)
{
	int rc;

	if (x->use.tsize && x->st->bytes + n > x->use.tsize) {
		send_error(x, &x->tid, TFTP_EUNDEF, "more data than tsize");
		return nb_fail(x->e, -EPROTO, "%s: server sent more than the %llu bytes it announced, from %s",
			       x->label, (unsigned long long)x->use.tsize, x->url);
	}
	if (x->out_len + n > OUT_CAP && (rc = flush(x)) < 0)
		return rc;
	memcpy(x->out + x->out_len, p, n);
	x->out_len += n;
	x->st->bytes += n;
	return 0;
}

/* The transfer parameters are settled: tell the caller the size (it may
 * refuse, e.g. too little RAM for the image: then tell the server too). */
static int start(struct xfer *x, uint64_t tsize)
{
	int rc = 0;

	x->started = true;
	x->st->blksize = x->use.blksize;
	x->st->windowsize = x->use.windowsize;
	x->st->tsize = tsize;
	if (x->c->size_known && (rc = x->c->size_known(x->c->ctx, tsize, x->e)) < 0)
		send_error(x, &x->tid, rc == -ENOSPC || rc == -EFBIG || rc == -ENOMEM ? TFTP_ENOSPACE : TFTP_EUNDEF,
			   "transfer aborted by the client");
	return rc;
}

/* How long a window may pause mid-way before its tail counts as lost.
 * Without this a lost last block costs a whole retransmission timeout (the
 * server waits for our ACK, we wait for the block).  A few round trips
 * (measured from our ACK to the next block), at least 2 ms, at most half
 * the timeout.  A server that was only slow sends some blocks twice. */
static uint64_t tail_wait(const struct xfer *x)
{
	uint64_t w = 4 * x->srtt + 2000000u, cap = (uint64_t)x->rto0 * 500000u;

	return w < cap ? w : cap;
}

static int on_data(struct xfer *x, const struct tftp_pkt *p)
{
	int16_t d = (int16_t)(uint16_t)(p->block - (uint16_t)x->next);
	int rc;

	if (p->len > x->use.blksize) {
		x->st->bad++;
		return 0;
	}
	if (d == 0) {
		if ((rc = take(x, p->data, p->len)) < 0)
			return rc;
		x->next++;
		x->st->blocks++;
		progress(x);
		if (x->rtt_pending) {
			uint64_t sample = x->now - x->ack_ns;
			x->srtt = x->srtt ? (7 * x->srtt + sample) / 8 : sample;
			x->rtt_pending = false;
		}
		x->tail_at = x->now + tail_wait(x);
		if (p->len < x->use.blksize) {	/* short (maybe empty) block: the end */
			if ((rc = flush(x)) < 0)
				return rc;
			send_ack(x, x->next - 1);
			return XFER_DONE;
		}
		if (x->next - 1 - x->acked >= x->use.windowsize)
			send_ack(x, x->next - 1);
		return 0;
	}
	if (d > 0) {
		/* RFC 7440 4: ACK the last block in order so the window restarts
		 * after it; once per hole, or the server restarts once per block */
		x->st->gaps++;
		if (x->gap_for != x->next) {
			send_ack(x, x->next - 1);
			x->gap_for = x->next;
		}
		return 0;
	}
	/* A duplicate.  If it is the block we last ACKed, the server resent
	 * it because the ACK was lost: repeat the ACK, but not if ours is only
	 * just out (a window sent twice would then be sent twice forever). */
	x->st->dups++;
	if (p->block == (uint16_t)x->acked && x->now - x->ack_ns >= (uint64_t)x->rto0 * 500000u)
		send_ack(x, x->acked);
	return 0;
}

static int on_oack(struct xfer *x, const struct tftp_pkt *p)
{
	struct tftp_opts got;
	struct errbuf why = { "malformed option acknowledgement" };
	int rc;

	if (tftp_opts_check_range(p->data, p->len, &why) < 0 || tftp_opts_parse(p->data, p->len, &got) < 0 ||
	    tftp_opts_accept(&x->asked, &got, &x->use, &why) < 0) {
		send_error(x, &x->tid, TFTP_EOPTNEG, why.msg);
		if (x->c->log)
			fprintf(x->c->log, "tftp: %s: %s; retrying without options\n", x->label, why.msg);
		return XFER_FALLBACK;
	}
	x->st->options = true;
	if ((rc = start(x, x->use.tsize)) < 0)
		return rc;
	send_ack(x, 0);
	progress(x);
	return 0;
}

static int on_error(struct xfer *x, const struct tftp_pkt *p)
{
	char msg[128];
	int rc;

	nb_sanitize(msg, sizeof(msg), (const char *)p->data, p->len);
	if (!msg[0])
		snprintf(msg, sizeof(msg), "%s", tftp_error_name(p->code));
	/* An error as the answer to a request with options may be a server
	 * that cannot parse them (RFC 2347 servers answer ERROR 8, older ones 0
	 * or 4): ask once more without.  Not found and access denied are not
	 * about the options. */
	if (!x->locked && x->with_opts && p->code != TFTP_ENOTFOUND && p->code != TFTP_EACCESS) {
		if (x->c->log)
			fprintf(x->c->log, "tftp: %s: server answered the options with error %u (%s); retrying without options\n",
				x->label, p->code, msg);
		return XFER_FALLBACK;
	}
	rc = p->code == TFTP_ENOTFOUND ? -ENOENT : p->code == TFTP_EACCESS ? -EACCES : -EIO;
	return nb_fail(x->e, rc, "%s: TFTP error %u (%s) from %s", x->label, p->code, msg, x->url);
}

/* A packet from someone other than our server's transfer port (RFC 1350:
 * answer ERROR 5 and carry on), never answering an ERROR with an ERROR. */
static void on_foreign(struct xfer *x, const uint8_t *buf, size_t len, const union peer *from)
{
	x->st->foreign++;
	if (!x->locked || (len >= 2 && buf[0] == 0 && buf[1] == TFTP_ERROR))
		return;
	send_error(x, from, TFTP_EBADID, "Unknown transfer ID");
}

static int on_packet(struct xfer *x, unsigned i)
{
	const uint8_t *buf = x->rx + (size_t)i * x->slot;
	size_t len = x->mm[i].msg_len;
	const union peer *from = &x->from[i];
	struct tftp_pkt p;
	int rc;

	/* Before the lock only the server's address may answer, from any
	 * port (a new TID, or 69 for single-port servers); after it only
	 * the locked address and port. */
	if (x->locked ? !same_peer(from, &x->tid) : !same_host(from, &x->srv)) {
		on_foreign(x, buf, len, from);
		return 0;
	}
	if ((x->mm[i].msg_hdr.msg_flags & MSG_TRUNC) || tftp_parse(buf, len, &p) < 0) {
		x->st->bad++;
		return 0;
	}
	switch (p.op) {
	case TFTP_DATA:
		if (!x->locked) {
			if (p.block != 1) {
				x->st->bad++;
				return 0;
			}
			if (p.len > TFTP_BLKSIZE_DEFAULT)	/* checked before we commit to this peer */
				return nb_fail(x->e, -EPROTO, "%s: server at %s sends %zu-byte blocks without acknowledging blksize",
					       x->label, x->url, (size_t)p.len);
			/* options ignored or not asked for: RFC 1350 rules */
			x->tid = *from;
			x->locked = true;
			memset(&x->use, 0, sizeof(x->use));
			x->use.blksize = TFTP_BLKSIZE_DEFAULT;
			x->use.windowsize = 1;
			if (x->with_opts && x->c->log)
				fprintf(x->c->log, "tftp: %s: server ignored the options; blocks of 512 bytes\n", x->label);
			if ((rc = start(x, 0)) < 0)
				return rc;
		}
		if (!x->started) {	/* data before our ACK of the OACK: cannot happen */
			x->st->bad++;
			return 0;
		}
		return on_data(x, &p);
	case TFTP_OACK:
		if (!x->locked && x->with_opts) {
			x->tid = *from;
			x->locked = true;
			return on_oack(x, &p);
		}
		if (x->started && x->st->options && x->next == 1 &&
		    x->now - x->ack_ns >= (uint64_t)x->rto0 * 500000u)
			send_ack(x, 0);	/* our ACK of the OACK was lost (not just sent: each ACK 0 starts a window) */
		else
			x->st->bad++;
		return 0;
	case TFTP_ERROR:
		return on_error(x, &p);
	default:
		x->st->bad++;
		return 0;
	}
}

/* ICMP errors (IP_RECVERR) name the destination of the packet that
 * bounced.  Only ours to the server end the transfer: a port unreachable
 * from a host we sent ERROR 5 to is no concern of ours. */
static int on_icmp(struct xfer *x)
{
	for (;;) {
		union peer dst;
		union { char buf[256]; struct cmsghdr align; } ctl;
		uint8_t dummy[8];
		struct iovec iov = { dummy, sizeof(dummy) };
		struct msghdr m = { .msg_name = &dst, .msg_namelen = sizeof(dst), .msg_iov = &iov, .msg_iovlen = 1,
				    .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
		uint32_t err = 0;

		if (recvmsg(x->fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
			return 0;
		for (struct cmsghdr *cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm))
			if (((cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_RECVERR) ||
			     (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_RECVERR)) &&
			    cm->cmsg_len >= CMSG_LEN(sizeof(err)))
				memcpy(&err, CMSG_DATA(cm), sizeof(err));	/* sock_extended_err.ee_errno */
		if (!err || !same_peer(&dst, x->locked ? &x->tid : &x->srv))
			continue;
		if (err == ECONNREFUSED)
			return nb_fail(x->e, -ECONNREFUSED, "%s: no TFTP server answers at %s (port unreachable)",
				       x->label, x->url);
		if (err == EHOSTUNREACH || err == ENETUNREACH || err == EHOSTDOWN)
			return nb_fail(x->e, -EHOSTUNREACH, "%s: %s: %s", x->label, x->url, strerror((int)err));
	}
}

static int on_timeout(struct xfer *x)
{
	if (x->tries >= x->max_tries) {
		if (!x->locked)
			return nb_fail(x->e, -ETIMEDOUT, "%s: no answer from %s after %d tries",
				       x->label, x->url, x->tries);
		return nb_fail(x->e, -ETIMEDOUT, "%s: TFTP transfer from %s stalled: no answer after %d tries, last block received %llu (%llu bytes)",
			       x->label, x->url, x->tries, (unsigned long long)(x->next - 1),
			       (unsigned long long)x->st->bytes);
	}
	x->tries++;
	x->st->timeouts++;
	if (x->c->log && x->locked)
		fprintf(x->c->log, "tftp: %s: no answer in %d ms, resending the ACK of block %llu (try %d of %d)\n",
			x->label, x->rto, (unsigned long long)(x->next - 1), x->tries, x->max_tries);
	else if (x->c->log)
		fprintf(x->c->log, "tftp: %s: no answer in %d ms, resending the request to %s (try %d of %d)\n",
			x->label, x->rto, x->url, x->tries, x->max_tries);
	x->rto = x->rto * 2 > RTO_CAP_MS ? (x->rto > RTO_CAP_MS ? x->rto : RTO_CAP_MS) : x->rto * 2;
	x->deadline = x->now + (uint64_t)x->rto * 1000000u;
	if (!x->locked) {
		send_to(x, x->rrq, x->rrq_len, &x->srv);
	} else {
		send_ack(x, x->next - 1);	/* RFC 7440: resend from the last block in order */
		x->gap_for = 0;
	}
	return 0;
}

/* Each new block resets the retries, so a server trickling one tiny block
 * a second could hold the boot forever: demand a floor rate instead. */
static int check_progress(struct xfer *x)
{
	if (!x->started || x->now < x->stall_at)
		return 0;
	if (x->stall_at && x->st->bytes - x->stall_bytes < STALL_MIN_BYTES)
		return nb_fail(x->e, -ETIMEDOUT, "%s: TFTP transfer from %s too slow: %llu bytes in the last %d s (at least %d expected)",
			       x->label, x->url, (unsigned long long)(x->st->bytes - x->stall_bytes), STALL_WINDOW_S,
			       STALL_MIN_BYTES);
	x->stall_bytes = x->st->bytes;
	x->stall_at = x->now + (uint64_t)STALL_WINDOW_S * 1000000000u;
	return 0;
}

static int receive(struct xfer *x)
{
	bool drained = false;	/* the last recvmmsg emptied the queue: wait first */
	int n, rc;

	for (;;) {
		if (drained) {
			struct pollfd pfd = { .fd = x->fd, .events = POLLIN };
			bool mid_window = x->started && x->next - 1 > x->acked;
			uint64_t until = mid_window && x->tail_at < x->deadline ? x->tail_at : x->deadline;
			x->now = monotonic_ns();
			if (x->now >= x->deadline) {
				if ((rc = flush(x)) < 0 || (rc = on_timeout(x)) < 0)
					return rc;
				continue;
			}
			if (mid_window && x->now >= x->tail_at) {
				x->st->tails++;
				send_ack(x, x->next - 1);	/* RFC 7440: resend from here */
				continue;
			}
			struct timespec ts = { (time_t)((until - x->now) / 1000000000u), (long)((until - x->now) % 1000000000u) };
			rc = ppoll(&pfd, 1, &ts, NULL);
			if (rc > 0 && (pfd.revents & POLLERR) && (rc = on_icmp(x)) < 0)
				return rc;
			if (rc <= 0)
				continue;
		}
		for (unsigned i = 0; i < x->nslots; i++) {
			x->mm[i].msg_hdr.msg_namelen = sizeof(x->from[i]);
			x->mm[i].msg_hdr.msg_flags = 0;
		}
		n = recvmmsg(x->fd, x->mm, x->nslots, MSG_DONTWAIT, NULL);
		drained = n < (int)x->nslots;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			continue;
		if (n < 0 && (errno == ECONNREFUSED || errno == EHOSTUNREACH || errno == ENETUNREACH || errno == EHOSTDOWN)) {
			if ((rc = on_icmp(x)) < 0)
				return rc;
			continue;
		}
		if (n < 0)
			return nb_fail(x->e, -errno, "%s: receiving from %s: %s", x->label, x->url, strerror(errno));
		x->now = monotonic_ns();
		for (int i = 0; i < n; i++)
			if ((rc = on_packet(x, (unsigned)i)) != 0)
				return rc;
		/* a stream of junk or duplicates must not hold off the timer */
		if (x->now >= x->deadline && (rc = on_timeout(x)) < 0)
			return rc;
		if ((rc = check_progress(x)) < 0)
			return rc;
	}
}

/* One request on a fresh socket (a new TID for each attempt, RFC 1350). */
static int attempt(struct xfer *x, bool with_opts)
{
	int rc, n, on = 1, want = x->c->rcvbuf > 0 ? x->c->rcvbuf : RCVBUF_DEFAULT;
	socklen_t sl = sizeof(x->st->rcvbuf);

	x->with_opts = with_opts;
	x->locked = x->started = false;
	x->next = 1;
	x->acked = x->gap_for = 0;
	x->out_len = 0;
	x->srtt = 0;
	x->rtt_pending = false;
	x->stall_at = x->stall_bytes = 0;
	x->fd = socket(x->srv.sa.sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (x->fd < 0)
		return nb_fail(x->e, -errno, "%s: UDP socket: %s", x->label, strerror(errno));
	/* a window of big blocks arrives in one burst: the default buffer
	 * (about 200 KiB) drops most of it.  FORCE works for root (/init). */
	if (setsockopt(x->fd, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof(want)) < 0)
		setsockopt(x->fd, SOL_SOCKET, SO_RCVBUF, &want, sizeof(want));
	getsockopt(x->fd, SOL_SOCKET, SO_RCVBUF, &x->st->rcvbuf, &sl);
	if (x->srv.sa.sa_family == AF_INET6)
		setsockopt(x->fd, IPPROTO_IPV6, IPV6_RECVERR, &on, sizeof(on));
	else
		setsockopt(x->fd, IPPROTO_IP, IP_RECVERR, &on, sizeof(on));

	/* a window must fit the receive buffer, or its tail is dropped every
	 * time (an skb costs a little more than its payload) */
	if (with_opts) {
		int per = x->asked.blksize + x->asked.blksize / 8 + 1024, fit = x->st->rcvbuf / per;
		if (fit < 1)
			fit = 1;
		if (x->asked.windowsize > fit) {
			if (x->c->log)
				fprintf(x->c->log, "tftp: %s: receive buffer of %d bytes holds %d blocks: windowsize %u -> %d\n",
					x->label, x->st->rcvbuf, fit, x->asked.windowsize, fit);
			x->asked.windowsize = (uint16_t)fit;
		}
	}
	n = tftp_build_rrq(x->rrq, sizeof(x->rrq), x->c->file, with_opts ? &x->asked : NULL);
	if (n < 0) {
		rc = nb_fail(x->e, -EINVAL, "%s: file name too long for a TFTP request to %s", x->label, x->url);
		goto out;
	}
	x->rrq_len = (size_t)n;
	x->now = monotonic_ns();
	progress(x);
	send_to(x, x->rrq, x->rrq_len, &x->srv);
	rc = receive(x);
out:
	close(x->fd);
	x->fd = -1;
	return rc;
}

/* Whether the host has a route to a (a UDP connect() sends nothing). */
static bool routable(const struct addrinfo *a)
{
	int fd = socket(a->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool ok = fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

/* UDP cannot race the families as TCP does: the IPv6 address when there
 * is a route to it, else the IPv4 one.  Each family is looked up apart, so
 * a DNS server that fails AAAA queries (musl fails a joint lookup then)
 * costs only the IPv6 answer. */
static int resolve(const struct tftp_client_cfg *c, const char *label, const char *url,
		   union peer *sa, struct errbuf *e)
{
	struct addrinfo hints = { .ai_family = AF_INET6, .ai_socktype = SOCK_DGRAM }, *v6 = NULL, *v4 = NULL, *ai;
	int r6 = getaddrinfo(c->host, NULL, &hints, &v6), r4;

	hints.ai_family = AF_INET;
	r4 = getaddrinfo(c->host, NULL, &hints, &v4);
	ai = r6 == 0 && (r4 != 0 || routable(v6)) ? v6 : r4 == 0 ? v4 : NULL;
	if (!ai || ai->ai_addrlen > sizeof(*sa)) {
		int rc = r4 ? r4 : r6;
		if (r6 == 0)
			freeaddrinfo(v6);
		if (r4 == 0)
			freeaddrinfo(v4);
		return nb_fail(e, -EHOSTUNREACH, "%s: cannot resolve '%s' for %s: %s", label, c->host, url,
			       rc ? gai_strerror(rc) : "no address");
	}
	memset(sa, 0, sizeof(*sa));
	memcpy(sa, ai->ai_addr, ai->ai_addrlen);
	sa->in.sin_port = htons(c->port ? c->port : TFTP_PORT);	/* sin6_port: the same place */
	if (r6 == 0)
		freeaddrinfo(v6);
	if (r4 == 0)
		freeaddrinfo(v4);
	return 0;
}

/* The largest block that fits the route's MTU unfragmented: MTU - 20 (IP,
 * 40 for IPv6) - 8 (UDP) - 4 (TFTP); 1468 for Ethernet, 65464 on loopback. */
static uint16_t path_blksize(const union peer *srv)
{
	bool v6 = srv->sa.sa_family == AF_INET6;
	int fd = socket(srv->sa.sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0), mtu = 1500, hdr = v6 ? 52 : 32;
	socklen_t sl = sizeof(mtu);

	if (fd >= 0) {
		if (connect(fd, &srv->sa, peer_len(srv)) < 0 ||
		    getsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_MTU : IP_MTU, &mtu, &sl) < 0)
			mtu = 1500;
		close(fd);
	}
	if (mtu - hdr > TFTP_BLKSIZE_MAX)
		return TFTP_BLKSIZE_MAX;
	return (uint16_t)(mtu - hdr < TFTP_BLKSIZE_DEFAULT ? TFTP_BLKSIZE_DEFAULT : mtu - hdr);
}

/* The options we ask for: blksize from the path MTU (or c), windowsize,
 * timeout from the first RTO, tsize. */
static void ask_options(struct xfer *x)
{
	const struct tftp_client_cfg *c = x->c;

	x->asked.present = TFTP_OPT_BLKSIZE | TFTP_OPT_TSIZE | TFTP_OPT_TIMEOUT | TFTP_OPT_WINDOWSIZE;
	x->asked.blksize = c->blksize ? c->blksize : path_blksize(&x->srv);
	if (x->asked.blksize < TFTP_BLKSIZE_MIN)
		x->asked.blksize = TFTP_BLKSIZE_MIN;
	if (x->asked.blksize > TFTP_BLKSIZE_MAX)
		x->asked.blksize = TFTP_BLKSIZE_MAX;
	x->asked.windowsize = c->windowsize ? c->windowsize : WINDOW_DEFAULT;
	if (x->asked.windowsize > WINDOW_CAP)
		x->asked.windowsize = WINDOW_CAP;
	x->asked.timeout = (uint8_t)((x->rto0 + 999) / 1000 > TFTP_TIMEOUT_MAX ? TFTP_TIMEOUT_MAX : (x->rto0 + 999) / 1000);
	x->asked.tsize = 0;
}

/* The receive slots (big enough for the largest block we may be sent, one
 * recvmmsg reads them all) and the output buffer. */
static int alloc_buffers(struct xfer *x)
{
	x->slot = TFTP_HDR + (x->asked.blksize > TFTP_BLKSIZE_DEFAULT ? x->asked.blksize : TFTP_BLKSIZE_DEFAULT);
	x->nslots = (unsigned)(RX_BUDGET / x->slot);
	x->nslots = x->nslots < 4 ? 4 : x->nslots > RX_SLOTS_MAX ? RX_SLOTS_MAX : x->nslots;
	x->rx = malloc(x->slot * x->nslots);
	x->out = malloc(OUT_CAP);
	if (!x->rx || !x->out)
		return nb_fail(x->e, -ENOMEM, "%s: out of memory for TFTP buffers", x->label);
	for (unsigned i = 0; i < x->nslots; i++) {
		x->iov[i].iov_base = x->rx + (size_t)i * x->slot;
		x->iov[i].iov_len = x->slot;
		x->mm[i].msg_hdr.msg_name = &x->from[i];
		x->mm[i].msg_hdr.msg_iov = &x->iov[i];
		x->mm[i].msg_hdr.msg_iovlen = 1;
	}
	return 0;
}

/* The transfer, with options unless told not to, once more without them
 * when the server refuses them; the size checked against tsize. */
static int transfer(struct xfer *x)
{
	const struct tftp_client_cfg *c = x->c;
	struct tftp_stats *st = x->st;
	int rc = attempt(x, !c->no_options);

	if (rc == XFER_FALLBACK) {
		st->fallback = true;
		rc = attempt(x, false);
	}
	if (rc == XFER_DONE) {
		rc = 0;
		if (x->use.tsize && st->bytes != x->use.tsize)
			rc = nb_fail(x->e, -EIO, "%s: got %llu bytes but the server announced %llu, from %s", x->label,
				     (unsigned long long)st->bytes, (unsigned long long)x->use.tsize, x->url);
	} else if (rc > 0) {	/* a second fallback cannot happen: no options the second time */
		rc = nb_fail(x->e, -EPROTO, "%s: TFTP negotiation with %s failed", x->label, x->url);
	}
	if (c->log && rc == 0 && (st->timeouts || st->gaps))
		fprintf(c->log, "tftp: %s: %llu blocks of %u, window %u: %u timeouts, %u gaps, %u duplicates\n",
			x->label, (unsigned long long)st->blocks, st->blksize, st->windowsize, st->timeouts, st->gaps,
			st->dups);
	return rc;
}

int tftp_client_get(const struct tftp_client_cfg *c, struct tftp_stats *st, struct errbuf *e)
{
	struct tftp_stats dummy;
	struct xfer *x;
	int rc;
	const char *label = c->label ? c->label : c->file;
	const char *url = c->url ? c->url : c->host;

	if (!st)
		st = &dummy;
	memset(st, 0, sizeof(*st));
	if (!c->file || !c->file[0])
		return nb_fail(e, -EINVAL, "%s: no file name to request", url);
	x = calloc(1, sizeof(*x));
	if (!x)
		return nb_fail(e, -ENOMEM, "%s: out of memory", label);
	x->c = c;
	x->st = st;
	x->e = e;
	x->label = label;
	x->url = url;
	x->fd = -1;
	x->rto0 = c->timeout_ms > 0 ? c->timeout_ms : RTO_DEFAULT_MS;
	x->max_tries = c->max_tries > 0 ? c->max_tries : TRIES_DEFAULT;
	if ((rc = resolve(c, label, url, &x->srv, e)) == 0) {
		ask_options(x);
		if ((rc = alloc_buffers(x)) == 0)
			rc = transfer(x);
	}
	free(x->rx);
	free(x->out);
	free(x);
	return rc;
}
