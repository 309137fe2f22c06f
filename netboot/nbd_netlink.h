/* The kernel's generic-netlink "nbd" family (Linux >= 4.12, uapi
 * <linux/nbd-netlink.h>) as pure functions over (buffer, length): the
 * controller's CTRL_CMD_GETFAMILY request and reply (family id, multicast
 * group id), and the nbd family's CONNECT, RECONFIGURE, DISCONNECT and STATUS
 * requests, their replies and the LINK_DEAD event.  No socket calls: the
 * socket side is netboot/genl.c, the fuzz harness nbd_netlink_fuzz.c. */
#ifndef NETBOOT_NBD_NETLINK_H
#define NETBOOT_NBD_NETLINK_H
#include <stddef.h>
#include <stdint.h>
#include "netboot/errbuf.h"

#define NBDNL_MSG_MAX 256	/* every request built here fits */

/* What NBD_CMD_CONNECT carries.  index < 0: the kernel picks a free device
 * (or creates one).  Timeouts in seconds; 0 leaves the kernel's default. */
struct nbdnl_connect {
	int index;
	uint64_t size, blksize, server_flags;
	uint64_t timeout_s;		/* NBD_ATTR_TIMEOUT: one request's limit, then the socket counts as dead */
	uint64_t dead_conn_timeout_s;	/* NBD_ATTR_DEAD_CONN_TIMEOUT: I/O waits this long for a reconnect */
	int sock;			/* a connected socket past its handshake */
};

/* Each builder writes one request (NLM_F_REQUEST | NLM_F_ACK) with seq and
 * returns its length, or -ENOSPC if cap is too small. */
int genl_build_getfamily(uint8_t *buf, size_t cap, uint32_t seq, const char *name);
int nbdnl_build_connect(uint8_t *buf, size_t cap, uint16_t family, uint32_t seq, const struct nbdnl_connect *c);
/* Hands sock to device index in place of its dead connection. */
int nbdnl_build_reconfigure(uint8_t *buf, size_t cap, uint16_t family, uint32_t seq, uint32_t index, int sock);
int nbdnl_build_disconnect(uint8_t *buf, size_t cap, uint16_t family, uint32_t seq, uint32_t index);
int nbdnl_build_status(uint8_t *buf, size_t cap, uint16_t family, uint32_t seq, uint32_t index);

enum genl_kind {
	GENL_ERROR = 1,	/* NLMSG_ERROR: error is 0 (an ACK) or a negative errno */
	GENL_DONE,	/* NLMSG_DONE */
	GENL_CTRL,	/* the controller's answer: family_id, mcast_id */
	GENL_FAMILY,	/* a message of another family (nbd): cmd, index, connected */
	GENL_OTHER,	/* NOOP, OVERRUN, anything else: skip it */
};

/* One netlink message, as read from the kernel. */
struct genl_msg {
	enum genl_kind kind;
	uint16_t type;		/* nlmsg_type: for GENL_FAMILY the family id */
	uint32_t seq;
	int error;		/* GENL_ERROR */
	uint16_t family_id;	/* GENL_CTRL; 0 if absent */
	uint32_t mcast_id;	/* GENL_CTRL: the group named by mcast_name, 0 if absent */
	uint8_t cmd;		/* GENL_FAMILY: NBD_CMD_* */
	int64_t index;		/* GENL_FAMILY: NBD_ATTR_INDEX (CONNECT's reply, LINK_DEAD); -1 if absent */
	int connected;		/* GENL_FAMILY STATUS: 1/0 for the device want_index, -1 if not listed */
};

/* Parses the message at the start of buf (a datagram may hold several).
 * mcast_name: the controller's multicast group to look up (may be NULL).
 * want_index: the device whose status to report.  Returns the number of
 * bytes the message takes (aligned, so the next one starts there), 0 if
 * fewer than a header's bytes are left, or -EPROTO with e naming the fault. */
int genl_parse(const uint8_t *buf, size_t len, const char *mcast_name, int64_t want_index, struct genl_msg *out,
	       struct errbuf *e);
#endif
