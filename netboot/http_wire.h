/* HTTP/1.1 message codec shared by the client (stage 3) and the server:
 * request building and response-head, request-head and chunk-size parsing.
 * Pure functions over (buffer, length), fuzzed by http_fuzz.c.  Heads are
 * capped at HTTP_MAX_HEAD bytes and header lines at HTTP_MAX_LINE. */
#ifndef NETBOOT_HTTP_WIRE_H
#define NETBOOT_HTTP_WIRE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "netboot/errbuf.h"

#define HTTP_MAX_HEAD 16384
#define HTTP_MAX_LINE 4096
#define HTTP_NO_LENGTH UINT64_MAX

struct http_response {
	int status;			/* 100..599 */
	char reason[64];		/* sanitized */
	int minor_version;		/* HTTP/1.x */
	uint64_t content_length;	/* HTTP_NO_LENGTH if absent */
	bool chunked;
	bool close;			/* Connection: close, or HTTP/1.0 without keep-alive */
	char location[1024];		/* redirect target, sanitized, "" if none */
	bool has_range;			/* Content-Range: bytes a-b/total */
	uint64_t range_start, range_end, range_total;	/* range_total 0 = "*" */
	/* validators for If-Range, kept byte for byte: "" when absent or not
	 * printable (a validator we cannot echo exactly is no validator) */
	char etag[128];			/* with its quotes, and "W/" if weak */
	char last_modified[40];		/* an HTTP-date that parsed */
	/* Retry-After (429, 503): delay seconds, or an HTTP-date as Unix time */
	enum { HTTP_RETRY_NONE, HTTP_RETRY_DELAY, HTTP_RETRY_DATE } retry_kind;
	int64_t retry_after;
};

struct http_request {
	char method[8];			/* GET, HEAD, or any other token (the server answers 405) */
	char path[1024];		/* the raw target, not percent-decoded, sanitized */
	int minor_version;
	/* one byte range "bytes=a-b", "bytes=a-" or the suffix "bytes=-n";
	 * forms we do not take (several ranges, other units, garbage) leave
	 * has_range false: the whole file is served (RFC 9110 14.2 allows). */
	bool has_range;
	bool range_suffix;		/* "-n": the last range_end bytes */
	uint64_t range_start;
	uint64_t range_end;		/* inclusive; HTTP_NO_LENGTH = open-ended "a-" */
	bool multi_range;		/* several ranges asked: ignored, whole file */
	bool close;			/* Connection: close, or HTTP/1.0 without keep-alive */
	bool has_host;
	bool has_body;			/* Content-Length > 0 or Transfer-Encoding: cannot be skipped, close after */
	/* conditions (RFC 9110 13.1): "" / 0 when absent */
	char if_range[128];		/* an entity tag with its quotes, or an HTTP-date */
	char if_none_match[256];	/* a list of entity tags, or "*" */
	int64_t if_modified_since;	/* Unix time */
};

/* What a server answers: http_build_response_head writes the head. */
struct http_reply {
	int status;
	uint64_t content_length;	/* always sent */
	const char *content_type;	/* NULL = none */
	bool has_range;			/* 206: Content-Range: bytes a-b/total */
	bool unsatisfiable;		/* 416: Content-Range with "*" for the range, range_total */
	uint64_t range_start, range_end, range_total;
	const char *allow;		/* 405: the Allow header, NULL = none */
	bool no_store;			/* Cache-Control: no-store */
	const char *etag;		/* ETag (with its quotes), NULL = none */
	int64_t last_modified;		/* Last-Modified, Unix time; 0 = none */
	bool close;			/* Connection: close (else keep-alive) */
};

/* Parses a response head.  Returns the head length (> 0) once the blank line
 * has arrived, 0 if more bytes are needed, or a negative errno (-EPROTO,
 * -E2BIG) with e naming what was wrong. */
int http_parse_response(const char *buf, size_t len, struct http_response *r, struct errbuf *e);
/* Parses a request head: the same returns; a request target longer than
 * the path field is -ENAMETOOLONG (414), a head or line too long -E2BIG
 * (431). */
int http_parse_request(const char *buf, size_t len, struct http_request *r, struct errbuf *e);

/* The byte span a request's range selects in a file of size bytes:
 * 0 = the whole file (no usable range), 1 = a part (*start, *len set;
 * answer 206), -ERANGE = not satisfiable (answer 416). */
int http_range_resolve(const struct http_request *r, uint64_t size, uint64_t *start, uint64_t *len);

/* Writes a response head (status line, Server, Content-Length, then what
 * h asks for, blank line).  Returns its length or -ENOSPC. */
int http_build_response_head(char *buf, size_t cap, const struct http_reply *h);

/* Parses "<hex>[;ext]\r\n" at the start of buf.  Returns the line length,
 * 0 if incomplete, or -EPROTO. */
int http_parse_chunk_size(const char *buf, size_t len, uint64_t *size, struct errbuf *e);

/* Writes a GET request.  target is the path, or the absolute URL through a
 * proxy.  range_from > 0 adds "Range: bytes=<n>-", and then if_range (not
 * NULL or "") adds "If-Range: <if_range>": a cache whose file changed
 * answers 200 with the whole new file instead of splicing two versions.
 * Returns the length or -ENOSPC. */
int http_build_get(char *buf, size_t cap, const char *host, uint16_t port, const char *target,
		   uint64_t range_from, const char *if_range);
/* The same for bytes from..last (inclusive) of the file; last
 * HTTP_RANGE_OPEN: to the end.  from 0 and last open: no Range header. */
#define HTTP_RANGE_OPEN UINT64_MAX
int http_build_get_span(char *buf, size_t cap, const char *host, uint16_t port, const char *target,
			uint64_t from, uint64_t last, const char *if_range);

/* The validator to send in If-Range: the ETag if strong (RFC 9110 13.1.5
 * forbids weak ones), else Last-Modified, else NULL. */
const char *http_validator(const struct http_response *r);

/* Unix time t as an IMF-fixdate into buf (30 bytes). */
void http_format_date(int64_t t, char *buf, size_t cap);

/* Whether a stored entity tag list (If-None-Match: "a", W/"b", or "*")
 * holds etag under the weak comparison (RFC 9110 8.8.3.2). */
bool http_etag_listed(const char *list, const char *etag);

/* Parses an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") into Unix time.
 * 0, or -EINVAL.  The obsolete RFC 850 and asctime forms are refused. */
int http_parse_date(const char *s, size_t n, int64_t *t);

/* Seconds to wait before retrying after r (429/503), given the time now:
 * its Retry-After bounded to [0, cap], or -1 when it has none. */
long http_retry_wait(const struct http_response *r, int64_t now, long cap);

const char *http_status_text(int status);
#endif
