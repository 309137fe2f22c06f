/* minisign's public key and signature files (https://jedisct1.github.io/minisign/),
 * parsed as pure functions over (buffer, length), no crypto here (see
 * fetch/sigverify.h):
 *   public key: ["untrusted comment: ..." line]
 *               base64("Ed" || key id[8] || Ed25519 public key[32])
 *   signature:  "untrusted comment: ..." line
 *               base64("ED" || key id[8] || signature[64])   "ED": over BLAKE2b-512(file)
 *               "trusted comment: <text>" line                "Ed": over the file (legacy)
 *               base64(global signature[64])  Ed25519 over (signature || text) */
#ifndef FETCH_MINISIG_H
#define FETCH_MINISIG_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "netboot/errbuf.h"

#define MINISIG_KEYID_LEN 8
#define MINISIG_COMMENT_MAX 1024	/* minisign's own limit on a comment */
#define MINISIG_FILE_MAX 4096		/* larger is not a signature or key file */

struct minisig_pubkey {
	uint8_t keyid[MINISIG_KEYID_LEN];
	uint8_t pk[32];
};

struct minisig {
	bool prehashed;			/* "ED"; false: legacy "Ed" */
	uint8_t keyid[MINISIG_KEYID_LEN];
	uint8_t sig[64];
	char trusted[MINISIG_COMMENT_MAX + 1];	/* the text after "trusted comment: ", raw bytes */
	size_t trusted_len;
	uint8_t global_sig[64];
};

/* name: the file (or URL) for messages.  Return 0, or -EPROTO with e naming
 * name and what was expected. */
int minisig_parse_pubkey(const char *name, const char *text, size_t len, struct minisig_pubkey *k, struct errbuf *e);
int minisig_parse(const char *name, const char *text, size_t len, struct minisig *s, struct errbuf *e);
/* The key id as minisign prints it: 16 upper-case hex digits. */
void minisig_keyid_hex(const uint8_t id[MINISIG_KEYID_LEN], char out[2 * MINISIG_KEYID_LEN + 1]);
/* Standard base64 with '=' padding, the whole of in; returns the decoded
 * length, or -1 for a bad character, bad padding or more than cap bytes. */
long minisig_base64_decode(const char *in, size_t len, uint8_t *out, size_t cap);
/* The value of "file:" in a trusted comment as minisign writes it
 * ("timestamp:N\tfile:NAME\thashed"), or NULL; *len set. */
const char *minisig_comment_file(const struct minisig *s, size_t *len);
#endif
