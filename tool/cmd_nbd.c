/* netboot nbd: the NBD handshake /init runs, on the host.  Prints what the
 * server said about the export; --read dumps one range to stdout (or -o),
 * -o alone copies the whole export with 1 MiB reads. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "netboot/nbd_client.h"
#include "netboot/url.h"
#include "tool/tool.h"

#define COPY_CHUNK (1u << 20)

/* On stdout for --help (exit 0), else on stderr (exit 2). */
static int usage(FILE *out)
{
	fprintf(out, "usage: netboot nbd nbd://HOST[:PORT][/EXPORT] [--read OFFSET LENGTH] [-o FILE] [--timeout S]\n"
			"  prints size= and flags= (on stderr when --read writes to stdout);\n"
			"  --read writes that range to FILE or stdout;\n"
			"  -o alone copies the whole export to FILE\n"
			"exit status: 0 ok, 4 no such export, 1 other failure\n");
	return out == stdout ? 0 : 2;
}

/* A whole decimal number within [0, max], or -1 into *ok = 0. */
static uint64_t number(const char *s, uint64_t max, int *ok)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-' || v > max)
		*ok = 0;
	return v;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Copies [off, off+len) of the export into out with reads of at most COPY_CHUNK. */
static int copy_range(int fd, uint64_t off, uint64_t len, int out, int timeout_ms, struct errbuf *e)
{
	uint8_t *buf = malloc(COPY_CHUNK);
	int rc = 0;

	if (!buf)
		return nb_fail(e, -ENOMEM, "out of memory");
	while (len) {
		uint32_t n = len < COPY_CHUNK ? (uint32_t)len : COPY_CHUNK;
		rc = nbd_read(fd, off, buf, n, timeout_ms, e);
		if (rc < 0)
			goto out;
		rc = write_all(out, buf, n);
		if (rc < 0) {
			nb_fail(e, rc, "writing the output: %s", strerror(-rc));
			goto out;
		}
		off += n;
		len -= n;
	}
out:
	free(buf);
	return rc;
}

/* What the arguments ask. */
struct nbd_args {
	struct url u;
	char name[NBD_NAME_MAX + 1];	/* the export, percent-decoded */
	const char *outpath;		/* -o; NULL = stdout */
	uint64_t off, len;		/* --read */
	int ranged;
	int timeout_ms;
};

/* The arguments into a: 0, or the exit status (2). */
static int parse_args(int argc, char **argv, struct nbd_args *a)
{
	static const struct option opts[] = {
		{ "output", required_argument, 0, 'o' }, { "read", required_argument, 0, 'r' },
		{ "timeout", required_argument, 0, 'T' }, { 0, 0, 0, 0 },
	};
	struct errbuf e = { "" };
	int c, ok = 1;

	a->timeout_ms = NBD_TIMEOUT_MS;
	while ((c = getopt_long(argc, argv, "o:T:", opts, NULL)) != -1) {
		switch (c) {
		case 'o': a->outpath = optarg; break;
		case 'r':
			/* --read OFFSET LENGTH: the second value is the next argument */
			if (optind >= argc)
				return usage(stderr);
			a->off = number(optarg, UINT64_MAX, &ok);
			a->len = number(argv[optind++], UINT64_MAX, &ok);
			a->ranged = 1;
			break;
		case 'T': a->timeout_ms = (int)number(optarg, 3600, &ok) * 1000; break;
		default: return usage(stderr);
		}
	}
	if (!ok || optind + 1 != argc || a->timeout_ms <= 0) {
		fprintf(stderr, "netboot nbd: %s\n", !ok || a->timeout_ms <= 0 ? "a value is not a number in range"
						: optind >= argc ? "no nbd:// URL given" : "give one nbd:// URL");
		return usage(stderr);
	}
	if (url_parse(argv[optind], strlen(argv[optind]), &a->u, &e) < 0 || a->u.scheme != URL_NBD) {
		fprintf(stderr, "netboot nbd: %s\n", e.msg[0] ? e.msg : "want an nbd:// URL");
		return 2;
	}
	/* the export is the path without its leading '/', percent-decoded */
	if (url_decode_path(a->u.path + 1, a->name, sizeof(a->name)) < 0) {
		fprintf(stderr, "netboot nbd: bad export name in %s\n", argv[optind]);
		return 2;
	}
	return 0;
}

/* What the server said about the export, one fact a line. */
static void print_export(FILE *info, const struct nbd_export *ex, const char *name)
{
	if (ex->oldstyle && name[0]) {
		char clean[72];
		nb_sanitize(clean, sizeof(clean), name, strlen(name));
		fprintf(stderr, "netboot nbd: oldstyle NBD server (one export per port): export name '%s' ignored\n",
			clean);
	}
	fprintf(info, "style=%s\n", ex->oldstyle ? "oldstyle" : "newstyle");
	fprintf(info, "size=%llu\nflags=0x%04x%s%s\n", (unsigned long long)ex->size, ex->flags,
		(ex->flags & NBD_FLAG_READ_ONLY) ? " read-only" : "",
		(ex->flags & NBD_FLAG_CAN_MULTI_CONN) ? " multi-conn" : "");
	if (ex->min_block)
		fprintf(info, "block_size=%u/%u/%u\n", (unsigned)ex->min_block, (unsigned)ex->pref_block,
			(unsigned)ex->max_block);
	fflush(info);
}

/* --read's range (or, with -o alone, the whole export) into the output. */
static int copy_out(int fd, const struct nbd_args *a, const struct nbd_export *ex, struct errbuf *e)
{
	uint64_t off = a->off, len = a->ranged ? a->len : ex->size;
	if (off > ex->size || len > ex->size - off)
		return nb_fail(e, -EINVAL, "range %llu+%llu is past the end of the export (%llu bytes)",
			       (unsigned long long)off, (unsigned long long)len, (unsigned long long)ex->size);
	int out = a->outpath ? open(a->outpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : STDOUT_FILENO;
	if (out < 0)
		return nb_fail(e, -errno, "%s: %s", a->outpath, strerror(errno));
	int rc = copy_range(fd, off, len, out, a->timeout_ms, e);
	if (a->outpath && close(out) < 0 && rc == 0)
		rc = nb_fail(e, -errno, "%s: %s", a->outpath, strerror(errno));
	return rc;
}

int cmd_nbd(int argc, char **argv)
{
	struct nbd_args a = { 0 };
	struct errbuf e = { "" };
	struct nbd_export ex;

	if (argc > 1 && tool_is_help(argv[1]))
		return usage(stdout);
	int rc = parse_args(argc, argv, &a);
	if (rc)
		return rc;
	int fd = nbd_connect(a.u.host, a.u.port, a.name, a.timeout_ms, &ex, &e);
	if (fd < 0) {
		fprintf(stderr, "netboot nbd: %s\n", e.msg);
		return fd == -ENOENT ? 4 : 1;
	}
	/* the data of --read without -o goes to stdout: the facts then go to stderr */
	print_export(a.ranged && !a.outpath ? stderr : stdout, &ex, a.name);
	if (a.ranged || a.outpath)
		rc = copy_out(fd, &a, &ex, &e);
	nbd_disconnect(fd);
	if (rc < 0) {
		fprintf(stderr, "netboot nbd: %s\n", e.msg);
		return 1;
	}
	return 0;
}
