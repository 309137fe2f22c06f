/* netboot verity IMAGE: the dm-verity sidecars beside an image, for those
 * who serve it with nginx or anything else rather than `netboot serve`:
 * IMAGE's stem + ".verity" (the hash tree, veritysetup's format) and
 * ".roothash" (its root, hex), in systemd's naming: sysrcd.dat gives
 * sysrcd.verity and sysrcd.roothash.  Both are written through a temporary
 * file and a rename, so a client never reads half of one. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "fetch/verity.h"
#include "netboot/clock.h"
#include "tool/tool.h"

static int verity_usage(FILE *out)
{
	fprintf(out, "usage: netboot verity IMAGE [--hash-file FILE] [--roothash-file FILE] [--salt HEX] [--threads N]\n"
		     "  writes IMAGE's dm-verity hash tree (veritysetup format, SHA-256, 4 KiB blocks) and root hash\n"
		     "  beside it: sysrcd.dat -> sysrcd.verity, sysrcd.roothash; prints the root hash\n");
	return out == stdout ? 0 : 2;
}

static int parse_salt(const char *hex, struct verity_params *p)
{
	size_t n = strlen(hex);
	if (n == 0 || n % 2 || n / 2 > VERITY_MAX_SALT)
		return -EINVAL;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -EINVAL;
		p->salt[i] = (uint8_t)v;
	}
	p->salt_size = (uint16_t)(n / 2);
	return 0;
}

static int write_root(const char *path, const char *hex)
{
	char tmp[4200];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return -errno;
	int ok = fprintf(f, "%s\n", hex) > 0;
	ok = (fclose(f) == 0) && ok;
	if (!ok || rename(tmp, path) != 0) {
		int err = errno ? errno : EIO;
		unlink(tmp);
		return -err;
	}
	return 0;
}

int cmd_verity(int argc, char **argv)
{
	const char *image = NULL, *hash_path = NULL, *root_path = NULL;
	struct verity_params p = { 0 };
	int threads = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			return verity_usage(stdout);
		if (i + 1 < argc && !strcmp(a, "--hash-file"))
			hash_path = argv[++i];
		else if (i + 1 < argc && !strcmp(a, "--roothash-file"))
			root_path = argv[++i];
		else if (i + 1 < argc && !strcmp(a, "--threads"))
			threads = atoi(argv[++i]);
		else if (i + 1 < argc && !strcmp(a, "--salt")) {
			if (parse_salt(argv[++i], &p) < 0) {
				fprintf(stderr, "netboot verity: --salt '%s': expected an even number of hex digits, at most %d bytes\n",
					argv[i], VERITY_MAX_SALT);
				return 2;
			}
		} else if (a[0] != '-' && !image)
			image = a;
		else {
			fprintf(stderr, "netboot verity: unexpected argument '%s'\n", a);
			return verity_usage(stderr);
		}
	}
	if (!image) {
		fprintf(stderr, "netboot verity: no IMAGE given\n");
		return verity_usage(stderr);
	}
	char hash_buf[4096], root_buf[4096], hash_tmp[4200];
	if ((!hash_path && verity_sidecar(image, ".verity", hash_buf, sizeof(hash_buf)) < 0) ||
	    (!root_path && verity_sidecar(image, ".roothash", root_buf, sizeof(root_buf)) < 0)) {
		fprintf(stderr, "netboot verity: %s: path too long\n", image);
		return 1;
	}
	hash_path = hash_path ? hash_path : hash_buf;
	root_path = root_path ? root_path : root_buf;
	int data_fd = open(image, O_RDONLY | O_CLOEXEC);
	if (data_fd < 0) {
		fprintf(stderr, "netboot verity: %s: %s\n", image, strerror(errno));
		return 1;
	}
	snprintf(hash_tmp, sizeof(hash_tmp), "%s.tmp", hash_path);
	int hash_fd = open(hash_tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (hash_fd < 0) {
		fprintf(stderr, "netboot verity: %s: %s\n", hash_tmp, strerror(errno));
		close(data_fd);
		return 1;
	}
	struct errbuf e = { "" };
	uint8_t root[VERITY_DIGEST];
	long long t0 = monotonic_ms();
	int rc = verity_build_file(data_fd, hash_fd, &p, threads, root, &e);
	close(data_fd);
	if (close(hash_fd) != 0 && rc == 0)
		rc = nb_fail(&e, -errno, "verity: writing %s: %s", hash_tmp, strerror(errno));
	char hex[2 * VERITY_DIGEST + 1];
	if (rc == 0 && rename(hash_tmp, hash_path) != 0)
		rc = nb_fail(&e, -errno, "verity: %s: %s", hash_path, strerror(errno));
	if (rc == 0) {
		verity_root_hex(root, hex);
		if ((rc = write_root(root_path, hex)) < 0)
			nb_fail(&e, rc, "verity: %s: %s", root_path, strerror(-rc));
	}
	if (rc < 0) {
		unlink(hash_tmp);
		fprintf(stderr, "netboot verity: %s: %s\n", image, e.msg);
		return 1;
	}
	long long ms = monotonic_ms() - t0;
	fprintf(stderr, "netboot verity: %s: %llu blocks hashed in %lld.%03lld s; wrote %s and %s\n", image,
		(unsigned long long)p.data_blocks, ms / 1000, ms % 1000, hash_path, root_path);
	printf("%s\n", hex);
	return 0;
}
