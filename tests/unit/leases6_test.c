/* The DHCPv6 bindings (server/leases6.c): the same client gets the same
 * address, another client another one, a full range says so, release,
 * an expired binding's address reused only when nothing else is free, and
 * the file written and read back, with bad lines skipped by name. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "server/leases6.h"
#include "check.h"

static const uint8_t D1[10] = { 0, 3, 0, 1, 2, 0, 0, 0, 0, 1 }, D2[10] = { 0, 3, 0, 1, 2, 0, 0, 0, 0, 2 };
static const uint8_t D3[10] = { 0, 3, 0, 1, 2, 0, 0, 0, 0, 3 }, MAC1[6] = { 2, 0, 0, 0, 0, 1 };

static void warn(void *ctx, const char *msg)
{
	snprintf(ctx, 256, "%s", msg);
}

int main(void)
{
	struct lease6_pool p, q;
	uint8_t s[16], e[16], a1[16], a1b[16], a2[16], a3[16];
	char text[4096] = "", w[256] = "";

	inet_pton(AF_INET6, "2001:db8::100", s);
	inet_pton(AF_INET6, "2001:db8::101", e);
	CHECK("pool of two", lease6_pool_init(&p, s, e, NULL) == 0 && p.count == 2);
	CHECK("a range across a /112 refused", lease6_pool_init(&q, s, (uint8_t[16]){ 0x20, 1, 0xd, 0xb8, 1 }, NULL) == -EINVAL);
	CHECK("pick for D1", lease6_pick(&p, D1, 10, 1, 1000, a1) == 0 && lease6_in_range(&p, a1));
	CHECK("bind D1 with its MAC", lease6_set(&p, D1, 10, 1, a1, MAC1, LEASE6_BOUND, 1000, 3600) == 0);
	CHECK("D1 again: the same address", lease6_pick(&p, D1, 10, 1, 1100, a1b) == 0 && !memcmp(a1, a1b, 16));
	CHECK("D2: the other address", lease6_pick(&p, D2, 10, 1, 1100, a2) == 0 && memcmp(a1, a2, 16) &&
					       lease6_set(&p, D2, 10, 1, a2, NULL, LEASE6_BOUND, 1100, 3600) == 0);
	CHECK("D3: none left", lease6_pick(&p, D3, 10, 1, 1200, a3) == -ENOSPC);
	CHECK("D3 cannot take D1's", lease6_set(&p, D3, 10, 1, a1, NULL, LEASE6_BOUND, 1200, 60) == -EADDRINUSE);
	CHECK("another IAID of D1 is another client", lease6_pick(&p, D1, 10, 2, 1200, a3) == -ENOSPC);
	CHECK("outside the range", lease6_set(&p, D3, 10, 1, (uint8_t[16]){ 0x20, 1, 0xd, 0xb8 }, NULL, LEASE6_BOUND,
					      1200, 60) == -ERANGE);
	FILE *f = fmemopen(text, sizeof(text), "w");
	leases6_write(&p, f);
	fclose(f);
	CHECK("file line of D1", strstr(text, "00030001020000000001 1 2001:db8::10") && strstr(text, "4600 bound 02:00:00:00:00:01\n"));
	CHECK("release by another client refused", lease6_release(&p, D2, 10, 1, a1, 1300) == -ENOENT);
	CHECK("release", lease6_release(&p, D1, 10, 1, a1, 1300) == 0);
	CHECK("D3 now gets D1's old address", lease6_pick(&p, D3, 10, 1, 1300, a3) == 0 && !memcmp(a3, a1, 16));
	CHECK("D2 expired: D3 takes it later", lease6_set(&p, D3, 10, 1, a2, NULL, LEASE6_BOUND, 5000, 60) == 0 &&
						     lease6_find(&p, D3, 10, 1) && !memcmp(lease6_find(&p, D3, 10, 1)->addr, a2, 16));

	CHECK("read back", lease6_pool_init(&q, s, e, NULL) == 0 &&
				   leases6_parse(&q, text, strlen(text), "t", NULL, NULL) == 2 && q.n == 2);
	CHECK("read back: D1's MAC and expiry", lease6_find(&q, D1, 10, 1) && lease6_find(&q, D1, 10, 1)->has_mac &&
						      lease6_find(&q, D1, 10, 1)->expiry == 4600);
	lease6_pool_free(&q);
	static const char bad[] = "zz 1 2001:db8::100 5 bound -\n"
				  "00030001020000000001 1 2001:db8::9 5 bound -\n"
				  "00030001020000000001 1 2001:db8::100 5 held -\n"
				  "00030001020000000001 1 2001:db8::100 5 bound 02:00:00:00:00:01\n";
	lease6_pool_init(&q, s, e, NULL);
	CHECK("bad lines skipped, the good one kept", leases6_parse(&q, bad, strlen(bad), "f", warn, w) == 1);
	CHECK_STR("the last warning names the line", w,
		  "f line 3: expected a state: bound, offered, free or declined; skipped");
	lease6_pool_free(&q);
	lease6_pool_free(&p);

	/* Decline: the address is no one's for the hold, then usable again */
	uint8_t d1[16], d2[16], d3[16];
	lease6_pool_init(&p, s, e, NULL);
	lease6_pick(&p, D1, 10, 1, 1000, d1);
	lease6_set(&p, D1, 10, 1, d1, MAC1, LEASE6_BOUND, 1000, 3600);
	CHECK("decline by another client refused", lease6_decline(&p, D2, 10, 1, d1, 1010, 600) == -ENOENT);
	CHECK("decline of an address not bound refused",
	      lease6_decline(&p, D1, 10, 1, memcmp(d1, e, 16) ? e : s, 1010, 600) == -ENOENT);
	CHECK("decline", lease6_decline(&p, D1, 10, 1, d1, 1010, 600) == 0 && !lease6_find(&p, D1, 10, 1));
	CHECK("decline twice: no binding left", lease6_decline(&p, D1, 10, 1, d1, 1011, 600) == -ENOENT);
	CHECK("D1 again: the other address", lease6_pick(&p, D1, 10, 1, 1020, d2) == 0 && memcmp(d1, d2, 16) &&
						    lease6_set(&p, D1, 10, 1, d2, MAC1, LEASE6_BOUND, 1020, 3600) == 0);
	CHECK("D2: nothing while the declined one is held", lease6_pick(&p, D2, 10, 1, 1500, d3) == -ENOSPC);
	CHECK("nor can D2 bind it", lease6_set(&p, D2, 10, 1, d1, NULL, LEASE6_BOUND, 1500, 60) == -EADDRINUSE);
	char t2[1024] = "";
	f = fmemopen(t2, sizeof(t2), "w");
	leases6_write(&p, f);
	fclose(f);
	char want[128], a[64];
	snprintf(want, sizeof(want), "- 0 %s 1610 declined -\n", inet_ntop(AF_INET6, d1, a, sizeof(a)));
	CHECK("file line of the declined address", strstr(t2, want) != NULL);
	CHECK("read back: the declined address held", lease6_pool_init(&q, s, e, NULL) == 0 &&
		leases6_parse(&q, t2, strlen(t2), "t", NULL, NULL) == 2 && lease6_pick(&q, D2, 10, 1, 1500, d3) == -ENOSPC);
	CHECK("after the hold: D2 gets it", lease6_pick(&q, D2, 10, 1, 1611, d3) == 0 && !memcmp(d3, d1, 16) &&
						   lease6_set(&q, D2, 10, 1, d3, NULL, LEASE6_BOUND, 1611, 60) == 0);
	lease6_pool_free(&q);
	static const char bad2[] = "- 0 2001:db8::100 5 bound -\n00030001020000000001 1 2001:db8::101 5 declined -\n"
				   "- 0 2001:db8::100 5 declined -\n";
	lease6_pool_init(&q, s, e, NULL);
	CHECK("'-' only with declined, declined only with '-'", leases6_parse(&q, bad2, strlen(bad2), "g", warn, w) == 1);
	CHECK_STR("the warning says so", w, "g line 2: expected a DUID, or - with the state declined; skipped");
	lease6_pool_free(&q);
	lease6_pool_free(&p);
	return CHECK_DONE();
}
