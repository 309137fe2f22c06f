/* mkcpio: packs an initramfs from gen_init_cpio list files into a cpio
 * "newc" archive on stdout, with owners and device nodes taken from the list,
 * so no root or fakeroot is needed.  Lines:
 *   file <name> <location> <mode> <uid> <gid>
 *   dir <name> <mode> <uid> <gid>
 *   nod <name> <mode> <uid> <gid> <b|c> <maj> <min>
 *   slink <name> <target> <mode> <uid> <gid>
 *   pipe|sock <name> <mode> <uid> <gid>
 * ${VAR} in a location is replaced from the environment; '#' starts a comment. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "scripts/cpiolist.h"

static unsigned long ino = 721;
static unsigned long long offset;

static void pad4(void)
{
	while (offset & 3) {
		putchar(0);
		offset++;
	}
}

static void header(const char *name, unsigned mode, unsigned uid, unsigned gid,
		   unsigned long size, unsigned maj, unsigned min)
{
	const char *n = name[0] == '/' ? name + 1 : name;
	size_t namesize = strlen(n) + 1;
	offset += printf("070701%08lX%08X%08X%08X%08X%08lX%08lX%08X%08X%08X%08X%08zX%08X",
			 ino++, mode, uid, gid, 1u, 0ul, size, 0u, 0u, maj, min, namesize, 0u);
	fwrite(n, 1, namesize, stdout);
	offset += namesize;
	pad4();
}

static int die(const char *list, int line, const char *what)
{
	fprintf(stderr, "mkcpio: %s:%d: %s\n", list, line, what);
	exit(1);
}

static const char *env(const char *var, void *ctx)
{
	(void)ctx;
	return getenv(var);
}

static void add_file(const char *name, const char *loc, unsigned mode, unsigned uid, unsigned gid,
		     const char *list, int line)
{
	struct stat st;
	char buf[65536];
	int fd = open(loc, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "mkcpio: %s:%d: %s: %s\n", list, line, loc, strerror(errno));
		exit(1);
	}
	header(name, S_IFREG | mode, uid, gid, (unsigned long)st.st_size, 0, 0);
	ssize_t n;
	unsigned long long left = (unsigned long long)st.st_size;
	while (left && (n = read(fd, buf, sizeof(buf))) > 0) {
		if ((unsigned long long)n > left)
			n = (ssize_t)left;
		fwrite(buf, 1, (size_t)n, stdout);
		offset += (unsigned long long)n;
		left -= (unsigned long long)n;
	}
	if (left)
		die(list, line, "file shrank while packing");
	close(fd);
	pad4();
}

static void pack(const char *list)
{
	FILE *f = fopen(list, "r");
	char raw[CPIOLIST_LINE_MAX];
	int line = 0;
	if (!f) {
		fprintf(stderr, "mkcpio: %s: %s\n", list, strerror(errno));
		exit(1);
	}
	while (fgets(raw, sizeof(raw), f)) {
		struct cpio_entry x;
		const char *why;
		int rc = cpiolist_parse_line(raw, strlen(raw), env, NULL, &x, &why);
		line++;
		if (rc < 0)
			die(list, line, why);
		if (rc == 0)
			continue;
		switch (x.kind) {
		case CPIO_FILE:
			add_file(x.name, x.arg, x.mode, x.uid, x.gid, list, line);
			break;
		case CPIO_DIR:
			header(x.name, S_IFDIR | x.mode, x.uid, x.gid, 0, 0, 0);
			break;
		case CPIO_NOD:
			header(x.name, (x.dtype == 'b' ? S_IFBLK : S_IFCHR) | x.mode, x.uid, x.gid, 0, x.maj, x.min);
			break;
		case CPIO_SLINK:
			header(x.name, S_IFLNK | x.mode, x.uid, x.gid, strlen(x.arg), 0, 0);
			fwrite(x.arg, 1, strlen(x.arg), stdout);
			offset += strlen(x.arg);
			pad4();
			break;
		case CPIO_PIPE:
		case CPIO_SOCK:
			header(x.name, (x.kind == CPIO_PIPE ? S_IFIFO : S_IFSOCK) | x.mode, x.uid, x.gid, 0, 0, 0);
			break;
		}
	}
	fclose(f);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: mkcpio LIST... > initramfs.cpio\n");
		return 2;
	}
	for (int i = 1; i < argc; i++)
		pack(argv[i]);
	header("TRAILER!!!", 0, 0, 0, 0, 0, 0);
	while (offset % 512) {
		putchar(0);
		offset++;
	}
	return fflush(stdout) ? 1 : 0;
}
