/* netboot/tftp_wire.c: packets and options against hand-made vectors from
 * RFC 1350, 2347, 2348, 2349 and 7440, including truncated and hostile ones. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "netboot/tftp_wire.h"
#include "tests/unit/check.h"

#define S(lit) (const uint8_t *)(lit), sizeof(lit) - 1	/* bytes of a literal, without its final NUL */

static void test_rrq(void)
{
	static const struct {
		const char *name, *file;
		struct tftp_opts o;
		int with_opts;
		const char *want;
		size_t want_len;
	} t[] = {
		{ "rrq plain", "sysrcd.dat", { 0 }, 0, "\0\1sysrcd.dat\0octet\0", 19 },
		{ "rrq all options", "a/b", { TFTP_OPT_BLKSIZE | TFTP_OPT_TIMEOUT | TFTP_OPT_TSIZE | TFTP_OPT_WINDOWSIZE, 1468, 64, 1, 0 }, 1,
		  "\0\1a/b\0octet\0blksize\0" "1468\0timeout\0" "1\0tsize\0" "0\0windowsize\0" "64\0", 57 },
		{ "rrq blksize only", "f", { TFTP_OPT_BLKSIZE, 65464, 0, 0, 0 }, 1, "\0\1f\0octet\0blksize\0" "65464\0", 24 },
		{ "rrq empty option set", "f", { 0 }, 1, "\0\1f\0octet\0", 10 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint8_t buf[512];
		int n = tftp_build_rrq(buf, sizeof(buf), t[i].file, t[i].with_opts ? &t[i].o : NULL);
		CHECK(t[i].name, n == (int)t[i].want_len && memcmp(buf, t[i].want, t[i].want_len) == 0);

		/* and a server reads back what the client wrote */
		struct tftp_pkt p;
		struct tftp_opts back;
		char nm[96];
		snprintf(nm, sizeof(nm), "%s parses back", t[i].name);
		CHECK(nm, tftp_parse(buf, (size_t)n, &p) == 0 && p.op == TFTP_RRQ && strcmp(p.file, t[i].file) == 0 &&
			  strcmp(p.mode, "octet") == 0 && tftp_opts_parse(p.data, p.len, &back) == 0 &&
			  back.present == (t[i].with_opts ? t[i].o.present : 0u) && back.blksize == t[i].o.blksize &&
			  back.windowsize == t[i].o.windowsize && back.timeout == t[i].o.timeout);
	}
	uint8_t small[16];
	struct tftp_opts o = { TFTP_OPT_BLKSIZE, 1468, 0, 0, 0 };
	CHECK("rrq empty file name", tftp_build_rrq(small, sizeof(small), "", NULL) == -EINVAL);
	CHECK("rrq does not fit", tftp_build_rrq(small, sizeof(small), "a-long-file-name", NULL) == -ENAMETOOLONG);
	CHECK("rrq options do not fit", tftp_build_rrq(small, sizeof(small), "f", &o) == -ENAMETOOLONG);
	CHECK("rrq exact fit", tftp_build_rrq(small, 10, "f", NULL) == 10);
	CHECK("rrq one byte short", tftp_build_rrq(small, 9, "f", NULL) == -ENAMETOOLONG);
}

static void test_opts_parse(void)
{
	enum { B = TFTP_OPT_BLKSIZE, T = TFTP_OPT_TIMEOUT, Z = TFTP_OPT_TSIZE, W = TFTP_OPT_WINDOWSIZE };
	static const struct {
		const char *name;
		const uint8_t *p;
		size_t len;
		int rc;
		struct tftp_opts want;
	} t[] = {
		{ "opts empty", S(""), 0, { 0 } },
		{ "opts blksize", S("blksize\0" "1468\0"), 0, { B, 1468, 0, 0, 0 } },
		{ "opts all four", S("blksize\0" "512\0tsize\0" "104857600\0timeout\0" "5\0windowsize\0" "16\0"), 0,
		  { B | Z | T | W, 512, 16, 5, 104857600 } },
		{ "opts names case-insensitive", S("BlkSize\0" "1024\0WINDOWSIZE\0" "8\0"), 0, { B | W, 1024, 8, 0, 0 } },
		{ "opts leading zeros", S("blksize\0" "0001468\0"), 0, { B, 1468, 0, 0, 0 } },
		{ "clamp blksize low", S("blksize\0" "4\0"), 0, { B, 8, 0, 0, 0 } },
		{ "clamp blksize zero", S("blksize\0" "0\0"), 0, { B, 8, 0, 0, 0 } },
		{ "clamp blksize high", S("blksize\0" "65465\0"), 0, { B, 65464, 0, 0, 0 } },
		{ "clamp blksize 16-bit wrap", S("blksize\0" "65544\0"), 0, { B, 65464, 0, 0, 0 } },
		{ "clamp blksize huge", S("blksize\0" "99999999999999999999999999\0"), 0, { B, 65464, 0, 0, 0 } },
		{ "clamp timeout low", S("timeout\0" "0\0"), 0, { T, 0, 0, 1, 0 } },
		{ "clamp timeout high", S("timeout\0" "256\0"), 0, { T, 0, 0, 255, 0 } },
		{ "clamp windowsize low", S("windowsize\0" "0\0"), 0, { W, 0, 1, 0, 0 } },
		{ "clamp windowsize high", S("windowsize\0" "65536\0"), 0, { W, 0, 65535, 0, 0 } },
		{ "tsize max", S("tsize\0" "18446744073709551615\0"), 0, { Z, 0, 0, 0, UINT64_MAX } },
		{ "tsize overflow", S("tsize\0" "18446744073709551616\0"), -EPROTO, { 0 } },
		{ "unknown option skipped", S("multicast\0\0blksize\0" "800\0"), 0, { B, 800, 0, 0, 0 } },
		{ "unknown option any value", S("x-vendor\0\xff\xfe\0"), 0, { 0 } },
		{ "repeated option: last counts", S("blksize\0" "800\0blksize\0" "900\0"), 0, { B, 900, 0, 0, 0 } },
		{ "trailing NUL padding", S("blksize\0" "1468\0\0\0\0"), 0, { B, 1468, 0, 0, 0 } },
		{ "garbage value", S("blksize\0abc\0"), -EPROTO, { 0 } },
		{ "signed value", S("blksize\0+512\0"), -EPROTO, { 0 } },
		{ "negative value", S("windowsize\0-1\0"), -EPROTO, { 0 } },
		{ "space in value", S("blksize\0 512\0"), -EPROTO, { 0 } },
		{ "empty value", S("blksize\0\0"), -EPROTO, { 0 } },
		{ "value not terminated", S("blksize\0" "1468"), -EPROTO, { 0 } },
		{ "name not terminated", S("blksize"), -EPROTO, { 0 } },
		{ "name without value", S("blksize\0"), -EPROTO, { 0 } },
		{ "bytes after padding", S("blksize\0" "512\0\0x\0" "1\0"), -EPROTO, { 0 } },
		{ "value with NUL inside", S("blksize\0" "5\0" "12\0"), -EPROTO, { 0 } },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct tftp_opts o;
		int rc = tftp_opts_parse(t[i].p, t[i].len, &o);
		if (t[i].rc < 0)
			CHECK(t[i].name, rc == t[i].rc);
		else
			CHECK(t[i].name, rc == 0 && o.present == t[i].want.present && o.blksize == t[i].want.blksize &&
					  o.windowsize == t[i].want.windowsize && o.timeout == t[i].want.timeout &&
					  o.tsize == t[i].want.tsize);
	}
}

static void test_iter(void)
{
	struct tftp_opt_iter it;
	struct tftp_opt o;
	const uint8_t *p = (const uint8_t *)"a\0" "1\0bb\0\0";
	int n = 0, rc;

	tftp_opt_begin(&it, p, 9);
	while ((rc = tftp_opt_next(&it, &o)) > 0) {
		if (n == 0)
			CHECK("iter first", o.nlen == 1 && o.name[0] == 'a' && o.vlen == 1 && o.val[0] == '1');
		if (n == 1)
			CHECK("iter empty value", o.nlen == 2 && o.vlen == 0);
		n++;
	}
	CHECK("iter count", rc == 0 && n == 2);
	CHECK("iter stays at end", tftp_opt_next(&it, &o) == 0);
	tftp_opt_begin(&it, NULL, 0);
	CHECK("iter NULL area", tftp_opt_next(&it, &o) == 0);
}

static void test_accept(void)
{
	enum { B = TFTP_OPT_BLKSIZE, T = TFTP_OPT_TIMEOUT, Z = TFTP_OPT_TSIZE, W = TFTP_OPT_WINDOWSIZE };
	static const struct tftp_opts asked = { B | T | Z | W, 1468, 64, 1, 0 };
	static const struct {
		const char *name;
		struct tftp_opts asked, got;
		int rc;
		uint16_t blksize, window;
		uint64_t tsize;
	} t[] = {
		{ "accept all", asked, { B | T | Z | W, 1468, 64, 1, 5000 }, 0, 1468, 64, 5000 },
		{ "accept lowered", asked, { B | W, 1024, 8, 0, 0 }, 0, 1024, 8, 0 },
		{ "accept tsize only", asked, { Z, 0, 0, 0, 77 }, 0, 512, 1, 77 },
		{ "accept empty OACK", asked, { 0 }, 0, 512, 1, 0 },
		{ "reject raised blksize", asked, { B, 1469, 0, 0, 0 }, -EPROTO, 0, 0, 0 },
		{ "reject raised windowsize", asked, { W, 0, 65, 0, 0 }, -EPROTO, 0, 0, 0 },
		{ "unasked blksize above 512", { Z, 0, 0, 0, 0 }, { B | Z, 1024, 0, 0, 10 }, -EPROTO, 0, 0, 0 },
		{ "unasked blksize below 512", { Z, 0, 0, 0, 0 }, { B | Z, 256, 0, 0, 10 }, 0, 256, 1, 10 },
		{ "unasked windowsize above 1", { B, 1468, 0, 0, 0 }, { W, 0, 2, 0, 0 }, -EPROTO, 0, 0, 0 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct tftp_opts use;
		struct errbuf e = { "" };
		int rc = tftp_opts_accept(&t[i].asked, &t[i].got, &use, &e);
		if (t[i].rc < 0)
			CHECK(t[i].name, rc == t[i].rc && strstr(e.msg, "raised"));
		else
			CHECK(t[i].name, rc == 0 && use.blksize == t[i].blksize && use.windowsize == t[i].window &&
					  use.tsize == t[i].tsize);
	}
}

static void test_parse(void)
{
	static const struct {
		const char *name;
		const uint8_t *p;
		size_t len;
		int rc;
		uint16_t op, block, code;
		size_t dlen;
	} t[] = {
		{ "data block 1", S("\0\3\0\1hello"), 0, TFTP_DATA, 1, 0, 5 },
		{ "data block 65535", S("\0\3\xff\xffx"), 0, TFTP_DATA, 65535, 0, 1 },
		{ "data block 0 (after rollover)", S("\0\3\0\0x"), 0, TFTP_DATA, 0, 0, 1 },
		{ "data empty final block", S("\0\3\0\7"), 0, TFTP_DATA, 7, 0, 0 },
		{ "data truncated header", S("\0\3\0"), -EPROTO, 0, 0, 0, 0 },
		{ "ack", S("\0\4\1\2"), 0, TFTP_ACK, 0x102, 0, 0 },
		{ "ack truncated", S("\0\4\1"), -EPROTO, 0, 0, 0, 0 },
		{ "error not found", S("\0\5\0\1File not found\0"), 0, TFTP_ERROR, 0, 1, 14 },
		{ "error without NUL", S("\0\5\0\2denied"), 0, TFTP_ERROR, 0, 2, 6 },
		{ "error empty message", S("\0\5\0\10\0"), 0, TFTP_ERROR, 0, 8, 0 },
		{ "error bare header", S("\0\5\0\0"), 0, TFTP_ERROR, 0, 0, 0 },
		{ "error text after NUL ignored", S("\0\5\0\1ab\0cd"), 0, TFTP_ERROR, 0, 1, 2 },
		{ "error truncated", S("\0\5\0"), -EPROTO, 0, 0, 0, 0 },
		{ "oack", S("\0\6blksize\0" "1468\0"), 0, TFTP_OACK, 0, 0, 13 },
		{ "oack empty", S("\0\6"), 0, TFTP_OACK, 0, 0, 0 },
		{ "oack unterminated", S("\0\6blksize\0" "14"), -EPROTO, 0, 0, 0, 0 },
		{ "rrq missing mode", S("\0\1file\0"), -EPROTO, 0, 0, 0, 0 },
		{ "rrq unterminated mode", S("\0\1file\0octet"), -EPROTO, 0, 0, 0, 0 },
		{ "wrq", S("\0\2f\0netascii\0"), 0, TFTP_WRQ, 0, 0, 0 },
		{ "opcode 0", S("\0\0\0\1"), -EPROTO, 0, 0, 0, 0 },
		{ "opcode 7", S("\0\7\0\1"), -EPROTO, 0, 0, 0, 0 },
		{ "opcode high byte", S("\1\3\0\1"), -EPROTO, 0, 0, 0, 0 },
		{ "one byte", S("\0"), -EPROTO, 0, 0, 0, 0 },
		{ "empty", S(""), -EPROTO, 0, 0, 0, 0 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct tftp_pkt p;
		int rc = tftp_parse(t[i].p, t[i].len, &p);
		if (t[i].rc < 0)
			CHECK(t[i].name, rc == t[i].rc);
		else
			CHECK(t[i].name, rc == 0 && p.op == t[i].op && p.block == t[i].block && p.code == t[i].code &&
					  p.len == t[i].dlen);
	}
	struct tftp_pkt p;
	tftp_parse(S("\0\3\0\1hello"), &p);
	CHECK("data payload points at the bytes", p.data && memcmp(p.data, "hello", 5) == 0);
	tftp_parse(S("\0\5\0\1File not found\0"), &p);
	CHECK("error message text", p.data && memcmp(p.data, "File not found", 14) == 0);
}

static void test_build(void)
{
	uint8_t b[64];
	struct tftp_pkt p;
	int n;

	n = tftp_build_ack(b, sizeof(b), 0xabcd);
	CHECK("build ack", n == 4 && memcmp(b, "\0\4\xab\xcd", 4) == 0);
	CHECK("build ack too small", tftp_build_ack(b, 3, 1) == -ENAMETOOLONG);
	n = tftp_build_data(b, sizeof(b), 65535, "xyz", 3);
	CHECK("build data", n == 7 && memcmp(b, "\0\3\xff\xffxyz", 7) == 0);
	CHECK("build data too big", tftp_build_data(b, 8, 1, "12345", 5) == -ENAMETOOLONG);
	n = tftp_build_data(b, sizeof(b), 3, NULL, 0);
	CHECK("build empty data", n == 4 && tftp_parse(b, 4, &p) == 0 && p.len == 0 && p.block == 3);
	n = tftp_build_error(b, sizeof(b), TFTP_EBADID, "Unknown transfer ID");
	CHECK("build error", n == 24 && memcmp(b, "\0\5\0\5Unknown transfer ID\0", 24) == 0);
	n = tftp_build_error(b, 10, TFTP_ENOTFOUND, "File not found");
	CHECK("build error truncates the text", n == 10 && memcmp(b, "\0\5\0\1File \0", 10) == 0);
	n = tftp_build_error(b, sizeof(b), 0, NULL);
	CHECK("build error without text", n == 5 && b[4] == 0);

	struct tftp_opts o = { TFTP_OPT_BLKSIZE | TFTP_OPT_TSIZE | TFTP_OPT_WINDOWSIZE, 1432, 32, 0, 123456789 }, back;
	n = tftp_build_oack(b, sizeof(b), &o);
	CHECK("build oack round trip", n > 2 && tftp_parse(b, (size_t)n, &p) == 0 && p.op == TFTP_OACK &&
		  tftp_opts_parse(p.data, p.len, &back) == 0 && back.present == o.present && back.blksize == 1432 &&
		  back.windowsize == 32 && back.tsize == 123456789);
	CHECK("build oack too small", tftp_build_oack(b, 12, &o) == -ENAMETOOLONG);

	CHECK_STR("error name 1", tftp_error_name(1), "File not found");
	CHECK_STR("error name 8", tftp_error_name(8), "Option negotiation refused");
	CHECK_STR("error name unknown", tftp_error_name(9), "Unknown error");
}

static void test_mode(void)
{
	CHECK("mode octet", tftp_mode_parse("octet") == TFTP_MODE_OCTET);
	CHECK("mode OCTET (case-insensitive)", tftp_mode_parse("OCTET") == TFTP_MODE_OCTET);
	CHECK("mode NetAscii", tftp_mode_parse("NetAscii") == TFTP_MODE_NETASCII);
	CHECK("mode mail", tftp_mode_parse("mail") == TFTP_MODE_MAIL);
	CHECK("mode binary is not a mode", tftp_mode_parse("binary") == -EPROTO);
	CHECK("mode empty", tftp_mode_parse("") == -EPROTO);
	CHECK("mode prefix", tftp_mode_parse("oct") == -EPROTO);
	CHECK("mode longer", tftp_mode_parse("octets") == -EPROTO);
}

static void test_answer(void)
{
	enum { B = TFTP_OPT_BLKSIZE, T = TFTP_OPT_TIMEOUT, Z = TFTP_OPT_TSIZE, W = TFTP_OPT_WINDOWSIZE };
	static const struct {
		const char *name;
		struct tftp_opts req;
		uint16_t blk_max, win_max;
		struct tftp_opts want;
	} t[] = {
		{ "answer nothing asked: no OACK, RFC 1350 sizes", { 0 }, 1468, 64, { 0, 512, 1, 0, 0 } },
		{ "answer tsize only: the real size", { Z, 0, 0, 0, 0 }, 1468, 64, { Z, 512, 1, 0, 9999 } },
		{ "answer tsize asked with a value: still the real size", { Z, 0, 0, 0, 5 }, 1468, 64, { Z, 512, 1, 0, 9999 } },
		{ "answer blksize under the cap", { B, 1024, 0, 0, 0 }, 1468, 64, { B, 1024, 1, 0, 0 } },
		{ "answer blksize lowered to the path", { B, 65464, 0, 0, 0 }, 1468, 64, { B, 1468, 1, 0, 0 } },
		{ "answer blksize small asked", { B, 8, 0, 0, 0 }, 1468, 64, { B, 8, 1, 0, 0 } },
		{ "answer blksize cap below minimum", { B, 1024, 0, 0, 0 }, 3, 64, { B, 8, 1, 0, 0 } },
		{ "answer windowsize capped", { W, 0, 1000, 0, 0 }, 1468, 64, { W, 512, 64, 0, 0 } },
		{ "answer windowsize cap 0 counts as 1", { W, 0, 16, 0, 0 }, 1468, 0, { W, 512, 1, 0, 0 } },
		{ "answer timeout echoed", { T, 0, 0, 7, 0 }, 1468, 64, { T, 512, 1, 7, 0 } },
		{ "answer all four", { B | T | Z | W, 1428, 8, 3, 0 }, 1468, 64, { B | T | Z | W, 1428, 8, 3, 9999 } },
		{ "answer unknown bits dropped", { 0x80 | B, 900, 0, 0, 0 }, 1468, 64, { B, 900, 1, 0, 0 } },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct tftp_opts a;
		tftp_opts_answer(&t[i].req, t[i].blk_max, t[i].win_max, 9999, &a);
		CHECK(t[i].name, a.present == t[i].want.present && a.blksize == t[i].want.blksize &&
				  a.windowsize == t[i].want.windowsize && a.timeout == t[i].want.timeout &&
				  a.tsize == t[i].want.tsize);
	}
	/* the OACK carries exactly the options asked for */
	struct tftp_opts req, a, back;
	struct tftp_pkt p;
	uint8_t b[128];
	CHECK("answer: request reads", tftp_opts_parse(S("tsize\0" "0\0x-unknown\0" "1\0blksize\0" "1468\0"), &req) == 0);
	tftp_opts_answer(&req, 1468, 64, 123456, &a);
	int n = tftp_build_oack(b, sizeof(b), &a);
	CHECK("answer OACK has only blksize and tsize",
	      n == (int)sizeof("\0\6blksize\0" "1468\0tsize\0" "123456") &&
		      memcmp(b, "\0\6blksize\0" "1468\0tsize\0" "123456\0", (size_t)n) == 0 &&
		      tftp_parse(b, (size_t)n, &p) == 0 && tftp_opts_parse(p.data, p.len, &back) == 0 &&
		      back.present == (TFTP_OPT_BLKSIZE | TFTP_OPT_TSIZE));
}

static void test_ack_index(void)
{
	static const struct {
		const char *name;
		uint64_t acked, sent;
		uint16_t block;
		int rc;
		uint64_t want;
	} t[] = {
		{ "ack of the OACK", 0, 0, 0, 0, 0 },
		{ "ack of block 1", 0, 1, 1, 0, 1 },
		{ "ack inside the window", 10, 26, 20, 0, 20 },
		{ "ack end of the window", 10, 26, 26, 0, 26 },
		{ "duplicate ack", 10, 26, 10, 0, 10 },
		{ "stale ack", 10, 26, 9, -ERANGE, 0 },
		{ "ack beyond what was sent", 10, 26, 27, -ERANGE, 0 },
		{ "ack of block 65535", 65534, 65535, 65535, 0, 65535 },
		{ "ack 0 after rollover is block 65536", 65535, 65536, 0, 0, 65536 },
		{ "ack across the wrap", 65530, 65540, 3, 0, 65539 },
		{ "ack 65535 after the wrap is stale", 65536, 65540, 65535, -ERANGE, 0 },
		{ "ack second rollover", 131071, 131072, 0, 0, 131072 },
		{ "far block numbers", (1ull << 40) + 65535, (1ull << 40) + 65600, 10, 0, (1ull << 40) + 65546 },
		{ "sent behind acked", 5, 4, 5, -ERANGE, 0 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint64_t k = 0;
		int rc = tftp_ack_index(t[i].acked, t[i].sent, t[i].block, &k);
		CHECK(t[i].name, rc == t[i].rc && (rc < 0 || k == t[i].want));
	}
}

int main(void)
{
	test_mode();
	test_answer();
	test_ack_index();
	test_rrq();
	test_opts_parse();
	test_iter();
	test_accept();
	test_parse();
	test_build();
	return CHECK_DONE();
}
