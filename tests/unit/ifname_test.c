/* Predictable names over a fake sysfs tree: the PCI layouts of QEMU's
 * i440fx (hotplug slots), onboard NICs, multi-function and multi-port
 * cards, a second PCI domain, and the USB and kernel-named cases where
 * the kernel's name is kept. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "netboot/ifname.h"
#include "tests/unit/check.h"

static char root[64];

static void mkdirs(const char *rel)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = 0;
			mkdir(p, 0755);
			*s = '/';
		}
	mkdir(p, 0755);
}

static void put(const char *rel, const char *text)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	FILE *f = fopen(p, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* A netdev ifname whose device is devpath (under devices/). */
static void netdev(const char *ifname, const char *devpath)
{
	char net[256], link[512], target[512];
	snprintf(net, sizeof(net), "class/net/%s", ifname);
	mkdirs(net);
	mkdirs(devpath);
	snprintf(link, sizeof(link), "%s/%s/device", root, net);
	snprintf(target, sizeof(target), "%s/%s", root, devpath);
	symlink(target, link);
}

static const char *name_of(const char *ifname, int *rc)
{
	static char out[16];
	out[0] = 0;
	*rc = ifname_predictable(root, ifname, out);
	return out;
}

int main(void)
{
	int rc;
	snprintf(root, sizeof(root), "/tmp/ifname_test.XXXXXX");
	if (!mkdtemp(root))
		return 1;

	/* QEMU i440fx: virtio-net at 00:03.0, the ACPI hotplug slot 3 */
	netdev("eth0", "devices/pci0000:00/0000:00:03.0/virtio0");
	mkdirs("bus/pci/slots/3");
	put("bus/pci/slots/3/address", "0000:00:03\n");
	CHECK_STR("virtio-net in hotplug slot 3 is ens3", name_of("eth0", &rc), "ens3");
	CHECK("ens3: rc 0", rc == 0);

	/* e1000 at 00:04.0 without a slot: the PCI path */
	netdev("eth1", "devices/pci0000:00/0000:00:04.0");
	CHECK_STR("no slot: enp0s4", name_of("eth1", &rc), "enp0s4");

	/* the firmware's index wins over slot and path */
	netdev("eth2", "devices/pci0000:00/0000:00:19.0");
	put("devices/pci0000:00/0000:00:19.0/acpi_index", "1\n");
	CHECK_STR("acpi_index 1 is eno1", name_of("eth2", &rc), "eno1");
	netdev("eth3", "devices/pci0000:00/0000:00:1a.0");
	put("devices/pci0000:00/0000:00:1a.0/index", "2\n");
	CHECK_STR("SMBIOS index 2 is eno2", name_of("eth3", &rc), "eno2");
	netdev("eth4", "devices/pci0000:00/0000:00:1b.0");
	put("devices/pci0000:00/0000:00:1b.0/acpi_index", "70000\n");
	CHECK_STR("an index over 16383 is ignored", name_of("eth4", &rc), "enp0s27");

	/* a two-function card: f<func> on both */
	netdev("eth5", "devices/pci0000:00/0000:00:1c.0/0000:02:00.0");
	netdev("eth6", "devices/pci0000:00/0000:00:1c.0/0000:02:00.1");
	CHECK_STR("function 0 of two: enp2s0f0", name_of("eth5", &rc), "enp2s0f0");
	CHECK_STR("function 1 of two: enp2s0f1", name_of("eth6", &rc), "enp2s0f1");

	/* two ports on one function: d<dev_port> */
	netdev("eth7", "devices/pci0000:00/0000:00:1d.0/0000:03:00.0");
	put("class/net/eth7/dev_port", "1\n");
	CHECK_STR("dev_port 1: enp3s0d1", name_of("eth7", &rc), "enp3s0d1");

	/* a second PCI domain */
	netdev("eth8", "devices/pci0001:3a/0001:3a:00.0/0001:3b:00.0");
	CHECK_STR("domain 1: P1enp59s0", name_of("eth8", &rc), "P1enp59s0");

	/* USB NIC: udev names it by its USB path; we keep eth9 */
	netdev("eth9", "devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0");
	name_of("eth9", &rc);
	CHECK("USB NIC: kernel name kept (-ENOENT)", rc == -ENOENT);

	/* the kernel already named it predictably */
	netdev("eth10", "devices/pci0000:00/0000:00:06.0");
	put("class/net/eth10/name_assign_type", "2\n");
	name_of("eth10", &rc);
	CHECK("NET_NAME_PREDICTABLE: kernel name kept", rc == -ENOENT);

	/* no device at all (a virtual interface) */
	mkdirs("class/net/dummy0");
	name_of("dummy0", &rc);
	CHECK("no device link: -ENOENT", rc == -ENOENT);

	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	if (system(cmd) != 0)
		return 1;
	return CHECK_DONE();
}
