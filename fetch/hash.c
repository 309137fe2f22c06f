/* The streaming front end over md5.c, sha256.c and sha512.c: buffering of
 * partial blocks, Merkle-Damgard padding (RFC 1321 3.1-3.2, FIPS 180-4 5.1),
 * and digest output.  Whole blocks in the caller's buffer are handed to the
 * compression function in place, with no copy. */
#include "fetch/hash.h"
#include <string.h>
#include <strings.h>

static size_t block_size(enum hash_algo algo)
{
	return algo == HASH_SHA512 ? 128 : 64;
}

static void compress(struct hash_ctx *h, const uint8_t *p, size_t nblocks)
{
	switch (h->algo) {
	case HASH_MD5:
		md5_blocks(h->state.s32, p, nblocks);
		break;
	case HASH_SHA256:
		if (h->sha_ni)
			sha256_blocks_ni(h->state.s32, p, nblocks);
		else
			sha256_blocks(h->state.s32, p, nblocks);
		break;
	case HASH_SHA512:
		sha512_blocks(h->state.s64, p, nblocks);
		break;
	case HASH_BLAKE2B:	/* never blocked here: hash_update hands it to libsodium */
		break;
	}
}

void hash_init(struct hash_ctx *h, enum hash_algo algo)
{
	hash_init_impl(h, algo, HASH_IMPL_AUTO);
}

/* CPUID is asked per context, not cached: no global state, and a context
 * lives for a whole image. */
void hash_init_impl(struct hash_ctx *h, enum hash_algo algo, enum hash_impl impl)
{
	memset(h, 0, sizeof(*h));
	h->algo = algo;
	h->sha_ni = algo == HASH_SHA256 && impl != HASH_IMPL_PORTABLE && sha256_ni_usable();
	switch (algo) {
	case HASH_MD5:
		memcpy(h->state.s32, md5_iv, sizeof(md5_iv));
		break;
	case HASH_SHA256:
		memcpy(h->state.s32, sha256_iv, sizeof(sha256_iv));
		break;
	case HASH_SHA512:
		memcpy(h->state.s64, sha512_iv, sizeof(sha512_iv));
		break;
	case HASH_BLAKE2B:
		crypto_generichash_init(&h->state.b2b, NULL, 0, 64);
		break;
	}
}

void hash_update(struct hash_ctx *h, const void *data, size_t len)
{
	const uint8_t *p = data;
	const size_t bs = block_size(h->algo);

	if (!len)
		return;
	h->total += len;
	if (h->algo == HASH_BLAKE2B) {
		crypto_generichash_update(&h->state.b2b, p, len);
		return;
	}
	if (h->fill) {
		size_t take = bs - h->fill < len ? bs - h->fill : len;
		memcpy(h->block + h->fill, p, take);
		h->fill += take;
		p += take;
		len -= take;
		if (h->fill < bs)
			return;
		compress(h, h->block, 1);
		h->fill = 0;
	}
	if (len >= bs) {
		size_t n = len / bs;
		compress(h, p, n);
		p += n * bs;
		len -= n * bs;
	}
	if (len) {
		memcpy(h->block, p, len);
		h->fill = len;
	}
}

static void store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void store_be64(uint8_t *p, uint64_t v)
{
	store_be32(p, (uint32_t)(v >> 32));
	store_be32(p + 4, (uint32_t)v);
}

static void store_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

size_t hash_final(struct hash_ctx *h, uint8_t out[HASH_MAX_DIGEST])
{
	const size_t bs = block_size(h->algo);
	/* the message length in bits goes in the last 8 bytes (16 for SHA-512,
	 * whose upper 64 bits are total >> 61) */
	const size_t lenbytes = h->algo == HASH_SHA512 ? 16 : 8;
	const uint64_t bits = h->total << 3;
	uint8_t *end;

	if (h->algo == HASH_BLAKE2B) {
		crypto_generichash_final(&h->state.b2b, out, 64);
		return 64;
	}
	h->block[h->fill++] = 0x80;
	if (h->fill > bs - lenbytes) {
		memset(h->block + h->fill, 0, bs - h->fill);
		compress(h, h->block, 1);
		h->fill = 0;
	}
	memset(h->block + h->fill, 0, bs - h->fill);
	end = h->block + bs;
	if (h->algo == HASH_MD5) {
		store_le32(end - 8, (uint32_t)bits);
		store_le32(end - 4, (uint32_t)(bits >> 32));
	} else {
		store_be64(end - 8, bits);
		if (h->algo == HASH_SHA512)
			store_be64(end - 16, h->total >> 61);
	}
	compress(h, h->block, 1);

	switch (h->algo) {
	case HASH_MD5:
		for (int i = 0; i < 4; i++)
			store_le32(out + 4 * i, h->state.s32[i]);
		break;
	case HASH_SHA256:
		for (int i = 0; i < 8; i++)
			store_be32(out + 4 * i, h->state.s32[i]);
		break;
	case HASH_SHA512:
		for (int i = 0; i < 8; i++)
			store_be64(out + 8 * i, h->state.s64[i]);
		break;
	case HASH_BLAKE2B:
		break;
	}
	h->fill = 0;
	return hash_digest_len(h->algo);
}

const char *hash_impl_name(const struct hash_ctx *h)
{
	return h->sha_ni ? "sha-ni" : "portable";
}

enum hash_algo hash_fastest(enum hash_impl impl)
{
	return impl != HASH_IMPL_PORTABLE && sha256_ni_usable() ? HASH_SHA256 : HASH_MD5;
}

size_t hash_digest_len(enum hash_algo algo)
{
	switch (algo) {
	case HASH_MD5:
		return 16;
	case HASH_SHA256:
		return 32;
	case HASH_SHA512:
	case HASH_BLAKE2B:
		return 64;
	}
	return 0;
}

static const char *const names[] = {
	[HASH_MD5] = "md5",
	[HASH_SHA256] = "sha256",
	[HASH_SHA512] = "sha512",
	[HASH_BLAKE2B] = "blake2b",
};

const char *hash_name(enum hash_algo algo)
{
	if ((unsigned)algo < sizeof(names) / sizeof(names[0]))
		return names[algo];
	return "?";
}

int hash_from_name(const char *name, size_t len)
{
	for (size_t i = 0; i <= HASH_SHA512; i++) {	/* not blake2b: no checksum file uses it */
		if (strlen(names[i]) == len && strncasecmp(name, names[i], len) == 0)
			return (int)i;
	}
	return -1;
}

void hash_hex(const uint8_t *digest, size_t len, char *out)
{
	static const char xd[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = xd[digest[i] >> 4];
		out[2 * i + 1] = xd[digest[i] & 15];
	}
	out[2 * len] = '\0';
}
