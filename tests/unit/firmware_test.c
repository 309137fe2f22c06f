/* init/modules.c: the console line naming firmware a driver asked for and
 * did not find, from kernel log records as /dev/kmsg gives them.  init/ is
 * linked only into /init, so the module is included; say() is captured. */
#include <stdarg.h>
#include <stdlib.h>
#include "init/modules.c"
#include "tests/unit/check.h"

static char said[4096];
static int says;

void say(const char *stage, const char *fmt, ...)
{
	va_list ap;
	size_t used = strlen(said);
	used += (size_t)snprintf(said + used, sizeof(said) - used, "netboot: %s: ", stage);
	va_start(ap, fmt);
	if (used < sizeof(said))
		used += (size_t)vsnprintf(said + used, sizeof(said) - used, fmt, ap);
	va_end(ap);
	if (used + 1 < sizeof(said))
		strcat(said, "\n");
	says++;
}

double seconds_since(uint64_t t0_ns)
{
	return (double)(monotonic_ns() - t0_ns) / 1e9;
}

static int report(const char *log)
{
	char path[] = "/tmp/netboot-fw-test.XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0 || write(fd, log, strlen(log)) != (ssize_t)strlen(log))
		return -1;
	close(fd);
	said[0] = 0;
	says = 0;
	int n = firmware_report_from(path);
	unlink(path);
	return n;
}

int main(void)
{
	int n = report("6,812,2313813,-;r8169 0000:00:03.0: Direct firmware load for rtl_nic/rtl8168h-2.fw failed with error -2\n"
		       " SUBSYSTEM=pci\n DEVICE=+pci:0000:00:03.0\n"
		       "3,813,2313900,-;r8169 0000:00:03.0: Unable to load firmware rtl_nic/rtl8168h-2.fw (-2)\n"
		       "6,814,2400000,-;usb 1-1: new full-speed USB device number 2 using xhci_hcd\n");
	CHECK("r8169: one missing file found", n == 1);
	CHECK_STR("r8169: the console line names driver, device, file and the fix", said,
		  "netboot: modules: firmware: r8169 (0000:00:03.0) asked for rtl_nic/rtl8168h-2.fw, which is not in the initramfs: "
		  "rebuild it with make initramfs FIRMWARE=/lib/firmware (on a system with the firmware installed, e.g. Debian's "
		  "firmware-* packages from non-free-firmware)\n");

	n = report("4,900,100,-;bnx2x 0000:01:00.0: Direct firmware load for bnx2x/bnx2x-e2-7.13.21.0.fw failed with error -2\n"
		   "4,901,101,-;bnx2x 0000:01:00.1: Direct firmware load for bnx2x/bnx2x-e2-7.13.21.0.fw failed with error -2\n"
		   "4,902,102,-;ice 0000:02:00.0: Direct firmware load for intel/ice/ddp/ice.pkg failed with error -2\n");
	CHECK("two ports asking for one file, another driver: two lines", n == 2 && says == 2);
	CHECK("the second driver named", strstr(said, "firmware: ice (0000:02:00.0) asked for intel/ice/ddp/ice.pkg,") != NULL);

	n = report("4,1,1,-;Direct firmware load for regulatory.db failed with error -2\n");
	CHECK("no device prefix: 'a driver'", n == 1 && strstr(said, "firmware: a driver asked for regulatory.db,") != NULL);

	n = report("4,1,1,-;platform: Direct firmware load for x/y.bin failed with error -2\n");
	CHECK("a name without a device", n == 1 && strstr(said, "firmware: platform asked for x/y.bin,") != NULL);

	n = report("6,1,1,-;e1000e 0000:00:02.0 eth0: Intel(R) PRO/1000 Network Connection\n"
		   "6,2,2,-;Direct firmware load for\n"
		   "garbage without a semicolon Direct firmware load for x failed\n");
	CHECK("nothing to report: silent", n == 0 && said[0] == 0);
	CHECK("no kernel log: 0, silent", firmware_report_from("/nonexistent/kmsg") == 0 && said[0] == 0);
	return CHECK_DONE();
}
