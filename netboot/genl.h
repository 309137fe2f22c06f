/* A generic-netlink socket (NETLINK_GENERIC) without libnl: the family id
 * resolved by name through the controller, requests answered by an ACK or
 * the kernel's errno, and a family's multicast group joined for events.
 * Messages are built and parsed by netboot/nbd_netlink.c. */
#ifndef NETBOOT_GENL_H
#define NETBOOT_GENL_H
#include <stdint.h>
#include "netboot/errbuf.h"
#include "netboot/nbd_netlink.h"

struct genl {
	int fd;			/* -1 when closed */
	uint32_t seq;
	uint16_t family;	/* the resolved family id */
	uint32_t mcast;		/* its multicast group id, 0 if it has none of that name */
};

/* Opens a socket and resolves family (and its multicast group mcast_name,
 * may be NULL).  -ENOENT when the kernel has no such family (for "nbd":
 * a kernel older than 4.12, or the nbd module not loaded). */
int genl_open(struct genl *g, const char *family, const char *mcast_name, struct errbuf *e);
void genl_close(struct genl *g);

/* Sends msg (built with seq = genl_next_seq(g)) and reads until its ACK or
 * error.  A reply message of the family before the ACK goes into *reply
 * (may be NULL); want_index picks the device a STATUS reply reports.
 * Returns 0 or the kernel's negative errno, with e naming what. */
uint32_t genl_next_seq(struct genl *g);
int genl_call(struct genl *g, const uint8_t *msg, int len, int64_t want_index, struct genl_msg *reply,
	      const char *what, struct errbuf *e);

/* Joins the family's multicast group: events then arrive on g->fd, read
 * with genl_recv_event. */
int genl_subscribe(struct genl *g, struct errbuf *e);
/* Waits up to timeout_ms for one event of the family: 1 with *ev filled, 0
 * on timeout, -ENOBUFS if events were lost (the socket's queue overflowed),
 * or another negative errno. */
int genl_recv_event(struct genl *g, int timeout_ms, struct genl_msg *ev, struct errbuf *e);
#endif
