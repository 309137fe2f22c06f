/* The files TFTP and HTTP serve: see files.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "fetch/hash.h"
#include "server/config.h"
#include "server/files.h"

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
};
#define MENU_NAME "pxelinux.cfg/default"

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

/* Writes text to dir/name through a temporary file and rename(2). */
static int write_atomic(int dir_fd, const char *name, const char *text, struct errbuf *e)
{
	char tmp[160];
	snprintf(tmp, sizeof(tmp), ".%s.tmp", name);
	int fd = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return nb_fail(e, -errno, "%s: cannot write: %s", name, strerror(errno));
	size_t len = strlen(text);
	int rc = write(fd, text, len) == (ssize_t)len && fsync(fd) == 0 ? 0 : -EIO;
	close(fd);
	if (!rc && renameat(dir_fd, tmp, dir_fd, name) < 0)
		rc = -errno;
	if (rc) {
		unlinkat(dir_fd, tmp, 0);
		return nb_fail(e, rc, "%s: cannot write: %s", name, strerror(-rc));
	}
	return 0;
}

/* sysrcd.md5 (what the seed's clients fetch) and sysrcd.sha256, from one
 * read of the image, when missing or older than the image. */
static int write_checksums(int root_fd, const char *image, FILE *log, struct errbuf *e)
{
	char base[128], md5_name[160], sha_name[160];
	snprintf(base, sizeof(base), "%s", image);
	char *dot = strrchr(base, '.');
	if (dot)
		*dot = '\0';
	snprintf(md5_name, sizeof(md5_name), "%s.md5", base);
	snprintf(sha_name, sizeof(sha_name), "%s.sha256", base);
	struct stat img, st;
	if (fstatat(root_fd, image, &img, 0) < 0)
		return 0;	/* no image: stage 3 is served from elsewhere (NBD/NFS/another URL) */
	/* a signature is served as any file; we cannot sign (no secret key here), only say what clients will see */
	char sig_name[160];
	snprintf(sig_name, sizeof(sig_name), "%.120s.minisig", image);
	if (log && fstatat(root_fd, sig_name, &st, 0) == 0)
		fprintf(log, "netboot-serve: %s beside %s%s\n", sig_name, image, st.st_mtime < img.st_mtime
			? ": OLDER than the image, clients with a key built in will refuse it if it was changed; sign it again"
			: ": clients with a key built in check it");
	bool want_md5 = fstatat(root_fd, md5_name, &st, 0) < 0 || st.st_mtime < img.st_mtime;
	bool want_sha = fstatat(root_fd, sha_name, &st, 0) < 0 || st.st_mtime < img.st_mtime;
	if (!want_md5 && !want_sha)
		return 0;
	int fd = openat(root_fd, image, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nb_fail(e, -errno, "%s: %s", image, strerror(errno));
	struct hash_ctx md5, sha;
	hash_init(&md5, HASH_MD5);
	hash_init(&sha, HASH_SHA256);
	size_t cap = 1 << 20;
	uint8_t *buf = malloc(cap);
	ssize_t n = 0;
	while (buf && (n = read(fd, buf, cap)) > 0) {
		hash_update(&md5, buf, (size_t)n);
		hash_update(&sha, buf, (size_t)n);
	}
	int err = errno;
	free(buf);
	close(fd);
	if (!buf || n < 0)
		return nb_fail(e, buf ? -err : -ENOMEM, "%s: cannot read: %s", image, strerror(buf ? err : ENOMEM));
	uint8_t d[HASH_MAX_DIGEST];
	char hex[2 * HASH_MAX_DIGEST + 1], line[400];
	int rc = 0;
	size_t dl = hash_final(&md5, d);
	if (want_md5) {
		hash_hex(d, dl, hex);
		snprintf(line, sizeof(line), "%s  %s\n", hex, image);
		rc = write_atomic(root_fd, md5_name, line, e);
		if (!rc && log)
			fprintf(log, "netboot-serve: wrote %s (%s)\n", md5_name, hex);
	}
	dl = hash_final(&sha, d);
	if (!rc && want_sha) {
		hash_hex(d, dl, hex);
		snprintf(line, sizeof(line), "%s  %s\n", hex, image);
		rc = write_atomic(root_fd, sha_name, line, e);
		if (!rc && log)
			fprintf(log, "netboot-serve: wrote %s (%s)\n", sha_name, hex);
	}
	return rc;
}

/* The mirror map's URLs become the HTTP entry, and the default one. */
int boot_files_menu_for(const struct serve_config *cfg, const struct mirror_map *m, char *buf, size_t cap)
{
	if (!m)
		return boot_files_menu(cfg, buf, cap);
	struct serve_config *c = malloc(sizeof(*c));	/* ~10 KiB: not on the stack of the serve loop */
	if (!c)
		return -ENOMEM;
	*c = *cfg;
	c->stage3 = STAGE3_HTTP;
	snprintf(c->http_url, sizeof(c->http_url), "%s", m->urls);
	int n = boot_files_menu(c, buf, cap);
	free(c);
	return n;
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

int boot_files_menu(const struct serve_config *cfg, char *buf, size_t cap)
{
	static const char *const labels[] = { "netboot-http", "netboot-tftp", "netboot-nbd", "netboot-nfs" };
	size_t len = 0;
	int n = snprintf(buf, cap,
			 "# generated by netboot serve; put your own pxelinux.cfg/default in the boot folder to replace it\n"
			 "SERIAL 0 115200\nDEFAULT %s\nPROMPT %d\nTIMEOUT %u\n",
			 labels[cfg->stage3], cfg->timeout_secs ? 1 : 0, cfg->timeout_secs * 10);
	if (n < 0 || (size_t)n >= cap)
		return -ENOSPC;
	len = (size_t)n;
	/* the default entry first, then every other way this server can serve */
	for (int pass = 0; pass < 2; pass++)
		for (int k = STAGE3_HTTP; k <= STAGE3_NFS; k++) {
			bool offered = k == (int)cfg->stage3 ||
				       (k == STAGE3_HTTP && (cfg->do_http || cfg->http_url[0])) ||
				       (k == STAGE3_TFTP && cfg->do_tftp) || (k == STAGE3_NBD && cfg->do_nbd) ||
				       (k == STAGE3_NFS && cfg->nfs_url[0]);
			if (!offered || (pass == 0) != (k == (int)cfg->stage3))
				continue;
			char arg[700];
			if (serve_config_stage3_arg(cfg, (enum stage3_kind)k, arg, sizeof(arg)) < 0)
				return -ENOSPC;
			n = snprintf(buf + len, cap - len,
				     "LABEL %s\n  MENU LABEL netboot: stage 3 over %s\n  KERNEL %s\n  INITRD %s\n"
				     "  APPEND %s%s%s\n  IPAPPEND 2\n",
				     labels[k], stage3_name((enum stage3_kind)k), cfg->kernel, cfg->initrd, arg,
				     cfg->extra[0] ? " " : "", cfg->extra);
			if (n < 0 || (size_t)n >= cap - len)
				return -ENOSPC;
			len += (size_t)n;
		}
	return (int)len;
}

/* One menu per mirror map, made once: they depend on the settings only. */
static int prepare_map_menus(struct boot_files *f, const struct serve_config *cfg, struct errbuf *e)
{
	char menu[8192];
	for (int i = 0; i < SERVE_MAX_MIRROR_MAPS; i++) {
		if (!cfg->mirrors[i].urls[0])
			continue;
		int len = boot_files_menu_for(cfg, &cfg->mirrors[i], menu, sizeof(menu));
		if (len < 0)
			return nb_fail(e, len, "the menu of mirror map %d: too long for the settings given", i + 1);
		if ((f->map_fd[i] = memfd_with("pxelinux.cfg-mirrors", menu, (size_t)len)) < 0)
			return nb_fail(e, -errno, "the menu of mirror map %d: %s", i + 1, strerror(errno));
	}
	return 0;
}

/* The kernel (found when cfg names none) and the initrd in the boot folder:
 * no side effects, so --print-config can run it too. */
static int find_boot_files(int root_fd, struct serve_config *cfg, struct errbuf *e)
{
	if (!cfg->kernel[0]) {
		for (size_t i = 0; i < sizeof(kernel_names) / sizeof(kernel_names[0]) && !cfg->kernel[0]; i++)
			if (exists_in(root_fd, kernel_names[i]))
				snprintf(cfg->kernel, sizeof(cfg->kernel), "%s", kernel_names[i]);
		if (!cfg->kernel[0])
			return nb_fail(e, -ENOENT, "boot folder %s: no kernel (looked for vmlinuz, rescue64, "
				       "rescuecd, bzImage, linux, kernel): give --kernel NAME", cfg->boot_dir);
	} else if (!exists_in(root_fd, cfg->kernel)) {
		return nb_fail(e, -ENOENT, "boot folder %s: no kernel file %s", cfg->boot_dir, cfg->kernel);
	}
	if (!exists_in(root_fd, cfg->initrd))
		return nb_fail(e, -ENOENT, "boot folder %s: no %s (make initramfs builds build/initram.igz)",
			       cfg->boot_dir, cfg->initrd);
	return 0;
}

int boot_files_check(struct serve_config *cfg, struct errbuf *e)
{
	int fd = open(cfg->boot_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return nb_fail(e, -errno, "boot folder %s: %s", cfg->boot_dir, strerror(errno));
	int rc = find_boot_files(fd, cfg, e);
	close(fd);
	return rc;
}

int boot_files_prepare(struct boot_files *f, struct serve_config *cfg, struct errbuf *e)
{
	memset(f, 0, sizeof(*f));
	f->menu_fd = -1;
	for (int i = 0; i < SERVE_MAX_MIRROR_MAPS; i++)
		f->map_fd[i] = -1;
	f->cfg = cfg;
	f->root_fd = open(cfg->boot_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (f->root_fd < 0)
		return nb_fail(e, -errno, "boot folder %s: %s", cfg->boot_dir, strerror(errno));
	int rc = find_boot_files(f->root_fd, cfg, e);
	if (rc)
		return rc;
	rc = write_checksums(f->root_fd, cfg->image, stderr, e);
	if (rc)
		return rc;
	for (size_t i = 0; i < sizeof(debian_loaders) / sizeof(debian_loaders[0]); i++)
		if (access(debian_loaders[i].host_path, R_OK) == 0 && f->nextra < BOOT_FILES_MAX_EXTRA) {
			f->extra[f->nextra].name = debian_loaders[i].name;
			f->extra[f->nextra++].host_path = debian_loaders[i].host_path;
		}
	if (!exists_in(f->root_fd, MENU_NAME)) {
		char menu[8192];
		int len = boot_files_menu(cfg, menu, sizeof(menu));
		if (len < 0)
			return nb_fail(e, len, "pxelinux.cfg/default: too long for the settings given");
		f->menu_fd = memfd_with("pxelinux.cfg-default", menu, (size_t)len);
		if (f->menu_fd < 0)
			return nb_fail(e, -errno, "pxelinux.cfg/default: %s", strerror(errno));
	}
	return prepare_map_menus(f, cfg, e);
}

void boot_files_close(struct boot_files *f)
{
	if (f->root_fd > 0)
		close(f->root_fd);
	if (f->menu_fd >= 0)
		close(f->menu_fd);
	f->root_fd = f->menu_fd = -1;
	for (int i = 0; i < SERVE_MAX_MIRROR_MAPS; i++) {
		if (f->map_fd[i] >= 0)
			close(f->map_fd[i]);
		f->map_fd[i] = -1;
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

int boot_files_open(const struct boot_files *f, const char *path, uint64_t *size, struct errbuf *e)
{
	char shown[160];
	nb_sanitize(shown, sizeof(shown), path, strlen(path));
	while (*path == '/')	/* "/pxelinux.0" from TFTP clients and every HTTP path */
		path++;
	if (!*path)
		return nb_fail(e, -ENOENT, "empty file name");
	int fd = open_beneath(f->root_fd, path, O_RDONLY);
	if (fd >= 0)
		return opened(fd, size, shown, e);
	if (fd == -EXDEV || fd == -ELOOP)
		return nb_fail(e, -EACCES, "%s: outside the boot folder, refused", shown);
	if (fd != -ENOENT && fd != -ENOTDIR)
		return nb_fail(e, fd == -EACCES ? -EACCES : fd, "%s: %s", shown, strerror(-fd));
	int map = map_of_path(f, path);
	if (map >= 0) {
		int m = fcntl(f->map_fd[map], F_DUPFD_CLOEXEC, 0);
		if (m >= 0)
			return opened(m, size, shown, e);
	}
	if (f->menu_fd >= 0 && !strcmp(path, MENU_NAME)) {
		int m = fcntl(f->menu_fd, F_DUPFD_CLOEXEC, 0);	/* shared offset: readers use pread */
		if (m >= 0)
			return opened(m, size, shown, e);
	}
	for (int i = 0; i < f->nextra; i++)
		if (!strcmp(path, f->extra[i].name)) {
			int x = open(f->extra[i].host_path, O_RDONLY | O_CLOEXEC);
			if (x >= 0)
				return opened(x, size, shown, e);
		}
	return nb_fail(e, -ENOENT, "%s: not found", shown);
}
