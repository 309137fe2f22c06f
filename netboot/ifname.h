/* Predictable interface names, as udev's net_id builtin with Debian's
 * 99-default.link (NamePolicy=keep kernel database onboard slot path)
 * would give them: /init names the NICs before it brings them up, because
 * udev cannot rename a link that is up and then never finishes the device
 * (systemd-networkd waits on it forever).  The booted system also gets a
 * .link file pinning the name by MAC (netboot/nethandover.c), so udev and
 * we never disagree even where this guess differs from its naming scheme. */
#ifndef NETBOOT_IFNAME_H
#define NETBOOT_IFNAME_H
#include <stddef.h>

/* The predictable name of ifname under sysfs_root ("/sys"; tests point it
 * at a fake tree) into out: eno<N> (firmware index), ens<N> (hotplug
 * slot), enp<bus>s<slot> (PCI path), with f<func> for multi-function
 * devices and d<dev_port>, P<domain> for PCI domains other than 0.
 * Returns 0, or -ENOENT when udev would keep the kernel's name or this
 * code cannot tell (USB, vmbus, xen: not on a plain PCI path), or
 * -ENAMETOOLONG. */
int ifname_predictable(const char *sysfs_root, const char *ifname, char out[16]);
#endif
