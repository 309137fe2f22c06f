/* HTTP/1.1 GET into a sink: keep-alive, chunked bodies, up to 5 redirects,
 * and on a dropped connection a bounded number of retries with exponential
 * backoff that resume with Range from the last byte received (the sink keeps
 * the hash state, so the pass stays single); restart from zero when the
 * server ignores Range.  A resume carries If-Range with the first answer's
 * ETag (else Last-Modified): a cache whose copy changed meanwhile answers
 * 200 with the new file, and the sink and its hash restart from byte 0
 * rather than splice two versions.  429/503 are waits, not failures: the
 * server's Retry-After (capped) or the backoff, on a budget of their own.
 * https:// is the same code over a TLS stream (netboot/conn.h); through a
 * proxy it is a CONNECT tunnel.  Redirects may go from http to https, never
 * back: that would drop the server's authentication mid-download. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "fetch/transport.h"
#include "netboot/http_wire.h"
#include "netboot/clock.h"
#include "netboot/conn.h"
#include "netboot/tcp.h"

#define HTTP_MAX_REDIRECTS 5
#define HTTP_DEFAULT_TRIES 5
#define HTTP_DEFAULT_TIMEOUT_MS 15000
/* The response head and, on paths without the hash ring (chunked bodies,
 * memory sinks, no hash), the body pass through this buffer: twice the
 * longest head, small because it counts in /init's peak RSS (goal 1 MiB). */
#define HTTP_BUF (2 * HTTP_MAX_HEAD)
/* The read timeout catches a silent server; a trickling one (a byte every
 * few seconds) needs a floor rate, or it could hold the boot forever. */
#define HTTP_STALL_WINDOW_MS 30000	/* default of transport_opts.stall_window_ms */
#define HTTP_STALL_MIN_BYTES 65536
/* A busy cache (429/503) is waited for, within bounds: the boot must end. */
#define HTTP_BUSY_TRIES 20
#define HTTP_RETRY_AFTER_CAP_S 120

struct http_xfer {
	const struct transport_opts *o;
	struct sink *s;
	struct url url;			/* current URL (after redirects) */
	char shown[URL_TEXT_MAX];		/* current URL as text, for messages */
	const char *name;		/* file name for messages */
	bool via_proxy;
	struct url peer;		/* where we connect: the server, or the proxy */
	struct conn c;
	int timeout_ms;
	char *buf;			/* HTTP_BUF bytes */
	size_t have;			/* bytes buffered, starting at buf */
	long long stall_at;		/* next floor-rate check (monotonic ms) */
	uint64_t stall_bytes;		/* bytes read at the last check */
	uint64_t received;		/* bytes read from the socket, all requests */
	char validator[128];		/* ETag or Last-Modified of the bytes in the sink; "" = none */
	bool busy;			/* the last answer was 429/503 */
	long busy_wait_s;		/* its Retry-After in seconds, -1 = none */
	uint64_t base, last;		/* http_get_range: bytes base..last of the file; last HTTP_RANGE_OPEN otherwise */
	uint64_t file_size;		/* a 206's Content-Range total, 0 if unknown */
};

static void drop_connection(struct http_xfer *x)
{
	conn_close(&x->c);
	x->have = 0;
}

/* Where a connection goes, as the keep-alive slot names it: the origin when
 * TLS runs end to end (even through a proxy's tunnel), else the next hop. */
static const char *conn_host(const struct http_xfer *x)
{
	return x->via_proxy && !x->url.tls ? x->peer.host : x->url.host;
}

static uint16_t conn_port(const struct http_xfer *x)
{
	return x->via_proxy && !x->url.tls ? x->peer.port : x->url.port;
}

static ssize_t fill(struct http_xfer *x);
static int read_head(struct http_xfer *x, struct http_response *r, struct errbuf *e);

/* CONNECT host:port through the proxy; the tunnel then carries TLS. */
static int open_tunnel(struct http_xfer *x, struct errbuf *e)
{
	struct http_response r;
	char req[800], h[sizeof(x->url.host) + 8];
	const char *host = url_host_text(x->url.host, h, sizeof(h));
	int rc, n = snprintf(req, sizeof(req), "CONNECT %s:%u HTTP/1.1\r\nHost: %s:%u\r\nUser-Agent: netboot\r\n\r\n",
			     host, x->url.port, host, x->url.port);
	if ((rc = conn_write_all(&x->c, req, (size_t)n, x->timeout_ms)) < 0)
		return nb_fail(e, rc, "%s: proxy %s:%u: connection failed sending CONNECT", x->name, x->peer.host, x->peer.port);
	if ((rc = read_head(x, &r, e)) < 0)
		return rc;
	if (r.status != 200)
		return nb_fail(e, r.status == 403 || r.status == 407 ? -EACCES : -EPROTO,
			       "%s: proxy %s:%u answered CONNECT %s:%u with HTTP %d %s", x->name, x->peer.host, x->peer.port,
			       x->url.host, x->url.port, r.status, r.reason[0] ? r.reason : http_status_text(r.status));
	if (x->have)
		return nb_fail(e, -EPROTO, "%s: proxy %s:%u sent data before the TLS handshake", x->name, x->peer.host,
			       x->peer.port);
	return 0;
}

static int open_connection(struct http_xfer *x, struct errbuf *e)
{
	struct http_keepalive *ka = x->o->keepalive;
	const char *host = x->via_proxy ? x->peer.host : x->o->connect_host ? x->o->connect_host : x->url.host;
	uint16_t port = x->via_proxy ? x->peer.port : x->url.port;
	char why[sizeof(e->msg)];
	int rc;

	if (ka && ka->c.fd >= 0) {
		if (ka->port == conn_port(x) && ka->tls == x->url.tls && strcmp(ka->host, conn_host(x)) == 0) {
			x->c = ka->c;
			ka->c = (struct conn){ -1, NULL };
			return 0;
		}
		conn_close(&ka->c);
	}
	x->c.fd = tcp_connect(host, port, x->timeout_ms, e);
	if (x->c.fd < 0) {
		rc = x->c.fd;
		x->c.fd = -1;
		snprintf(why, sizeof(why), "%s", e->msg);
		return nb_fail(e, rc, "%s: %s%s", x->name, x->via_proxy ? "proxy: " : "", why);
	}
	if (!x->url.tls)
		return 0;
	if (x->via_proxy && (rc = open_tunnel(x, e)) < 0)
		return rc;
	if ((rc = tls_open(&x->c.tls, x->c.fd, x->url.host, x->o->ca_file, x->timeout_ms, x->o->log, e)) < 0) {
		snprintf(why, sizeof(why), "%s", e->msg);
		return nb_fail(e, rc, "%s: TLS with %s:%u: %s", x->name, x->url.host, x->url.port, why);
	}
	return 0;
}

/* Reads up to cap bytes into dst, checking the floor rate. 0 = peer closed. */
static ssize_t read_some(struct http_xfer *x, void *dst, size_t cap)
{
	ssize_t n = conn_read(&x->c, dst, cap, x->timeout_ms);
	long long now = monotonic_ms();
	if (n > 0)
		x->received += (uint64_t)n;
	if (now >= x->stall_at) {
		if (x->stall_at && x->received - x->stall_bytes < HTTP_STALL_MIN_BYTES)
			return -ETIMEDOUT;	/* reported as a timed-out connection: retried, bounded */
		x->stall_bytes = x->received;
		x->stall_at = now + (x->o->stall_window_ms > 0 ? x->o->stall_window_ms : HTTP_STALL_WINDOW_MS);
	}
	return n;
}

/* Reads more bytes after the buffered ones. 0 = peer closed. */
static ssize_t fill(struct http_xfer *x)
{
	ssize_t n = read_some(x, x->buf + x->have, HTTP_BUF - x->have);
	if (n > 0)
		x->have += (size_t)n;
	return n;
}

static void consume(struct http_xfer *x, size_t n)
{
	memmove(x->buf, x->buf + n, x->have - n);
	x->have -= n;
}

/* A broken transfer: the caller may retry. */
static int broken(struct http_xfer *x, ssize_t n, struct errbuf *e)
{
	return nb_fail(e, -EIO, "%s: connection %s after %llu bytes from %s", x->name,
		       n == -ETIMEDOUT ? "timed out" : n == 0 ? "closed" : "failed",
		       (unsigned long long)x->s->written, x->shown);
}

static int read_head(struct http_xfer *x, struct http_response *r, struct errbuf *e)
{
	for (;;) {
		int head = http_parse_response(x->buf, x->have, r, e);
		if (head > 0) {
			consume(x, (size_t)head);
			return 0;
		}
		if (head < 0) {
			char why[sizeof(e->msg)];
			snprintf(why, sizeof(why), "%s", e->msg);
			return nb_fail(e, -EPROTO, "%s: %s (from %s)", x->name, why, x->shown);
		}
		ssize_t n = fill(x);
		if (n <= 0)
			return broken(x, n, e);
	}
}

/* Copies exactly len body bytes (or until EOF when len is HTTP_NO_LENGTH). */
static int copy_body(struct http_xfer *x, uint64_t len, struct errbuf *e)
{
	int rc;
	while (len) {
		size_t cap;
		uint8_t *dst;
		if (!x->have && (dst = sink_buffer(x->s, &cap))) {
			/* straight into the hash ring: no copy on the way to the file
			 * and the hash; never past this body's end (keep-alive) */
			if (len != HTTP_NO_LENGTH && cap > len)
				cap = (size_t)len;
			ssize_t n = read_some(x, dst, cap);
			if (n == 0 && len == HTTP_NO_LENGTH)
				return 0;
			if (n <= 0)
				return broken(x, n, e);
			if ((rc = sink_commit(x->s, (size_t)n, e)) < 0)
				return rc;
			if (len != HTTP_NO_LENGTH)
				len -= (uint64_t)n;
			continue;
		}
		if (!x->have) {
			ssize_t n = fill(x);
			if (n == 0 && len == HTTP_NO_LENGTH)
				return 0;
			if (n <= 0)
				return broken(x, n, e);
		}
		size_t take = x->have;
		if (len != HTTP_NO_LENGTH && take > len)
			take = (size_t)len;
		if ((rc = sink_write(x->s, x->buf, take, e)) < 0)
			return rc == -EFBIG ? nb_fail(e, -EFBIG, "%s: larger than expected from %s", x->name, x->shown) : rc;
		consume(x, take);
		if (len != HTTP_NO_LENGTH)
			len -= take;
	}
	return 0;
}

static int copy_chunked(struct http_xfer *x, struct errbuf *e)
{
	for (;;) {
		uint64_t size;
		int line, rc;
		while ((line = http_parse_chunk_size(x->buf, x->have, &size, e)) == 0) {
			ssize_t n = fill(x);
			if (n <= 0)
				return broken(x, n, e);
		}
		if (line < 0)
			return nb_fail(e, -EPROTO, "%s: bad chunked encoding from %s", x->name, x->shown);
		consume(x, (size_t)line);
		if (size == 0)
			break;
		if ((rc = copy_body(x, size, e)) < 0)
			return rc;
		/* CRLF after the chunk data */
		while (x->have < 2) {
			ssize_t n = fill(x);
			if (n <= 0)
				return broken(x, n, e);
		}
		if (x->buf[0] == '\r' && x->buf[1] == '\n')
			consume(x, 2);
		else if (x->buf[0] == '\n')
			consume(x, 1);
		else
			return nb_fail(e, -EPROTO, "%s: chunk not followed by CRLF from %s", x->name, x->shown);
	}
	/* trailer section up to the blank line */
	for (;;) {
		char *nl = memchr(x->buf, '\n', x->have);
		if (!nl) {
			if (x->have >= 4096)
				return nb_fail(e, -EPROTO, "%s: chunked trailer too long from %s", x->name, x->shown);
			ssize_t n = fill(x);
			if (n <= 0)
				return broken(x, n, e);
			continue;
		}
		size_t l = (size_t)(nl - x->buf) + 1;
		bool blank = l == 1 || (l == 2 && x->buf[0] == '\r');
		consume(x, l);
		if (blank)
			return 0;
	}
}

static int follow_redirect(struct http_xfer *x, const struct http_response *r, struct errbuf *e)
{
	struct url next;
	char absolute[URL_TEXT_MAX + sizeof(r->location)];
	const char *target = r->location;
	if (!r->location[0])
		return nb_fail(e, -EPROTO, "%s: HTTP %d redirect without Location from %s", x->name, r->status, x->shown);
	if (r->location[0] == '/' && r->location[1] != '/') {	/* path-absolute: same server */
		char h[sizeof(x->url.host) + 8];
		snprintf(absolute, sizeof(absolute), "%s://%s:%u%.*s", url_name(&x->url),
			 url_host_text(x->url.host, h, sizeof(h)), x->url.port,
			 (int)strcspn(r->location, "#"), r->location);
		target = absolute;
	}
	/* url_parse checks every character, so the next request line stays well formed */
	if (url_parse(target, strcspn(target, "#"), &next, e) < 0 || next.scheme != URL_HTTP)
		return nb_fail(e, -EPROTO, "%s: redirect to '%.200s' from %s: expected an http(s):// URL or an absolute path",
			       x->name, r->location, x->shown);
	if (x->url.tls && !next.tls)
		return nb_fail(e, -EKEYREJECTED, "%s: redirect from %s to plain http refused ('%.200s'): it would drop the server's authentication",
			       x->name, x->shown, r->location);
	x->url = next;
	url_format(&x->url, x->shown, sizeof(x->shown));
	if (x->o->log)
		fprintf(x->o->log, "netboot: http: %s redirected to %s\n", x->name, x->shown);
	return 0;
}

/* Hands the connection back for the next request (keep-alive). */
static void keep_connection(struct http_xfer *x)
{
	struct http_keepalive *ka = x->o->keepalive;
	snprintf(ka->host, sizeof(ka->host), "%s", conn_host(x));
	ka->port = conn_port(x);
	ka->tls = x->url.tls;
	ka->c = x->c;
	x->c = (struct conn){ -1, NULL };
}

/* Reads and drops a small error body so the connection can serve the next
 * request: a 404 for one checksum name is followed by the next name, and a
 * new connection would cost a handshake each (slow start too). */
static void discard_error_body(struct http_xfer *x, const struct http_response *r)
{
	uint64_t left = r->content_length;
	if (r->close || r->chunked || left == HTTP_NO_LENGTH || left > 16384 || !x->o->keepalive)
		return;
	while (left) {
		if (!x->have && fill(x) <= 0)
			return;
		size_t take = x->have < left ? x->have : (size_t)left;
		consume(x, take);
		left -= take;
	}
	if (!x->have)
		keep_connection(x);
}

/* Maps a final non-success status to an errno and a message. */
static int status_error(struct http_xfer *x, const struct http_response *r, struct errbuf *e)
{
	/* only what may pass is retried: 5xx, 408 Request Timeout, 429 Too Many Requests */
	int rc = r->status == 404 || r->status == 410 ? -ENOENT
		: r->status == 401 || r->status == 403 ? -EACCES
		: r->status >= 500 || r->status == 408 || r->status == 429 ? -EAGAIN : -EPROTO;
	return nb_fail(e, rc, "%s: HTTP %d %s from %s", x->name, r->status,
		       r->reason[0] ? r->reason : http_status_text(r->status), x->shown);
}

static void keep_validator(struct http_xfer *x, const struct http_response *r)
{
	const char *v = http_validator(r);
	snprintf(x->validator, sizeof(x->validator), "%s", v ? v : "");
}

/* A 206 whose strong ETag differs from the one of the bytes we hold is
 * another version (a server that ignores If-Range): drop what we have and
 * start over rather than splice. */
static int check_validator(struct http_xfer *x, const struct http_response *r, uint64_t resume, struct errbuf *e)
{
	int rc;
	if (r->status != 206 || !resume || !r->etag[0] || strncmp(r->etag, "W/", 2) == 0 ||
	    x->validator[0] != '"' || strcmp(r->etag, x->validator) == 0)
		return 0;
	if ((rc = sink_restart(x->s, e)) < 0)
		return rc;
	x->s->expected = 0;
	x->validator[0] = '\0';
	return nb_fail(e, -EIO, "%s: changed on the server (ETag %.60s, was another) at %s; starting over from byte 0",
		       x->name, r->etag, x->shown);
}

/* The GET on an open (or reused) connection, from byte `resume`. */
static int send_request(struct http_xfer *x, uint64_t resume, struct errbuf *e)
{
	char req[URL_TEXT_MAX + 512], target[URL_TEXT_MAX];
	int rc, n;

	if ((rc = open_connection(x, e)) < 0)
		return rc;
	if (x->via_proxy && !x->url.tls)	/* absolute form; through a CONNECT tunnel the origin's */
		snprintf(target, sizeof(target), "%s", x->shown);
	else
		snprintf(target, sizeof(target), "%s", x->url.path);
	n = http_build_get_span(req, sizeof(req), x->url.host, x->url.port, target, x->base + resume, x->last,
				x->validator);
	if (n < 0)
		return nb_fail(e, -EINVAL, "%s: URL too long for a request", x->name);
	if ((rc = conn_write_all(&x->c, req, (size_t)n, x->timeout_ms)) < 0)
		return broken(x, rc, e);
	return 0;
}

/* The whole image's size a 200 or 206 announces (HTTP_NO_LENGTH when
 * unknown) into *total: a 206 must continue at `resume`, a 200 to a resumed
 * request starts over; the size may not change between tries. */
static int body_total(struct http_xfer *x, const struct http_response *r, uint64_t resume, uint64_t *total,
		      struct errbuf *e)
{
	int rc;

	*total = r->content_length;
	if (x->last != HTTP_RANGE_OPEN) {	/* http_get_range: exactly the span asked, nothing else will do */
		uint64_t want = x->last - x->base + 1 - resume;
		if (r->status != 206 || !r->has_range || r->range_start != x->base + resume || r->range_end != x->last ||
		    (r->content_length != HTTP_NO_LENGTH && r->content_length != want))
			return r->status == 200
				? nb_fail(e, -EPROTO, "%s: asked for bytes %llu-%llu, got the whole file from %s (the server "
					  "ignores Range requests)", x->name, (unsigned long long)(x->base + resume),
					  (unsigned long long)x->last, x->shown)
				: nb_fail(e, -EPROTO, "%s: asked for bytes %llu-%llu, got %llu-%llu (%llu bytes) from %s", x->name,
					  (unsigned long long)(x->base + resume), (unsigned long long)x->last,
					  (unsigned long long)r->range_start, (unsigned long long)r->range_end,
					  (unsigned long long)r->content_length, x->shown);
		x->file_size = r->range_total;
		*total = x->last - x->base + 1;
		return 0;
	}
	if (r->status == 206) {
		if (!r->has_range || r->range_start != resume ||
		    (r->range_total && r->range_end + 1 != r->range_total) ||
		    (r->content_length != HTTP_NO_LENGTH && r->content_length != r->range_end - r->range_start + 1))
			return nb_fail(e, -EPROTO, "%s: asked for bytes %llu to the end, got another range from %s", x->name,
				       (unsigned long long)resume, x->shown);
		*total = r->range_total ? r->range_total : HTTP_NO_LENGTH;
	} else if (resume) {
		if (x->o->log)
			fprintf(x->o->log, "netboot: http: %s: %s, restarting from zero\n", x->name,
				x->validator[0] ? "changed on the server (If-Range did not match)" : "server ignored Range");
		if ((rc = sink_restart(x->s, e)) < 0)
			return rc;
		x->s->expected = 0;	/* a changed file may have another size */
	}
	if (r->status == 200 || !x->validator[0])
		keep_validator(x, r);
	if (x->s->expected && *total != HTTP_NO_LENGTH && *total != x->s->expected)
		return nb_fail(e, -EPROTO, "%s: size changed from %llu to %llu bytes between tries at %s", x->name,
			       (unsigned long long)x->s->expected, (unsigned long long)*total, x->shown);
	return 0;
}

/* The body into the sink (chunked, by length, or to the close), checked
 * against the expected size; the connection kept when it may be. */
static int copy_response(struct http_xfer *x, struct http_response *r, struct errbuf *e)
{
	int rc;

	if (r->chunked)
		rc = copy_chunked(x, e);
	else if (r->content_length != HTTP_NO_LENGTH)
		rc = copy_body(x, r->content_length, e);
	else {
		rc = copy_body(x, HTTP_NO_LENGTH, e);	/* without a length, only the close ends the body */
		r->close = true;
	}
	if (rc < 0)
		return rc;
	/* every path above may end early on a lying server: the size is the last word */
	if (x->s->expected && x->s->written != x->s->expected)
		return nb_fail(e, -EIO, "%s: got %llu of %llu bytes from %s", x->name,
			       (unsigned long long)x->s->written, (unsigned long long)x->s->expected, x->shown);
	if (!r->close && x->o->keepalive && !x->have)
		keep_connection(x);
	return 0;
}

/* One request/response.  Returns 0 when done, 1 to go again at once
 * (redirect), a negative errno otherwise.  -EIO/-EAGAIN and connection
 * errors are retried by the caller. */
static int one_exchange(struct http_xfer *x, struct errbuf *e)
{
	struct http_response r;
	uint64_t resume = x->s->written, total;
	int rc;

	if ((rc = send_request(x, resume, e)) < 0 || (rc = read_head(x, &r, e)) < 0)
		return rc;
	if (r.status >= 300 && r.status < 400 && r.status != 304) {
		drop_connection(x);
		return (rc = follow_redirect(x, &r, e)) < 0 ? rc : 1;
	}
	if (r.status == 416 && resume && x->s->expected == resume)
		return 0;	/* we already had every byte */
	if (r.status != 200 && r.status != 206) {
		x->busy = r.status == 429 || r.status == 503;
		x->busy_wait_s = http_retry_wait(&r, (int64_t)time(NULL), HTTP_RETRY_AFTER_CAP_S);
		discard_error_body(x, &r);
		return status_error(x, &r, e);
	}
	if ((rc = check_validator(x, &r, resume, e)) < 0 || (rc = body_total(x, &r, resume, &total, e)) < 0 ||
	    (rc = sink_begin(x->s, total == HTTP_NO_LENGTH ? 0 : total, e)) < 0)
		return rc;
	return copy_response(x, &r, e);
}

static bool retryable(int rc)
{
	return rc == -EIO || rc == -EAGAIN || rc == -ECONNREFUSED || rc == -ECONNRESET || rc == -ETIMEDOUT ||
	       rc == -EHOSTUNREACH || rc == -ENETUNREACH || rc == -EPIPE;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* 429/503: the server's Retry-After, else the backoff; one console line. */
static void wait_busy(struct http_xfer *x, int busy, unsigned *delay_ms, struct errbuf *e)
{
	unsigned ms = x->busy_wait_s >= 0 ? (unsigned)x->busy_wait_s * 1000 : *delay_ms;
	if (x->o->log)
		fprintf(x->o->log, "netboot: http: %s; server busy: waiting %.1f s (%s), wait %d of %d\n",
			e ? e->msg : "busy", ms / 1000.0, x->busy_wait_s >= 0 ? "its Retry-After" : "backoff", busy,
			HTTP_BUSY_TRIES - 1);
	if (x->busy_wait_s < 0)
		*delay_ms = *delay_ms * 2 > 8000 ? 8000 : *delay_ms * 2;
	sleep_ms(ms);
}

static int http_run(struct http_xfer *x, struct errbuf *e);

int http_get(const struct url *u, struct sink *s, const struct transport_opts *o, struct errbuf *e)
{
	struct http_xfer x = { .o = o, .s = s, .url = *u, .c = { -1, NULL }, .name = url_base_name(u->path),
			       .last = HTTP_RANGE_OPEN };
	return http_run(&x, e);
}

int http_get_range(const struct url *u, uint64_t offset, void *dst, uint32_t len, uint64_t *file_size,
		   const struct transport_opts *o, struct errbuf *e)
{
	struct sink s;
	struct http_xfer x = { .o = o, .s = &s, .url = *u, .c = { -1, NULL }, .name = url_base_name(u->path),
			       .base = offset, .last = offset + len - 1 };
	if (!len || offset > UINT64_MAX - len)
		return nb_fail(e, -EINVAL, "%s: bad range %llu+%u", x.name, (unsigned long long)offset, len);
	sink_init_mem(&s, dst, len);
	int rc = http_run(&x, e);
	if (rc == 0 && s.written != len)
		rc = nb_fail(e, -EIO, "%s: got %llu of %u bytes at %llu", x.name, (unsigned long long)s.written, len,
			     (unsigned long long)offset);
	if (file_size)
		*file_size = x.file_size;
	return rc;
}

static int http_run(struct http_xfer *xp, struct errbuf *e)
{
	struct http_xfer x = *xp;
	const struct transport_opts *o = x.o;
	int max_tries = o->max_tries > 0 ? o->max_tries : HTTP_DEFAULT_TRIES;
	int tries = 0, busy = 0, redirects = 0, rc;
	unsigned delay_ms = 500;

	x.timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : HTTP_DEFAULT_TIMEOUT_MS;
	url_format(&x.url, x.shown, sizeof(x.shown));
	if (o->proxy && *o->proxy) {
		if ((rc = url_parse(o->proxy, strlen(o->proxy), &x.peer, e)) < 0)
			return rc;
		x.via_proxy = true;
	}
	x.buf = malloc(HTTP_BUF);
	if (!x.buf)
		return nb_fail(e, -ENOMEM, "%s: out of memory", x.name);
	for (;;) {
		x.busy = false;
		rc = one_exchange(&x, e);
		drop_connection(&x);
		if (rc == 1) {
			if (++redirects > HTTP_MAX_REDIRECTS) {
				rc = nb_fail(e, -ELOOP, "%s: more than %d redirects, last to %s", x.name,
					     HTTP_MAX_REDIRECTS, x.shown);
				break;
			}
			continue;
		}
		if (rc == -EAGAIN && x.busy && ++busy < HTTP_BUSY_TRIES) {
			wait_busy(&x, busy, &delay_ms, e);
			continue;
		}
		if (rc == 0 || !retryable(rc) || ++tries >= max_tries)
			break;
		if (o->log)
			fprintf(o->log, "netboot: http: %s; retrying in %.1f s (try %d of %d)\n", e ? e->msg : "error",
				delay_ms / 1000.0, tries + 1, max_tries);
		struct timespec ts = { .tv_sec = delay_ms / 1000, .tv_nsec = (long)(delay_ms % 1000) * 1000000L };
		nanosleep(&ts, NULL);
		delay_ms = delay_ms * 2 > 8000 ? 8000 : delay_ms * 2;
	}
	free(x.buf);
	xp->file_size = x.file_size;
	return rc;
}
