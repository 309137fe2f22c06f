/* The DHCP server's pool and lease file (server/leases.c): allocation,
 * one address per MAC, offer holds expiring, decline, release, the file
 * round trip, and a damaged file read line by line. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include "server/leases.h"
#include "check.h"

static const uint8_t A[6] = { 0x52, 0x54, 0x00, 0, 0, 0xa };
static const uint8_t B[6] = { 0x52, 0x54, 0x00, 0, 0, 0xb };
static const uint8_t C[6] = { 0x52, 0x54, 0x00, 0, 0, 0xc };

static uint32_t ip(const char *s)
{
	return inet_addr(s);
}

static int warnings;
static char last_warning[256];
static void warn(void *ctx, const char *msg)
{
	(void)ctx;
	warnings++;
	if (getenv("LEASES_TEST_VERBOSE"))
		printf("INFO: %s\n", msg);
	snprintf(last_warning, sizeof(last_warning), "%s", msg);
}

/* A pool .10 - .13 without .11 (the server itself). */
static void small_pool(struct lease_pool *p)
{
	uint32_t ex[] = { ip("192.0.2.11"), ip("192.0.2.1") };
	struct errbuf e;
	if (lease_pool_init(p, ip("192.0.2.10"), ip("192.0.2.13"), ex, 2, &e) < 0)
		abort();
}

static void allocation(void)
{
	struct lease_pool p;
	struct errbuf e;
	uint32_t a, b, c, x;

	CHECK("range reversed refused", lease_pool_init(&p, ip("192.0.2.20"), ip("192.0.2.10"), NULL, 0, &e) == -EINVAL);
	small_pool(&p);
	CHECK("first address", lease_pick(&p, A, 0, 1000, &a) == 0 && a == ip("192.0.2.10"));
	CHECK("offer A", lease_offer(&p, A, a, 1000, LEASE_OFFER_HOLD) == 0);
	CHECK("same MAC same address", lease_pick(&p, A, 0, 1001, &x) == 0 && x == a);
	CHECK("B skips the held and the excluded", lease_pick(&p, B, 0, 1001, &b) == 0 && b == ip("192.0.2.12"));
	CHECK("B cannot take A's offer", lease_bind(&p, B, a, 1001, 3600) == -EADDRINUSE);
	CHECK("excluded refused", lease_bind(&p, B, ip("192.0.2.11"), 1001, 3600) == -ERANGE);
	CHECK("outside refused", lease_bind(&p, B, ip("192.0.2.99"), 1001, 3600) == -ERANGE);
	CHECK("bind B", lease_bind(&p, B, b, 1001, 3600) == 0);
	CHECK("requested free honoured", lease_pick(&p, C, ip("192.0.2.13"), 1001, &c) == 0 && c == ip("192.0.2.13"));
	CHECK("requested in use ignored", lease_pick(&p, C, b, 1001, &c) == 0 && c == ip("192.0.2.13"));
	CHECK("bind C", lease_bind(&p, C, c, 1001, 3600) == 0);
	CHECK("pool full", lease_pick(&p, (const uint8_t[6]){ 1, 2, 3, 4, 5, 6 }, 0, 1002, &x) == -ENOSPC);
	/* The offer hold ends: a newcomer may take A's address, A then gets another. */
	CHECK("offer expired: reusable", lease_pick(&p, (const uint8_t[6]){ 1, 2, 3, 4, 5, 6 }, 0, 1000 + LEASE_OFFER_HOLD, &x) == 0 &&
	      x == a);
	CHECK("bind after expiry by another MAC", lease_bind(&p, (const uint8_t[6]){ 1, 2, 3, 4, 5, 6 }, a, 1000 + LEASE_OFFER_HOLD, 60) == 0);
	CHECK("A lost it", lease_of_mac(&p, A) == 0);
	/* One address per MAC: B moving to another address frees its old one. */
	CHECK("B renews", lease_bind(&p, B, b, 2000, 3600) == 0 && lease_at(&p, b)->expiry == 5600);
	CHECK("release B", lease_release(&p, B, b, 2001) == 0 && !lease_active(lease_at(&p, b), 2001));
	CHECK("release by another MAC refused", lease_release(&p, A, c, 2001) == -ENOENT);
	CHECK("released stays B's preference", lease_pick(&p, B, 0, 2002, &x) == 0 && x == b);
	lease_pool_free(&p);
}

static void expired_preference(void)
{
	struct lease_pool p;
	uint32_t a, x;

	small_pool(&p);
	lease_pick(&p, A, 0, 0, &a);
	lease_bind(&p, A, a, 0, 100);
	/* Long after expiry, a newcomer gets a never-used address first. */
	CHECK("newcomer prefers never-used", lease_pick(&p, B, 0, 10000, &x) == 0 && x == ip("192.0.2.12"));
	CHECK("A's expired address is still A's", lease_pick(&p, A, 0, 10000, &x) == 0 && x == a);
	CHECK("offer does not shorten a bound lease", lease_bind(&p, A, a, 10000, 3600) == 0 &&
	      lease_offer(&p, A, a, 10001, 60) == 0 && lease_at(&p, a)->state == LEASE_BOUND &&
	      lease_at(&p, a)->expiry == 13600);
	lease_pool_free(&p);
}

static void decline(void)
{
	struct lease_pool p;
	uint32_t a, x;

	small_pool(&p);
	lease_pick(&p, A, 0, 0, &a);
	lease_bind(&p, A, a, 0, 3600);
	CHECK("decline", lease_decline(&p, a, 10, LEASE_DECLINE_HOLD) == 0);
	CHECK("declined: A gets another", lease_pick(&p, A, 0, 11, &x) == 0 && x != a);
	CHECK("declined not requestable", lease_pick(&p, B, a, 11, &x) == 0 && x != a);
	CHECK("declined not bindable", lease_bind(&p, B, a, 11, 60) == -EADDRINUSE);
	CHECK("decline hold ends", lease_bind(&p, B, a, 10 + LEASE_DECLINE_HOLD, 60) == 0);
	lease_pool_free(&p);
}

static void file_round_trip(void)
{
	struct lease_pool p, q;
	struct errbuf e;
	char dir[] = "/tmp/leases-test.XXXXXX", path[128];
	uint32_t a, b;

	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof(path), "%s/sub/leases", dir);
	small_pool(&p);
	lease_pick(&p, A, 0, 0, &a);
	lease_bind(&p, A, a, 0, 3600);
	lease_pick(&p, B, 0, 0, &b);
	lease_offer(&p, B, b, 0, 60);
	lease_decline(&p, ip("192.0.2.13"), 0, 600);
	CHECK("load missing file: empty, folder made", leases_load(&p, path, warn, NULL, &e) == 0 &&
	      access(path, F_OK) != 0);
	CHECK("save", leases_save(&p, path, &e) == 0 && access(path, F_OK) == 0);
	CHECK("no temp file left", ({ char t[140]; snprintf(t, sizeof(t), "%s.tmp", path); access(t, F_OK) != 0; }));
	small_pool(&q);
	warnings = 0;
	CHECK("load", leases_load(&q, path, warn, NULL, &e) == 0 && warnings == 0);
	CHECK("bound lease back", lease_of_mac(&q, A) == a && lease_at(&q, a)->state == LEASE_BOUND &&
	      lease_at(&q, a)->expiry == 3600);
	CHECK("offer kept as preference only", lease_of_mac(&q, B) == b && !lease_active(lease_at(&q, b), 1));
	CHECK("declined back", lease_at(&q, ip("192.0.2.13"))->state == LEASE_DECLINED && lease_active(lease_at(&q, ip("192.0.2.13")), 1));
	lease_pool_free(&p);
	lease_pool_free(&q);
	char cmd[200];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		printf("INFO: could not remove %s\n", dir);
}

static void damaged_file(void)
{
	static const char text[] =
		"# comment\n"
		"\n"
		"52:54:00:00:00:0a 192.0.2.10 5000 bound\n"
		"52:54:00:00:00:0b 192.0.2.12 5000\n"		/* 3 fields */
		"zz:54:00:00:00:0b 192.0.2.12 5000 bound\n"	/* bad MAC */
		"52:54:00:00:00:0b 192.0.2.300 5000 bound\n"	/* bad IP */
		"52:54:00:00:00:0b 192.0.2.12 -5 bound\n"	/* bad time */
		"52:54:00:00:00:0b 192.0.2.12 5000 weird\n"	/* bad state */
		"52:54:00:00:00:0b 198.51.100.1 5000 bound\n"	/* outside */
		"52:54:00:00:00:0b 192.0.2.11 5000 bound\n"	/* excluded */
		"52:54:00:00:00:0b 192.0.2.10 5000 bound\n"	/* address twice */
		"52:54:00:00:00:0a 192.0.2.13 5000 bound\n"	/* MAC twice */
		"52:54:00:00:00:0c 192.0.2.12 5000 free\r\n"	/* CRLF fine */
		"- 192.0.2.13 5000 declined\n"
		"52:54:00:00:00:0b 192.0.2.12 5000 bound extra\n"
		"52:54:00:00:00:0b\0 192.0.2.12 5000 bound\n"
		"52:54:00:00:00:0b 192.0.2.12 5000 bou";	/* cut off, no newline */
	struct lease_pool p;

	small_pool(&p);
	warnings = 0;
	int n = leases_parse(&p, text, sizeof(text) - 1, "leases", warn, NULL);
	CHECK("damaged: good lines loaded", n == 3);
	CHECK("damaged: one warning per bad line", warnings == 12);
	CHECK("damaged: warning names the line", strstr(last_warning, "leases line 17") != NULL &&
	      strstr(last_warning, "skipped") != NULL);
	CHECK("damaged: A kept", lease_of_mac(&p, A) == ip("192.0.2.10"));
	CHECK("damaged: C free with preference", lease_of_mac(&p, C) == ip("192.0.2.12") &&
	      !lease_active(lease_at(&p, ip("192.0.2.12")), 0));
	lease_pool_free(&p);
	/* A long line without a newline does not overrun. */
	char big[4096];
	memset(big, 'x', sizeof(big));
	small_pool(&p);
	warnings = 0;
	CHECK("long line skipped", leases_parse(&p, big, sizeof(big), "big", warn, NULL) == 0 && warnings == 1);
	lease_pool_free(&p);
}

int main(void)
{
	allocation();
	expired_preference();
	decline();
	file_round_trip();
	damaged_file();
	return CHECK_DONE();
}
