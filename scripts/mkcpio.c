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

static void expand(const char *in, char *out, size_t len, const char *list, int line)
{
	size_t o = 0;
	while (*in) {
		if (in[0] == '$' && in[1] == '{') {
			const char *end = strchr(in, '}');
			char var[128];
			if (!end || (size_t)(end - in - 2) >= sizeof(var))
				die(list, line, "unterminated ${VAR}");
			memcpy(var, in + 2, (size_t)(end - in - 2));
			var[end - in - 2] = 0;
			const char *val = getenv(var);
			if (!val)
				die(list, line, "variable not set in the environment");
			for (; *val && o + 1 < len; val++)
				out[o++] = *val;
			in = end + 1;
		} else if (o + 1 < len) {
			out[o++] = *in++;
		} else {
			die(list, line, "path too long");
		}
	}
	out[o] = 0;
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
	char raw[4096], l[4096];
	int line = 0;
	if (!f) {
		fprintf(stderr, "mkcpio: %s: %s\n", list, strerror(errno));
		exit(1);
	}
	while (fgets(raw, sizeof(raw), f)) {
		char type[16], name[1024], a[2048], dtype;
		unsigned mode, uid, gid, maj, min;
		line++;
		raw[strcspn(raw, "#\n")] = 0;
		if (sscanf(raw, "%15s", type) != 1)
			continue;
		expand(raw, l, sizeof(l), list, line);
		if (!strcmp(type, "file")) {
			if (sscanf(l, "%*s %1023s %2047s %o %u %u", name, a, &mode, &uid, &gid) != 5)
				die(list, line, "expected: file <name> <location> <mode> <uid> <gid>");
			add_file(name, a, mode, uid, gid, list, line);
		} else if (!strcmp(type, "dir")) {
			if (sscanf(l, "%*s %1023s %o %u %u", name, &mode, &uid, &gid) != 4)
				die(list, line, "expected: dir <name> <mode> <uid> <gid>");
			header(name, S_IFDIR | mode, uid, gid, 0, 0, 0);
		} else if (!strcmp(type, "nod")) {
			if (sscanf(l, "%*s %1023s %o %u %u %c %u %u", name, &mode, &uid, &gid, &dtype, &maj, &min) != 7 ||
			    (dtype != 'b' && dtype != 'c'))
				die(list, line, "expected: nod <name> <mode> <uid> <gid> <b|c> <maj> <min>");
			header(name, (dtype == 'b' ? S_IFBLK : S_IFCHR) | mode, uid, gid, 0, maj, min);
		} else if (!strcmp(type, "slink")) {
			if (sscanf(l, "%*s %1023s %2047s %o %u %u", name, a, &mode, &uid, &gid) != 5)
				die(list, line, "expected: slink <name> <target> <mode> <uid> <gid>");
			header(name, S_IFLNK | mode, uid, gid, strlen(a), 0, 0);
			fwrite(a, 1, strlen(a), stdout);
			offset += strlen(a);
			pad4();
		} else if (!strcmp(type, "pipe") || !strcmp(type, "sock")) {
			if (sscanf(l, "%*s %1023s %o %u %u", name, &mode, &uid, &gid) != 4)
				die(list, line, "expected: pipe|sock <name> <mode> <uid> <gid>");
			header(name, (type[0] == 'p' ? S_IFIFO : S_IFSOCK) | mode, uid, gid, 0, 0, 0);
		} else {
			die(list, line, "unknown entry type (file, dir, nod, slink, pipe, sock)");
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
