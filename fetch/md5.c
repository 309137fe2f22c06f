/* MD5 compression function, written from RFC 1321 section 3.4.
 * Words are little-endian; each is assembled from bytes, so this is correct
 * on any host and for any alignment of the caller's buffer. */
#include "fetch/hash.h"

const uint32_t md5_iv[4] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476 };

static inline uint32_t load_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

#define ROTL(x, s) (((x) << (s)) | ((x) >> (32 - (s))))
/* The RFC's auxiliary functions, in forms with fewer operations:
 * F = XY v not(X)Z selects Y or Z by X;  G = XZ v Y not(Z) selects X or Y by
 * Z, and since the two terms never share a bit it can be summed, which lets
 * the (Y & ~Z) half start before the previous step has finished. */
#define F(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))
#define H(x, y, z) ((x) ^ (y) ^ (z))
#define I(x, y, z) ((y) ^ ((x) | ~(z)))
/* a = b + ((a + f(b,c,d) + X[k] + T[i]) <<< s) */
#define STEP_F(a, b, c, d, k, s, t) \
	do { (a) += F(b, c, d) + X[k] + (t); (a) = ROTL(a, s) + (b); } while (0)
#define STEP_G(a, b, c, d, k, s, t) \
	do { (a) += ((c) & ~(d)) + X[k] + (t); (a) += (b) & (d); (a) = ROTL(a, s) + (b); } while (0)
#define STEP_H(a, b, c, d, k, s, t) \
	do { (a) += H(b, c, d) + X[k] + (t); (a) = ROTL(a, s) + (b); } while (0)
#define STEP_I(a, b, c, d, k, s, t) \
	do { (a) += I(b, c, d) + X[k] + (t); (a) = ROTL(a, s) + (b); } while (0)

void md5_blocks(uint32_t st[4], const uint8_t *p, size_t n)
{
	uint32_t a = st[0], b = st[1], c = st[2], d = st[3];

	for (; n; n--, p += 64) {
		uint32_t X[16];
		const uint32_t aa = a, bb = b, cc = c, dd = d;

		for (int j = 0; j < 16; j++)
			X[j] = load_le32(p + 4 * j);

		/* Round 1: X[k] in order, shifts 7 12 17 22 */
		STEP_F(a, b, c, d,  0,  7, 0xd76aa478);
		STEP_F(d, a, b, c,  1, 12, 0xe8c7b756);
		STEP_F(c, d, a, b,  2, 17, 0x242070db);
		STEP_F(b, c, d, a,  3, 22, 0xc1bdceee);
		STEP_F(a, b, c, d,  4,  7, 0xf57c0faf);
		STEP_F(d, a, b, c,  5, 12, 0x4787c62a);
		STEP_F(c, d, a, b,  6, 17, 0xa8304613);
		STEP_F(b, c, d, a,  7, 22, 0xfd469501);
		STEP_F(a, b, c, d,  8,  7, 0x698098d8);
		STEP_F(d, a, b, c,  9, 12, 0x8b44f7af);
		STEP_F(c, d, a, b, 10, 17, 0xffff5bb1);
		STEP_F(b, c, d, a, 11, 22, 0x895cd7be);
		STEP_F(a, b, c, d, 12,  7, 0x6b901122);
		STEP_F(d, a, b, c, 13, 12, 0xfd987193);
		STEP_F(c, d, a, b, 14, 17, 0xa679438e);
		STEP_F(b, c, d, a, 15, 22, 0x49b40821);
		/* Round 2: k = 1 + 5i mod 16, shifts 5 9 14 20 */
		STEP_G(a, b, c, d,  1,  5, 0xf61e2562);
		STEP_G(d, a, b, c,  6,  9, 0xc040b340);
		STEP_G(c, d, a, b, 11, 14, 0x265e5a51);
		STEP_G(b, c, d, a,  0, 20, 0xe9b6c7aa);
		STEP_G(a, b, c, d,  5,  5, 0xd62f105d);
		STEP_G(d, a, b, c, 10,  9, 0x02441453);
		STEP_G(c, d, a, b, 15, 14, 0xd8a1e681);
		STEP_G(b, c, d, a,  4, 20, 0xe7d3fbc8);
		STEP_G(a, b, c, d,  9,  5, 0x21e1cde6);
		STEP_G(d, a, b, c, 14,  9, 0xc33707d6);
		STEP_G(c, d, a, b,  3, 14, 0xf4d50d87);
		STEP_G(b, c, d, a,  8, 20, 0x455a14ed);
		STEP_G(a, b, c, d, 13,  5, 0xa9e3e905);
		STEP_G(d, a, b, c,  2,  9, 0xfcefa3f8);
		STEP_G(c, d, a, b,  7, 14, 0x676f02d9);
		STEP_G(b, c, d, a, 12, 20, 0x8d2a4c8a);
		/* Round 3: k = 5 + 3i mod 16, shifts 4 11 16 23 */
		STEP_H(a, b, c, d,  5,  4, 0xfffa3942);
		STEP_H(d, a, b, c,  8, 11, 0x8771f681);
		STEP_H(c, d, a, b, 11, 16, 0x6d9d6122);
		STEP_H(b, c, d, a, 14, 23, 0xfde5380c);
		STEP_H(a, b, c, d,  1,  4, 0xa4beea44);
		STEP_H(d, a, b, c,  4, 11, 0x4bdecfa9);
		STEP_H(c, d, a, b,  7, 16, 0xf6bb4b60);
		STEP_H(b, c, d, a, 10, 23, 0xbebfbc70);
		STEP_H(a, b, c, d, 13,  4, 0x289b7ec6);
		STEP_H(d, a, b, c,  0, 11, 0xeaa127fa);
		STEP_H(c, d, a, b,  3, 16, 0xd4ef3085);
		STEP_H(b, c, d, a,  6, 23, 0x04881d05);
		STEP_H(a, b, c, d,  9,  4, 0xd9d4d039);
		STEP_H(d, a, b, c, 12, 11, 0xe6db99e5);
		STEP_H(c, d, a, b, 15, 16, 0x1fa27cf8);
		STEP_H(b, c, d, a,  2, 23, 0xc4ac5665);
		/* Round 4: k = 7i mod 16, shifts 6 10 15 21 */
		STEP_I(a, b, c, d,  0,  6, 0xf4292244);
		STEP_I(d, a, b, c,  7, 10, 0x432aff97);
		STEP_I(c, d, a, b, 14, 15, 0xab9423a7);
		STEP_I(b, c, d, a,  5, 21, 0xfc93a039);
		STEP_I(a, b, c, d, 12,  6, 0x655b59c3);
		STEP_I(d, a, b, c,  3, 10, 0x8f0ccc92);
		STEP_I(c, d, a, b, 10, 15, 0xffeff47d);
		STEP_I(b, c, d, a,  1, 21, 0x85845dd1);
		STEP_I(a, b, c, d,  8,  6, 0x6fa87e4f);
		STEP_I(d, a, b, c, 15, 10, 0xfe2ce6e0);
		STEP_I(c, d, a, b,  6, 15, 0xa3014314);
		STEP_I(b, c, d, a, 13, 21, 0x4e0811a1);
		STEP_I(a, b, c, d,  4,  6, 0xf7537e82);
		STEP_I(d, a, b, c, 11, 10, 0xbd3af235);
		STEP_I(c, d, a, b,  2, 15, 0x2ad7d2bb);
		STEP_I(b, c, d, a,  9, 21, 0xeb86d391);

		a += aa;
		b += bb;
		c += cc;
		d += dd;
	}
	st[0] = a;
	st[1] = b;
	st[2] = c;
	st[3] = d;
}
