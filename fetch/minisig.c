/* minisign key and signature files: line splitting, base64, and the fixed
 * layouts of the decoded blobs.  Every field is checked for its exact length. */
#include "fetch/minisig.h"
#include <errno.h>
#include <string.h>

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

long minisig_base64_decode(const char *in, size_t len, uint8_t *out, size_t cap)
{
	size_t n = 0, pad = 0;
	uint32_t acc = 0;

	if (len % 4)
		return -1;
	while (pad < 2 && len > pad && in[len - 1 - pad] == '=')
		pad++;
	for (size_t i = 0; i < len - pad; i++) {
		int v = b64_value((unsigned char)in[i]);
		if (v < 0)
			return -1;
		acc = acc << 6 | (uint32_t)v;
		if (i % 4 == 3) {
			if (n + 3 > cap)
				return -1;
			out[n++] = (uint8_t)(acc >> 16);
			out[n++] = (uint8_t)(acc >> 8);
			out[n++] = (uint8_t)acc;
			acc = 0;
		}
	}
	if (pad) {	/* the last group: 2 or 3 characters, unused bits must be zero */
		size_t extra = 3 - pad;
		if (pad == 2 ? acc & 0xf : acc & 0x3)
			return -1;
		if (n + extra > cap)
			return -1;
		acc <<= 6 * pad;
		out[n++] = (uint8_t)(acc >> 16);
		if (extra == 2)
			out[n++] = (uint8_t)(acc >> 8);
	}
	return (long)n;
}

/* One line of at most `len` bytes from *p: returns its start and length
 * without the '\n' (and a '\r' before it), advances *p past it. */
static const char *next_line(const char **p, const char *end, size_t *len)
{
	const char *s = *p, *nl;

	if (s >= end)
		return NULL;
	nl = memchr(s, '\n', (size_t)(end - s));
	*p = nl ? nl + 1 : end;
	*len = (size_t)((nl ? nl : end) - s);
	if (*len && s[*len - 1] == '\r')
		(*len)--;
	return s;
}

static bool starts(const char *line, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && memcmp(line, prefix, n) == 0;
}

/* Nothing but blank lines may follow the last field. */
static bool only_blank(const char *p, const char *end)
{
	for (; p < end; p++)
		if (*p != '\n' && *p != '\r' && *p != ' ' && *p != '\t')
			return false;
	return true;
}

static int bad(struct errbuf *e, const char *name, const char *what)
{
	char shown[200];
	nb_sanitize(shown, sizeof(shown), name, strlen(name));
	return nb_fail(e, -EPROTO, "%s: %s", shown, what);
}

int minisig_parse_pubkey(const char *name, const char *text, size_t len, struct minisig_pubkey *k, struct errbuf *e)
{
	const char *p = text, *end = text + len, *line;
	uint8_t blob[42];
	size_t l;

	if (len > MINISIG_FILE_MAX)
		return bad(e, name, "larger than 4 KiB, not a minisign public key");
	line = next_line(&p, end, &l);
	if (line && starts(line, l, "untrusted comment:"))
		line = next_line(&p, end, &l);
	if (!line)
		return bad(e, name, "empty; expected a minisign public key (\"untrusted comment:\" line, then base64)");
	if (minisig_base64_decode(line, l, blob, sizeof(blob)) != (long)sizeof(blob))
		return bad(e, name, "expected a minisign public key: a base64 line of 42 bytes (\"Ed\", key id, Ed25519 key)");
	if (blob[0] != 'E' || blob[1] != 'd')
		return bad(e, name, "not an Ed25519 minisign public key (algorithm is not \"Ed\")");
	if (!only_blank(p, end))
		return bad(e, name, "text after the key line; expected a minisign public key of two lines");
	memcpy(k->keyid, blob + 2, MINISIG_KEYID_LEN);
	memcpy(k->pk, blob + 10, 32);
	return 0;
}

int minisig_parse(const char *name, const char *text, size_t len, struct minisig *s, struct errbuf *e)
{
	const char *p = text, *end = text + len, *line;
	uint8_t blob[74];
	size_t l;

	memset(s, 0, sizeof(*s));
	if (len > MINISIG_FILE_MAX)
		return bad(e, name, "larger than 4 KiB, not a minisign signature");
	line = next_line(&p, end, &l);
	if (!line || !starts(line, l, "untrusted comment:"))
		return bad(e, name, "expected a minisign signature: its first line starts \"untrusted comment:\"");
	if (!(line = next_line(&p, end, &l)) || minisig_base64_decode(line, l, blob, sizeof(blob)) != (long)sizeof(blob))
		return bad(e, name, "line 2: expected base64 of 74 bytes (algorithm, key id, signature)");
	if (blob[0] != 'E' || (blob[1] != 'D' && blob[1] != 'd'))
		return bad(e, name, "line 2: unknown signature algorithm; expected \"ED\" (prehashed) or \"Ed\"");
	s->prehashed = blob[1] == 'D';
	memcpy(s->keyid, blob + 2, MINISIG_KEYID_LEN);
	memcpy(s->sig, blob + 10, 64);
	if (!(line = next_line(&p, end, &l)) || !starts(line, l, "trusted comment: "))
		return bad(e, name, "line 3: expected \"trusted comment: \"");
	l -= strlen("trusted comment: ");
	if (l > MINISIG_COMMENT_MAX)
		return bad(e, name, "line 3: trusted comment longer than 1024 bytes");
	memcpy(s->trusted, line + strlen("trusted comment: "), l);
	s->trusted[l] = '\0';
	s->trusted_len = l;
	if (memchr(s->trusted, '\0', l))
		return bad(e, name, "line 3: a NUL byte in the trusted comment");
	if (!(line = next_line(&p, end, &l)) || minisig_base64_decode(line, l, s->global_sig, 64) != 64)
		return bad(e, name, "line 4: expected base64 of the 64-byte global signature");
	if (!only_blank(p, end))
		return bad(e, name, "text after line 4; expected a minisign signature of four lines");
	return 0;
}

void minisig_keyid_hex(const uint8_t id[MINISIG_KEYID_LEN], char out[2 * MINISIG_KEYID_LEN + 1])
{
	static const char xd[] = "0123456789ABCDEF";
	/* minisign prints the id as a little-endian 64-bit number */
	for (int i = 0; i < MINISIG_KEYID_LEN; i++) {
		out[2 * i] = xd[id[MINISIG_KEYID_LEN - 1 - i] >> 4];
		out[2 * i + 1] = xd[id[MINISIG_KEYID_LEN - 1 - i] & 15];
	}
	out[2 * MINISIG_KEYID_LEN] = '\0';
}

const char *minisig_comment_file(const struct minisig *s, size_t *len)
{
	const char *t = s->trusted, *end = t + s->trusted_len;

	for (const char *p = t; p + 5 <= end; p++) {
		if ((p == t || p[-1] == '\t') && memcmp(p, "file:", 5) == 0) {
			const char *v = p + 5, *tab = memchr(v, '\t', (size_t)(end - v));
			*len = (size_t)((tab ? tab : end) - v);
			return v;
		}
	}
	return NULL;
}
