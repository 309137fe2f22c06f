/* The DHCPv6 server's bindings and their file.  A binding is keyed by the
 * client's DUID and IAID (RFC 8415 6.2: the DUID, not the MAC, names a v6
 * client); the MAC read from a DUID-LL/LLT or a relay's option 79 is kept
 * beside it for the log and the status page.  Addresses come from one
 * range of at most 65536 (one /112); a client gets the same one back.
 * Times are unix seconds passed in, so the logic is testable.  The file
 * has one line per binding, "duid-hex iaid address expiry state mac|-"
 * (a declined address: "- 0 address expiry declined -");
 * its parser is a pure function over (buffer, length), fuzzed by
 * leases6_fuzz.c. */
#ifndef SERVER_LEASES6_H
#define SERVER_LEASES6_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "netboot/errbuf.h"

#define LEASE6_MAX 4096		/* bindings kept; the oldest expired one is reused */
#define LEASE6_DUID_MAX 130
#define LEASE6_DECLINE_HOLD 600	/* seconds a declined address is not handed out (as v4's) */

/* DECLINED: another host uses the address (a client's Decline after DAD
 * failed); held by no client (duid_len 0) until expiry. */
enum lease6_state { LEASE6_FREE, LEASE6_OFFERED, LEASE6_BOUND, LEASE6_DECLINED };

struct lease6 {
	uint8_t duid[LEASE6_DUID_MAX];
	size_t duid_len;
	uint32_t iaid;
	uint8_t addr[16];
	long long expiry;	/* unix seconds */
	enum lease6_state state;
	bool has_mac;
	uint8_t mac[6];
};

struct lease6_pool {
	uint8_t start[16];	/* the range: start..start+count-1, in its last 16 bits */
	uint32_t count;
	struct lease6 *l;	/* n bindings (room for cap) */
	int n, cap;
};

/* start..end (one /112, start <= end).  0, -EINVAL or -ENOMEM. */
int lease6_pool_init(struct lease6_pool *p, const uint8_t start[16], const uint8_t end[16], struct errbuf *e);
void lease6_pool_free(struct lease6_pool *p);
/* Whether addr is in the range. */
bool lease6_in_range(const struct lease6_pool *p, const uint8_t addr[16]);
/* The binding of (duid, iaid), NULL when none. */
struct lease6 *lease6_find(const struct lease6_pool *p, const uint8_t *duid, size_t duid_len, uint32_t iaid);
/* An address for (duid, iaid): the one it holds or held, else a free one
 * (its first try derived from the DUID, so a client lands on the same
 * address after its binding is gone).  0, or -ENOSPC. */
int lease6_pick(const struct lease6_pool *p, const uint8_t *duid, size_t duid_len, uint32_t iaid, long long now,
		uint8_t addr[16]);
/* Holds (OFFERED) or binds (BOUND) addr for (duid, iaid) until now + secs,
 * recording mac when not NULL.  -ERANGE outside the range, -EADDRINUSE
 * when another client's binding is active on it, -ENOSPC when the table
 * is full of active bindings. */
int lease6_set(struct lease6_pool *p, const uint8_t *duid, size_t duid_len, uint32_t iaid, const uint8_t addr[16],
	       const uint8_t *mac, enum lease6_state st, long long now, uint32_t secs);
/* Release: the binding is FREE now (the address still preferred for it).
 * -ENOENT when (duid, iaid) does not hold addr. */
int lease6_release(struct lease6_pool *p, const uint8_t *duid, size_t duid_len, uint32_t iaid,
		   const uint8_t addr[16], long long now);
/* Decline (RFC 8415 18.3.8): addr leaves (duid, iaid)'s binding and is
 * held by no one until now + secs, so it is offered to no client.
 * -ENOENT when (duid, iaid) is not offered or bound addr. */
int lease6_decline(struct lease6_pool *p, const uint8_t *duid, size_t duid_len, uint32_t iaid,
		   const uint8_t addr[16], long long now, uint32_t secs);

typedef void (*lease6_warn_fn)(void *ctx, const char *msg);
/* Reads lines as leases6_write writes them; malformed lines and addresses
 * outside the range are skipped with a warning naming the line.  Returns
 * the number loaded. */
int leases6_parse(struct lease6_pool *p, const char *buf, size_t len, const char *name, lease6_warn_fn warn,
		  void *ctx);
/* Every binding, one line each.  0 or -EIO. */
int leases6_write(const struct lease6_pool *p, FILE *f);
/* The file: a missing one is an empty pool; saved atomically.  0 or a
 * negative errno with e naming the file. */
int leases6_load(struct lease6_pool *p, const char *path, lease6_warn_fn warn, void *ctx, struct errbuf *e);
int leases6_save(const struct lease6_pool *p, const char *path, struct errbuf *e);
#endif
