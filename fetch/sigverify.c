/* libsodium does the crypto; sodium_init() is deliberately not called: it
 * seeds libsodium's RNG with getrandom(), which can block in early boot, and
 * verifying needs no randomness.  Without it the portable BLAKE2b and
 * Ed25519 code paths run (BLAKE2b ~850 MiB/s here; docs/design.md). */
#include "fetch/sigverify.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "netboot/read_file.h"

int sig_keys_add_file(struct sig_keys *keys, const char *path, struct errbuf *e)
{
	char text[MINISIG_FILE_MAX + 1];
	ssize_t n = read_file_up_to(path, text, sizeof(text));

	if (n < 0)
		return nb_fail(e, (int)n, "public key %s: %s", path, strerror((int)-n));
	if (keys->n >= SIG_KEYS_MAX)
		return nb_fail(e, -E2BIG, "public key %s: more than %d keys", path, SIG_KEYS_MAX);
	int rc = minisig_parse_pubkey(path, text, (size_t)n, &keys->k[keys->n], e);
	if (rc == 0)
		keys->n++;
	return rc;
}

int sig_keys_load_dir(struct sig_keys *keys, const char *dir, struct errbuf *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int rc = 0;

	if (!d)
		return errno == ENOENT ? 0 : nb_fail(e, -errno, "%s: %s", dir, strerror(errno));
	while (rc == 0 && (de = readdir(d))) {
		size_t l = strlen(de->d_name);
		char path[512];
		if (l < 5 || strcmp(de->d_name + l - 4, ".pub"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		rc = sig_keys_add_file(keys, path, e);
	}
	closedir(d);
	return rc;
}

void sig_keys_list(const struct sig_keys *keys, char *out, size_t len)
{
	size_t used = 0;
	out[0] = '\0';
	for (int i = 0; i < keys->n && used + 20 < len; i++) {
		char id[2 * MINISIG_KEYID_LEN + 1];
		minisig_keyid_hex(keys->k[i].keyid, id);
		used += (size_t)snprintf(out + used, len - used, "%s%s", i ? ", " : "", id);
	}
}

static const struct minisig_pubkey *find_key(const struct sig_keys *keys, const struct minisig *s)
{
	for (int i = 0; i < keys->n; i++)
		if (!memcmp(keys->k[i].keyid, s->keyid, MINISIG_KEYID_LEN))
			return &keys->k[i];
	return NULL;
}

void sig_comment(const struct minisig *s, char *out, size_t len)
{
	char text[MINISIG_COMMENT_MAX];
	/* minisign's default comment separates its fields with tabs */
	for (size_t i = 0; i < s->trusted_len; i++)
		text[i] = s->trusted[i] == '\t' ? ' ' : s->trusted[i];
	nb_sanitize(out, len, text, s->trusted_len);
}

int sig_check_header(const struct sig_keys *keys, const struct minisig *s, const char *source, struct errbuf *e)
{
	const struct minisig_pubkey *k = find_key(keys, s);
	uint8_t signed_part[64 + MINISIG_COMMENT_MAX];
	char id[2 * MINISIG_KEYID_LEN + 1], ours[SIG_KEYS_MAX * 18 + 1];

	if (!k) {
		minisig_keyid_hex(s->keyid, id);
		sig_keys_list(keys, ours, sizeof(ours));
		return nb_fail(e, -EKEYREJECTED, "%s: signed by key %s, which is not a key built into this initramfs (%s); not booting it",
			       source, id, ours);
	}
	if (!s->prehashed)
		return nb_fail(e, -ENOTSUP, "%s: a legacy (\"Ed\", not prehashed) signature: it needs the whole image before "
			       "checking; sign with minisign 0.10+ without -l (prehashed is its default)", source);
	memcpy(signed_part, s->sig, 64);
	memcpy(signed_part + 64, s->trusted, s->trusted_len);
	if (crypto_sign_ed25519_verify_detached(s->global_sig, signed_part, 64 + s->trusted_len, k->pk) != 0)
		return nb_fail(e, -EBADMSG, "%s: the trusted comment or the signature was altered (global signature "
			       "does not verify); not booting it", source);
	return 0;
}

int sig_check_digest(const struct sig_keys *keys, const struct minisig *s, const uint8_t digest[64],
		     const char *image, const char *source, struct errbuf *e)
{
	const struct minisig_pubkey *k = find_key(keys, s);
	char named[200];
	size_t flen;
	const char *f;

	if (!k)
		return nb_fail(e, -EKEYREJECTED, "%s: no key for this signature", source);
	if (crypto_sign_ed25519_verify_detached(s->sig, digest, 64, k->pk) == 0)
		return 0;
	f = minisig_comment_file(s, &flen);
	if (f && (flen != strlen(image) || memcmp(f, image, flen))) {
		nb_sanitize(named, sizeof(named), f, flen);
		return nb_fail(e, -EBADMSG, "%s is the signature of another file (%s, says its trusted comment), not of %s; "
			       "not booting it", source, named, image);
	}
	return nb_fail(e, -EBADMSG, "%s does not verify %s: the image was altered or corrupted after signing; not booting it",
		       source, image);
}
