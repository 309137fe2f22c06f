#include "netboot/http_wire.h"
#include "netboot/civil_date.h"
#include "netboot/url.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Finds the end of the head ("\r\n\r\n", tolerating bare "\n\n"). Returns
 * the head length including the blank line, 0 if not there yet. */
static size_t head_length(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (i + 1 < len && buf[i + 1] == '\n')
			return i + 2;
		if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/* Parses a decimal that must fill [p, end) exactly, without overflow. */
static bool parse_u64(const char *p, const char *end, uint64_t *out)
{
	uint64_t v = 0;
	if (p == end)
		return false;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9' || v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*out = v;
	return true;
}

static void trim(const char **p, const char **end)
{
	while (*p < *end && (**p == ' ' || **p == '\t'))
		(*p)++;
	while (*end > *p && ((*end)[-1] == ' ' || (*end)[-1] == '\t' || (*end)[-1] == '\r'))
		(*end)--;
}

static bool value_has_token(const char *p, const char *end, const char *token)
{
	size_t n = strlen(token);
	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *tend = comma ? comma : end;
		const char *a = p, *b = tend;
		trim(&a, &b);
		if ((size_t)(b - a) == n && strncasecmp(a, token, n) == 0)
			return true;
		p = comma ? comma + 1 : end;
	}
	return false;
}

/* "bytes a-b/total", or a "*" total */
static bool parse_content_range(const char *p, const char *end, struct http_response *r)
{
	const char *dash, *slash;
	if (end - p < 6 || strncasecmp(p, "bytes ", 6) != 0)
		return false;
	p += 6;
	dash = memchr(p, '-', (size_t)(end - p));
	slash = dash ? memchr(dash, '/', (size_t)(end - dash)) : NULL;
	if (!dash || !slash || !parse_u64(p, dash, &r->range_start) || !parse_u64(dash + 1, slash, &r->range_end) ||
	    r->range_end < r->range_start)
		return false;
	if (end - slash == 2 && slash[1] == '*')
		r->range_total = 0;
	else if (!parse_u64(slash + 1, end, &r->range_total) || r->range_total <= r->range_end)
		return false;
	r->has_range = true;
	return true;
}

/* Printable ASCII without controls; blanks allowed or not. */
static bool printable(const char *p, const char *end, bool blanks)
{
	for (; p < end; p++)
		if ((unsigned char)*p < (blanks ? 0x20 : 0x21) || (unsigned char)*p > 0x7e)
			return false;
	return true;
}

/* Copies [p, end) into dst when it fits and is printable, else leaves "". */
static void keep_exact(char *dst, size_t cap, const char *p, const char *end, bool blanks)
{
	size_t n = (size_t)(end - p);
	if (n && n < cap && printable(p, end, blanks)) {
		memcpy(dst, p, n);
		dst[n] = '\0';
	}
}

/* Two decimal digits at p, or -1. */
static int two_digits(const char *p)
{
	return p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9' ? (p[0] - '0') * 10 + (p[1] - '0') : -1;
}


int http_parse_date(const char *s, size_t n, int64_t *t)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	static const char days[] = "SunMonTueWedThuFriSat";
	int mon = -1;
	/* "Sun, 06 Nov 1994 08:49:37 GMT": 29 bytes, fixed positions */
	if (n != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' ||
	    s[19] != ':' || s[22] != ':' || s[25] != ' ' || memcmp(s + 26, "GMT", 3) != 0)
		return -EINVAL;
	bool day_ok = false;
	for (int i = 0; i < 7; i++)
		day_ok |= memcmp(s, days + 3 * i, 3) == 0;
	for (int i = 0; i < 12; i++)
		if (memcmp(s + 8, months + 3 * i, 3) == 0)
			mon = i + 1;
	int d = two_digits(s + 5), yh = two_digits(s + 12), yl = two_digits(s + 14);
	int hh = two_digits(s + 17), mm = two_digits(s + 20), ss = two_digits(s + 23);
	if (!day_ok || mon < 0 || d < 1 || d > 31 || yh < 0 || yl < 0 || hh < 0 || hh > 23 || mm < 0 || mm > 59 ||
	    ss < 0 || ss > 60)
		return -EINVAL;
	*t = days_from_civil(yh * 100 + yl, mon, d) * 86400 + hh * 3600 + mm * 60 + ss;
	return 0;
}

/* "120" or an HTTP-date; anything else is ignored: the status still says retry. */
static void parse_retry_after(const char *p, const char *end, struct http_response *r)
{
	uint64_t secs;
	int64_t t;
	if (parse_u64(p, end, &secs)) {
		r->retry_kind = HTTP_RETRY_DELAY;
		r->retry_after = secs > INT32_MAX ? INT32_MAX : (int64_t)secs;
	} else if (http_parse_date(p, (size_t)(end - p), &t) == 0) {
		r->retry_kind = HTTP_RETRY_DATE;
		r->retry_after = t;
	}
}

const char *http_validator(const struct http_response *r)
{
	if (r->etag[0] && strncmp(r->etag, "W/", 2) != 0)
		return r->etag;
	return r->last_modified[0] ? r->last_modified : NULL;
}

long http_retry_wait(const struct http_response *r, int64_t now, long cap)
{
	int64_t w;
	if (r->retry_kind == HTTP_RETRY_DELAY)
		w = r->retry_after;
	else if (r->retry_kind == HTTP_RETRY_DATE)
		w = r->retry_after - now;
	else
		return -1;
	return w < 0 ? 0 : w > cap ? cap : (long)w;
}

static int header_line(const char *p, const char *end, struct http_response *r, bool *keep_alive,
		       struct errbuf *e)
{
	const char *colon = memchr(p, ':', (size_t)(end - p));
	char shown[80];
	if (!colon || colon == p) {
		nb_sanitize(shown, sizeof(shown), p, (size_t)(end - p));
		return nb_fail(e, -EPROTO, "HTTP: expected 'Name: value' header, got '%s'", shown);
	}
	const char *name = p, *name_end = colon, *v = colon + 1, *vend = end;
	size_t n = (size_t)(name_end - name);
	trim(&v, &vend);
#define IS(h) (n == sizeof(h) - 1 && strncasecmp(name, h, n) == 0)
	if (IS("Content-Length")) {
		uint64_t len;
		if (!parse_u64(v, vend, &len)) {
			nb_sanitize(shown, sizeof(shown), v, (size_t)(vend - v));
			return nb_fail(e, -EPROTO, "HTTP: Content-Length '%s' is not a number", shown);
		}
		if (r->content_length != HTTP_NO_LENGTH && r->content_length != len)
			return nb_fail(e, -EPROTO, "HTTP: two different Content-Length headers");
		r->content_length = len;
	} else if (IS("Transfer-Encoding")) {
		/* only "chunked" (or "identity"): "gzip, chunked" would land compressed bytes in the image */
		if ((size_t)(vend - v) == 7 && strncasecmp(v, "chunked", 7) == 0)
			r->chunked = true;
		else if (!((size_t)(vend - v) == 8 && strncasecmp(v, "identity", 8) == 0)) {
			nb_sanitize(shown, sizeof(shown), v, (size_t)(vend - v));
			return nb_fail(e, -EPROTO, "HTTP: unsupported Transfer-Encoding '%s', expected chunked", shown);
		}
	} else if (IS("Connection")) {
		if (value_has_token(v, vend, "close"))
			r->close = true;
		if (value_has_token(v, vend, "keep-alive"))
			*keep_alive = true;
	} else if (IS("Location")) {
		nb_sanitize(r->location, sizeof(r->location), v, (size_t)(vend - v));
	} else if (IS("ETag")) {
		keep_exact(r->etag, sizeof(r->etag), v, vend, false);
	} else if (IS("Last-Modified")) {
		int64_t t;
		if (http_parse_date(v, (size_t)(vend - v), &t) == 0)
			keep_exact(r->last_modified, sizeof(r->last_modified), v, vend, true);
	} else if (IS("Retry-After")) {
		parse_retry_after(v, vend, r);
	} else if (IS("Content-Range")) {
		if (!parse_content_range(v, vend, r)) {
			nb_sanitize(shown, sizeof(shown), v, (size_t)(vend - v));
			return nb_fail(e, -EPROTO, "HTTP: Content-Range '%s', expected 'bytes a-b/total'", shown);
		}
	}
#undef IS
	return 0;
}

int http_parse_response(const char *buf, size_t len, struct http_response *r, struct errbuf *e)
{
	size_t head = head_length(buf, len > HTTP_MAX_HEAD ? HTTP_MAX_HEAD : len);
	const char *p = buf, *end, *eol;
	char shown[80];
	bool keep_alive = false;
	int rc;

	memset(r, 0, sizeof(*r));
	r->content_length = HTTP_NO_LENGTH;
	if (len >= 5 && memcmp(buf, "HTTP/", 5) != 0) {
		nb_sanitize(shown, sizeof(shown), buf, len < 40 ? len : 40);
		return nb_fail(e, -EPROTO, "expected an HTTP response ('HTTP/1.1 200 OK'), got '%s'", shown);
	}
	if (!head)
		return len >= HTTP_MAX_HEAD ? nb_fail(e, -E2BIG, "HTTP: response head longer than %d bytes", HTTP_MAX_HEAD) : 0;
	end = buf + head;
	eol = memchr(p, '\n', (size_t)(end - p));
	/* status line: HTTP/1.x SP 3DIGIT SP reason */
	if (eol - p < 12 || memcmp(p, "HTTP/1.", 7) != 0 || (p[7] != '0' && p[7] != '1') || p[8] != ' ' ||
	    p[9] < '1' || p[9] > '5' || p[10] < '0' || p[10] > '9' || p[11] < '0' || p[11] > '9' ||
	    (eol - p > 12 && p[12] != ' ' && p[12] != '\r')) {
		nb_sanitize(shown, sizeof(shown), p, (size_t)(eol - p));
		return nb_fail(e, -EPROTO, "HTTP: malformed status line '%s', expected 'HTTP/1.1 <code> <reason>'", shown);
	}
	r->minor_version = p[7] - '0';
	r->status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
	{
		const char *rs = p + 12, *re = eol;
		trim(&rs, &re);
		nb_sanitize(r->reason, sizeof(r->reason), rs, (size_t)(re - rs));
	}
	for (p = eol + 1; p < end; p = eol + 1) {
		eol = memchr(p, '\n', (size_t)(end - p));
		const char *lend = eol;
		if (lend > p && lend[-1] == '\r')
			lend--;
		if (lend == p)
			break;	/* blank line */
		if (eol - p > HTTP_MAX_LINE)
			return nb_fail(e, -E2BIG, "HTTP: header line longer than %d bytes", HTTP_MAX_LINE);
		if (*p == ' ' || *p == '\t')
			return nb_fail(e, -EPROTO, "HTTP: folded header lines are not accepted");
		if ((rc = header_line(p, lend, r, &keep_alive, e)) < 0)
			return rc;
	}
	if (r->minor_version == 0 && !keep_alive)
		r->close = true;
	if (r->chunked)		/* RFC 9112 6.3: chunked wins over Content-Length */
		r->content_length = HTTP_NO_LENGTH;
	return (int)head;
}

/* "bytes=a-b", "bytes=a-", "bytes=-n": one range into r; several ranges
 * set multi_range; anything else is ignored (whole file).  A repeated Range
 * header replaces the earlier one, and r is written only when it parsed:
 * a bad second header must not leave a start past the first one's end. */
static void parse_range(const char *v, const char *end, struct http_request *r)
{
	const char *dash;
	uint64_t a, b = HTTP_NO_LENGTH;
	r->has_range = r->range_suffix = false;
	if (end - v < 7 || strncasecmp(v, "bytes=", 6) != 0)
		return;
	v += 6;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	if (memchr(v, ',', (size_t)(end - v))) {
		r->multi_range = true;
		return;
	}
	if (!(dash = memchr(v, '-', (size_t)(end - v))))
		return;
	if (dash == v) {	/* suffix: the last n bytes; "-0" asks for nothing */
		if (!parse_u64(dash + 1, end, &b))
			return;
		r->range_suffix = true;
		r->range_start = 0;
		r->range_end = b;
		r->has_range = true;
		return;
	}
	if (!parse_u64(v, dash, &a))
		return;
	if (dash + 1 < end && (!parse_u64(dash + 1, end, &b) || b < a))
		return;
	r->range_start = a;
	r->range_end = b;
	r->has_range = true;
}

/* One "Name: value" line of a request head into r. */
static int request_header(const char *p, const char *lend, struct http_request *r, struct errbuf *e)
{
	const char *colon = memchr(p, ':', (size_t)(lend - p)), *v;
	if (!colon || colon == p)
		return nb_fail(e, -EPROTO, "HTTP: expected 'Name: value' header in request");
	v = colon + 1;
	trim(&v, &lend);
	size_t n = (size_t)(colon - p);
#define IS(h) (n == sizeof(h) - 1 && strncasecmp(p, h, n) == 0)
	if (IS("Range")) {
		parse_range(v, lend, r);
	} else if (IS("Connection")) {
		if (value_has_token(v, lend, "close"))
			r->close = true;
		else if (value_has_token(v, lend, "keep-alive"))
			r->close = false;
	} else if (IS("Host")) {
		r->has_host = true;
	} else if (IS("If-Range")) {
		keep_exact(r->if_range, sizeof(r->if_range), v, lend, true);
	} else if (IS("If-None-Match")) {
		keep_exact(r->if_none_match, sizeof(r->if_none_match), v, lend, true);
	} else if (IS("If-Modified-Since")) {
		int64_t t;
		if (http_parse_date(v, (size_t)(lend - v), &t) == 0)
			r->if_modified_since = t;
	} else if (IS("Transfer-Encoding")) {
		r->has_body = true;
	} else if (IS("Content-Length")) {
		uint64_t len;
		if (!parse_u64(v, lend, &len))
			return nb_fail(e, -EPROTO, "HTTP: request Content-Length is not a number");
		if (len)
			r->has_body = true;
	}
#undef IS
	return 0;
}

int http_parse_request(const char *buf, size_t len, struct http_request *r, struct errbuf *e)
{
	size_t head = head_length(buf, len > HTTP_MAX_HEAD ? HTTP_MAX_HEAD : len);
	const char *p = buf, *end, *eol, *sp1, *sp2;
	char shown[80];
	int rc;

	memset(r, 0, sizeof(*r));
	if (!head)
		return len >= HTTP_MAX_HEAD ? nb_fail(e, -E2BIG, "HTTP: request head longer than %d bytes", HTTP_MAX_HEAD) : 0;
	end = buf + head;
	eol = memchr(p, '\n', (size_t)(end - p));
	sp1 = memchr(p, ' ', (size_t)(eol - p));
	sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1)) : NULL;
	if (!sp1 || !sp2 || sp1 == p || (size_t)(sp1 - p) >= sizeof(r->method) || sp2 == sp1 + 1 || eol - sp2 < 9 ||
	    memcmp(sp2 + 1, "HTTP/1.", 7) != 0 || (sp2[8] != '0' && sp2[8] != '1') ||
	    (eol - sp2 > 9 && !(eol - sp2 == 10 && sp2[9] == '\r'))) {
		nb_sanitize(shown, sizeof(shown), p, (size_t)(eol - p - (eol > p && eol[-1] == '\r')));
		return nb_fail(e, -EPROTO, "HTTP: malformed request line '%s', expected 'GET /path HTTP/1.1'", shown);
	}
	memcpy(r->method, p, (size_t)(sp1 - p));
	if ((size_t)(sp2 - sp1 - 1) >= sizeof(r->path))
		return nb_fail(e, -ENAMETOOLONG, "HTTP: request target longer than %zu bytes", sizeof(r->path) - 1);
	nb_sanitize(r->path, sizeof(r->path), sp1 + 1, (size_t)(sp2 - sp1 - 1));
	r->minor_version = sp2[8] - '0';
	r->close = r->minor_version == 0;
	for (p = eol + 1; p < end; p = eol + 1) {
		eol = memchr(p, '\n', (size_t)(end - p));
		const char *lend = eol;
		if (lend > p && lend[-1] == '\r')
			lend--;
		if (lend == p)
			break;
		if (eol - p > HTTP_MAX_LINE)
			return nb_fail(e, -E2BIG, "HTTP: request header line longer than %d bytes", HTTP_MAX_LINE);
		if (*p == ' ' || *p == '\t')
			return nb_fail(e, -EPROTO, "HTTP: folded header lines are not accepted");
		if ((rc = request_header(p, lend, r, e)) < 0)
			return rc;
	}
	return (int)head;
}

int http_range_resolve(const struct http_request *r, uint64_t size, uint64_t *start, uint64_t *len)
{
	if (!r->has_range)
		return 0;
	if (r->range_suffix) {
		if (r->range_end == 0 || size == 0)
			return -ERANGE;
		*len = r->range_end < size ? r->range_end : size;
		*start = size - *len;
		return 1;
	}
	if (r->range_end < r->range_start)	/* not from parse_range; whole file */
		return 0;
	if (r->range_start >= size)
		return -ERANGE;
	uint64_t last = r->range_end >= size ? size - 1 : r->range_end;
	*start = r->range_start;
	*len = last - r->range_start + 1;
	return 1;
}

void http_format_date(int64_t t, char *buf, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;
	static const char days[] = "SunMonTueWedThuFriSat", months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	gmtime_r(&tt, &tm);
	snprintf(buf, cap, "%.3s, %02d %.3s %04d %02d:%02d:%02d GMT", days + 3 * tm.tm_wday, tm.tm_mday,
		 months + 3 * tm.tm_mon, tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

bool http_etag_listed(const char *list, const char *etag)
{
	if (!strcmp(list, "*"))
		return true;
	if (!strncmp(etag, "W/", 2))
		etag += 2;
	size_t el = strlen(etag);
	for (const char *p = list; *p;) {
		p += strspn(p, " \t,");
		if (!strncmp(p, "W/", 2))
			p += 2;
		size_t n = strcspn(p, " \t,");
		if (n == el && !memcmp(p, etag, n))
			return true;
		p += n;
	}
	return false;
}

int http_build_response_head(char *buf, size_t cap, const struct http_reply *h)
{
	char type[96] = "", range[96] = "", allow[64] = "", valid[200] = "", date[40];
	if (h->etag || h->last_modified) {
		http_format_date(h->last_modified, date, sizeof(date));
		snprintf(valid, sizeof(valid), "%s%.128s%s%s%s", h->etag ? "ETag: " : "", h->etag ? h->etag : "",
			 h->etag ? "\r\n" : "", h->last_modified ? "Last-Modified: " : "", h->last_modified ? date : "");
		if (h->last_modified)
			strcat(valid, "\r\n");
	}
	if (h->content_type)
		snprintf(type, sizeof(type), "Content-Type: %s\r\n", h->content_type);
	if (h->has_range)
		snprintf(range, sizeof(range), "Content-Range: bytes %llu-%llu/%llu\r\n",
			 (unsigned long long)h->range_start, (unsigned long long)h->range_end,
			 (unsigned long long)h->range_total);
	else if (h->unsatisfiable)
		snprintf(range, sizeof(range), "Content-Range: bytes */%llu\r\n", (unsigned long long)h->range_total);
	if (h->allow)
		snprintf(allow, sizeof(allow), "Allow: %s\r\n", h->allow);
	int n = snprintf(buf, cap,
			 "HTTP/1.1 %d %s\r\nServer: netboot\r\nContent-Length: %llu\r\n%s%sAccept-Ranges: bytes\r\n%s%s%s"
			 "Connection: %s\r\n\r\n",
			 h->status, http_status_text(h->status), (unsigned long long)h->content_length, type, range, allow,
			 valid, h->no_store ? "Cache-Control: no-store\r\n" : "", h->close ? "close" : "keep-alive");
	return (n < 0 || (size_t)n >= cap) ? -ENOSPC : n;
}

int http_parse_chunk_size(const char *buf, size_t len, uint64_t *size, struct errbuf *e)
{
	uint64_t v = 0;
	size_t i = 0;
	const char *nl = memchr(buf, '\n', len > HTTP_MAX_LINE ? HTTP_MAX_LINE : len);
	if (!nl)
		return len >= HTTP_MAX_LINE ? nb_fail(e, -EPROTO, "HTTP: chunk-size line too long") : 0;
	for (; buf + i < nl; i++) {
		char c = buf[i];
		int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10
			: (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
		if (d < 0)
			break;
		if (v >> 60)
			return nb_fail(e, -EPROTO, "HTTP: chunk size overflows 64 bits");
		v = v << 4 | (uint64_t)d;
	}
	if (i == 0 || (buf[i] != ';' && buf[i] != '\r' && buf[i] != '\n' && buf[i] != ' ' && buf[i] != '\t')) {
		char shown[40];
		nb_sanitize(shown, sizeof(shown), buf, (size_t)(nl - buf));
		return nb_fail(e, -EPROTO, "HTTP: expected a hex chunk size, got '%s'", shown);
	}
	if (v >= HTTP_NO_LENGTH)	/* that value means "until close" to the body reader */
		return nb_fail(e, -EPROTO, "HTTP: chunk size too large");
	*size = v;
	return (int)(nl - buf + 1);
}

int http_build_get(char *buf, size_t cap, const char *host, uint16_t port, const char *target,
		   uint64_t range_from, const char *if_range)
{
	return http_build_get_span(buf, cap, host, port, target, range_from, HTTP_RANGE_OPEN, if_range);
}

int http_build_get_span(char *buf, size_t cap, const char *host, uint16_t port, const char *target,
			uint64_t from, uint64_t last, const char *if_range)
{
	char range[96 + 12 + sizeof(((struct http_response *)0)->etag)] = "", span[48] = "", h[300];
	int n;
	host = url_host_text(host, h, sizeof(h));	/* Host: [2001:db8::1]:8080 */
	if (last != HTTP_RANGE_OPEN)
		snprintf(span, sizeof(span), "%llu", (unsigned long long)last);
	if (from || last != HTTP_RANGE_OPEN)
		snprintf(range, sizeof(range), "Range: bytes=%llu-%s\r\n%s%.127s%s", (unsigned long long)from, span,
			 if_range && *if_range ? "If-Range: " : "", if_range ? if_range : "",
			 if_range && *if_range ? "\r\n" : "");
	if (port == 80)
		n = snprintf(buf, cap, "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: netboot\r\nAccept: */*\r\n%s\r\n",
			     target, host, range);
	else
		n = snprintf(buf, cap, "GET %s HTTP/1.1\r\nHost: %s:%u\r\nUser-Agent: netboot\r\nAccept: */*\r\n%s\r\n",
			     target, host, port, range);
	return (n < 0 || (size_t)n >= cap) ? -ENOSPC : n;
}

const char *http_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 206: return "Partial Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 414: return "URI Too Long";
	case 416: return "Range Not Satisfiable";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}
