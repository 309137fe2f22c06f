/* netboot/nbd_wire.c: the NBD handshake and transmission codec against
 * hand-made vectors from the protocol spec (proto.md), including truncated,
 * garbage and hostile input, each refused with a message. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "netboot/nbd_wire.h"
#include "tests/unit/check.h"

#define S(lit) (const uint8_t *)(lit), sizeof(lit) - 1	/* bytes of a literal, without its final NUL */

#define GREET "NBDMAGIC" "IHAVEOPT"
#define REPHDR "\0\x03\xe8\x89\x04\x55\x65\xa9"	/* NBD_OPT_REPLY_MAGIC */

static void test_greeting(void)
{
	static const struct {
		const char *name;
		const uint8_t *buf;
		size_t len;
		int rc;
		uint16_t flags;
		const char *msg;	/* a substring of the message when rc < 0 */
	} t[] = {
		{ "greeting fixed+nozeroes", S(GREET "\0\x03"), 0, 3, NULL },
		{ "greeting no flags", S(GREET "\0\0"), 0, 0, NULL },
		{ "greeting all flags kept", S(GREET "\xff\xff"), 0, 0xffff, NULL },
		{ "greeting truncated", S(GREET "\0"), -EPROTO, 0, "cut short: 17 of 18" },
		{ "greeting magic only", S("NBDMAGIC"), -EPROTO, 0, "cut short: 8 of 18" },
		{ "greeting empty", (const uint8_t *)"", 0, -EPROTO, 0, "not an NBD server" },
		{ "greeting from http", S("HTTP/1.0 400 Bad Request\r\n"), -EPROTO, 0, "not an NBD server (no NBDMAGIC greeting; it sent 'HTTP/1.0 400 Bad" },
		{ "greeting from ssh", S("SSH-2.0-OpenSSH_9.2\r\n"), -EPROTO, 0, "not an NBD server" },
		{ "greeting binary garbage", S("\x00\xff\x10\x80NBDMAGICIHAVEOPT"), -EPROTO, 0, "it sent '????NBDMAGICIHAV'" },
		{ "greeting oldstyle detected", S("NBDMAGIC\0\x00\x42\x02\x81\x86\x12\x53" "\0\0\0\0\0\0\0\0"), NBD_OLDSTYLE, 0, NULL },
		{ "greeting oldstyle, 16 bytes are enough", S("NBDMAGIC\0\x00\x42\x02\x81\x86\x12\x53"), NBD_OLDSTYLE, 0, NULL },
		{ "greeting oldstyle magic cut at 15 bytes", S("NBDMAGIC\0\x00\x42\x02\x81\x86\x12"), -EPROTO, 0, "cut short: 15 of 18" },
		{ "greeting unknown second magic", S("NBDMAGICIHAVEOPQ\0\0"), -EPROTO, 0, "unknown second magic 0x4948415645" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct errbuf e = { "" };
		uint16_t fl = 0xdead;
		int rc = nbd_parse_greeting(t[i].buf, t[i].len, &fl, &e);
		if (t[i].rc == NBD_NEWSTYLE)
			CHECK(t[i].name, rc == NBD_NEWSTYLE && fl == t[i].flags);
		else if (t[i].rc == NBD_OLDSTYLE)	/* no handshake flags in oldstyle: left alone */
			CHECK(t[i].name, rc == NBD_OLDSTYLE && fl == 0xdead);
		else
			CHECK(t[i].name, rc == t[i].rc && strstr(e.msg, t[i].msg) != NULL);
	}
	CHECK("greeting prefix: partial magic ok", nbd_greeting_prefix_ok(S("NBDM")));
	CHECK("greeting prefix: H refused at once", !nbd_greeting_prefix_ok(S("H")));
	CHECK("greeting prefix: longer ok", nbd_greeting_prefix_ok(S(GREET)));
}

static void test_build(void)
{
	uint8_t b[NBD_OPT_GO_MAX + 16];
	int n;

	n = nbd_build_client_flags(b, sizeof(b), NBD_FLAG_C_FIXED_NEWSTYLE | NBD_FLAG_C_NO_ZEROES);
	CHECK("client flags", n == 4 && memcmp(b, "\0\0\0\x03", 4) == 0);
	CHECK("client flags no room", nbd_build_client_flags(b, 3, 1) == -ENOSPC);

	static const char go[] = "IHAVEOPT" "\0\0\0\x07" "\0\0\0\x0e" "\0\0\0\x06" "sysrcd" "\0\x01" "\0\x03";
	n = nbd_build_opt_go(b, sizeof(b), "sysrcd", 1);
	CHECK("opt go with block size", n == (int)sizeof(go) - 1 && memcmp(b, go, sizeof(go) - 1) == 0);
	static const char go2[] = "IHAVEOPT" "\0\0\0\x07" "\0\0\0\x06" "\0\0\0\0" "\0\0";
	n = nbd_build_opt_go(b, sizeof(b), "", 0);
	CHECK("opt go default export, no infos", n == (int)sizeof(go2) - 1 && memcmp(b, go2, sizeof(go2) - 1) == 0);
	CHECK("opt go exact fit", nbd_build_opt_go(b, sizeof(go) - 1, "sysrcd", 1) == (int)sizeof(go) - 1);
	CHECK("opt go one byte short", nbd_build_opt_go(b, sizeof(go) - 2, "sysrcd", 1) == -ENOSPC);
	CHECK("opt go tiny buffer", nbd_build_opt_go(b, 4, "x", 1) == -ENOSPC);

	static char longname[NBD_NAME_MAX + 2];
	memset(longname, 'a', NBD_NAME_MAX + 1);
	CHECK("opt go name too long", nbd_build_opt_go(b, sizeof(b), longname, 1) == -ENAMETOOLONG);
	CHECK("export name too long", nbd_build_opt_export_name(b, sizeof(b), longname) == -ENAMETOOLONG);
	longname[NBD_NAME_MAX] = 0;
	CHECK("opt go longest name fits NBD_OPT_GO_MAX",
	      nbd_build_opt_go(b, NBD_OPT_GO_MAX, longname, 1) == NBD_OPT_GO_MAX);

	static const char en[] = "IHAVEOPT" "\0\0\0\x01" "\0\0\0\x03" "a/b";
	n = nbd_build_opt_export_name(b, sizeof(b), "a/b");
	CHECK("opt export name", n == (int)sizeof(en) - 1 && memcmp(b, en, sizeof(en) - 1) == 0);
	static const char ab[] = "IHAVEOPT" "\0\0\0\x02" "\0\0\0\0";
	n = nbd_build_opt_abort(b, sizeof(b));
	CHECK("opt abort", n == 16 && memcmp(b, ab, 16) == 0);

	struct nbd_request rq = { 0x0001, NBD_CMD_READ, 0x0102030405060708ull, 0x1122334455667788ull, 0x00100000 };
	static const char rqw[] = "\x25\x60\x95\x13" "\0\x01" "\0\0" "\x01\x02\x03\x04\x05\x06\x07\x08"
				  "\x11\x22\x33\x44\x55\x66\x77\x88" "\0\x10\0\0";
	n = nbd_build_request(b, sizeof(b), &rq);
	CHECK("request read", n == NBD_REQUEST_LEN && memcmp(b, rqw, NBD_REQUEST_LEN) == 0);
	struct nbd_request back;
	struct errbuf e;
	CHECK("request parses back", nbd_parse_request(b, (size_t)n, &back, &e) == 0 && back.cookie == rq.cookie &&
					     back.offset == rq.offset && back.len == rq.len && back.type == rq.type &&
					     back.flags == rq.flags);
	CHECK("request no room", nbd_build_request(b, 27, &rq) == -ENOSPC);
	CHECK("request truncated", nbd_parse_request(b, 27, &back, &e) == -EPROTO && strstr(e.msg, "27 of 28"));
	b[0] ^= 1;
	CHECK("request bad magic", nbd_parse_request(b, 28, &back, &e) == -EPROTO && strstr(e.msg, "bad magic"));
}

static void test_opt_reply(void)
{
	static const struct {
		const char *name;
		const uint8_t *buf;
		size_t len;
		int rc;
		uint32_t option, type, plen;
		const char *msg;
	} t[] = {
		{ "reply ack", S(REPHDR "\0\0\0\x07" "\0\0\0\x01" "\0\0\0\0"), 0, 7, NBD_REP_ACK, 0, NULL },
		{ "reply info 12", S(REPHDR "\0\0\0\x07" "\0\0\0\x03" "\0\0\0\x0c"), 0, 7, NBD_REP_INFO, 12, NULL },
		{ "reply err unknown", S(REPHDR "\0\0\0\x07" "\x80\0\0\x06" "\0\0\0\x0e"), 0, 7, NBD_REP_ERR_UNKNOWN, 14, NULL },
		{ "reply payload at the limit", S(REPHDR "\0\0\0\x07" "\0\0\0\x03" "\0\x01\0\0"), 0, 7, 3, 65536, NULL },
		{ "reply payload over the limit", S(REPHDR "\0\0\0\x07" "\0\0\0\x03" "\0\x01\0\x01"), -EPROTO, 0, 0, 0, "payload of 65537 bytes" },
		{ "reply payload 4 GiB", S(REPHDR "\0\0\0\x07" "\0\0\0\x03" "\xff\xff\xff\xff"), -EPROTO, 0, 0, 0, "limit 65536" },
		{ "reply truncated", S(REPHDR "\0\0\0\x07" "\0\0\0\x01" "\0\0\0"), -EPROTO, 0, 0, 0, "cut short: 19 of 20" },
		{ "reply bad magic", S("IHAVEOPT" "\0\0\0\x07" "\0\0\0\x01" "\0\0\0\0"), -EPROTO, 0, 0, 0, "bad magic" },
		{ "reply empty", (const uint8_t *)"", 0, -EPROTO, 0, 0, 0, "cut short: 0 of 20" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct errbuf e = { "" };
		struct nbd_opt_reply r;
		int rc = nbd_parse_opt_reply(t[i].buf, t[i].len, &r, &e);
		if (t[i].rc == 0)
			CHECK(t[i].name, rc == 0 && r.option == t[i].option && r.type == t[i].type && r.len == t[i].plen);
		else
			CHECK(t[i].name, rc == t[i].rc && strstr(e.msg, t[i].msg) != NULL);
	}
}

static void test_info(void)
{
	static const struct {
		const char *name;
		const uint8_t *buf;
		size_t len;
		int rc;
		uint16_t type;
		uint64_t size;
		uint16_t flags;
		uint32_t min, pref, max;
		const char *msg;
	} t[] = {
		{ "info export", S("\0\0" "\0\0\0\0\x01\x40\0\0" "\x01\x43"), 0, 0, 20971520, 0x143, 0, 0, 0, NULL },
		{ "info export huge size", S("\0\0" "\xff\xff\xff\xff\xff\xff\xff\xff" "\0\x01"), 0, 0, UINT64_MAX, 1, 0, 0, 0, NULL },
		{ "info export short", S("\0\0" "\0\0\0\0\x01\x40\0\0" "\x01"), -EPROTO, 0, 0, 0, 0, 0, 0, "NBD_INFO_EXPORT of 11 bytes" },
		{ "info export long", S("\0\0" "\0\0\0\0\x01\x40\0\0" "\x01\x43\0"), -EPROTO, 0, 0, 0, 0, 0, 0, "want 12" },
		{ "info block size", S("\0\x03" "\0\0\0\x01" "\0\0\x10\0" "\x02\0\0\0"), 0, 3, 0, 0, 1, 4096, 32 << 20, NULL },
		{ "info block size max unlimited", S("\0\x03" "\0\0\x02\0" "\0\0\x10\0" "\xff\xff\xff\xff"), 0, 3, 0, 0, 512, 4096, 0xffffffffu, NULL },
		{ "info block size min 0", S("\0\x03" "\0\0\0\0" "\0\0\x10\0" "\x02\0\0\0"), -EPROTO, 0, 0, 0, 0, 0, 0, "bad sizes min 0" },
		{ "info block size min not 2^n", S("\0\x03" "\0\0\x03\0" "\0\0\x10\0" "\x02\0\0\0"), -EPROTO, 0, 0, 0, 0, 0, 0, "bad sizes" },
		{ "info block size pref < min", S("\0\x03" "\0\0\x10\0" "\0\0\x02\0" "\x02\0\0\0"), -EPROTO, 0, 0, 0, 0, 0, 0, "bad sizes" },
		{ "info block size max not multiple", S("\0\x03" "\0\0\x10\0" "\0\0\x10\0" "\0\0\x10\x01"), -EPROTO, 0, 0, 0, 0, 0, 0, "bad sizes" },
		{ "info block size short", S("\0\x03" "\0\0\0\x01" "\0\0\x10\0" "\x02\0\0"), -EPROTO, 0, 0, 0, 0, 0, 0, "of 13 bytes (want 14)" },
		{ "info name ignored", S("\0\x01" "sysrcd"), 0, 1, 0, 0, 0, 0, 0, NULL },
		{ "info unknown type ignored", S("\x12\x34"), 0, 0x1234, 0, 0, 0, 0, 0, NULL },
		{ "info one byte", S("\0"), -EPROTO, 0, 0, 0, 0, 0, 0, "no info type" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct errbuf e = { "" };
		struct nbd_info in;
		int rc = nbd_parse_info(t[i].buf, t[i].len, &in, &e);
		if (t[i].rc == 0)
			CHECK(t[i].name, rc == 0 && in.type == t[i].type && in.size == t[i].size && in.flags == t[i].flags &&
						 in.min_block == t[i].min && in.pref_block == t[i].pref && in.max_block == t[i].max);
		else
			CHECK(t[i].name, rc == t[i].rc && strstr(e.msg, t[i].msg) != NULL);
	}
}

static void test_rep_error(void)
{
	static const struct {
		const char *name;
		uint32_t type;
		const uint8_t *buf;
		size_t len;
		int rc;
		const char *msg;
	} t[] = {
		{ "err unknown", NBD_REP_ERR_UNKNOWN, S("Export unknown"), -ENOENT, "NBD_REP_ERR_UNKNOWN: Export unknown" },
		{ "err policy", NBD_REP_ERR_POLICY, S("Access denied by server configuration"), -EACCES, "NBD_REP_ERR_POLICY: Access denied" },
		{ "err unsup", NBD_REP_ERR_UNSUP, S(""), -EOPNOTSUPP, "NBD_REP_ERR_UNSUP (0x80000001)" },
		{ "err invalid", NBD_REP_ERR_INVALID, S("x"), -EINVAL, "NBD_REP_ERR_INVALID: x" },
		{ "err tls", NBD_REP_ERR_TLS_REQD, S(""), -EPROTONOSUPPORT, "NBD_REP_ERR_TLS_REQD" },
		{ "err shutdown", NBD_REP_ERR_SHUTDOWN, S(""), -ESHUTDOWN, "NBD_REP_ERR_SHUTDOWN" },
		{ "err unknown error code", NBD_REP_ERR_BIT | 99, S(""), -EPROTO, "NBD_REP_ERR_(unknown) (0x80000063)" },
		{ "err message sanitized", NBD_REP_ERR_UNKNOWN, S("no\x1b[31m\nexport\xff"), -ENOENT, "NBD_REP_ERR_UNKNOWN: no?[31m?export?" },
		{ "err message with NUL stops", NBD_REP_ERR_POLICY, S("a\0b"), -EACCES, "NBD_REP_ERR_POLICY: a" },
		{ "not an error type", NBD_REP_ACK, S(""), -EPROTO, "NBD_REP_ACK (0x00000001) where an error" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char msg[200];
		int rc = nbd_rep_error(t[i].type, t[i].buf, t[i].len, msg, sizeof(msg));
		CHECK(t[i].name, rc == t[i].rc && strstr(msg, t[i].msg) == msg);
	}
	char big[70000], msg[64];
	memset(big, 'A', sizeof(big));
	CHECK("err long message bounded", nbd_rep_error(NBD_REP_ERR_UNKNOWN, (const uint8_t *)big, sizeof(big), msg,
							sizeof(msg)) == -ENOENT && strlen(msg) == sizeof(msg) - 1);
	CHECK_STR("rep name info", nbd_rep_name(NBD_REP_INFO), "NBD_REP_INFO");
	CHECK_STR("rep name unknown", nbd_rep_name(77), "unknown");
}

static void test_export_name_reply(void)
{
	uint8_t b[NBD_EXPORT_NAME_REPLY_LEN];
	struct nbd_export ex;
	struct errbuf e;

	memset(b, 0, sizeof(b));
	memcpy(b, "\0\0\0\0\x01\x40\0\0" "\x01\x43", 10);
	CHECK("export name reply, zeroes", nbd_parse_export_name_reply(b, sizeof(b), 0, &ex, &e) == 0 &&
						   ex.size == 20971520 && ex.flags == 0x143 && ex.min_block == 0);
	CHECK("export name reply, no zeroes", nbd_parse_export_name_reply(b, 10, 1, &ex, &e) == 0 && ex.size == 20971520);
	CHECK("export name reply, zeroes missing",
	      nbd_parse_export_name_reply(b, 10, 0, &ex, &e) == -EPROTO && strstr(e.msg, "10 of 134 bytes"));
	CHECK("export name reply, truncated",
	      nbd_parse_export_name_reply(b, 9, 1, &ex, &e) == -EPROTO && strstr(e.msg, "9 of 10 bytes"));
}

/* An oldstyle header as nbdkit --oldstyle sends it: 16 global flag bits
 * (0), 16 transmission flag bits, 124 zero bytes. */
#define OLDHDR "NBDMAGIC" "\0\x00\x42\x02\x81\x86\x12\x53" "\0\0\0\0\x01\x40\0\x01"

static void test_oldstyle(void)
{
	uint8_t b[NBD_OLDSTYLE_LEN + 8], c[NBD_OLDSTYLE_LEN];
	struct nbd_export ex;
	struct errbuf e = { "" };
	uint16_t hf = 0;

	memset(b, 0, sizeof(b));
	memcpy(b, OLDHDR "\0\0\x05\x6f", 28);
	CHECK("oldstyle header: greeting says oldstyle", nbd_parse_greeting(b, NBD_OLDSTYLE_LEN, &hf, &e) == NBD_OLDSTYLE);
	memset(&ex, 0xff, sizeof(ex));
	CHECK("oldstyle header: size, transmission flags, no block sizes",
	      nbd_parse_oldstyle(b, NBD_OLDSTYLE_LEN, &ex, &e) == 0 && ex.size == 0x1400001ull && ex.flags == 0x056f &&
	      ex.oldstyle == 1 && ex.min_block == 0 && ex.pref_block == 0 && ex.max_block == 0);
	CHECK("oldstyle header: read-only bit kept", ex.flags & NBD_FLAG_READ_ONLY);
	/* a server that sends 32 flag bits with the high ones set: the kernel takes 16 */
	memcpy(b + 24, "\x80\x01\x00\x03", 4);
	CHECK("oldstyle header: high 16 flag bits ignored", nbd_parse_oldstyle(b, NBD_OLDSTYLE_LEN, &ex, &e) == 0 &&
										     ex.flags == 0x0003);
	memset(b + 28, 0xa5, 124);
	CHECK("oldstyle header: pad bytes not checked", nbd_parse_oldstyle(b, NBD_OLDSTYLE_LEN, &ex, &e) == 0);
	CHECK("oldstyle header: 151 bytes refused", nbd_parse_oldstyle(b, NBD_OLDSTYLE_LEN - 1, &ex, &e) == -EPROTO &&
							    strstr(e.msg, "cut short: 151 of 152 bytes"));
	CHECK("oldstyle header: 16 bytes refused", nbd_parse_oldstyle(b, 16, &ex, &e) == -EPROTO &&
						       strstr(e.msg, "cut short: 16 of 152"));
	memcpy(b + 8, "IHAVEOPT", 8);
	CHECK("oldstyle header: a newstyle greeting is not one", nbd_parse_oldstyle(b, NBD_OLDSTYLE_LEN, &ex, &e) == -EPROTO &&
								  strstr(e.msg, "not an oldstyle NBD header"));
	CHECK("oldstyle header: garbage is not one", nbd_parse_oldstyle(S("HTTP/1.0 400 Bad Request\r\n"), &ex, &e) == -EPROTO);
	CHECK("oldstyle header: empty is not one", nbd_parse_oldstyle(b, 0, &ex, &e) == -EPROTO);

	int n = nbd_build_oldstyle(c, sizeof(c), 20971520, NBD_FLAG_HAS_FLAGS | NBD_FLAG_READ_ONLY);
	memset(b, 0, sizeof(b));
	memcpy(b, OLDHDR, 24);
	memcpy(b + 16, "\0\0\0\0\x01\x40\0\0" "\0\0\0\x03", 12);
	CHECK("oldstyle build: the spec's bytes, zero pad", n == NBD_OLDSTYLE_LEN && memcmp(b, c, NBD_OLDSTYLE_LEN) == 0);
	CHECK("oldstyle build parses back", nbd_parse_oldstyle(c, (size_t)n, &ex, &e) == 0 && ex.size == 20971520 &&
						ex.flags == 3);
	CHECK("oldstyle build no room", nbd_build_oldstyle(c, NBD_OLDSTYLE_LEN - 1, 1, 1) == -ENOSPC);
}

static void test_simple_reply(void)
{
	static const struct {
		const char *name;
		const uint8_t *buf;
		size_t len;
		int rc;
		uint32_t error;
		uint64_t cookie;
		const char *msg;
	} t[] = {
		{ "reply ok", S("\x67\x44\x66\x98" "\0\0\0\0" "\0\0\0\0\0\0\0\x2a"), 0, 0, 42, NULL },
		{ "reply EIO", S("\x67\x44\x66\x98" "\0\0\0\x05" "\x80\0\0\0\0\0\0\x01"), 0, 5, 0x8000000000000001ull, NULL },
		{ "reply structured refused", S("\x66\x8e\x33\xef" "\0\0\0\0" "\0\0\0\0\0\0\0\x2a"), -EPROTO, 0, 0, "structured reply" },
		{ "reply bad magic", S("\x67\x44\x66\x99" "\0\0\0\0" "\0\0\0\0\0\0\0\x2a"), -EPROTO, 0, 0, "bad magic 0x67446699" },
		{ "reply truncated", S("\x67\x44\x66\x98" "\0\0\0\0" "\0\0\0\0\0\0\0"), -EPROTO, 0, 0, "15 of 16" },
		{ "reply garbage", S("HTTP/1.1 200 OK\r\n"), -EPROTO, 0, 0, "bad magic" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct errbuf e = { "" };
		struct nbd_simple_reply r;
		int rc = nbd_parse_simple_reply(t[i].buf, t[i].len, &r, &e);
		if (t[i].rc == 0)
			CHECK(t[i].name, rc == 0 && r.error == t[i].error && r.cookie == t[i].cookie);
		else
			CHECK(t[i].name, rc == t[i].rc && strstr(e.msg, t[i].msg) != NULL);
	}
	uint8_t b[16];
	struct nbd_simple_reply r = { 22, 7 }, back;
	struct errbuf e;
	CHECK("simple reply round trip", nbd_build_simple_reply(b, sizeof(b), &r) == 16 &&
					     nbd_parse_simple_reply(b, 16, &back, &e) == 0 && back.error == 22 && back.cookie == 7);
	CHECK("simple reply no room", nbd_build_simple_reply(b, 15, &r) == -ENOSPC);
}

/* The server's builders read back by the client's parsers, and the
 * server's parsers on what the client builds and on hostile input. */
static void test_server_side(void)
{
	uint8_t b[NBD_OPT_GO_MAX + 64];
	struct errbuf e = { "" };
	uint16_t hf = 0;
	uint32_t cf = 0;
	int n;

	n = nbd_build_greeting(b, sizeof(b), NBD_FLAG_FIXED_NEWSTYLE | NBD_FLAG_NO_ZEROES);
	CHECK("server greeting parses back", n == NBD_GREETING_LEN && nbd_parse_greeting(b, (size_t)n, &hf, &e) == 0 && hf == 3);
	CHECK("server greeting no room", nbd_build_greeting(b, 17, 0) == -ENOSPC);

	CHECK("client flags parsed", nbd_parse_client_flags(S("\0\0\0\x03"), &cf, &e) == 0 && cf == 3);
	CHECK("client flags unknown bit refused", nbd_parse_client_flags(S("\0\0\0\x04"), &cf, &e) == -EPROTO &&
	      strstr(e.msg, "unknown bits"));
	CHECK("client flags short", nbd_parse_client_flags(S("\0\0\0"), &cf, &e) == -EPROTO);

	struct nbd_opt_request oq;
	n = nbd_build_opt_go(b, sizeof(b), "sysrcd.dat", 1);
	CHECK("opt request from our client", nbd_parse_opt_request(b, (size_t)n, &oq, &e) == 0 && oq.option == NBD_OPT_GO &&
	      oq.len == (uint32_t)n - 16);
	struct nbd_opt_go go;
	CHECK("opt go data parsed", nbd_parse_opt_go(b + 16, oq.len, &go, &e) == 0 && !strcmp(go.name, "sysrcd.dat") &&
	      go.name_len == 10 && go.nreqs == 1 && go.reqs[0] == NBD_INFO_BLOCK_SIZE);
	n = nbd_build_opt_go(b, sizeof(b), "", 0);
	CHECK("opt go default export", nbd_parse_opt_request(b, (size_t)n, &oq, &e) == 0 &&
	      nbd_parse_opt_go(b + 16, oq.len, &go, &e) == 0 && go.name[0] == 0 && go.nreqs == 0);
	CHECK("opt request bad magic", nbd_parse_opt_request(S("IHAVEOPQ\0\0\0\x07\0\0\0\0"), &oq, &e) == -EPROTO &&
	      strstr(e.msg, "IHAVEOPT"));
	CHECK("opt request short", nbd_parse_opt_request(S("IHAVEOPT\0\0\0\x07"), &oq, &e) == -EPROTO);
	CHECK("opt request data too long", nbd_parse_opt_request(S("IHAVEOPT\0\0\0\x03\0\0\x20\x01"), &oq, &e) == -EMSGSIZE &&
	      oq.len == 8193 && oq.option == NBD_OPT_LIST);
	CHECK("opt request at the limit", nbd_parse_opt_request(S("IHAVEOPT\0\0\0\x03\0\0\x20\x00"), &oq, &e) == 0);
	CHECK("opt go name past data", nbd_parse_opt_go(S("\0\0\0\x09" "abc" "\0\0"), &go, &e) == -EPROTO);
	CHECK("opt go huge name length", nbd_parse_opt_go(S("\xff\xff\xff\xff" "abc" "\0\0"), &go, &e) == -EPROTO);
	CHECK("opt go requests miscounted", nbd_parse_opt_go(S("\0\0\0\x01" "a" "\0\x02" "\0\x03"), &go, &e) == -EPROTO);
	CHECK("opt go trailing byte", nbd_parse_opt_go(S("\0\0\0\x01" "a" "\0\0" "x"), &go, &e) == -EPROTO);
	CHECK("opt go NUL in name", nbd_parse_opt_go(S("\0\0\0\x02" "a\0" "\0\0"), &go, &e) == -EPROTO);
	CHECK("opt go short", nbd_parse_opt_go(S("\0\0\0"), &go, &e) == -EPROTO);

	struct nbd_opt_reply rh;
	struct nbd_info in;
	n = nbd_build_rep_info_export(b, sizeof(b), NBD_OPT_GO, 5368709120ull, NBD_FLAG_HAS_FLAGS | NBD_FLAG_READ_ONLY);
	CHECK("info export reads back", n == 32 && nbd_parse_opt_reply(b, (size_t)n, &rh, &e) == 0 && rh.option == NBD_OPT_GO &&
	      rh.type == NBD_REP_INFO && rh.len == 12 && nbd_parse_info(b + 20, rh.len, &in, &e) == 0 &&
	      in.type == NBD_INFO_EXPORT && in.size == 5368709120ull && in.flags == 3);
	n = nbd_build_rep_info_block_size(b, sizeof(b), NBD_OPT_INFO, 1, 4096, 32u << 20);
	CHECK("info block size reads back", n == 34 && nbd_parse_opt_reply(b, (size_t)n, &rh, &e) == 0 &&
	      nbd_parse_info(b + 20, rh.len, &in, &e) == 0 && in.min_block == 1 && in.pref_block == 4096 &&
	      in.max_block == 32u << 20);
	n = nbd_build_rep_server(b, sizeof(b), "sysrcd.dat");
	CHECK("rep server", n == 20 + 14 && nbd_parse_opt_reply(b, (size_t)n, &rh, &e) == 0 && rh.type == NBD_REP_SERVER &&
	      rh.option == NBD_OPT_LIST && !memcmp(b + 20, "\0\0\0\x0asysrcd.dat", 14));
	n = nbd_build_opt_reply(b, sizeof(b), NBD_OPT_GO, NBD_REP_ERR_UNKNOWN, "no export 'x'", 13);
	char msg[128];
	CHECK("error reply reads back", n == 33 && nbd_parse_opt_reply(b, (size_t)n, &rh, &e) == 0 &&
	      nbd_rep_error(rh.type, b + 20, rh.len, msg, sizeof(msg)) == -ENOENT && strstr(msg, "no export 'x'"));
	CHECK("opt reply no room", nbd_build_opt_reply(b, 25, 1, NBD_REP_ACK, "123456", 6) == -ENOSPC);

	struct nbd_export ex;
	n = nbd_build_export_name_reply(b, sizeof(b), 268435456, 0x103, 0);
	CHECK("export name reply with zeroes", n == 134 && nbd_parse_export_name_reply(b, (size_t)n, 0, &ex, &e) == 0 &&
	      ex.size == 268435456 && ex.flags == 0x103 && b[133] == 0);
	n = nbd_build_export_name_reply(b, sizeof(b), 7, 1, 1);
	CHECK("export name reply no zeroes", n == 10 && nbd_parse_export_name_reply(b, (size_t)n, 1, &ex, &e) == 0 && ex.size == 7);
	CHECK("export name reply no room", nbd_build_export_name_reply(b, 133, 7, 1, 0) == -ENOSPC);
}

int main(void)
{
	test_greeting();
	test_build();
	test_opt_reply();
	test_info();
	test_rep_error();
	test_export_name_reply();
	test_oldstyle();
	test_simple_reply();
	test_server_side();
	return CHECK_DONE();
}
