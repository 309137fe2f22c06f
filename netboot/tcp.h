/* TCP client helpers shared by the HTTP and NBD clients: name resolution
 * (the libc resolver reads /etc/resolv.conf, written by the network stage),
 * connect with a deadline, and reads/writes bounded by a timeout. */
#ifndef NETBOOT_TCP_H
#define NETBOOT_TCP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/types.h>
#include "netboot/errbuf.h"

/* Returns a connected, blocking socket or a negative errno (-ECONNREFUSED,
 * -ETIMEDOUT, -EHOSTUNREACH also for a name that does not resolve, -EAGAIN
 * when no DNS server answered) with e set.  host is a name, a dotted quad
 * or an IPv6 address (no brackets).  A name with several addresses is raced
 * as RFC 8305 says: IPv6 first, the families interleaved, a new attempt
 * every TCP_ATTEMPT_DELAY_MS (at once when one fails), at most
 * TCP_MAX_ADDRS addresses, each given timeout_ms; the first to connect wins.
 * Both families are asked at once (a thread each): the race begins with
 * both answers, or with one family's addresses and TCP_RESOLUTION_DELAY_MS
 * more for the other; a family that answers later (a DNS server that
 * refuses one family's query costs musl its 5 s timeout) is raced only if
 * the others fail. */
#define TCP_ATTEMPT_DELAY_MS 250
#define TCP_RESOLUTION_DELAY_MS 50	/* RFC 8305 3: one answer in, this long for the other */
#define TCP_MAX_ADDRS 8
int tcp_connect(const char *host, uint16_t port, int timeout_ms, struct errbuf *e);
/* tcp_connect, and the address that answered as text ("2001:db8::1",
 * "192.0.2.1") into peer when not NULL: for those that must hand the kernel
 * an address (the NFS mount's addr=, the NBD supervisor). */
int tcp_connect_peer(const char *host, uint16_t port, int timeout_ms, char *peer, size_t peer_len, struct errbuf *e);
/* The address of a connected socket's peer as text; 0 or a negative errno. */
int tcp_peer_text(int fd, char *out, size_t out_len);
/* IPv6 on demand (/init: init/network.c).  When every address of a host
 * failed to connect and one of them is IPv6, tcp_connect calls fn once (the
 * first such failure takes the hook) with what failed ("2001:db8::1:
 * Network unreachable, 192.0.2.1: Connection refused"); fn returns true
 * when it brought IPv6 up, and the addresses are raced again, the outcome
 * said on log.  NULL: no hook. */
typedef bool (*tcp_late6_fn)(void *ctx, const char *host, uint16_t port, const char *why);
void tcp_set_late6(tcp_late6_fn fn, void *ctx, FILE *log);
/* The IPv4 address of a name (or dotted quad), with the errnos above. */
int tcp_resolve(const char *host, struct in_addr *addr, struct errbuf *e);
/* The first address of a name (or literal) in tcp_connect's order (IPv6
 * first), as text ("2001:db8::1", "192.0.2.1"), without connecting: for an
 * address handed to the kernel (NFS addr=, the NBD supervisor).  The
 * errnos of tcp_resolve. */
int tcp_resolve_text(const char *host, char *out, size_t out_len, struct errbuf *e);
/* read() that waits at most timeout_ms; returns bytes (0 = peer closed),
 * -ETIMEDOUT or -errno. */
ssize_t tcp_read(int fd, void *buf, size_t len, int timeout_ms);
/* Writes all of buf or returns a negative errno. */
int tcp_write_all(int fd, const void *buf, size_t len, int timeout_ms);

/* A peer that goes silent (cable pulled, server powered off) is noticed, not
 * only one that closes: keepalive probes after TCP_KA_IDLE_S idle, every
 * TCP_KA_INTVL_S, TCP_KA_COUNT unanswered ones end the connection (~25 s);
 * data unacknowledged for TCP_USER_TIMEOUT_MS ends it too (RFC 5482).  For
 * sockets that live long in the kernel's hands (NBD). */
#define TCP_KA_IDLE_S 10
#define TCP_KA_INTVL_S 5
#define TCP_KA_COUNT 3
#define TCP_USER_TIMEOUT_MS 30000
int tcp_keepalive(int fd, struct errbuf *e);
#endif
