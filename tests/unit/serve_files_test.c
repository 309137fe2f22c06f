/* server/files.c and server/config.c flags: the boot folder stays closed
 * (.., absolute paths, symlinks out), Debian's loaders and the generated
 * menu are served, checksum files are written once, flags are checked. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/stat.h>
#include <unistd.h>
#include "server/config.h"
#include "server/files.h"
#include "tests/unit/check.h"

static void put(const char *dir, const char *name, const char *text)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static int read_fd(int fd, char *buf, size_t cap)
{
	ssize_t n = pread(fd, buf, cap - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	return (int)n;
}

static int open_rc(struct boot_files *f, const char *path)
{
	struct errbuf e;
	uint64_t size;
	int fd = boot_files_open(f, path, &size, &e);
	if (fd >= 0)
		close(fd);
	return fd >= 0 ? 0 : fd;
}

static void test_files(void)
{
	char dir[] = "/tmp/serve-files.XXXXXX", outside[600], p[600], buf[8192];
	if (!mkdtemp(dir)) {
		CHECK("mkdtemp", 0);
		return;
	}
	put(dir, "vmlinuz", "kernel");
	put(dir, "initram.igz", "initrd");
	put(dir, "sysrcd.dat", "abc");
	snprintf(outside, sizeof(outside), "%s.secret", dir);
	FILE *o = fopen(outside, "w");
	if (o)
		fputs("secret", o), fclose(o);
	snprintf(p, sizeof(p), "%s/escape", dir);
	CHECK("symlink out made", symlink(outside, p) == 0);
	snprintf(p, sizeof(p), "%s/inside", dir);
	CHECK("symlink in made", symlink("vmlinuz", p) == 0);

	struct serve_config c;
	serve_config_defaults(&c);
	snprintf(c.boot_dir, sizeof(c.boot_dir), "%s", dir);
	c.local_ip = htonl(0xc0000201);
	snprintf(c.extra, sizeof(c.extra), "console=ttyS0");
	struct boot_files f;
	struct errbuf e = { "" };
	CHECK("prepare", boot_files_prepare(&f, &c, NULL, &e) == 0);
	CHECK_STR("kernel found by name", c.kernel, "vmlinuz");

	uint64_t size = 0;
	int fd = boot_files_open(&f, "/vmlinuz", &size, &e);
	CHECK("leading slash stripped", fd >= 0 && size == 6);
	if (fd >= 0)
		close(fd);
	CHECK("symlink inside served", open_rc(&f, "inside") == 0);
	CHECK("symlink out refused", open_rc(&f, "escape") == -EACCES);
	CHECK("dot-dot refused", open_rc(&f, "../x") == -EACCES || open_rc(&f, "../x") == -ENOENT);
	CHECK("dot-dot to a real file refused", open_rc(&f, "../../../../../../etc/passwd") == -EACCES);
	CHECK("absolute path stays inside", open_rc(&f, "/etc/passwd") == -ENOENT);
	CHECK("missing is ENOENT", open_rc(&f, "nothing") == -ENOENT);
	CHECK("folder is not a file", open_rc(&f, "") == -ENOENT);
	/* the walk used where openat2 is missing (old kernels, valgrind) */
	mkdir(strcat(strcpy(p, dir), "/sub"), 0755);
	put(dir, "sub/file", "in sub");
	int w = files_open_walk(f.root_fd, "sub//file", O_RDONLY);
	CHECK("walk: a file in a folder", w >= 0 && read_fd(w, buf, sizeof(buf)) == 6);
	if (w >= 0)
		close(w);
	CHECK("walk: dot-dot refused", files_open_walk(f.root_fd, "sub/../../x", O_RDONLY) == -EXDEV);
	CHECK("walk: symlink out refused", files_open_walk(f.root_fd, "escape", O_RDONLY) == -ELOOP);
	CHECK("walk: symlink in refused too", files_open_walk(f.root_fd, "inside", O_RDONLY) == -ELOOP);
	CHECK("walk: missing", files_open_walk(f.root_fd, "sub/nothing", O_RDONLY) == -ENOENT);

	fd = boot_files_open(&f, "pxelinux.cfg/default", &size, &e);
	CHECK("generated menu served", fd >= 0);
	if (fd >= 0) {
		read_fd(fd, buf, sizeof(buf));
		close(fd);
		CHECK("menu: default entry is http", strstr(buf, "DEFAULT netboot-http") != NULL);
		CHECK("menu: append points at this server",
		      strstr(buf, "APPEND netboot=http://192.0.2.1/sysrcd.dat console=ttyS0") != NULL);
		CHECK("menu: kernel and initrd", strstr(buf, "KERNEL vmlinuz") && strstr(buf, "INITRD initram.igz"));
		CHECK("menu: tftp entry too", strstr(buf, "netboot=tftp://192.0.2.1/sysrcd.dat") != NULL);
		CHECK("menu: no nbd entry when NBD is off", strstr(buf, "nbd://") == NULL);
		CHECK("menu: BOOTIF passed", strstr(buf, "IPAPPEND 2") != NULL);
	}
	if (access("/usr/lib/PXELINUX/pxelinux.0", R_OK) == 0)
		CHECK("Debian's pxelinux.0 served", open_rc(&f, "pxelinux.0") == 0);

	snprintf(p, sizeof(p), "%s/sysrcd.md5", dir);
	fd = open(p, O_RDONLY);
	CHECK("sysrcd.md5 written", fd >= 0);
	if (fd >= 0) {
		read_fd(fd, buf, sizeof(buf));
		close(fd);
		CHECK_STR("sysrcd.md5 content", buf, "900150983cd24fb0d6963f7d28e17f72  sysrcd.dat\n");
	}
	snprintf(p, sizeof(p), "%s/sysrcd.sha256", dir);
	fd = open(p, O_RDONLY);
	if (fd >= 0) {
		read_fd(fd, buf, sizeof(buf));
		close(fd);
	}
	CHECK("sysrcd.sha256 content", fd >= 0 &&
	      !strcmp(buf, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  sysrcd.dat\n"));
	boot_files_close(&f);

	/* a user's own menu wins over the generated one */
	snprintf(p, sizeof(p), "%s/pxelinux.cfg", dir);
	mkdir(p, 0755);
	put(p, "default", "MINE\n");
	put(p, "01-52-54-00-12-34-56", "PER-MAC\n");
	CHECK("prepare again", boot_files_prepare(&f, &c, NULL, &e) == 0);
	fd = boot_files_open(&f, "pxelinux.cfg/default", &size, &e);
	if (fd >= 0) {
		read_fd(fd, buf, sizeof(buf));
		close(fd);
	}
	CHECK("user's pxelinux.cfg/default served as it is", fd >= 0 && !strcmp(buf, "MINE\n"));
	CHECK("per-MAC file served", open_rc(&f, "pxelinux.cfg/01-52-54-00-12-34-56") == 0);
	boot_files_close(&f);

	/* a folder without a kernel names what it looked for */
	snprintf(p, sizeof(p), "%s/vmlinuz", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/inside", dir);
	unlink(p);
	c.kernel[0] = '\0';
	CHECK("no kernel: error", boot_files_prepare(&f, &c, NULL, &e) == -ENOENT && strstr(e.msg, "--kernel"));
	boot_files_close(&f);
	char cmd[700];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", dir, outside);
	CHECK("cleanup", system(cmd) == 0);
}

static void test_flags(void)
{
	struct serve_config c;
	struct errbuf e = { "" };
	bool print;
	char *ok[] = { "--boot-dir", "/srv", "--dhcp-range", "192.0.2.100", "192.0.2.150", "--netmask",
		       "255.255.255.0", "--local-ip", "192.0.2.1", "--nbd-port", "2000", "--stage3", "nbd" };
	serve_config_defaults(&c);
	CHECK("defaults: proxy-DHCP, no addresses handed out", c.proxy_dhcp && !c.do_dhcp);
	CHECK("flags parse", serve_config_from_args(13, ok, &c, &print, NULL, NULL, &e) == 0);
	CHECK("range makes a DHCP server", c.do_dhcp && !c.proxy_dhcp);
	CHECK("nbd port enables NBD", c.do_nbd && c.nbd_port == 2000 && c.stage3 == STAGE3_NBD);
	CHECK("validates", serve_config_validate(&c, &e) == 0);
	char arg[256];
	serve_config_stage3_arg(&c, STAGE3_NBD, NULL, arg, sizeof(arg));
	CHECK_STR("nbd append", arg, "netboot=nbd://192.0.2.1:2000/sysrcd.dat");
	serve_config_stage3_arg(&c, STAGE3_NBD, "[2001:db8::1]", arg, sizeof(arg));
	CHECK_STR("nbd append, IPv6", arg, "netboot=nbd://[2001:db8::1]:2000/sysrcd.dat");
	serve_config_stage3_arg(&c, STAGE3_TFTP, "[2001:db8::1]", arg, sizeof(arg));
	CHECK_STR("tftp append, IPv6", arg, "netboot=tftp://[2001:db8::1]/sysrcd.dat");

	char *bad_mask[] = { "--netmask", "255.0.255.0" };
	CHECK("non-contiguous mask refused",
	      serve_config_from_args(2, bad_mask, &c, &print, NULL, NULL, &e) == -EINVAL &&
		      strstr(e.msg, "--netmask 255.0.255.0"));
	char *bad_range[] = { "--dhcp-range", "192.0.2.150", "192.0.2.100" };
	CHECK("reversed range refused", serve_config_from_args(3, bad_range, &c, &print, NULL, NULL, &e) == -EINVAL);
	char *missing[] = { "--http-port" };
	CHECK("missing value named", serve_config_from_args(1, missing, &c, &print, NULL, NULL, &e) == -EINVAL &&
					     strstr(e.msg, "--http-port"));
	char *unknown[] = { "--frobnicate" };
	CHECK("unknown flag named", serve_config_from_args(1, unknown, &c, &print, NULL, NULL, &e) == -EINVAL &&
					    strstr(e.msg, "--frobnicate"));
	char *traversal[] = { "--kernel", "../vmlinuz" };
	CHECK("file names stay in the folder",
	      serve_config_from_args(2, traversal, &c, &print, NULL, NULL, &e) == -EINVAL);

	serve_config_defaults(&c);
	snprintf(c.boot_dir, sizeof(c.boot_dir), "/srv");
	c.do_dhcp = true, c.proxy_dhcp = false;
	CHECK("DHCP without a range refused", serve_config_validate(&c, &e) == -EINVAL && strstr(e.msg, "range"));
	serve_config_defaults(&c);
	CHECK("no boot folder refused", serve_config_validate(&c, &e) == -EINVAL && strstr(e.msg, "--boot-dir"));
}

/* Reads what boot_files_open gives for path into buf ("" if it fails). */
static int read_menu(struct boot_files *f, const char *path, char *buf, size_t cap)
{
	struct errbuf e = { "" };
	uint64_t size = 0;
	int fd = boot_files_open(f, path, &size, &e);
	buf[0] = '\0';
	if (fd < 0)
		return fd;
	ssize_t n = pread(fd, buf, cap - 1, 0);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return 0;
}

static void test_mirror_maps(void)
{
	struct mirror_map m;
	uint32_t net;
	int prefix;
	CHECK("map parses", !mirror_map_parse("198.51.100.0/24 http://198.51.100.10/sysrcd.dat, http://198.51.100.11/sysrcd.dat", 80, &m) &&
	      m.net == htonl(0xc6336400) && m.prefix == 24 &&
	      !strcmp(m.urls, "http://198.51.100.10/sysrcd.dat,http://198.51.100.11/sysrcd.dat"));
	CHECK("host bits refused", mirror_map_parse("198.51.100.5/24 http://a/x", 26, &m) != NULL);
	CHECK("prefix required", mirror_map_parse("198.51.100.0 http://a/x", 23, &m) != NULL);
	CHECK("prefix over 32 refused", mirror_map_parse("198.51.100.0/33 http://a/x", 26, &m) != NULL);
	CHECK("no URL refused", strstr(mirror_map_parse("198.51.100.0/24", 15, &m), "at least one"));
	CHECK("not http refused", mirror_map_parse("198.51.100.0/24 ftp://a/x", 25, &m) != NULL);
	CHECK("http:/// refused", mirror_map_parse("198.51.100.0/24 http:///x", 25, &m) != NULL);
	const char *five = "10.0.0.0/8 http://a/x http://b/x http://c/x http://d/x http://e/x";
	CHECK("five URLs refused", strstr(mirror_map_parse(five, strlen(five), &m), "at most 4"));
	CHECK("control byte refused", mirror_map_parse("10.0.0.0/8 http://a/\x01", 21, &m) != NULL);

	CHECK("hex IP 8 digits", boot_files_hexip("C6336400", &net, &prefix) == 0 && net == htonl(0xc6336400) && prefix == 32);
	CHECK("hex IP prefix", boot_files_hexip("C63364", &net, &prefix) == 0 && net == htonl(0xc6336400) && prefix == 24);
	CHECK("hex IP one digit", boot_files_hexip("C", &net, &prefix) == 0 && net == htonl(0xc0000000) && prefix == 4);
	CHECK("hex IP lower case", boot_files_hexip("c6336401", &net, &prefix) == 0 && net == htonl(0xc6336401));
	CHECK("9 digits refused", boot_files_hexip("C63364001", &net, &prefix) == -EINVAL);
	CHECK("MAC name refused", boot_files_hexip("01-aa-bb-cc-dd-ee-ff", &net, &prefix) == -EINVAL);
	CHECK("default refused", boot_files_hexip("default", &net, &prefix) == -EINVAL);
	CHECK("empty refused", boot_files_hexip("", &net, &prefix) == -EINVAL);

	char dir[] = "/tmp/netboot-maps.XXXXXX";
	if (!mkdtemp(dir)) {
		CHECK("mkdtemp", 0);
		return;
	}
	put(dir, "vmlinuz", "kernel");
	put(dir, "initram.igz", "initrd");
	put(dir, "sysrcd.dat", "image");
	char own[600];
	snprintf(own, sizeof(own), "%s/pxelinux.cfg", dir);
	mkdir(own, 0755);
	put(own, "C6336405", "OWN FILE\n");
	static struct serve_config c;	/* ~20 KiB */
	struct errbuf e = { "" };
	bool print;
	char *flags[] = { "--boot-dir", dir, "--local-ip", "192.0.2.1", "--stage3", "tftp", "--extra", "console=ttyS0",
			  "--mirrors", "198.51.100.0/24", "http://198.51.100.10/sysrcd.dat,http://198.51.100.11/sysrcd.dat",
			  "--mirrors", "198.51.0.0/16", "http://198.51.1.1/sysrcd.dat" };
	serve_config_defaults(&c);
	CHECK("--mirrors flags parse", serve_config_from_args(14, flags, &c, &print, NULL, NULL, &e) == 0 &&
	      c.mirrors[0].prefix == 24 && c.mirrors[1].prefix == 16);
	char *bad[] = { "--mirrors", "198.51.100.0/24", "nfs://x:/y" };
	CHECK("--mirrors bad URL named", serve_config_from_args(3, bad, &c, &print, NULL, NULL, &e) == -EINVAL &&
	      strstr(e.msg, "--mirrors 198.51.100.0/24"));
	const struct mirror_map *maps = c.mirrors;
	size_t nmaps = SERVE_MAX_MIRROR_MAPS;
	CHECK("most specific map wins", mirror_map_find(maps, nmaps, htonl(0xc6336407), 32) == &c.mirrors[0] &&
	      mirror_map_find(maps, nmaps, htonl(0xc6330107), 32) == &c.mirrors[1] &&
	      !mirror_map_find(maps, nmaps, htonl(0xc0000207), 32));
	CHECK("a prefix wider than every map: none", !mirror_map_find(maps, nmaps, htonl(0xc6000000), 8));

	struct boot_files f;
	CHECK("prepare with maps", boot_files_prepare(&f, &c, NULL, &e) == 0);
	char buf[8192], dflt[8192];
	read_menu(&f, "pxelinux.cfg/default", dflt, sizeof(dflt));
	CHECK("default menu keeps this server (tftp)", strstr(dflt, "DEFAULT netboot-tftp") && !strstr(dflt, "198.51.100.10"));
	CHECK("client in the /24: its mirrors, HTTP by default",
	      read_menu(&f, "pxelinux.cfg/C6336407", buf, sizeof(buf)) == 0 && strstr(buf, "DEFAULT netboot-http\n") &&
	      strstr(buf, "  APPEND netboot=http://198.51.100.10/sysrcd.dat,http://198.51.100.11/sysrcd.dat console=ttyS0\n") &&
	      strstr(buf, "netboot=tftp://192.0.2.1/sysrcd.dat") && strstr(buf, "KERNEL vmlinuz"));
	CHECK("shortened name of the /24", read_menu(&f, "/pxelinux.cfg/C63364", buf, sizeof(buf)) == 0 &&
	      strstr(buf, "netboot=http://198.51.100.10/sysrcd.dat,"));
	CHECK("client in the /16 only", read_menu(&f, "pxelinux.cfg/C6330107", buf, sizeof(buf)) == 0 &&
	      strstr(buf, "APPEND netboot=http://198.51.1.1/sysrcd.dat console=ttyS0"));
	CHECK("the /16's prefix name", read_menu(&f, "pxelinux.cfg/C633", buf, sizeof(buf)) == 0 &&
	      strstr(buf, "netboot=http://198.51.1.1/sysrcd.dat"));
	CHECK("a name wider than the maps: not found (pxelinux goes on to default)",
	      read_menu(&f, "pxelinux.cfg/C63", buf, sizeof(buf)) == -ENOENT);
	CHECK("client outside: not found", read_menu(&f, "pxelinux.cfg/C0000207", buf, sizeof(buf)) == -ENOENT);
	CHECK("the folder's own file wins", read_menu(&f, "pxelinux.cfg/C6336405", buf, sizeof(buf)) == 0 &&
	      !strcmp(buf, "OWN FILE\n"));
	CHECK("MAC names not mapped", read_menu(&f, "pxelinux.cfg/01-52-54-00-12-34-56", buf, sizeof(buf)) == -ENOENT);
	boot_files_close(&f);
	snprintf(own, sizeof(own), "rm -rf '%s'", dir);
	CHECK("cleanup", system(own) == 0);
}

int main(void)
{
	test_files();
	test_flags();
	test_mirror_maps();
	return CHECK_DONE();
}
