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
/* Carrier, and ready to send: IFF_LOWER_UP comes straight from the driver,
 * IFF_RUNNING (operstate up) only once the kernel's link watcher has also
 * attached the transmit queue; a packet sent in between is dropped. */
static inline bool rtnl_has_carrier(const struct rtnl_link *l)
{
	return (l->flags & RTNL_IFF_UP) && (l->flags & RTNL_IFF_LOWER_UP) && (l->flags & RTNL_IFF_RUNNING);
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
#endif
