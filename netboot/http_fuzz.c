/* libFuzzer: the HTTP codec and the URL parser on arbitrary bytes. */
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
	http_parse_response((const char *)data, size, &r, &e);
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
		char decoded[sizeof(u.path)];
		url_decode_path(u.path, decoded, sizeof(decoded));
	}
	return 0;
}
