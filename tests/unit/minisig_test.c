/* minisign key and signature files made by the real minisign 0.11 (key
 * 05554938C11FC086 and another key C8F2E35EBD2A8D35), then the checks of
 * fetch/sigverify.c against BLAKE2b digests of the signed bytes. */
#include "fetch/minisig.h"
#include "fetch/sigverify.h"
#include "fetch/hash.h"
#include "tests/unit/check.h"
#include <errno.h>

#define PUB_A "untrusted comment: minisign public key 5554938C11FC086\n" \
	      "RWSGwB/BOElVBVH9NDQ+Of6E2GQPbu8FM+22yKKqr25FBGd6WUEj4kZR\n"
#define PUB_B "untrusted comment: minisign public key C8F2E35EBD2A8D35\n" \
	      "RWQ1jSq9XuPyyA3FtHfsPHPySWdGmYT7T+wjsXaufYrAdF3zse3/RNJx\n"
#define UC "untrusted comment: signature from minisign secret key\n"
/* minisign -S -m img (content "hello netboot\n"), the default trusted comment */
#define SIG_LINE "RUSGwB/BOElVBX04M95Xx2AexnuoJ+SZeLU22yGY4hQBFuT1lMr7h1yq3nzTEoSX7jrqHKI8TBTJ1iClOI9LgRTaSVXYIdzAwAw=\n"
#define TC "trusted comment: timestamp:1796083960\tfile:img\thashed\n"
#define GLOBAL "ZM2cMeRGo8oGmLoY7Y0HEbZIN/KnXTCWKcEcVEL2Szah9fp3BrWP4BnYWZ2v19+rT7UZ2OEKtkG+MYhQBvoDAg==\n"
#define SIG_DEF UC SIG_LINE TC GLOBAL
/* minisign -S -l: legacy, not prehashed */
#define SIG_LEGACY UC "RWSGwB/BOElVBdXQYfDEB6NSumMs8tTH/j64EqDC+vBFuSV/P+qmrDKfUunbHOg9VKyw2QLodZdRIWq+lI0rTCG7j1sfo1h0ZAQ=\n" \
	"trusted comment: timestamp:1796083960\tfile:img\n" \
	"FvTkvNA0L4uz+eaerBCfkoeVXfEKsxeu/bKWy+GEgqUdl5mTmTSk7AWS6SwA5Aub5WZiNOOnxLhwfP6SCyqWDA==\n"

static const struct parse_case {
	const char *desc, *text;
	int rc;
	const char *msg;
} sig_cases[] = {
	{ "minisign's signature", SIG_DEF, 0, NULL },
	{ "no final newline", UC SIG_LINE TC "ZM2cMeRGo8oGmLoY7Y0HEbZIN/KnXTCWKcEcVEL2Szah9fp3BrWP4BnYWZ2v19+rT7UZ2OEKtkG+MYhQBvoDAg==", 0, NULL },
	{ "CRLF lines", "untrusted comment: x\r\nRUSGwB/BOElVBX04M95Xx2AexnuoJ+SZeLU22yGY4hQBFuT1lMr7h1yq3nzTEoSX7jrqHKI8TBTJ1iClOI9LgRTaSVXYIdzAwAw=\r\n"
	  "trusted comment: t\r\nZM2cMeRGo8oGmLoY7Y0HEbZIN/KnXTCWKcEcVEL2Szah9fp3BrWP4BnYWZ2v19+rT7UZ2OEKtkG+MYhQBvoDAg==\r\n", 0, NULL },
	{ "legacy signature parses", SIG_LEGACY, 0, NULL },
	{ "empty", "", -EPROTO, "untrusted comment" },
	{ "an HTML 404 page", "<html>not found</html>\n", -EPROTO, "first line" },
	{ "a public key given as signature", PUB_A, -EPROTO, "line 2" },
	{ "truncated after line 2", UC SIG_LINE, -EPROTO, "line 3" },
	{ "no global signature", UC SIG_LINE TC, -EPROTO, "line 4" },
	{ "short signature line", UC "RUSGwB/BOElVBX04\n" TC GLOBAL, -EPROTO, "74 bytes" },
	{ "bad base64 character", UC "RUSGwB/BOElVBX04M95Xx2AexnuoJ+SZeLU22yGY4hQBFuT1lMr7h1yq3nzTEoSX7jrqHKI8TBTJ1iClOI9LgRTaSVXYIdzAwA*=\n" TC GLOBAL,
	  -EPROTO, "line 2" },
	{ "unused base64 bits set", UC "RUSGwB/BOElVBX04M95Xx2AexnuoJ+SZeLU22yGY4hQBFuT1lMr7h1yq3nzTEoSX7jrqHKI8TBTJ1iClOI9LgRTaSVXYIdzAwAx=\n" TC GLOBAL,
	  -EPROTO, "line 2" },
	{ "unknown algorithm", UC "RXSGwB/BOElVBX04M95Xx2AexnuoJ+SZeLU22yGY4hQBFuT1lMr7h1yq3nzTEoSX7jrqHKI8TBTJ1iClOI9LgRTaSVXYIdzAwAw=\n" TC GLOBAL,
	  -EPROTO, "algorithm" },
	{ "trusted comment without its prefix", UC SIG_LINE "timestamp:1\n" GLOBAL, -EPROTO, "trusted comment" },
	{ "text after the signature", SIG_DEF "more\n", -EPROTO, "after line 4" },
	{ "blank lines after it", SIG_DEF "\n\n", 0, NULL },
};

static const struct parse_case key_cases[] = {
	{ "minisign's public key", PUB_A, 0, NULL },
	{ "bare base64 line (minisign -P form)", "RWSGwB/BOElVBVH9NDQ+Of6E2GQPbu8FM+22yKKqr25FBGd6WUEj4kZR", 0, NULL },
	{ "empty key", "", -EPROTO, "empty" },
	{ "comment only", "untrusted comment: x\n", -EPROTO, "empty" },
	{ "a signature given as key", SIG_DEF, -EPROTO, "42 bytes" },
	{ "key with a wrong algorithm", "untrusted comment: x\nRXSGwB/BOElVBVH9NDQ+Of6E2GQPbu8FM+22yKKqr25FBGd6WUEj4kZR\n", -EPROTO, "\"Ed\"" },
	{ "two keys in one file", PUB_A PUB_B, -EPROTO, "text after" },
};

static void parse_tables(void)
{
	char name[200];
	for (size_t i = 0; i < sizeof(sig_cases) / sizeof(sig_cases[0]); i++) {
		const struct parse_case *c = &sig_cases[i];
		struct minisig s;
		struct errbuf e = { "" };
		int rc = minisig_parse("x.minisig", c->text, strlen(c->text), &s, &e);
		snprintf(name, sizeof(name), "signature: %s", c->desc);
		CHECK(name, rc == c->rc && (!c->msg || (strstr(e.msg, c->msg) && strstr(e.msg, "x.minisig"))));
		if (rc != c->rc || (c->msg && !strstr(e.msg, c->msg)))
			printf("  got %d '%s'\n", rc, e.msg);
	}
	for (size_t i = 0; i < sizeof(key_cases) / sizeof(key_cases[0]); i++) {
		const struct parse_case *c = &key_cases[i];
		struct minisig_pubkey k;
		struct errbuf e = { "" };
		int rc = minisig_parse_pubkey("k.pub", c->text, strlen(c->text), &k, &e);
		snprintf(name, sizeof(name), "key: %s", c->desc);
		CHECK(name, rc == c->rc && (!c->msg || (strstr(e.msg, c->msg) && strstr(e.msg, "k.pub"))));
		if (rc != c->rc || (c->msg && !strstr(e.msg, c->msg)))
			printf("  got %d '%s'\n", rc, e.msg);
	}
}

static void b2b(const char *text, uint8_t out[64])
{
	struct hash_ctx h;
	hash_init(&h, HASH_BLAKE2B);
	hash_update(&h, text, strlen(text));
	hash_final(&h, out);
}

static void fields_and_checks(void)
{
	struct sig_keys a = { 0 }, b = { 0 }, both = { 0 };
	struct minisig s, legacy, altered;
	struct errbuf e = { "" };
	uint8_t d[64];
	char id[17], text[sizeof(SIG_DEF)];
	size_t flen;
	const char *f;

	minisig_parse_pubkey("a.pub", PUB_A, strlen(PUB_A), &a.k[a.n++], &e);
	minisig_parse_pubkey("b.pub", PUB_B, strlen(PUB_B), &b.k[b.n++], &e);
	both.k[both.n++] = b.k[0];
	both.k[both.n++] = a.k[0];
	minisig_keyid_hex(a.k[0].keyid, id);
	CHECK_STR("key id as minisign prints it", id, "05554938C11FC086");
	CHECK("signature parses", minisig_parse("s", SIG_DEF, strlen(SIG_DEF), &s, &e) == 0 && s.prehashed);
	CHECK_STR("trusted comment", s.trusted, "timestamp:1796083960\tfile:img\thashed");
	sig_comment(&s, text, sizeof(text));
	CHECK_STR("trusted comment shown: tabs as spaces", text, "timestamp:1796083960 file:img hashed");
	f = minisig_comment_file(&s, &flen);
	CHECK("file: in the trusted comment", f && flen == 3 && !memcmp(f, "img", 3));
	CHECK("header: right key", sig_check_header(&a, &s, "s", &e) == 0);
	CHECK("header: the second of two keys", sig_check_header(&both, &s, "s", &e) == 0);
	CHECK("header: another key refused, both ids named",
	      sig_check_header(&b, &s, "s", &e) == -EKEYREJECTED && strstr(e.msg, "05554938C11FC086") &&
	      strstr(e.msg, "C8F2E35EBD2A8D35"));
	minisig_parse("l", SIG_LEGACY, strlen(SIG_LEGACY), &legacy, &e);
	CHECK("header: legacy refused", sig_check_header(&a, &legacy, "l", &e) == -ENOTSUP && strstr(e.msg, "legacy"));
	memcpy(text, SIG_DEF, sizeof(SIG_DEF));
	*strstr(text, "1796083960") = '2';	/* a trusted comment rewritten in transit */
	minisig_parse("t", text, strlen(text), &altered, &e);
	CHECK("header: altered trusted comment refused",
	      sig_check_header(&a, &altered, "t", &e) == -EBADMSG && strstr(e.msg, "trusted comment"));
	b2b("hello netboot\n", d);
	CHECK("digest: signed bytes verify", sig_check_digest(&a, &s, d, "img", "s", &e) == 0);
	b2b("hello netbooT\n", d);
	CHECK("digest: altered image refused",
	      sig_check_digest(&a, &s, d, "img", "s", &e) == -EBADMSG && strstr(e.msg, "altered"));
	CHECK("digest: signature of another file refused, naming it",
	      sig_check_digest(&a, &s, d, "sysrcd.dat", "s", &e) == -EBADMSG && strstr(e.msg, "another file (img"));
}

static void base64_vectors(void)
{
	/* RFC 4648 section 10 */
	static const char *const v[][2] = { { "", "" }, { "Zg==", "f" }, { "Zm8=", "fo" }, { "Zm9v", "foo" },
					    { "Zm9vYg==", "foob" }, { "Zm9vYmE=", "fooba" }, { "Zm9vYmFy", "foobar" } };
	uint8_t out[8];
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		long n = minisig_base64_decode(v[i][0], strlen(v[i][0]), out, sizeof(out));
		CHECK(v[i][0][0] ? v[i][0] : "base64 empty", n == (long)strlen(v[i][1]) && !memcmp(out, v[i][1], (size_t)n));
	}
	CHECK("base64: '=' inside refused", minisig_base64_decode("Zg==Zm9v", 8, out, sizeof(out)) < 0);
	CHECK("base64: three '=' refused", minisig_base64_decode("Z===", 4, out, sizeof(out)) < 0);
	CHECK("base64: output cap", minisig_base64_decode("Zm9vYmFy", 8, out, 5) < 0);
}

int main(void)
{
	parse_tables();
	fields_and_checks();
	base64_vectors();
	return CHECK_DONE();
}
