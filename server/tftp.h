/* Inside the TFTP service (not for other services): the limits, one
 * transfer, the service, and what its three files give each other.
 * Calls go one way, top to bottom:
 *   tftp.c        the request port, starting a transfer, the service
 *   tftp_send.c   one transfer: the windowed sender, ACKs, retransmission
 *   tftp_hosts.c  per client address: the caps' bookkeeping, the log lines */
#ifndef SERVER_TFTP_H
#define SERVER_TFTP_H
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include "netboot/tftp_wire.h"
#include "server/server.h"
#include "server/peer.h"

#define XFER_MAX	256		/* transfers at once; more get ERROR 0 "server busy" */
/* Transfers at once from one IPv4 address, so that one host cannot fill the
 * table: a PXE client runs one or two (a size query, then the file), but
 * machines behind one NAT (VMs on a host's user-mode network, a lab behind
 * a router) share an address; 32 lets a few dozen of those boot at once
 * while one address holds at most an eighth of the table. */
#define PER_HOST_MAX	32
#define WINDOW_CAP	64		/* largest windowsize granted */
#define XFER_BUF_MAX	(256 * 1024)	/* one window's data: blksize * windowsize at most this */
#define READ_AHEAD	(64 * 1024)	/* the buffer holds at least this: lock-step needs no pread per block */
#define RETRIES		5		/* retransmissions of one window before giving up */
#define TIMEOUT_MS	1000		/* retransmission timeout unless the client sets one */
#define RX_BATCH	64		/* datagrams read per wake-up: a busy socket cannot starve others */
#define PROGRESS_MS	250		/* how often the image's progress reaches the client table */
#define BAD_LOG_PER_SEC	5		/* malformed-datagram log lines per second at most */
#define REFUSAL_LOG_PER_SEC 10		/* refused-request log lines per second at most */
#define IP_UDP_TFTP_HDR	32		/* IPv4 20 + UDP 8 + TFTP 4: blksize = MTU - 32 fills a frame */

enum file_kind { FILE_OTHER, FILE_LOADER, FILE_KERNEL, FILE_IMAGE };

struct tftp_service;

struct xfer {
	struct loop_handler h;		/* h.fd: this transfer's socket; -1 before it is open */
	struct tftp_service *svc;
	union srv_peer peer;		/* IPv4, or IPv6 from the [::] request port */
	int file_fd;			/* -1 before it is open */
	uint64_t size, nblocks;		/* nblocks: the last one is short, maybe empty */
	char name[128];			/* as asked, sanitized, for the log */
	enum file_kind kind;
	struct tftp_opts use;		/* what runs; use.present: what the OACK carries */
	bool oack_pending;		/* OACK sent, its ACK 0 awaited */
	bool want_out;			/* EPOLLOUT asked for: the send buffer was full */
	uint64_t acked;			/* blocks acknowledged */
	uint64_t next;			/* next block to send */
	uint64_t win_end;		/* last block of the window in flight */
	uint8_t *buf;			/* file bytes of blocks buf_first.. (buf_n blocks, buf_len bytes) */
	uint64_t buf_first, buf_n;
	uint64_t buf_blocks;		/* capacity: a window or READ_AHEAD, whichever is more */
	size_t buf_len;
	int tries;
	long timeout_ms;
	long long deadline, start_ms, progress_ms;
	uint64_t reported;		/* image bytes handed to the client table */
	uint8_t hdr[WINDOW_CAP][TFTP_HDR];
};

struct tftp_service {
	struct server *s;
	struct loop_handler h;		/* the request port */
	struct loop_handler h6;		/* its IPv6 twin ([::], v6 only); fd -1 when none */
	struct loop_timer timer;
	struct xfer *x[XFER_MAX];
	int n;
	uint8_t rx[TFTP_PKT_MAX + 1];	/* one more than any valid datagram: longer ones are malformed */
};

/* ---- tftp_send.c: one transfer ---- */

/* The loop handler of a transfer's socket: ACKs, the client's ERROR, room
 * to send again.  Frees the transfer when it is over. */
void tftp_xfer_event(struct loop_handler *h, uint32_t events);
/* Sends the OACK, or the first window when no option was answered; a
 * transfer that cannot start is logged and freed. */
void tftp_xfer_start(struct xfer *x);
/* The retransmission deadlines of every transfer: a window (or OACK)
 * unacknowledged by its deadline is sent again, a transfer out of tries
 * given up and freed.  ms until the next deadline, or -1 when none. */
long tftp_xfers_retransmit(struct tftp_service *t, long long now_ms);
/* A running transfer (in t->x and the loop): taken out and freed. */
void tftp_xfer_free(struct xfer *x);
/* One not yet running (NULL, or fds -1 for what is not open): freed. */
void tftp_xfer_discard(struct xfer *x);

/* ---- tftp_hosts.c: per client address ---- */

/* Transfers running from ip. */
int tftp_host_xfers(const struct tftp_service *t, const union srv_peer *p);
/* Whether from already runs a transfer of name (the client resent its RRQ). */
bool tftp_host_duplicate(const struct tftp_service *t, const union srv_peer *from, const char *name);
/* A request refused at PER_HOST_MAX (already answered "server busy"):
 * one line a second per address, the rest counted in its summary. */
void tftp_host_refused(struct tftp_service *t, const union srv_peer *p, const char *name);
/* One line keyed by the client's MAC when the client table knows it. */
void tftp_peer_log(struct server *s, const union srv_peer *p, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A refused request: as tftp_peer_log, but at most REFUSAL_LOG_PER_SEC
 * lines a second per kind; the count of the silenced ones follows. */
void tftp_refusal_log(struct tftp_service *t, const union srv_peer *p, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* "8.1 MB": decimal units, as transfer rates are usually quoted. */
const char *tftp_human(uint64_t n, char *buf, size_t cap);
#endif
