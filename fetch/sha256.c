/* SHA-256 compression function, written from FIPS 180-4 sections 4.1.2,
 * 4.2.2, 5.3.3 and 6.2.2.  Words are big-endian and assembled from bytes, so
 * this is correct on any host and for any alignment of the caller's buffer.
 * The message schedule lives in a 16-word ring (W[t] only needs W[t-16..t-1]);
 * the eight working variables rotate by renaming in the round macro instead
 * of by moving values. */
#include "fetch/hash.h"

/* H(0): first 32 bits of the fractional parts of the square roots of the
 * first 8 primes (section 5.3.3). */
const uint32_t sha256_iv[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

/* K: first 32 bits of the fractional parts of the cube roots of the first
 * 64 primes (section 4.2.2). */
const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5,
	0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
	0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
	0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))
/* Section 4.1.2; Ch and Maj in equivalent forms with fewer operations. */
#define CH(x, y, z)  ((z) ^ ((x) & ((y) ^ (z))))
#define MAJ(x, y, z) (((x) & (y)) | ((z) & ((x) | (y))))
#define BSIG0(x) (ROTR(x, 2) ^ ROTR(x, 13) ^ ROTR(x, 22))
#define BSIG1(x) (ROTR(x, 6) ^ ROTR(x, 11) ^ ROTR(x, 25))
#define SSIG0(x) (ROTR(x, 7) ^ ROTR(x, 18) ^ ((x) >> 3))
#define SSIG1(x) (ROTR(x, 17) ^ ROTR(x, 19) ^ ((x) >> 10))

/* One round with W[t] already in W[i]; afterwards the caller's (a..h) are
 * the next round's (b..h, a). */
#define ROUND(a, b, c, d, e, f, g, h, i, k) do { \
	uint32_t t1_ = (h) + BSIG1(e) + CH(e, f, g) + (k) + W[i]; \
	(d) += t1_; \
	(h) = t1_ + BSIG0(a) + MAJ(a, b, c); \
} while (0)
/* W[t] = SSIG1(W[t-2]) + W[t-7] + SSIG0(W[t-15]) + W[t-16], in the ring */
#define EXPAND(i) (W[i] += SSIG1(W[((i) + 14) & 15]) + W[((i) + 9) & 15] + SSIG0(W[((i) + 1) & 15]))
#define ROUND_X(a, b, c, d, e, f, g, h, i, k) do { EXPAND(i); ROUND(a, b, c, d, e, f, g, h, i, k); } while (0)

/* Sixteen rounds starting at K[t]; R is ROUND or ROUND_X. */
#define SIXTEEN(R, t) do { \
	R(a, b, c, d, e, f, g, h,  0, sha256_k[(t) +  0]); \
	R(h, a, b, c, d, e, f, g,  1, sha256_k[(t) +  1]); \
	R(g, h, a, b, c, d, e, f,  2, sha256_k[(t) +  2]); \
	R(f, g, h, a, b, c, d, e,  3, sha256_k[(t) +  3]); \
	R(e, f, g, h, a, b, c, d,  4, sha256_k[(t) +  4]); \
	R(d, e, f, g, h, a, b, c,  5, sha256_k[(t) +  5]); \
	R(c, d, e, f, g, h, a, b,  6, sha256_k[(t) +  6]); \
	R(b, c, d, e, f, g, h, a,  7, sha256_k[(t) +  7]); \
	R(a, b, c, d, e, f, g, h,  8, sha256_k[(t) +  8]); \
	R(h, a, b, c, d, e, f, g,  9, sha256_k[(t) +  9]); \
	R(g, h, a, b, c, d, e, f, 10, sha256_k[(t) + 10]); \
	R(f, g, h, a, b, c, d, e, 11, sha256_k[(t) + 11]); \
	R(e, f, g, h, a, b, c, d, 12, sha256_k[(t) + 12]); \
	R(d, e, f, g, h, a, b, c, 13, sha256_k[(t) + 13]); \
	R(c, d, e, f, g, h, a, b, 14, sha256_k[(t) + 14]); \
	R(b, c, d, e, f, g, h, a, 15, sha256_k[(t) + 15]); \
} while (0)

void sha256_blocks(uint32_t st[8], const uint8_t *p, size_t n)
{
	uint32_t a = st[0], b = st[1], c = st[2], d = st[3];
	uint32_t e = st[4], f = st[5], g = st[6], h = st[7];

	for (; n; n--, p += 64) {
		uint32_t W[16];

		for (int j = 0; j < 16; j++)
			W[j] = load_be32(p + 4 * j);
		SIXTEEN(ROUND, 0);
		for (int t = 16; t < 64; t += 16)
			SIXTEEN(ROUND_X, t);

		a = st[0] += a;
		b = st[1] += b;
		c = st[2] += c;
		d = st[3] += d;
		e = st[4] += e;
		f = st[5] += f;
		g = st[6] += g;
		h = st[7] += h;
	}
}
