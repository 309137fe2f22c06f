/* The NBD service: each image exported read-only over fixed-newstyle NBD,
 * the top level's by its file name ("sysrcd.dat"), each DIR/images/NAME's
 * by NAME, and the default image as the default export "" (what
 * netboot=nbd://server:port asks for).  Each connection is a state machine
 * in the epoll loop: handshake options, then transmission, one request at a
 * time; READ replies go out by sendfile with an explicit offset, resumed on
 * EPOLLOUT.  Writes are refused with EPERM (their payload is read away).
 * The wire format is netboot/nbd_wire.c, shared with the client. */
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>
#include "fetch/verity.h"
#include "netboot/clock.h"
#include "netboot/nbd_wire.h"
#include "server/server.h"
#include "server/tcp_listen.h"

#define NBD_MAX_CONNS 512
#define NBD_MAX_READ (32u << 20)	/* NBD_INFO_BLOCK_SIZE maximum; larger requests are EINVAL */
#define NBD_TX_FLAGS (NBD_FLAG_HAS_FLAGS | NBD_FLAG_READ_ONLY | NBD_FLAG_CAN_MULTI_CONN)
#define NBD_SWEEP_MS 500
#define NBD_UNITS_PER_TURN 256		/* requests handled per event before others get a turn */

enum nbd_state {
	N_FLAGS,	/* waiting for the client's 4 flag bytes */
	N_OPT_HDR,	/* an option request header */
	N_OPT_DATA,	/* its data */
	N_OPT_SKIP,	/* data over NBD_OPT_DATA_MAX, read away, then ERR_INVALID */
	N_TRANS,	/* a transmission request */
	N_WRITE_SKIP,	/* a write's payload, read away, then EPERM */
};

struct nbd_conn {
	struct tcp_conn tc;		/* first: the socket, the peer, the service's list */
	struct nbd_service *svc;
	enum nbd_state st;
	uint32_t events;		/* what epoll watches now */
	bool no_zeroes;
	bool closing;			/* close once the output is out */
	const char *close_why;
	uint8_t in[NBD_OPT_REQ_HDR_LEN + NBD_OPT_DATA_MAX];
	size_t inlen;
	uint8_t out[8192];		/* option replies, reply headers */
	size_t outlen, outoff;
	uint64_t file_off, file_end;	/* a READ's data still to send from export_fd */
	struct nbd_opt_request opt;
	uint64_t skip;			/* bytes to read away (N_OPT_SKIP, N_WRITE_SKIP) */
	uint64_t write_cookie;
	int export_fd;			/* -1 until attached */
	const struct boot_image *img;	/* the image attached */
	const char *sidecar;		/* or this file beside it (".verity"...), NULL for the image */
	uint64_t size;
	uint64_t bytes_read;
	long long start_ms;		/* connect time: the handshake deadline counts from it */
	long long progress_ms;		/* last time output moved, or when it was queued */
};

struct nbd_service {
	struct server *s;
	struct tcp_service tcp;		/* the listener, the connections, the sweep */
	long handshake_timeout_ms, send_timeout_ms;
	struct nbd_opt_go go;		/* scratch for NBD_OPT_INFO/GO: 4 KiB, off the stack */
};

static void conn_log(struct nbd_conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void conn_log(struct nbd_conn *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (c->tc.peer6[0])	/* an IPv6 client: no DHCPv4 MAC, its address names it */
		srv_vlogw(c->svc->s, &LOG_EVENT, c->tc.peer6, 0, "nbd", fmt, ap);
	else
		srv_vlog(c->svc->s, srv_mac_of(c->svc->s, c->tc.ip), c->tc.ip, "nbd", fmt, ap);
	va_end(ap);
}

/* An image's export name: the top level's file name ("sysrcd.dat", as
 * before there were several images), else the image's name. */
static const char *export_label(const struct boot_image *img)
{
	return img->name[0] ? img->name : img->image;
}

/* The attached export's name for the log: the image's, or its sidecar's. */
static const char *attached_name(const struct boot_image *img, const char *sidecar, char *buf, size_t cap)
{
	if (!sidecar || verity_sidecar(export_label(img), sidecar, buf, cap) < 0)
		return export_label(img);
	return buf;
}

static struct nbd_conn *nbd_of(struct tcp_conn *tc)
{
	return (struct nbd_conn *)(void *)tc;	/* tc is its first member */
}

static void conn_free(struct nbd_conn *c, const char *why)
{
	if (c->export_fd >= 0) {
		double secs = (double)(monotonic_ms() - c->start_ms) / 1000.0;
		char name[160];
		conn_log(c, "export %s detached: %" PRIu64 " bytes read in %.1f s (%s)",
			 attached_name(c->img, c->sidecar, name, sizeof(name)), c->bytes_read, secs, why ? why : "closed");
		close(c->export_fd);
	} else if (why) {
		conn_log(c, "closed during the handshake: %s", why);
	}
	tcp_conn_free(&c->tc);
}

static void queue(struct nbd_conn *c, const uint8_t *b, int n)
{
	if (n <= 0 || (size_t)n > sizeof(c->out) - c->outlen) {
		c->closing = true;	/* cannot happen with our reply sizes; never send a cut reply */
		c->close_why = "internal: reply does not fit";
		return;
	}
	memcpy(c->out + c->outlen, b, (size_t)n);
	c->outlen += (size_t)n;
	c->progress_ms = monotonic_ms();
}

static void opt_reply(struct nbd_conn *c, uint32_t type, const char *msg)
{
	uint8_t b[NBD_OPT_REPLY_HDR_LEN + 256];
	queue(c, b, nbd_build_opt_reply(b, sizeof(b), c->opt.option, type, msg, msg ? strlen(msg) : 0));
}

static void simple_reply(struct nbd_conn *c, uint64_t cookie, uint32_t error)
{
	uint8_t b[NBD_SIMPLE_REPLY_LEN];
	struct nbd_simple_reply r = { .error = error, .cookie = cookie };
	queue(c, b, nbd_build_simple_reply(b, sizeof(b), &r));
}

static void close_after_output(struct nbd_conn *c, const char *why)
{
	c->closing = true;
	c->close_why = why;
}

/* An image's dm-verity sidecars are exported too, named as the files
 * beside its export name ("sysrcd.dat" or the default export ""
 * -> "sysrcd.verity"; "debian" -> "debian.verity"): what the agent's
 * `verity` reads over NBD (init/stage3.c verity_nbd). */
static const char *const sidecars[] = { ".verity", ".roothash", ".roothash.minisig" };

static bool is_sidecar_of(const struct boot_image *im, bool dflt, const char *name, const char **ext)
{
	char want[sizeof(im->image) + 24];
	for (size_t k = 0; k < sizeof(sidecars) / sizeof(sidecars[0]); k++) {
		if ((verity_sidecar(export_label(im), sidecars[k], want, sizeof(want)) == 0 && !strcmp(name, want)) ||
		    (dflt && verity_sidecar("sysrcd.dat", sidecars[k], want, sizeof(want)) == 0 && !strcmp(name, want))) {
			*ext = sidecars[k];
			return true;
		}
	}
	return false;
}

/* The image exported as name: "" is the default image; each image by its
 * export name, or by its path in the boot folder ("images/NAME/sysrcd.dat");
 * *ext set when name is one of its sidecars instead. */
static const struct boot_image *export_find(const struct nbd_conn *c, const char *name, const char **ext)
{
	const struct boot_images *imgs = &c->svc->s->files.images;
	char path[sizeof(imgs->img[0].dir) + sizeof(imgs->img[0].image)];
	*ext = NULL;
	if (!name[0])
		return imgs->n && imgs->img[0].has_image ? &imgs->img[0] : NULL;
	for (int i = 0; i < imgs->n; i++) {
		const struct boot_image *im = &imgs->img[i];
		snprintf(path, sizeof(path), "%s%s", im->dir, im->image);
		if (im->has_image && (!strcmp(name, export_label(im)) || !strcmp(name, path)))
			return im;
	}
	for (int i = 0; i < imgs->n; i++)
		if (imgs->img[i].has_image && is_sidecar_of(&imgs->img[i], i == 0, name, ext))
			return &imgs->img[i];
	return NULL;
}

/* Opens the image or its sidecar ext (per connection: its own fd, read by
 * offset). */
static int export_open(struct nbd_conn *c, const struct boot_image *img, const char *ext, uint64_t *size)
{
	struct errbuf e = { "" };
	char path[sizeof(img->dir) + sizeof(img->image)], side[sizeof(path) + 24];
	snprintf(path, sizeof(path), "%s%s", img->dir, img->image);
	if (ext && verity_sidecar(path, ext, side, sizeof(side)) < 0)
		return -ENAMETOOLONG;
	int fd = boot_files_open(&c->svc->s->files, ext ? side : path, size, &e);
	if (fd < 0)
		conn_log(c, "export %s: %s", ext ? side : path, e.msg);
	c->sidecar = ext;
	return fd;
}

static void attach(struct nbd_conn *c, const struct boot_image *img, int fd, uint64_t size, const char *asked)
{
	char name[160];
	c->export_fd = fd;
	c->img = img;
	c->size = size;
	c->st = N_TRANS;
	c->svc->s->metrics.nbd_attached++;
	if (asked[0])
		conn_log(c, "export %s attached (%" PRIu64 " bytes)", attached_name(img, c->sidecar, name, sizeof(name)), size);
	else
		conn_log(c, "export %s attached as the default export (%" PRIu64 " bytes)", export_label(img), size);
}

static void opt_export_name(struct nbd_conn *c, const uint8_t *data, uint32_t len)
{
	char name[NBD_NAME_MAX + 1], shown[80];
	uint64_t size;
	if (len > NBD_NAME_MAX || memchr(data, '\0', len)) {
		close_after_output(c, "NBD_OPT_EXPORT_NAME with a malformed name");
		return;
	}
	memcpy(name, data, len);
	name[len] = '\0';
	nb_sanitize(shown, sizeof(shown), name, len);
	int fd;
	const char *ext;
	const struct boot_image *img = export_find(c, name, &ext);
	if (!img || (fd = export_open(c, img, ext, &size)) < 0) {
		/* this option has no error reply: the spec says close */
		conn_log(c, "NBD_OPT_EXPORT_NAME '%s': no such export, closing", shown);
		close_after_output(c, NULL);
		return;
	}
	uint8_t b[NBD_EXPORT_NAME_REPLY_LEN];
	queue(c, b, nbd_build_export_name_reply(b, sizeof(b), size, NBD_TX_FLAGS, c->no_zeroes));
	attach(c, img, fd, size, name);
}

static void opt_list(struct nbd_conn *c, uint32_t len)
{
	const struct boot_images *imgs = &c->svc->s->files.images;
	uint8_t b[NBD_OPT_REPLY_HDR_LEN + 4 + sizeof(imgs->img[0].image)];
	if (len) {
		opt_reply(c, NBD_REP_ERR_INVALID, "NBD_OPT_LIST takes no data");
		return;
	}
	for (int i = 0; i < imgs->n; i++)	/* 32 short replies fit the output buffer */
		if (imgs->img[i].has_image)
			queue(c, b, nbd_build_rep_server(b, sizeof(b), export_label(&imgs->img[i])));
	opt_reply(c, NBD_REP_ACK, NULL);
}

/* NBD_OPT_INFO and NBD_OPT_GO: the export's size and flags, block sizes,
 * then ACK; GO also enters transmission. */
static void opt_info_go(struct nbd_conn *c, const uint8_t *data, uint32_t len)
{
	struct nbd_opt_go *go = &c->svc->go;
	struct errbuf e = { "" };
	char shown[80], msg[256];
	uint8_t b[64];
	uint64_t size;
	int fd;
	if (nbd_parse_opt_go(data, len, go, &e) < 0) {
		conn_log(c, "%s", e.msg);
		opt_reply(c, NBD_REP_ERR_INVALID, "malformed NBD_OPT_INFO/GO data");
		return;
	}
	nb_sanitize(shown, sizeof(shown), go->name, go->name_len);
	const char *ext;
	const struct boot_image *img = export_find(c, go->name, &ext);
	if (!img) {
		conn_log(c, "%s '%s': no such export", c->opt.option == NBD_OPT_GO ? "NBD_OPT_GO" : "NBD_OPT_INFO", shown);
		snprintf(msg, sizeof(msg), "no export '%s' (NBD_OPT_LIST names this server's exports)", shown);
		opt_reply(c, NBD_REP_ERR_UNKNOWN, msg);
		return;
	}
	if ((fd = export_open(c, img, ext, &size)) < 0) {
		opt_reply(c, NBD_REP_ERR_UNKNOWN, "the image cannot be opened");
		return;
	}
	queue(c, b, nbd_build_rep_info_export(b, sizeof(b), c->opt.option, size, NBD_TX_FLAGS));
	queue(c, b, nbd_build_rep_info_block_size(b, sizeof(b), c->opt.option, 1, 4096, NBD_MAX_READ));
	opt_reply(c, NBD_REP_ACK, NULL);
	if (c->opt.option == NBD_OPT_GO)
		attach(c, img, fd, size, go->name);
	else
		close(fd);
}

static void handle_option(struct nbd_conn *c, const uint8_t *data, uint32_t len)
{
	c->st = N_OPT_HDR;
	switch (c->opt.option) {
	case NBD_OPT_EXPORT_NAME:
		opt_export_name(c, data, len);
		break;
	case NBD_OPT_ABORT:
		opt_reply(c, NBD_REP_ACK, NULL);
		close_after_output(c, NULL);
		break;
	case NBD_OPT_LIST:
		opt_list(c, len);
		break;
	case NBD_OPT_INFO:
	case NBD_OPT_GO:
		opt_info_go(c, data, len);
		break;
	default:	/* STARTTLS, STRUCTURED_REPLY, LIST_META_CONTEXT, ... */
		opt_reply(c, NBD_REP_ERR_UNSUP, "not supported by this server");
		break;
	}
}

static void handle_read(struct nbd_conn *c, const struct nbd_request *r)
{
	if (!r->len || r->len > NBD_MAX_READ || r->offset > c->size || r->len > c->size - r->offset) {
		simple_reply(c, r->cookie, NBD_EINVAL);
		return;
	}
	simple_reply(c, r->cookie, 0);
	c->file_off = r->offset;
	c->file_end = r->offset + r->len;
	c->bytes_read += r->len;
	c->svc->s->metrics.nbd_bytes += r->len;
	if (!c->tc.peer6[0])	/* the client table is keyed by IPv4 address */
		clients_image_progress(clients_by_ip(&c->svc->s->clients, c->tc.ip), "nbd", r->len, c->size);
}

static void handle_request(struct nbd_conn *c, const struct nbd_request *r)
{
	switch (r->type) {
	case NBD_CMD_READ:
		handle_read(c, r);
		break;
	case NBD_CMD_WRITE:
		if (r->len > NBD_MAX_READ) {	/* a payload this large is not a block write: stop */
			close_after_output(c, "NBD_CMD_WRITE over 32 MiB");
			return;
		}
		c->write_cookie = r->cookie;
		c->skip = r->len;
		c->st = N_WRITE_SKIP;
		break;
	case NBD_CMD_TRIM:
	case NBD_CMD_WRITE_ZEROES:
		simple_reply(c, r->cookie, NBD_EPERM);	/* read-only */
		break;
	case NBD_CMD_FLUSH:
		simple_reply(c, r->cookie, 0);
		break;
	case NBD_CMD_DISC:
		close_after_output(c, "client disconnected");
		break;
	default:
		simple_reply(c, r->cookie, NBD_EINVAL);
		break;
	}
}

static void consume(struct nbd_conn *c, size_t n)
{
	memmove(c->in, c->in + n, c->inlen - n);
	c->inlen -= n;
}

/* Reads away up to c->skip bytes; true when done. */
static bool skip_input(struct nbd_conn *c)
{
	size_t n = c->inlen < c->skip ? c->inlen : (size_t)c->skip;
	consume(c, n);
	c->skip -= n;
	return c->skip == 0;
}

/* An option request's header: its data next, or read away when too long.
 * True when it was all here. */
static bool opt_header(struct nbd_conn *c)
{
	struct errbuf e = { "" };
	if (c->inlen < NBD_OPT_REQ_HDR_LEN)
		return false;
	int rc = nbd_parse_opt_request(c->in, c->inlen, &c->opt, &e);
	if (rc == -EPROTO) {
		c->svc->s->metrics.errors[ME_NBD_PROTOCOL]++;
		conn_log(c, "%s", e.msg);
		close_after_output(c, NULL);
		return true;
	}
	consume(c, NBD_OPT_REQ_HDR_LEN);
	if (rc == -EMSGSIZE) {
		conn_log(c, "%s", e.msg);
		if (c->opt.option == NBD_OPT_EXPORT_NAME) {
			close_after_output(c, NULL);	/* no error reply exists for it */
			return true;
		}
		c->skip = c->opt.len;
		c->st = N_OPT_SKIP;
		return true;
	}
	c->st = N_OPT_DATA;
	return true;
}

/* A transmission request, handled.  True when it was all here. */
static bool trans_request(struct nbd_conn *c)
{
	struct errbuf e = { "" };
	struct nbd_request r;
	if (c->inlen < NBD_REQUEST_LEN)
		return false;
	if (nbd_parse_request(c->in, c->inlen, &r, &e) < 0) {
		c->svc->s->metrics.errors[ME_NBD_PROTOCOL]++;
		conn_log(c, "%s", e.msg);
		close_after_output(c, "bad request");
		return true;
	}
	consume(c, NBD_REQUEST_LEN);
	handle_request(c, &r);
	return true;
}

/* Handles one unit of input if it is all here: true if it did. */
static bool process_one(struct nbd_conn *c)
{
	struct errbuf e = { "" };
	uint32_t cflags;
	switch (c->st) {
	case N_FLAGS:
		if (c->inlen < 4)
			return false;
		if (nbd_parse_client_flags(c->in, 4, &cflags, &e) < 0) {
			c->svc->s->metrics.errors[ME_NBD_PROTOCOL]++;
			conn_log(c, "%s", e.msg);
			close_after_output(c, NULL);
			return true;
		}
		c->no_zeroes = cflags & NBD_FLAG_C_NO_ZEROES;
		consume(c, 4);
		c->st = N_OPT_HDR;
		return true;
	case N_OPT_HDR:
		return opt_header(c);
	case N_OPT_DATA:
		if (c->inlen < c->opt.len)
			return false;
		handle_option(c, c->in, c->opt.len);
		if (!c->closing)
			consume(c, c->opt.len);
		return true;
	case N_OPT_SKIP:
		if (!skip_input(c))
			return false;
		opt_reply(c, NBD_REP_ERR_INVALID, "option data too long");
		c->st = N_OPT_HDR;
		return true;
	case N_TRANS:
		return trans_request(c);
	case N_WRITE_SKIP:
		if (!skip_input(c))
			return false;
		simple_reply(c, c->write_cookie, NBD_EPERM);
		c->st = N_TRANS;
		return true;
	}
	return false;
}

/* Sends queued bytes, then a READ's data.  0 = all out, -EAGAIN = the
 * socket is full, other negative = the peer is gone. */
static int flush(struct nbd_conn *c)
{
	while (c->outoff < c->outlen) {
		ssize_t w = send(c->tc.h.fd, c->out + c->outoff, c->outlen - c->outoff,
				 MSG_NOSIGNAL | (c->file_off < c->file_end ? MSG_MORE : 0));
		if (w < 0)
			return errno == EINTR ? 0 : -errno;
		c->outoff += (size_t)w;
		c->progress_ms = monotonic_ms();
	}
	c->outoff = c->outlen = 0;
	while (c->file_off < c->file_end) {
		off_t off = (off_t)c->file_off;
		ssize_t w = sendfile(c->tc.h.fd, c->export_fd, &off, (size_t)(c->file_end - c->file_off));
		if (w < 0)
			return errno == EINTR ? 0 : -errno;
		if (w == 0)
			return -EIO;	/* the image shrank: the promised bytes cannot be sent */
		c->file_off += (uint64_t)w;
		c->progress_ms = monotonic_ms();
	}
	return 0;
}

static void set_events(struct nbd_conn *c, uint32_t ev)
{
	if (ev != c->events && loop_mod(&c->svc->s->loop, &c->tc.h, ev) == 0)
		c->events = ev;
}

static void conn_step(struct tcp_conn *tc, uint32_t events)
{
	struct nbd_conn *c = nbd_of(tc);
	(void)events;
	for (int units = 0;; units++) {
		int rc = flush(c);
		if (rc == -EAGAIN || rc == -EWOULDBLOCK) {
			set_events(c, EPOLLOUT);
			return;
		}
		if (rc < 0) {
			conn_free(c, strerror(-rc));
			return;
		}
		if (c->closing) {
			conn_free(c, c->close_why);
			return;
		}
		if (units >= NBD_UNITS_PER_TURN) {
			set_events(c, EPOLLOUT);	/* writable at once: resumes next turn */
			return;
		}
		if (process_one(c))
			continue;
		ssize_t r = recv(c->tc.h.fd, c->in + c->inlen, sizeof(c->in) - c->inlen, 0);
		if (r > 0) {
			c->inlen += (size_t)r;
			continue;
		}
		if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
			conn_free(c, r == 0 ? "connection closed" : strerror(errno));
			return;
		}
		if (errno == EINTR)
			continue;
		set_events(c, EPOLLIN);
		return;
	}
}

/* A new connection: the greeting queued, sent when writable. */
static uint32_t conn_open(struct tcp_conn *tc)
{
	struct nbd_conn *c = nbd_of(tc);
	uint8_t greet[NBD_GREETING_LEN];
	int one = 1;
	c->svc = tc->t->ctx;
	c->export_fd = -1;
	c->svc->s->metrics.nbd_connections++;
	c->start_ms = c->progress_ms = monotonic_ms();
	/* a client that vanished (power cut) holds no slot forever */
	setsockopt(tc->h.fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	setsockopt(tc->h.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->events = EPOLLOUT;
	queue(c, greet, nbd_build_greeting(greet, sizeof(greet), NBD_FLAG_FIXED_NEWSTYLE | NBD_FLAG_NO_ZEROES));
	return c->events;
}

static bool refuse(struct tcp_service *t, int fd, uint32_t ip)
{
	srv_log(t->s, NULL, ip, "nbd", "%d connections open (limit %d), refused", t->nconns, NBD_MAX_CONNS);
	close(fd);
	return false;
}

static void sweep_conn(struct tcp_conn *tc, long long now)
{
	struct nbd_conn *c = nbd_of(tc);
	bool sending = c->outoff < c->outlen || c->file_off < c->file_end;
	if (c->export_fd < 0 && now - c->start_ms >= c->svc->handshake_timeout_ms)
		conn_free(c, "handshake timeout");
	else if (sending && now - c->progress_ms >= c->svc->send_timeout_ms)
		conn_free(c, "stalled: the client stopped reading");
}

static void close_conn(struct tcp_conn *tc, const char *why)
{
	conn_free(nbd_of(tc), why);
}

static const struct tcp_service_ops nbd_ops = {
	.service = "nbd",
	.what = "another NBD server such as nbd-server",
	.conn_size = sizeof(struct nbd_conn),
	.max_conns = NBD_MAX_CONNS,
	.sweep_ms = NBD_SWEEP_MS,
	.full = refuse,
	.open = conn_open,
	.step = conn_step,
	.sweep = sweep_conn,
	.close = close_conn,
};

int nbd_service_start(struct server *s, struct errbuf *e)
{
	struct nbd_service *svc = calloc(1, sizeof(*svc));
	if (!svc)
		return nb_fail(e, -ENOMEM, "out of memory");
	svc->s = s;
	svc->handshake_timeout_ms = srv_env_ms("NETBOOT_SERVE_NBD_HANDSHAKE_TIMEOUT_MS", 10000);
	/* a root file system over NBD may sit idle for hours: only a client
	 * that stops reading what it asked for is dropped */
	svc->send_timeout_ms = srv_env_ms("NETBOOT_SERVE_NBD_SEND_TIMEOUT_MS", 120000);
	int rc = tcp_service_start(&svc->tcp, s, s->cfg.nbd_port, &nbd_ops, svc, e);
	if (rc < 0) {
		free(svc);
		return rc;
	}
	s->nbd = svc;
	return 0;
}

void nbd_service_stop(struct server *s)
{
	struct nbd_service *svc = s->nbd;
	if (!svc)
		return;
	tcp_service_stop(&svc->tcp);
	free(svc);
	s->nbd = NULL;
}
