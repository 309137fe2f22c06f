/* Checking a file already in place (an image on an NFS mount) against an
 * expected digest: one streaming read, nothing kept. */
#ifndef FETCH_VERIFY_H
#define FETCH_VERIFY_H
#include "fetch/checksum.h"
#include "fetch/sigverify.h"

/* The file's digest by one streaming read: returns its length, or a
 * negative errno. */
int digest_file(const char *path, enum hash_algo algo, uint8_t out[HASH_MAX_DIGEST], struct errbuf *e);
/* 0 when the file's digest matches; -EBADMSG with both digests named
 * otherwise.  source names where the expected digest came from. */
int verify_file(const char *path, const struct expected_digest *want, const char *source, struct errbuf *e);
/* Reads a checksum file beside the image and fills want. */
int read_checksum_file(const char *path, const char *image_name, struct expected_digest *want, struct errbuf *e);
/* Reads a .minisig file, parses it and checks it against keys before the
 * image is read (sig_check_header); -ENOENT when it is not there. */
int read_signature_file(const char *path, const struct sig_keys *keys, struct minisig *sig, struct errbuf *e);
#endif
