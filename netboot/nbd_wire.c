/* NBD wire format: see nbd_wire.h.  Byte loads and stores only. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "netboot/nbd_wire.h"

static uint16_t ld16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t ld32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static uint64_t ld64(const uint8_t *p) { return (uint64_t)ld32(p) << 32 | ld32(p + 4); }
static void st16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void st32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}
static void st64(uint8_t *p, uint64_t v) { st32(p, (uint32_t)(v >> 32)); st32(p + 4, (uint32_t)v); }

static const uint8_t nbdmagic[8] = { 'N', 'B', 'D', 'M', 'A', 'G', 'I', 'C' };

/* A peer's first bytes for a message, NULs included as '?' (nb_sanitize
 * stops at a NUL, and binary peers start with one). */
static void show_bytes(char *dst, size_t cap, const uint8_t *p, size_t len)
{
	size_t i;
	for (i = 0; i < len && i + 1 < cap; i++)
		dst[i] = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '?';
	dst[i] = '\0';
}

int nbd_greeting_prefix_ok(const uint8_t *buf, size_t len)
{
	return memcmp(buf, nbdmagic, len < 8 ? len : 8) == 0;
}

int nbd_parse_greeting(const uint8_t *buf, size_t len, uint16_t *hflags, struct errbuf *e)
{
	char shown[24];

	if (len < 8 || !nbd_greeting_prefix_ok(buf, len)) {
		show_bytes(shown, sizeof(shown), buf, len < 16 ? len : 16);
		return nb_fail(e, -EPROTO, "not an NBD server (no NBDMAGIC greeting; it sent '%s', %zu bytes)", shown,
			       len);
	}
	if (len >= 16 && ld64(buf + 8) == NBD_OLDSTYLE_MAGIC)
		return NBD_OLDSTYLE;
	if (len < NBD_GREETING_LEN)
		return nb_fail(e, -EPROTO, "NBD greeting cut short: %zu of %d bytes", len, NBD_GREETING_LEN);
	if (ld64(buf + 8) != NBD_IHAVEOPT)
		return nb_fail(e, -EPROTO, "NBD greeting: unknown second magic 0x%016llx (want IHAVEOPT)",
			       (unsigned long long)ld64(buf + 8));
	*hflags = ld16(buf + 16);
	return NBD_NEWSTYLE;
}

int nbd_parse_oldstyle(const uint8_t *buf, size_t len, struct nbd_export *out, struct errbuf *e)
{
	if (len < 16 || !nbd_greeting_prefix_ok(buf, len) || ld64(buf + 8) != NBD_OLDSTYLE_MAGIC)
		return nb_fail(e, -EPROTO, "not an oldstyle NBD header");
	if (len < NBD_OLDSTYLE_LEN)
		return nb_fail(e, -EPROTO, "oldstyle NBD header cut short: %zu of %d bytes", len, NBD_OLDSTYLE_LEN);
	memset(out, 0, sizeof(*out));
	out->size = ld64(buf + 16);
	out->flags = ld16(buf + 26);
	out->oldstyle = 1;
	return 0;
}

int nbd_build_oldstyle(uint8_t *buf, size_t cap, uint64_t size, uint16_t flags)
{
	if (cap < NBD_OLDSTYLE_LEN)
		return -ENOSPC;
	memset(buf, 0, NBD_OLDSTYLE_LEN);
	memcpy(buf, nbdmagic, 8);
	st64(buf + 8, NBD_OLDSTYLE_MAGIC);
	st64(buf + 16, size);
	st16(buf + 26, flags);
	return NBD_OLDSTYLE_LEN;
}

int nbd_build_client_flags(uint8_t *buf, size_t cap, uint32_t cflags)
{
	if (cap < 4)
		return -ENOSPC;
	st32(buf, cflags);
	return 4;
}

/* IHAVEOPT, option, data length; the data follows. */
static int opt_header(uint8_t *buf, size_t cap, uint32_t opt, size_t datalen)
{
	if (cap < 16 || datalen > cap - 16)
		return -ENOSPC;
	st64(buf, NBD_IHAVEOPT);
	st32(buf + 8, opt);
	st32(buf + 12, (uint32_t)datalen);
	return 16;
}

int nbd_build_opt_go(uint8_t *buf, size_t cap, const char *name, int want_block_size)
{
	size_t n = strnlen(name, NBD_NAME_MAX + 1);
	if (n > NBD_NAME_MAX)
		return -ENAMETOOLONG;
	size_t data = 4 + n + 2 + (want_block_size ? 2 : 0);
	int rc = opt_header(buf, cap, NBD_OPT_GO, data);
	if (rc < 0)
		return rc;
	uint8_t *p = buf + 16;
	st32(p, (uint32_t)n);
	memcpy(p + 4, name, n);
	p += 4 + n;
	st16(p, want_block_size ? 1 : 0);
	if (want_block_size)
		st16(p + 2, NBD_INFO_BLOCK_SIZE);
	return (int)(16 + data);
}

int nbd_build_opt_export_name(uint8_t *buf, size_t cap, const char *name)
{
	size_t n = strnlen(name, NBD_NAME_MAX + 1);
	if (n > NBD_NAME_MAX)
		return -ENAMETOOLONG;
	int rc = opt_header(buf, cap, NBD_OPT_EXPORT_NAME, n);
	if (rc < 0)
		return rc;
	memcpy(buf + 16, name, n);
	return (int)(16 + n);
}

int nbd_build_opt_abort(uint8_t *buf, size_t cap)
{
	return opt_header(buf, cap, NBD_OPT_ABORT, 0);
}

int nbd_parse_opt_reply(const uint8_t *buf, size_t len, struct nbd_opt_reply *out, struct errbuf *e)
{
	if (len < NBD_OPT_REPLY_HDR_LEN)
		return nb_fail(e, -EPROTO, "NBD option reply cut short: %zu of %d bytes", len, NBD_OPT_REPLY_HDR_LEN);
	if (ld64(buf) != NBD_OPT_REPLY_MAGIC)
		return nb_fail(e, -EPROTO, "NBD option reply: bad magic 0x%016llx", (unsigned long long)ld64(buf));
	out->option = ld32(buf + 8);
	out->type = ld32(buf + 12);
	out->len = ld32(buf + 16);
	if (out->len > NBD_OPT_REPLY_MAX)
		return nb_fail(e, -EPROTO, "NBD option reply %s: payload of %u bytes (limit %d)", nbd_rep_name(out->type),
			       (unsigned)out->len, NBD_OPT_REPLY_MAX);
	return 0;
}

int nbd_parse_info(const uint8_t *buf, size_t len, struct nbd_info *out, struct errbuf *e)
{
	memset(out, 0, sizeof(*out));
	if (len < 2)
		return nb_fail(e, -EPROTO, "NBD_REP_INFO of %zu bytes: no info type", len);
	out->type = ld16(buf);
	switch (out->type) {
	case NBD_INFO_EXPORT:
		if (len != 12)
			return nb_fail(e, -EPROTO, "NBD_INFO_EXPORT of %zu bytes (want 12)", len);
		out->size = ld64(buf + 2);
		out->flags = ld16(buf + 10);
		break;
	case NBD_INFO_BLOCK_SIZE:
		if (len != 14)
			return nb_fail(e, -EPROTO, "NBD_INFO_BLOCK_SIZE of %zu bytes (want 14)", len);
		out->min_block = ld32(buf + 2);
		out->pref_block = ld32(buf + 6);
		out->max_block = ld32(buf + 10);
		/* spec: min a power of two 1..64 KiB, preferred a power of two
		 * >= min, max a multiple of min (or 0xffffffff) */
		if (!out->min_block || out->min_block > 65536 || (out->min_block & (out->min_block - 1)) ||
		    !out->pref_block || (out->pref_block & (out->pref_block - 1)) || out->pref_block < out->min_block ||
		    (out->max_block != 0xffffffffu && out->max_block % out->min_block))
			return nb_fail(e, -EPROTO, "NBD_INFO_BLOCK_SIZE: bad sizes min %u preferred %u max %u",
				       (unsigned)out->min_block, (unsigned)out->pref_block, (unsigned)out->max_block);
		break;
	default:
		break;	/* NAME, DESCRIPTION, future types: the caller ignores them */
	}
	return 0;
}

static const struct {
	uint32_t type;
	const char *name;
	int err;
} reps[] = {
	{ NBD_REP_ACK, "NBD_REP_ACK", 0 },
	{ NBD_REP_SERVER, "NBD_REP_SERVER", 0 },
	{ NBD_REP_INFO, "NBD_REP_INFO", 0 },
	{ NBD_REP_META_CONTEXT, "NBD_REP_META_CONTEXT", 0 },
	{ NBD_REP_ERR_UNSUP, "NBD_REP_ERR_UNSUP", -EOPNOTSUPP },
	{ NBD_REP_ERR_POLICY, "NBD_REP_ERR_POLICY", -EACCES },
	{ NBD_REP_ERR_INVALID, "NBD_REP_ERR_INVALID", -EINVAL },
	{ NBD_REP_ERR_PLATFORM, "NBD_REP_ERR_PLATFORM", -EPROTO },
	{ NBD_REP_ERR_TLS_REQD, "NBD_REP_ERR_TLS_REQD", -EPROTONOSUPPORT },
	{ NBD_REP_ERR_UNKNOWN, "NBD_REP_ERR_UNKNOWN", -ENOENT },
	{ NBD_REP_ERR_SHUTDOWN, "NBD_REP_ERR_SHUTDOWN", -ESHUTDOWN },
	{ NBD_REP_ERR_BLOCK_SIZE_REQD, "NBD_REP_ERR_BLOCK_SIZE_REQD", -EPROTO },
	{ NBD_REP_ERR_TOO_BIG, "NBD_REP_ERR_TOO_BIG", -EPROTO },
};

const char *nbd_rep_name(uint32_t type)
{
	for (size_t i = 0; i < sizeof(reps) / sizeof(reps[0]); i++)
		if (reps[i].type == type)
			return reps[i].name;
	return (type & NBD_REP_ERR_BIT) ? "NBD_REP_ERR_(unknown)" : "unknown";
}

int nbd_rep_error(uint32_t type, const uint8_t *payload, size_t len, char *msg, size_t cap)
{
	char text[160];
	int rc = -EPROTO;

	for (size_t i = 0; i < sizeof(reps) / sizeof(reps[0]); i++)
		if (reps[i].type == type && reps[i].err)
			rc = reps[i].err;
	nb_sanitize(text, sizeof(text), (const char *)payload, len);
	if (cap) {
		if (!(type & NBD_REP_ERR_BIT))
			snprintf(msg, cap, "%s (0x%08x) where an error was expected", nbd_rep_name(type), (unsigned)type);
		else if (text[0])
			snprintf(msg, cap, "%s: %s", nbd_rep_name(type), text);
		else
			snprintf(msg, cap, "%s (0x%08x)", nbd_rep_name(type), (unsigned)type);
	}
	return rc;
}

int nbd_parse_export_name_reply(const uint8_t *buf, size_t len, int no_zeroes, struct nbd_export *out,
				struct errbuf *e)
{
	size_t want = no_zeroes ? NBD_EXPORT_NAME_REPLY_SHORT : NBD_EXPORT_NAME_REPLY_LEN;
	if (len < want)
		return nb_fail(e, -EPROTO, "NBD_OPT_EXPORT_NAME reply cut short: %zu of %zu bytes", len, want);
	memset(out, 0, sizeof(*out));
	out->size = ld64(buf);
	out->flags = ld16(buf + 8);
	return 0;
}

int nbd_build_request(uint8_t *buf, size_t cap, const struct nbd_request *r)
{
	if (cap < NBD_REQUEST_LEN)
		return -ENOSPC;
	st32(buf, NBD_REQUEST_MAGIC);
	st16(buf + 4, r->flags);
	st16(buf + 6, r->type);
	st64(buf + 8, r->cookie);
	st64(buf + 16, r->offset);
	st32(buf + 24, r->len);
	return NBD_REQUEST_LEN;
}

int nbd_parse_request(const uint8_t *buf, size_t len, struct nbd_request *out, struct errbuf *e)
{
	if (len < NBD_REQUEST_LEN)
		return nb_fail(e, -EPROTO, "NBD request cut short: %zu of %d bytes", len, NBD_REQUEST_LEN);
	if (ld32(buf) != NBD_REQUEST_MAGIC)
		return nb_fail(e, -EPROTO, "NBD request: bad magic 0x%08x", (unsigned)ld32(buf));
	out->flags = ld16(buf + 4);
	out->type = ld16(buf + 6);
	out->cookie = ld64(buf + 8);
	out->offset = ld64(buf + 16);
	out->len = ld32(buf + 24);
	return 0;
}

int nbd_parse_simple_reply(const uint8_t *buf, size_t len, struct nbd_simple_reply *out, struct errbuf *e)
{
	if (len < NBD_SIMPLE_REPLY_LEN)
		return nb_fail(e, -EPROTO, "NBD reply cut short: %zu of %d bytes", len, NBD_SIMPLE_REPLY_LEN);
	uint32_t magic = ld32(buf);
	if (magic == NBD_STRUCT_REPLY_MAGIC)
		return nb_fail(e, -EPROTO, "NBD structured reply, which was never negotiated");
	if (magic != NBD_SIMPLE_REPLY_MAGIC)
		return nb_fail(e, -EPROTO, "NBD reply: bad magic 0x%08x", (unsigned)magic);
	out->error = ld32(buf + 4);
	out->cookie = ld64(buf + 8);
	return 0;
}

int nbd_build_simple_reply(uint8_t *buf, size_t cap, const struct nbd_simple_reply *r)
{
	if (cap < NBD_SIMPLE_REPLY_LEN)
		return -ENOSPC;
	st32(buf, NBD_SIMPLE_REPLY_MAGIC);
	st32(buf + 4, r->error);
	st64(buf + 8, r->cookie);
	return NBD_SIMPLE_REPLY_LEN;
}

/* --- the server side --- */

int nbd_build_greeting(uint8_t *buf, size_t cap, uint16_t hflags)
{
	if (cap < NBD_GREETING_LEN)
		return -ENOSPC;
	memcpy(buf, nbdmagic, 8);
	st64(buf + 8, NBD_IHAVEOPT);
	st16(buf + 16, hflags);
	return NBD_GREETING_LEN;
}

int nbd_parse_client_flags(const uint8_t *buf, size_t len, uint32_t *cflags, struct errbuf *e)
{
	if (len < 4)
		return nb_fail(e, -EPROTO, "NBD client flags cut short: %zu of 4 bytes", len);
	*cflags = ld32(buf);
	if (*cflags & ~(uint32_t)(NBD_FLAG_C_FIXED_NEWSTYLE | NBD_FLAG_C_NO_ZEROES))
		return nb_fail(e, -EPROTO, "NBD client flags 0x%08x: unknown bits", (unsigned)*cflags);
	return 0;
}

int nbd_parse_opt_request(const uint8_t *buf, size_t len, struct nbd_opt_request *out, struct errbuf *e)
{
	char shown[24];
	if (len < NBD_OPT_REQ_HDR_LEN)
		return nb_fail(e, -EPROTO, "NBD option request cut short: %zu of %d bytes", len, NBD_OPT_REQ_HDR_LEN);
	if (ld64(buf) != NBD_IHAVEOPT) {
		show_bytes(shown, sizeof(shown), buf, 8);
		return nb_fail(e, -EPROTO, "NBD option request without IHAVEOPT magic (got '%s')", shown);
	}
	out->option = ld32(buf + 8);
	out->len = ld32(buf + 12);
	if (out->len > NBD_OPT_DATA_MAX)
		return nb_fail(e, -EMSGSIZE, "NBD option %u with %u bytes of data (limit %d)", (unsigned)out->option,
			       (unsigned)out->len, NBD_OPT_DATA_MAX);
	return 0;
}

int nbd_parse_opt_go(const uint8_t *buf, size_t len, struct nbd_opt_go *out, struct errbuf *e)
{
	if (len < 6)
		return nb_fail(e, -EPROTO, "NBD_OPT_INFO/GO data of %zu bytes (at least 6)", len);
	out->name_len = ld32(buf);
	if (out->name_len > NBD_NAME_MAX || out->name_len > len - 6)
		return nb_fail(e, -EPROTO, "NBD_OPT_INFO/GO: export name of %u bytes in %zu bytes of data",
			       (unsigned)out->name_len, len);
	memcpy(out->name, buf + 4, out->name_len);
	out->name[out->name_len] = '\0';
	if (memchr(out->name, '\0', out->name_len))
		return nb_fail(e, -EPROTO, "NBD_OPT_INFO/GO: export name holds a NUL byte");
	const uint8_t *p = buf + 4 + out->name_len;
	out->nreqs = ld16(p);
	if ((size_t)out->nreqs * 2 != len - 6 - out->name_len)
		return nb_fail(e, -EPROTO, "NBD_OPT_INFO/GO: %u info requests in %zu bytes", (unsigned)out->nreqs,
			       len - 6 - out->name_len);
	for (uint16_t i = 0; i < out->nreqs && i < NBD_INFO_REQS_MAX; i++)
		out->reqs[i] = ld16(p + 2 + 2 * i);
	return 0;
}

int nbd_build_opt_reply(uint8_t *buf, size_t cap, uint32_t option, uint32_t type, const void *payload, size_t plen)
{
	if (cap < NBD_OPT_REPLY_HDR_LEN || plen > cap - NBD_OPT_REPLY_HDR_LEN || plen > NBD_OPT_REPLY_MAX)
		return -ENOSPC;
	st64(buf, NBD_OPT_REPLY_MAGIC);
	st32(buf + 8, option);
	st32(buf + 12, type);
	st32(buf + 16, (uint32_t)plen);
	if (plen)
		memcpy(buf + NBD_OPT_REPLY_HDR_LEN, payload, plen);
	return (int)(NBD_OPT_REPLY_HDR_LEN + plen);
}

int nbd_build_rep_server(uint8_t *buf, size_t cap, const char *name)
{
	uint8_t p[4 + NBD_NAME_MAX];
	size_t n = strnlen(name, NBD_NAME_MAX + 1);
	if (n > NBD_NAME_MAX)
		return -ENAMETOOLONG;
	st32(p, (uint32_t)n);
	memcpy(p + 4, name, n);
	return nbd_build_opt_reply(buf, cap, NBD_OPT_LIST, NBD_REP_SERVER, p, 4 + n);
}

int nbd_build_rep_info_export(uint8_t *buf, size_t cap, uint32_t option, uint64_t size, uint16_t flags)
{
	uint8_t p[12];
	st16(p, NBD_INFO_EXPORT);
	st64(p + 2, size);
	st16(p + 10, flags);
	return nbd_build_opt_reply(buf, cap, option, NBD_REP_INFO, p, sizeof(p));
}

int nbd_build_rep_info_block_size(uint8_t *buf, size_t cap, uint32_t option, uint32_t min, uint32_t pref,
				  uint32_t max)
{
	uint8_t p[14];
	st16(p, NBD_INFO_BLOCK_SIZE);
	st32(p + 2, min);
	st32(p + 6, pref);
	st32(p + 10, max);
	return nbd_build_opt_reply(buf, cap, option, NBD_REP_INFO, p, sizeof(p));
}

int nbd_build_export_name_reply(uint8_t *buf, size_t cap, uint64_t size, uint16_t flags, int no_zeroes)
{
	size_t n = no_zeroes ? NBD_EXPORT_NAME_REPLY_SHORT : NBD_EXPORT_NAME_REPLY_LEN;
	if (cap < n)
		return -ENOSPC;
	memset(buf, 0, n);
	st64(buf, size);
	st16(buf + 8, flags);
	return (int)n;
}
