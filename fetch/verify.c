#include "fetch/verify.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define READ_CHUNK (1024 * 1024)
#define CHECKSUM_FILE_MAX 65536

int verify_file(const char *path, const struct expected_digest *want, const char *source, struct errbuf *e)
{
	struct hash_ctx h;
	uint8_t got[HASH_MAX_DIGEST];
	char got_hex[2 * HASH_MAX_DIGEST + 1], want_hex[2 * HASH_MAX_DIGEST + 1];
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;
	uint8_t *buf = malloc(READ_CHUNK);
	ssize_t n;

	if (fd < 0 || !buf) {
		rc = nb_fail(e, fd < 0 ? -errno : -ENOMEM, "%s: %s", path, fd < 0 ? strerror(errno) : "out of memory");
		goto out;
	}
	hash_init(&h, want->algo);
	while ((n = read(fd, buf, READ_CHUNK)) > 0)
		hash_update(&h, buf, (size_t)n);
	if (n < 0) {
		rc = nb_fail(e, -errno, "%s: reading: %s", path, strerror(errno));
		goto out;
	}
	size_t len = hash_final(&h, got);
	if (len != want->len || memcmp(got, want->digest, len) != 0) {
		hash_hex(got, len, got_hex);
		hash_hex(want->digest, want->len, want_hex);
		rc = nb_fail(e, -EBADMSG, "%s: %s mismatch: the file has %s, %s says %s; not booting it", path,
			     hash_name(want->algo), got_hex, source, want_hex);
	}
out:
	free(buf);
	if (fd >= 0)
		close(fd);
	return rc;
}

int read_checksum_file(const char *path, const char *image_name, struct expected_digest *want, struct errbuf *e)
{
	char *text = malloc(CHECKSUM_FILE_MAX + 1);
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;
	ssize_t n = -1;

	if (fd >= 0 && text)
		n = read(fd, text, CHECKSUM_FILE_MAX + 1);
	if (fd < 0 || n < 0 || !text) {
		rc = nb_fail(e, fd < 0 && errno == ENOENT ? -ENOENT : -EIO, "%s: %s", path,
			     fd < 0 ? strerror(errno) : "cannot read it");
	} else if (n > CHECKSUM_FILE_MAX) {
		rc = nb_fail(e, -EPROTO, "%s: larger than %d KiB, not a checksum file", path, CHECKSUM_FILE_MAX / 1024);
	} else {
		const char *dot = strrchr(path, '.');
		int hint = dot ? hash_from_name(dot + 1, strlen(dot + 1)) : -1;
		rc = checksum_file_parse(text, (size_t)n, image_name, hint, path, want, e);
	}
	if (fd >= 0)
		close(fd);
	free(text);
	return rc;
}
