/* server/hosts.c (the hosts file), server/entries.c (the menu entries),
 * the per-host menus and images of server/files.c, and the hosts checked
 * against the segment (server/config.c). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "server/config.h"
#include "server/entries.h"
#include "server/files.h"
#include "server/hosts.h"
#include "server/pxebootsrv.h"
#include "tests/unit/check.h"

static int warnings;
static char last_warning[512];

static void on_warn(void *ctx, const char *msg)
{
	(void)ctx;
	warnings++;
	snprintf(last_warning, sizeof(last_warning), "%s", msg);
}

/* Parses text; the return code, the table in *t (free it). */
static int parse(const char *text, struct host_table *t, struct errbuf *e)
{
	memset(t, 0, sizeof(*t));
	warnings = 0;
	return hosts_parse(text, strlen(text), "hosts", t, on_warn, NULL, e);
}

static void test_good(void)
{
	struct host_table t;
	struct errbuf e = { "" };
	const char *text =
		"# MAC              address     name  settings\n"
		"52:54:00:12:34:56 192.0.2.50 name=web1 image=debian args=\"console=ttyS0 quiet\"\n"
		"\n"
		"   52-54-00-AB-CD-EF\tdb1  ip=192.0.2.51   # the database\r\n"
		"02:00:00:00:00:07 image=rescue args='a \"b\" c'\n"
		"02:00:00:00:00:08 printer.example.org args=\"x=\\\"1 2\\\"\"\n";
	CHECK("good file parses", parse(text, &t, &e) == 0 && t.n == 4);
	if (t.n != 4) {
		printf("  (%s)\n", e.msg);
		hosts_free(&t);
		return;
	}
	CHECK("host 1: address, name, image, args", t.h[0].ip == htonl(0xc0000232) && !strcmp(t.h[0].name, "web1") &&
	      !strcmp(t.h[0].image, "debian") && !strcmp(t.h[0].args, "console=ttyS0 quiet") && t.h[0].line == 2);
	CHECK("host 2: dashes, upper case, bare name, ip=, comment, CRLF",
	      t.h[1].mac[3] == 0xab && t.h[1].ip == htonl(0xc0000233) && !strcmp(t.h[1].name, "db1") &&
	      !t.h[1].image[0] && t.h[1].line == 4);
	CHECK_STR("single quotes keep double quotes", t.h[2].args, "a \"b\" c");
	CHECK("no address: from the pool", t.h[2].ip == 0 && !t.h[2].name[0]);
	CHECK_STR("escaped quotes in double quotes", t.h[3].args, "x=\"1 2\"");
	CHECK_STR("a dotted host name", t.h[3].name, "printer.example.org");
	uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };
	CHECK("find by MAC", hosts_find(&t, mac) == &t.h[1]);
	mac[5] = 0;
	CHECK("unknown MAC: NULL", hosts_find(&t, mac) == NULL);
	hosts_free(&t);
	CHECK("empty file: no hosts", parse("", &t, &e) == 0 && t.n == 0);
	CHECK("ethers line (MAC name)", parse("52:54:00:12:34:56 web1\n", &t, &e) == 0 && t.n == 1 &&
	      !strcmp(t.h[0].name, "web1") && !t.h[0].ip);
	hosts_free(&t);
	CHECK("same name twice: a warning naming both lines",
	      parse("02:00:00:00:00:01 web\n02:00:00:00:00:02 WEB\n", &t, &e) == 0 && t.n == 2 && warnings == 1 &&
	      strstr(last_warning, "hosts line 2: host name WEB also on line 1"));
	hosts_free(&t);
}

static void test_bad(void)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "52:54:00:12:34\n", "hosts line 1: 52:54:00:12:34: expected a MAC address like 52:54:00:12:34:56 first" },
		{ "52:54:00:12:34:56,192.0.2.5,web\n", "(fields are separated by blanks, not commas)" },
		{ "# c\n52:54:00:12:34:56 192.0.2.300\n", "hosts line 2: 192.0.2.300: expected an IPv4 address, a host name or key=value" },
		{ "52:54:00:12:34:56 192.0.2.5 192.0.2.6\n", "hosts line 1: 192.0.2.6: expected one address per host" },
		{ "52:54:00:12:34:56 web1 web2\n", "hosts line 1: web2: expected key=value (ip=, name=, image=, args=) after the host name" },
		{ "52:54:00:12:34:56 colour=red\n", "hosts line 1: colour=red: expected a key ip=, name=, image= or args=" },
		{ "52:54:00:12:34:56 image=../etc\n", "hosts line 1: image=../etc: expected image=NAME, a folder under DIR/images" },
		{ "52:54:00:12:34:56 image=a/b\n", "expected image=NAME" },
		{ "52:54:00:12:34:56 name=-web\n", "hosts line 1: name=-web: expected a host name like web1" },
		{ "52:54:00:12:34:56 args=\"quiet\n", "hosts line 1: args=\"quiet: expected a closing \" on the same line" },
		{ "52:54:00:12:34:56 args=\"a\tb\"\n", "expected args=\"kernel arguments\", printable, at most 511 bytes" },
		{ "52:54:00:12:34:56 ip=0.0.0.0\n", "hosts line 1: ip=0.0.0.0: expected an IPv4 address like 192.0.2.50" },
		{ "52:54:00:12:34:56 a\n\n52-54-00-12-34-56 b\n",
		  "hosts line 3: 52:54:00:12:34:56: expected each MAC once (already on line 1)" },
		{ "02:00:00:00:00:01 192.0.2.9\n02:00:00:00:00:02 ip=192.0.2.9\n",
		  "hosts line 2: 192.0.2.9: expected each fixed address once (already on line 1)" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct host_table t;
		struct errbuf e = { "" };
		char name[160];
		snprintf(name, sizeof(name), "refused with its line and what was expected: %.100s", cases[i].want);
		int rc = parse(cases[i].text, &t, &e);
		CHECK(name, rc == -EINVAL && strstr(e.msg, cases[i].want));
		if (rc != -EINVAL || !strstr(e.msg, cases[i].want))
			printf("  got: %s\n", e.msg);
		hosts_free(&t);
	}
	char big[6000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	struct host_table t;
	struct errbuf e = { "" };
	CHECK("a long line refused", parse(big, &t, &e) == -EINVAL && strstr(e.msg, "a line of at most 4096 bytes"));
	hosts_free(&t);
}

/* Two images besides the top level's, and the entries clients get. */
static void test_entries(void)
{
	struct serve_config c;
	serve_config_defaults(&c);
	c.local_ip = htonl(0xc0000201);
	c.do_nbd = true;
	snprintf(c.extra, sizeof(c.extra), "console=ttyS0");
	snprintf(c.kernel, sizeof(c.kernel), "vmlinuz");
	struct boot_images imgs = { .n = 3 };
	const char *names[] = { "", "debian", "rescue" };
	for (int i = 0; i < 3; i++) {
		struct boot_image *im = &imgs.img[i];
		snprintf(im->name, sizeof(im->name), "%s", names[i]);
		if (i)
			snprintf(im->dir, sizeof(im->dir), "images/%s/", names[i]);
		snprintf(im->kernel, sizeof(im->kernel), "vmlinuz");
		snprintf(im->initrd, sizeof(im->initrd), "initram.igz");
		snprintf(im->image, sizeof(im->image), "sysrcd.dat");
		im->has_image = true;
	}
	struct boot_entry *en = calloc(SERVE_MAX_ENTRIES, sizeof(*en));
	int n = boot_entries(&c, &imgs, NULL, NULL, NULL, en, SERVE_MAX_ENTRIES);
	CHECK("3 images x http, tftp, nbd", n == 9);
	CHECK("the default image first, its default transport first",
	      n == 9 && !strcmp(en[0].label, "netboot-http") && !strcmp(en[1].label, "netboot-tftp") &&
	      !strcmp(en[2].label, "netboot-nbd") && !strcmp(en[3].label, "debian-http") && !strcmp(en[8].label, "rescue-nbd"));
	CHECK_STR("top level: as before", en[0].append, "netboot=http://192.0.2.1/sysrcd.dat console=ttyS0");
	CHECK_STR("an image over http: its folder", en[3].append, "netboot=http://192.0.2.1/images/debian/sysrcd.dat console=ttyS0");
	CHECK_STR("an image over nbd: its name", en[5].append, "netboot=nbd://192.0.2.1:10809/debian console=ttyS0");
	CHECK("an image's kernel and initrd paths", !strcmp(en[4].kernel, "images/debian/vmlinuz") &&
	      !strcmp(en[4].initrd, "images/debian/initram.igz") && !strcmp(en[4].title, "debian: stage 3 over tftp"));
	struct host h = { .image = "rescue", .args = "quiet" };
	n = boot_entries(&c, &imgs, &h, NULL, NULL, en, SERVE_MAX_ENTRIES);
	CHECK("a host: its image first, then the default, its args on every entry",
	      n == 9 && !strcmp(en[0].label, "rescue-http") && !strcmp(en[3].label, "netboot-http") &&
	      !strcmp(en[0].append, "netboot=http://192.0.2.1/images/rescue/sysrcd.dat console=ttyS0 quiet") &&
	      strstr(en[8].append, "debian console=ttyS0 quiet"));
	snprintf(h.image, sizeof(h.image), "nothere");
	CHECK("a host's unknown image: -ENOENT", boot_entries(&c, &imgs, &h, NULL, NULL, en, SERVE_MAX_ENTRIES) == -ENOENT);
	CHECK("cap too small: -ENOSPC", boot_entries(&c, &imgs, NULL, NULL, NULL, en, 4) == -ENOSPC);
	struct mirror_map m = { .prefix = 24, .urls = "http://198.51.100.10/sysrcd.dat,http://198.51.100.11" };
	c.stage3 = STAGE3_TFTP;
	n = boot_entries(&c, &imgs, NULL, &m, NULL, en, SERVE_MAX_ENTRIES);
	CHECK_STR("mirrors: the top level's URLs as given", en[0].append,
		  "netboot=http://198.51.100.10/sysrcd.dat,http://198.51.100.11 console=ttyS0");
	CHECK_STR("mirrors: an image in the mirrors' images/NAME/", en[3].append,
		  "netboot=http://198.51.100.10/images/debian/sysrcd.dat,http://198.51.100.11/images/debian/sysrcd.dat console=ttyS0");
	snprintf(c.nfs_url, sizeof(c.nfs_url), "nfs://192.0.2.9:/srv/boot/");
	n = boot_entries(&c, &imgs, NULL, NULL, NULL, en, SERVE_MAX_ENTRIES);
	CHECK("nfs: an image's folder inside the export", n == 12 && !strcmp(en[4].label, "debian-tftp") &&
	      !strcmp(en[7].append, "netboot=nfs://192.0.2.9:/srv/boot/images/debian console=ttyS0"));
	/* a client that came over IPv6: our own URLs name the address it reached, explicit ones stay */
	n = boot_entries(&c, &imgs, NULL, NULL, "[2001:db8::1]", en, SERVE_MAX_ENTRIES);
	CHECK("IPv6: 12 entries, tftp the default", n == 12 && !strcmp(en[0].label, "netboot-tftp"));
	CHECK_STR("IPv6: top level over tftp", en[0].append, "netboot=tftp://[2001:db8::1]/sysrcd.dat console=ttyS0");
	CHECK_STR("IPv6: top level over http", en[1].append, "netboot=http://[2001:db8::1]/sysrcd.dat console=ttyS0");
	CHECK_STR("IPv6: top level over nbd", en[2].append, "netboot=nbd://[2001:db8::1]:10809/sysrcd.dat console=ttyS0");
	CHECK_STR("IPv6: nfs as given", en[3].append, "netboot=nfs://192.0.2.9:/srv/boot/ console=ttyS0");
	CHECK_STR("IPv6: an image over nbd", en[6].append, "netboot=nbd://[2001:db8::1]:10809/debian console=ttyS0");
	CHECK_STR("IPv6: an image over http", en[5].append,
		  "netboot=http://[2001:db8::1]/images/debian/sysrcd.dat console=ttyS0");
	c.http_port = 8080;
	c.stage3 = STAGE3_HTTP;
	n = boot_entries(&c, &imgs, NULL, NULL, "[2001:db8::1]", en, SERVE_MAX_ENTRIES);
	CHECK_STR("IPv6: the HTTP port after the bracket", en[0].append,
		  "netboot=http://[2001:db8::1]:8080/sysrcd.dat console=ttyS0");
	snprintf(c.http_url, sizeof(c.http_url), "http://mirror.example/boot/sysrcd.dat");
	n = boot_entries(&c, &imgs, NULL, NULL, "[2001:db8::1]", en, SERVE_MAX_ENTRIES);
	CHECK("IPv6: --http-url as given, an image beside it",
	      n == 12 && !strcmp(en[0].append, "netboot=http://mirror.example/boot/sysrcd.dat console=ttyS0") &&
	      !strcmp(en[4].append, "netboot=http://mirror.example/boot/images/debian/sysrcd.dat console=ttyS0"));
	n = boot_entries(&c, &imgs, NULL, &m, "[2001:db8::1]", en, SERVE_MAX_ENTRIES);
	CHECK_STR("IPv6: a mirror map's URLs as given", en[0].append,
		  "netboot=http://198.51.100.10/sysrcd.dat,http://198.51.100.11 console=ttyS0");
	free(en);
}

static void put(const char *dir, const char *name, const char *text)
{
	char p[600];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static int read_path(struct boot_files *f, const char *path, char *buf, size_t cap)
{
	struct errbuf e;
	uint64_t size;
	int fd = boot_files_open(f, path, &size, &e);
	if (fd < 0)
		return fd;
	ssize_t n = pread(fd, buf, cap - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	return 0;
}

/* A boot folder with images/ and a hosts file: the menus served. */
static void test_folder(void)
{
	char dir[] = "/tmp/serve-hosts.XXXXXX", p[600], hosts[640], buf[16384];
	if (!mkdtemp(dir)) {
		CHECK("mkdtemp", 0);
		return;
	}
	snprintf(p, sizeof(p), "%s/images", dir);
	mkdir(p, 0755);
	const char *sub[] = { "images/rescue", "images/debian", "images/broken", "images/.hidden" };
	for (int i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, sub[i]);
		mkdir(p, 0755);
	}
	put(dir, "images/debian/vmlinuz", "k");
	put(dir, "images/debian/initram.igz", "i");
	put(dir, "images/debian/sysrcd.dat", "abc");
	put(dir, "images/rescue/bzImage", "k");
	put(dir, "images/rescue/initram.igz", "i");
	put(dir, "images/broken/vmlinuz", "k");	/* no initrd: skipped */
	snprintf(hosts, sizeof(hosts), "%s/hosts", dir);
	put(dir, "hosts", "52:54:00:12:34:56 192.0.2.50 web1 image=rescue args=\"console=ttyS1 quiet\"\n"
			  "52:54:00:12:34:57 plain\n");
	struct serve_config c;
	struct errbuf e = { "" };
	bool print;
	char *flags[] = { "--boot-dir", dir, "--local-ip", "192.0.2.1", "--hosts", hosts, "--nbd-port", "10809" };
	serve_config_defaults(&c);
	CHECK("flags with --hosts", serve_config_from_args(8, flags, &c, &print, NULL, NULL, &e) == 0 && c.hosts.n == 2);
	struct boot_files f;
	CHECK("prepare: no top-level kernel, images only", boot_files_prepare(&f, &c, NULL, &e) == 0);
	CHECK("images: debian first by name, broken and hidden skipped", f.images.n == 2 &&
	      !strcmp(f.images.img[0].name, "debian") && !strcmp(f.images.img[1].name, "rescue") &&
	      !strcmp(f.images.img[1].kernel, "bzImage") && !f.images.img[1].has_image);
	CHECK("default menu: debian's entries first",
	      read_path(&f, "pxelinux.cfg/default", buf, sizeof(buf)) == 0 && strstr(buf, "DEFAULT debian-http\n") &&
	      strstr(buf, "KERNEL images/rescue/bzImage") && strstr(buf, "netboot=nbd://192.0.2.1:10809/rescue") &&
	      strstr(buf, "LABEL debian-http") < strstr(buf, "LABEL rescue-http"));
	CHECK("the host's menu: its image and args",
	      read_path(&f, "pxelinux.cfg/01-52-54-00-12-34-56", buf, sizeof(buf)) == 0 &&
	      strstr(buf, "DEFAULT rescue-http\n") && strstr(buf, "  KERNEL images/rescue/bzImage\n  INITRD images/rescue/initram.igz\n"
							   "  APPEND netboot=http://192.0.2.1/images/rescue/sysrcd.dat console=ttyS1 quiet\n"));
	c.mirrors[0] = (struct mirror_map){ .net = htonl(0xc0000200), .prefix = 24, .urls = "http://192.0.2.9/sysrcd.dat" };
	CHECK("a fixed address in a mapped subnet: the mirrors in the host's menu",
	      read_path(&f, "pxelinux.cfg/01-52-54-00-12-34-56", buf, sizeof(buf)) == 0 &&
	      strstr(buf, "  APPEND netboot=http://192.0.2.9/images/rescue/sysrcd.dat console=ttyS1 quiet\n"));
	c.mirrors[0].urls[0] = '\0';
	uint64_t size;
	int hfd = boot_files_open_from(&f, "boot-01-52-54-00-12-34-56.ipxe", 0, "[2001:db8::1]", &size, &e);
	ssize_t hn = hfd >= 0 ? pread(hfd, buf, sizeof(buf) - 1, 0) : -1;
	buf[hn > 0 ? hn : 0] = '\0';
	if (hfd >= 0)
		close(hfd);
	CHECK("the host's iPXE script over IPv6: the address it reached",
	      strstr(buf, "netboot=http://[2001:db8::1]/images/rescue/sysrcd.dat console=ttyS1 quiet") &&
	      strstr(buf, "netboot=nbd://[2001:db8::1]:10809/debian") && !strstr(buf, "192.0.2.1"));
	CHECK("a host with nothing of its own: not found (pxelinux goes on)",
	      read_path(&f, "pxelinux.cfg/01-52-54-00-12-34-57", buf, sizeof(buf)) == -ENOENT);
	CHECK("an unknown MAC: not found", read_path(&f, "pxelinux.cfg/01-52-54-00-12-34-58", buf, sizeof(buf)) == -ENOENT);
	snprintf(p, sizeof(p), "%s/images/debian/sysrcd.md5", dir);
	int fd = open(p, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
	CHECK_STR("the image's md5 beside it, naming the file there", buf, "900150983cd24fb0d6963f7d28e17f72  sysrcd.dat\n");
	CHECK("served by path", read_path(&f, "images/debian/sysrcd.sha256", buf, sizeof(buf)) == 0 &&
	      !strncmp(buf, "ba7816bf", 8));
	CHECK("roles: an image's kernel and image", boot_files_role(&f, "/images/rescue/bzImage") == BOOT_ROLE_KERNEL &&
	      boot_files_role(&f, "images/debian/sysrcd.dat") == BOOT_ROLE_IMAGE &&
	      boot_files_role(&f, "images/debian/sysrcd.md5") == BOOT_ROLE_OTHER);
	boot_files_close(&f);

	/* a real file wins over the generated per-host menu */
	snprintf(p, sizeof(p), "%s/pxelinux.cfg", dir);
	mkdir(p, 0755);
	put(p, "01-52-54-00-12-34-56", "OWN\n");
	put(dir, "vmlinuz", "top");
	put(dir, "initram.igz", "top");
	c.kernel[0] = '\0';
	CHECK("prepare with a top level", boot_files_prepare(&f, &c, NULL, &e) == 0 && f.images.n == 3 &&
	      !f.images.img[0].name[0]);
	CHECK("the folder's own per-MAC file wins",
	      read_path(&f, "pxelinux.cfg/01-52-54-00-12-34-56", buf, sizeof(buf)) == 0 && !strcmp(buf, "OWN\n"));
	boot_files_close(&f);
	snprintf(c.default_image, sizeof(c.default_image), "rescue");
	c.kernel[0] = '\0';
	CHECK("--default-image wins over the top level", boot_files_prepare(&f, &c, NULL, &e) == 0 &&
	      !strcmp(f.images.img[0].name, "rescue") && !f.images.img[1].name[0] && !strcmp(f.images.img[2].name, "debian"));
	boot_files_close(&f);
	snprintf(c.default_image, sizeof(c.default_image), "nothere");
	c.kernel[0] = '\0';
	CHECK("--default-image not found: named, with the images found",
	      boot_files_prepare(&f, &c, NULL, &e) == -ENOENT &&
	      strstr(e.msg, "--default-image nothere: no folder") && strstr(e.msg, "(images found: (top level), debian, rescue)"));
	boot_files_close(&f);
	c.default_image[0] = '\0';
	put(dir, "hosts", "52:54:00:12:34:56 image=gone\n");
	hosts_free(&c.hosts);
	serve_config_defaults(&c);
	CHECK("flags again", serve_config_from_args(8, flags, &c, &print, NULL, NULL, &e) == 0);
	CHECK("a host's image not found: the hosts file's line",
	      boot_files_prepare(&f, &c, NULL, &e) == -ENOENT && strstr(e.msg, "hosts line 1: image=gone: expected an image of"));
	boot_files_close(&f);
	put(dir, "hosts", "52:54:00:12:34:56 image=debian\nzz\n");
	hosts_free(&c.hosts);
	serve_config_defaults(&c);
	CHECK("a bad hosts file stops the flags: file and line",
	      serve_config_from_args(8, flags, &c, &print, NULL, NULL, &e) == -EINVAL && strstr(e.msg, "/hosts line 2: zz: expected a MAC"));
	hosts_free(&c.hosts);
	snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	CHECK("cleanup", system(p) == 0);
}

/* Fixed addresses against the segment (--dhcp). */
static void test_segment(void)
{
	struct serve_config c;
	struct errbuf e = { "" };
	serve_config_defaults(&c);
	c.do_dhcp = true, c.proxy_dhcp = false;
	c.subnet = htonl(0xc0000200), c.netmask = htonl(0xffffff00);
	c.local_ip = htonl(0xc0000201), c.router = htonl(0xc00002fe);
	c.range_start = htonl(0xc0000264), c.range_end = htonl(0xc0000296);
	snprintf(c.hosts_file, sizeof(c.hosts_file), "/etc/netboot/hosts");
	static const struct {
		const char *line, *want;
	} cases[] = {
		{ "02:00:00:00:00:01 10.0.0.5\n", "/etc/netboot/hosts line 1: 10.0.0.5: outside the subnet 192.0.2.0/24" },
		{ "02:00:00:00:00:01 192.0.2.1\n", "192.0.2.1: this server's own address" },
		{ "02:00:00:00:00:01 192.0.2.254\n", "192.0.2.254: the router's address" },
		{ "02:00:00:00:00:01 192.0.2.255\n", "the subnet's network or broadcast address" },
		{ "02:00:00:00:00:01 192.0.2.50\n", NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char name[160];
		hosts_parse(cases[i].line, strlen(cases[i].line), "x", &c.hosts, NULL, NULL, &e);
		int rc = serve_config_check_hosts(&c, on_warn, NULL, &e);
		snprintf(name, sizeof(name), "fixed address %.*s: %s", (int)strcspn(cases[i].line, "\n"), cases[i].line, cases[i].want ? cases[i].want : "fine");
		CHECK(name, cases[i].want ? rc == -EINVAL && strstr(e.msg, cases[i].want) : rc == 0);
		hosts_free(&c.hosts);
	}
	const char *in_range = "02:00:00:00:00:01 192.0.2.110\n";
	hosts_parse(in_range, strlen(in_range), "x", &c.hosts, NULL, NULL, &e);
	warnings = 0;
	CHECK("inside the dynamic range: a warning, reserved", serve_config_check_hosts(&c, on_warn, NULL, &e) == 0 &&
	      warnings == 1 && strstr(last_warning, "line 1: 192.0.2.110 is inside the dynamic range 192.0.2.100 - 192.0.2.150: reserved"));
	c.do_dhcp = false, c.proxy_dhcp = true;
	warnings = 0;
	CHECK("proxy mode: one warning that fixed addresses are not given", serve_config_check_hosts(&c, on_warn, NULL, &e) == 0 &&
	      warnings == 1 && strstr(last_warning, "1 fixed address is not given out: this server is a proxy-DHCP"));
	hosts_free(&c.hosts);
}

/* PXEBOOTSRV_HOSTS and PXEBOOTSRV_DEFAULT_IMAGE in the seed's file. */
static void test_keys(void)
{
	struct serve_config c;
	struct errbuf e = { "" };
	const char *good = "D=/srv\nPXEBOOTSRV_HOSTS=\"$D/my hosts\"\nPXEBOOTSRV_DEFAULT_IMAGE=debian-12\n";
	serve_config_defaults(&c);
	CHECK("PXEBOOTSRV_HOSTS and _DEFAULT_IMAGE read", serve_config_parse(good, strlen(good), "pxebootsrv", &c, NULL, NULL, &e) == 0 &&
	      !strcmp(c.hosts_file, "/srv/my hosts") && !strcmp(c.default_image, "debian-12"));
	const char *bad = "PXEBOOTSRV_DEFAULT_IMAGE=../x\n";
	CHECK("a bad image name: file, line, key, what was expected",
	      serve_config_parse(bad, strlen(bad), "pxebootsrv", &c, NULL, NULL, &e) == -EINVAL &&
	      strstr(e.msg, "pxebootsrv line 1: PXEBOOTSRV_DEFAULT_IMAGE=\"../x\": expected an image name"));
	char *flags[] = { "--default-image", "a/b" };
	bool print;
	CHECK("--default-image a/b refused", serve_config_from_args(2, flags, &c, &print, NULL, NULL, &e) == -EINVAL &&
	      strstr(e.msg, "--default-image a/b: expected an image name"));
}

int main(void)
{
	test_keys();
	test_good();
	test_bad();
	test_entries();
	test_folder();
	test_segment();
	return CHECK_DONE();
}
