/* DHCPv4 messages (RFC 2131, options RFC 2132, overload, long options
 * RFC 3396) and the IPv4+UDP framing a raw socket needs before the interface
 * has an address.  One codec for the client and a future server.
 * Pure functions over (buffer, length): no sockets, no globals; fuzzed by
 * dhcp_fuzz.c.  Addresses are in network byte order, other numbers in host
 * order. */
#ifndef NETBOOT_DHCP_WIRE_H
#define NETBOOT_DHCP_WIRE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "netboot/errbuf.h"

#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68
#define DHCP_MAGIC 0x63825363u
#define DHCP_FIXED_LEN 236	/* op .. file, before the magic cookie */
#define DHCP_MIN_LEN 240	/* fixed part + cookie: the shortest valid message */
#define DHCP_PAD_TO 300		/* BOOTP size: some relays and old servers drop less */
#define DHCP_MSG_MAX 2048	/* longer messages are refused, not truncated */
#define DHCP_OPTS_MAX (DHCP_MSG_MAX - DHCP_MIN_LEN)
#define DHCP_IPUDP_LEN 28	/* IPv4 header without options + UDP header */

enum { DHCP_BOOTREQUEST = 1, DHCP_BOOTREPLY = 2 };
enum dhcp_type {
	DHCPDISCOVER = 1, DHCPOFFER, DHCPREQUEST, DHCPDECLINE,
	DHCPACK, DHCPNAK, DHCPRELEASE, DHCPINFORM,
};
#define DHCP_FLAG_BROADCAST 0x8000
/* Option 60 our agent sends (PXE firmware sends "PXEClient:Arch:..."). */
#define DHCP_AGENT_VENDOR_CLASS "netboot-agent"
/* Option 60 prefix of PXE firmware (PXE 2.1 spec) */
#define DHCP_PXE_VENDOR_CLASS "PXEClient"
/* Option 43 sub-option for PXE clients; value 8 = boot file in this packet,
 * no boot-server discovery. */
#define PXE_DISCOVERY_CONTROL 6
#define PXE_DISCOVERY_BOOTFILE_ONLY 8

enum dhcp_opt_code {
	DHCP_OPT_PAD = 0,
	DHCP_OPT_SUBNET_MASK = 1,
	DHCP_OPT_ROUTER = 3,
	DHCP_OPT_DNS = 6,
	DHCP_OPT_HOSTNAME = 12,
	DHCP_OPT_DOMAIN = 15,
	DHCP_OPT_MTU = 26,
	DHCP_OPT_BROADCAST = 28,
	DHCP_OPT_REQUESTED_IP = 50,
	DHCP_OPT_LEASE_TIME = 51,
	DHCP_OPT_OVERLOAD = 52,
	DHCP_OPT_MSG_TYPE = 53,
	DHCP_OPT_SERVER_ID = 54,
	DHCP_OPT_PARAM_LIST = 55,
	DHCP_OPT_MESSAGE = 56,
	DHCP_OPT_MAX_SIZE = 57,
	DHCP_OPT_T1 = 58,
	DHCP_OPT_T2 = 59,
	DHCP_OPT_VENDOR_CLASS = 60,
	DHCP_OPT_CLIENT_ID = 61,
	DHCP_OPT_TFTP_SERVER = 66,
	DHCP_OPT_BOOTFILE = 67,
	DHCP_OPT_CLIENT_ARCH = 93,	/* RFC 4578 */
	DHCP_OPT_CLIENT_NDI = 94,
	DHCP_OPT_UUID = 97,
	DHCP_OPT_VENDOR_SPECIFIC = 43,
	DHCP_OPT_RELAY_AGENT = 82,
	DHCP_OPT_END = 255,
};

/* One message.  opts holds the options field after the cookie: on encode
 * the options added with dhcp_opt_add() (END is appended by dhcp_encode),
 * after parse everything that followed the cookie. */
struct dhcp_msg {
	uint8_t op, htype, hlen, hops;
	uint32_t xid;
	uint16_t secs, flags;
	uint32_t ciaddr, yiaddr, siaddr, giaddr;
	uint8_t chaddr[16];
	uint8_t sname[64];	/* a string, or options when overloaded */
	uint8_t file[128];	/* likewise */
	uint8_t opts[DHCP_OPTS_MAX];
	size_t opts_len;
};

/* Clears m and starts a message: op, Ethernet htype/hlen, xid, chaddr and
 * the message-type option (type 0 = plain BOOTP, no option). */
void dhcp_msg_init(struct dhcp_msg *m, uint8_t op, uint8_t type, uint32_t xid,
		   const uint8_t mac[6]);

/* Appends one option (len <= 255), keeping a byte for END: -EMSGSIZE when
 * it does not fit. */
int dhcp_opt_add(struct dhcp_msg *m, uint8_t code, const void *data, size_t len);
/* Appends a 4-byte number given in host order, sent big-endian (lease
 * time, T1, T2): the writer of what dhcp_opt_u32 reads.  0 or -EMSGSIZE. */
int dhcp_opt_add_u32(struct dhcp_msg *m, uint8_t code, uint32_t v);

/* Writes m into buf: fixed part, cookie, options, END, zero padding to
 * DHCP_PAD_TO.  Returns the length, or -EMSGSIZE. */
int dhcp_encode(const struct dhcp_msg *m, uint8_t *buf, size_t cap, struct errbuf *e);

/* Parses and validates one message: length, op (1 or 2), hlen <= 16, the
 * magic cookie, every option inside its area (options, then file and sname
 * when overloaded), a well-formed message-type option.  After success the
 * iterator and getters below cannot hit a malformed option.
 * Returns 0, -EPROTO (garbage) or -EMSGSIZE, with e saying what and where. */
int dhcp_parse(const uint8_t *buf, size_t len, struct dhcp_msg *out, struct errbuf *e);

/* The one option iterator.  Walks the options field, then file and sname
 * when option 52 says they hold options (RFC 2131 4.1 order); skips PAD;
 * stops each area at END or at its end. */
struct dhcp_opt {
	uint8_t code;
	uint8_t len;
	const uint8_t *data;	/* points into the message */
};
struct dhcp_opt_iter {
	const struct dhcp_msg *m;
	const uint8_t *p, *end;	/* the area being walked */
	int area;		/* 0 options, 1 file, 2 sname, 3 done */
	uint8_t overload;	/* option 52: 1 file, 2 sname, 3 both */
};
void dhcp_opt_iter_init(struct dhcp_opt_iter *it, const struct dhcp_msg *m);
/* 1 with *o set, 0 after the last option, -EPROTO when an option runs past
 * its area or option 52 is malformed (e says which). */
int dhcp_opt_next(struct dhcp_opt_iter *it, struct dhcp_opt *o, struct errbuf *e);

/* Getters over a parsed message.  All instances of a code are concatenated
 * (RFC 3396).  They return 0, -ENOENT when absent, -EPROTO when the length
 * is wrong for the type, -EMSGSIZE when it does not fit the buffer. */
int dhcp_opt_get(const struct dhcp_msg *m, uint8_t code, uint8_t *buf, size_t cap, size_t *len);
int dhcp_opt_u8(const struct dhcp_msg *m, uint8_t code, uint8_t *v);	/* exactly 1 byte */
int dhcp_opt_u16(const struct dhcp_msg *m, uint8_t code, uint16_t *v);	/* exactly 2 */
int dhcp_opt_u32(const struct dhcp_msg *m, uint8_t code, uint32_t *v);	/* exactly 4 */
int dhcp_opt_addr(const struct dhcp_msg *m, uint8_t code, uint32_t *v);	/* exactly 4, network order */
/* A list of addresses: a non-zero multiple of 4 bytes; keeps the first max. */
int dhcp_opt_addrs(const struct dhcp_msg *m, uint8_t code, uint32_t *v, int max, int *n);
/* Text: non-empty, cut at the first NUL, NUL-terminated, bytes as sent
 * (sanitize before printing). */
int dhcp_opt_str(const struct dhcp_msg *m, uint8_t code, char *buf, size_t cap);
/* Option 53, 1..8, or a negative errno. */
int dhcp_msg_type(const struct dhcp_msg *m);
const char *dhcp_type_name(int type);

/* Checks that a parsed message answers our request: op BOOTREPLY (-EPROTO
 * otherwise), then our xid and Ethernet address (-ENOMSG: someone else's
 * reply, which a client ignores quietly). */
int dhcp_check_reply(const struct dhcp_msg *m, uint32_t xid, const uint8_t mac[6], struct errbuf *e);

/* --- server side --- */

/* Starts a reply to req: BOOTREPLY with req's xid, flags, giaddr, hops and
 * hardware address, plus option 53 = type (RFC 2131 table 3). */
void dhcp_reply_init(struct dhcp_msg *r, const struct dhcp_msg *req, uint8_t type);
/* Whether option 55 (parameter request list) names code. */
bool dhcp_param_requested(const struct dhcp_msg *m, uint8_t code);
/* The first architecture type of option 93 (RFC 4578: a list of 16-bit
 * values), or -1 when absent or malformed. */
int dhcp_client_arch(const struct dhcp_msg *m);
/* Whether option 60 starts with "PXEClient" (firmware and PXE loaders). */
bool dhcp_is_pxe_client(const struct dhcp_msg *m);
/* The largest reply the client takes: option 57 (at least 576, RFC 2132
 * 9.10) less the IP and UDP headers, at most DHCP_MSG_MAX; 548 without it. */
size_t dhcp_reply_max(const struct dhcp_msg *req);
/* Copies option code from src into dst as sent (all instances joined, at
 * most 255 bytes).  0, -ENOENT when src has none, -EMSGSIZE when it is
 * longer than 255 bytes or does not fit dst. */
int dhcp_opt_copy(struct dhcp_msg *dst, const struct dhcp_msg *src, uint8_t code);
/* Adds option 43 for a PXE client: sub-option 6 (discovery control) =
 * control, then END.  0 or -EMSGSIZE. */
int dhcp_opt_add_pxe_control(struct dhcp_msg *m, uint8_t control);

/* IPv4+UDP framing for AF_PACKET SOCK_DGRAM sockets (no link header). */
struct dhcp_udp {
	uint32_t src, dst;	/* network order */
	uint16_t sport, dport;
	const uint8_t *payload;	/* points into the packet */
	size_t len;
};
/* Builds a 20-byte IPv4 header (TTL 64, no fragments) and a UDP header,
 * both checksummed, in front of payload.  Returns the length or -EMSGSIZE. */
int dhcp_ipudp_wrap(uint8_t *pkt, size_t cap, uint32_t src, uint32_t dst, uint16_t sport,
		    uint16_t dport, const uint8_t *payload, size_t plen);
/* Validates an IPv4 packet: version, header length and checksum, total
 * length, no fragment, UDP, the ports wanted, UDP length, and the UDP
 * checksum when non-zero and check_sum (false when the kernel says the
 * checksum was never computed, e.g. on veth).  Trailing link padding is
 * ignored.  Returns 0, -EPROTO, or -ENOMSG for another port. */
int dhcp_ipudp_unwrap(const uint8_t *pkt, size_t len, uint16_t sport, uint16_t dport,
		      bool check_sum, struct dhcp_udp *out, struct errbuf *e);
#endif
