/* MD5, SHA-256, SHA-512: published vectors (RFC 1321 A.5, FIPS 180-2
 * appendices / NIST examples), streaming in odd chunk sizes and from
 * unaligned buffers, every padding boundary, names and hex. */
#include "fetch/hash.h"
#include "tests/unit/check.h"
#include <stdlib.h>

#define M448 "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
#define M896 "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn" \
	     "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"

static const struct vector {
	enum hash_algo algo;
	const char *msg;	/* NULL: one million 'a' */
	const char *hex;
} vectors[] = {
	/* RFC 1321 appendix A.5 */
	{ HASH_MD5, "", "d41d8cd98f00b204e9800998ecf8427e" },
	{ HASH_MD5, "a", "0cc175b9c0f1b6a831c399e269772661" },
	{ HASH_MD5, "abc", "900150983cd24fb0d6963f7d28e17f72" },
	{ HASH_MD5, "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
	{ HASH_MD5, "abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b" },
	{ HASH_MD5, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
	  "d174ab98d277d9f5a5611c2c9f419d9f" },
	{ HASH_MD5, "1234567890123456789012345678901234567890"
		    "1234567890123456789012345678901234567890",
	  "57edf4a22be3c955ac49da2e2107b67a" },
	{ HASH_MD5, NULL, "7707d6ae4e027c70eea2a935c2296f21" },
	/* FIPS 180 examples */
	{ HASH_SHA256, "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ HASH_SHA256, "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ HASH_SHA256, M448, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ HASH_SHA256, M896, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
	{ HASH_SHA256, NULL, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
	{ HASH_SHA512, "abc", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
			      "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f" },
	{ HASH_SHA512, "", "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
			   "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e" },
	{ HASH_SHA512, M448, "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c335"
			     "96fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445" },
	{ HASH_SHA512, M896, "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
			     "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909" },
	{ HASH_SHA512, NULL, "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
			     "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b" },
};

/* For each algorithm, the digest of the concatenated digests of messages of
 * length 0..300 with byte i = (31 i + 7 + n) mod 256, which crosses every
 * padding boundary (55/56/64 and 111/112/128).  Reference values from an
 * independent implementation (Python hashlib). */
static const char *const chain_hex[] = {
	[HASH_MD5] = "c991aa30ea1d8adbc8ba40403628c5d1",
	[HASH_SHA256] = "04440c166634ec732fd040b68b71b52d4cba80c66d40654be846ec2917c717ca",
	[HASH_SHA512] = ("3d6e017722125d1f0dd4d8c9681861671ecaa245024ec4d26e8fca095d9932a8"
			 "29df96342ee4f62ab6556d6761ec8db98e0c5860c846484b503eb8d65e6ff43c"),
};

static void digest_hex(enum hash_algo algo, const void *p, size_t len, char *hex)
{
	struct hash_ctx h;
	uint8_t d[HASH_MAX_DIGEST];
	size_t n;

	hash_init(&h, algo);
	hash_update(&h, p, len);
	n = hash_final(&h, d);
	hash_hex(d, n, hex);
}

static void test_vectors(void)
{
	static char million[1000000];
	char name[128], hex[2 * HASH_MAX_DIGEST + 1];

	memset(million, 'a', sizeof(million));
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const struct vector *v = &vectors[i];
		const char *m = v->msg ? v->msg : million;
		size_t len = v->msg ? strlen(v->msg) : sizeof(million);

		digest_hex(v->algo, m, len, hex);
		snprintf(name, sizeof(name), "%s vector %zu (%zu bytes)", hash_name(v->algo), i, len);
		CHECK_STR(name, hex, v->hex);
	}
	/* the million 'a' fed as 1000 updates of 1000, then as 10 bytes at a time */
	for (int a = HASH_MD5; a <= HASH_SHA512; a++) {
		struct hash_ctx h;
		uint8_t d[HASH_MAX_DIGEST];
		const char *want = NULL;

		for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
			if (vectors[i].algo == (enum hash_algo)a && !vectors[i].msg)
				want = vectors[i].hex;
		hash_init(&h, (enum hash_algo)a);
		for (int i = 0; i < 1000; i++)
			hash_update(&h, million, 1000);
		hash_hex(d, hash_final(&h, d), hex);
		snprintf(name, sizeof(name), "%s million 'a' in 1000-byte updates", hash_name((enum hash_algo)a));
		CHECK_STR(name, hex, want);
		hash_init(&h, (enum hash_algo)a);
		for (int i = 0; i < 100000; i++)
			hash_update(&h, million + i % 7, 10);
		hash_hex(d, hash_final(&h, d), hex);
		snprintf(name, sizeof(name), "%s million 'a' in 10-byte unaligned updates", hash_name((enum hash_algo)a));
		CHECK_STR(name, hex, want);
	}
}

static void test_padding_boundaries(void)
{
	for (int a = HASH_MD5; a <= HASH_SHA512; a++) {
		struct hash_ctx chain;
		uint8_t msg[300], d[HASH_MAX_DIGEST];
		char hex[2 * HASH_MAX_DIGEST + 1], name[96];

		hash_init(&chain, (enum hash_algo)a);
		for (size_t n = 0; n <= 300; n++) {
			struct hash_ctx h;
			for (size_t i = 0; i < n; i++)
				msg[i] = (uint8_t)(31 * i + 7 + n);
			hash_init(&h, (enum hash_algo)a);
			hash_update(&h, msg, n);
			hash_update(&chain, d, hash_final(&h, d));
		}
		hash_hex(d, hash_final(&chain, d), hex);
		snprintf(name, sizeof(name), "%s lengths 0..300 (every padding boundary)", hash_name((enum hash_algo)a));
		CHECK_STR(name, hex, chain_hex[a]);
	}
}

static void test_streaming(void)
{
	static const size_t chunks[] = { 1, 2, 3, 7, 55, 56, 63, 64, 65, 111, 112, 127, 128, 129, 200, 1000, 4096 };
	enum { LEN = 10007 };
	uint8_t *buf = malloc(LEN + 8);

	for (size_t i = 0; i < LEN + 8; i++)
		buf[i] = (uint8_t)(i * 2654435761u >> 13);
	for (int a = HASH_MD5; a <= HASH_SHA512; a++) {
		char want[2 * HASH_MAX_DIGEST + 1];

		digest_hex((enum hash_algo)a, buf, LEN, want);
		for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
			for (size_t off = 0; off < 8; off += 3) {
				/* the same bytes copied to an offset, so blocks are unaligned */
				uint8_t *src = malloc(LEN + off);
				struct hash_ctx h;
				uint8_t d[HASH_MAX_DIGEST];
				char hex[2 * HASH_MAX_DIGEST + 1], name[96];

				memcpy(src + off, buf, LEN);
				hash_init(&h, (enum hash_algo)a);
				for (size_t pos = 0; pos < LEN; pos += chunks[c]) {
					size_t n = LEN - pos < chunks[c] ? LEN - pos : chunks[c];
					hash_update(&h, src + off + pos, n);
					hash_update(&h, src, 0);	/* empty updates change nothing */
				}
				hash_hex(d, hash_final(&h, d), hex);
				snprintf(name, sizeof(name), "%s streaming in %zu-byte chunks at offset %zu",
					 hash_name((enum hash_algo)a), chunks[c], off);
				CHECK_STR(name, hex, want);
				free(src);
			}
		}
		/* mixed chunk sizes: 1, 3, 63, 64, 65, 127, 129 repeating */
		{
			static const size_t mix[] = { 1, 3, 63, 64, 65, 127, 129 };
			struct hash_ctx h;
			uint8_t d[HASH_MAX_DIGEST];
			char hex[2 * HASH_MAX_DIGEST + 1], name[96];
			size_t pos = 0;

			hash_init(&h, (enum hash_algo)a);
			for (size_t k = 0; pos < LEN; k++) {
				size_t n = mix[k % 7] < LEN - pos ? mix[k % 7] : LEN - pos;
				hash_update(&h, buf + pos, n);
				pos += n;
			}
			hash_hex(d, hash_final(&h, d), hex);
			snprintf(name, sizeof(name), "%s streaming in mixed chunks", hash_name((enum hash_algo)a));
			CHECK_STR(name, hex, want);
		}
	}
	free(buf);
}

static void test_names(void)
{
	static const struct {
		const char *s;
		int want;
	} tab[] = {
		{ "md5", HASH_MD5 }, { "MD5", HASH_MD5 }, { "sha256", HASH_SHA256 },
		{ "SHA256", HASH_SHA256 }, { "Sha512", HASH_SHA512 }, { "sha1", -1 },
		{ "sha", -1 }, { "sha2566", -1 }, { "", -1 }, { "md", -1 }, { "sha-256", -1 },
	};
	char name[64];

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		snprintf(name, sizeof(name), "hash_from_name('%s')", tab[i].s);
		CHECK(name, hash_from_name(tab[i].s, strlen(tab[i].s)) == tab[i].want);
	}
	CHECK("hash_from_name uses len, not NUL", hash_from_name("sha256:abc", 6) == HASH_SHA256);
	for (int a = HASH_MD5; a <= HASH_SHA512; a++) {
		const char *n = hash_name((enum hash_algo)a);
		snprintf(name, sizeof(name), "hash_name/hash_from_name round trip %s", n);
		CHECK(name, hash_from_name(n, strlen(n)) == a);
	}
	CHECK_STR("hash_name md5", hash_name(HASH_MD5), "md5");
	CHECK_STR("hash_name sha256", hash_name(HASH_SHA256), "sha256");
	CHECK_STR("hash_name sha512", hash_name(HASH_SHA512), "sha512");
	CHECK("digest lengths 16/32/64", hash_digest_len(HASH_MD5) == 16 && hash_digest_len(HASH_SHA256) == 32 &&
	      hash_digest_len(HASH_SHA512) == 64);
}

static void test_hex(void)
{
	const uint8_t d[] = { 0x00, 0x01, 0x7f, 0x80, 0xab, 0xff };
	char out[2 * sizeof(d) + 1];

	memset(out, 'x', sizeof(out));
	hash_hex(d, sizeof(d), out);
	CHECK_STR("hash_hex lower case, NUL-terminated", out, "00017f80abff");
	hash_hex(d, 0, out);
	CHECK_STR("hash_hex of nothing", out, "");
}

static void digest_hex_impl(enum hash_impl impl, const void *p, size_t len, char *hex)
{
	struct hash_ctx h;
	uint8_t d[HASH_MAX_DIGEST];

	hash_init_impl(&h, HASH_SHA256, impl);
	hash_update(&h, p, len);
	hash_hex(d, hash_final(&h, d), hex);
}

/* SHA-256 through both implementations: the FIPS vectors and the padding
 * chain through each, then random lengths, offsets and update splits, which
 * must agree byte for byte. */
static void test_sha256_impls(void)
{
	static const enum hash_impl impls[] = { HASH_IMPL_PORTABLE, HASH_IMPL_SHA_NI };
	static char million[1000000];
	char name[128], hex[2 * HASH_MAX_DIGEST + 1], hex2[2 * HASH_MAX_DIGEST + 1];
	struct hash_ctx h;
	bool ni = sha256_ni_usable();

	printf("# SHA-NI on this CPU: %s\n", ni ? "yes" : "no (both paths run the portable code)");
	hash_init_impl(&h, HASH_SHA256, HASH_IMPL_PORTABLE);
	CHECK_STR("portable path forced", hash_impl_name(&h), "portable");
	hash_init_impl(&h, HASH_SHA256, HASH_IMPL_SHA_NI);
	CHECK_STR("SHA-NI path when the CPU has it", hash_impl_name(&h), ni ? "sha-ni" : "portable");
	hash_init(&h, HASH_SHA256);
	CHECK_STR("hash_init picks SHA-NI when the CPU has it", hash_impl_name(&h), ni ? "sha-ni" : "portable");
	hash_init_impl(&h, HASH_MD5, HASH_IMPL_SHA_NI);
	CHECK_STR("MD5 has no SHA-NI path", hash_impl_name(&h), "portable");
	CHECK("fastest algorithm: sha256 with SHA-NI, else md5", hash_fastest(HASH_IMPL_AUTO) == (ni ? HASH_SHA256 : HASH_MD5));
	CHECK("fastest algorithm with the portable code forced: md5", hash_fastest(HASH_IMPL_PORTABLE) == HASH_MD5);

	memset(million, 'a', sizeof(million));
	for (size_t k = 0; k < 2; k++) {
		const char *impl = k ? "sha-ni" : "portable";
		for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
			const struct vector *v = &vectors[i];
			if (v->algo != HASH_SHA256)
				continue;
			digest_hex_impl(impls[k], v->msg ? v->msg : million, v->msg ? strlen(v->msg) : sizeof(million), hex);
			snprintf(name, sizeof(name), "sha256 %s: vector %zu", impl, i);
			CHECK_STR(name, hex, v->hex);
		}
		struct hash_ctx chain;
		uint8_t msg[300], d[HASH_MAX_DIGEST];
		hash_init_impl(&chain, HASH_SHA256, impls[k]);
		for (size_t n = 0; n <= 300; n++) {
			for (size_t i = 0; i < n; i++)
				msg[i] = (uint8_t)(31 * i + 7 + n);
			hash_init_impl(&h, HASH_SHA256, impls[k]);
			hash_update(&h, msg, n);
			hash_update(&chain, d, hash_final(&h, d));
		}
		hash_hex(d, hash_final(&chain, d), hex);
		snprintf(name, sizeof(name), "sha256 %s: lengths 0..300", impl);
		CHECK_STR(name, hex, chain_hex[HASH_SHA256]);
	}

	/* random data, lengths, buffer offsets and update splits (fixed seed) */
	enum { MAXLEN = 70000 };
	uint8_t *buf = malloc(MAXLEN + 16);
	uint32_t x = 0x9e3779b9u;
	int differ = 0;
	for (size_t i = 0; i < MAXLEN + 16; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		buf[i] = (uint8_t)x;
	}
	for (int round = 0; round < 400; round++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		size_t len = round < 130 ? (size_t)round : x % MAXLEN, off = (x >> 20) % 16;
		struct hash_ctx a, b;
		uint8_t da[HASH_MAX_DIGEST], db[HASH_MAX_DIGEST];
		hash_init_impl(&a, HASH_SHA256, HASH_IMPL_PORTABLE);
		hash_init_impl(&b, HASH_SHA256, HASH_IMPL_SHA_NI);
		hash_update(&a, buf + off, len);
		for (size_t done = 0, step = 1 + (x >> 8) % 3000; done < len; done += step)
			hash_update(&b, buf + off + done, len - done < step ? len - done : step);
		hash_final(&a, da);
		hash_final(&b, db);
		if (memcmp(da, db, 32) != 0 && differ++ < 3) {
			hash_hex(da, 32, hex);
			hash_hex(db, 32, hex2);
			printf("# length %zu offset %zu: portable %s, sha-ni %s\n", len, off, hex, hex2);
		}
	}
	CHECK("sha256: portable and SHA-NI agree on 400 random lengths, offsets and splits", differ == 0);
	free(buf);
}

int main(void)
{
	test_vectors();
	test_padding_boundaries();
	test_streaming();
	test_names();
	test_hex();
	test_sha256_impls();
	return CHECK_DONE();
}
