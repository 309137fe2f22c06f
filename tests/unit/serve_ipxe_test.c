/* server/ipxe.c: what each kind of DHCP client is told to boot (iPXE,
 * UEFI HTTP boot, plain PXE with and without --ipxe, other clients), the
 * generated boot.ipxe, and files.c serving it (per mirror map) and the
 * iPXE loaders; the flags and the pxebootsrv key. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "server/config.h"
#include "server/files.h"
#include "server/ipxe.h"
#include "server/pxebootsrv.h"
#include "server/ra.h"
#include "tests/unit/check.h"

enum kind { PXE, IPXE_77, IPXE_175, HTTP, PLAIN };

/* A request as the firmware sends it, parsed back as the server sees it. */
static void request(struct dhcp_msg *out, enum kind k, int arch)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };
	struct dhcp_msg m;
	uint8_t buf[DHCP_MSG_MAX], a[2] = { (uint8_t)(arch >> 8), (uint8_t)arch };
	char vendor[64];
	struct errbuf e;

	dhcp_msg_init(&m, DHCP_BOOTREQUEST, DHCPDISCOVER, 42, mac);
	snprintf(vendor, sizeof(vendor), "%s:Arch:%05d:UNDI:003016", k == HTTP ? "HTTPClient" : "PXEClient", arch);
	if (k != PLAIN) {
		dhcp_opt_add(&m, DHCP_OPT_VENDOR_CLASS, vendor, strlen(vendor));
		dhcp_opt_add(&m, DHCP_OPT_CLIENT_ARCH, a, 2);
	}
	if (k == IPXE_77)
		dhcp_opt_add(&m, 77, "iPXE", 4);
	if (k == IPXE_175)
		dhcp_opt_add(&m, 175, "\x13\x01\x01", 3);
	int len = dhcp_encode(&m, buf, sizeof(buf), &e);
	if (len < 0 || dhcp_parse(buf, (size_t)len, out, &e) < 0)
		printf("FAIL: request: %s\n", e.msg);
}

static void offer(struct serve_config *c, enum kind k, int arch, struct boot_offer *o)
{
	struct dhcp_msg m;
	request(&m, k, arch);
	boot_offer_for(&m, c, htonl(0xc0000201), o);	/* 192.0.2.1 */
}

static void test_decision(void)
{
	struct serve_config c;
	struct boot_offer o;
	serve_config_defaults(&c);

	offer(&c, IPXE_77, 0, &o);
	CHECK_STR("iPXE (option 77), BIOS: the script's URL", o.file, "http://192.0.2.1/boot.ipxe");
	CHECK_STR("iPXE: option 60 PXEClient echoed", o.vendor_class, "PXEClient");
	offer(&c, IPXE_175, 7, &o);
	CHECK_STR("iPXE (option 175 only), UEFI: the script's URL", o.file, "http://192.0.2.1/boot.ipxe");
	c.http_port = 8080;
	offer(&c, IPXE_77, 0, &o);
	CHECK_STR("iPXE: the HTTP port in the URL", o.file, "http://192.0.2.1:8080/boot.ipxe");
	c.http_port = 80;

	offer(&c, HTTP, 16, &o);
	CHECK_STR("HTTPClient x64: iPXE's URL", o.file, "http://192.0.2.1/snponly.efi");
	CHECK_STR("HTTPClient: option 60 HTTPClient", o.vendor_class, "HTTPClient");
	CHECK("HTTPClient: kind", o.kind == BOOT_CLIENT_HTTP);
	offer(&c, HTTP, 19, &o);
	CHECK("HTTPClient arm64: nothing (no iPXE for it)", o.file[0] == '\0' && strstr(o.how, "architecture"));

	offer(&c, PXE, 0, &o);
	CHECK_STR("PXE BIOS without --ipxe: pxelinux.0", o.file, "pxelinux.0");
	offer(&c, PXE, 7, &o);
	CHECK_STR("PXE UEFI without --ipxe: syslinux.efi", o.file, "syslinux.efi");
	offer(&c, PLAIN, 0, &o);
	CHECK("a plain DHCP client: pxelinux.0, no option 60", !strcmp(o.file, "pxelinux.0") && !o.vendor_class);

	c.ipxe = IPXE_CHAIN;
	offer(&c, PXE, 0, &o);
	CHECK_STR("PXE BIOS with --ipxe: undionly.kpxe", o.file, "undionly.kpxe");
	offer(&c, PXE, 7, &o);
	CHECK_STR("PXE UEFI (arch 7) with --ipxe: snponly.efi", o.file, "snponly.efi");
	offer(&c, PXE, 9, &o);
	CHECK_STR("PXE UEFI (arch 9) with --ipxe: snponly.efi", o.file, "snponly.efi");
	offer(&c, PXE, 6, &o);
	CHECK_STR("PXE UEFI ia32 with --ipxe: syslinux (no iPXE for it)", o.file, "syslinux-ia32.efi");
	offer(&c, IPXE_77, 0, &o);
	CHECK_STR("--ipxe: the chained iPXE then gets the script", o.file, "http://192.0.2.1/boot.ipxe");

	c.do_http = false;
	offer(&c, PXE, 0, &o);
	CHECK_STR("--ipxe with HTTP off: pxelinux", o.file, "pxelinux.0");
	offer(&c, IPXE_77, 0, &o);
	CHECK_STR("iPXE with HTTP off: pxelinux over TFTP", o.file, "pxelinux.0");
	offer(&c, HTTP, 16, &o);
	CHECK("HTTPClient with HTTP off: nothing, said why", o.file[0] == '\0' && strstr(o.how, "HTTP service"));

	c.do_http = true;
	c.ipxe = IPXE_OFF;
	offer(&c, IPXE_77, 0, &o);
	CHECK_STR("--no-ipxe: iPXE gets pxelinux.0", o.file, "pxelinux.0");
}

static void test_script(void)
{
	struct serve_config c;
	static struct boot_entry e[IMAGE_TRANSPORTS];
	struct boot_images imgs = { .n = 1 };
	char buf[16384];
	serve_config_defaults(&c);
	c.local_ip = htonl(0xc0000201);
	c.do_nbd = true;
	snprintf(c.kernel, sizeof(c.kernel), "vmlinuz");
	snprintf(c.extra, sizeof(c.extra), "console=ttyS0,115200");

	snprintf(imgs.img[0].kernel, sizeof(imgs.img[0].kernel), "vmlinuz");
	snprintf(imgs.img[0].initrd, sizeof(imgs.img[0].initrd), "initram.igz");
	snprintf(imgs.img[0].image, sizeof(imgs.img[0].image), "sysrcd.dat");
	imgs.img[0].has_image = true;
	int n = boot_entries(&c, &imgs, NULL, NULL, NULL, e, IMAGE_TRANSPORTS);
	CHECK("entries: http (default), tftp, nbd", n == 3 && !strcmp(e[0].label, "netboot-http") &&
	      !strcmp(e[1].label, "netboot-tftp") && !strcmp(e[2].label, "netboot-nbd"));
	CHECK_STR("entry append line: the pxelinux menu's", e[0].append,
		  "netboot=http://192.0.2.1/sysrcd.dat console=ttyS0,115200");
	int len = ipxe_script(e, n, 0, buf, sizeof(buf));
	CHECK("script: #!ipxe first", len > 0 && !strncmp(buf, "#!ipxe\n", 7));
	CHECK("timeout 0: straight to the default, no menu", strstr(buf, "\ngoto netboot-http\n") && !strstr(buf, "choose"));
	CHECK("kernel line: initrd= and BOOTIF as IPAPPEND 2",
	      strstr(buf, "\n:netboot-http\nkernel vmlinuz initrd=initram.igz netboot=http://192.0.2.1/sysrcd.dat "
			  "console=ttyS0,115200 BOOTIF=01-${netX/mac:hexhyp} || goto failed\ninitrd initram.igz"));
	CHECK("the nbd entry", strstr(buf, ":netboot-nbd\nkernel vmlinuz initrd=initram.igz netboot=nbd://192.0.2.1:10809/"));
	len = ipxe_script(e, n, 5, buf, sizeof(buf));
	CHECK("timeout 5: a menu with every entry, default first, 5000 ms",
	      len > 0 && strstr(buf, "menu netboot\nitem netboot-http netboot: stage 3 over http\nitem netboot-tftp") &&
	      strstr(buf, "choose --default netboot-http --timeout 5000 target || goto netboot-http\ngoto ${target}\n"));
	CHECK("a failed load ends in the shell, said why", strstr(buf, ":failed\necho ") && strstr(buf, "\nshell\n"));
	CHECK("too small a buffer: -ENOSPC", ipxe_script(e, n, 5, buf, 100) == -ENOSPC);
	CHECK("no entries: -EINVAL", ipxe_script(e, 0, 5, buf, sizeof(buf)) == -EINVAL);
}

static int read_from(struct boot_files *f, const char *path, uint32_t ip, const char *self, char *buf, size_t cap)
{
	struct errbuf e;
	uint64_t size;
	int fd = boot_files_open_from(f, path, ip, self, &size, &e);
	if (fd < 0)
		return fd;
	ssize_t r = pread(fd, buf, cap - 1, 0);
	buf[r > 0 ? r : 0] = '\0';
	close(fd);
	return 0;
}

static int read_path(struct boot_files *f, const char *path, uint32_t ip, char *buf, size_t cap)
{
	return read_from(f, path, ip, NULL, buf, cap);
}

static void put(const char *dir, const char *name, const char *text)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *fp = fopen(p, "w");
	if (fp) {
		fputs(text, fp);
		fclose(fp);
	}
}

static void test_files(void)
{
	char dir[] = "/tmp/serve-ipxe.XXXXXX", buf[16384], cmd[600];
	struct serve_config c;
	struct boot_files f;
	struct errbuf e = { "" };
	bool print_only;
	if (!mkdtemp(dir)) {
		CHECK("mkdtemp", 0);
		return;
	}
	put(dir, "vmlinuz", "k");
	put(dir, "initram.igz", "i");
	serve_config_defaults(&c);
	char *argv[] = { "--boot-dir", dir, "--local-ip", "192.0.2.1", "--mirrors", "198.51.100.0/24",
			 "http://198.51.100.10/sysrcd.dat", "--ipxe" };
	CHECK("flags with --ipxe", serve_config_from_args(8, argv, &c, &print_only, NULL, NULL, &e) == 0 &&
	      c.ipxe == IPXE_CHAIN);
	CHECK("prepare", boot_files_prepare(&f, &c, NULL, &e) == 0);
	CHECK("boot.ipxe served", read_path(&f, "boot.ipxe", 0, buf, sizeof(buf)) == 0 &&
	      strstr(buf, "netboot=http://192.0.2.1/sysrcd.dat BOOTIF="));
	CHECK("boot.ipxe for a client in a mirror map: its mirrors",
	      read_path(&f, "/boot.ipxe", htonl(0xc6336405), buf, sizeof(buf)) == 0 &&
	      strstr(buf, "netboot=http://198.51.100.10/sysrcd.dat BOOTIF="));
	CHECK("boot.ipxe for a client outside the maps: the default",
	      read_path(&f, "boot.ipxe", htonl(0xc0000264), buf, sizeof(buf)) == 0 &&
	      strstr(buf, "netboot=http://192.0.2.1/sysrcd.dat BOOTIF="));
	CHECK("boot.ipxe for a client that came over IPv6: the address it reached",
	      read_from(&f, "boot.ipxe", 0, "[2001:db8::1]", buf, sizeof(buf)) == 0 &&
	      strstr(buf, "netboot=http://[2001:db8::1]/sysrcd.dat BOOTIF=") && !strstr(buf, "192.0.2.1"));
	CHECK("boot.ipxe for an IPv4 client at LOCALIP: the one made at start",
	      read_from(&f, "boot.ipxe", htonl(0xc0000264), "192.0.2.1", buf, sizeof(buf)) == 0 &&
	      strstr(buf, "netboot=http://192.0.2.1/sysrcd.dat BOOTIF="));
	CHECK("pxelinux.cfg/default for a client that came over IPv6",
	      read_from(&f, "pxelinux.cfg/default", 0, "[2001:db8::1]", buf, sizeof(buf)) == 0 &&
	      strstr(buf, "APPEND netboot=http://[2001:db8::1]/sysrcd.dat") && !strstr(buf, "192.0.2.1"));
	CHECK("a mirror map's menu over IPv6: its URLs as given",
	      read_from(&f, "pxelinux.cfg/C63364", 0, "[2001:db8::1]", buf, sizeof(buf)) == 0 &&
	      strstr(buf, "APPEND netboot=http://198.51.100.10/sysrcd.dat"));
	if (access("/usr/lib/ipxe/undionly.kpxe", R_OK) == 0) {
		CHECK("undionly.kpxe from Debian's ipxe", read_path(&f, "undionly.kpxe", 0, buf, sizeof(buf)) == 0);
		CHECK("snponly.efi from Debian's ipxe", read_path(&f, "snponly.efi", 0, buf, sizeof(buf)) == 0);
	}
	boot_files_close(&f);
	put(dir, "boot.ipxe", "#!ipxe\nOWN\n");
	CHECK("prepare again", boot_files_prepare(&f, &c, NULL, &e) == 0);
	CHECK("the folder's own boot.ipxe wins", read_path(&f, "boot.ipxe", htonl(0xc6336405), buf, sizeof(buf)) == 0 &&
	      !strcmp(buf, "#!ipxe\nOWN\n"));
	boot_files_close(&f);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK("cleanup", system(cmd) == 0);
}

static void test_key(void)
{
	struct serve_config c;
	struct errbuf e = { "" };
	const char *ok[] = { "PXEBOOTSRV_IPXE=yes\n", "PXEBOOTSRV_IPXE=\"no\"\n", "PXEBOOTSRV_IPXE=auto\n" };
	const enum ipxe_mode want[] = { IPXE_CHAIN, IPXE_OFF, IPXE_AUTO };
	const char *name[] = { "PXEBOOTSRV_IPXE=yes: chain", "PXEBOOTSRV_IPXE=\"no\": off", "PXEBOOTSRV_IPXE=auto" };
	for (int i = 0; i < 3; i++) {
		serve_config_defaults(&c);
		c.ipxe = i == 2 ? IPXE_OFF : IPXE_AUTO;
		CHECK(name[i], serve_config_parse(ok[i], strlen(ok[i]), "f", &c, NULL, NULL, &e) == 0 && c.ipxe == want[i]);
	}
	const char *bad = "PXEBOOTSRV_IPXE=maybe\n";
	CHECK("PXEBOOTSRV_IPXE=maybe: refused, naming the line and the choices",
	      serve_config_parse(bad, strlen(bad), "f", &c, NULL, NULL, &e) == -EINVAL &&
	      strstr(e.msg, "f line 1: PXEBOOTSRV_IPXE=\"maybe\": expected yes, no or auto"));
}

static void test_ra(void)
{
	static const uint8_t ll[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x50, 0x54, 0x00, 0xff, 0xfe, 0xaa, 0x00, 0x01 };
	static const uint8_t want[6] = { 0x52, 0x54, 0x00, 0xaa, 0x00, 0x01 };
	uint8_t rs[16] = { 133, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0x02, 0, 0, 0, 0, 0x07 }, mac[6], ra[16];
	static const uint8_t other[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	CHECK("RS: the MAC from its source link-layer option", ra_rs_mac(rs, 16, other, mac) == 0 &&
	      !memcmp(mac, "\x02\0\0\0\0\x07", 6));
	CHECK("RS without options: the MAC from the link-local EUI-64", ra_rs_mac(rs, 8, ll, mac) == 0 &&
	      !memcmp(mac, want, 6));
	CHECK("RS without options from a global address: no MAC", ra_rs_mac(rs, 8, other, mac) == -EINVAL);
	rs[9] = 0;
	CHECK("RS with a zero-length option: refused", ra_rs_mac(rs, 16, ll, mac) == -EINVAL);
	rs[9] = 2;
	CHECK("RS with an option past the end: refused", ra_rs_mac(rs, 16, ll, mac) == -EINVAL);
	rs[0] = 134;
	CHECK("an RA is not an RS", ra_rs_mac(rs, 8, ll, mac) == -EINVAL);
	CHECK("short: refused", ra_rs_mac(rs, 4, ll, mac) == -EINVAL);
	CHECK("the empty RA: type 134, lifetime 0, no flags, no options",
	      ra_build_empty(ra, sizeof(ra)) == 16 && ra[0] == 134 && ra[5] == 0 && ra[6] == 0 && ra[7] == 0);
}

/* The host our URLs name for each address a client may reach us at. */
static void test_url_host(void)
{
	struct serve_config c;
	char buf[SERVE_HOST_MAX];
	struct sockaddr_in v4 = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0xc0000202) };
	struct sockaddr_in6 v6 = { .sin6_family = AF_INET6 }, mapped = { .sin6_family = AF_INET6 };
	inet_pton(AF_INET6, "2001:db8::1", &v6.sin6_addr);
	inet_pton(AF_INET6, "::ffff:192.0.2.2", &mapped.sin6_addr);
	serve_config_defaults(&c);
	c.local_ip = htonl(0xc0000201);
	CHECK_STR("unknown: LOCALIP", serve_url_host(&c, NULL, buf), "192.0.2.1");
	CHECK_STR("IPv4: LOCALIP wins", serve_url_host(&c, (struct sockaddr *)&v4, buf), "192.0.2.1");
	CHECK_STR("IPv4-mapped: LOCALIP", serve_url_host(&c, (struct sockaddr *)&mapped, buf), "192.0.2.1");
	CHECK_STR("IPv6: the address reached, bracketed", serve_url_host(&c, (struct sockaddr *)&v6, buf), "[2001:db8::1]");
	inet_pton(AF_INET6, "2001:db8::9", c.local_ip6);
	CHECK_STR("IPv6: LOCALIP6 wins", serve_url_host(&c, (struct sockaddr *)&v6, buf), "[2001:db8::9]");
	c.local_ip = 0;	/* an IPv6-only server: no IPv4 address of its own */
	CHECK_STR("no LOCALIP, IPv4: the address reached", serve_url_host(&c, (struct sockaddr *)&v4, buf), "192.0.2.2");
	CHECK_STR("no LOCALIP, IPv4-mapped: the address reached", serve_url_host(&c, (struct sockaddr *)&mapped, buf),
		  "192.0.2.2");
}

int main(void)
{
	test_url_host();
	test_ra();
	test_decision();
	test_script();
	test_files();
	test_key();
	return CHECK_DONE();
}
