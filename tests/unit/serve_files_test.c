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

static int open_rc(const struct boot_files *f, const char *path)
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
	CHECK("prepare", boot_files_prepare(&f, &c, &e) == 0);
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
	CHECK("prepare again", boot_files_prepare(&f, &c, &e) == 0);
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
	CHECK("no kernel: error", boot_files_prepare(&f, &c, &e) == -ENOENT && strstr(e.msg, "--kernel"));
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
	serve_config_stage3_arg(&c, STAGE3_NBD, arg, sizeof(arg));
	CHECK_STR("nbd append", arg, "netboot=nbd://192.0.2.1:2000/sysrcd.dat");

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

int main(void)
{
	test_files();
	test_flags();
	return CHECK_DONE();
}
