#include "fetch/verify.h"
#include "fetch/sigverify.h"
#include "netboot/read_file.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define READ_CHUNK (1024 * 1024)

/* The file's digest by one streaming read: returns its length, or a
 * negative errno. */
static int digest_file(const char *path, enum hash_algo algo, uint8_t out[HASH_MAX_DIGEST], struct errbuf *e)
{
	struct hash_ctx h;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;
	uint8_t *buf = malloc(READ_CHUNK);
	ssize_t n;

	if (fd < 0 || !buf) {
		rc = nb_fail(e, fd < 0 ? -errno : -ENOMEM, "%s: %s", path, fd < 0 ? strerror(errno) : "out of memory");
		goto out;
	}
	hash_init(&h, algo);
	while ((n = read(fd, buf, READ_CHUNK)) > 0)
		hash_update(&h, buf, (size_t)n);
	if (n < 0) {
		rc = nb_fail(e, -errno, "%s: reading: %s", path, strerror(errno));
		goto out;
	}
	rc = (int)hash_final(&h, out);
out:
	free(buf);
	if (fd >= 0)
		close(fd);
	return rc;
}

int verify_file(const char *path, const struct expected_digest *want, const char *source, struct errbuf *e)
{
	uint8_t got[HASH_MAX_DIGEST];
	int len = digest_file(path, want->algo, got, e);

	return len < 0 ? len : verify_digest(path, want, got, (size_t)len, source, e);
}

int verify_digest(const char *path, const struct expected_digest *want, const uint8_t *got, size_t len,
		  const char *source, struct errbuf *e)
{
	char got_hex[2 * HASH_MAX_DIGEST + 1], want_hex[2 * HASH_MAX_DIGEST + 1];

	if (len != want->len || memcmp(got, want->digest, len) != 0) {
		hash_hex(got, len, got_hex);
		hash_hex(want->digest, want->len, want_hex);
		return nb_fail(e, -EBADMSG, "%s: %s mismatch: the file has %s, %s says %s; not booting it", path,
			       hash_name(want->algo), got_hex, source, want_hex);
	}
	return 0;
}

int read_checksum_file(const char *path, const char *image_name, struct expected_digest *want, struct errbuf *e)
{
	char *text = malloc(CHECKSUM_FILE_MAX + 1);
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;
	int open_errno = errno;
	ssize_t n = -1;

	if (fd >= 0 && text)	/* one byte more than allowed tells "too large" */
		n = read_fd_up_to(fd, text, CHECKSUM_FILE_MAX + 1);
	if (fd < 0) {
		rc = nb_fail(e, open_errno == ENOENT ? -ENOENT : -open_errno, "%s: %s", path, strerror(open_errno));
	} else if (n < 0) {
		rc = nb_fail(e, text ? (int)n : -ENOMEM, "%s: %s", path, text ? strerror((int)-n) : "out of memory");
	} else if (n > CHECKSUM_FILE_MAX) {
		rc = nb_fail(e, -EPROTO, "%s: larger than %d KiB, not a checksum file", path, CHECKSUM_FILE_MAX / 1024);
	} else {
		rc = checksum_file_parse(text, (size_t)n, image_name, checksum_algo_of_name(path), path, want, e);
	}
	if (fd >= 0)
		close(fd);
	free(text);
	return rc;
}

int read_signature_file(const char *path, const struct sig_keys *keys, struct minisig *sig, struct errbuf *e)
{
	char text[MINISIG_FILE_MAX + 1];
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;
	ssize_t n;

	if (fd < 0)
		return nb_fail(e, errno == ENOENT ? -ENOENT : -errno, "%s: %s%s", path, strerror(errno),
			       errno == ENOENT ? ": with a signing key built in, an unsigned image is not booted" : "");
	n = read_fd_up_to(fd, text, sizeof(text));
	close(fd);
	if (n < 0)
		return nb_fail(e, (int)n, "%s: %s", path, strerror((int)-n));
	if ((rc = minisig_parse(path, text, (size_t)n, sig, e)) < 0)
		return rc;
	return sig_check_header(keys, sig, path, e);
}
