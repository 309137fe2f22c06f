/* The DHCP server's address pool and its lease file.  One entry per address
 * of the range, keyed by the client's MAC (not its client-id: the PXE ROM,
 * pxelinux, our /init and the booted system may each send another one, and
 * all must get the same address).  Times are unix seconds passed in by the
 * caller, so the logic is testable and the file survives a restart.
 * The file has one line per lease, "mac ip expiry state", written
 * atomically; its parser is a pure function over (buffer, length), fuzzed
 * by leases_fuzz.c.  Addresses are in network byte order. */
#ifndef SERVER_LEASES_H
#define SERVER_LEASES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "netboot/errbuf.h"

#define LEASE_POOL_MAX 65536
#define LEASE_OFFER_HOLD 60	/* seconds an offered address stays reserved */
#define LEASE_DECLINE_HOLD 600	/* seconds a declined address is not handed out */

enum lease_state {
	LEASE_FREE,	/* never used, released or expired (a MAC may still prefer it) */
	LEASE_OFFERED,	/* reserved for mac until expiry */
	LEASE_BOUND,	/* acknowledged to mac until expiry */
	LEASE_DECLINED,	/* someone else uses it: not handed out until expiry */
	LEASE_EXCLUDED,	/* the server's own address or the router */
};

struct lease {
	uint8_t mac[6];
	bool has_mac;
	enum lease_state state;
	long long expiry;	/* unix seconds */
};

struct lease_pool {
	uint32_t first;		/* host order */
	uint32_t count;
	struct lease *l;	/* count entries, l[i] is first + i */
};

/* A pool over start..end (network order, at most LEASE_POOL_MAX addresses)
 * without the nexclude addresses in exclude.  0, -EINVAL or -ENOMEM. */
int lease_pool_init(struct lease_pool *p, uint32_t start, uint32_t end, const uint32_t *exclude, int nexclude,
		    struct errbuf *e);
void lease_pool_free(struct lease_pool *p);

/* The entry of address ip, NULL when ip is outside the pool. */
struct lease *lease_at(const struct lease_pool *p, uint32_t ip);
/* The address mac holds or held (any state), 0 when none. */
uint32_t lease_of_mac(const struct lease_pool *p, const uint8_t mac[6]);
/* Whether ip is in use at now: offered, bound or declined, not expired. */
bool lease_active(const struct lease *l, long long now);

/* Chooses an address for mac: the one it holds or held, else requested
 * (0 = none) when in the pool and not active, else a never-used one, else
 * the one expired longest ago.  0 with *ip set, or -ENOSPC. */
int lease_pick(const struct lease_pool *p, const uint8_t mac[6], uint32_t requested, long long now, uint32_t *ip);
/* Reserves ip for mac (offer) or binds it (ack) until now + secs; any
 * other address mac held is forgotten.  -ERANGE outside the pool or
 * excluded, -EADDRINUSE when it is active for another MAC or declined. */
int lease_offer(struct lease_pool *p, const uint8_t mac[6], uint32_t ip, long long now, uint32_t secs);
int lease_bind(struct lease_pool *p, const uint8_t mac[6], uint32_t ip, long long now, uint32_t secs);
/* The client gives ip back (RELEASE), or chose another server's offer:
 * free now, still preferred for mac.  -ENOENT when mac does not hold it. */
int lease_release(struct lease_pool *p, const uint8_t mac[6], uint32_t ip, long long now);
/* Someone else answers on ip (DECLINE): not handed out for secs. */
int lease_decline(struct lease_pool *p, uint32_t ip, long long now, uint32_t secs);

/* The lease file.  warn gets one line per skipped line. */
typedef void (*lease_warn_fn)(void *ctx, const char *msg);
/* Reads lines "mac ip expiry state" (state bound, free or declined) from
 * (buf, len) into p.  Malformed lines and addresses outside the pool are
 * skipped with a warning naming the line.  Returns the number loaded. */
int leases_parse(struct lease_pool *p, const char *buf, size_t len, const char *name, lease_warn_fn warn,
		 void *ctx);
/* Writes every entry worth keeping (bound, declined, or a MAC's old
 * address) as lines leases_parse reads back.  0 or -EIO. */
int leases_write(const struct lease_pool *p, FILE *f);
/* Loads path (a missing file is an empty pool); creates its folder.
 * 0 or a negative errno with e naming the file. */
int leases_load(struct lease_pool *p, const char *path, lease_warn_fn warn, void *ctx, struct errbuf *e);
/* Saves atomically: path.tmp, fsync, rename, fsync of the folder. */
int leases_save(const struct lease_pool *p, const char *path, struct errbuf *e);
#endif
