/* The TFTP service of `netboot serve`: read-only RFC 1350 with the option
 * extensions (RFC 2347 negotiation, 2348 blksize, 2349 timeout and tsize,
 * 7440 windowsize), through the codec in netboot/tftp_wire.c.
 *
 * The request port only takes RRQs.  Each transfer gets its own UDP socket
 * (its TID), bound to the address the request came to and connect()ed to the
 * client, so the kernel drops strangers' packets; the source is checked
 * again for what arrived before connect().  Files are opened only through
 * boot_files_open and read with pread into a per-transfer buffer holding one
 * window, which goes out in one sendmmsg.  Blocks are counted in 64 bits and
 * sent mod 65536, so files past 65535 blocks roll over as tftp-hpa does.
 * One timer walks the transfers' retransmission deadlines. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include "netboot/clock.h"
#include "netboot/tftp_wire.h"
#include "server/server.h"
#include "server/udp_send.h"

#define XFER_MAX	256		/* transfers at once; more get ERROR 0 "server busy" */
/* Transfers at once from one IPv4 address, so that one host cannot fill the
 * table: a PXE client runs one or two (a size query, then the file), but
 * machines behind one NAT (VMs on a host's user-mode network, a lab behind
 * a router) share an address; 32 lets a few dozen of those boot at once
 * while one address holds at most an eighth of the table. */
#define PER_HOST_MAX	32
#define CAPPED_MAX	16		/* addresses at their cap whose refusals are being counted */
#define BURST_QUIET_MS	1000		/* a capped address's burst is over after this long without a refusal */
#define WINDOW_CAP	64		/* largest windowsize granted */
#define XFER_BUF_MAX	(256 * 1024)	/* one window's data: blksize * windowsize at most this */
#define READ_AHEAD	(64 * 1024)	/* the buffer holds at least this: lock-step needs no pread per block */
#define RETRIES		5		/* retransmissions of one window before giving up */
#define TIMEOUT_MS	1000		/* retransmission timeout unless the client sets one */
#define RX_BATCH	64		/* datagrams read per wake-up: a busy socket cannot starve others */
#define PROGRESS_MS	250		/* how often the image's progress reaches the client table */
#define BAD_LOG_PER_SEC	5		/* malformed-datagram log lines per second at most */
#define REFUSAL_LOG_PER_SEC 10		/* refused-request log lines per second at most */
#define IP_UDP_TFTP_HDR	32		/* IPv4 20 + UDP 8 + TFTP 4: blksize = MTU - 32 fills a frame */

enum file_kind { FILE_OTHER, FILE_LOADER, FILE_KERNEL, FILE_IMAGE };

struct tftp_service;

struct xfer {
	struct loop_handler h;		/* h.fd: this transfer's socket */
	struct tftp_service *svc;
	struct sockaddr_in peer;
	int file_fd;
	uint64_t size, nblocks;		/* nblocks: the last one is short, maybe empty */
	char name[128];			/* as asked, sanitized, for the log */
	enum file_kind kind;
	struct tftp_opts use;		/* what runs; use.present: what the OACK carries */
	bool oack_pending;		/* OACK sent, its ACK 0 awaited */
	bool want_out;			/* EPOLLOUT asked for: the send buffer was full */
	uint64_t acked;			/* blocks acknowledged */
	uint64_t next;			/* next block to send */
	uint64_t win_end;		/* last block of the window in flight */
	uint8_t *buf;			/* file bytes of blocks buf_first.. (buf_n blocks, buf_len bytes) */
	uint64_t buf_first, buf_n;
	uint64_t buf_blocks;		/* capacity: a window or READ_AHEAD, whichever is more */
	size_t buf_len;
	int tries;
	long timeout_ms;
	long long deadline, start_ms, progress_ms;
	uint64_t reported;		/* image bytes handed to the client table */
	uint8_t hdr[WINDOW_CAP][TFTP_HDR];
};

/* An address refused at PER_HOST_MAX: logged once when its burst starts,
 * its further refusals counted and summed up when it has been quiet for
 * BURST_QUIET_MS. */
struct capped_host {
	uint32_t ip;
	unsigned refused;		/* after the logged one */
	long long first_ms, last_ms;
};

struct tftp_service {
	struct server *s;
	struct loop_handler h;		/* the request port */
	struct loop_timer timer;
	struct xfer *x[XFER_MAX];
	int n;
	struct log_budget bad_log;	/* rate limit of the malformed-datagram log */
	struct log_budget refusal_log;	/* rate limit of the refusal log */
	struct capped_host capped[CAPPED_MAX];
	int ncapped;
	uint8_t rx[TFTP_PKT_MAX + 1];	/* one more than any valid datagram: longer ones are malformed */
};

static const char *const loader_names[] = { "pxelinux.0", "lpxelinux.0", "syslinux.efi", "syslinux-ia32.efi" };

/* ---- logging ---- */

/* One line keyed by the client's MAC when the client table knows it. */
__attribute__((format(printf, 3, 4)))
static void peer_log(struct server *s, uint32_t ip, const char *fmt, ...)
{
	struct client *c = clients_by_ip(&s->clients, ip);
	va_list ap;
	va_start(ap, fmt);
	srv_vlog(s, c->has_mac ? c->mac : NULL, ip, "tftp", fmt, ap);
	va_end(ap);
}

/* A refused request: logged like peer_log, but at most REFUSAL_LOG_PER_SEC
 * lines a second so an RRQ flood cannot fill the disk; the count of the
 * silenced ones follows on the next line. */
__attribute__((format(printf, 3, 4)))
static void refusal_log(struct tftp_service *t, uint32_t ip, const char *fmt, ...)
{
	char text[400];
	unsigned held_back;
	va_list ap;
	if (!log_budget_take(&t->refusal_log, REFUSAL_LOG_PER_SEC, &held_back))
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (held_back)
		peer_log(t->s, ip, "%s (and %u refusals not logged)", text, held_back);
	else
		peer_log(t->s, ip, "%s", text);
}

/* "8.1 MB": decimal units, as transfer rates are usually quoted. */
static const char *human(uint64_t n, char *buf, size_t cap)
{
	if (n < 1000)
		snprintf(buf, cap, "%llu B", (unsigned long long)n);
	else if (n < 1000000)
		snprintf(buf, cap, "%.1f kB", (double)n / 1e3);
	else
		snprintf(buf, cap, "%.1f MB", (double)n / 1e6);
	return buf;
}

/* Garbage on the request port: logged, at most BAD_LOG_PER_SEC a second so
 * a flood cannot fill the disk; the count of the silenced ones follows. */
static void log_malformed(struct tftp_service *t, uint32_t ip, const uint8_t *b, size_t n)
{
	unsigned held_back;
	if (!log_budget_take(&t->bad_log, BAD_LOG_PER_SEC, &held_back))
		return;
	unsigned op = n >= 2 ? (unsigned)(b[0] << 8 | b[1]) : 0;
	char why[48];
	if (n < 2)
		snprintf(why, sizeof(why), "too short");
	else if (op < TFTP_RRQ || op > TFTP_OACK)
		snprintf(why, sizeof(why), "unknown opcode %u", op);
	else
		snprintf(why, sizeof(why), "malformed opcode-%u packet", op);
	srv_log(t->s, NULL, ip, "tftp", "dropped a %zu-byte datagram: %s%s", n, why,
		held_back ? " (and earlier ones not logged)" : "");
}

/* ---- the request port ---- */

/* recvmsg with IP_PKTINFO: *local is the address the request was sent to,
 * which the answer must come from on a multi-homed host. */
static ssize_t recv_request(int fd, uint8_t *buf, size_t cap, struct sockaddr_in *from, struct in_addr *local)
{
	union {
		char b[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { buf, cap };
	struct msghdr m = { .msg_name = from, .msg_namelen = sizeof(*from), .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b) };
	ssize_t n = recvmsg(fd, &m, 0);
	if (n < 0)
		return -errno;
	local->s_addr = INADDR_ANY;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO)
			local->s_addr = ((struct in_pktinfo *)(void *)CMSG_DATA(c))->ipi_spec_dst.s_addr;
	if ((m.msg_flags & MSG_TRUNC) || m.msg_namelen < sizeof(*from) || from->sin_family != AF_INET)
		return (ssize_t)cap;	/* longer than any valid request: reads as malformed */
	return n;
}

/* An ERROR from the request port, from the address the request came to. */
static void reply_error(struct tftp_service *t, const struct sockaddr_in *to, struct in_addr local, uint16_t code,
			const char *msg)
{
	uint8_t pkt[160];
	int n = tftp_build_error(pkt, sizeof(pkt), code, msg);
	if (n > 0)	/* advisory: a lost ERROR only makes the client retry */
		udp_send_pktinfo(t->h.fd, to, 0, local.s_addr, pkt, (size_t)n, MSG_DONTWAIT);
}

/* ---- one transfer ---- */

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
	struct client *c = clients_by_ip(&x->svc->s->clients, x->peer.sin_addr.s_addr);
	if (!x->reported)
		c->image_start_ms = 0;
	clients_image_progress(c, "tftp", done - x->reported, x->size);
	x->reported = done;
	x->progress_ms = now;
}

static void xfer_free(struct xfer *x)
{
	struct tftp_service *t = x->svc;
	for (int i = 0; i < t->n; i++)
		if (t->x[i] == x) {
			t->x[i] = t->x[--t->n];
			break;
		}
	loop_del(&t->s->loop, &x->h);
	close(x->h.fd);
	close(x->file_fd);
	free(x->buf);
	free(x);
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
	struct client *c = clients_by_ip(&s->clients, x->peer.sin_addr.s_addr);
	clients_advance(c, x->kind == FILE_LOADER ? STAGE_LOADER : x->kind == FILE_KERNEL ? STAGE_KERNEL : STAGE_NONE);
	peer_log(s, x->peer.sin_addr.s_addr, "sent %s %s in %.2f s (%s/s), blksize %u, window %u", x->name,
		 human(x->size, sz, sizeof(sz)), (double)ms / 1000.0, human((uint64_t)((double)x->size / secs), rate, sizeof(rate)),
		 x->use.blksize, x->use.windowsize);
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
	uint32_t ip = x->peer.sin_addr.s_addr;
	if (x->oack_pending)	/* firmware asking the size first: normal, not an error */
		peer_log(x->svc->s, ip, "size query for %s (%s)", x->name, human(x->size, sz, sizeof(sz)));
	else
		peer_log(x->svc->s, ip, "client aborted %s at %s of %s: ERROR %u \"%s\"", x->name,
			 human(acked_bytes(x), done, sizeof(done)), human(x->size, sz, sizeof(sz)), p->code, msg);
	report_progress(x, true);
}

static void on_gone(struct xfer *x, int err)
{
	char sz[24], done[24];
	uint32_t ip = x->peer.sin_addr.s_addr;
	if (err == -ECONNREFUSED && x->oack_pending)	/* size query by a client that just closed */
		peer_log(x->svc->s, ip, "size query for %s (%s)", x->name, human(x->size, sz, sizeof(sz)));
	else
		peer_log(x->svc->s, ip, "%s: transfer ended at %s of %s: %s", x->name,
			 human(acked_bytes(x), done, sizeof(done)), human(x->size, sz, sizeof(sz)),
			 err == -ESPIPE ? "the file shrank while being served" :
			 err == -ECONNREFUSED ? "the client went away" : strerror(-err));
	report_progress(x, true);
}

/* One datagram on a transfer's socket: 1 when the transfer is over. */
static int on_datagram(struct xfer *x, const uint8_t *b, size_t n, const struct sockaddr_in *from)
{
	struct tftp_pkt p;
	if (from->sin_addr.s_addr != x->peer.sin_addr.s_addr || from->sin_port != x->peer.sin_port)
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

static void on_xfer(struct loop_handler *h, uint32_t events)
{
	struct xfer *x = h->ctx;
	struct tftp_service *t = x->svc;
	int rc = 0;
	if (events & EPOLLOUT)
		rc = pump(x);
	/* One datagram per wake-up: the loop is level-triggered, so more wake
	 * it again, and lock-step saves the read that would find none. */
	if (rc == 0 && (events & (EPOLLIN | EPOLLERR))) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(h->fd, t->rx, sizeof(t->rx), 0, (struct sockaddr *)&from, &fl);
		if (n >= 0)
			rc = on_datagram(x, t->rx, (size_t)n, &from);
		else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			rc = -errno;
	}
	if (rc < 0)
		on_gone(x, rc);
	if (rc != 0)
		xfer_free(x);
}

/* ---- the per-host cap ---- */

static int transfers_from(const struct tftp_service *t, uint32_t ip)
{
	int n = 0;
	for (int i = 0; i < t->n; i++)
		n += t->x[i]->peer.sin_addr.s_addr == ip;
	return n;
}

/* A request past PER_HOST_MAX: ERROR 0 "server busy" as for a full table.
 * Logged when the address's burst starts, then only counted: a host that
 * keeps resending its refused RRQs would otherwise own the refusal log. */
static void refuse_capped(struct tftp_service *t, const struct sockaddr_in *from, struct in_addr local,
			  const char *name)
{
	uint32_t ip = from->sin_addr.s_addr;
	long long now = now_ms();
	reply_error(t, from, local, TFTP_EUNDEF, "server busy");
	for (int i = 0; i < t->ncapped; i++)
		if (t->capped[i].ip == ip) {
			t->capped[i].refused++;
			t->capped[i].last_ms = now;
			return;
		}
	if (t->ncapped < CAPPED_MAX)	/* else logged each time, refusal_log's rate still bounding it */
		t->capped[t->ncapped++] = (struct capped_host){ ip, 0, now, now };
	refusal_log(t, ip, "refused %s: %d transfers from this address already running", name, PER_HOST_MAX);
}

/* The bursts quiet for BURST_QUIET_MS end with their count logged.  Returns
 * the ms until the next one may end, or -1. */
static long end_bursts(struct tftp_service *t, long long now)
{
	long wait = -1;
	for (int i = t->ncapped - 1; i >= 0; i--) {	/* downwards: removing moves the last one into slot i */
		struct capped_host *h = &t->capped[i];
		long left = (long)(h->last_ms + BURST_QUIET_MS - now);
		if (left > 0) {
			if (wait < 0 || left < wait)
				wait = left;
			continue;
		}
		if (h->refused)
			peer_log(t->s, h->ip, "refused %u more requests over %.1f s: this address was at its cap of %d transfers",
				 h->refused, (double)(h->last_ms - h->first_ms) / 1000.0, PER_HOST_MAX);
		t->capped[i] = t->capped[--t->ncapped];
	}
	return wait;
}

/* ---- retransmission ---- */

/* Timer: resends the window (or the OACK) from the last acknowledged block;
 * after RETRIES resends the transfer is given up.  <0 when it is over. */
static int retransmit(struct xfer *x)
{
	char sz[24], done[24];
	if (++x->tries > RETRIES) {
		peer_log(x->svc->s, x->peer.sin_addr.s_addr, "gave up on %s after %d retransmissions at %s of %s: no ACK",
			 x->name, RETRIES, human(acked_bytes(x), done, sizeof(done)), human(x->size, sz, sizeof(sz)));
		send_error(x, TFTP_EUNDEF, "timed out");
		report_progress(x, true);
		return -ETIMEDOUT;
	}
	int rc = x->oack_pending ? send_oack(x) : send_window(x, x->acked + 1);
	if (rc < 0)
		on_gone(x, rc);
	return rc;
}

static long on_timer(struct loop_timer *tm, long long now)
{
	struct tftp_service *t = tm->ctx;
	long wait = end_bursts(t, now);
	for (int i = t->n - 1; i >= 0; i--) {	/* downwards: freeing moves the last one into slot i */
		struct xfer *x = t->x[i];
		if (now >= x->deadline && retransmit(x) < 0) {
			xfer_free(x);
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

/* ---- starting a transfer ---- */

static enum file_kind classify(const struct serve_config *cfg, const char *file)
{
	while (*file == '/')
		file++;
	for (size_t i = 0; i < sizeof(loader_names) / sizeof(loader_names[0]); i++)
		if (!strcmp(file, loader_names[i]))
			return FILE_LOADER;
	if ((cfg->kernel[0] && !strcmp(file, cfg->kernel)) || (cfg->initrd[0] && !strcmp(file, cfg->initrd)))
		return FILE_KERNEL;
	if (cfg->image[0] && !strcmp(file, cfg->image))
		return FILE_IMAGE;
	return FILE_OTHER;
}

/* The transfer's socket: bound to the address the request came to, connected
 * to the client.  *mtu is the route's MTU (0 when unknown). */
static int open_xfer_socket(struct tftp_service *t, const struct sockaddr_in *peer, struct in_addr local, int *mtu)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	const char *ifname = t->s->cfg.interface;
	struct sockaddr_in me = { .sin_family = AF_INET, .sin_addr = local };
	socklen_t ml = sizeof(*mtu);
	if ((ifname[0] && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) < 0) ||
	    bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0 ||
	    connect(fd, (const struct sockaddr *)peer, sizeof(*peer)) < 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	if (getsockopt(fd, IPPROTO_IP, IP_MTU, mtu, &ml) < 0)
		*mtu = 0;
	return fd;
}

static bool duplicate_request(const struct tftp_service *t, const struct sockaddr_in *from, const char *name)
{
	for (int i = 0; i < t->n; i++)
		if (t->x[i]->peer.sin_addr.s_addr == from->sin_addr.s_addr && t->x[i]->peer.sin_port == from->sin_port &&
		    !strcmp(t->x[i]->name, name))
			return true;
	return false;
}

/* Options answered for this path: blksize up to what one frame carries
 * (the route's MTU - 32, learnt by IP_MTU on the connected socket: 1468 on
 * Ethernet, 65464 on loopback), windowsize up to WINDOW_CAP and to what
 * XFER_BUF_MAX holds (4 at blksize 65464, 64 at 1468). */
static void negotiate(const struct tftp_opts *req, int mtu, uint64_t size, struct tftp_opts *use)
{
	long blk_max = mtu > IP_UDP_TFTP_HDR + TFTP_BLKSIZE_MIN ? mtu - IP_UDP_TFTP_HDR : TFTP_BLKSIZE_MAX;
	if (blk_max > TFTP_BLKSIZE_MAX)
		blk_max = TFTP_BLKSIZE_MAX;
	tftp_opts_answer(req, (uint16_t)blk_max, WINDOW_CAP, size, use);
	if (size == 0)	/* curl refuses "tsize 0" in an OACK; unanswered, the size is simply unknown */
		use->present &= ~(unsigned)TFTP_OPT_TSIZE;
	if ((size_t)use->windowsize * use->blksize > XFER_BUF_MAX) {
		size_t w = XFER_BUF_MAX / use->blksize;
		use->windowsize = (uint16_t)(w ? w : 1);
	}
}

/* Opens the file; on refusal answers the client and logs why. */
static int open_file(struct tftp_service *t, const struct sockaddr_in *from, struct in_addr local, const char *file,
		     const char *name, uint64_t *size)
{
	struct errbuf e = { "" };
	int fd = boot_files_open(&t->s->files, file, size, &e);
	if (fd >= 0)
		return fd;
	uint16_t code = fd == -ENOENT || fd == -ENOTDIR ? TFTP_ENOTFOUND :
			fd == -EACCES || fd == -EPERM ? TFTP_EACCESS : TFTP_EUNDEF;
	if (e.msg[0])	/* names the file: "x: not found", "../y: outside the boot folder, refused" */
		refusal_log(t, from->sin_addr.s_addr, "%s", e.msg);
	else
		refusal_log(t, from->sin_addr.s_addr, "refused %s: %s", name, strerror(-fd));
	reply_error(t, from, local, code, code == TFTP_EUNDEF ? "cannot read the file" : tftp_error_name(code));
	return fd;
}

static void start_transfer(struct tftp_service *t, const struct tftp_pkt *p, const struct sockaddr_in *from,
			   struct in_addr local)
{
	struct server *s = t->s;
	uint32_t ip = from->sin_addr.s_addr;
	char name[128];
	struct tftp_opts req;
	nb_sanitize(name, sizeof(name), p->file, strlen(p->file));
	if (duplicate_request(t, from, name))
		return;	/* the client resent its RRQ: the transfer running answers it */
	int mode = tftp_mode_parse(p->mode);
	if (mode < 0 || mode == TFTP_MODE_MAIL) {
		char m[24];
		nb_sanitize(m, sizeof(m), p->mode, strlen(p->mode));
		refusal_log(t, ip, "refused %s: transfer mode \"%s\"", name, m);
		reply_error(t, from, local, TFTP_EBADOP, "unsupported transfer mode");
		return;
	}
	if (tftp_opts_parse(p->data, p->len, &req) < 0) {
		refusal_log(t, ip, "refused %s: an option with a malformed value", name);
		reply_error(t, from, local, TFTP_EOPTNEG, "malformed option value");
		return;
	}
	if (t->n == XFER_MAX) {
		refusal_log(t, ip, "refused %s: %d transfers already running", name, XFER_MAX);
		reply_error(t, from, local, TFTP_EUNDEF, "server busy");
		return;
	}
	if (transfers_from(t, ip) >= PER_HOST_MAX) {
		refuse_capped(t, from, local, name);
		return;
	}
	uint64_t size;
	int ffd = open_file(t, from, local, p->file, name, &size);
	if (ffd < 0)
		return;
	int mtu = 0;
	int sfd = open_xfer_socket(t, from, local, &mtu);
	struct xfer *x = sfd >= 0 ? calloc(1, sizeof(*x)) : NULL;
	if (x) {
		negotiate(&req, mtu, size, &x->use);
		x->buf_blocks = x->use.windowsize;
		if (x->buf_blocks * x->use.blksize < READ_AHEAD)
			x->buf_blocks = READ_AHEAD / x->use.blksize;
		x->buf = malloc((size_t)(x->buf_blocks * x->use.blksize));
	}
	if (!x || !x->buf) {
		refusal_log(t, ip, "refused %s: %s", name, sfd < 0 ? strerror(-sfd) : "out of memory");
		reply_error(t, from, local, TFTP_EUNDEF, "server error");
		if (x)
			free(x);
		if (sfd >= 0)
			close(sfd);
		close(ffd);
		return;
	}
	x->h = (struct loop_handler){ on_xfer, x, sfd };
	x->svc = t;
	x->peer = *from;
	x->file_fd = ffd;
	x->size = size;
	x->nblocks = size / x->use.blksize + 1;
	snprintf(x->name, sizeof(x->name), "%s", name);
	x->kind = classify(&s->cfg, p->file);
	x->timeout_ms = (x->use.present & TFTP_OPT_TIMEOUT) ? x->use.timeout * 1000L : TIMEOUT_MS;
	x->start_ms = x->progress_ms = now_ms();
	int rc = loop_add(&s->loop, &x->h, EPOLLIN);
	if (rc < 0) {
		refusal_log(t, ip, "refused %s: %s", name, strerror(-rc));
		close(sfd), close(ffd), free(x->buf), free(x);
		return;
	}
	t->x[t->n++] = x;
	if (mode == TFTP_MODE_NETASCII)	/* boot files are binary: sent unchanged, as dnsmasq does */
		peer_log(s, ip, "%s asked in netascii mode: sent unchanged (octet)", name);
	x->oack_pending = x->use.present != 0;
	rc = x->oack_pending ? send_oack(x) : send_window(x, 1);
	if (rc < 0) {
		on_gone(x, rc);
		xfer_free(x);
	}
}

static void on_request(struct loop_handler *h, uint32_t events)
{
	struct tftp_service *t = h->ctx;
	(void)events;
	for (int i = 0; i < RX_BATCH; i++) {
		struct sockaddr_in from;
		struct in_addr local = { INADDR_ANY };
		ssize_t n = recv_request(h->fd, t->rx, sizeof(t->rx), &from, &local);
		if (n == -EINTR)
			continue;
		if (n < 0)
			break;	/* EAGAIN, or an ICMP error from an earlier reply: nothing to do */
		struct tftp_pkt p;
		uint32_t ip = from.sin_addr.s_addr;
		if ((size_t)n > TFTP_PKT_MAX || tftp_parse(t->rx, (size_t)n, &p) < 0) {
			log_malformed(t, ip, t->rx, (size_t)n);
			if (n >= 2 && t->rx[0] == 0 && (t->rx[1] == TFTP_RRQ || t->rx[1] == TFTP_WRQ))
				reply_error(t, &from, local, TFTP_EBADOP, "malformed request");
			continue;
		}
		if (p.op == TFTP_WRQ) {
			char name[96];
			nb_sanitize(name, sizeof(name), p.file, strlen(p.file));
			refusal_log(t, ip, "refused a write request for %s: this server is read-only", name);
			reply_error(t, &from, local, TFTP_EACCESS, "read-only server");
		} else if (p.op == TFTP_RRQ) {
			start_transfer(t, &p, &from, local);
		}	/* DATA, ACK, ERROR, OACK on the request port belong to no transfer: dropped */
	}
}

/* ---- the service ---- */

static int bind_request_port(struct tftp_service *t, struct errbuf *e)
{
	const struct serve_config *c = &t->s->cfg;
	int one = 1;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return nb_fail(e, -errno, "UDP socket: %s", strerror(errno));
	t->h = (struct loop_handler){ on_request, t, fd };
	/* No SO_REUSEADDR: on UDP it would let a second TFTP server share the
	 * port silently instead of failing here. */
	if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) < 0)
		return nb_fail(e, -errno, "IP_PKTINFO: %s", strerror(errno));
	if (c->interface[0] &&
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, c->interface, (socklen_t)strlen(c->interface)) < 0)
		return nb_fail(e, -errno, "--interface %s: %s", c->interface, strerror(errno));
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(c->tftp_port) };
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int err = errno;
		if (err == EADDRINUSE)
			return nb_fail(e, -err, "UDP port %u is in use (another TFTP server such as tftpd-hpa, atftpd or "
				       "dnsmasq?): stop it, or use --tftp-port or --no-tftp", c->tftp_port);
		if (err == EACCES)
			return nb_fail(e, -err, "UDP port %u: binding it needs root or CAP_NET_BIND_SERVICE", c->tftp_port);
		return nb_fail(e, -err, "UDP port %u: %s", c->tftp_port, strerror(err));
	}
	return 0;
}

int tftp_service_start(struct server *s, struct errbuf *e)
{
	struct tftp_service *t = calloc(1, sizeof(*t));
	if (!t)
		return nb_fail(e, -ENOMEM, "out of memory");
	t->s = s;
	t->h.fd = -1;
	t->timer = (struct loop_timer){ on_timer, t };
	int rc = bind_request_port(t, e);
	if (rc == 0 && (rc = loop_add(&s->loop, &t->h, EPOLLIN)) < 0)
		nb_fail(e, rc, "epoll: %s", strerror(-rc));
	if (rc == 0 && (rc = loop_add_timer(&s->loop, &t->timer)) < 0) {
		loop_del(&s->loop, &t->h);
		nb_fail(e, rc, "no timer slot left");
	}
	if (rc < 0) {
		if (t->h.fd >= 0)
			close(t->h.fd);
		free(t);
		return rc;
	}
	s->tftp = t;
	return 0;
}

void tftp_service_stop(struct server *s)
{
	struct tftp_service *t = s->tftp;
	if (!t)
		return;
	while (t->n)
		xfer_free(t->x[t->n - 1]);
	loop_del_timer(&s->loop, &t->timer);
	loop_del(&s->loop, &t->h);
	close(t->h.fd);
	free(t);
	s->tftp = NULL;
}
