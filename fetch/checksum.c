/* Expected digests from checksum files and from checksum=<algo>:<hex>.
 *
 * Checksum file lines understood (after trimming blanks and a CR):
 *   <hex>  name        md5sum/sha256sum/sha512sum text mode (any blanks)
 *   <hex> *name        binary mode marker
 *   \<hex>  na\\me     GNU escaped name (\\ and \n)
 *   <hex>              a digest alone
 *   MD5 (name) = <hex>         BSD style and `sha256sum --tag`; also
 *   SHA256(name)= <hex>        OpenSSL's "SHA2-256(name)= <hex>"
 * Blank lines and '#' comments are skipped, a UTF-8 BOM is ignored.  Other
 * lines (a PGP clearsign armour, say) are tolerated when a line names our
 * file; otherwise the file is not a checksum file and the error quotes the
 * first line we could not read.  Everything is bounded: 64 KiB a file,
 * 1 KiB a line, no allocation. */
#include "fetch/checksum.h"
#include "netboot/hex.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define CK_MAX_LINE 1024
#define CK_QUOTE 60		/* bytes of a bad line quoted in messages */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int algo_from_hexlen(size_t n)
{
	switch (n) {
	case 32:
		return HASH_MD5;
	case 64:
		return HASH_SHA256;
	case 128:
		return HASH_SHA512;
	}
	return -1;
}

/* hex must hold 2 * hash_digest_len(algo) hex digits (checked by callers) */
static void decode(int algo, const char *hex, struct expected_digest *out)
{
	memset(out, 0, sizeof(*out));
	out->algo = (enum hash_algo)algo;
	out->len = hash_digest_len(out->algo);
	for (size_t i = 0; i < out->len; i++)
		out->digest[i] = (uint8_t)(hex_digit(hex[2 * i]) << 4 | hex_digit(hex[2 * i + 1]));
}

/* Untrusted bytes as printable ASCII (NULs too), cut at max bytes (at most
 * 96) with "..." added. */
static void quote(char *dst, size_t dstlen, const char *s, size_t n, size_t max)
{
	char tmp[96];
	size_t k = n < max ? n : max;

	if (k > sizeof(tmp))
		k = sizeof(tmp);
	for (size_t i = 0; i < k; i++)
		tmp[i] = s[i] ? s[i] : '?';
	nb_sanitize(dst, dstlen, tmp, k);
	if (n > k && strlen(dst) + 4 <= dstlen)
		strcat(dst, "...");
}

/* ---- checksum files ---- */

struct line {
	const char *text;	/* the trimmed line */
	size_t len;
	int algo;		/* from the tag or the digest length; -1 unknown */
	const char *hex;
	size_t hexlen;
	const char *name;	/* raw, still escaped when `escaped` */
	size_t namelen;
	bool escaped;
	enum { LINE_OK, NOT_HEX, BAD_LENGTH, BAD_TAG_LENGTH, UNKNOWN_TAG } why;
	const char *tag;	/* BSD style: the algorithm tag */
	size_t taglen;
};

static const struct {
	const char *tag;
	enum hash_algo algo;
} bsd_tags[] = {
	{ "MD5", HASH_MD5 }, { "SHA256", HASH_SHA256 }, { "SHA512", HASH_SHA512 },
	{ "SHA-256", HASH_SHA256 }, { "SHA-512", HASH_SHA512 },
	{ "SHA2-256", HASH_SHA256 }, { "SHA2-512", HASH_SHA512 },
};

static int bsd_tag_algo(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(bsd_tags) / sizeof(bsd_tags[0]); i++) {
		if (strlen(bsd_tags[i].tag) == n && strncasecmp(s, bsd_tags[i].tag, n) == 0)
			return (int)bsd_tags[i].algo;
	}
	return -1;
}

static size_t hex_run(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && hex_digit(s[i]) >= 0)
		i++;
	return i;
}

/* "TAG (name) = hex"; returns false if the line does not have that shape. */
static bool parse_bsd(struct line *l)
{
	const char *s = l->text, *end = s + l->len, *open, *close, *eq;
	size_t taglen = 0;

	while (s + taglen < end && (s[taglen] == '-' || (s[taglen] >= '0' && s[taglen] <= '9') ||
				    ((s[taglen] | 0x20) >= 'a' && (s[taglen] | 0x20) <= 'z')))
		taglen++;
	open = s + taglen;
	while (open < end && is_blank(*open))
		open++;
	if (!taglen || open == end || *open != '(')
		return false;
	eq = end;
	while (eq > open && eq[-1] != '=')
		eq--;
	if (eq == open)
		return false;
	close = eq - 1;		/* at the '=' */
	while (close > open && is_blank(close[-1]))
		close--;
	if (close == open + 1 || close[-1] != ')')
		return false;
	close--;
	l->name = open + 1;
	l->namelen = (size_t)(close - l->name);
	l->hex = eq;
	while (l->hex < end && is_blank(*l->hex))
		l->hex++;
	l->hexlen = (size_t)(end - l->hex);
	l->tag = s;
	l->taglen = taglen;
	l->algo = bsd_tag_algo(s, taglen);
	if (l->algo < 0)
		l->why = UNKNOWN_TAG;
	else if (!l->hexlen || hex_run(l->hex, l->hexlen) != l->hexlen)
		l->why = NOT_HEX;
	else if (l->hexlen != 2 * hash_digest_len((enum hash_algo)l->algo))
		l->why = BAD_TAG_LENGTH;
	return true;
}

/* "hex", "hex  name", "hex *name", "\hex  escaped-name" */
static void parse_gnu(struct line *l)
{
	const char *s = l->text, *end = s + l->len, *p;

	if (s < end && *s == '\\') {
		l->escaped = true;
		s++;
	}
	l->hex = s;
	l->hexlen = hex_run(s, (size_t)(end - s));
	p = s + l->hexlen;
	if (!l->hexlen || (p < end && !is_blank(*p))) {
		l->why = NOT_HEX;
		return;
	}
	while (p < end && is_blank(*p))
		p++;
	if (p < end && *p == '*')
		p++;
	l->name = p;
	l->namelen = (size_t)(end - p);
	l->algo = algo_from_hexlen(l->hexlen);
	if (l->algo < 0)
		l->why = BAD_LENGTH;
}

static void parse_line(struct line *l)
{
	struct line gnu;

	l->algo = -1;
	l->hex = l->name = l->tag = l->text;
	l->hexlen = l->namelen = l->taglen = 0;
	l->escaped = false;
	l->why = LINE_OK;
	gnu = *l;
	parse_gnu(&gnu);
	if (gnu.why == LINE_OK || !parse_bsd(l))
		*l = gnu;
}

/* Does the line's file name, without directories, equal want? */
static bool name_matches(const struct line *l, const char *want, size_t wantlen)
{
	char buf[CK_MAX_LINE];
	const char *n = l->name;
	size_t len = l->namelen, base = 0;

	if (!wantlen || !len)
		return false;
	if (l->escaped) {	/* GNU: "\\" is a backslash, "\n" a newline */
		size_t j = 0;
		for (size_t i = 0; i < len && j < sizeof(buf); i++) {
			if (n[i] == '\\' && i + 1 < len) {
				i++;
				buf[j++] = n[i] == 'n' ? '\n' : n[i];
			} else {
				buf[j++] = n[i];
			}
		}
		n = buf;
		len = j;
	}
	for (size_t i = 0; i < len; i++)
		if (n[i] == '/' || (n[i] == '\\' && !l->escaped))
			base = i + 1;
	return len - base == wantlen && memcmp(n + base, want, wantlen) == 0;
}

struct parse {
	char src[180];		/* "sysrcd.md5 from http://..." */
	char expect[48];	/* "<32 hex digits>" */
	char name[64];		/* sanitized file name we look for */
	int hint;
	const char *want;	/* the file name we look for, without directories */
	size_t wantlen;
};

static int fail_line(struct errbuf *e, const struct parse *c, const struct line *l, const char *detail)
{
	char got[CK_QUOTE + 4], tag[24], buf[64];

	quote(got, sizeof(got), l->text, l->len, CK_QUOTE);
	switch (detail ? LINE_OK : l->why) {
	case LINE_OK:
		break;
	case NOT_HEX:
		detail = "not a hex digest";
		break;
	case BAD_LENGTH:
		snprintf(buf, sizeof(buf), "%zu hex digits", l->hexlen);
		detail = buf;
		break;
	case BAD_TAG_LENGTH:
		snprintf(buf, sizeof(buf), "%zu hex digits for %s", l->hexlen, hash_name((enum hash_algo)l->algo));
		detail = buf;
		break;
	case UNKNOWN_TAG:
		quote(tag, sizeof(tag), l->tag, l->taglen, 16);
		snprintf(buf, sizeof(buf), "unknown algorithm '%s'", tag);
		detail = buf;
		break;
	}
	return nb_fail(e, -EPROTO, "%s: expected '%s  %s', got '%s'%s%s%s", c->src, c->expect, c->name, got,
		       detail ? " (" : "", detail ? detail : "", detail ? ")" : "");
}

/* Why a well-formed line is not usable with the algo_hint, or NULL. */
static const char *hint_conflict(const struct parse *c, const struct line *l, char *buf, size_t len)
{
	if (c->hint < 0 || l->algo == c->hint)
		return NULL;
	snprintf(buf, len, "%s digest, expected %s", hash_name((enum hash_algo)l->algo),
		 hash_name((enum hash_algo)c->hint));
	return buf;
}

static void describe_source(struct parse *c, const char *source)
{
	char s[120], b[48];
	const char *base;

	if (!source || !*source) {
		snprintf(c->src, sizeof(c->src), "checksum file");
		return;
	}
	nb_sanitize(s, sizeof(s), source, strlen(source));
	base = strrchr(source, '/');
	if (!base || !base[1]) {
		snprintf(c->src, sizeof(c->src), "%s", s);
		return;
	}
	base++;
	nb_sanitize(b, sizeof(b), base, strcspn(base, "?#"));
	snprintf(c->src, sizeof(c->src), "%s from %s", b, s);
}

/* What the message and the search need: the source, the expected shape, the
 * name we look for. */
static void parse_setup(struct parse *c, const char *name, int algo_hint, const char *source)
{
	if (algo_hint > HASH_SHA512)
		algo_hint = -1;
	c->hint = algo_hint;
	describe_source(c, source);
	if (algo_hint >= 0)
		snprintf(c->expect, sizeof(c->expect), "<%zu hex digits>",
			 2 * hash_digest_len((enum hash_algo)algo_hint));
	else
		snprintf(c->expect, sizeof(c->expect), "<32, 64 or 128 hex digits>");
	if (!name)
		name = "";
	c->want = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	c->wantlen = strlen(c->want);
	nb_sanitize(c->name, sizeof(c->name), c->want, c->wantlen);
	if (!*c->name)
		snprintf(c->name, sizeof(c->name), "<file name>");
}

/* The whole file before any line: small enough, and text. */
static int check_text(const struct parse *c, const char *buf, size_t len, struct errbuf *e)
{
	if (len > CHECKSUM_FILE_MAX)
		return nb_fail(e, -EPROTO, "%s: expected '%s  %s', got %zu bytes (a checksum file is at most %d KiB)",
			       c->src, c->expect, c->name, len, CHECKSUM_FILE_MAX / 1024);
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)buf[i];
		if ((ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') || ch == 0x7f) {
			char got[CK_QUOTE + 4];
			quote(got, sizeof(got), buf, len, CK_QUOTE);
			return nb_fail(e, -EPROTO, "%s: expected '%s  %s', got binary data '%s'", c->src,
				       c->expect, c->name, got);
		}
	}
	return 0;
}

/* The next line from *p, trimmed of blanks and a CR, into l->text/l->len
 * (l->len 0 for a blank line or a comment); *p moves past it.  Fails on a
 * line over CK_MAX_LINE bytes. */
static int next_line(const struct parse *c, const char **p, const char *end, struct line *l, struct errbuf *e)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	const char *le = nl ? nl : end;

	if (le - *p > CK_MAX_LINE) {
		char got[CK_QUOTE + 4];
		quote(got, sizeof(got), *p, (size_t)(le - *p), CK_QUOTE);
		return nb_fail(e, -EPROTO, "%s: expected '%s  %s', got a line of %zu bytes '%s'",
			       c->src, c->expect, c->name, (size_t)(le - *p), got);
	}
	l->text = *p;
	*p = nl ? nl + 1 : end;
	while (le > l->text && (is_blank(le[-1]) || le[-1] == '\r'))
		le--;
	while (l->text < le && is_blank(*l->text))
		l->text++;
	l->len = (size_t)(le - l->text);
	if (l->len && *l->text == '#')
		l->len = 0;
	return 0;
}

/* What the lines read so far hold: counts, and the best line so far for
 * each verdict below (the first of its kind wins). */
struct scan {
	int entries, bad, named;	/* usable lines, unreadable lines, usable lines with a name */
	struct line first;		/* the first usable line */
	struct line first_bad;		/* the first unreadable line */
	struct line first_named;	/* the first usable line with a name */
	struct line match;		/* the first line for our file that fits the hint */
	struct line conflict;		/* the first line for our file of another algorithm */
};

/* One non-blank line into the scan.  A line for our file that we cannot
 * read is an answer, not noise: it fails at once, whatever follows. */
static int scan_line(struct scan *s, const struct parse *c, struct line *l, struct errbuf *e)
{
	char detail[96];

	parse_line(l);
	if (l->why != LINE_OK) {
		if (l->namelen && name_matches(l, c->want, c->wantlen))
			return fail_line(e, c, l, NULL);
		if (!s->bad++)
			s->first_bad = *l;
		return 0;
	}
	if (!s->entries++)
		s->first = *l;
	if (l->namelen && !s->named++)
		s->first_named = *l;
	if (!s->match.text && name_matches(l, c->want, c->wantlen)) {
		if (!hint_conflict(c, l, detail, sizeof(detail)))
			s->match = *l;
		else if (!s->conflict.text)
			s->conflict = *l;
	}
	return 0;
}

/* The verdicts on a whole file, in precedence order: the first that applies
 * is the answer. */
enum verdict {
	V_MATCH,	/* a line for our file fits the hint: its digest */
	V_CONFLICT,	/* a line for our file, but of another algorithm than the hint */
	V_EMPTY,	/* no lines at all */
	V_NOT_CHECKSUMS,/* unreadable lines and no named entry: not a checksum file */
	V_ONLY_LINE,	/* the only line, whatever its name says (the seed's sysrcd.md5) */
	V_UNNAMED,	/* several digests, none with a name */
	V_NOT_LISTED,	/* named entries, none for our file */
};

static enum verdict verdict_of(const struct scan *s)
{
	if (s->match.text)
		return V_MATCH;
	if (s->conflict.text)
		return V_CONFLICT;
	if (!s->entries && !s->bad)
		return V_EMPTY;
	if (s->bad && !s->named)
		return V_NOT_CHECKSUMS;
	if (s->entries == 1 && !s->bad)
		return V_ONLY_LINE;
	if (!s->named)
		return V_UNNAMED;
	return V_NOT_LISTED;
}

static int use_line(const struct line *l, struct expected_digest *out)
{
	decode(l->algo, l->hex, out);
	return 0;
}

/* The verdict as a digest in out or an error in e. */
static int answer(const struct scan *s, const struct parse *c, size_t len, struct expected_digest *out,
		  struct errbuf *e)
{
	char detail[96], other[72];

	switch (verdict_of(s)) {
	case V_MATCH:
		return use_line(&s->match, out);
	case V_CONFLICT:
		return fail_line(e, c, &s->conflict, hint_conflict(c, &s->conflict, detail, sizeof(detail)));
	case V_EMPTY:
		return nb_fail(e, -EPROTO, "%s: expected '%s  %s', got %s", c->src, c->expect, c->name,
			       len ? "no checksum lines" : "an empty file");
	case V_NOT_CHECKSUMS:
		return fail_line(e, c, &s->first_bad, NULL);
	case V_ONLY_LINE:
		if (hint_conflict(c, &s->first, detail, sizeof(detail)))
			return fail_line(e, c, &s->first, detail);
		return use_line(&s->first, out);
	case V_UNNAMED:
		return nb_fail(e, -ENOENT, "%s: %d digests without file names, none of them marked for %s",
			       c->src, s->entries, c->name);
	case V_NOT_LISTED:
		break;
	}
	quote(other, sizeof(other), s->first_named.name, s->first_named.namelen, 60);
	return nb_fail(e, -ENOENT, "%s: no line for %s among %d %s (the first is for '%s')",
		       c->src, c->name, s->entries, s->entries == 1 ? "entry" : "entries", other);
}

int checksum_file_parse(const char *buf, size_t len, const char *name, int algo_hint,
			const char *source, struct expected_digest *out, struct errbuf *e)
{
	struct parse c;
	struct scan s = { 0 };
	struct line l;
	const char *p = buf, *end = buf + len;
	int rc;

	parse_setup(&c, name, algo_hint, source);
	if ((rc = check_text(&c, buf, len, e)) < 0)
		return rc;
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end) {
		if ((rc = next_line(&c, &p, end, &l, e)) < 0)
			return rc;
		if (l.len && (rc = scan_line(&s, &c, &l, e)) < 0)
			return rc;
	}
	return answer(&s, &c, len, out, e);
}

/* ---- checksum=<algo>:<hex> ---- */

int checksum_arg_parse(const char *buf, size_t len, struct expected_digest *out, struct errbuf *e)
{
	char shown[96];
	const char *hex;
	size_t hexlen, sep;
	int algo;

	while (len && (is_blank(*buf) || *buf == '\n' || *buf == '\r'))
		buf++, len--;
	while (len && (is_blank(buf[len - 1]) || buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	quote(shown, sizeof(shown), buf, len, 80);
	if (!len)
		return nb_fail(e, -EINVAL, "checksum= is empty: expected <algo>:<hex>, e.g. sha256:<64 hex digits>");
	for (sep = 0; sep < len && buf[sep] != ':' && buf[sep] != '='; sep++)
		;
	if (sep < len) {
		char a[24];
		algo = hash_from_name(buf, sep);
		if (algo < 0) {
			quote(a, sizeof(a), buf, sep, 16);
			return nb_fail(e, -EINVAL, "checksum=%s: unknown algorithm '%s', expected md5, sha256 or sha512",
				       shown, a);
		}
		hex = buf + sep + 1;
		hexlen = len - sep - 1;
	} else {	/* a bare digest: the length says which algorithm */
		hex = buf;
		hexlen = len;
		algo = hex_run(hex, hexlen) == hexlen ? algo_from_hexlen(hexlen) : -1;
		if (algo < 0)
			return nb_fail(e, -EINVAL, "checksum=%s: expected <algo>:<hex>, e.g. sha256:<64 hex digits>",
				       shown);
	}
	for (size_t i = 0; i < hexlen; i++)
		if (hex_digit(hex[i]) < 0) {
			char ch[2];
			nb_sanitize(ch, sizeof(ch), hex + i, 1);
			return nb_fail(e, -EINVAL, "checksum=%s: '%s' at digit %zu is not a hex digit", shown, ch,
				       i + 1);
		}
	if (hexlen != 2 * hash_digest_len((enum hash_algo)algo))
		return nb_fail(e, -EINVAL, "checksum=%s: %s needs %zu hex digits, got %zu", shown,
			       hash_name((enum hash_algo)algo), 2 * hash_digest_len((enum hash_algo)algo), hexlen);
	decode(algo, hex, out);
	return 0;
}

/* ---- where to look ---- */

int checksum_candidates(const char *image_name, enum hash_algo prefer, char names[][256], int max)
{
	const char *slash = strrchr(image_name, '/');
	const char *base = slash ? slash + 1 : image_name;
	const char *dot = strrchr(base, '.');
	int stem = dot && dot != base ? (int)(dot - image_name) : (int)strlen(image_name);
	char tmp[CHECKSUM_CANDIDATES_MAX][300];
	int n = 0;

	if (!*image_name || strlen(image_name) > 256)
		return 0;
	snprintf(tmp[0], sizeof(tmp[0]), "%.*s.md5", stem, image_name);	/* the seed's rule */
	snprintf(tmp[1], sizeof(tmp[1]), "%s.sha256", image_name);
	snprintf(tmp[2], sizeof(tmp[2]), "%s.sha512", image_name);
	snprintf(tmp[3], sizeof(tmp[3]), "%s.md5", image_name);
	snprintf(tmp[4], sizeof(tmp[4]), "%.*s.sha256", stem, image_name);	/* netboot serve's names */
	snprintf(tmp[5], sizeof(tmp[5]), "%.*s.sha512", stem, image_name);
	/* the seed's order, then netboot serve's names; another preference
	 * moves its own names (base name first) to the front */
	static const int order[][CHECKSUM_CANDIDATES_MAX] = {
		[HASH_MD5] = { 0, 1, 2, 3, 4, 5 },
		[HASH_SHA256] = { 4, 1, 0, 2, 3, 5 },
		[HASH_SHA512] = { 5, 2, 0, 1, 3, 4 },
	};
	if ((unsigned)prefer > HASH_SHA512)
		prefer = HASH_MD5;
	for (int k = 0; k < CHECKSUM_CANDIDATES_MAX && n < max; k++) {
		const char *name = tmp[order[prefer][k]];
		bool dup = false;

		if (strlen(name) >= 256)
			continue;
		for (int j = 0; j < n; j++)
			dup = dup || strcmp(names[j], name) == 0;
		if (!dup)
			memcpy(names[n++], name, strlen(name) + 1);
	}
	return n;
}

int checksum_algo_of_name(const char *file_name)
{
	const char *dot = strrchr(file_name, '.');
	return dot ? hash_from_name(dot + 1, strlen(dot + 1)) : -1;
}
