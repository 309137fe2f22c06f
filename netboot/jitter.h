/* A random start delay (netboot.jitter=SECONDS): hundreds of machines
 * powered on together spread their first requests over the window instead
 * of hitting the caches in the same second. */
#ifndef NETBOOT_JITTER_H
#define NETBOOT_JITTER_H
#include <stddef.h>
#include <stdint.h>

#define JITTER_MAX_SECS 600

/* The delay in milliseconds for a window of max_secs (capped at
 * JITTER_MAX_SECS) and a random word: uniform over [0, max_secs * 1000]. */
unsigned jitter_ms(unsigned max_secs, uint32_t random);

/* A random word from getrandom(), else /dev/urandom, else the clock. */
uint32_t jitter_random(void);

/* FNV-1a of bytes (the MACs), XORed into jitter_random()'s words by the
 * DHCP clients: xids and delays still differ between identical machines
 * booted together when only the clock is left. */
uint32_t jitter_salt(uint32_t salt, const uint8_t *bytes, size_t n);

/* Sleeps ms milliseconds, through signals. */
void jitter_sleep(unsigned ms);
#endif
