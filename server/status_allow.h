/* Who may read the status page, /status.json and /metrics: a list of IPv4
 * subnets (--status-allow CIDR, PXEBOOTSRV_STATUS_ALLOW).  The parser is
 * pure and fuzzed (status_allow_fuzz.c); the default, when none is given,
 * is loopback plus the served subnet (status_allow_default).  Boot files
 * are never limited by it. */
#ifndef SERVER_STATUS_ALLOW_H
#define SERVER_STATUS_ALLOW_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define STATUS_ALLOW_MAX 16

struct status_allow {
	struct {
		uint32_t net;		/* network byte order, host bits zero */
		uint8_t prefix;		/* 0..32 */
	} e[STATUS_ALLOW_MAX];
	int n;
};

/* Appends the subnets in (s, n): "192.0.2.0/24" or a bare address (/32),
 * several separated by blanks or commas.  NULL, or what was expected (a is
 * then unchanged). */
const char *status_allow_parse(const char *s, size_t n, struct status_allow *a);
/* Whether ip (network order) lies in one of the subnets. */
bool status_allow_match(const struct status_allow *a, uint32_t ip);
/* Adds net/prefix (host bits cleared); false when the list is full. */
bool status_allow_add(struct status_allow *a, uint32_t net, unsigned prefix);
/* Loopback 127.0.0.0/8, subnet/netmask when both are set, and the subnet
 * of the interface that holds local_ip (read with getifaddrs, not pure). */
void status_allow_default(struct status_allow *a, uint32_t subnet, uint32_t netmask, uint32_t local_ip);
/* The default list's IPv6 side (the list itself is IPv4): whether peer
 * lies in the on-link prefix of local, the address of this machine it
 * reached (its prefix length read with getifaddrs, not pure).  ::1 is
 * loopback and always matches its own /128. */
bool status_allow_onlink6(const struct in6_addr *local, const struct in6_addr *peer);
/* "127.0.0.0/8 192.0.2.0/24" into buf. */
const char *status_allow_format(const struct status_allow *a, char *buf, size_t cap);
#endif
