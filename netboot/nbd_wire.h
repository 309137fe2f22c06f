/* NBD (network block device) wire format, fixed newstyle and oldstyle
 * handshakes and the transmission phase, from the protocol spec (nbd/doc/proto.md).  A pure
 * codec over (buffer, length), shared by the client and (later) a server and
 * fuzzed by nbd_fuzz.c.  Nothing here touches a socket.  Every field on the
 * wire is big-endian; all loads and stores go byte by byte.
 *
 * Builders return the number of bytes written or a negative errno
 * (-ENOSPC when cap is too small, -ENAMETOOLONG for an export name over
 * NBD_NAME_MAX).  Parsers return 0 or -EPROTO with e naming what was wrong. */
#ifndef NETBOOT_NBD_WIRE_H
#define NETBOOT_NBD_WIRE_H
#include <stddef.h>
#include <stdint.h>
#include "netboot/errbuf.h"

#define NBD_PORT		10809
#define NBD_MAGIC		0x4e42444d41474943ull	/* "NBDMAGIC" */
#define NBD_IHAVEOPT		0x49484156454f5054ull	/* "IHAVEOPT": newstyle greeting, option requests */
#define NBD_OLDSTYLE_MAGIC	0x00420281861253ull
#define NBD_OPT_REPLY_MAGIC	0x3e889045565a9ull
#define NBD_REQUEST_MAGIC	0x25609513u
#define NBD_SIMPLE_REPLY_MAGIC	0x67446698u
#define NBD_STRUCT_REPLY_MAGIC	0x668e33efu

/* handshake flags (server, 16 bits) and client flags (32 bits) */
#define NBD_FLAG_FIXED_NEWSTYLE	(1u << 0)
#define NBD_FLAG_NO_ZEROES	(1u << 1)
#define NBD_FLAG_C_FIXED_NEWSTYLE (1u << 0)
#define NBD_FLAG_C_NO_ZEROES	(1u << 1)

/* transmission flags (16 bits): what NBD_SET_FLAGS takes */
#define NBD_FLAG_HAS_FLAGS	(1u << 0)
#define NBD_FLAG_READ_ONLY	(1u << 1)
#define NBD_FLAG_SEND_FLUSH	(1u << 2)
#define NBD_FLAG_SEND_FUA	(1u << 3)
#define NBD_FLAG_ROTATIONAL	(1u << 4)
#define NBD_FLAG_SEND_TRIM	(1u << 5)
#define NBD_FLAG_SEND_WRITE_ZEROES (1u << 6)
#define NBD_FLAG_SEND_DF	(1u << 7)
#define NBD_FLAG_CAN_MULTI_CONN	(1u << 8)

enum nbd_opt {
	NBD_OPT_EXPORT_NAME = 1, NBD_OPT_ABORT = 2, NBD_OPT_LIST = 3, NBD_OPT_STARTTLS = 5,
	NBD_OPT_INFO = 6, NBD_OPT_GO = 7,
};

#define NBD_REP_ERR_BIT		(1u << 31)
/* option reply types (u32; the error ones do not fit an int enum) */
#define NBD_REP_ACK		1u
#define NBD_REP_SERVER		2u
#define NBD_REP_INFO		3u
#define NBD_REP_META_CONTEXT	4u
#define NBD_REP_ERR_UNSUP	(NBD_REP_ERR_BIT | 1u)
#define NBD_REP_ERR_POLICY	(NBD_REP_ERR_BIT | 2u)
#define NBD_REP_ERR_INVALID	(NBD_REP_ERR_BIT | 3u)
#define NBD_REP_ERR_PLATFORM	(NBD_REP_ERR_BIT | 4u)
#define NBD_REP_ERR_TLS_REQD	(NBD_REP_ERR_BIT | 5u)
#define NBD_REP_ERR_UNKNOWN	(NBD_REP_ERR_BIT | 6u)
#define NBD_REP_ERR_SHUTDOWN	(NBD_REP_ERR_BIT | 7u)
#define NBD_REP_ERR_BLOCK_SIZE_REQD (NBD_REP_ERR_BIT | 8u)
#define NBD_REP_ERR_TOO_BIG	(NBD_REP_ERR_BIT | 9u)

enum nbd_info_type { NBD_INFO_EXPORT = 0, NBD_INFO_NAME = 1, NBD_INFO_DESCRIPTION = 2, NBD_INFO_BLOCK_SIZE = 3 };

enum nbd_cmd {
	NBD_CMD_READ = 0, NBD_CMD_WRITE = 1, NBD_CMD_DISC = 2, NBD_CMD_FLUSH = 3, NBD_CMD_TRIM = 4,
	NBD_CMD_CACHE = 5, NBD_CMD_WRITE_ZEROES = 6, NBD_CMD_BLOCK_STATUS = 7,
};

/* error values in replies: the spec's numbers, not the host's errno */
#define NBD_EPERM	1u
#define NBD_EIO		5u
#define NBD_EINVAL	22u
#define NBD_ENOTSUP	95u

#define NBD_GREETING_LEN	18	/* magic, IHAVEOPT, handshake flags */
#define NBD_OLDSTYLE_LEN	152	/* magic, oldstyle magic, size, flags, 124 zero bytes */
#define NBD_OPT_REPLY_HDR_LEN	20	/* magic, option, type, length */
#define NBD_OPT_REPLY_MAX	65536	/* longest option reply payload we accept */
#define NBD_NAME_MAX		4096	/* spec: export names up to 4096 bytes */
#define NBD_EXPORT_NAME_REPLY_LEN 134	/* size, flags, 124 zero bytes */
#define NBD_EXPORT_NAME_REPLY_SHORT 10	/* size, flags (NO_ZEROES) */
#define NBD_REQUEST_LEN		28
#define NBD_SIMPLE_REPLY_LEN	16
#define NBD_OPT_GO_MAX		(16 + 4 + NBD_NAME_MAX + 2 + 2)	/* room for any NBD_OPT_GO we build */
#define NBD_OPT_REQ_HDR_LEN	16	/* IHAVEOPT, option, data length */
#define NBD_OPT_DATA_MAX	8192	/* longest option data a server reads */
#define NBD_INFO_REQS_MAX	16	/* info requests kept from one NBD_OPT_INFO/GO */

/* What the handshake learned about the export. */
struct nbd_export {
	uint64_t size;		/* bytes */
	uint16_t flags;		/* transmission flags, NBD_FLAG_HAS_FLAGS ... */
	uint32_t min_block, pref_block, max_block;	/* NBD_INFO_BLOCK_SIZE; 0 when not sent */
	int oldstyle;		/* the server spoke oldstyle: no options, no export names */
};

struct nbd_opt_reply {
	uint32_t option;	/* the option this answers */
	uint32_t type;		/* NBD_REP_* (any value a peer sends) */
	uint32_t len;		/* payload bytes that follow, <= NBD_OPT_REPLY_MAX */
};

/* One NBD_REP_INFO payload. */
struct nbd_info {
	uint16_t type;		/* enum nbd_info_type (any value) */
	uint64_t size;		/* NBD_INFO_EXPORT */
	uint16_t flags;		/* NBD_INFO_EXPORT */
	uint32_t min_block, pref_block, max_block;	/* NBD_INFO_BLOCK_SIZE */
};

struct nbd_request {
	uint16_t flags;		/* command flags */
	uint16_t type;		/* enum nbd_cmd */
	uint64_t cookie;
	uint64_t offset;
	uint32_t len;
};

struct nbd_simple_reply {
	uint32_t error;		/* errno value as the spec numbers them; 0 = ok */
	uint64_t cookie;
};

/* What the server's first bytes say it speaks. */
enum nbd_style { NBD_NEWSTYLE = 0, NBD_OLDSTYLE = 1 };

/* The server's first bytes: NBD_NEWSTYLE with *hflags set (18 bytes
 * needed), or NBD_OLDSTYLE as soon as the 16 bytes of both magics are
 * there (the caller then reads the rest of the NBD_OLDSTYLE_LEN header for
 * nbd_parse_oldstyle).  A non-NBD peer or a short buffer is -EPROTO. */
int nbd_parse_greeting(const uint8_t *buf, size_t len, uint16_t *hflags, struct errbuf *e);
/* The whole oldstyle header (port-per-export servers: nbdkit --oldstyle,
 * nbd-server 2.x): size and the transmission flags, which are the low 16
 * of its 32 flag bits (nbdkit sends 16 global, always 0, then 16
 * transmission).  The 124 pad bytes are not checked. */
int nbd_parse_oldstyle(const uint8_t *buf, size_t len, struct nbd_export *out, struct errbuf *e);
int nbd_build_oldstyle(uint8_t *buf, size_t cap, uint64_t size, uint16_t flags);	/* 152 bytes */
/* 1 if the first len bytes a peer sent could still begin a greeting. */
int nbd_greeting_prefix_ok(const uint8_t *buf, size_t len);

int nbd_build_client_flags(uint8_t *buf, size_t cap, uint32_t cflags);	/* 4 bytes */
/* NBD_OPT_GO for name (may be ""), asking for NBD_INFO_BLOCK_SIZE when
 * want_block_size is non-zero. */
int nbd_build_opt_go(uint8_t *buf, size_t cap, const char *name, int want_block_size);
int nbd_build_opt_export_name(uint8_t *buf, size_t cap, const char *name);
int nbd_build_opt_abort(uint8_t *buf, size_t cap);

/* An option reply header: magic checked, payload length bounded. */
int nbd_parse_opt_reply(const uint8_t *buf, size_t len, struct nbd_opt_reply *out, struct errbuf *e);
/* An NBD_REP_INFO payload: lengths checked per info type (unknown types
 * are returned with only type set). */
int nbd_parse_info(const uint8_t *buf, size_t len, struct nbd_info *out, struct errbuf *e);
/* An NBD_REP_ERR_* reply: writes "NBD_REP_ERR_UNKNOWN: <server message,
 * sanitized>" into msg and returns the errno for it: -ENOENT UNKNOWN,
 * -EACCES POLICY, -EOPNOTSUPP UNSUP, -EINVAL INVALID, -EPROTONOSUPPORT
 * TLS_REQD, -ESHUTDOWN SHUTDOWN, -EPROTO anything else. */
int nbd_rep_error(uint32_t type, const uint8_t *payload, size_t len, char *msg, size_t cap);
/* "NBD_REP_ACK", "NBD_REP_ERR_POLICY", ... or "unknown". */
const char *nbd_rep_name(uint32_t type);

/* The answer to NBD_OPT_EXPORT_NAME: 10 bytes with no_zeroes, else 134
 * (the 124 pad bytes are not checked: old servers sent garbage there). */
int nbd_parse_export_name_reply(const uint8_t *buf, size_t len, int no_zeroes, struct nbd_export *out,
				struct errbuf *e);

int nbd_build_request(uint8_t *buf, size_t cap, const struct nbd_request *r);	/* 28 bytes */
int nbd_parse_request(const uint8_t *buf, size_t len, struct nbd_request *out, struct errbuf *e);
/* A simple reply header; a structured reply (never negotiated) is -EPROTO. */
int nbd_parse_simple_reply(const uint8_t *buf, size_t len, struct nbd_simple_reply *out, struct errbuf *e);
int nbd_build_simple_reply(uint8_t *buf, size_t cap, const struct nbd_simple_reply *r);	/* 16 bytes */

/* --- the server side --- */

/* An option request header from a client. */
struct nbd_opt_request {
	uint32_t option;
	uint32_t len;		/* option data bytes that follow */
};

/* NBD_OPT_INFO / NBD_OPT_GO data: the export name and the info types asked. */
struct nbd_opt_go {
	char name[NBD_NAME_MAX + 1];	/* NUL-terminated; a name holding a NUL is refused */
	uint32_t name_len;
	uint16_t reqs[NBD_INFO_REQS_MAX];
	uint16_t nreqs;		/* as sent; only the first NBD_INFO_REQS_MAX are kept */
};

/* NBDMAGIC, IHAVEOPT, handshake flags: 18 bytes. */
int nbd_build_greeting(uint8_t *buf, size_t cap, uint16_t hflags);
/* The client's 4 flag bytes: -EPROTO for a short buffer or flags we do not
 * know (the spec says the server then closes). */
int nbd_parse_client_flags(const uint8_t *buf, size_t len, uint32_t *cflags, struct errbuf *e);
/* An option request header: -EPROTO for a short buffer or a bad magic;
 * -EMSGSIZE (out filled) when the data is longer than NBD_OPT_DATA_MAX:
 * the caller skips it and answers an error. */
int nbd_parse_opt_request(const uint8_t *buf, size_t len, struct nbd_opt_request *out, struct errbuf *e);
/* The data of NBD_OPT_INFO/GO: the lengths must add up exactly. */
int nbd_parse_opt_go(const uint8_t *buf, size_t len, struct nbd_opt_go *out, struct errbuf *e);
/* An option reply: 20-byte header and plen payload bytes. */
int nbd_build_opt_reply(uint8_t *buf, size_t cap, uint32_t option, uint32_t type, const void *payload, size_t plen);
/* NBD_REP_SERVER for NBD_OPT_LIST: the export name. */
int nbd_build_rep_server(uint8_t *buf, size_t cap, const char *name);
/* NBD_REP_INFO replies to option (NBD_OPT_INFO or NBD_OPT_GO). */
int nbd_build_rep_info_export(uint8_t *buf, size_t cap, uint32_t option, uint64_t size, uint16_t flags);
int nbd_build_rep_info_block_size(uint8_t *buf, size_t cap, uint32_t option, uint32_t min, uint32_t pref,
				  uint32_t max);
/* The answer to NBD_OPT_EXPORT_NAME: 10 bytes with no_zeroes, else 134. */
int nbd_build_export_name_reply(uint8_t *buf, size_t cap, uint64_t size, uint16_t flags, int no_zeroes);
#endif
