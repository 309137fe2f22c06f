/* The start delay: uniform over [0, max], capped, zero when off; the
 * DHCP clients' MAC salt. */
#include <stdint.h>
#include "netboot/jitter.h"
#include "tests/unit/check.h"

int main(void)
{
	CHECK("off: no delay", jitter_ms(0, 0xffffffffu) == 0);
	CHECK("lowest word: 0", jitter_ms(5, 0) == 0);
	CHECK("the top of the window is reachable", jitter_ms(5, 5000) == 5000);
	CHECK("wraps inside the window", jitter_ms(5, 5001) == 0);
	CHECK("any word stays inside", jitter_ms(5, 0xffffffffu) <= 5000);
	CHECK("capped at 600 s", jitter_ms(100000, 0xffffffffu) <= 600000 && jitter_ms(100000, 600000) == 600000);
	unsigned hi = 0, lo = 600000;
	for (int i = 0; i < 2000; i++) {
		unsigned ms = jitter_ms(600, jitter_random());
		hi = ms > hi ? ms : hi;
		lo = ms < lo ? ms : lo;
	}
	/* 2000 draws over 600 s: both ends within 5 % of the window, or the source is not random */
	CHECK("random words spread over the window", hi <= 600000 && hi > 570000 && lo < 30000);

	static const uint8_t m1[6] = { 2, 0, 0, 0, 0, 1 }, m2[6] = { 2, 0, 0, 0, 0, 2 };
	CHECK("salt: stable for a MAC, another for the next MAC",
	      jitter_salt(0, m1, 6) == jitter_salt(0, m1, 6) && jitter_salt(0, m1, 6) != jitter_salt(0, m2, 6));
	CHECK("salt: two MACs chained differ from either", jitter_salt(jitter_salt(0, m1, 6), m2, 6) != jitter_salt(0, m2, 6));

	return CHECK_DONE();
}
