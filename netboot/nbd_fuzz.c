/* libFuzzer harness for netboot/nbd_wire.c: the input is read as each thing
 * a server (or, for requests, a client) can send: the greeting, an oldstyle
 * header, an option reply header, an NBD_REP_INFO payload, an error reply,
 * the answer to NBD_OPT_EXPORT_NAME, a transmission request and a simple reply; what
 * parses is built again and must read back the same.  The input is copied
 * to a heap buffer of its exact size so ASan sees any read past the end. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "netboot/nbd_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf = malloc(size ? size : 1);
	uint8_t out[NBD_OPT_GO_MAX];
	struct errbuf e;
	char msg[256];
	uint16_t hf;
	struct nbd_opt_reply h;
	struct nbd_info in;
	struct nbd_export ex, ex2;
	struct nbd_request rq, rq2;
	struct nbd_simple_reply rp, rp2;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	int style = nbd_parse_greeting(buf, size, &hf, &e);
	if ((style == NBD_NEWSTYLE && (size < NBD_GREETING_LEN || !nbd_greeting_prefix_ok(buf, size))) ||
	    (style == NBD_OLDSTYLE && size < 16))
		abort();
	/* an oldstyle header that parses is built again: the same 28 bytes
	 * (flags' high half and the pad aside), reading back the same */
	if (nbd_parse_oldstyle(buf, size, &ex, &e) == 0 &&
	    (style != NBD_OLDSTYLE || size < NBD_OLDSTYLE_LEN || !ex.oldstyle ||
	     nbd_build_oldstyle(out, sizeof(out), ex.size, ex.flags) != NBD_OLDSTYLE_LEN || memcmp(out, buf, 24) ||
	     memcmp(out + 26, buf + 26, 2) || nbd_parse_oldstyle(out, NBD_OLDSTYLE_LEN, &ex2, &e) ||
	     ex2.size != ex.size || ex2.flags != ex.flags))
		abort();
	if (nbd_parse_opt_reply(buf, size, &h, &e) == 0) {
		if (h.len > NBD_OPT_REPLY_MAX)
			abort();
		/* the payload as it follows the header */
		const uint8_t *p = buf + NBD_OPT_REPLY_HDR_LEN;
		size_t plen = size - NBD_OPT_REPLY_HDR_LEN < h.len ? size - NBD_OPT_REPLY_HDR_LEN : h.len;
		if (h.type & NBD_REP_ERR_BIT) {
			if (nbd_rep_error(h.type, p, plen, msg, sizeof(msg)) >= 0 || strlen(msg) >= sizeof(msg))
				abort();
		} else if (h.type == NBD_REP_INFO && nbd_parse_info(p, plen, &in, &e) == 0 &&
			   in.type == NBD_INFO_BLOCK_SIZE && (!in.min_block || in.pref_block < in.min_block))
			abort();
	}
	if (nbd_parse_info(buf, size, &in, &e) == 0 && in.type == NBD_INFO_EXPORT && size != 12)
		abort();
	nbd_rep_error(size >= 4 ? (uint32_t)buf[0] << 24 | buf[1] : NBD_REP_ERR_UNKNOWN, buf, size, msg, sizeof(msg));
	nbd_parse_export_name_reply(buf, size, size & 1, &ex, &e);
	if (nbd_parse_request(buf, size, &rq, &e) == 0 &&
	    (nbd_build_request(out, sizeof(out), &rq) != NBD_REQUEST_LEN || memcmp(out, buf, NBD_REQUEST_LEN) ||
	     nbd_parse_request(out, NBD_REQUEST_LEN, &rq2, &e) || rq2.flags != rq.flags || rq2.type != rq.type ||
	     rq2.cookie != rq.cookie || rq2.offset != rq.offset || rq2.len != rq.len))
		abort();
	if (nbd_parse_simple_reply(buf, size, &rp, &e) == 0 &&
	    (nbd_build_simple_reply(out, sizeof(out), &rp) != NBD_SIMPLE_REPLY_LEN ||
	     memcmp(out, buf, NBD_SIMPLE_REPLY_LEN) || nbd_parse_simple_reply(out, 16, &rp2, &e) ||
	     rp2.cookie != rp.cookie || rp2.error != rp.error))
		abort();
	/* the server's parsers: what a client sends */
	uint32_t cf;
	struct nbd_opt_request oq;
	static struct nbd_opt_go go;
	nbd_parse_client_flags(buf, size, &cf, &e);
	int orc = nbd_parse_opt_request(buf, size, &oq, &e);
	if ((orc == 0 && oq.len > NBD_OPT_DATA_MAX) || (orc == -EMSGSIZE && oq.len <= NBD_OPT_DATA_MAX))
		abort();
	if (nbd_parse_opt_go(buf, size, &go, &e) == 0 &&
	    (go.name_len > NBD_NAME_MAX || strlen(go.name) != go.name_len || 6u + go.name_len + 2u * go.nreqs != size))
		abort();
	/* the input as an export name: the builders bound it */
	char name[NBD_NAME_MAX + 8];
	size_t n = size < sizeof(name) - 1 ? size : sizeof(name) - 1;
	memcpy(name, buf, n);
	name[n] = 0;
	int len = nbd_build_opt_go(out, sizeof(out), name, size & 2);
	if (len < 0 ? strlen(name) <= NBD_NAME_MAX : (size_t)len > sizeof(out))
		abort();
	len = nbd_build_rep_server(out, sizeof(out), name);
	if (len >= 0 && (size_t)len != 24 + strlen(name))
		abort();
	len = nbd_build_opt_export_name(out, sizeof(out), name);
	if (len >= 0 && (size_t)len != 16 + strlen(name))
		abort();
	free(buf);
	return 0;
}
