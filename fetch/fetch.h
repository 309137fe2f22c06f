/* Stage 3 by copy: fetch the checksum, then stream the image into a file
 * while hashing it, then compare.  Mirrors are tried in order.  The same
 * code runs in /init and in `netboot fetch`. */
#ifndef FETCH_FETCH_H
#define FETCH_FETCH_H
#include <stdbool.h>
#include <stdio.h>
#include "fetch/checksum.h"
#include "fetch/sigverify.h"
#include "fetch/transport.h"

struct fetch_request {
	const struct url *urls;		/* image URLs, mirrors in order */
	int nurls;
	const char *checksum_arg;	/* "sha256:<hex>" from the command line, or NULL */
	bool verify;			/* false only for nocheck */
	const char *checksum_name;	/* checksum file to try first ("airootfs.sha512"); NULL = the usual names */
	bool checksum_optional;		/* no checksum file at all is accepted, with a warning (dracut's
					 * root=live: has no convention); a mismatch never is */
	const struct sig_keys *keys;	/* with one key or more: the image must carry a minisign
					 * signature (<image>.minisig) by one of them; checksums,
					 * checksum= and nocheck are then not used */
	enum hash_impl hash_impl;	/* AUTO; PORTABLE acts as a CPU without SHA-NI (tests, bench) */
	struct transport_opts transport;
	FILE *log;			/* stage messages and progress; NULL = quiet */
	/* opens the destination once the size is known (0 = unknown) */
	int (*open)(void *ctx, uint64_t size, struct errbuf *e);
	void *open_ctx;
};

struct fetch_result {
	int url_index;			/* which mirror served */
	uint64_t size;
	bool verified;
	enum hash_algo algo;
	char digest_hex[2 * HASH_MAX_DIGEST + 1];
	char checksum_source[300];	/* URL of the checksum file or "checksum= argument" */
	char why[96];			/* why this algorithm: "the fastest on this CPU (SHA-NI)" */
	const char *hash_impl;		/* "sha-ni" or "portable" */
	bool signed_ok;			/* the minisign signature verified (verified is set too) */
	char sig_keyid[2 * MINISIG_KEYID_LEN + 1];
	char sig_comment[MINISIG_COMMENT_MAX + 1];	/* the trusted comment, sanitized */
	double seconds;
	struct sink_stats stats;	/* where the image download's time went */
};

int fetch_image(const struct fetch_request *rq, struct fetch_result *res, struct errbuf *e);
/* The image's .minisig beside it, fetched and parsed (not yet checked
 * against keys); shown gets its URL.  -ENOENT when the server has none. */
int signature_get(const struct url *image, const struct transport_opts *o, struct minisig *sig, char *shown,
		  size_t shown_len, struct errbuf *e);
#endif
