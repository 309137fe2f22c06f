/* Checking a file already in place (an image on an NFS mount) against an
 * expected digest: one streaming read, nothing kept. */
#ifndef FETCH_VERIFY_H
#define FETCH_VERIFY_H
#include "fetch/checksum.h"
#include "fetch/sigverify.h"

/* 0 when the file's digest matches; -EBADMSG with both digests named
 * otherwise.  source names where the expected digest came from. */
int verify_file(const char *path, const struct expected_digest *want, const char *source, struct errbuf *e);
/* The same for a digest already made (got, len bytes: hashed while the
 * file was copied). */
int verify_digest(const char *path, const struct expected_digest *want, const uint8_t *got, size_t len,
		  const char *source, struct errbuf *e);
/* Reads a checksum file beside the image and fills want. */
int read_checksum_file(const char *path, const char *image_name, struct expected_digest *want, struct errbuf *e);
/* Reads a .minisig file, parses it and checks it against keys before the
 * image is read (sig_check_header); -ENOENT when it is not there. */
int read_signature_file(const char *path, const struct sig_keys *keys, struct minisig *sig, struct errbuf *e);
#endif
