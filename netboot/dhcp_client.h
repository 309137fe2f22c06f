/* DHCPv4 client for boot: DISCOVER -> OFFER -> REQUEST -> ACK on several
 * interfaces at once in one poll loop, over AF_PACKET sockets because the
 * interfaces have no address yet.
 *   - an interface transmits only while it has carrier; one that never gets
 *     carrier within carrier_wait_ms is left out, the others start as soon
 *     as their own carrier appears;
 *   - retransmits after 1-2 s (we are at boot), then 4, 8, 16, 16 ... s
 *     with +-1 s of jitter (RFC 2131 4.1, capped lower than its 64 s so a
 *     server that comes back is found quickly);
 *   - NAK restarts the interface with a new xid; an OFFER whose REQUEST
 *     gets no answer after 3 tries does too;
 *   - the first ACK wins, but when BOOTIF names another interface that is
 *     still trying, it gets bootif_grace_ms more to answer.
 * The caller brings the links up; the client only reads their state. */
#ifndef NETBOOT_DHCP_CLIENT_H
#define NETBOOT_DHCP_CLIENT_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "netboot/dhcp_wire.h"
#include "netboot/errbuf.h"
#include "netboot/ipv4.h"

#define DHCP_MAX_IFACES 16
#define DHCP_MAX_DNS 3
#define DHCP_TIMEOUT_MS 30000
#define DHCP_CARRIER_WAIT_MS 5000
#define DHCP_BOOTIF_GRACE_MS 1500
#define DHCP_RETX_CAP_MS 16000
#define DHCP_REQUEST_TRIES 3
#define DHCP_LEASE_INFINITE 0xffffffffu

/* What an ACK gave us.  Addresses in network byte order, 0 = not given.
 * Strings are printable ASCII (nb_sanitize), not yet shell-safe. */
struct dhcp_lease {
	uint32_t addr;
	uint32_t mask;
	uint8_t prefix;
	uint32_t broadcast;	/* option 28, else addr | ~mask */
	uint32_t router;	/* the first of option 3 */
	uint32_t dns[DHCP_MAX_DNS];
	int ndns;
	uint32_t server_id;	/* option 54, else the reply's source address */
	uint32_t siaddr;	/* next-server */
	uint32_t lease_secs;	/* DHCP_LEASE_INFINITE; 0 = not given */
	uint16_t mtu;		/* 0 = not given or below 576 (ignored) */
	char hostname[64];
	char domain[128];	/* the first name of option 15 */
	char bootfile[128];	/* option 67, else the file field */
	char tftp_server[64];	/* option 66, else the sname field */
};

struct dhcp_client_cfg {
	const uint8_t *bootif;	/* MAC of the interface that PXE booted, or NULL */
	const char *hostname;	/* sent as option 12 when non-empty */
	int timeout_ms;		/* whole acquisition; 0 = DHCP_TIMEOUT_MS */
	int carrier_wait_ms;	/* 0 = DHCP_CARRIER_WAIT_MS */
	int bootif_grace_ms;	/* 0 = DHCP_BOOTIF_GRACE_MS, < 0 = none */
	int stop_fd;		/* > 0: once readable (an eventfd written by another
				 * thread), the call ends with -ECANCELED; 0 = none */
};

struct dhcp_result {
	int index;		/* which of names[] won */
	int ifindex;
	uint8_t mac[6];
	unsigned mtu;		/* the link's MTU before the lease */
	struct dhcp_lease lease;
	long elapsed_ms;	/* from the call to the winning ACK */
};

/* Runs the client on names[0..n-1] (n <= DHCP_MAX_IFACES) until a lease is
 * chosen or the time is up.  Each step is one line on log (NULL = quiet),
 * "netboot: net: eth0: ...".  Returns 0, or -ETIMEDOUT / -ENODEV / the
 * socket's errno with e naming every interface and why it failed, e.g.
 * "no DHCP lease on eth0, eth1 after 30 s (eth0: 5 DISCOVERs, no offer;
 * eth1: no carrier)". */
int dhcp_acquire(const char *const *names, int n, const struct dhcp_client_cfg *cfg,
		 struct dhcp_result *res, FILE *log, struct errbuf *e);

/* --- the raw socket, shared with `netboot check` --- */

/* An AF_PACKET socket for IPv4 on one interface (non-blocking), filtered to
 * UDP port 68; a negative errno with e set. */
int dhcp_packet_open(int ifindex, struct errbuf *e);
/* Broadcasts m from 0.0.0.0:68 to 255.255.255.255:67 on ifindex. */
int dhcp_packet_send(int fd, int ifindex, const struct dhcp_msg *m, struct errbuf *e);
/* Takes one queued packet: 1 with *m and *src (IP source, network order)
 * set, 0 when none is queued, -EPROTO for a malformed one (e says why).
 * Our own transmissions are skipped; *m is not checked against an xid. */
int dhcp_packet_recv(int fd, struct dhcp_msg *m, uint32_t *src, struct errbuf *e);

/* --- pure helpers, exposed for the unit tests --- */

/* A DISCOVER as PXE firmware sends it: broadcast flag, options 57, 55, 93
 * (arch), 94, 97 (type 0 + uuid), 60 "PXEClient:Arch:0000N:UNDI:003016". */
void dhcp_build_pxe_discover(struct dhcp_msg *m, uint32_t xid, const uint8_t mac[6], uint16_t arch,
			     const uint8_t uuid[16]);

/* The delay before transmission number attempt+1, given one random word. */
int dhcp_retx_delay_ms(int attempt, uint32_t rnd);

/* Builds a DISCOVER (req_ip and server_id 0) or a REQUEST in SELECTING
 * state (both set): broadcast flag, client id 01+MAC, parameter request
 * list, maximum size, optional hostname. */
void dhcp_build_request(struct dhcp_msg *m, uint8_t type, uint32_t xid, const uint8_t mac[6],
			uint16_t secs, uint32_t req_ip, uint32_t server_id, const char *hostname,
			uint16_t max_size);

/* Reads a lease out of an ACK (or OFFER).  src is the reply's IP source
 * address, used when option 54 is absent.  Rejects a missing or unusable
 * yiaddr and a non-contiguous mask (-EPROTO); ignores malformed optional
 * options; without option 1 uses the classful mask. */
int dhcp_lease_from_msg(const struct dhcp_msg *m, uint32_t src, struct dhcp_lease *l, struct errbuf *e);

#endif
