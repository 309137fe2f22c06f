/* TFTP packets (RFC 1350) and option negotiation (RFC 2347 options,
 * RFC 2348 blksize, RFC 2349 timeout/tsize, RFC 7440 windowsize).
 * A pure codec over (buffer, length), shared by the client and a server and
 * fuzzed by tftp_fuzz.c.  Nothing here touches a socket.
 *
 * Parsed pointers point into the caller's buffer; nothing is copied, so the
 * buffer must outlive the struct tftp_pkt / struct tftp_opt that refer to it. */
#ifndef NETBOOT_TFTP_WIRE_H
#define NETBOOT_TFTP_WIRE_H
#include <stddef.h>
#include <stdint.h>
#include "netboot/errbuf.h"

enum tftp_op { TFTP_RRQ = 1, TFTP_WRQ = 2, TFTP_DATA = 3, TFTP_ACK = 4, TFTP_ERROR = 5, TFTP_OACK = 6 };

enum tftp_err {
	TFTP_EUNDEF = 0, TFTP_ENOTFOUND = 1, TFTP_EACCESS = 2, TFTP_ENOSPACE = 3,
	TFTP_EBADOP = 4, TFTP_EBADID = 5, TFTP_EEXISTS = 6, TFTP_ENOUSER = 7, TFTP_EOPTNEG = 8,
};

#define TFTP_PORT		69
#define TFTP_HDR		4	/* opcode + block (DATA, ACK) */
#define TFTP_BLKSIZE_DEFAULT	512
#define TFTP_BLKSIZE_MIN	8	/* RFC 2348 */
#define TFTP_BLKSIZE_MAX	65464	/* RFC 2348; a 65464-byte block still fits one IPv4 datagram */
#define TFTP_TIMEOUT_MIN	1	/* RFC 2349, seconds */
#define TFTP_TIMEOUT_MAX	255
#define TFTP_WINDOW_MIN		1	/* RFC 7440 */
#define TFTP_WINDOW_MAX		65535
#define TFTP_PKT_MAX		(TFTP_HDR + TFTP_BLKSIZE_MAX)

/* Which options a struct tftp_opts carries. */
#define TFTP_OPT_BLKSIZE	(1u << 0)
#define TFTP_OPT_TIMEOUT	(1u << 1)
#define TFTP_OPT_TSIZE		(1u << 2)
#define TFTP_OPT_WINDOWSIZE	(1u << 3)

struct tftp_opts {
	unsigned present;	/* TFTP_OPT_* bits */
	uint16_t blksize;	/* TFTP_BLKSIZE_MIN..MAX */
	uint16_t windowsize;	/* TFTP_WINDOW_MIN..MAX */
	uint8_t timeout;	/* seconds, TFTP_TIMEOUT_MIN..MAX */
	uint64_t tsize;		/* bytes; 0 in a request asks the server for the size */
};

/* One received packet.  Fields not meaningful for op are zero/NULL. */
struct tftp_pkt {
	uint16_t op;		/* enum tftp_op */
	uint16_t block;		/* DATA, ACK */
	uint16_t code;		/* ERROR: enum tftp_err (any value a peer sends) */
	const uint8_t *data;	/* DATA payload, ERROR message (not NUL-terminated),
				 * OACK/RRQ/WRQ option area */
	size_t len;		/* bytes at data */
	const char *file;	/* RRQ/WRQ: NUL-terminated inside the buffer */
	const char *mode;	/* RRQ/WRQ: NUL-terminated inside the buffer */
};

/* Parses one packet.  Returns 0, or -EPROTO for a packet that is too short,
 * has an unknown opcode, unterminated strings in a request, or a malformed
 * option area (checked with the iterator below). */
int tftp_parse(const uint8_t *buf, size_t len, struct tftp_pkt *out);

/* The one bounded option iterator: "name\0value\0" pairs in [p, p+len).
 * Trailing NUL padding (some servers add it) ends the list cleanly. */
struct tftp_opt_iter {
	const uint8_t *p, *end;
};
struct tftp_opt {
	const char *name, *val;	/* NUL-terminated inside the buffer */
	size_t nlen, vlen;
};
void tftp_opt_begin(struct tftp_opt_iter *it, const uint8_t *p, size_t len);
/* 1 with *o filled, 0 at the end, -EPROTO on a missing terminator or value. */
int tftp_opt_next(struct tftp_opt_iter *it, struct tftp_opt *o);

/* Reads the options this codec knows (names case-insensitive, unknown ones
 * skipped) into out, clamping blksize, timeout and windowsize into their RFC
 * ranges.  A known option whose value is not a decimal number, or a tsize
 * that does not fit 64 bits, is -EPROTO.  Used on OACKs by the client and on
 * RRQs by a server. */
int tftp_opts_parse(const uint8_t *p, size_t len, struct tftp_opts *out);

/* Client side: checks the options a server acknowledged (got) against those
 * asked for and fills use with what the transfer runs with: blksize 512 and
 * windowsize 1 when not acknowledged.  -EPROTO (with e naming the option)
 * when the server raised blksize or windowsize above the request, or above
 * 512 / 1 for one it brought up unasked (RFC 2348 and RFC 7440 allow a server
 * only to lower them); the client then answers ERROR 8. */
/* A client must not clamp what a server answers: blksize=65500 clamped to
 * 65464 makes every block too big, blksize=4 clamped to 8 makes the first
 * block look final.  -ERANGE (naming the option) if any known option of an
 * OACK is outside its RFC range. */
int tftp_opts_check_range(const uint8_t *p, size_t len, struct errbuf *e);
int tftp_opts_accept(const struct tftp_opts *asked, const struct tftp_opts *got,
		     struct tftp_opts *use, struct errbuf *e);

/* Server side.  A request's transfer mode, case-insensitive ("octet",
 * "NETASCII", ...): enum tftp_mode, or -EPROTO for any other name. */
enum tftp_mode { TFTP_MODE_NETASCII, TFTP_MODE_OCTET, TFTP_MODE_MAIL };
int tftp_mode_parse(const char *mode);

/* Server side: the answer to the options of a request (req, as read by
 * tftp_opts_parse).  ans->present is the known options the client sent: only
 * those are acknowledged, and none means no OACK (DATA 1 at once).  blksize
 * is min(asked, blk_max), 512 when not asked; windowsize min(asked,
 * win_max), 1 when not asked; timeout as asked; tsize the file's size.
 * blk_max below TFTP_BLKSIZE_MIN and win_max below 1 count as those. */
void tftp_opts_answer(const struct tftp_opts *req, uint16_t blk_max, uint16_t win_max, uint64_t size,
		      struct tftp_opts *ans);

/* Server side, block numbers past 65535: blocks are counted from 1 in 64
 * bits and sent as their low 16 bits (65535 wraps to 0, as tftp-hpa, atftpd
 * and dnsmasq do; the OACK is acknowledged as block 0).  With blocks up to
 * acked acknowledged and up to sent sent, the block an ACK number names is
 * the one in [acked, sent] with those low bits: 0 with *out set, or -ERANGE
 * for a stale or foreign number.  Unambiguous while sent - acked < 65536. */
int tftp_ack_index(uint64_t acked, uint64_t sent, uint16_t block, uint64_t *out);

/* Builders return the packet length, or -ENAMETOOLONG when it does not fit
 * cap, or -EINVAL for an empty file name. */
int tftp_build_rrq(uint8_t *buf, size_t cap, const char *file, const struct tftp_opts *o);
int tftp_build_oack(uint8_t *buf, size_t cap, const struct tftp_opts *o);
int tftp_build_ack(uint8_t *buf, size_t cap, uint16_t block);
int tftp_build_data(uint8_t *buf, size_t cap, uint16_t block, const void *data, size_t len);
/* The message is cut to fit cap (it is advisory text). */
int tftp_build_error(uint8_t *buf, size_t cap, uint16_t code, const char *msg);

/* "File not found", ... for the RFC 1350/2347 codes; "Unknown error" else. */
const char *tftp_error_name(uint16_t code);
#endif
