/* DHCPv6 messages (RFC 8415; DNS options RFC 3646, boot file options
 * RFC 5970, client link-layer address RFC 6939).  One codec for the agent's
 * client and a server: pure functions over (buffer, length), no sockets, no
 * globals; fuzzed by dhcp6_fuzz.c.  Numbers are in host order, addresses
 * as 16 bytes in network order. */
#ifndef NETBOOT_DHCP6_WIRE_H
#define NETBOOT_DHCP6_WIRE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "netboot/errbuf.h"

#define DHCP6_CLIENT_PORT 546
#define DHCP6_SERVER_PORT 547
#define DHCP6_MSG_MAX 1500	/* longer messages are refused, not truncated */
#define DHCP6_DUID_MAX 130	/* type (2) + at most 128 bytes (RFC 8415 11.1) */
#define DHCP6_DUID_LL_LEN 10	/* type 3, hardware type 1, the MAC */
#define DHCP6_MAX_ADDRS 4	/* IAADDRs kept from one IA_NA */
#define DHCP6_MAX_DNS 3
#define DHCP6_TEXT_MAX 256	/* status text, domain list, boot file parameters */
#define DHCP6_URL_MAX 512
#define DHCP6_INFINITY 0xffffffffu

enum dhcp6_type {
	DHCP6_SOLICIT = 1, DHCP6_ADVERTISE, DHCP6_REQUEST, DHCP6_CONFIRM, DHCP6_RENEW,
	DHCP6_REBIND, DHCP6_REPLY, DHCP6_RELEASE, DHCP6_DECLINE, DHCP6_RECONFIGURE,
	DHCP6_INFORMATION_REQUEST, DHCP6_RELAY_FORW, DHCP6_RELAY_REPL,
};

enum dhcp6_opt_code {
	DHCP6_OPT_CLIENTID = 1,
	DHCP6_OPT_SERVERID = 2,
	DHCP6_OPT_IA_NA = 3,
	DHCP6_OPT_IAADDR = 5,
	DHCP6_OPT_ORO = 6,
	DHCP6_OPT_PREFERENCE = 7,
	DHCP6_OPT_ELAPSED_TIME = 8,
	DHCP6_OPT_RELAY_MSG = 9,
	DHCP6_OPT_STATUS_CODE = 13,
	DHCP6_OPT_RAPID_COMMIT = 14,
	DHCP6_OPT_USER_CLASS = 15,
	DHCP6_OPT_VENDOR_CLASS = 16,
	DHCP6_OPT_INTERFACE_ID = 18,
	DHCP6_OPT_DNS_SERVERS = 23,
	DHCP6_OPT_DOMAIN_LIST = 24,
	DHCP6_OPT_BOOTFILE_URL = 59,
	DHCP6_OPT_BOOTFILE_PARAM = 60,
	DHCP6_OPT_CLIENT_ARCH = 61,
	DHCP6_OPT_NII = 62,
	DHCP6_OPT_CLIENT_LINKLAYER = 79,
	DHCP6_OPT_SOL_MAX_RT = 82,
};

enum dhcp6_status {
	DHCP6_SUCCESS = 0, DHCP6_UNSPEC_FAIL, DHCP6_NO_ADDRS_AVAIL, DHCP6_NO_BINDING,
	DHCP6_NOT_ON_LINK, DHCP6_USE_MULTICAST, DHCP6_NO_PREFIX_AVAIL,
};
#define DHCP6_STATUS_NONE (-1)	/* no Status Code option: success (RFC 8415 21.13) */

/* A Status Code option: code (or DHCP6_STATUS_NONE) and the server's
 * message text, sanitized to printable ASCII. */
struct dhcp6_status_opt {
	int code;
	char text[DHCP6_TEXT_MAX];
};

struct dhcp6_iaaddr {
	uint8_t addr[16];
	uint32_t preferred, valid;	/* seconds; DHCP6_INFINITY */
	struct dhcp6_status_opt status;
};

/* One parsed message.  Client/server messages fill everything but relay;
 * Relay-Forw/Relay-Repl fill relay (and the options of the relay message
 * itself: 79, interface id) and leave the inner message to a second parse. */
struct dhcp6_msg {
	uint8_t type;
	uint32_t xid;			/* 24 bits */
	uint8_t client_duid[DHCP6_DUID_MAX];
	size_t client_duid_len;		/* 0 = absent */
	uint8_t server_duid[DHCP6_DUID_MAX];
	size_t server_duid_len;
	struct dhcp6_status_opt status;	/* the message's own */
	bool has_ia_na;			/* the first IA_NA (others are ignored) */
	uint32_t iaid, t1, t2;
	struct dhcp6_status_opt ia_status;
	struct dhcp6_iaaddr addrs[DHCP6_MAX_ADDRS];
	int naddrs;
	bool has_preference;
	uint8_t preference;
	bool rapid_commit;
	bool has_elapsed;
	uint16_t elapsed_cs;		/* hundredths of a second */
	uint16_t oro[32];		/* requested option codes */
	int noro;
	uint8_t dns[DHCP6_MAX_DNS][16];
	int ndns;
	char domains[DHCP6_TEXT_MAX];	/* option 24: names separated by spaces */
	char bootfile_url[DHCP6_URL_MAX];	/* option 59, sanitized */
	char bootfile_param[DHCP6_TEXT_MAX];	/* option 60: parameters separated by spaces */
	int client_arch;		/* option 61, first type; -1 = absent */
	uint32_t sol_max_rt;		/* option 82; 0 = absent */
	bool has_lladdr;		/* option 79 (relay messages carry it) */
	uint16_t lltype;		/* hardware type, 1 = Ethernet */
	uint8_t lladdr[16];
	size_t lladdr_len;
	struct {			/* Relay-Forw / Relay-Repl */
		uint8_t hop_count;
		uint8_t link_addr[16], peer_addr[16];
		const uint8_t *msg;	/* option 9, pointing into the parsed buffer */
		size_t msg_len;
	} relay;
	/* what a server reads of a client (added after the client's fields) */
	uint32_t vendor_enterprise;	/* option 16's enterprise number; 0 = absent */
	char vendor_class[48];		/* its first vendor-class-data item, sanitized ("PXEClient:Arch:...") */
	char user_class[48];		/* option 15's first item, sanitized ("iPXE") */
	const uint8_t *interface_id;	/* option 18 of a relay message, pointing into the buffer */
	size_t interface_id_len;
	/* what a server needs to judge all of a Confirm's or Decline's addresses */
	int n_ia_na;			/* IA_NA options seen (only the first is kept) */
	bool addrs_dropped;		/* the first IA_NA held more than DHCP6_MAX_ADDRS */
};

/* What a client message carries (dhcp6_build). */
struct dhcp6_out {
	uint8_t type;			/* SOLICIT, REQUEST, RENEW, REBIND, INFORMATION_REQUEST, ... */
	uint32_t xid;			/* low 24 bits used */
	const uint8_t *client_duid;
	size_t client_duid_len;
	const uint8_t *server_duid;	/* REQUEST, RENEW, DECLINE, RELEASE; else NULL */
	size_t server_duid_len;
	uint16_t elapsed_cs;
	bool ia_na;
	uint32_t iaid;
	const uint8_t *ia_addr;		/* an IAADDR inside the IA_NA (16 bytes), or NULL */
	bool rapid_commit;		/* SOLICIT only */
	const uint16_t *oro;		/* option request list */
	int noro;
};

/* What a server's Advertise or Reply carries (dhcp6_build_server).  NULL
 * pointers and zero counts leave an option out. */
struct dhcp6_server_out {
	uint8_t type;			/* ADVERTISE or REPLY */
	uint32_t xid;			/* the client's */
	const uint8_t *client_duid;	/* echoed */
	size_t client_duid_len;
	const uint8_t *server_duid;	/* ours (option 2) */
	size_t server_duid_len;
	int status;			/* the message's Status Code, or DHCP6_STATUS_NONE */
	const char *status_text;
	bool ia_na;			/* an IA_NA for iaid, with T1 and T2 */
	uint32_t iaid, t1, t2;
	const uint8_t *addr;		/* its IAADDR (16 bytes), or NULL */
	uint32_t preferred, valid;
	int ia_status;			/* a Status Code inside the IA_NA, or DHCP6_STATUS_NONE */
	const char *ia_status_text;
	bool has_preference;		/* option 7 */
	uint8_t preference;
	bool rapid_commit;		/* option 14: a Reply to a Solicit */
	const uint8_t (*dns)[16];	/* option 23 */
	int ndns;
	const char *bootfile_url;	/* option 59 */
	const char *const *bootfile_params;	/* option 60, nparams items */
	int nparams;
	uint32_t vendor_enterprise;	/* option 16 with vendor_class as its one item (UEFI HTTP boot: "HTTPClient") */
	const char *vendor_class;
};

/* Writes a server's message into buf.  Returns the length, or -EMSGSIZE /
 * -EINVAL (a DUID or text too long for its option) with e saying which. */
int dhcp6_build_server(const struct dhcp6_server_out *o, uint8_t *buf, size_t cap, struct errbuf *e);

/* A Relay-Repl (RFC 8415 9.3) around msg: the Relay-Forw's hop count and
 * addresses, its Interface-Id echoed when it had one.  Length or
 * -EMSGSIZE. */
int dhcp6_build_relay_repl(const struct dhcp6_msg *forw, const uint8_t *msg, size_t msg_len, uint8_t *buf,
			   size_t cap, struct errbuf *e);

/* Writes o into buf.  Returns the length, or -EMSGSIZE / -EINVAL (a DUID
 * longer than DHCP6_DUID_MAX) with e saying which. */
int dhcp6_build(const struct dhcp6_out *o, uint8_t *buf, size_t cap, struct errbuf *e);

/* Parses and validates one message: header, every option inside the
 * message, known options of the right length and shape (IA_NA and IAADDR
 * with their sub-options, status codes, DNS names), at most one client and
 * one server DUID.  Returns 0 or -EPROTO with e naming the option, its
 * offset and what was expected. */
int dhcp6_parse(const uint8_t *buf, size_t len, struct dhcp6_msg *out, struct errbuf *e);

/* The one option walker: the option at *off in buf[0..len), then *off past
 * it.  1 with code, data and dlen set; 0 at the end; -EPROTO when a header
 * or body runs past len (e says where; `where` names the container). */
int dhcp6_opt_next(const uint8_t *buf, size_t len, size_t *off, uint16_t *code, const uint8_t **data,
		   size_t *dlen, const char *where, struct errbuf *e);

/* Checks that m answers our exchange: an ADVERTISE or REPLY (-EPROTO
 * otherwise), our xid and client DUID (-ENOMSG: another client's, ignored
 * quietly), a server DUID (-EPROTO without one). */
int dhcp6_check_reply(const struct dhcp6_msg *m, uint32_t xid, const uint8_t *duid, size_t duid_len,
		      struct errbuf *e);

/* DUID-LL (RFC 8415 11.4) from an Ethernet MAC: type 3, hardware type 1,
 * the MAC; a server maps it back to the MAC.  Returns DHCP6_DUID_LL_LEN. */
size_t dhcp6_duid_ll(const uint8_t mac[6], uint8_t out[DHCP6_DUID_LL_LEN]);
/* The MAC inside a DUID-LL or DUID-LLT of hardware type 1; 0 or -ENOENT. */
int dhcp6_duid_mac(const uint8_t *duid, size_t len, uint8_t mac[6]);
/* "Solicit", "Reply", ...; "unknown" for other types. */
const char *dhcp6_type_name(int type);
/* "NoAddrsAvail", ...; "unknown" for other codes. */
const char *dhcp6_status_name(int code);
#endif
