/* libFuzzer harness for netboot/tftp_wire.c: every packet a peer can send
 * (DATA, ACK, ERROR, OACK, RRQ/WRQ) through the parser, the option iterator,
 * the option reader and the client's acceptance check, then a rebuild of
 * what was read; for requests also the server's side (mode, the answer to
 * the options, the OACK it builds) and its rollover-aware ACK mapping.  The input is copied to a heap buffer of its exact size so
 * ASan sees any read past the end. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "netboot/tftp_wire.h"

/* What a server does with a request: mode, option answer, OACK. */
static void check_server(const struct tftp_pkt *p)
{
	struct tftp_opts req, ans, back;
	struct tftp_pkt q;
	uint8_t out[TFTP_PKT_MAX];
	int m = tftp_mode_parse(p->mode);

	if (m != -EPROTO && (m < TFTP_MODE_NETASCII || m > TFTP_MODE_MAIL))
		abort();
	if (tftp_opts_parse(p->data, p->len, &req) < 0)
		return;
	uint16_t blk_max = (uint16_t)(p->len * 97), win_max = (uint16_t)(p->len % 70);
	tftp_opts_answer(&req, blk_max, win_max, p->len, &ans);
	if (ans.present != req.present || ans.blksize < TFTP_BLKSIZE_MIN || ans.windowsize < 1 ||
	    ((req.present & TFTP_OPT_BLKSIZE) && ans.blksize > req.blksize) ||
	    ((req.present & TFTP_OPT_BLKSIZE) && blk_max >= TFTP_BLKSIZE_MIN && ans.blksize > blk_max) ||
	    ((req.present & TFTP_OPT_WINDOWSIZE) && (ans.windowsize > req.windowsize || (win_max && ans.windowsize > win_max))))
		abort();
	int n = tftp_build_oack(out, sizeof(out), &ans);
	if (n < 0 || tftp_parse(out, (size_t)n, &q) < 0 || tftp_opts_parse(q.data, q.len, &back) < 0 ||
	    back.present != ans.present)
		abort();
}

/* The ACK mapping from the input's first bytes: any answer lies in [acked, sent]
 * and has the ACK's low 16 bits. */
static void check_ack_index(const uint8_t *d, size_t n)
{
	uint64_t acked = 0, span = 0, k;
	uint16_t block;

	if (n < 12)
		return;
	memcpy(&acked, d, 8);
	span = (uint64_t)(d[8] << 8 | d[9]);
	block = (uint16_t)(d[10] << 8 | d[11]);
	if (acked > UINT64_MAX - span)
		return;
	if (tftp_ack_index(acked, acked + span, block, &k) == 0 &&
	    (k < acked || k > acked + span || (uint16_t)k != block))
		abort();
	if (span < 65535 && tftp_ack_index(acked, acked + span, (uint16_t)(acked + span + 1), &k) == 0)
		abort();	/* one past what was sent is never acknowledged */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_opts(const uint8_t *p, size_t len)
{
	static const struct tftp_opts asked = {
		TFTP_OPT_BLKSIZE | TFTP_OPT_TIMEOUT | TFTP_OPT_TSIZE | TFTP_OPT_WINDOWSIZE, 1468, 64, 1, 0,
	};
	struct tftp_opt_iter it;
	struct tftp_opt o;
	struct tftp_opts got, use;
	struct errbuf e;
	uint8_t out[TFTP_PKT_MAX];

	tftp_opt_begin(&it, p, len);
	while (tftp_opt_next(&it, &o) > 0)
		if (o.name[o.nlen] != 0 || o.val[o.vlen] != 0 || o.val + o.vlen >= (const char *)p + len)
			abort();
	if (tftp_opts_parse(p, len, &got) < 0)
		return;
	/* the clamping promise */
	if (((got.present & TFTP_OPT_BLKSIZE) && (got.blksize < TFTP_BLKSIZE_MIN || got.blksize > TFTP_BLKSIZE_MAX)) ||
	    ((got.present & TFTP_OPT_TIMEOUT) && got.timeout < TFTP_TIMEOUT_MIN) ||
	    ((got.present & TFTP_OPT_WINDOWSIZE) && got.windowsize < TFTP_WINDOW_MIN))
		abort();
	tftp_opts_check_range(p, len, &e);
	if (tftp_opts_accept(&asked, &got, &use, &e) == 0 &&
	    (use.blksize > asked.blksize || use.windowsize > asked.windowsize || use.blksize < TFTP_BLKSIZE_MIN ||
	     use.windowsize < 1))
		abort();
	/* what was read writes back and reads the same */
	int n = tftp_build_oack(out, sizeof(out), &got);
	struct tftp_pkt p2;
	struct tftp_opts again;
	if (n < 0 || tftp_parse(out, (size_t)n, &p2) < 0 || tftp_opts_parse(p2.data, p2.len, &again) < 0 ||
	    again.present != got.present || again.blksize != got.blksize || again.windowsize != got.windowsize ||
	    again.timeout != got.timeout || again.tsize != got.tsize)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf = malloc(size ? size : 1);
	struct tftp_pkt p;
	char msg[128];

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (tftp_parse(buf, size, &p) == 0) {
		switch (p.op) {
		case TFTP_OACK:
			check_opts(p.data, p.len);
			break;
		case TFTP_RRQ:
		case TFTP_WRQ: {
			uint8_t out[TFTP_PKT_MAX];
			check_opts(p.data, p.len);
			check_server(&p);
			if (p.file[0] && strlen(p.file) + 16 < sizeof(out) &&	/* longer names cannot fit: not a bug */
			    tftp_build_rrq(out, sizeof(out), p.file, NULL) < 0)
				abort();
			break;
		}
		case TFTP_ERROR:
			nb_sanitize(msg, sizeof(msg), (const char *)p.data, p.len);
			break;
		case TFTP_DATA:
		case TFTP_ACK:
			if (p.data + p.len != buf + size)
				abort();
			break;
		}
	}
	/* the option reader also sees raw bytes, as a server reads a request */
	check_opts(buf, size);
	check_ack_index(buf, size);
	free(buf);
	return 0;
}
