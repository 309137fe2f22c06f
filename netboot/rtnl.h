/* Link, address and route setup over rtnetlink (NETLINK_ROUTE), so /init
 * needs no ip(8).  Every change asks for an ACK and returns the kernel's
 * errno from NLMSG_ERROR, e.g. -EEXIST, -ENODEV, -ENETUNREACH.
 * Addresses are in network byte order. */
#ifndef NETBOOT_RTNL_H
#define NETBOOT_RTNL_H
#include <stdbool.h>
#include <stdint.h>
#include "netboot/errbuf.h"

struct rtnl {
	int fd;			/* -1 when closed */
	uint32_t seq;
};

struct rtnl_link {
	int ifindex;
	char name[16];
	unsigned flags;		/* IFF_*: IFF_UP, IFF_RUNNING, IFF_LOWER_UP (carrier) */
	unsigned type;		/* ARPHRD_*: 1 = Ethernet */
	unsigned mtu;
	uint8_t mac[6];
	bool tx_queue;		/* a real qdisc is attached (IFLA_QDISC other than "noop"): sends go out */
};

#define RTNL_IFF_UP 0x1u
#define RTNL_IFF_RUNNING 0x40u
#define RTNL_IFF_LOWER_UP 0x10000u	/* glibc's <net/if.h> lacks it */

int rtnl_open(struct rtnl *nl, struct errbuf *e);
void rtnl_close(struct rtnl *nl);

/* Looks a link up by index (ifindex > 0) or else by name.  -ENODEV when
 * there is no such link. */
int rtnl_link_get(struct rtnl *nl, int ifindex, const char *name, struct rtnl_link *out,
		  struct errbuf *e);
/* Carrier: IFF_LOWER_UP comes straight from the driver (and goes at once
 * when a cable is pulled). */
static inline bool rtnl_has_lower_up(const struct rtnl_link *l)
{
	return (l->flags & RTNL_IFF_UP) && (l->flags & RTNL_IFF_LOWER_UP);
}

/* Carrier, and ready to send: a packet goes out only once the kernel has
 * attached the transmit queue (dev_activate); before, the "noop" qdisc drops
 * it silently.  When carrier arrives after link up (e1000), the link watcher
 * attaches the queue and sets IFF_RUNNING (operstate up) together, at once. */
static inline bool rtnl_has_carrier(const struct rtnl_link *l)
{
	return rtnl_has_lower_up(l) && (l->flags & RTNL_IFF_RUNNING);
}

/* The same, for the first look right after this program set the link up:
 * carrier already there at link up means the queue was attached during it
 * (dev_open), so sends go out now; IFF_RUNNING follows only when the link
 * watcher next runs, which it does at most once a second (virtio-net under
 * QEMU: IFF_LOWER_UP and the queue at link up, IFF_RUNNING 1.0 s later).
 * The one miss: carrier arriving in the milliseconds between the two; the
 * DHCP retransmission covers it. */
static inline bool rtnl_ready_at_link_up(const struct rtnl_link *l)
{
	return rtnl_has_carrier(l) || (rtnl_has_lower_up(l) && l->tx_queue);
}

/* Sets IFF_UP. */
int rtnl_link_up(struct rtnl *nl, int ifindex, struct errbuf *e);
/* Sets the MTU (the driver may refuse: -EINVAL). */
int rtnl_link_mtu(struct rtnl *nl, int ifindex, unsigned mtu, struct errbuf *e);
/* Renames a link, which must be down (-EBUSY otherwise). */
int rtnl_link_rename(struct rtnl *nl, int ifindex, const char *name, struct errbuf *e);

/* Adds addr/prefix with a broadcast address (0 = none), replacing the
 * same address if present, so a second run is harmless. */
int rtnl_addr_add(struct rtnl *nl, int ifindex, uint32_t addr, unsigned prefix, uint32_t brd,
		  struct errbuf *e);
/* Sets the default route via gw on ifindex, replacing an existing default
 * route of the main table.  onlink: gw is outside the interface's subnets
 * (e.g. a /32 lease), so the kernel must not look for a route to it. */
int rtnl_route_default(struct rtnl *nl, int ifindex, uint32_t gw, bool onlink, struct errbuf *e);

/* --- IPv6 (the DHCPv6/SLAAC client) --- */

/* One IPv6 address of a link, as RTM_GETADDR reports it. */
struct rtnl_addr6 {
	uint8_t addr[16];
	uint8_t prefix;
	uint8_t scope;		/* RT_SCOPE_LINK (253) for fe80::/10, 0 global */
	uint32_t flags;		/* IFA_F_*: TENTATIVE 0x40, DADFAILED 0x08 */
};
#define RTNL_IFA_F_OPTIMISTIC 0x04u
#define RTNL_IFA_F_DADFAILED 0x08u
#define RTNL_IFA_F_TENTATIVE 0x40u
#define RTNL_SCOPE_LINK 253u	/* RT_SCOPE_LINK */

/* The IPv6 addresses of ifindex (at most max): how many, or a negative
 * errno. */
int rtnl_addr6_list(struct rtnl *nl, int ifindex, struct rtnl_addr6 *out, int max, struct errbuf *e);
/* Adds addr/prefix (replacing the same address: a second run is
 * harmless), permanent (no lifetimes: the booted system's manager takes
 * over); the kernel runs DAD on it. */
int rtnl_addr6_add(struct rtnl *nl, int ifindex, const uint8_t addr[16], unsigned prefix, struct errbuf *e);
/* Removes addr/prefix from ifindex (an address that failed DAD). */
int rtnl_addr6_del(struct rtnl *nl, int ifindex, const uint8_t addr[16], unsigned prefix, struct errbuf *e);
/* The IPv6 default route via gw (a router's link-local address) on
 * ifindex, replacing one of the main table. */
int rtnl_route6_default(struct rtnl *nl, int ifindex, const uint8_t gw[16], struct errbuf *e);
#endif
