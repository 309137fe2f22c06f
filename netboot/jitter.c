#include "netboot/jitter.h"
#include <errno.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

unsigned jitter_ms(unsigned max_secs, uint32_t random)
{
	uint32_t span = (max_secs > JITTER_MAX_SECS ? JITTER_MAX_SECS : max_secs) * 1000u + 1;
	return (unsigned)(random % span);	/* modulo bias < span / 2^32: irrelevant for a delay */
}

#ifndef GRND_INSECURE
#define GRND_INSECURE 0x0004	/* Linux 5.6; musl's header may lack it */
#endif

uint32_t jitter_random(void)
{
	uint32_t r;
	/* Never wait for the entropy pool: early in boot it is not ready, and
	 * /dev/urandom then runs the kernel's jitter entropy loop first (6.1
	 * under emulation: a second, seen as every DHCP boot's DISCOVER a
	 * second late).  GRND_INSECURE: bits at once; GRND_NONBLOCK for older
	 * kernels; else the clock.  Any bits will do. */
	if (getrandom(&r, sizeof(r), GRND_INSECURE) == (ssize_t)sizeof(r) ||
	    getrandom(&r, sizeof(r), GRND_NONBLOCK) == (ssize_t)sizeof(r))
		return r;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)ts.tv_nsec ^ (uint32_t)getpid() << 16;
}

uint32_t jitter_salt(uint32_t salt, const uint8_t *bytes, size_t n)
{
	uint32_t h = salt ? salt : 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ bytes[i]) * 16777619u;
	return h;
}

void jitter_sleep(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}
