/* SHA-256 with the x86 SHA extensions (SHA-NI), written from Intel's "SHA
 * Extensions" reference (SHA256RNDS2, SHA256MSG1, SHA256MSG2).  Only the one
 * function below is compiled for sha/sse4.1/ssse3, so the rest of the program
 * stays baseline x86-64; hash.c calls it only when CPUID says the CPU has
 * those, and uses the portable sha256_blocks() otherwise and on other arches.
 *
 * SHA256RNDS2 keeps the eight working variables in two registers, (A,B,E,F)
 * and (C,D,G,H), lane 3 first, and does two rounds per instruction with W+K
 * for those rounds in the low 64 bits of its third operand. */
#include "fetch/hash.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

bool sha256_ni_usable(void)
{
	unsigned a, b, c, d;

	if (__get_cpuid_max(0, NULL) < 7)
		return false;
	__cpuid(1, a, b, c, d);
	if (!(c & bit_SSSE3) || !(c & bit_SSE4_1))
		return false;
	__cpuid_count(7, 0, a, b, c, d);
	return (b & (1u << 29)) != 0;	/* leaf 7, EBX bit 29: SHA */
}

/* Four rounds from message words w (already W[t..t+3]) and K[t..t+3]. */
#define FOUR_ROUNDS(w, t) do { \
	__m128i wk_ = _mm_add_epi32((w), _mm_loadu_si128((const __m128i *)&sha256_k[(t)])); \
	cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk_);		/* rounds t, t+1 */ \
	abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk_, 0x0e)); /* t+2, t+3 */ \
} while (0)
/* W[t..t+3] into m0 (which held W[t-16..t-13]) from the three groups after
 * it: SHA256MSG1 adds sigma0, the add brings W[t-7..t-4], MSG2 adds sigma1. */
#define SCHEDULE(m0, m1, m2, m3) \
	((m0) = _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32((m0), (m1)), \
						   _mm_alignr_epi8((m3), (m2), 4)), (m3)))

__attribute__((target("sha,sse4.1,ssse3")))
void sha256_blocks_ni(uint32_t st[8], const uint8_t *p, size_t n)
{
	/* big-endian words: reverse the bytes of each 32-bit lane */
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
	__m128i dcba = _mm_loadu_si128((const __m128i *)&st[0]);	/* lanes 0..3: a b c d */
	__m128i hgfe = _mm_loadu_si128((const __m128i *)&st[4]);	/* e f g h */
	__m128i badc = _mm_shuffle_epi32(dcba, 0xb1);			/* b a d c */
	__m128i efgh = _mm_shuffle_epi32(hgfe, 0x1b);			/* h g f e */
	__m128i abef = _mm_alignr_epi8(badc, efgh, 8);			/* f e b a: A,B,E,F from lane 3 */
	__m128i cdgh = _mm_blend_epi16(efgh, badc, 0xf0);		/* h g d c */

	for (; n; n--, p += 64) {
		const __m128i abef0 = abef, cdgh0 = cdgh;
		__m128i m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 0)), bswap);
		__m128i m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16)), bswap);
		__m128i m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 32)), bswap);
		__m128i m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 48)), bswap);

		FOUR_ROUNDS(m0, 0);
		FOUR_ROUNDS(m1, 4);
		FOUR_ROUNDS(m2, 8);
		FOUR_ROUNDS(m3, 12);
		for (int t = 16; t < 64; t += 16) {
			SCHEDULE(m0, m1, m2, m3);
			FOUR_ROUNDS(m0, t);
			SCHEDULE(m1, m2, m3, m0);
			FOUR_ROUNDS(m1, t + 4);
			SCHEDULE(m2, m3, m0, m1);
			FOUR_ROUNDS(m2, t + 8);
			SCHEDULE(m3, m0, m1, m2);
			FOUR_ROUNDS(m3, t + 12);
		}
		abef = _mm_add_epi32(abef, abef0);
		cdgh = _mm_add_epi32(cdgh, cdgh0);
	}
	/* back to a b c d / e f g h */
	__m128i abef_l = _mm_shuffle_epi32(abef, 0x1b);			/* a b e f */
	__m128i ghcd_l = _mm_shuffle_epi32(cdgh, 0xb1);			/* g h c d */
	_mm_storeu_si128((__m128i *)&st[0], _mm_blend_epi16(abef_l, ghcd_l, 0xf0));	/* a b c d */
	_mm_storeu_si128((__m128i *)&st[4], _mm_alignr_epi8(ghcd_l, abef_l, 8));	/* e f g h */
}
#else
bool sha256_ni_usable(void)
{
	return false;
}

void sha256_blocks_ni(uint32_t st[8], const uint8_t *p, size_t n)
{
	sha256_blocks(st, p, n);
}
#endif
