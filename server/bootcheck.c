/* See bootcheck.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "server/bootcheck.h"
#include "server/server.h"

int bzimage_release(const uint8_t *b, size_t len, char *out, size_t cap)
{
	if (len < 0x210 || memcmp(b + 0x202, "HdrS", 4) || (b[0x206] | b[0x207] << 8) < 0x200)
		return -EINVAL;
	size_t at = (size_t)(b[0x20e] | b[0x20f] << 8) + 0x200, n = 0;
	if (!(b[0x20e] | b[0x20f] << 8) || at >= len)
		return -EINVAL;
	while (at + n < len && n + 1 < cap && b[at + n] > ' ' && b[at + n] < 0x7f)
		n++;
	if (!n || cap == 0)
		return -EINVAL;
	memcpy(out, b + at, n);
	out[n] = '\0';
	return 0;
}

static uint64_t hex8(const uint8_t *p, bool *ok)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++) {
		int d = p[i] >= '0' && p[i] <= '9' ? p[i] - '0' : p[i] >= 'a' && p[i] <= 'f' ? p[i] - 'a' + 10
			: p[i] >= 'A' && p[i] <= 'F' ? p[i] - 'A' + 10 : -1;
		if (d < 0)
			*ok = false;
		v = v << 4 | (uint64_t)(d < 0 ? 0 : d);
	}
	return v;
}

/* The release in a name under lib/modules/, or "". */
static void release_of(const char *name, char *out, size_t cap)
{
	static const char *const dirs[] = { "lib/modules/", "usr/lib/modules/", "./lib/modules/", "./usr/lib/modules/" };
	out[0] = '\0';
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		size_t dl = strlen(dirs[i]);
		if (strncmp(name, dirs[i], dl))
			continue;
		size_t n = strcspn(name + dl, "/");
		if (n && n < cap) {
			memcpy(out, name + dl, n);
			out[n] = '\0';
		}
		return;
	}
}

/* A whole header and name in c->hdr: what comes next. */
static int header_done(struct cpio_scan *c, uint64_t filesize, uint64_t namesize)
{
	char name[sizeof(c->hdr) - 110 + 1];
	c->state = 2;
	if (namesize > sizeof(name) - 1 || namesize == 0)
		return 0;
	memcpy(name, c->hdr + 110, namesize);
	name[namesize - 1] = '\0';
	(void)filesize;
	if (!strcmp(name, "TRAILER!!!")) {
		c->state = 3;
		return 2;
	}
	release_of(name, c->release, sizeof(c->release));
	return c->release[0] ? 1 : 0;
}

int cpio_scan_feed(struct cpio_scan *c, const uint8_t *b, size_t len, size_t *used)
{
	size_t i = 0;
	int rc = 0;
	while (i < len && !rc) {
		if (c->state < 0 || c->state == 3)
			break;
		if (c->state == 2) {
			size_t n = c->skip < len - i ? (size_t)c->skip : len - i;
			c->skip -= n, i += n;
			if (!c->skip)
				c->state = 0, c->have = 0, c->need = 110;
			continue;
		}
		if (!c->need)
			c->need = 110;
		size_t want = (c->have < 6 ? 6 : c->need) - c->have, n = want < len - i ? want : len - i;
		memcpy(c->hdr + c->have, b + i, n);
		c->have += n, i += n;
		bool ok = true;
		if (c->have >= 6 && (memcmp(c->hdr, "07070", 5) || (c->hdr[5] != '1' && c->hdr[5] != '2'))) {
			c->state = -1;	/* said as soon as the magic is here */
			rc = -EINVAL;
			break;
		}
		if (c->have < c->need)
			continue;
		uint64_t filesize = hex8(c->hdr + 54, &ok), namesize = hex8(c->hdr + 94, &ok);
		if (!ok) {
			c->state = -1;
			rc = -EINVAL;
			break;
		}
		uint64_t name_total = ((110 + namesize + 3) & ~(uint64_t)3);
		if (c->state == 0 && name_total <= sizeof(c->hdr)) {
			c->state = 1, c->need = (size_t)name_total;
			continue;
		}
		/* the name is here (state 1), or too long to keep: passed over */
		uint64_t rest = c->state == 0 ? name_total - 110 : 0;
		c->skip = rest + ((filesize + 3) & ~(uint64_t)3);
		rc = c->state == 1 ? header_done(c, filesize, namesize) : (c->state = 2, 0);
		if (c->state == 2 && !c->skip)
			c->state = 0, c->have = 0, c->need = 110;
	}
	c->consumed += i;
	*used = i;
	return rc;
}

/* ---- reading the files ---- */

static ssize_t read_at(int dir, const char *name, uint8_t *buf, size_t cap)
{
	int fd = openat(dir, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = pread(fd, buf, cap, 0);
	close(fd);
	return n;
}

static const char *decompressor(const uint8_t *m, size_t n)
{
	if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b)
		return "gzip";
	if (n >= 4 && !memcmp(m, "\x28\xb5\x2f\xfd", 4))
		return "zstd";
	if (n >= 6 && !memcmp(m, "\xfd" "7zXZ", 5))
		return "xz";
	if (n >= 4 && (!memcmp(m, "\x02\x21\x4c\x18", 4) || !memcmp(m, "\x04\x22\x4d\x18", 4)))
		return "lz4";
	return NULL;
}

/* The rest of fd (from its offset) through `tool -dc` into the scan. */
static int scan_through(int fd, const char *tool, struct cpio_scan *c)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]), close(p[1]);
		return -errno;
	}
	if (pid == 0) {
		dup2(fd, 0), dup2(p[1], 1);
		int devnull = open("/dev/null", O_WRONLY);
		if (devnull >= 0)
			dup2(devnull, 2);
		execlp(tool, tool, "-dc", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	uint8_t buf[65536];
	ssize_t n;
	int rc = 0;
	size_t used;
	while (!rc && (n = read(p[0], buf, sizeof(buf))) > 0)
		rc = cpio_scan_feed(c, buf, (size_t)n, &used);
	close(p[0]);
	kill(pid, SIGTERM);	/* found early: the rest is not needed */
	int st;
	waitpid(pid, &st, 0);
	if (!rc && WIFEXITED(st) && WEXITSTATUS(st) == 127)
		return -ENOENT;
	return rc;
}

/* The release the initramfs's modules are for: "" when it has none or
 * cannot be read.  An uncompressed segment (microcode) may come first. */
static int initramfs_release(int dir, const char *name, char *out, size_t cap, const char **missing_tool)
{
	struct cpio_scan c = { 0 };
	uint8_t buf[65536];
	int fd = openat(dir, name, O_RDONLY | O_CLOEXEC), rc = 0;
	ssize_t n;
	size_t used = 0;
	off_t off = 0;
	out[0] = '\0';
	if (fd < 0)
		return -errno;
	while ((n = pread(fd, buf, sizeof(buf), off)) > 0) {
		if (c.state == 3 || (off == 0 && c.consumed == 0 && memcmp(buf, "0707", 4))) {
			size_t z = 0;	/* padding between segments */
			while (z < (size_t)n && !buf[z])
				z++;
			off += (off_t)z;
			if (z == (size_t)n)
				continue;
			if (n - (ssize_t)z >= 4 && !memcmp(buf + z, "0707", 4)) {	/* another uncompressed segment */
				c = (struct cpio_scan){ 0 };
				continue;
			}
			const char *tool = decompressor(buf + z, (size_t)n - z);
			struct cpio_scan inner = { 0 };
			lseek(fd, off, SEEK_SET);
			rc = tool ? scan_through(fd, tool, &inner) : -EINVAL;
			if (rc == -ENOENT)
				*missing_tool = tool;
			c = inner;
			break;
		}
		rc = cpio_scan_feed(&c, buf, (size_t)n, &used);
		off += (off_t)used;
		if (rc == 1 || rc < 0)
			break;
	}
	close(fd);
	snprintf(out, cap, "%s", c.release);
	return rc < 0 ? rc : 0;
}

/* The kernel's release against the modules its initramfs carries; paths
 * are relative to the boot folder (dir is "" or "images/NAME/"). */
static void warn_kernel_modules(const struct boot_files *f, const struct boot_image *im, FILE *log)
{
	uint8_t *k = malloc(65536);
	char krel[128] = "", irel[128] = "", kernel[256], initrd[256];
	const char *missing = NULL;
	if (!k)
		return;
	snprintf(kernel, sizeof(kernel), "%s%s", im->dir, im->kernel);
	snprintf(initrd, sizeof(initrd), "%s%s", im->dir, im->initrd);
	ssize_t n = read_at(f->root_fd, kernel, k, 65536);
	if (n > 0 && bzimage_release(k, (size_t)n, krel, sizeof(krel)) < 0)
		srv_line(log, LOG_PRIO_WARNING, "netboot-serve: warning: %s is not an x86 bzImage (no \"HdrS\" "
			 "header): pxelinux will not boot it", kernel);
	free(k);
	if (!krel[0])
		return;
	int rc = initramfs_release(f->root_fd, initrd, irel, sizeof(irel), &missing);
	if (missing)
		srv_line(log, LOG_PRIO_INFO, "netboot-serve: %s is %s-compressed and %s is not installed: its kernel "
			 "modules' release not checked", initrd, missing, missing);
	else if (rc < 0)
		srv_line(log, LOG_PRIO_WARNING, "netboot-serve: warning: %s is not a (compressed) newc cpio archive: "
			 "the kernel will not unpack it", initrd);
	else if (irel[0] && strcmp(irel, krel))
		srv_line(log, LOG_PRIO_WARNING, "netboot-serve: warning: %s is kernel %s but %s carries modules for %s: "
			 "the agent will load no drivers (no network); build the initramfs for this kernel "
			 "(make initramfs KERNEL_DIR=...) or use its kernel", kernel, krel, initrd, irel);
}

/* Every image of the folder (f->images): its stage-3 image, kernel and initrd. */
void warn_boot_files(const struct boot_files *f, const struct serve_config *cfg, FILE *log)
{
	bool served_here = cfg->do_tftp || cfg->do_nbd || (cfg->do_http && !cfg->http_url[0]);
	for (int i = 0; i < f->images.n; i++) {
		const struct boot_image *im = &f->images.img[i];
		uint8_t magic[4];
		char image[256];
		snprintf(image, sizeof(image), "%s%s", im->dir, im->image);
		ssize_t n = read_at(f->root_fd, image, magic, sizeof(magic));
		if (n < 0 && served_here && cfg->stage3 != STAGE3_NFS)
			srv_line(log, LOG_PRIO_WARNING, "netboot-serve: warning: no %s in %s: stage 3 from this server "
				 "will fail (\"%s\")", image, cfg->boot_dir, strerror((int)-n));
		else if (n >= 0 && (n < 4 || memcmp(magic, "hsqs", 4)))
			srv_line(log, LOG_PRIO_WARNING, "netboot-serve: warning: %s is not a squashfs image (it does not "
				 "start with \"hsqs\"): the agent will fail to mount it", image);
		warn_kernel_modules(f, im, log);
	}
}
