/* The files TFTP and HTTP serve: see files.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "fetch/hash.h"
#include "netboot/mac.h"
#include "server/config.h"
#include "server/files.h"
#include "server/ipxe.h"
#include "server/server.h"
#include "server/verity_sidecars.h"
#include "server/write_atomic.h"

/* Debian's loaders, served by these names unless the boot folder has its own:
 * pxelinux (BIOS, package pxelinux + syslinux-common) and syslinux.efi
 * (UEFI, package syslinux-efi), which reads the same pxelinux.cfg/. */
static const struct {
	const char *name, *host_path;
} debian_loaders[] = {
	{ "pxelinux.0", "/usr/lib/PXELINUX/pxelinux.0" },
	{ "lpxelinux.0", "/usr/lib/PXELINUX/lpxelinux.0" },
	{ "ldlinux.c32", "/usr/lib/syslinux/modules/bios/ldlinux.c32" },
	{ "syslinux.efi", "/usr/lib/SYSLINUX.EFI/efi64/syslinux.efi" },
	{ "ldlinux.e64", "/usr/lib/syslinux/modules/efi64/ldlinux.e64" },
	{ "syslinux-ia32.efi", "/usr/lib/SYSLINUX.EFI/efi32/syslinux.efi" },
	{ "ldlinux.e32", "/usr/lib/syslinux/modules/efi32/ldlinux.e32" },
	/* iPXE (package ipxe), for --ipxe and UEFI HTTP boot (server/ipxe.h) */
	{ IPXE_BIOS_LOADER, "/usr/lib/ipxe/undionly.kpxe" },
	{ IPXE_EFI_LOADER, "/usr/lib/ipxe/snponly.efi" },
	{ "ipxe.efi", "/usr/lib/ipxe/ipxe.efi" },
};
#define MENU_NAME "pxelinux.cfg/default"
#define MENU_MAX (256 * 1024)	/* 32 images x 4 entries fit many times over */

/* Kernel names the boot folder is searched for, in order. */
static const char *const kernel_names[] = { "vmlinuz", "rescue64", "rescuecd", "bzImage", "linux", "kernel" };

int files_open_walk(int root_fd, const char *path, int flags)
{
	int dfd = root_fd, rc = -ENOENT;

	while (*path) {
		size_t n = strcspn(path, "/");
		char comp[256];
		if (n >= sizeof(comp))
			return dfd == root_fd ? -ENAMETOOLONG : (close(dfd), -ENAMETOOLONG);
		memcpy(comp, path, n);
		comp[n] = '\0';
		path += n + strspn(path + n, "/");
		if (!strcmp(comp, "..")) {
			rc = -EXDEV;
			break;
		}
		bool last = !*path;
		int fd = openat(dfd, n ? comp : ".", last ? flags | O_NOFOLLOW | O_CLOEXEC
						  : O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		rc = fd < 0 ? -errno : fd;
		if (dfd != root_fd)
			close(dfd);
		if (fd < 0 || last)
			return rc;
		dfd = fd;
	}
	if (dfd != root_fd)
		close(dfd);
	return rc;
}

static int open_beneath(int root_fd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
	/* Kernels before 5.6 and valgrind (3.19) lack openat2: walk the path
	 * ourselves, refusing every symlink, not only those that leave. */
	if (fd < 0 && errno == ENOSYS)
		return files_open_walk(root_fd, path, flags);
	return fd < 0 ? -errno : (int)fd;
}

static bool exists_in(int root_fd, const char *name)
{
	struct stat st;
	return fstatat(root_fd, name, &st, 0) == 0 && S_ISREG(st.st_mode);
}


static void checksum_names(const char *image, char *md5_name, char *sha_name, size_t cap)
{
	char base[128];
	snprintf(base, sizeof(base), "%s", image);
	char *dot = strrchr(base, '.');
	if (dot)
		*dot = '\0';
	snprintf(md5_name, cap, "%s.md5", base);
	snprintf(sha_name, cap, "%s.sha256", base);
}

static struct image_id id_of(const struct stat *st)
{
	return (struct image_id){ true, st->st_dev, st->st_ino, st->st_size,
				  (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec };
}

static bool same_id(const struct image_id *a, const struct image_id *b)
{
	return a->present == b->present && (!a->present || (a->dev == b->dev && a->ino == b->ino &&
							     a->size == b->size && a->mtime_ns == b->mtime_ns));
}

/* MD5 and SHA-256 of fd in one read, as hex. */
static int hash_fd(int fd, char *md5_hex, char *sha_hex)
{
	struct hash_ctx md5, sha;
	hash_init(&md5, HASH_MD5);
	hash_init(&sha, HASH_SHA256);
	size_t cap = 1 << 20;
	uint8_t *buf = malloc(cap), d[HASH_MAX_DIGEST];
	ssize_t n = 0;
	if (!buf)
		return -ENOMEM;
	while ((n = read(fd, buf, cap)) > 0) {
		hash_update(&md5, buf, (size_t)n);
		hash_update(&sha, buf, (size_t)n);
	}
	int err = n < 0 ? -errno : 0;
	free(buf);
	if (err)
		return err;
	hash_hex(d, hash_final(&md5, d), md5_hex);
	hash_hex(d, hash_final(&sha, d), sha_hex);
	return 0;
}

/* name in the image's folder dfd: "HEX  IMAGE" (md5sum -c reads it beside
 * the image); the log names it with its folder dir. */
static int write_sum(int dfd, const char *dir, const char *image, const char *name, const char *hex, FILE *log,
		     struct errbuf *e)
{
	char line[400];
	snprintf(line, sizeof(line), "%s  %s\n", hex, image);
	int rc = write_atomic(dfd, name, line, e);
	if (!rc)
		srv_line(log, LOG_PRIO_INFO, "netboot-serve: wrote %s%s (%s)", dir, name, hex);
	return rc;
}

/* The dm-verity sidecars beside image im (server/verity_sidecars.h), by the
 * same rule as its checksum files.  Not fatal: a folder with current
 * checksums may be read-only to us; only verity's clients need them. */
static void write_verity(struct boot_files *f, int dfd, const struct boot_image *im, bool force)
{
	char note[400];
	struct errbuf ve = { "" };
	int rc = verity_sidecars_write(dfd, im->image, force, note, sizeof(note), &ve);
	if (rc >= 0 && note[0])
		srv_line(f->log, LOG_PRIO_INFO, "netboot-serve: %s%s%s", im->dir, im->dir[0] ? ": " : "", note);
	else if (rc < 0)
		srv_line(f->log, LOG_PRIO_WARNING, "netboot-serve: warning: %s%s%s: no dm-verity sidecars: clients "
			 "booting with verity will fail", im->dir, im->dir[0] ? ": " : "", ve.msg);
}

/* The folder of image im: the boot folder itself, or a new O_PATH fd. */
static int image_dir_fd(const struct boot_files *f, const struct boot_image *im)
{
	return im->dir[0] ? open_beneath(f->root_fd, im->dir, O_PATH | O_DIRECTORY) : f->root_fd;
}

/* sysrcd.md5 (what the seed's clients fetch) and sysrcd.sha256 beside
 * image i, from one read of it: when missing or older than the image, or
 * always (force: the image is another file than the one they were made
 * for).  Records which file they describe in f->image_id[i]. */
static int write_checksums(struct boot_files *f, int i, bool force, struct errbuf *e)
{
	const struct boot_image *im = &f->images.img[i];
	char md5_name[160], sha_name[160], sig_name[160];
	checksum_names(im->image, md5_name, sha_name, sizeof(md5_name));
	int dfd = image_dir_fd(f, im);
	if (dfd < 0)
		return nb_fail(e, dfd, "%s: %s", im->dir, strerror(-dfd));
	struct stat img, st;
	int fd = openat(dfd, im->image, O_RDONLY | O_CLOEXEC), rc = 0;
	if (fd < 0 || fstat(fd, &img) < 0 || !S_ISREG(img.st_mode)) {
		f->image_id[i] = (struct image_id){ false };	/* stage 3 from elsewhere (NBD/NFS/another URL), or not yet */
		goto out;
	}
	/* a signature is served as any file; we cannot sign (no secret key here), only say what clients will see */
	snprintf(sig_name, sizeof(sig_name), "%.120s.minisig", im->image);
	if (fstatat(dfd, sig_name, &st, 0) == 0)
		srv_line(f->log, st.st_mtime < img.st_mtime ? LOG_PRIO_WARNING : LOG_PRIO_INFO,
			 "netboot-serve: %s%s beside %s%s", im->dir, sig_name, im->image, st.st_mtime < img.st_mtime
			 ? ": OLDER than the image, clients with a key built in will refuse it if it was changed; sign it again"
			 : ": clients with a key built in check it");
	bool want_md5 = force || fstatat(dfd, md5_name, &st, 0) < 0 || st.st_mtime < img.st_mtime;
	bool want_sha = force || fstatat(dfd, sha_name, &st, 0) < 0 || st.st_mtime < img.st_mtime;
	char md5_hex[2 * HASH_MAX_DIGEST + 1], sha_hex[2 * HASH_MAX_DIGEST + 1];
	rc = want_md5 || want_sha ? hash_fd(fd, md5_hex, sha_hex) : 0;
	if (rc)
		rc = nb_fail(e, rc, "%s%s: cannot read: %s", im->dir, im->image, strerror(-rc));
	if (!rc && want_md5)
		rc = write_sum(dfd, im->dir, im->image, md5_name, md5_hex, f->log, e);
	if (!rc && want_sha)
		rc = write_sum(dfd, im->dir, im->image, sha_name, sha_hex, f->log, e);
	if (!rc)
		write_verity(f, dfd, im, force);
	if (!rc)
		f->image_id[i] = id_of(&img);
out:
	if (fd >= 0)
		close(fd);
	if (dfd != f->root_fd)
		close(dfd);
	return rc;
}

int boot_files_check_image(struct boot_files *f, int i, struct errbuf *e)
{
	const struct boot_image *im = &f->images.img[i];
	struct image_id now = { false }, *was = &f->image_id[i];
	struct stat st;
	int dfd = image_dir_fd(f, im);
	if (dfd >= 0 && fstatat(dfd, im->image, &st, 0) == 0 && S_ISREG(st.st_mode))
		now = id_of(&st);
	if (dfd >= 0 && dfd != f->root_fd)
		close(dfd);
	if (same_id(&now, was))
		return 0;
	if (now.present)
		srv_line(f->log, LOG_PRIO_WARNING, "netboot-serve: %s%s changed (%s, %lld bytes): writing its checksums "
			 "before serving it", im->dir, im->image, was->present ? (now.ino != was->ino ? "another file"
			 : "rewritten") : "new", (long long)now.size);
	else
		srv_line(f->log, LOG_PRIO_WARNING, "netboot-serve: %s%s is gone: stage 3 over HTTP, TFTP and NBD will "
			 "fail", im->dir, im->image);
	int rc = write_checksums(f, i, true, e);
	return rc < 0 ? rc : 1;
}

int boot_files_hexip(const char *name, uint32_t *net, int *prefix)
{
	uint32_t v = 0;
	int i = 0;
	for (; name[i]; i++) {
		char ch = name[i];
		int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
			: ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
		if (d < 0 || i == 8)
			return -EINVAL;
		v = v << 4 | (uint32_t)d;
	}
	if (i == 0)
		return -EINVAL;
	*prefix = 4 * i;
	*net = htonl(i == 8 ? v : v << (32 - 4 * i));
	return 0;
}

/* A memfd holding text: read with pread (the offset is shared by dups). */
static int memfd_with(const char *name, const char *text, size_t len)
{
	int fd = memfd_create(name, MFD_CLOEXEC);
	if (fd >= 0 && write(fd, text, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The pxelinux/syslinux text of entries[0..n) into buf: length or -ENOSPC. */
static int render_pxelinux(const struct serve_config *cfg, const struct boot_entry *en, int n, char *buf, size_t cap)
{
	int w = snprintf(buf, cap,
			 "# generated by netboot serve; put your own pxelinux.cfg/default in the boot folder to replace it\n"
			 "SERIAL 0 115200\nDEFAULT %s\nPROMPT %d\nTIMEOUT %u\n",
			 n ? en[0].label : "none", cfg->timeout_secs ? 1 : 0, cfg->timeout_secs * 10);
	if (w < 0 || (size_t)w >= cap)
		return -ENOSPC;
	size_t len = (size_t)w;
	for (int i = 0; i < n; i++) {
		w = snprintf(buf + len, cap - len,
			     "LABEL %s\n  MENU LABEL %s\n  KERNEL %s\n  INITRD %s\n  APPEND %s\n  IPAPPEND 2\n",
			     en[i].label, en[i].title, en[i].kernel, en[i].initrd, en[i].append);
		if (w < 0 || (size_t)w >= cap - len)
			return -ENOSPC;
		len += (size_t)w;
	}
	return (int)len;
}

int boot_files_menu(const struct boot_files *f, const struct host *h, const struct mirror_map *m, const char *self,
		    char *buf, size_t cap)
{
	int max = f->images.n * IMAGE_TRANSPORTS;
	struct boot_entry *en = calloc(max ? (size_t)max : 1, sizeof(*en));	/* ~3 KiB each: not on the stack */
	if (!en)
		return -ENOMEM;
	int n = boot_entries(f->cfg, &f->images, h, m, self, en, max);
	int len = n < 0 ? n : render_pxelinux(f->cfg, en, n, buf, cap);
	free(en);
	return len;
}

/* boot.ipxe for everyone, or for the clients of mirror map m: the same
 * entries as the pxelinux menu (server/entries.h), in iPXE's words. */
static int script_for(const struct boot_files *f, const struct mirror_map *m, const char *self, char *buf, size_t cap)
{
	int max = f->images.n * IMAGE_TRANSPORTS;
	struct boot_entry *en = calloc(max ? (size_t)max : 1, sizeof(*en));
	if (!en)
		return -ENOMEM;
	int n = boot_entries(f->cfg, &f->images, NULL, m, self, en, max);
	int len = n < 0 ? n : n == 0 ? -ENOENT : ipxe_script(en, n, f->cfg->timeout_secs, buf, cap);
	free(en);
	return len;
}

/* boot.ipxe, and one per mirror map, unless the folder has its own; with
 * --ipxe, the loaders PXE ROMs are chained to must exist. */
static int prepare_ipxe(struct boot_files *f, const struct serve_config *cfg, struct errbuf *e)
{
	static const char *const loaders[] = { IPXE_BIOS_LOADER, IPXE_EFI_LOADER };
	uint64_t size;
	for (int i = 0; cfg->ipxe == IPXE_CHAIN && i < 2; i++) {
		int fd = boot_files_open(f, loaders[i], &size, e);
		if (fd < 0)
			return nb_fail(e, -ENOENT, "--ipxe (PXEBOOTSRV_IPXE=yes): no %s in the boot folder nor in "
				       "/usr/lib/ipxe: install Debian's ipxe package", loaders[i]);
		close(fd);
	}
	if (cfg->ipxe == IPXE_OFF || exists_in(f->root_fd, IPXE_SCRIPT_NAME))
		return 0;
	size_t cap = 32768;
	char *text = malloc(cap);
	int rc = text ? 0 : -ENOMEM;
	for (int i = -1; !rc && i < SERVE_MAX_MIRROR_MAPS; i++) {
		if (i >= 0 && !cfg->mirrors[i].urls[0])
			continue;
		int len = script_for(f, i < 0 ? NULL : &cfg->mirrors[i], NULL, text, cap);
		int fd = len < 0 ? -1 : memfd_with("boot.ipxe", text, (size_t)len);
		if (fd < 0)
			rc = nb_fail(e, len < 0 ? len : -errno, "%s%s: %s", IPXE_SCRIPT_NAME,
				     i < 0 ? "" : " of a mirror map", len < 0 ? "too long for the settings given"
				     : strerror(errno));
		else if (i < 0)
			f->ipxe_fd = fd;
		else
			f->ipxe_map_fd[i] = fd;
	}
	free(text);
	return rc;
}

/* One menu per mirror map, made once: they depend on the settings only. */
static int prepare_map_menus(struct boot_files *f, const struct serve_config *cfg, struct errbuf *e)
{
	char *menu = malloc(MENU_MAX);
	if (!menu)
		return nb_fail(e, -ENOMEM, "the menus of the mirror maps: out of memory");
	int rc = 0;
	for (int i = 0; i < SERVE_MAX_MIRROR_MAPS && !rc; i++) {
		if (!cfg->mirrors[i].urls[0])
			continue;
		int len = boot_files_menu(f, NULL, &cfg->mirrors[i], NULL, menu, MENU_MAX);
		if (len < 0)
			rc = nb_fail(e, len, "the menu of mirror map %d: too long for the settings given", i + 1);
		else if ((f->map_fd[i] = memfd_with("pxelinux.cfg-mirrors", menu, (size_t)len)) < 0)
			rc = nb_fail(e, -errno, "the menu of mirror map %d: %s", i + 1, strerror(errno));
	}
	free(menu);
	return rc;
}

/* A kernel in dfd: given (when set), else the first of kernel_names. */
static bool find_kernel(int dfd, const char *given, char *out, size_t cap)
{
	for (size_t i = 0; i < sizeof(kernel_names) / sizeof(kernel_names[0]); i++) {
		const char *name = given[0] ? given : kernel_names[i];
		if (exists_in(dfd, name)) {
			snprintf(out, cap, "%s", name);
			return true;
		}
		if (given[0])
			break;
	}
	return false;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct boot_image *)a)->name, ((const struct boot_image *)b)->name);
}

/* DIR/images/NAME: the folders holding a kernel and the initrd, added in
 * name order; others are one log line each. */
static void scan_image_dirs(int root_fd, const struct serve_config *cfg, const char *kernel_given,
			    struct boot_images *imgs, FILE *log)
{
	int dfd = openat(root_fd, "images", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return;
	}
	int first = imgs->n;
	for (struct dirent *de; (de = readdir(d));) {
		struct boot_image im = { .has_image = false };
		if (!hosts_image_name_ok(de->d_name, strlen(de->d_name)))
			continue;	/* ".", "..", hidden files, names no menu could carry */
		snprintf(im.name, sizeof(im.name), "%.63s", de->d_name);
		snprintf(im.dir, sizeof(im.dir), "images/%.63s/", de->d_name);
		int sub = open_beneath(root_fd, im.dir, O_PATH | O_DIRECTORY);
		if (sub < 0)
			continue;	/* a file, or a link out of the folder */
		bool ok = find_kernel(sub, kernel_given, im.kernel, sizeof(im.kernel)) && exists_in(sub, cfg->initrd);
		snprintf(im.initrd, sizeof(im.initrd), "%s", cfg->initrd);
		snprintf(im.image, sizeof(im.image), "%s", cfg->image);
		im.has_image = exists_in(sub, cfg->image);
		close(sub);
		if (!ok)
			srv_line(log, LOG_PRIO_WARNING, "netboot-serve: %s: no kernel (%s) or no %s: not an image, skipped",
				 im.dir, kernel_given[0] ? kernel_given : "vmlinuz, rescue64, ...", cfg->initrd);
		else if (imgs->n == SERVE_MAX_IMAGES)
			srv_line(log, LOG_PRIO_WARNING, "netboot-serve: %s: more than %d images, skipped", im.dir,
				 SERVE_MAX_IMAGES);
		else if (ok && imgs->n < SERVE_MAX_IMAGES)
			imgs->img[imgs->n++] = im;
	}
	closedir(d);
	qsort(imgs->img + first, (size_t)(imgs->n - first), sizeof(imgs->img[0]), by_name);
}

/* "(top level), debian, rescue" for messages. */
static const char *image_names(const struct boot_images *imgs, char *buf, size_t cap)
{
	size_t len = 0;
	buf[0] = '\0';
	for (int i = 0; i < imgs->n && len < cap; i++) {
		int w = snprintf(buf + len, cap - len, "%s%s", i ? ", " : "",
				 imgs->img[i].name[0] ? imgs->img[i].name : "(top level)");
		len += w > 0 ? (size_t)w : 0;
	}
	return imgs->n ? buf : "none";
}

/* The default image first: --default-image, else the top level. */
static int choose_default(const struct serve_config *cfg, struct boot_images *imgs, struct errbuf *e)
{
	char names[512];
	if (!cfg->default_image[0])
		return 0;
	const struct boot_image *d = boot_images_find(imgs, cfg->default_image);
	if (!d)
		return nb_fail(e, -ENOENT, "--default-image %s: no folder %s/images/%s with a kernel and %s "
			       "(images found: %s)", cfg->default_image, cfg->boot_dir, cfg->default_image, cfg->initrd,
			       image_names(imgs, names, sizeof(names)));
	struct boot_image keep = *d;
	int at = (int)(d - imgs->img);
	memmove(&imgs->img[1], &imgs->img[0], (size_t)at * sizeof(keep));
	imgs->img[0] = keep;
	return 0;
}

/* Every host's image= must be one of the images found. */
static int check_host_images(const struct serve_config *cfg, const struct boot_images *imgs, struct errbuf *e)
{
	char names[512];
	for (int i = 0; i < cfg->hosts.n; i++) {
		const struct host *h = &cfg->hosts.h[i];
		if (h->image[0] && !boot_images_find(imgs, h->image))
			return nb_fail(e, -ENOENT, "%s line %u: image=%s: expected an image of %s/images (found: %s)",
				       cfg->hosts_file, h->line, h->image, cfg->boot_dir,
				       image_names(imgs, names, sizeof(names)));
	}
	return 0;
}

int boot_images_scan(int root_fd, struct serve_config *cfg, struct boot_images *imgs, FILE *log, struct errbuf *e)
{
	char given[sizeof(cfg->kernel)];
	snprintf(given, sizeof(given), "%s", cfg->kernel);
	memset(imgs, 0, sizeof(*imgs));
	struct boot_image *top = &imgs->img[0];
	bool found = find_kernel(root_fd, given, top->kernel, sizeof(top->kernel));
	if (found) {
		if (!exists_in(root_fd, cfg->initrd))
			return nb_fail(e, -ENOENT, "boot folder %s: no %s (make initramfs builds build/initram.igz)",
				       cfg->boot_dir, cfg->initrd);
		snprintf(cfg->kernel, sizeof(cfg->kernel), "%s", top->kernel);
		snprintf(top->initrd, sizeof(top->initrd), "%s", cfg->initrd);
		snprintf(top->image, sizeof(top->image), "%s", cfg->image);
		top->has_image = exists_in(root_fd, cfg->image);
		imgs->n = 1;
	}
	scan_image_dirs(root_fd, cfg, given, imgs, log);
	if (!imgs->n && given[0])
		return nb_fail(e, -ENOENT, "boot folder %s: no kernel file %s", cfg->boot_dir, given);
	if (!imgs->n)
		return nb_fail(e, -ENOENT, "boot folder %s: no kernel (looked for vmlinuz, rescue64, rescuecd, bzImage, "
			       "linux, kernel, and images/NAME/ holding one): give --kernel NAME", cfg->boot_dir);
	int rc = choose_default(cfg, imgs, e);
	return rc ? rc : check_host_images(cfg, imgs, e);
}

void boot_images_print(const struct serve_config *cfg, FILE *out)
{
	struct serve_config *c = malloc(sizeof(*c));
	struct boot_images *imgs = malloc(sizeof(*imgs));
	struct errbuf e = { "" };
	int fd = cfg->boot_dir[0] ? open(cfg->boot_dir, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
	if (!c || !imgs || fd < 0) {
		fprintf(out, "images = (boot folder %s: %s)\n", cfg->boot_dir[0] ? cfg->boot_dir : "not given",
			fd < 0 && cfg->boot_dir[0] ? strerror(errno) : "unreadable");
	} else if (*c = *cfg, boot_images_scan(fd, c, imgs, NULL, &e) < 0) {
		fprintf(out, "images = (%s)\n", e.msg);
	} else {
		for (int i = 0; i < imgs->n; i++) {
			const struct boot_image *im = &imgs->img[i];
			fprintf(out, "image = %s%s: %s%s %s%s %s%s%s\n", im->name[0] ? im->name : "(top level)",
				i == 0 ? " (default)" : "", im->dir, im->kernel, im->dir, im->initrd, im->dir, im->image,
				im->has_image ? "" : " (missing)");
		}
	}
	if (fd >= 0)
		close(fd);
	free(c);
	free(imgs);
}

int boot_files_role(const struct boot_files *f, const char *path)
{
	char p[sizeof(f->images.img[0].dir) + sizeof(f->images.img[0].kernel)];
	while (*path == '/')
		path++;
	for (int i = 0; i < f->images.n; i++) {
		const struct boot_image *im = &f->images.img[i];
		const char *names[] = { im->kernel, im->initrd, im->image };
		for (int k = 0; k < 3; k++) {
			snprintf(p, sizeof(p), "%s%s", im->dir, names[k]);
			if (names[k][0] && !strcmp(path, p))
				return k < 2 ? BOOT_ROLE_KERNEL : BOOT_ROLE_IMAGE;
		}
	}
	return BOOT_ROLE_OTHER;
}

/* The checksum files beside each image. */
static int write_all_checksums(struct boot_files *f, struct errbuf *e)
{
	for (int i = 0; i < f->images.n; i++) {
		int rc = write_checksums(f, i, false, e);
		if (rc)
			return rc;
	}
	return 0;
}

int boot_files_check(const struct serve_config *cfg, struct errbuf *e)
{
	/* on a copy: the scan fills in cfg->kernel, which would then narrow the
	 * server's own scan of images/NAME/ to that one kernel name */
	struct serve_config *c = malloc(sizeof(*c));
	struct boot_images *imgs = malloc(sizeof(*imgs));	/* large: off the stack */
	int fd = open(cfg->boot_dir, O_PATH | O_DIRECTORY | O_CLOEXEC), rc;
	if (fd < 0)
		rc = nb_fail(e, -errno, "boot folder %s: %s", cfg->boot_dir, strerror(errno));
	else if (!c || !imgs)
		rc = nb_fail(e, -ENOMEM, "out of memory");
	else
		*c = *cfg, rc = boot_images_scan(fd, c, imgs, NULL, e);
	if (fd >= 0)
		close(fd);
	free(imgs);
	free(c);
	return rc;
}

static int prepare(struct boot_files *f, struct serve_config *cfg, FILE *log, bool checksums, struct errbuf *e)
{
	memset(f, 0, sizeof(*f));
	f->log = log;
	f->menu_fd = f->ipxe_fd = -1;
	for (int i = 0; i < SERVE_MAX_MIRROR_MAPS; i++)
		f->map_fd[i] = f->ipxe_map_fd[i] = -1;
	f->cfg = cfg;
	f->root_fd = open(cfg->boot_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (f->root_fd < 0)
		return nb_fail(e, -errno, "boot folder %s: %s", cfg->boot_dir, strerror(errno));
	int rc = boot_images_scan(f->root_fd, cfg, &f->images, log, e);
	if (!rc && checksums)
		rc = write_all_checksums(f, e);
	if (rc)
		return rc;
	if (f->images.n > 1 || f->images.img[0].name[0]) {
		char names[512];
		srv_line(log, LOG_PRIO_INFO, "netboot-serve: images: %s; default %s",
			 image_names(&f->images, names, sizeof(names)),
			 f->images.img[0].name[0] ? f->images.img[0].name : "(top level)");
	}
	for (size_t i = 0; i < sizeof(debian_loaders) / sizeof(debian_loaders[0]); i++)
		if (access(debian_loaders[i].host_path, R_OK) == 0 && f->nextra < BOOT_FILES_MAX_EXTRA) {
			f->extra[f->nextra].name = debian_loaders[i].name;
			f->extra[f->nextra++].host_path = debian_loaders[i].host_path;
		}
	if (!exists_in(f->root_fd, MENU_NAME)) {
		char *menu = malloc(MENU_MAX);
		int len = menu ? boot_files_menu(f, NULL, NULL, NULL, menu, MENU_MAX) : -ENOMEM;
		if (len >= 0 && (f->menu_fd = memfd_with("pxelinux.cfg-default", menu, (size_t)len)) < 0)
			len = -errno;
		free(menu);
		if (len < 0)
			return nb_fail(e, len, "pxelinux.cfg/default: %s", len == -ENOSPC ? "too long for the settings given"
				       : strerror(-len));
	}
	rc = prepare_map_menus(f, cfg, e);
	return rc ? rc : prepare_ipxe(f, cfg, e);
}

int boot_files_prepare(struct boot_files *f, struct serve_config *cfg, FILE *log, struct errbuf *e)
{
	return prepare(f, cfg, log, true, e);
}

/* After a rescan: each image of n found again by its folder keeps what its
 * checksum files describe (from old), then is checked; a new one has them
 * written when missing or older.  How many changed, or <0. */
static int recheck_images(struct boot_files *n, const struct boot_files *old)
{
	int changed = 0, rc = 0;
	for (int i = 0; i < n->images.n; i++) {
		struct errbuf ce = { "" };
		const struct boot_image *was = NULL;
		for (int j = 0; j < old->images.n && !was; j++)
			if (!strcmp(old->images.img[j].dir, n->images.img[i].dir) &&
			    !strcmp(old->images.img[j].image, n->images.img[i].image))
				was = &old->images.img[j];
		int r;
		if (was) {
			n->image_id[i] = old->image_id[was - old->images.img];
			r = boot_files_check_image(n, i, &ce);
		} else {
			r = write_checksums(n, i, false, &ce);
		}
		if (r < 0) {
			srv_line(n->log, LOG_PRIO_ERR, "netboot-serve: %s", ce.msg);
			rc = r;
		}
		changed += r > 0;
	}
	return rc < 0 ? rc : changed;
}

int boot_files_reload(struct boot_files *f, struct serve_config *cfg, struct errbuf *e)
{
	struct boot_files *n = malloc(sizeof(*n));
	if (!n)
		return nb_fail(e, -ENOMEM, "out of memory");
	int rc = prepare(n, cfg, f->log, false, e);
	if (rc < 0) {
		boot_files_close(n);
		free(n);
		return rc;
	}
	rc = recheck_images(n, f);	/* the new settings apply even when only the checksums failed */
	boot_files_close(f);
	*f = *n;
	free(n);
	return rc;
}

void boot_files_close(struct boot_files *f)
{
	if (f->root_fd > 0)
		close(f->root_fd);
	if (f->menu_fd >= 0)
		close(f->menu_fd);
	if (f->ipxe_fd >= 0)
		close(f->ipxe_fd);
	f->root_fd = f->menu_fd = f->ipxe_fd = -1;
	for (int i = 0; i < SERVE_MAX_MIRROR_MAPS; i++) {
		if (f->map_fd[i] >= 0)
			close(f->map_fd[i]);
		if (f->ipxe_map_fd[i] >= 0)
			close(f->ipxe_map_fd[i]);
		f->map_fd[i] = f->ipxe_map_fd[i] = -1;
	}
}

static int opened(int fd, uint64_t *size, const char *path, struct errbuf *e)
{
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return nb_fail(e, -EACCES, "%s: not a regular file", path);
	}
	*size = (uint64_t)st.st_size;
	return fd;
}

/* The mirror map whose menu answers pxelinux.cfg/<hex IP>, or -1. */
static int map_of_path(const struct boot_files *f, const char *path)
{
	uint32_t net;
	int prefix;
	if (!f->cfg || strncmp(path, "pxelinux.cfg/", 13) || boot_files_hexip(path + 13, &net, &prefix) < 0)
		return -1;
	const struct mirror_map *m = mirror_map_find(f->cfg->mirrors, SERVE_MAX_MIRROR_MAPS, net, prefix);
	int i = m ? (int)(m - f->cfg->mirrors) : -1;
	return i >= 0 && f->map_fd[i] >= 0 ? i : -1;
}

/* pxelinux.cfg/01-<mac> of a host with an image or arguments of its own:
 * its menu, made now (the hosts are many, their menus small).  A memfd,
 * -ENOENT when path is no such name, or another negative errno. */
static int host_menu(const struct boot_files *f, const char *path, const char *self, struct errbuf *e)
{
	uint8_t mac[6];
	if (!f->cfg || strncmp(path, "pxelinux.cfg/01-", 16) || !mac_parse(path + 16, strlen(path + 16), mac))
		return -ENOENT;
	const struct host *h = hosts_find(&f->cfg->hosts, mac);
	if (!h || (!h->image[0] && !h->args[0]))
		return -ENOENT;	/* nothing of its own: pxelinux goes on to its address, then default */
	/* a fixed address inside a mapped subnet: that subnet's mirrors */
	const struct mirror_map *m = h->ip ? mirror_map_find(f->cfg->mirrors, SERVE_MAX_MIRROR_MAPS, h->ip, 32) : NULL;
	char *menu = malloc(MENU_MAX);
	int len = menu ? boot_files_menu(f, h, m, self, menu, MENU_MAX) : -ENOMEM;
	int fd = len >= 0 ? memfd_with("pxelinux.cfg-host", menu, (size_t)len) : len;
	free(menu);
	if (fd < 0)
		return nb_fail(e, -EIO, "%s: the host's menu: %s", path, len < 0 ? strerror(-len) : strerror(errno));
	return fd;
}

/* boot-01-<mac>.ipxe of a host with an image or arguments of its own (the
 * name server/ipxe.c gives such a host's iPXE): its script, from the same
 * entries as its pxelinux menu.  A memfd, -ENOENT when path is no such
 * name, or another negative errno. */
static int host_script(const struct boot_files *f, const char *path, const char *self, struct errbuf *e)
{
	uint8_t mac[6];
	size_t n = strlen(path);
	if (!f->cfg || strncmp(path, "boot-01-", 8) || n < 8 + 5 || strcmp(path + n - 5, ".ipxe") ||
	    !mac_parse(path + 8, n - 8 - 5, mac))
		return -ENOENT;
	const struct host *h = hosts_find(&f->cfg->hosts, mac);
	if (!h || (!h->image[0] && !h->args[0]))
		return -ENOENT;
	const struct mirror_map *m = h->ip ? mirror_map_find(f->cfg->mirrors, SERVE_MAX_MIRROR_MAPS, h->ip, 32) : NULL;
	int max = f->images.n * IMAGE_TRANSPORTS;
	struct boot_entry *en = calloc(max ? (size_t)max : 1, sizeof(*en));
	char *text = malloc(MENU_MAX);
	int cnt = en && text ? boot_entries(f->cfg, &f->images, h, m, self, en, max) : -ENOMEM;
	int len = cnt < 0 ? cnt : cnt == 0 ? -ENOENT : ipxe_script(en, cnt, f->cfg->timeout_secs, text, MENU_MAX);
	int fd = len >= 0 ? memfd_with("boot-host.ipxe", text, (size_t)len) : len;
	free(en);
	free(text);
	if (fd < 0)
		return nb_fail(e, -EIO, "%s: the host's iPXE script: %s", path, len < 0 ? strerror(-len) : strerror(errno));
	return fd;
}

/* A generated menu (script: boot.ipxe) whose URLs name self, not the
 * address of the ones made at start (a client that came over IPv6, or
 * to another IPv4 address when none is LOCALIP): made now.  A memfd, or
 * a negative errno. */
static int made_now(const struct boot_files *f, bool script, const struct mirror_map *m, const char *self)
{
	char *text = malloc(MENU_MAX);
	int len = !text ? -ENOMEM : script ? script_for(f, m, self, text, MENU_MAX)
					   : boot_files_menu(f, NULL, m, self, text, MENU_MAX);
	int fd = len >= 0 ? memfd_with(script ? "boot.ipxe" : "pxelinux.cfg", text, (size_t)len) : len;
	if (len >= 0 && fd < 0)
		fd = -errno;
	free(text);
	return fd;
}

/* The generated boot.ipxe for a client at ip (network order; 0 = none):
 * its mirror map's, else the default, made now for self when not NULL;
 * -ENOENT when path is not the script. */
static int script_fd(const struct boot_files *f, const char *path, uint32_t ip, const char *self)
{
	if (strcmp(path, IPXE_SCRIPT_NAME) || f->ipxe_fd < 0)
		return -ENOENT;
	const struct mirror_map *m = ip && f->cfg ? mirror_map_find(f->cfg->mirrors, SERVE_MAX_MIRROR_MAPS, ip, 32) : NULL;
	int i = m ? (int)(m - f->cfg->mirrors) : -1;
	if (self)
		return made_now(f, true, i >= 0 && f->ipxe_map_fd[i] >= 0 ? m : NULL, self);
	int fd = fcntl(i >= 0 && f->ipxe_map_fd[i] >= 0 ? f->ipxe_map_fd[i] : f->ipxe_fd, F_DUPFD_CLOEXEC, 0);
	return fd < 0 ? -errno : fd;
}

/* A copy of a menu made at start (its file offset shared: readers use
 * pread), or one made now for self when not NULL. */
static int menu_copy(const struct boot_files *f, int fd, const struct mirror_map *m, const char *self)
{
	if (self)
		return made_now(f, false, m, self);
	int c = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	return c < 0 ? -errno : c;
}

/* The image whose stage-3 file or checksum file path is, or -1. */
static int image_of_path(const struct boot_files *f, const char *path)
{
	char md5_name[160], sha_name[160];
	for (int i = 0; i < f->images.n; i++) {
		const struct boot_image *im = &f->images.img[i];
		size_t dl = strlen(im->dir);
		if (!im->image[0] || strncmp(path, im->dir, dl))
			continue;
		checksum_names(im->image, md5_name, sha_name, sizeof(md5_name));
		const char *name = path + dl;
		if (!strcmp(name, im->image) || !strcmp(name, md5_name) || !strcmp(name, sha_name))
			return i;
	}
	return -1;
}

int boot_files_open(struct boot_files *f, const char *path, uint64_t *size, struct errbuf *e)
{
	return boot_files_open_from(f, path, 0, NULL, size, e);
}

int boot_files_open_from(struct boot_files *f, const char *path, uint32_t client_ip, const char *self,
			 uint64_t *size, struct errbuf *e)
{
	char shown[160];
	nb_sanitize(shown, sizeof(shown), path, strlen(path));
	while (*path == '/')	/* "/pxelinux.0" from TFTP clients and every HTTP path */
		path++;
	if (!*path)
		return nb_fail(e, -ENOENT, "empty file name");
	/* an image replaced while we run: its new checksums first (a stat per request) */
	int img = image_of_path(f, path);
	if (img >= 0) {
		struct errbuf ce = { "" };
		if (boot_files_check_image(f, img, &ce) < 0)
			srv_line(f->log, LOG_PRIO_ERR, "netboot-serve: %s", ce.msg);
	}
	int fd = open_beneath(f->root_fd, path, O_RDONLY);
	if (fd >= 0)
		return opened(fd, size, shown, e);
	if (fd == -EXDEV || fd == -ELOOP)
		return nb_fail(e, -EACCES, "%s: outside the boot folder, refused", shown);
	if (fd != -ENOENT && fd != -ENOTDIR)
		return nb_fail(e, fd == -EACCES ? -EACCES : fd, "%s: %s", shown, strerror(-fd));
	int host = host_menu(f, path, self, e);
	if (host == -ENOENT)
		host = host_script(f, path, self, e);
	if (host != -ENOENT)
		return host < 0 ? host : opened(host, size, shown, e);
	/* the menus made at start name the IPv4 address: a client that
	 * reached us at another is given its own */
	char own[SERVE_HOST_MAX];
	const char *other = self && f->cfg && strcmp(self, serve_url_host(f->cfg, NULL, own)) ? self : NULL;
	int map = map_of_path(f, path), gen = -ENOENT;
	if (map >= 0)
		gen = menu_copy(f, f->map_fd[map], &f->cfg->mirrors[map], other);
	if (gen == -ENOENT)
		gen = script_fd(f, path, client_ip, other);
	if (gen == -ENOENT && f->menu_fd >= 0 && !strcmp(path, MENU_NAME))
		gen = menu_copy(f, f->menu_fd, NULL, other);
	if (gen >= 0)
		return opened(gen, size, shown, e);
	if (gen != -ENOENT)
		return nb_fail(e, gen, "%s: the generated menu for a client at %s: %s", shown, other ? other : "the IPv4 address",
			       gen == -ENOSPC ? "too long" : strerror(-gen));
	for (int i = 0; i < f->nextra; i++)
		if (!strcmp(path, f->extra[i].name)) {
			int x = open(f->extra[i].host_path, O_RDONLY | O_CLOEXEC);
			if (x >= 0)
				return opened(x, size, shown, e);
		}
	return nb_fail(e, -ENOENT, "%s: not found", shown);
}
