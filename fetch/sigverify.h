/* Checking a minisign signature with libsodium (Ed25519, BLAKE2b-512): the
 * keys an image may be signed with, and the checks in the order that gives
 * each refusal its own message.  The image's digest comes from the download
 * (fetch/sink.c, HASH_BLAKE2B) or one streaming read (fetch/verify.c). */
#ifndef FETCH_SIGVERIFY_H
#define FETCH_SIGVERIFY_H
#include "fetch/minisig.h"

#define SIG_KEYS_MAX 8
#define SIG_SUFFIX ".minisig"
/* where `make initramfs PUBKEY=...` puts the keys inside initram.igz */
#define SIG_KEY_DIR "/etc/netboot/keys"

struct sig_keys {
	struct minisig_pubkey k[SIG_KEYS_MAX];
	int n;
};

/* Reads one public key file and adds it. */
int sig_keys_add_file(struct sig_keys *keys, const char *path, struct errbuf *e);
/* Adds every *.pub in dir; a missing dir is no key (0). */
int sig_keys_load_dir(struct sig_keys *keys, const char *dir, struct errbuf *e);
/* "ID1, ID2" for messages */
void sig_keys_list(const struct sig_keys *keys, char *out, size_t len);

/* Before the download: the signature is from one of keys (-EKEYREJECTED
 * otherwise), prehashed (-ENOTSUP for legacy "Ed"), and its trusted comment
 * is the signer's (-EBADMSG).  source names the .minisig for messages. */
int sig_check_header(const struct sig_keys *keys, const struct minisig *s, const char *source, struct errbuf *e);
/* After: the signature covers this BLAKE2b-512 digest of the image named
 * image; -EBADMSG naming, when the trusted comment names another file, that
 * file (a signature for a different file) or else an altered image. */
int sig_check_digest(const struct sig_keys *keys, const struct minisig *s, const uint8_t digest[64],
		     const char *image, const char *source, struct errbuf *e);
/* The trusted comment as printable text: tabs as spaces, other bytes
 * outside printable ASCII as '?'. */
void sig_comment(const struct minisig *s, char *out, size_t len);
#endif
