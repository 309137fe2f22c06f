/* The steps of bringing an interface up, with no boot plan in them: list
 * the Ethernet interfaces, describe a configuration (from a DHCP lease or
 * from static values), apply it over rtnetlink, write resolv.conf and one
 * handover file per configured interface (format: docs/handover.md), with
 * its IPv6 side when it has one.
 * Each step logs one line "netboot: net: ...".  The policy that picks the
 * steps from the kernel command line lives a layer up, in /init's network
 * stage; `netboot dhcp` drives the same steps. */
#ifndef NETBOOT_NETUP_H
#define NETBOOT_NETUP_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "netboot/dhcp_client.h"
#include "netboot/errbuf.h"
#include "netboot/netmethod.h"
#include "netboot/rtnl.h"

#define NET_MAX_DNS 3	/* resolv.conf's MAXNS */

/* Where things are; the host tests point them into a temporary folder. */
struct net_paths {
	const char *sysfs_net;		/* "/sys/class/net" */
	const char *resolv_conf;	/* "/etc/resolv.conf"; NULL = do not write */
	const char *run_dir;		/* "/run/netboot": <run_dir>/<ifname>.conf; NULL = do not write */
	const char *sysfs_root;		/* "/sys": NICs get udev's predictable names; NULL = keep names */
	const char *manager_dir;	/* "/run": systemd-networkd and NetworkManager files for
					 * the booted system (netboot/nethandover.h); NULL = none */
};

/* One configured interface: what the handover file says.  Addresses in
 * network byte order, 0 = none; strings printable ASCII. */
struct net_ifconf {
	char ifname[16];
	enum net_method method;		/* NET_DHCP or NET_STATIC */
	uint8_t hwaddr[6];
	uint32_t addr;
	uint8_t prefix;
	uint32_t broadcast;
	uint32_t gateway;
	uint32_t dns[NET_MAX_DNS];	/* the given ones (dns=) first, then the lease's */
	int ndns;
	char domain[128];
	char hostname[64];
	uint32_t dhcp_server;
	uint32_t next_server;		/* siaddr */
	char bootfile[128];
	char tftp_server[64];		/* option 66 / sname */
	uint32_t lease_secs;		/* DHCP_LEASE_INFINITE; 0 for static */
	long long lease_obtained;	/* unix time; 0 for static */
	unsigned mtu;			/* the link's MTU after setup */
	/* IPv6 (has6 false = none).  method is NET_OFF when only IPv6 is
	 * configured on the interface (addr 0). */
	bool has6;
	char method6[8];		/* "dhcpv6", "slaac" or "static" */
	uint8_t addr6[16];
	uint8_t prefix6;
	uint8_t gateway6[16];		/* all zero = none (a router's link-local address) */
	uint8_t dns6[NET_MAX_DNS][16];
	int ndns6;
	uint32_t iaid6;			/* dhcpv6: the IA_NA's IAID, for the booted system's client */
};

struct net_iface {
	char name[16];
	char kernel_name[16];	/* as the driver named it, before any rename */
	uint8_t mac[6];
};
/* Ethernet interfaces (type 1, not lo) under sysfs_net, sorted eth2 <
 * eth10.  Returns how many (<= max) or a negative errno. */
int net_list_ifaces(const char *sysfs_net, struct net_iface *out, int max, struct errbuf *e);

/* Fills c from a lease; dns (n of them, e.g. the command line's) go first,
 * the lease's follow, duplicates dropped. */
void net_ifconf_from_lease(struct net_ifconf *c, const char *ifname, const uint8_t mac[6],
			   const struct dhcp_lease *l, const uint32_t *dns, int ndns);

/* Fills c for a static address: the broadcast from the prefix (none for
 * /31 and /32), dns (n of them) without duplicates, the hostname
 * sanitized (at most hostname_len bytes read). */
void net_ifconf_static(struct net_ifconf *c, const char *ifname, const uint8_t mac[6], uint32_t addr,
		       uint8_t prefix, uint32_t gateway, const uint32_t *dns, int ndns,
		       const char *hostname, size_t hostname_len);

/* The IPv6 side of c from a DHCPv6/SLAAC result (netboot/dhcp6_client.h):
 * dns (n, e.g. the command line's) first, then the result's; the domain
 * too when c has none. */
struct dhcp6_result;
void net_ifconf_add6(struct net_ifconf *c, const struct dhcp6_result *r, const uint8_t (*dns)[16], int ndns);
/* The IPv6 side of c for a static address. */
void net_ifconf_static6(struct net_ifconf *c, const uint8_t addr[16], uint8_t prefix, const uint8_t gw[16],
			const uint8_t (*dns)[16], int ndns);
/* A static IPv6 address and, when c->gateway6 is set, the IPv6 default
 * route, then waits (at most wait_ms) for DAD: 0 or a negative errno. */
int net_apply6(struct rtnl *nl, const struct net_ifconf *c, int wait_ms, FILE *log, struct errbuf *e);

/* Sets the MTU (when c->mtu differs from the link's), the address and the
 * default route (when c->gateway).  Only the address is fatal; the others
 * are logged.  Updates c->mtu to the link's MTU. */
int net_apply(struct rtnl *nl, struct net_ifconf *c, FILE *log, struct errbuf *e);
/* The same without the default route. */
int net_apply_addr(struct rtnl *nl, struct net_ifconf *c, FILE *log, struct errbuf *e);
/* The default route via c->gateway on c->ifname, on-link when the gateway
 * lies outside c's subnet.  Logs the outcome; returns 0 or a negative errno. */
int net_route_via(struct rtnl *nl, const struct net_ifconf *c, FILE *log);

/* The handover file (docs/handover.md) and resolv.conf.  The write
 * functions create the file under a temporary name and rename it. */
void net_format_handover(const struct net_ifconf *c, FILE *out);
int net_write_handover(const char *run_dir, const struct net_ifconf *c, struct errbuf *e);
void net_format_resolv(const struct net_ifconf *c, FILE *out);
int net_write_resolv(const char *path, const struct net_ifconf *c, struct errbuf *e);

/* mkdir_p (netboot/mkdir_p.h) with mode 0755 and the message in e; and a
 * file written under a temporary name and renamed, its text from fmt(c, f). */
int net_mkdir_p(const char *dir, struct errbuf *e);
int net_write_file(const char *path, void (*fmt)(const struct net_ifconf *, FILE *),
		   const struct net_ifconf *c, struct errbuf *e);

/* Copies src keeping only [A-Za-z0-9._:/@%+,=-], others become '_': safe
 * unquoted in a shell assignment. */
void net_shell_safe(char *dst, size_t cap, const char *src);
#endif
