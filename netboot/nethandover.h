/* What the booted system's network manager reads to take over an
 * interface /init configured, without a new address or a link blip (the
 * root may be on NBD or NFS over it).  Written under a "run" folder (/run
 * in /init: switch_root moves it into the booted system):
 *
 *   systemd/network/10-netboot-<if>.link     udev: keep this name (matched by
 *                                            permanent MAC), so udev finishes the
 *                                            device instead of failing a rename
 *   systemd/network/10-netboot-<if>.network  networkd: the same method, the client
 *                                            identifier /init sent (01:MAC, so the
 *                                            same lease), KeepConfiguration=yes
 *   NetworkManager/system-connections/netboot-<if>.nmconnection   (mode 0600)
 *   NetworkManager/devices/<ifindex>         NM's initrd state: managed, with that
 *                                            connection, so NM assumes the device
 *                                            instead of calling it "external"
 *
 * ifupdown needs nothing: its dhclient sends no client identifier, so the
 * server answers from the lease it keyed by MAC, and dhclient-script keeps
 * an address that does not change.  See docs/handover.md. */
#ifndef NETBOOT_NETHANDOVER_H
#define NETBOOT_NETHANDOVER_H
#include <stdio.h>
#include "netboot/errbuf.h"
#include "netboot/netup.h"

void nethandover_format_link(const struct net_ifconf *c, FILE *out);
void nethandover_format_networkd(const struct net_ifconf *c, FILE *out);
void nethandover_format_nm(const struct net_ifconf *c, FILE *out);
/* NetworkManager's connection UUID for c: fixed by the MAC, so a reboot
 * or a second write gives the same one. */
void nethandover_nm_uuid(const struct net_ifconf *c, char out[37]);

/* Writes all four files under run_dir; ifindex names NM's device file.
 * Returns 0 or a negative errno with e naming the file. */
int nethandover_write(const char *run_dir, const struct net_ifconf *c, int ifindex, struct errbuf *e);
#endif
