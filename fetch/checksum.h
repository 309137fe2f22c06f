/* Expected digests: from a checksum file (md5sum/sha256sum/sha512sum output,
 * or a bare hex digest, with or without a file name, LF or CRLF) or from a
 * checksum=<algo>:<hex> kernel argument.  Pure parsers over (buffer, length). */
#ifndef FETCH_CHECKSUM_H
#define FETCH_CHECKSUM_H
#include <stdbool.h>
#include <stddef.h>
#include "fetch/hash.h"
#include "netboot/errbuf.h"

/* Checksum files are small: anything larger is not one. */
#define CHECKSUM_FILE_MAX (64 * 1024)

struct expected_digest {
	enum hash_algo algo;
	uint8_t digest[HASH_MAX_DIGEST];
	size_t len;
};

/* Finds the digest for file `name` (e.g. "sysrcd.dat") in a checksum file's
 * text.  A line whose file name matches wins; a file with a single line and
 * no name, or a single line with another name, is taken as the digest (the
 * seed's sysrcd.md5 is one line).  The algorithm comes from the digest length
 * (32/64/128 hex digits) unless algo_hint >= 0.  `source` names the file in
 * error messages. */
int checksum_file_parse(const char *buf, size_t len, const char *name, int algo_hint,
			const char *source, struct expected_digest *out, struct errbuf *e);

/* The algorithm a checksum file's name announces ("x.sha256", "sysrcd.md5"),
 * as the algo_hint of checksum_file_parse; -1 when the name says nothing. */
int checksum_algo_of_name(const char *file_name);

/* Parses "sha256:<hex>", "md5:<hex>", "sha512:<hex>" (also '=' as separator). */
int checksum_arg_parse(const char *buf, size_t len, struct expected_digest *out, struct errbuf *e);

/* The checksum file names tried beside an image, in order.  For
 * "sysrcd.dat" and prefer == HASH_MD5 (the seed's order, unchanged, then the
 * companion server's other names): "sysrcd.md5", "sysrcd.dat.sha256",
 * "sysrcd.dat.sha512", "sysrcd.dat.md5", "sysrcd.sha256", "sysrcd.sha512".
 * Another `prefer` moves the names of that algorithm to the front, keeping
 * the rest in that order: the cheapest checksum to verify is tried first
 * (hash_fastest()).  Returns the count written (at most 6). */
#define CHECKSUM_CANDIDATES_MAX 6
int checksum_candidates(const char *image_name, enum hash_algo prefer, char names[][256], int max);
#endif
