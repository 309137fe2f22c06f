/* Debian's libbearssl.a and libsodium.a are built with _FORTIFY_SOURCE
 * against glibc and call __memcpy_chk, __memmove_chk, __memset_chk and
 * __explicit_bzero_chk, which musl lacks.  For the static musl /init they
 * are defined here with glibc's contract (abort when the length exceeds the
 * destination's known size); with glibc this file is empty.  `nm -u` of the
 * two archives lists nothing else glibc-only that /init reaches. */
#include <stdlib.h>
#include <string.h>

#ifndef __GLIBC__
void *__memcpy_chk(void *dst, const void *src, size_t len, size_t dstlen);
void *__memmove_chk(void *dst, const void *src, size_t len, size_t dstlen);
void *__memset_chk(void *dst, int c, size_t len, size_t dstlen);
void __explicit_bzero_chk(void *p, size_t len, size_t destlen);

void *__memcpy_chk(void *dst, const void *src, size_t len, size_t dstlen)
{
	if (len > dstlen)
		abort();
	return memcpy(dst, src, len);
}

void *__memmove_chk(void *dst, const void *src, size_t len, size_t dstlen)
{
	if (len > dstlen)
		abort();
	return memmove(dst, src, len);
}

void *__memset_chk(void *dst, int c, size_t len, size_t dstlen)
{
	if (len > dstlen)
		abort();
	return memset(dst, c, len);
}

void __explicit_bzero_chk(void *p, size_t len, size_t destlen)
{
	if (len > destlen)
		abort();
	explicit_bzero(p, len);
}
#else
typedef int fortify_shim_unused;	/* ISO C wants a translation unit to declare something */
#endif
