#include "netboot/tftp_wire.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The options this codec knows, in the order a request carries them. */
static const struct {
	const char *name;
	unsigned bit;
	uint64_t min, max;	/* clamp range; tsize is not clamped */
} known[] = {
	{ "blksize", TFTP_OPT_BLKSIZE, TFTP_BLKSIZE_MIN, TFTP_BLKSIZE_MAX },
	{ "timeout", TFTP_OPT_TIMEOUT, TFTP_TIMEOUT_MIN, TFTP_TIMEOUT_MAX },
	{ "tsize", TFTP_OPT_TSIZE, 0, UINT64_MAX },
	{ "windowsize", TFTP_OPT_WINDOWSIZE, TFTP_WINDOW_MIN, TFTP_WINDOW_MAX },
};
#define NKNOWN (sizeof(known) / sizeof(known[0]))

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void tftp_opt_begin(struct tftp_opt_iter *it, const uint8_t *p, size_t len)
{
	it->p = p;
	it->end = p ? p + len : p;
}

int tftp_opt_next(struct tftp_opt_iter *it, struct tftp_opt *o)
{
	const uint8_t *p = it->p, *nul, *val, *vnul;
	size_t rem = (size_t)(it->end - p);

	if (rem == 0)
		return 0;
	if (p[0] == 0) {
		/* an empty name: only NUL padding may follow */
		for (size_t i = 0; i < rem; i++)
			if (p[i])
				return -EPROTO;
		it->p = it->end;
		return 0;
	}
	nul = memchr(p, 0, rem);
	if (!nul)
		return -EPROTO;
	val = nul + 1;
	vnul = memchr(val, 0, (size_t)(it->end - val));
	if (!vnul)
		return -EPROTO;
	o->name = (const char *)p;
	o->nlen = (size_t)(nul - p);
	o->val = (const char *)val;
	o->vlen = (size_t)(vnul - val);
	it->p = vnul + 1;
	return 1;
}

/* Decimal digits only.  Saturates at UINT64_MAX and says so with *big. */
static int parse_num(const char *s, size_t n, uint64_t *v, int *big)
{
	uint64_t x = 0;

	*big = 0;
	if (n == 0)
		return -EPROTO;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(unsigned char)s[i] - '0';
		if (d > 9)
			return -EPROTO;
		if (x > (UINT64_MAX - d) / 10) {
			*big = 1;
			x = UINT64_MAX;
		} else if (!*big) {
			x = x * 10 + d;
		}
	}
	*v = x;
	return 0;
}

int tftp_opts_parse(const uint8_t *p, size_t len, struct tftp_opts *out)
{
	struct tftp_opt_iter it;
	struct tftp_opt o;
	int rc;

	memset(out, 0, sizeof(*out));
	tftp_opt_begin(&it, p, len);
	while ((rc = tftp_opt_next(&it, &o)) > 0) {
		size_t k;
		uint64_t v;
		int big;

		for (k = 0; k < NKNOWN; k++)
			if (strlen(known[k].name) == o.nlen && strncasecmp(o.name, known[k].name, o.nlen) == 0)
				break;
		if (k == NKNOWN)
			continue;	/* RFC 2347: unknown options are ignored */
		if (parse_num(o.val, o.vlen, &v, &big) < 0)
			return -EPROTO;
		if (big && known[k].bit == TFTP_OPT_TSIZE)
			return -EPROTO;
		v = v < known[k].min ? known[k].min : v > known[k].max ? known[k].max : v;
		out->present |= known[k].bit;	/* a repeated option: the last one counts */
		switch (known[k].bit) {
		case TFTP_OPT_BLKSIZE: out->blksize = (uint16_t)v; break;
		case TFTP_OPT_TIMEOUT: out->timeout = (uint8_t)v; break;
		case TFTP_OPT_TSIZE: out->tsize = v; break;
		case TFTP_OPT_WINDOWSIZE: out->windowsize = (uint16_t)v; break;
		}
	}
	return rc;
}

int tftp_opts_check_range(const uint8_t *p, size_t len, struct errbuf *e)
{
	struct tftp_opt_iter it;
	struct tftp_opt o;
	int rc;

	tftp_opt_begin(&it, p, len);
	while ((rc = tftp_opt_next(&it, &o)) > 0) {
		for (size_t k = 0; k < NKNOWN; k++) {
			uint64_t v;
			int big;
			if (strlen(known[k].name) != o.nlen || strncasecmp(o.name, known[k].name, o.nlen) != 0)
				continue;
			if (parse_num(o.val, o.vlen, &v, &big) < 0 || big || v < known[k].min || v > known[k].max)
				return nb_fail(e, -ERANGE, "server answered %s=%.20s, outside %llu..%llu", known[k].name,
					       o.val, (unsigned long long)known[k].min, (unsigned long long)known[k].max);
		}
	}
	return rc < 0 ? nb_fail(e, -EPROTO, "malformed option acknowledgement") : 0;
}

int tftp_opts_accept(const struct tftp_opts *asked, const struct tftp_opts *got,
		     struct tftp_opts *use, struct errbuf *e)
{
	/* what the server may answer at most: the request, or the RFC 1350
	 * behaviour for an option it brings up unasked */
	uint16_t max_blk = (asked->present & TFTP_OPT_BLKSIZE) ? asked->blksize : TFTP_BLKSIZE_DEFAULT;
	uint16_t max_win = (asked->present & TFTP_OPT_WINDOWSIZE) ? asked->windowsize : 1;

	memset(use, 0, sizeof(*use));
	use->present = got->present;
	use->blksize = TFTP_BLKSIZE_DEFAULT;
	use->windowsize = 1;
	if (got->present & TFTP_OPT_BLKSIZE) {
		if (got->blksize > max_blk)
			return nb_fail(e, -EPROTO, "server raised blksize from %u to %u", max_blk, got->blksize);
		use->blksize = got->blksize;
	}
	if (got->present & TFTP_OPT_WINDOWSIZE) {
		if (got->windowsize > max_win)
			return nb_fail(e, -EPROTO, "server raised windowsize from %u to %u", max_win, got->windowsize);
		use->windowsize = got->windowsize;
	}
	if (got->present & TFTP_OPT_TIMEOUT)
		use->timeout = got->timeout;
	if (got->present & TFTP_OPT_TSIZE)
		use->tsize = got->tsize;
	return 0;
}

int tftp_mode_parse(const char *mode)
{
	static const char *const names[] = { [TFTP_MODE_NETASCII] = "netascii", [TFTP_MODE_OCTET] = "octet",
					     [TFTP_MODE_MAIL] = "mail" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcasecmp(mode, names[i]))
			return (int)i;
	return -EPROTO;
}

void tftp_opts_answer(const struct tftp_opts *req, uint16_t blk_max, uint16_t win_max, uint64_t size,
		      struct tftp_opts *ans)
{
	if (blk_max < TFTP_BLKSIZE_MIN)
		blk_max = TFTP_BLKSIZE_MIN;
	if (win_max < TFTP_WINDOW_MIN)
		win_max = TFTP_WINDOW_MIN;
	memset(ans, 0, sizeof(*ans));
	ans->present = req->present & (TFTP_OPT_BLKSIZE | TFTP_OPT_TIMEOUT | TFTP_OPT_TSIZE | TFTP_OPT_WINDOWSIZE);
	ans->blksize = TFTP_BLKSIZE_DEFAULT;
	ans->windowsize = 1;
	if (req->present & TFTP_OPT_BLKSIZE)
		ans->blksize = req->blksize < blk_max ? req->blksize : blk_max;
	if (req->present & TFTP_OPT_WINDOWSIZE)
		ans->windowsize = req->windowsize < win_max ? req->windowsize : win_max;
	if (req->present & TFTP_OPT_TIMEOUT)
		ans->timeout = req->timeout;
	if (req->present & TFTP_OPT_TSIZE)
		ans->tsize = size;
}

int tftp_ack_index(uint64_t acked, uint64_t sent, uint16_t block, uint64_t *out)
{
	uint16_t ahead = (uint16_t)(block - (uint16_t)acked);	/* blocks past acked, mod 65536 */

	if (sent < acked || ahead > sent - acked)
		return -ERANGE;
	*out = acked + ahead;
	return 0;
}

static int check_opts(const uint8_t *p, size_t len)
{
	struct tftp_opt_iter it;
	struct tftp_opt o;
	int rc;

	tftp_opt_begin(&it, p, len);
	while ((rc = tftp_opt_next(&it, &o)) > 0)
		;
	return rc;
}

int tftp_parse(const uint8_t *buf, size_t len, struct tftp_pkt *out)
{
	const uint8_t *end = buf + len, *p, *nul;

	memset(out, 0, sizeof(*out));
	if (len < 2)
		return -EPROTO;
	out->op = get16(buf);
	switch (out->op) {
	case TFTP_RRQ:
	case TFTP_WRQ:
		p = buf + 2;
		if (!(nul = memchr(p, 0, (size_t)(end - p))))
			return -EPROTO;
		out->file = (const char *)p;
		p = nul + 1;
		if (!(nul = memchr(p, 0, (size_t)(end - p))))
			return -EPROTO;
		out->mode = (const char *)p;
		out->data = nul + 1;
		out->len = (size_t)(end - out->data);
		return check_opts(out->data, out->len);
	case TFTP_DATA:
	case TFTP_ACK:
		if (len < TFTP_HDR)
			return -EPROTO;
		out->block = get16(buf + 2);
		out->data = buf + TFTP_HDR;
		out->len = len - TFTP_HDR;
		return 0;
	case TFTP_ERROR:
		if (len < TFTP_HDR)
			return -EPROTO;
		out->code = get16(buf + 2);
		out->data = buf + TFTP_HDR;
		/* the RFC wants a NUL; some servers omit it */
		nul = memchr(out->data, 0, len - TFTP_HDR);
		out->len = nul ? (size_t)(nul - out->data) : len - TFTP_HDR;
		return 0;
	case TFTP_OACK:
		out->data = buf + 2;
		out->len = len - 2;
		return check_opts(out->data, out->len);
	default:
		return -EPROTO;
	}
}

/* Appends "s\0" at *off; -ENAMETOOLONG when it does not fit. */
static int put_str(uint8_t *buf, size_t cap, size_t *off, const char *s)
{
	size_t n = strlen(s) + 1;

	if (n > cap - *off)
		return -ENAMETOOLONG;
	memcpy(buf + *off, s, n);
	*off += n;
	return 0;
}

static int put_opts(uint8_t *buf, size_t cap, size_t *off, const struct tftp_opts *o)
{
	for (size_t k = 0; k < NKNOWN; k++) {
		unsigned long long v;
		char num[24];
		int rc;

		if (!(o->present & known[k].bit))
			continue;
		switch (known[k].bit) {
		case TFTP_OPT_BLKSIZE: v = o->blksize; break;
		case TFTP_OPT_TIMEOUT: v = o->timeout; break;
		case TFTP_OPT_TSIZE: v = o->tsize; break;
		default: v = o->windowsize; break;
		}
		snprintf(num, sizeof(num), "%llu", v);
		if ((rc = put_str(buf, cap, off, known[k].name)) < 0 || (rc = put_str(buf, cap, off, num)) < 0)
			return rc;
	}
	return 0;
}

int tftp_build_rrq(uint8_t *buf, size_t cap, const char *file, const struct tftp_opts *o)
{
	size_t off = 2;
	int rc;

	if (!file || !*file)
		return -EINVAL;
	if (cap < 2)
		return -ENAMETOOLONG;
	put16(buf, TFTP_RRQ);
	if ((rc = put_str(buf, cap, &off, file)) < 0 || (rc = put_str(buf, cap, &off, "octet")) < 0)
		return rc;
	if (o && (rc = put_opts(buf, cap, &off, o)) < 0)
		return rc;
	return (int)off;
}

int tftp_build_oack(uint8_t *buf, size_t cap, const struct tftp_opts *o)
{
	size_t off = 2;
	int rc;

	if (cap < 2)
		return -ENAMETOOLONG;
	put16(buf, TFTP_OACK);
	if ((rc = put_opts(buf, cap, &off, o)) < 0)
		return rc;
	return (int)off;
}

int tftp_build_ack(uint8_t *buf, size_t cap, uint16_t block)
{
	if (cap < TFTP_HDR)
		return -ENAMETOOLONG;
	put16(buf, TFTP_ACK);
	put16(buf + 2, block);
	return TFTP_HDR;
}

int tftp_build_data(uint8_t *buf, size_t cap, uint16_t block, const void *data, size_t len)
{
	if (cap < TFTP_HDR || len > cap - TFTP_HDR || len > TFTP_BLKSIZE_MAX)
		return -ENAMETOOLONG;
	put16(buf, TFTP_DATA);
	put16(buf + 2, block);
	if (len)
		memmove(buf + TFTP_HDR, data, len);
	return (int)(TFTP_HDR + len);
}

int tftp_build_error(uint8_t *buf, size_t cap, uint16_t code, const char *msg)
{
	size_t n = msg ? strlen(msg) : 0;

	if (cap < TFTP_HDR + 1)
		return -ENAMETOOLONG;
	if (n > cap - TFTP_HDR - 1)
		n = cap - TFTP_HDR - 1;
	put16(buf, TFTP_ERROR);
	put16(buf + 2, code);
	if (n)
		memcpy(buf + TFTP_HDR, msg, n);
	buf[TFTP_HDR + n] = 0;
	return (int)(TFTP_HDR + n + 1);
}

const char *tftp_error_name(uint16_t code)
{
	static const char *const names[] = {
		"Not defined", "File not found", "Access violation", "Disk full or allocation exceeded",
		"Illegal TFTP operation", "Unknown transfer ID", "File already exists", "No such user",
		"Option negotiation refused",
	};
	return code < sizeof(names) / sizeof(names[0]) ? names[code] : "Unknown error";
}
