/* libFuzzer harness for the minisign parsers: the input as a signature
 * file and as a public key file.  Checks what callers rely on: a success
 * gives a NUL-terminated trusted comment of the stated length and, when the
 * comment names a file, a name inside it; a failure a printable, non-empty
 * message and -EPROTO.  A parsed signature then goes through the header
 * check against one fixed key (no crash whatever the bytes). */
#include "fetch/minisig.h"
#include "fetch/sigverify.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void check_msg(int rc, const struct errbuf *e)
{
	size_t n = strnlen(e->msg, sizeof(e->msg));

	if (rc != -EPROTO || n == 0 || n == sizeof(e->msg))
		abort();
	for (size_t i = 0; i < n; i++)
		if (e->msg[i] < 0x20 || e->msg[i] > 0x7e)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct minisig s;
	struct minisig_pubkey k;
	struct errbuf e = { "" };
	struct sig_keys keys = { .n = 1 };
	int rc;

	rc = minisig_parse("fuzz.minisig", (const char *)data, size, &s, &e);
	if (rc < 0) {
		check_msg(rc, &e);
	} else {
		size_t flen;
		const char *f = minisig_comment_file(&s, &flen);
		if (s.trusted_len > MINISIG_COMMENT_MAX || strlen(s.trusted) != s.trusted_len)
			abort();
		if (f && (f < s.trusted || f + flen > s.trusted + s.trusted_len))
			abort();
		memcpy(keys.k[0].keyid, s.keyid, MINISIG_KEYID_LEN);	/* reach the Ed25519 check */
		rc = sig_check_header(&keys, &s, "fuzz.minisig", &e);
		if (rc != 0 && rc != -EBADMSG && rc != -ENOTSUP)
			abort();
	}
	e.msg[0] = '\0';
	rc = minisig_parse_pubkey("fuzz.pub", (const char *)data, size, &k, &e);
	if (rc < 0)
		check_msg(rc, &e);
	return 0;
}
