/* The one monotonic clock every timeout, backoff and rate is measured on. */
#ifndef NETBOOT_CLOCK_H
#define NETBOOT_CLOCK_H
#include <stdint.h>

uint64_t monotonic_ns(void);

static inline long long monotonic_ms(void)
{
	return (long long)(monotonic_ns() / 1000000u);
}
#endif
