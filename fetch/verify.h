/* Checking a file already in place (an image on an NFS mount) against an
 * expected digest: one streaming read, nothing kept. */
#ifndef FETCH_VERIFY_H
#define FETCH_VERIFY_H
#include "fetch/checksum.h"

/* 0 when the file's digest matches; -EBADMSG with both digests named
 * otherwise.  source names where the expected digest came from. */
int verify_file(const char *path, const struct expected_digest *want, const char *source, struct errbuf *e);
/* Reads a checksum file beside the image and fills want. */
int read_checksum_file(const char *path, const char *image_name, struct expected_digest *want, struct errbuf *e);
#endif
