/* The HTTP service: the boot folder over HTTP/1.1 (GET, HEAD, one byte
 * range, keep-alive) for stage 3 and for loaders that fetch by HTTP, plus
 * the status page at /, /status.json and /metrics (for --status-allow
 * only).  Each connection is a small state
 * machine in the one epoll loop: read a head, send the head and the body
 * (sendfile with an explicit offset, resumed on EPOLLOUT), then wait for the
 * next request.  One request at a time: pipelined bytes wait in the input
 * buffer.  A timer sweeps the connections for the head, idle and send
 * timeouts.  Heads are parsed by netboot/http_wire.c.  Lenient where boot
 * firmware is sloppy: a request without Host is served, several ranges get
 * the whole file (200). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include "netboot/clock.h"
#include "netboot/http_wire.h"
#include "netboot/url.h"
#include "server/server.h"
#include "server/tcp_listen.h"

#define HTTP_MAX_CONNS 512
#define HTTP_SWEEP_MS 200
#define HTTP_SENDFILE_CHUNK (8u << 20)	/* per call: lets the loop turn between clients */
#define HTTP_DRAIN_MS 2000		/* after an error answer: read what the peer still sends, then close */
#define HTTP_EVICT_MS 1000		/* at the cap, a head owed this long gives its place to a newcomer */
#define HTTP_NOISE_PER_SEC 5		/* log lines a second about heads never finished and the cap */
#define METRICS_TEXT_MAX (64 * 1024)	/* /metrics is about 5 KiB */

enum conn_state { C_HEAD, C_SEND, C_DRAIN };

struct http_conn {
	struct tcp_conn tc;		/* first: the socket, the peer, the service's list */
	struct http_service *svc;
	enum conn_state state;
	char in[HTTP_MAX_HEAD];
	size_t inlen;
	long long wait_ms;		/* C_HEAD: since the wait began (idle) or the first byte arrived */
	bool got_bytes;			/* C_HEAD: part of a head is here */
	long long progress_ms;		/* C_SEND: last time bytes left; C_DRAIN: when it began */
	/* the response in flight */
	char head[1024];
	size_t head_len, head_off;
	char *mem;			/* a body rendered in memory (status page), malloc'd */
	size_t mem_len, mem_off;
	int file_fd;			/* -1 = no file body */
	uint64_t file_off, file_end, file_size;
	bool is_image, is_kernel;
	bool close_after;
	/* for the log line */
	char what[160];			/* "GET /sysrcd.dat" */
	int status;
	char range[64];			/* " range 0-99" or "" */
	uint64_t body_total, body_sent;
	long long start_ms;		/* 0 until the first response: then idle keep-alive applies */
	uint64_t start_ns;		/* for the rate in the log */
	bool quiet;			/* the status page: no log line per view */
};

struct http_service {
	struct server *s;
	struct tcp_service tcp;		/* the listener, the connections, the sweep */
	long head_timeout_ms, idle_timeout_ms, send_timeout_ms;
	struct status_allow allow;	/* who may read the status pages */
};

static void conn_events(struct http_conn *c, uint32_t ev)
{
	loop_mod(&c->svc->s->loop, &c->tc.h, ev);
}

/* The client a served file moves forward (created when DHCP did not see it);
 * the table is keyed by IPv4 address, so an IPv6 peer moves none. */
static struct client *conn_client(struct http_conn *c)
{
	return clients_by_ip(&c->svc->s->clients, c->tc.ip);
}

static void conn_log(struct http_conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void conn_log(struct http_conn *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (c->tc.peer6[0])	/* an IPv6 client: no DHCPv4 MAC, its address names it */
		srv_vlogw(c->svc->s, &LOG_EVENT, c->tc.peer6, 0, "http", fmt, ap);
	else
		srv_vlog(c->svc->s, srv_mac_of(c->svc->s, c->tc.ip), c->tc.ip, "http", fmt, ap);
	va_end(ap);
}

/* What a flood of bad peers makes (heads never finished, the cap): at most
 * HTTP_NOISE_PER_SEC lines a second of each kind, the count of the
 * silenced ones after (the server's one limiter). */
static void noise_log(struct http_service *svc, uint32_t ip, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void noise_log(struct http_service *svc, uint32_t ip, const char *fmt, ...)
{
	static const struct log_rule noise = { LOG_PRIO_INFO, HTTP_NOISE_PER_SEC, false };
	va_list ap;
	va_start(ap, fmt);
	srv_vlogr(svc->s, &noise, srv_mac_of(svc->s, ip), ip, "http", fmt, ap);
	va_end(ap);
}

static void response_reset(struct http_conn *c)
{
	if (c->file_fd >= 0)
		close(c->file_fd);
	c->file_fd = -1;
	free(c->mem);
	c->mem = NULL;
	c->mem_len = c->mem_off = c->head_len = c->head_off = 0;
	c->file_off = c->file_end = c->file_size = 0;
	c->is_image = c->is_kernel = c->quiet = false;
	c->body_total = c->body_sent = 0;
	c->range[0] = '\0';
}

static struct http_conn *http_of(struct tcp_conn *tc)
{
	return (struct http_conn *)(void *)tc;	/* tc is its first member */
}

static void conn_free(struct http_conn *c)
{
	response_reset(c);
	tcp_conn_free(&c->tc);
}

/* "268435456 bytes in 1.20 s (223 MB/s)" */
static void log_served(struct http_conn *c, const char *verdict)
{
	if (!c->mem)	/* the status pages are not transfers */
		metrics_http_done(&c->svc->s->metrics, c->status, c->body_sent, c->body_total);
	if (c->quiet)
		return;
	double secs = (double)(monotonic_ns() - c->start_ns) / 1e9;
	double rate = secs > 0 ? (double)c->body_sent / secs / 1e6 : 0;
	if (c->body_sent == c->body_total)
		conn_log(c, "%s %d %" PRIu64 " bytes%s in %.2f s (%.0f MB/s)%s", c->what, c->status, c->body_sent, c->range,
			 secs, rate, verdict);
	else
		conn_log(c, "%s %d%s: %s after %" PRIu64 " of %" PRIu64 " bytes in %.2f s", c->what, c->status, c->range,
			 verdict, c->body_sent, c->body_total, secs);
}

/* A finished or failed response: log it and close. */
static void conn_abort(struct http_conn *c, const char *why)
{
	if (c->state == C_SEND)
		log_served(c, why);
	conn_free(c);
}

/* Waiting for the next request on a kept-alive connection. */
static void conn_wait_request(struct http_conn *c)
{
	c->state = C_HEAD;
	c->wait_ms = monotonic_ms();
	c->got_bytes = c->inlen > 0;
	conn_events(c, EPOLLIN);
}

/* Bytes of the answer body: file fd and span, or none. */
static void start_send(struct http_conn *c)
{
	c->state = C_SEND;
	c->progress_ms = monotonic_ms();
	c->start_ms = c->progress_ms;
	c->start_ns = monotonic_ns();
	conn_events(c, EPOLLOUT);
}

/* Fills c->head from r; an error page's short text body goes in the same
 * buffer (body_text NULL = none or the body comes from file/memory). */
static int set_head(struct http_conn *c, const struct http_reply *r, const char *body_text)
{
	int n = http_build_response_head(c->head, sizeof(c->head), r);
	if (n < 0)
		return n;
	c->head_len = (size_t)n;
	c->status = r->status;
	if (body_text) {
		size_t b = strlen(body_text);
		if (c->head_len + b > sizeof(c->head))
			return -ENOSPC;
		memcpy(c->head + c->head_len, body_text, b);
		c->head_len += b;
		c->body_total = c->body_sent = b;
	}
	return 0;
}

/* An error answer with a one-line text body; close = drop the connection
 * after it (the request could not be framed or was hostile). */
static void answer_error(struct http_conn *c, int status, bool close, bool head_only, const char *allow)
{
	char body[80];
	snprintf(body, sizeof(body), "%d %s\n", status, http_status_text(status));
	/* HEAD: the length GET would have, no body */
	struct http_reply r = { .status = status, .content_length = strlen(body), .content_type = "text/plain",
				.allow = allow, .close = close, .no_store = true };
	c->close_after = close;
	set_head(c, &r, head_only ? NULL : body);
	c->quiet = true;	/* refusals are logged by the caller with their cause */
	start_send(c);
}

enum status_page { PAGE_HTML, PAGE_JSON, PAGE_METRICS };

/* Which status page a path names, or -1. */
static int status_page_of(const char *path)
{
	return !strcmp(path, "/") ? PAGE_HTML : !strcmp(path, "/status.json") ? PAGE_JSON :
	       !strcmp(path, "/metrics") ? PAGE_METRICS : -1;
}

/* The /metrics text into c->mem. */
static int render_metrics(struct http_conn *c)
{
	struct server *s = c->svc->s;
	c->mem = malloc(METRICS_TEXT_MAX);
	if (!c->mem)
		return -ENOMEM;
	int n = metrics_render(&s->metrics, &s->clients, monotonic_ms() - s->started_ms, c->mem, METRICS_TEXT_MAX);
	if (n < 0)
		return n;
	c->mem_len = (size_t)n;
	return 0;
}

/* Renders a status page into c->mem. */
static int render_status(struct http_conn *c, enum status_page page)
{
	struct server *s = c->svc->s;
	if (page == PAGE_METRICS)
		return render_metrics(c);
	FILE *f = open_memstream(&c->mem, &c->mem_len);
	if (!f)
		return -errno;
	if (page == PAGE_JSON)
		clients_write_json(&s->clients, f);
	else
		clients_write_html(&s->clients, clients_wall_ms(), monotonic_ms() - s->started_ms, f);
	if (fclose(f) != 0)
		return -EIO;
	return 0;
}

static void serve_status(struct http_conn *c, enum status_page page, bool head_only)
{
	static const char *const types[] = { "text/html; charset=utf-8", "application/json", METRICS_CONTENT_TYPE };
	/* an IPv6 peer: ::1 counts as loopback (127.0.0.1), others as no
	 * address, but for the default list's v6 side: the on-link prefix of
	 * the address it reached */
	uint32_t ip = c->tc.peer6[0] ? (strcmp(c->tc.peer6, "::1") ? 0 : htonl(INADDR_LOOPBACK)) : c->tc.ip;
	char p6[SRV_PEER_TEXT];
	struct in6_addr peer;
	snprintf(p6, sizeof(p6), "%.*s", (int)strcspn(c->tc.peer6, "%"), c->tc.peer6);	/* no zone */
	bool onlink6 = !ip && !c->svc->s->cfg.status_allow.n && c->tc.local.sa.sa_family == AF_INET6 &&
		       inet_pton(AF_INET6, p6, &peer) == 1 && status_allow_onlink6(&c->tc.local.in6.sin6_addr, &peer);
	if (!onlink6 && !status_allow_match(&c->svc->allow, ip)) {
		c->svc->s->metrics.errors[ME_STATUS_FORBIDDEN]++;
		noise_log(c->svc, c->tc.ip, "%s 403: not an address --status-allow lets in", c->what);
		answer_error(c, 403, c->close_after, head_only, NULL);
		return;
	}
	if (render_status(c, page) < 0) {
		answer_error(c, 500, false, head_only, NULL);
		return;
	}
	struct http_reply r = { .status = 200, .content_length = c->mem_len, .content_type = types[page],
				.no_store = true, .close = c->close_after };
	set_head(c, &r, NULL);
	if (head_only)
		c->mem_len = 0;
	c->body_total = c->mem_len;
	c->quiet = true;
	start_send(c);
}

/* The decoded file path of a request target: absolute-form and the query
 * dropped, percent-escapes decoded.  -EINVAL for a bad escape. */
static int target_path(const char *target, char *out, size_t cap)
{
	char raw[sizeof(((struct http_request *)0)->path)];
	if (!strncasecmp(target, "http://", 7)) {	/* absolute-form (RFC 9112 3.2.2) */
		const char *slash = strchr(target + 7, '/');
		target = slash ? slash : "/";
	}
	if (target[0] != '/')
		return -EINVAL;
	snprintf(raw, sizeof(raw), "%s", target);
	raw[strcspn(raw, "?#")] = '\0';
	return url_decode_path(raw, out, cap);
}

/* A file's validators: a strong ETag from what identifies this version
 * (inode, size, modification time in ns: a replaced or rewritten image
 * gets another), and its Last-Modified. */
static void validators(int fd, char *etag, size_t cap, int64_t *mtime)
{
	struct stat st;
	etag[0] = '\0', *mtime = 0;
	if (fstat(fd, &st) < 0)
		return;
	snprintf(etag, cap, "\"%llx-%llx-%llx\"", (unsigned long long)st.st_ino, (unsigned long long)st.st_size,
		 (unsigned long long)st.st_mtim.tv_sec * 1000000000ULL + (unsigned long long)st.st_mtim.tv_nsec);
	*mtime = st.st_mtim.tv_sec;
}

/* If-None-Match, else If-Modified-Since (RFC 9110 13.2.2): the client's
 * copy is current. */
static bool not_modified(const struct http_request *q, const char *etag, int64_t mtime)
{
	if (q->if_none_match[0])
		return http_etag_listed(q->if_none_match, etag);
	return q->if_modified_since && mtime && mtime <= q->if_modified_since;
}

/* If-Range: the range stands when the validator is this version's (a
 * strong ETag, or exactly its Last-Modified date); else the whole file
 * (200), so a resumed download never splices two versions. */
static bool range_stands(const struct http_request *q, const char *etag, int64_t mtime)
{
	int64_t t;
	if (!q->if_range[0])
		return true;
	if (q->if_range[0] == '"')
		return !strcmp(q->if_range, etag);
	return http_parse_date(q->if_range, strlen(q->if_range), &t) == 0 && t == mtime;
}

static void serve_file(struct http_conn *c, const struct http_request *q, const char *path, bool head_only)
{
	struct server *s = c->svc->s;
	struct errbuf e = { "" };
	uint64_t size = 0, start = 0, len = 0;
	char etag[80];
	int64_t mtime;
	char self[SERVE_HOST_MAX];	/* generated menus name the address the client reached */
	int fd = boot_files_open_from(&s->files, path, c->tc.ip, serve_url_host(&s->cfg, &c->tc.local.sa, self), &size, &e);
	if (fd < 0) {
		int status = fd == -ENOENT ? 404 : fd == -EACCES ? 403 : 500;
		conn_log(c, "%s %d: %s", c->what, status, e.msg);
		answer_error(c, status, c->close_after, head_only, NULL);
		return;
	}
	validators(fd, etag, sizeof(etag), &mtime);
	if (not_modified(q, etag, mtime)) {
		struct http_reply r = { .status = 304, .content_length = size, .etag = etag[0] ? etag : NULL, .last_modified = mtime,
					.close = c->close_after };
		close(fd);
		set_head(c, &r, NULL);
		conn_log(c, "%s 304: not modified", c->what);
		c->quiet = true;
		start_send(c);
		return;
	}
	int rr = range_stands(q, etag, mtime) ? http_range_resolve(q, size, &start, &len) : 0;
	if (rr == -ERANGE) {
		close(fd);
		struct http_reply r = { .status = 416, .unsatisfiable = true, .range_total = size, .close = c->close_after };
		conn_log(c, "%s 416: range outside the file (%" PRIu64 " bytes)", c->what, size);
		set_head(c, &r, NULL);
		c->quiet = true;
		start_send(c);
		return;
	}
	if (rr == 0)
		len = size;
	struct http_reply r = { .status = rr ? 206 : 200, .content_length = len,
				.content_type = "application/octet-stream", .has_range = rr == 1, .range_start = start,
				.range_end = start + len - 1, .range_total = size, .close = c->close_after,
				.etag = etag[0] ? etag : NULL, .last_modified = mtime };
	set_head(c, &r, NULL);
	if (q->has_range && rr == 0 && q->if_range[0])
		snprintf(c->range, sizeof(c->range), " (If-Range: changed, whole file)");
	if (rr == 1)
		snprintf(c->range, sizeof(c->range), " range %" PRIu64 "-%" PRIu64, start, start + len - 1);
	c->file_fd = fd;
	c->file_size = size;
	c->file_off = start;
	c->file_end = head_only ? start : start + len;
	c->body_total = c->file_end - c->file_off;
	int role = head_only ? BOOT_ROLE_OTHER : boot_files_role(&s->files, path);	/* every image's */
	c->is_image = role == BOOT_ROLE_IMAGE;
	c->is_kernel = role == BOOT_ROLE_KERNEL;
	start_send(c);
}

/* One complete head in c->in (n bytes): answer it. */
static void handle_request(struct http_conn *c, const struct http_request *q)
{
	char path[sizeof(q->path)], shown[120];
	bool head_only = !strcmp(q->method, "HEAD");
	nb_sanitize(shown, sizeof(shown), q->path, strlen(q->path));
	snprintf(c->what, sizeof(c->what), "%s %s", q->method, shown);
	c->close_after = q->close || q->has_body;	/* a body we would not skip: cannot frame the next request */
	if (strcmp(q->method, "GET") && !head_only) {
		conn_log(c, "%s 405: only GET and HEAD", c->what);
		answer_error(c, 405, c->close_after, false, "GET, HEAD");
		return;
	}
	if (target_path(q->path, path, sizeof(path)) < 0) {
		conn_log(c, "%s 400: bad request target", c->what);
		answer_error(c, 400, c->close_after, head_only, NULL);
		return;
	}
	if (status_page_of(path) >= 0) {
		serve_status(c, (enum status_page)status_page_of(path), head_only);
		return;
	}
	serve_file(c, q, path, head_only);
}

/* Parses what c->in holds; answers a complete head.  Returns true when a
 * response was started (or the connection is being closed). */
static bool try_request(struct http_conn *c)
{
	struct http_request q;
	struct errbuf e = { "" };
	int n = http_parse_request(c->in, c->inlen, &q, &e);
	if (n == 0)
		return false;
	if (n < 0) {
		int status = n == -E2BIG ? 431 : n == -ENAMETOOLONG ? 414 : 400;
		snprintf(c->what, sizeof(c->what), "request");
		c->svc->s->metrics.errors[ME_HTTP_BAD_REQUEST]++;
		conn_log(c, "%d: %s", status, e.msg);
		c->inlen = 0;
		answer_error(c, status, true, false, NULL);
		return true;
	}
	handle_request(c, &q);
	/* keep what follows the head (a pipelined request) for later */
	memmove(c->in, c->in + n, c->inlen - (size_t)n);
	c->inlen -= (size_t)n;
	return true;
}

static void progress(struct http_conn *c, uint64_t n)
{
	c->body_sent += n;
	c->progress_ms = monotonic_ms();
	c->svc->s->metrics.http_bytes += c->file_fd >= 0 ? n : 0;
	if (c->is_image && !c->tc.peer6[0])
		clients_image_progress(conn_client(c), "http", n, c->file_size);
}

/* Sends what the socket takes.  0 = all sent, -EAGAIN = wait for
 * EPOLLOUT, other negative = the peer is gone. */
static int send_some(struct http_conn *c)
{
	bool more_body = c->mem_off < c->mem_len || c->file_off < c->file_end;
	while (c->head_off < c->head_len) {
		ssize_t w = send(c->tc.h.fd, c->head + c->head_off, c->head_len - c->head_off,
				 MSG_NOSIGNAL | (more_body ? MSG_MORE : 0));
		if (w < 0)
			return errno == EINTR ? 0 : -errno;
		c->head_off += (size_t)w;
		c->progress_ms = monotonic_ms();
	}
	while (c->mem_off < c->mem_len) {
		ssize_t w = send(c->tc.h.fd, c->mem + c->mem_off, c->mem_len - c->mem_off, MSG_NOSIGNAL);
		if (w < 0)
			return errno == EINTR ? 0 : -errno;
		c->mem_off += (size_t)w;
		progress(c, (uint64_t)w);
	}
	while (c->file_off < c->file_end) {
		uint64_t left = c->file_end - c->file_off;
		size_t want = left < HTTP_SENDFILE_CHUNK ? (size_t)left : HTTP_SENDFILE_CHUNK;
		off_t off = (off_t)c->file_off;
		ssize_t w = sendfile(c->tc.h.fd, c->file_fd, &off, want);
		if (w < 0)
			return errno == EINTR ? 0 : -errno;
		if (w == 0)	/* the file shrank under us: the length we promised cannot be kept */
			return -EIO;
		c->file_off += (uint64_t)w;
		progress(c, (uint64_t)w);
		if ((size_t)w < want)
			return -EAGAIN;	/* socket full: saves a call that would say so */
	}
	return 0;
}

/* The response is out: log, then close or wait for the next request. */
static void response_done(struct http_conn *c)
{
	log_served(c, "");
	if (c->is_kernel && c->body_sent == c->file_size && !c->tc.peer6[0])
		clients_advance(conn_client(c), STAGE_KERNEL);
	response_reset(c);
	if (c->close_after) {
		/* the peer may still be sending (a huge head): read it away so
		 * our answer is not lost to a reset */
		shutdown(c->tc.h.fd, SHUT_WR);
		c->state = C_DRAIN;
		c->progress_ms = monotonic_ms();
		conn_events(c, EPOLLIN);
		return;
	}
	conn_wait_request(c);
}

static void on_send(struct http_conn *c)
{
	for (;;) {
		int rc = send_some(c);
		if (rc == -EAGAIN || rc == -EWOULDBLOCK)
			return;
		if (rc < 0) {
			char why[80];
			snprintf(why, sizeof(why), "aborted (%s)", strerror(-rc));
			conn_abort(c, why);
			return;
		}
		if (c->head_off < c->head_len || c->mem_off < c->mem_len || c->file_off < c->file_end)
			continue;	/* EINTR */
		response_done(c);
		if (c->state != C_HEAD || !try_request(c))
			return;	/* else a pipelined request started: send it */
	}
}

static void on_readable(struct http_conn *c)
{
	ssize_t r = recv(c->tc.h.fd, c->in + c->inlen, sizeof(c->in) - c->inlen, 0);
	if (r < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			conn_free(c);
		return;
	}
	if (r == 0) {
		if (c->inlen)
			noise_log(c->svc, c->tc.ip, "closed in the middle of a request head (%zu bytes)", c->inlen);
		conn_free(c);
		return;
	}
	if (!c->got_bytes) {
		c->got_bytes = true;
		c->wait_ms = monotonic_ms();	/* from now on the head timeout runs */
	}
	c->inlen += (size_t)r;
	if (try_request(c))
		on_send(c);	/* try at once: most answers fit the socket */
}

static void on_drain(struct http_conn *c)
{
	char junk[4096];
	ssize_t r = recv(c->tc.h.fd, junk, sizeof(junk), 0);
	if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
		conn_free(c);
}

static void conn_step(struct tcp_conn *tc, uint32_t events)
{
	struct http_conn *c = http_of(tc);
	switch (c->state) {
	case C_HEAD:
		on_readable(c);
		break;
	case C_SEND:
		if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
			on_send(c);
		break;
	case C_DRAIN:
		on_drain(c);
		break;
	}
}

static void refuse_busy(struct http_service *svc, int fd, uint32_t ip)
{
	static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nRetry-After: 1\r\n"
				   "Connection: close\r\n\r\n";
	ssize_t w = send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
	(void)w;
	svc->s->metrics.errors[ME_HTTP_BUSY]++;
	noise_log(svc, ip, "503: %d connections open (limit %d), refused", svc->tcp.nconns, HTTP_MAX_CONNS);
	close(fd);
}

/* A new connection owes its first request head. */
static uint32_t conn_open(struct tcp_conn *tc)
{
	struct http_conn *c = http_of(tc);
	c->svc = tc->t->ctx;
	c->file_fd = -1;
	c->state = C_HEAD;
	c->wait_ms = monotonic_ms();
	return EPOLLIN;
}

/* Slowloris: at the cap, the connection that has owed a request head the
 * longest (idle, a partial head, or kept alive between requests), if for
 * HTTP_EVICT_MS, or NULL.  Clients being served are never taken. */
static struct http_conn *evictable(struct http_service *svc, long long now)
{
	struct http_conn *best = NULL;
	for (struct tcp_conn *tc = svc->tcp.conns; tc; tc = tc->next) {
		struct http_conn *c = http_of(tc);
		if (c->state == C_HEAD && now - c->wait_ms >= HTTP_EVICT_MS && (!best || c->wait_ms < best->wait_ms))
			best = c;
	}
	return best;
}

/* At the cap: a newcomer takes the place of a connection that owes a
 * head, else gets 503. */
static bool make_room(struct tcp_service *t, int fd, uint32_t ip)
{
	struct http_service *svc = t->ctx;
	struct http_conn *old = evictable(svc, monotonic_ms());
	if (!old) {
		refuse_busy(svc, fd, ip);
		return false;
	}
	noise_log(svc, old->tc.ip, "%d connections open (limit %d): dropped one that owed a request head for %lld ms",
		  svc->tcp.nconns, HTTP_MAX_CONNS, monotonic_ms() - old->wait_ms);
	conn_free(old);
	return true;
}

/* The timeout that applies to c now, and whether it passed. */
static bool conn_expired(const struct http_service *svc, const struct http_conn *c, long long now, const char **why)
{
	switch (c->state) {
	case C_HEAD:
		if (c->got_bytes) {
			*why = "no complete request head";
			return now - c->wait_ms >= svc->head_timeout_ms;
		}
		/* a new connection owes its first head within the head timeout;
		 * one that was served may idle longer (keep-alive) */
		*why = "idle";
		return now - c->wait_ms >= (c->start_ms ? svc->idle_timeout_ms : svc->head_timeout_ms);
	case C_SEND:
		*why = "stalled: the client stopped reading";
		return now - c->progress_ms >= svc->send_timeout_ms;
	case C_DRAIN:
		*why = NULL;
		return now - c->progress_ms >= HTTP_DRAIN_MS;
	}
	return false;
}

static void sweep_conn(struct tcp_conn *tc, long long now)
{
	struct http_conn *c = http_of(tc);
	struct http_service *svc = c->svc;
	const char *why = NULL;
	if (!conn_expired(svc, c, now, &why))
		return;
	if (why && c->state == C_SEND) {
		conn_abort(c, why);
		return;
	}
	if (why && c->got_bytes)
		noise_log(svc, c->tc.ip, "dropped: %s within %ld ms", why, svc->head_timeout_ms);
	conn_free(c);
}

static void close_conn(struct tcp_conn *tc, const char *why)
{
	conn_abort(http_of(tc), why);
}

static const struct tcp_service_ops http_ops = {
	.service = "http",
	.what = "another web server such as nginx",
	.conn_size = sizeof(struct http_conn),
	.max_conns = HTTP_MAX_CONNS,
	.sweep_ms = HTTP_SWEEP_MS,
	.full = make_room,
	.open = conn_open,
	.step = conn_step,
	.sweep = sweep_conn,
	.close = close_conn,
};

/* The subnets that may read the status pages: the configured ones, else
 * loopback and the served subnet; said once in the log. */
static void status_allow_setup(struct http_service *svc)
{
	const struct serve_config *cfg = &svc->s->cfg;
	char list[STATUS_ALLOW_MAX * 20];
	svc->allow = cfg->status_allow;
	if (!svc->allow.n)
		status_allow_default(&svc->allow, cfg->subnet, cfg->netmask, cfg->local_ip);
	srv_log(svc->s, NULL, 0, "http", "status page, /status.json and /metrics for %s%s",
		status_allow_format(&svc->allow, list, sizeof(list)), cfg->status_allow.n ? "" :
		", ::1 and IPv6 clients on the prefix of the address they reached (--status-allow to change)");
}

/* Each client holds a socket and a file: make room for HTTP_MAX_CONNS of
 * them beside the other services (the usual soft limit is 1024). */
static void raise_fd_limit(void)
{
	struct rlimit r;
	rlim_t want = 4 * HTTP_MAX_CONNS + 256;
	if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < want) {
		r.rlim_cur = r.rlim_max < want ? r.rlim_max : want;
		setrlimit(RLIMIT_NOFILE, &r);
	}
}

int http_service_start(struct server *s, struct errbuf *e)
{
	struct http_service *svc = calloc(1, sizeof(*svc));
	if (!svc)
		return nb_fail(e, -ENOMEM, "out of memory");
	svc->s = s;
	raise_fd_limit();
	/* overridable for tests; the defaults suit firmware and slow links */
	svc->head_timeout_ms = srv_env_ms("NETBOOT_SERVE_HTTP_HEAD_TIMEOUT_MS", 10000);
	svc->idle_timeout_ms = srv_env_ms("NETBOOT_SERVE_HTTP_IDLE_TIMEOUT_MS", 30000);
	svc->send_timeout_ms = srv_env_ms("NETBOOT_SERVE_HTTP_SEND_TIMEOUT_MS", 60000);
	status_allow_setup(svc);
	int rc = tcp_service_start(&svc->tcp, s, s->cfg.http_port, &http_ops, svc, e);
	if (rc < 0) {
		free(svc);
		return rc;
	}
	s->http = svc;
	return 0;
}

void http_service_stop(struct server *s)
{
	struct http_service *svc = s->http;
	if (!svc)
		return;
	tcp_service_stop(&svc->tcp);
	free(svc);
	s->http = NULL;
}
