/* The "no IPv6 router here" answer for booting firmware.  iPXE configures
 * IPv6 beside DHCPv4 and, on a network without IPv6 routers, waits for a
 * Router Advertisement through its retries (~15 s on every boot: its
 * "Configuring ......" line) before it fetches anything.  The server
 * answers a Router Solicitation from a MAC that is PXE-booting from it
 * right now (its last DHCP request naming a vendor class was firmware's,
 * PXEClient or HTTPClient, in the last 2 minutes; once our agent asks as
 * "netboot-agent" it is not answered any more)
 * with a unicast RA that carries nothing: router lifetime 0 (not a
 * default router), no prefixes, M and O clear, so iPXE's IPv6 set-up ends
 * at once and no other host is told anything.  Started with DHCP (or
 * proxy-DHCP), whatever the boot file (an iPXE ROM loading pxelinux waits
 * as long); a host without IPv6 just logs it.
 * With PXEBOOTSRV_RA (a link without a router, DHCPv6 from server/dhcp6.c)
 * it sends instead the managed RA (ra_build_managed: M and O set, router
 * lifetime 0, optionally an on-link prefix): to every RS, and unsolicited
 * to ff02::1 three times at start, then every 2 minutes. */
#ifndef SERVER_RA_H
#define SERVER_RA_H
#include <stddef.h>
#include <stdint.h>
#include "netboot/ra_wire.h"

#define ICMP6_ROUTER_SOLICIT 133
#define ICMP6_ROUTER_ADVERT 134
#define RA_ANSWER_WINDOW_MS 120000	/* how recent the client's PXE DHCP must be */

/* ra_rs_mac() and ra_build_empty(), the codec, are in netboot/ra_wire.h
 * beside the host side's RA parser: one ND codec. */
#endif
