/* Debian's libsodium.a is built against glibc with _FORTIFY_SOURCE, so it
 * calls glibc's checked explicit_bzero, which musl lacks.  This is that one
 * function, with glibc's contract: abort if the length overflows the object. */
#include <stdlib.h>
#include <string.h>

void __explicit_bzero_chk(void *p, size_t len, size_t destlen);

void __explicit_bzero_chk(void *p, size_t len, size_t destlen)
{
	if (len > destlen)
		abort();
	explicit_bzero(p, len);
}
