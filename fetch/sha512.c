/* SHA-512 compression function, written from FIPS 180-4 sections 4.1.3,
 * 4.2.3, 5.3.5 and 6.4.2.  The same shape as fetch/sha256.c with 64-bit
 * words, 80 rounds and 128-byte blocks; words are big-endian and assembled
 * from bytes, so this is correct on any host and any buffer alignment. */
#include "fetch/hash.h"

/* H(0): first 64 bits of the fractional parts of the square roots of the
 * first 8 primes (section 5.3.5). */
const uint64_t sha512_iv[8] = {
	UINT64_C(0x6a09e667f3bcc908), UINT64_C(0xbb67ae8584caa73b),
	UINT64_C(0x3c6ef372fe94f82b), UINT64_C(0xa54ff53a5f1d36f1),
	UINT64_C(0x510e527fade682d1), UINT64_C(0x9b05688c2b3e6c1f),
	UINT64_C(0x1f83d9abfb41bd6b), UINT64_C(0x5be0cd19137e2179),
};

/* K: first 64 bits of the fractional parts of the cube roots of the first
 * 80 primes (section 4.2.3). */
static const uint64_t K[80] = {
	UINT64_C(0x428a2f98d728ae22), UINT64_C(0x7137449123ef65cd),
	UINT64_C(0xb5c0fbcfec4d3b2f), UINT64_C(0xe9b5dba58189dbbc),
	UINT64_C(0x3956c25bf348b538), UINT64_C(0x59f111f1b605d019),
	UINT64_C(0x923f82a4af194f9b), UINT64_C(0xab1c5ed5da6d8118),
	UINT64_C(0xd807aa98a3030242), UINT64_C(0x12835b0145706fbe),
	UINT64_C(0x243185be4ee4b28c), UINT64_C(0x550c7dc3d5ffb4e2),
	UINT64_C(0x72be5d74f27b896f), UINT64_C(0x80deb1fe3b1696b1),
	UINT64_C(0x9bdc06a725c71235), UINT64_C(0xc19bf174cf692694),
	UINT64_C(0xe49b69c19ef14ad2), UINT64_C(0xefbe4786384f25e3),
	UINT64_C(0x0fc19dc68b8cd5b5), UINT64_C(0x240ca1cc77ac9c65),
	UINT64_C(0x2de92c6f592b0275), UINT64_C(0x4a7484aa6ea6e483),
	UINT64_C(0x5cb0a9dcbd41fbd4), UINT64_C(0x76f988da831153b5),
	UINT64_C(0x983e5152ee66dfab), UINT64_C(0xa831c66d2db43210),
	UINT64_C(0xb00327c898fb213f), UINT64_C(0xbf597fc7beef0ee4),
	UINT64_C(0xc6e00bf33da88fc2), UINT64_C(0xd5a79147930aa725),
	UINT64_C(0x06ca6351e003826f), UINT64_C(0x142929670a0e6e70),
	UINT64_C(0x27b70a8546d22ffc), UINT64_C(0x2e1b21385c26c926),
	UINT64_C(0x4d2c6dfc5ac42aed), UINT64_C(0x53380d139d95b3df),
	UINT64_C(0x650a73548baf63de), UINT64_C(0x766a0abb3c77b2a8),
	UINT64_C(0x81c2c92e47edaee6), UINT64_C(0x92722c851482353b),
	UINT64_C(0xa2bfe8a14cf10364), UINT64_C(0xa81a664bbc423001),
	UINT64_C(0xc24b8b70d0f89791), UINT64_C(0xc76c51a30654be30),
	UINT64_C(0xd192e819d6ef5218), UINT64_C(0xd69906245565a910),
	UINT64_C(0xf40e35855771202a), UINT64_C(0x106aa07032bbd1b8),
	UINT64_C(0x19a4c116b8d2d0c8), UINT64_C(0x1e376c085141ab53),
	UINT64_C(0x2748774cdf8eeb99), UINT64_C(0x34b0bcb5e19b48a8),
	UINT64_C(0x391c0cb3c5c95a63), UINT64_C(0x4ed8aa4ae3418acb),
	UINT64_C(0x5b9cca4f7763e373), UINT64_C(0x682e6ff3d6b2b8a3),
	UINT64_C(0x748f82ee5defb2fc), UINT64_C(0x78a5636f43172f60),
	UINT64_C(0x84c87814a1f0ab72), UINT64_C(0x8cc702081a6439ec),
	UINT64_C(0x90befffa23631e28), UINT64_C(0xa4506cebde82bde9),
	UINT64_C(0xbef9a3f7b2c67915), UINT64_C(0xc67178f2e372532b),
	UINT64_C(0xca273eceea26619c), UINT64_C(0xd186b8c721c0c207),
	UINT64_C(0xeada7dd6cde0eb1e), UINT64_C(0xf57d4f7fee6ed178),
	UINT64_C(0x06f067aa72176fba), UINT64_C(0x0a637dc5a2c898a6),
	UINT64_C(0x113f9804bef90dae), UINT64_C(0x1b710b35131c471b),
	UINT64_C(0x28db77f523047d84), UINT64_C(0x32caab7b40c72493),
	UINT64_C(0x3c9ebe0a15c9bebc), UINT64_C(0x431d67c49c100d4c),
	UINT64_C(0x4cc5d4becb3e42b6), UINT64_C(0x597f299cfc657e2a),
	UINT64_C(0x5fcb6fab3ad6faec), UINT64_C(0x6c44198c4a475817),
};

static inline uint64_t load_be64(const uint8_t *p)
{
	return (uint64_t)p[0] << 56 | (uint64_t)p[1] << 48 | (uint64_t)p[2] << 40 |
	       (uint64_t)p[3] << 32 | (uint64_t)p[4] << 24 | (uint64_t)p[5] << 16 |
	       (uint64_t)p[6] << 8 | (uint64_t)p[7];
}

#define ROTR(x, n) (((x) >> (n)) | ((x) << (64 - (n))))
/* Section 4.1.3; Ch and Maj in equivalent forms with fewer operations. */
#define CH(x, y, z)  ((z) ^ ((x) & ((y) ^ (z))))
#define MAJ(x, y, z) (((x) & (y)) | ((z) & ((x) | (y))))
#define BSIG0(x) (ROTR(x, 28) ^ ROTR(x, 34) ^ ROTR(x, 39))
#define BSIG1(x) (ROTR(x, 14) ^ ROTR(x, 18) ^ ROTR(x, 41))
#define SSIG0(x) (ROTR(x, 1) ^ ROTR(x, 8) ^ ((x) >> 7))
#define SSIG1(x) (ROTR(x, 19) ^ ROTR(x, 61) ^ ((x) >> 6))

/* One round with W[t] already in W[i]; afterwards the caller's (a..h) are
 * the next round's (b..h, a). */
#define ROUND(a, b, c, d, e, f, g, h, i, k) do { \
	uint64_t t1_ = (h) + BSIG1(e) + CH(e, f, g) + (k) + W[i]; \
	(d) += t1_; \
	(h) = t1_ + BSIG0(a) + MAJ(a, b, c); \
} while (0)
/* W[t] = SSIG1(W[t-2]) + W[t-7] + SSIG0(W[t-15]) + W[t-16], in a 16-word ring */
#define EXPAND(i) (W[i] += SSIG1(W[((i) + 14) & 15]) + W[((i) + 9) & 15] + SSIG0(W[((i) + 1) & 15]))
#define ROUND_X(a, b, c, d, e, f, g, h, i, k) do { EXPAND(i); ROUND(a, b, c, d, e, f, g, h, i, k); } while (0)

/* Sixteen rounds starting at K[t]; R is ROUND or ROUND_X. */
#define SIXTEEN(R, t) do { \
	R(a, b, c, d, e, f, g, h,  0, K[(t) +  0]); \
	R(h, a, b, c, d, e, f, g,  1, K[(t) +  1]); \
	R(g, h, a, b, c, d, e, f,  2, K[(t) +  2]); \
	R(f, g, h, a, b, c, d, e,  3, K[(t) +  3]); \
	R(e, f, g, h, a, b, c, d,  4, K[(t) +  4]); \
	R(d, e, f, g, h, a, b, c,  5, K[(t) +  5]); \
	R(c, d, e, f, g, h, a, b,  6, K[(t) +  6]); \
	R(b, c, d, e, f, g, h, a,  7, K[(t) +  7]); \
	R(a, b, c, d, e, f, g, h,  8, K[(t) +  8]); \
	R(h, a, b, c, d, e, f, g,  9, K[(t) +  9]); \
	R(g, h, a, b, c, d, e, f, 10, K[(t) + 10]); \
	R(f, g, h, a, b, c, d, e, 11, K[(t) + 11]); \
	R(e, f, g, h, a, b, c, d, 12, K[(t) + 12]); \
	R(d, e, f, g, h, a, b, c, 13, K[(t) + 13]); \
	R(c, d, e, f, g, h, a, b, 14, K[(t) + 14]); \
	R(b, c, d, e, f, g, h, a, 15, K[(t) + 15]); \
} while (0)

void sha512_blocks(uint64_t st[8], const uint8_t *p, size_t n)
{
	uint64_t a = st[0], b = st[1], c = st[2], d = st[3];
	uint64_t e = st[4], f = st[5], g = st[6], h = st[7];

	for (; n; n--, p += 128) {
		uint64_t W[16];

		for (int j = 0; j < 16; j++)
			W[j] = load_be64(p + 8 * j);
		SIXTEEN(ROUND, 0);
		for (int t = 16; t < 80; t += 16)
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
