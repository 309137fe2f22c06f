/* One TFTP transfer once started: blocks read with pread into a buffer
 * holding one window (a retransmission finds them there), each window sent
 * in one sendmmsg and resent from the last acknowledged block when the
 * client says it lost some (RFC 7440) or by the timer when nothing came;
 * blocks counted in 64 bits and sent mod 65536, so files past 65535 blocks
 * roll over as tftp-hpa does.  The end is logged with its size and rate,
 * and the image's progress reaches the client table. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include "netboot/clock.h"
#include "server/tftp.h"

static long long now_ms(void)
{
	return monotonic_ms();
}

static uint64_t acked_bytes(const struct xfer *x)
{
	uint64_t b = x->acked * x->use.blksize;
	return b < x->size ? b : x->size;
}

/* Stage-3 progress for the status page, at most every PROGRESS_MS.  A size
 * query moves nothing; a transfer's first report restarts the count, since
 * a TFTP transfer (unlike an HTTP range) always starts at byte 0. */
static void report_progress(struct xfer *x, bool final)
{
	if (x->kind != FILE_IMAGE)
		return;
	long long now = now_ms();
	uint64_t done = acked_bytes(x);
	bool complete = x->acked == x->nblocks;
	if (done == x->reported && !(final && complete))
		return;
	if (!final && now - x->progress_ms < PROGRESS_MS)
		return;
	if (!srv_peer_ip(&x->peer))
		return;	/* an IPv6 client: the table is keyed by IPv4 address */
	struct client *c = clients_by_ip(&x->svc->s->clients, srv_peer_ip(&x->peer));
	if (!x->reported)
		c->image_start_ms = 0;
	clients_image_progress(c, "tftp", done - x->reported, x->size);
	x->reported = done;
	x->progress_ms = now;
}

void tftp_xfer_discard(struct xfer *x)
{
	if (!x)
		return;
	if (x->h.fd >= 0)
		close(x->h.fd);
	if (x->file_fd >= 0)
		close(x->file_fd);
	free(x->buf);
	free(x);
}

void tftp_xfer_free(struct xfer *x)
{
	struct tftp_service *t = x->svc;
	for (int i = 0; i < t->n; i++)
		if (t->x[i] == x) {
			t->x[i] = t->x[--t->n];
			break;
		}
	loop_del(&t->s->loop, &x->h);
	tftp_xfer_discard(x);
}

/* Makes blocks first..first+count-1 available in x->buf, reading as many
 * blocks from there as the buffer holds with one pread when they are not
 * there already (a retransmission finds them there). */
static int load(struct xfer *x, uint64_t first, uint64_t count)
{
	if (x->buf_n && first >= x->buf_first && first + count <= x->buf_first + x->buf_n)
		return 0;
	uint64_t n = x->nblocks - first + 1, blk = x->use.blksize;
	if (n > x->buf_blocks)
		n = x->buf_blocks;
	uint64_t off = (first - 1) * blk, want = n * blk;
	if (want > x->size - off)
		want = x->size - off;
	size_t got = 0;
	x->buf_n = 0;
	while (got < want) {
		ssize_t r = pread(x->file_fd, x->buf + got, want - got, (off_t)(off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -ESPIPE;	/* ESPIPE: the file shrank while served */
		got += (size_t)r;
	}
	x->buf_first = first;
	x->buf_n = n;
	x->buf_len = got;
	return 0;
}

static void want_out(struct xfer *x, bool on)
{
	if (x->want_out == on)
		return;
	x->want_out = on;
	loop_mod(&x->svc->s->loop, &x->h, EPOLLIN | (on ? EPOLLOUT : 0));
}

/* Sends blocks x->next..x->win_end, a window per sendmmsg.  A full send
 * buffer waits for EPOLLOUT.  0, or a negative errno that ends the transfer. */
static int pump(struct xfer *x)
{
	while (x->next <= x->win_end) {
		uint64_t count = x->win_end - x->next + 1;
		int rc = load(x, x->next, count);
		if (rc < 0)
			return rc;
		struct mmsghdr mm[WINDOW_CAP];
		struct iovec iov[WINDOW_CAP][2];
		memset(mm, 0, sizeof(mm[0]) * count);
		for (uint64_t i = 0; i < count; i++) {
			uint64_t b = x->next + i, off = (b - x->buf_first) * x->use.blksize;
			size_t len = x->buf_len - off < x->use.blksize ? x->buf_len - off : x->use.blksize;
			tftp_build_data(x->hdr[i], TFTP_HDR, (uint16_t)b, NULL, 0);	/* header only: the data rides in iov */
			iov[i][0] = (struct iovec){ x->hdr[i], TFTP_HDR };
			iov[i][1] = (struct iovec){ x->buf + off, len };
			mm[i].msg_hdr.msg_iov = iov[i];
			mm[i].msg_hdr.msg_iovlen = 2;
		}
		int sent = sendmmsg(x->h.fd, mm, (unsigned)count, 0);
		if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)) {
			want_out(x, true);
			return 0;
		}
		if (sent < 0)
			return -errno;
		for (int i = 0; i < sent; i++)	/* DATA payload, for /metrics */
			x->svc->s->metrics.tftp_bytes += mm[i].msg_len - TFTP_HDR;
		x->next += (uint64_t)sent;
	}
	want_out(x, false);
	return 0;
}

/* Starts the window at block first (the one after the last acknowledged). */
static int send_window(struct xfer *x, uint64_t first)
{
	x->next = first;
	x->win_end = first + x->use.windowsize - 1;
	if (x->win_end > x->nblocks)
		x->win_end = x->nblocks;
	x->deadline = now_ms() + x->timeout_ms;
	return pump(x);
}

static int send_oack(struct xfer *x)
{
	uint8_t pkt[160];
	int n = tftp_build_oack(pkt, sizeof(pkt), &x->use);
	x->deadline = now_ms() + x->timeout_ms;
	if (n > 0 && send(x->h.fd, pkt, (size_t)n, 0) < 0 && errno != EAGAIN && errno != ENOBUFS)
		return -errno;
	return 0;
}

static void send_error(struct xfer *x, uint16_t code, const char *msg)
{
	uint8_t pkt[160];
	int n = tftp_build_error(pkt, sizeof(pkt), code, msg);
	if (n > 0)
		send(x->h.fd, pkt, (size_t)n, MSG_DONTWAIT);
}

static void finished(struct xfer *x)
{
	struct server *s = x->svc->s;
	long long ms = now_ms() - x->start_ms;
	double secs = (double)(ms > 0 ? ms : 1) / 1000.0;
	char sz[24], rate[24];
	report_progress(x, true);
	s->metrics.tftp_transfers[MT_COMPLETE]++;
	if (srv_peer_ip(&x->peer))
		clients_advance(clients_by_ip(&s->clients, srv_peer_ip(&x->peer)),
				x->kind == FILE_LOADER ? STAGE_LOADER : x->kind == FILE_KERNEL ? STAGE_KERNEL : STAGE_NONE);
	tftp_peer_log(s, &x->peer, "sent %s %s in %.2f s (%s/s), blksize %u, window %u", x->name,
		      tftp_human(x->size, sz, sizeof(sz)), (double)ms / 1000.0,
		      tftp_human((uint64_t)((double)x->size / secs), rate, sizeof(rate)), x->use.blksize, x->use.windowsize);
}

/* 1 when the transfer is over (logged), 0 to go on, <0 on a send error. */
static int on_ack(struct xfer *x, uint16_t block)
{
	uint64_t k;
	if (x->oack_pending) {
		if (block != 0)
			return 0;
		x->oack_pending = false;
		x->tries = 0;
		return send_window(x, 1);
	}
	if (tftp_ack_index(x->acked, x->next - 1, block, &k) < 0)
		return 0;	/* stale, or beyond what was sent */
	if (k == x->acked)
		return 0;	/* duplicate: never resent on (Sorcerer's Apprentice); the timer resends */
	x->acked = k;
	x->tries = 0;
	if (k == x->nblocks) {
		finished(x);
		return 1;
	}
	report_progress(x, false);
	/* an ACK inside the window says the client lost what followed: restart from there (RFC 7440) */
	return send_window(x, k + 1);
}

static void on_client_error(struct xfer *x, const struct tftp_pkt *p)
{
	char msg[80], sz[24], done[24];
	nb_sanitize(msg, sizeof(msg), (const char *)p->data, p->len);
	const union srv_peer *ip = &x->peer;
	x->svc->s->metrics.tftp_transfers[x->oack_pending ? MT_SIZE_QUERY : MT_ABORTED]++;
	if (x->oack_pending)	/* firmware asking the size first: normal, not an error */
		tftp_peer_log(x->svc->s, ip, "size query for %s (%s)", x->name, tftp_human(x->size, sz, sizeof(sz)));
	else
		tftp_peer_log(x->svc->s, ip, "client aborted %s at %s of %s: ERROR %u \"%s\"", x->name,
			      tftp_human(acked_bytes(x), done, sizeof(done)), tftp_human(x->size, sz, sizeof(sz)), p->code, msg);
	report_progress(x, true);
}

static void on_gone(struct xfer *x, int err)
{
	char sz[24], done[24];
	const union srv_peer *ip = &x->peer;
	x->svc->s->metrics.tftp_transfers[err == -ECONNREFUSED && x->oack_pending ? MT_SIZE_QUERY : MT_FAILED]++;
	if (err == -ECONNREFUSED && x->oack_pending)	/* size query by a client that just closed */
		tftp_peer_log(x->svc->s, ip, "size query for %s (%s)", x->name, tftp_human(x->size, sz, sizeof(sz)));
	else
		tftp_peer_log(x->svc->s, ip, "%s: transfer ended at %s of %s: %s", x->name,
			      tftp_human(acked_bytes(x), done, sizeof(done)), tftp_human(x->size, sz, sizeof(sz)),
			      err == -ESPIPE ? "the file shrank while being served" :
			      err == -ECONNREFUSED ? "the client went away" : strerror(-err));
	report_progress(x, true);
}

/* One datagram on a transfer's socket: 1 when the transfer is over. */
static int on_datagram(struct xfer *x, const uint8_t *b, size_t n, const union srv_peer *from)
{
	struct tftp_pkt p;
	if (!srv_peer_same(from, &x->peer))
		return 0;	/* arrived before connect(): not our client */
	if (tftp_parse(b, n, &p) < 0)
		return 0;
	if (p.op == TFTP_ERROR) {
		on_client_error(x, &p);
		return 1;
	}
	if (p.op != TFTP_ACK)
		return 0;
	int rc = on_ack(x, p.block);
	if (rc < 0) {
		if (rc != -ECONNREFUSED && rc != -ESPIPE)
			send_error(x, TFTP_EUNDEF, "read error");
		on_gone(x, rc);
		return 1;
	}
	return rc;
}

void tftp_xfer_event(struct loop_handler *h, uint32_t events)
{
	struct xfer *x = h->ctx;
	struct tftp_service *t = x->svc;
	int rc = 0;
	if (events & EPOLLOUT)
		rc = pump(x);
	/* One datagram per wake-up: the loop is level-triggered, so more wake
	 * it again, and lock-step saves the read that would find none. */
	if (rc == 0 && (events & (EPOLLIN | EPOLLERR))) {
		union srv_peer from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(h->fd, t->rx, sizeof(t->rx), 0, &from.sa, &fl);
		if (n >= 0)
			rc = on_datagram(x, t->rx, (size_t)n, &from);
		else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			rc = -errno;
	}
	if (rc < 0)
		on_gone(x, rc);
	if (rc != 0)
		tftp_xfer_free(x);
}

/* Timer: resends the window (or the OACK) from the last acknowledged block;
 * after RETRIES resends the transfer is given up.  <0 when it is over. */
static int retransmit(struct xfer *x)
{
	char sz[24], done[24];
	if (++x->tries > RETRIES) {
		x->svc->s->metrics.tftp_transfers[MT_TIMEOUT]++;
		tftp_peer_log(x->svc->s, &x->peer, "gave up on %s after %d retransmissions at %s of %s: no ACK",
			      x->name, RETRIES, tftp_human(acked_bytes(x), done, sizeof(done)), tftp_human(x->size, sz, sizeof(sz)));
		send_error(x, TFTP_EUNDEF, "timed out");
		report_progress(x, true);
		return -ETIMEDOUT;
	}
	int rc = x->oack_pending ? send_oack(x) : send_window(x, x->acked + 1);
	if (rc < 0)
		on_gone(x, rc);
	return rc;
}

long tftp_xfers_retransmit(struct tftp_service *t, long long now)
{
	long wait = -1;
	for (int i = t->n - 1; i >= 0; i--) {	/* downwards: freeing moves the last one into slot i */
		struct xfer *x = t->x[i];
		if (now >= x->deadline && retransmit(x) < 0) {
			tftp_xfer_free(x);
			continue;
		}
		long left = (long)(x->deadline - now);
		if (left < 0)
			left = 0;
		if (wait < 0 || left < wait)
			wait = left;
	}
	return wait;
}

void tftp_xfer_start(struct xfer *x)
{
	x->oack_pending = x->use.present != 0;
	int rc = x->oack_pending ? send_oack(x) : send_window(x, 1);
	if (rc < 0) {
		on_gone(x, rc);
		tftp_xfer_free(x);
	}
}
