/* How an interface gets its address.  A configured interface is NET_DHCP
 * or NET_STATIC (struct net_ifconf, the handover file's METHOD=); the boot
 * plan of the layer above (the command line parser) also says NET_UNSET
 * and NET_OFF. */
#ifndef NETBOOT_NETMETHOD_H
#define NETBOOT_NETMETHOD_H

enum net_method {
	NET_UNSET,	/* nothing said: DHCP if a network source is given */
	NET_DHCP,
	NET_STATIC,
	NET_OFF,
};
#endif
