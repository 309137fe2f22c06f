#include "netboot/ifname.h"
#include "netboot/read_file.h"
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* udev ignores firmware indexes outside 1..16383 (broken BIOS tables). */
#define ONBOARD_INDEX_MAX 16383

/* Reads an unsigned decimal from dir/file; -1 when absent or not a number. */
static long read_number(const char *dir, const char *file)
{
	char path[PATH_MAX], buf[32], *end;
	ssize_t n;
	if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path) ||
	    (n = read_file_up_to(path, buf, sizeof(buf) - 1)) <= 0)
		return -1;
	buf[n] = '\0';
	errno = 0;
	long v = strtol(buf, &end, 0);
	if (end == buf || errno || v < 0 || (*end && *end != '\n'))
		return -1;
	return v;
}

/* "dddd:bb:ss.f" as the kernel names PCI devices. */
static int parse_pci(const char *s, unsigned *dom, unsigned *bus, unsigned *slot, unsigned *fn)
{
	int used = 0;
	if (sscanf(s, "%4x:%2x:%2x.%1u%n", dom, bus, slot, fn, &used) != 4 || s[used] || used != 12)
		return -1;
	return 0;
}

/* Does another function of the same PCI slot exist beside pcidir? */
static int multifunction(const char *pcidir, const char *pciname)
{
	char parent[PATH_MAX];
	const char *slash = strrchr(pcidir, '/');
	DIR *d;
	struct dirent *de;
	int found = 0;
	if (!slash || (size_t)(slash - pcidir) >= sizeof(parent))
		return 0;
	memcpy(parent, pcidir, (size_t)(slash - pcidir));
	parent[slash - pcidir] = '\0';
	if (!(d = opendir(parent)))
		return 0;
	while ((de = readdir(d)))	/* same "dddd:bb:ss." prefix, another function */
		if (strlen(de->d_name) == 12 && !strncmp(de->d_name, pciname, 11) && strcmp(de->d_name, pciname))
			found = 1;
	closedir(d);
	return found;
}

/* The hotplug slot number whose address is "dddd:bb:ss", or -1. */
static long hotplug_slot(const char *sysfs_root, unsigned dom, unsigned bus, unsigned slot)
{
	char dir[PATH_MAX], want[16], got[32];
	DIR *d;
	struct dirent *de;
	long found = -1;
	if (snprintf(dir, sizeof(dir), "%s/bus/pci/slots", sysfs_root) >= (int)sizeof(dir))
		return -1;
	snprintf(want, sizeof(want), "%04x:%02x:%02x", dom, bus, slot);
	if (!(d = opendir(dir)))
		return -1;
	while (found < 0 && (de = readdir(d))) {
		char path[PATH_MAX], *end;
		ssize_t n;
		if (de->d_name[0] == '.' || snprintf(path, sizeof(path), "%s/%s/address", dir, de->d_name) >= (int)sizeof(path) ||
		    (n = read_file_up_to(path, got, sizeof(got) - 1)) < 0)
			continue;
		got[n] = '\0';
		got[strcspn(got, "\n")] = '\0';
		long num = strtol(de->d_name, &end, 10);
		if (!strcmp(got, want) && !*end && num > 0)
			found = num;
	}
	closedir(d);
	return found;
}

int ifname_predictable(const char *sysfs_root, const char *ifname, char out[16])
{
	char netdir[PATH_MAX], link[PATH_MAX], dev[PATH_MAX], pcidir[PATH_MAX], suffix[32] = "", prefix[16] = "";
	unsigned dom, bus, slot, fn;
	const char *pciname = NULL;
	int n;

	if (snprintf(netdir, sizeof(netdir), "%s/class/net/%s", sysfs_root, ifname) >= (int)sizeof(netdir))
		return -ENAMETOOLONG;
	if (read_number(netdir, "name_assign_type") == 2)	/* NET_NAME_PREDICTABLE: udev keeps it */
		return -ENOENT;
	if (snprintf(link, sizeof(link), "%s/device", netdir) >= (int)sizeof(link) || !realpath(link, dev))
		return -ENOENT;
	/* the nearest PCI device above the netdev, through virtio only:
	 * behind USB, vmbus or xen udev names it otherwise */
	for (char *p = dev + strlen(dev); p > dev;) {
		char *slash = p;
		while (slash > dev && *slash != '/')
			slash--;
		const char *comp = slash + 1;
		if (parse_pci(comp, &dom, &bus, &slot, &fn) == 0) {
			pciname = comp;
			*p = '\0';
			break;
		}
		if (strncmp(comp, "virtio", 6))
			return -ENOENT;
		*slash = '\0';
		p = slash;
	}
	if (!pciname)
		return -ENOENT;
	memcpy(pcidir, dev, strlen(dev) + 1);
	if (dom)
		snprintf(prefix, sizeof(prefix), "P%u", dom);
	long dev_port = read_number(netdir, "dev_port");
	if (dev_port > 0)
		snprintf(suffix, sizeof(suffix), "d%ld", dev_port);

	long onboard = read_number(pcidir, "acpi_index");
	if (onboard <= 0)
		onboard = read_number(pcidir, "index");
	if (onboard > 0 && onboard <= ONBOARD_INDEX_MAX) {
		n = snprintf(out, 16, "eno%ld%s", onboard, suffix);
		return n < 16 ? 0 : -ENAMETOOLONG;
	}
	char func[8] = "";
	if (fn || multifunction(pcidir, pciname))
		snprintf(func, sizeof(func), "f%u", fn);
	long hp = hotplug_slot(sysfs_root, dom, bus, slot);
	if (hp > 0)
		n = snprintf(out, 16, "%sens%ld%s%s", prefix, hp, func, suffix);
	else
		n = snprintf(out, 16, "%senp%us%u%s%s", prefix, bus, slot, func, suffix);
	return n < 16 ? 0 : -ENAMETOOLONG;
}
