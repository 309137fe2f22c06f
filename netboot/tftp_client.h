/* TFTP read client: one file from one server over UDP/IPv4, with blksize,
 * tsize, timeout and windowsize negotiation (RFC 2347-2349, RFC 7440), block
 * number rollover past 65535 and a fallback to plain RFC 1350 when a server
 * refuses options.  Bytes leave through callbacks, so netboot/ knows nothing
 * of sinks; fetch/tftp_get.c adapts it to the stage-3 transport interface. */
#ifndef NETBOOT_TFTP_CLIENT_H
#define NETBOOT_TFTP_CLIENT_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "netboot/errbuf.h"

struct tftp_client_cfg {
	const char *host;	/* name, dotted quad or IPv6 address, resolved with getaddrinfo (either family) */
	uint16_t port;		/* 0 = 69 */
	const char *file;	/* the name sent in the RRQ */
	const char *label;	/* names the file in messages ("sysrcd.dat"); NULL = file */
	const char *url;	/* names the source in messages; NULL = host */
	int timeout_ms;		/* first retransmission timeout, doubled on each retry; 0 = 1000 */
	int max_tries;		/* transmissions of one packet before -ETIMEDOUT; 0 = 6 */
	uint16_t blksize;	/* 0 = the route's MTU - 32, at most 65464 */
	uint16_t windowsize;	/* 0 = 64; 1 = lock-step RFC 1350 */
	bool no_options;	/* send a plain RFC 1350 request */
	int rcvbuf;		/* socket receive buffer; 0 = 4 MiB */
	FILE *log;		/* retries and fallbacks; NULL = quiet */
	/* Called once, before the first deliver, with the size the server
	 * announced (0 = unknown).  May be NULL. */
	int (*size_known)(void *ctx, uint64_t tsize, struct errbuf *e);
	/* Receives the file's bytes in order, in pieces of any size.  A
	 * negative return aborts the transfer (the server is told). */
	int (*deliver)(void *ctx, const uint8_t *data, size_t len, struct errbuf *e);
	void *ctx;
};

/* What happened, for logs, tests and the benchmark. */
struct tftp_stats {
	uint64_t bytes;		/* delivered */
	uint64_t blocks;	/* DATA blocks taken in order (64-bit: counts past rollover) */
	uint64_t tsize;		/* announced size, 0 if none */
	uint16_t blksize, windowsize;	/* what the transfer ran with */
	bool options;		/* the server acknowledged options */
	bool fallback;		/* retried without options */
	unsigned timeouts;	/* retransmissions of the RRQ or an ACK */
	unsigned gaps;		/* blocks that arrived ahead of a missing one */
	unsigned dups;		/* blocks received twice */
	unsigned tails;		/* windows cut short by a lost tail, ACKed early */
	unsigned foreign;	/* packets from another address or port (answered ERROR 5) */
	unsigned bad;		/* malformed or oversized packets ignored */
	int rcvbuf;		/* the receive buffer the kernel granted */
};

/* Fetches cfg->file.  0 when the last (short) block is in, else:
 *   -ENOENT / -EACCES / -EIO  the server sent ERROR 1 / 2 / another code
 *   -ETIMEDOUT  no progress after max_tries transmissions
 *   -ECONNREFUSED  ICMP port unreachable from the server
 *   -EHOSTUNREACH  the name did not resolve or the route is missing
 *   -EPROTO     the server spoke garbage
 *   or what deliver / size_known returned.
 * e names the file and the URL.  st may be NULL. */
int tftp_client_get(const struct tftp_client_cfg *cfg, struct tftp_stats *st, struct errbuf *e);
#endif
