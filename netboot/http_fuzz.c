/* libFuzzer: the HTTP codec and the URL parser on arbitrary bytes; a parsed
 * URL must come back the same through url_format. */
#include <stdint.h>
#include <string.h>
#include "netboot/http_wire.h"
#include "netboot/url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_response r;
	struct http_request q;
	struct url u;
	struct errbuf e;
	uint64_t n;
	int64_t t;
	if (http_parse_response((const char *)data, size, &r, &e) > 0) {
		/* a validator goes back out in If-Range: it must keep the request well formed */
		const char *v = http_validator(&r);
		char req[512];
		if (v && (strchr(v, '\r') || strchr(v, '\n')))
			__builtin_trap();
		if (http_build_get(req, sizeof(req), "h", 80, "/x", 1, v) > 0 && strstr(req, "\r\n\r\n") != req + strlen(req) - 4)
			__builtin_trap();
		long w = http_retry_wait(&r, 0, 120);
		if (w < -1 || w > 120)
			__builtin_trap();
	}
	if (http_parse_date((const char *)data, size, &t) == 0 && size != 29)
		__builtin_trap();
	if (http_parse_request((const char *)data, size, &q, &e) > 0) {
		uint64_t start, len;
		char head[512];
		int rc = http_range_resolve(&q, size, &start, &len);
		if (rc == 1 && (len == 0 || start + len > size || start + len < start))
			__builtin_trap();
		struct http_reply h = { .status = rc == 1 ? 206 : 200, .content_length = rc == 1 ? len : size,
					.has_range = rc == 1, .range_start = start, .range_end = start + len - 1,
					.range_total = size, .close = q.close };
		if (rc == 1 && http_build_response_head(head, sizeof(head), &h) > 0 &&
		    (http_parse_response(head, strlen(head), &r, &e) <= 0 || r.content_length != len))
			__builtin_trap();
	}
	http_parse_chunk_size((const char *)data, size, &n, &e);
	if (url_parse((const char *)data, size, &u, &e) == 0) {
		char decoded[sizeof(u.path)], text[URL_TEXT_MAX];
		struct url v;
		url_decode_path(u.path, decoded, sizeof(decoded));
		/* what url_format writes (an IPv6 host back in brackets) parses to the same URL */
		int n = url_format(&u, text, sizeof(text));
		if (n < 0 || (size_t)n >= sizeof(text) || url_parse(text, (size_t)n, &v, &e) != 0 || v.scheme != u.scheme ||
		    v.tls != u.tls || v.port != u.port || strcmp(v.host, u.host) || strcmp(v.path, u.path))
			__builtin_trap();
	}
	return 0;
}
