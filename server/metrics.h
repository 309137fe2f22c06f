/* The counters behind `netboot serve`'s /metrics: one struct in the server
 * state (struct server's metrics), bumped by one line where each event
 * happens (dhcp.c, tftp*.c, http.c, nbd.c, and clients.c for the stages),
 * and a pure renderer into the Prometheus text exposition format 0.0.4.
 * Counters only grow; the renderer adds the gauges it can read from the
 * client table (clients seen, clients at each stage). */
#ifndef SERVER_METRICS_H
#define SERVER_METRICS_H
#include <stddef.h>
#include <stdint.h>
#include "server/clients.h"

/* DHCP message types 1..8 (RFC 2132 option 53) index the DHCP counters;
 * slot 0 takes any other type. */
#define METRICS_DHCP_TYPES 9
#define METRICS_DHCP6_TYPES 14

/* How a TFTP transfer ended ("outcome" label). */
enum metrics_tftp {
	MT_COMPLETE,		/* every block acknowledged */
	MT_ABORTED,		/* the client sent ERROR after the transfer began */
	MT_SIZE_QUERY,		/* firmware asked for tsize only and stopped: normal */
	MT_FAILED,		/* the client went away, the file shrank, a send failed */
	MT_TIMEOUT,		/* no ACK after every retransmission */
	MT_REFUSED,		/* answered with ERROR: not found, outside the folder, busy, write, bad mode */
	MT_N
};

/* How an HTTP response ended (status pages not counted). */
enum metrics_http {
	MH_COMPLETE,		/* 1xx-3xx, every byte sent */
	MH_ABORTED,		/* 1xx-3xx, the peer left or stalled before the end */
	MH_CLIENT_ERROR,	/* 4xx */
	MH_SERVER_ERROR,	/* 5xx */
	MH_N
};

/* Errors by kind ("kind" label). */
enum metrics_error {
	ME_DHCP_DROPPED,	/* a DHCP packet malformed or unanswerable */
	ME_DHCP_POOL_EXHAUSTED,	/* a DISCOVER found no free address */
	ME_TFTP_MALFORMED,	/* a datagram on the TFTP port that is no request */
	ME_HTTP_BAD_REQUEST,	/* a request head that could not be parsed (400, 414, 431) */
	ME_HTTP_BUSY,		/* 503 at the connection cap */
	ME_NBD_PROTOCOL,	/* NBD bytes that are no flags, option or request: closed */
	ME_STATUS_FORBIDDEN,	/* the status page or /metrics asked from outside --status-allow */
	ME_N
};

struct metrics {
	uint64_t dhcp_received[METRICS_DHCP_TYPES];	/* by message type */
	uint64_t dhcp_sent[METRICS_DHCP_TYPES];
	uint64_t tftp_transfers[MT_N];
	uint64_t tftp_bytes;		/* DATA payload sent, retransmissions included */
	uint64_t http_transfers[MH_N];
	uint64_t http_bytes;		/* file bodies sent (not the status pages) */
	uint64_t nbd_connections;	/* accepted */
	uint64_t nbd_attached;		/* handshakes that ended with the export attached */
	uint64_t nbd_bytes;		/* read by clients */
	uint64_t stage_reached[CLIENT_STAGES];	/* clients that reached each stage (clients.c) */
	uint64_t errors[ME_N];
	/* DHCPv6 (dhcp6.c), by message type 1..13 (RFC 8415); slot 0 others */
	uint64_t dhcp6_received[METRICS_DHCP6_TYPES];
	uint64_t dhcp6_sent[METRICS_DHCP6_TYPES];
	uint64_t dhcp6_dropped;		/* malformed or unanswerable */
};

/* One DHCP message of type (any int: out of range counts as "other"). */
static inline void metrics_dhcp(uint64_t by_type[METRICS_DHCP_TYPES], int type)
{
	by_type[type > 0 && type < METRICS_DHCP_TYPES ? type : 0]++;
}

/* One HTTP response over: its status and how much of its body went out. */
void metrics_http_done(struct metrics *m, int status, uint64_t sent, uint64_t total);

/* The exposition into buf (cap bytes, NUL-terminated): its length, or
 * -ENOSPC when it does not fit (buf then holds a cut, terminated text).
 * Pure: the client table (may be NULL) and the uptime are passed in. */
int metrics_render(const struct metrics *m, const struct clients *t, long long uptime_ms, char *buf, size_t cap);

/* The Content-Type of that text. */
#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"
#endif
