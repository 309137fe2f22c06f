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
};

struct http_request {
	char method[8];			/* GET or HEAD */
	char path[1024];		/* decoded of nothing: raw target, sanitized */
	int minor_version;
	bool has_range;
	uint64_t range_start;
	uint64_t range_end;		/* HTTP_NO_LENGTH = open-ended "a-" */
	bool close;
};

/* Parses a response head.  Returns the head length (> 0) once the blank line
 * has arrived, 0 if more bytes are needed, or a negative errno (-EPROTO,
 * -E2BIG) with e naming what was wrong. */
int http_parse_response(const char *buf, size_t len, struct http_response *r, struct errbuf *e);
int http_parse_request(const char *buf, size_t len, struct http_request *r, struct errbuf *e);

/* Parses "<hex>[;ext]\r\n" at the start of buf.  Returns the line length,
 * 0 if incomplete, or -EPROTO. */
int http_parse_chunk_size(const char *buf, size_t len, uint64_t *size, struct errbuf *e);

/* Writes a GET request.  target is the path, or the absolute URL through a
 * proxy.  range_from > 0 adds "Range: bytes=<n>-".  Returns the length or
 * -ENOSPC. */
int http_build_get(char *buf, size_t cap, const char *host, uint16_t port, const char *target,
		   uint64_t range_from);

const char *http_status_text(int status);
#endif
