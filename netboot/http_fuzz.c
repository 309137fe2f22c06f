/* libFuzzer: the HTTP codec and the URL parser on arbitrary bytes. */
#include <stdint.h>
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
	http_parse_request((const char *)data, size, &q, &e);
	http_parse_chunk_size((const char *)data, size, &n, &e);
	if (url_parse((const char *)data, size, &u, &e) == 0) {
		char decoded[sizeof(u.path)];
		url_decode_path(u.path, decoded, sizeof(decoded));
	}
	return 0;
}
