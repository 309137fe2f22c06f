/* What the static /init needs to link Debian's libsodium.a, which is built
 * for glibc (docs/design.md, "libsodium in /init"), besides the fortified
 * functions of netboot/fortify_shim.c: a link-time trim: libsodium's key generation code (never called: /init
 *    only verifies) references randombytes_buf, whose object pulls in
 *    sodium_init and every CPU-specific implementation of every primitive
 *    (argon2, salsa20, chacha20, poly1305, curve25519: ~80 KB).  Defining
 *    these two here keeps those objects out.  Neither is reachable from
 *    BLAKE2b or Ed25519 verification; if one ever were, /init stops loudly. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void randombytes_buf(void *const buf, const size_t size);
void sodium_misuse(void);

static void never(const char *what)
{
	static const char pre[] = "netboot: libsodium called ";
	ssize_t ignored = write(2, pre, sizeof(pre) - 1);
	ignored = write(2, what, strlen(what));
	(void)ignored;
	abort();
}

void randombytes_buf(void *const buf, const size_t size)
{
	(void)buf, (void)size;
	never("randombytes_buf: /init has no random source for it (it only verifies)\n");
}

void sodium_misuse(void)
{
	never("sodium_misuse\n");
}
