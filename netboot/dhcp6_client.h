/* IPv6 for boot on one interface: router advertisements (SLAAC, the
 * default router, RDNSS) and DHCPv6 (RFC 8415: Solicit -> Advertise ->
 * Request -> Reply, or Rapid Commit; Information-Request for DNS when the
 * router says O), over a raw ICMPv6 socket and UDP 546 -> ff02::1:2 port
 * 547 from the link-local address.
 *   - waits (bounded) for the link-local address to leave DAD first: no
 *     packet can leave from a tentative address;
 *   - the RS goes out at once, the Solicit too (no 0-1 s initial delay:
 *     we are at boot, as the DHCPv4 client); retransmission per RFC 8415
 *     section 15 (Solicit IRT 1 s, Request IRT 1 s MRC 10, Information-
 *     Request IRT 1 s), all bounded by the overall timeout;
 *   - Advertises are collected until the first RT has passed (or one with
 *     preference 255 arrives), the highest preference wins;
 *   - mode auto (ip=auto6): an RA with a SLAAC prefix and M clear stops
 *     the Solicit (SLAAC, and an Information-Request when O is set, bounded
 *     by DHCP6_INFO_WAIT_MS); M set or no RA keeps soliciting;
 *     mode dhcp (ip=dhcp6) always solicits; mode slaac never does;
 *   - with apply: the leased address (/the on-link RA prefix length, else
 *     /128), the SLAAC address of the first autonomous /64 (EUI-64), DAD
 *     waited for, and the default route via the RA's router.  A leased
 *     address that fails DAD is removed, declined to its server (Decline,
 *     RFC 8415 18.2.8: IRT 1 s, 4 retransmissions at most) and the client
 *     solicits again, up to DHCP6_DECLINES_MAX times within the timeout.
 * The caller brings the link up. */
#ifndef NETBOOT_DHCP6_CLIENT_H
#define NETBOOT_DHCP6_CLIENT_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "netboot/dhcp6_wire.h"
#include "netboot/errbuf.h"
#include "netboot/ra_wire.h"

#define DHCP6_TIMEOUT_MS 30000	/* link-local, RA/DHCPv6 and DAD together */
#define DHCP6_RA_WAIT_MS 2000	/* after our RS: routers answer within 0.5 s (RFC 4861 6.2.6) */
#define DHCP6_INFO_WAIT_MS 4000	/* an Information-Request's answer (stateless DNS) */
#define DHCP6_DAD_WAIT_MS 5000
#define DHCP6_REQUEST_TRIES 10	/* REQ_MAX_RC */
#define DHCP6_DECLINE_TRIES 4	/* DEC_MAX_RC: sends in all (RFC 8415 15) */
#define DHCP6_DECLINE_WAIT_MS 3000	/* and no longer than this: 1+2+4+8 s would spend a boot's budget */
#define DHCP6_DECLINES_MAX 3	/* leases given up after DAD failed, then the boot is told */

enum dhcp6_mode { DHCP6_MODE_AUTO, DHCP6_MODE_DHCP, DHCP6_MODE_SLAAC };

struct dhcp6_client_cfg {
	enum dhcp6_mode mode;
	int timeout_ms;		/* 0 = DHCP6_TIMEOUT_MS */
	int ra_wait_ms;		/* 0 = DHCP6_RA_WAIT_MS */
	bool rapid_commit;	/* ask for a Reply to the Solicit */
	bool apply;		/* add the addresses and the default route */
	int stop_fd;		/* > 0: once readable (an eventfd written by another
				 * thread), the call ends with -ECANCELED at once; 0 = none */
};

struct dhcp6_result {
	int ifindex;
	uint8_t mac[6];
	uint8_t addr[16];	/* the address to use: DHCPv6's, else SLAAC's */
	uint8_t prefix;
	const char *source;	/* "dhcpv6" or "slaac" */
	bool has_dhcp;
	uint8_t dhcp_addr[16];
	uint32_t preferred, valid;	/* the lease's lifetimes */
	uint32_t t1, t2;	/* when the booted system's client renews, rebinds */
	uint32_t iaid;		/* the IA_NA's: the MAC's last 4 bytes */
	int declined;		/* leases declined after DAD failed */
	uint8_t server_duid[DHCP6_DUID_MAX];
	size_t server_duid_len;
	bool has_slaac;
	uint8_t slaac_addr[16];
	uint8_t slaac_prefix;
	bool ra_seen, managed, other;
	bool has_gateway;
	uint8_t gateway[16];	/* the router's link-local address */
	unsigned mtu;		/* the RA's MTU option, 0 = none */
	uint8_t dns[DHCP6_MAX_DNS][16];	/* DHCPv6's first, then RDNSS */
	int ndns;
	char domains[DHCP6_TEXT_MAX];
	char bootfile_url[DHCP6_URL_MAX];
	char bootfile_param[DHCP6_TEXT_MAX];
	long ll_ms;		/* link-local address usable, from the call */
	long elapsed_ms;	/* address known (lease or RA) */
	long ready_ms;		/* applied and past DAD (with apply) */
};

/* Runs the client on ifname until an address is known (and, with apply,
 * configured) or the time is up.  Each step is one line on log (NULL =
 * quiet).  0, or -ETIMEDOUT / -ENODEV / -EADDRINUSE (DAD failed) / a
 * socket errno with e saying what was tried, e.g. "no IPv6 address on eth0
 * after 30.0 s (5 Solicits, no Advertise; no router advertisement)". */
int dhcp6_acquire(const char *ifname, const struct dhcp6_client_cfg *cfg, struct dhcp6_result *res,
		  FILE *log, struct errbuf *e);

/* Call before ifname's link goes up.  Its link-local address will be
 * optimistic (RFC 4429): usable while its DAD runs, so the first Solicit
 * need not wait the 1-2 s of DAD.  And DAD starts without the kernel's
 * random delay of up to 1 s, which RFC 4862 5.4.2 asks only of the first
 * message after the link comes up, where the optimistic link-local
 * address has none either.  The leased or static address still waits for
 * its DAD (one RetransTimer, 1 s) before use.  0, or -errno (no IPv6). */
int dhcp6_prepare_link(const char *ifname);

/* The result as handover lines (docs/handover.md's style, sourceable by
 * sh): DEVICE, HWADDR, IPV6METHOD (dhcpv6 or slaac), IPV6ADDR, IPV6PREFIX,
 * IPV6GATEWAY, IPV6DNS0, IPV6DNS1, IPV6DOMAIN (the first search name),
 * IPV6SLAAC, DHCP6SERVER (the server's DUID, hex), IPV6LEASETIME,
 * IPV6PREFERRED, IPV6IAID, IPV6T1, IPV6T2 (the binding and when to renew
 * it: the booted system's client takes over), IPV6RA (managed,other / managed / other / none; empty
 * without an RA), IPV6MTU (when the RA gives one), BOOTFILE6 (option 59),
 * BOOTPARAM6 (option 60).  Values holding shell characters (a URL's
 * brackets) are single-quoted. */
void dhcp6_format_handover(const char *ifname, const struct dhcp6_result *r, FILE *out);

/* --- pure helpers, exposed for the unit tests --- */

/* RFC 8415 15: the next retransmission time from the previous one (0 for
 * the first), IRT and MRT (0 = no cap) in ms, one random word for RAND in
 * [-0.1, 0.1] (first_positive: (0, 0.1], as the first Solicit's must be). */
int dhcp6_retx_ms(int prev_ms, int irt_ms, int mrt_ms, uint32_t rnd, bool first_positive);

/* The usable address of a Reply or Advertise: the message's and the IA's
 * status success, an IAADDR with valid > 0 and preferred <= valid.  0, or
 * -EPROTO with e quoting the status name and the server's text. */
int dhcp6_lease_addr(const struct dhcp6_msg *m, struct dhcp6_iaaddr *out, struct errbuf *e);

/* The prefix length of addr: an on-link RA prefix containing it, else 128. */
unsigned dhcp6_onlink_prefix(const struct ra_info *ra, const uint8_t addr[16]);
#endif
