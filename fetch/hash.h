/* Streaming digests: MD5 (RFC 1321), SHA-256 and SHA-512 (FIPS 180-4), and
 * BLAKE2b-512 (libsodium) for minisign's prehashed signatures.
 * One context type so a download can hash in the same pass whatever the
 * checksum file or checksum= argument names. */
#ifndef FETCH_HASH_H
#define FETCH_HASH_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sodium/crypto_generichash.h>

/* BLAKE2B comes last: checksum files and checksum= name only the others */
enum hash_algo { HASH_MD5, HASH_SHA256, HASH_SHA512, HASH_BLAKE2B };
#define HASH_MAX_DIGEST 64
/* Which SHA-256 code runs: AUTO picks SHA-NI when the CPU has it; the others
 * force one (tests compare them, the bench measures both). */
enum hash_impl { HASH_IMPL_AUTO, HASH_IMPL_PORTABLE, HASH_IMPL_SHA_NI };

struct hash_ctx {
	enum hash_algo algo;
	bool sha_ni;			/* SHA-256 through sha256_blocks_ni() */
	uint64_t total;			/* bytes hashed so far */
	union {
		uint32_t s32[8];
		uint64_t s64[8];
		crypto_generichash_state b2b;	/* HASH_BLAKE2B, 64-byte output */
	} state;
	uint8_t block[128];
	size_t fill;
};

void hash_init(struct hash_ctx *h, enum hash_algo algo);
/* hash_init with a chosen implementation; HASH_IMPL_SHA_NI on a CPU without
 * it falls back to the portable code (see hash_impl_name). */
void hash_init_impl(struct hash_ctx *h, enum hash_algo algo, enum hash_impl impl);
/* "sha-ni" or "portable": what h actually runs. */
const char *hash_impl_name(const struct hash_ctx *h);
/* The cheapest checksum algorithm to verify with on this CPU: SHA-256 when
 * it has SHA-NI (faster than MD5 then), else MD5 (the seed's checksum). */
enum hash_algo hash_fastest(enum hash_impl impl);
void hash_update(struct hash_ctx *h, const void *data, size_t len);
/* Writes the digest to out and returns its length in bytes.  The context is
 * spent afterwards: hash_init it again before reuse. */
size_t hash_final(struct hash_ctx *h, uint8_t out[HASH_MAX_DIGEST]);
size_t hash_digest_len(enum hash_algo algo);
const char *hash_name(enum hash_algo algo);		/* "md5", "sha256", "sha512" */
/* "md5"/"sha256"/"sha512" (case-insensitive) -> algo; -1 if unknown */
int hash_from_name(const char *name, size_t len);
/* Lower-case hex of a digest into out (2*len+1 bytes). */
void hash_hex(const uint8_t *digest, size_t len, char *out);

/* Internal to fetch/hash.c: initial states and compression functions, which
 * process `n` whole blocks (64 bytes; 128 for SHA-512) straight from p (any
 * alignment, bytes loaded explicitly, so endian-independent). */
extern const uint32_t md5_iv[4], sha256_iv[8], sha256_k[64];
extern const uint64_t sha512_iv[8];
void md5_blocks(uint32_t st[4], const uint8_t *p, size_t n);
void sha256_blocks(uint32_t st[8], const uint8_t *p, size_t n);
bool sha256_ni_usable(void);		/* CPUID: SHA, SSSE3, SSE4.1 (x86-64 only) */
void sha256_blocks_ni(uint32_t st[8], const uint8_t *p, size_t n);	/* only if usable */
void sha512_blocks(uint64_t st[8], const uint8_t *p, size_t n);
#endif
