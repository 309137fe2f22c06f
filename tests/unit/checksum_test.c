/* Checksum files (md5sum/sha*sum, BSD tags, garbage), checksum= arguments,
 * and the checksum file names tried beside an image. */
#include "fetch/checksum.h"
#include "tests/unit/check.h"
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

#define D5 "d41d8cd98f00b204e9800998ecf8427e"
#define D5U "D41D8CD98F00B204E9800998ECF8427E"
#define D256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define D256B "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define D256C "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
#define D512 "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce" \
	     "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"
#define D512B D256B D256C
#define SRC "http://x/sysrcd.md5"

#define OK(algo, hex) 0, algo, hex, NULL
#define ERR(rc, sub) rc, 0, NULL, sub

static const struct file_case {
	const char *desc;
	const char *text;
	const char *name;
	int hint;
	int rc;
	int algo;		/* when rc == 0 */
	const char *hex;	/* when rc == 0 */
	const char *msg;	/* substring of the error message when rc < 0 */
} file_cases[] = {
	/* md5sum / sha256sum / sha512sum output */
	{ "md5sum text mode", D5 "  sysrcd.dat\n", "sysrcd.dat", -1, OK(HASH_MD5, D5) },
	{ "md5sum binary marker", D5 " *sysrcd.dat\n", "sysrcd.dat", -1, OK(HASH_MD5, D5) },
	{ "single space", D5 " sysrcd.dat\n", "sysrcd.dat", -1, OK(HASH_MD5, D5) },
	{ "tab separator", D5 "\tsysrcd.dat\n", "sysrcd.dat", -1, OK(HASH_MD5, D5) },
	{ "digest alone", D5 "\n", "sysrcd.dat", -1, OK(HASH_MD5, D5) },
	{ "digest alone, no newline", D5, "sysrcd.dat", -1, OK(HASH_MD5, D5) },
	{ "single line with another name (the seed's sysrcd.md5)", D5 "  systemrescue-11.00-amd64.iso\n",
	  "sysrcd.dat", -1, OK(HASH_MD5, D5) },
	{ "CRLF", D5 "  sysrcd.dat\r\n", "sysrcd.dat", -1, OK(HASH_MD5, D5) },
	{ "trailing whitespace", D5 "  sysrcd.dat \t \r\n\r\n", "sysrcd.dat", -1, OK(HASH_MD5, D5) },
	{ "leading whitespace", "   " D5 "  sysrcd.dat\n", "sysrcd.dat", -1, OK(HASH_MD5, D5) },
	{ "upper-case hex", D5U "  sysrcd.dat\n", "sysrcd.dat", -1, OK(HASH_MD5, D5) },
	{ "UTF-8 BOM", "\xef\xbb\xbf" D5 "  sysrcd.dat\r\n", "sysrcd.dat", -1, OK(HASH_MD5, D5) },
	{ "comments and blank lines", "# made by hand\n\n   \n\t\n" D256 "  sysrcd.dat\n\n# end\n", "sysrcd.dat", -1,
	  OK(HASH_SHA256, D256) },
	{ "sha256sum picks the matching line", D256B "  other.iso\n" D256 "  sysrcd.dat\n" D256C "  third.img\n",
	  "sysrcd.dat", -1, OK(HASH_SHA256, D256) },
	{ "sha512sum", D512B "  a.iso\n" D512 " *sysrcd.dat\n", "sysrcd.dat", -1, OK(HASH_SHA512, D512) },
	{ "directories in the listed name", D256B "  isos/a.iso\n" D256 "  ./isos/x86_64/sysrcd.dat\n", "sysrcd.dat",
	  -1, OK(HASH_SHA256, D256) },
	{ "Windows directories in the listed name", D256B "  a.iso\n" D256 " *isos\\sysrcd.dat\r\n", "sysrcd.dat",
	  -1, OK(HASH_SHA256, D256) },
	{ "name given with directories", D256B "  a.iso\n" D256 "  sysrcd.dat\n", "sysresccd/x86_64/sysrcd.dat", -1,
	  OK(HASH_SHA256, D256) },
	{ "name with spaces", D256B "  a.iso\n" D256C "  my image.iso\n", "my image.iso", -1,
	  OK(HASH_SHA256, D256C) },
	{ "GNU escaped line", D256B "  a.iso\n\\" D256 "  sysrcd.dat\n", "sysrcd.dat", -1, OK(HASH_SHA256, D256) },
	{ "GNU escaped backslash is not a directory", D256B "  sysrcd.dat\n\\" D256C "  x\\\\sysrcd.dat\n",
	  "sysrcd.dat", -1, OK(HASH_SHA256, D256B) },
	{ "prefix of a name does not match", D256B "  sysrcd.dat.old\n" D256 "  sysrcd.dat\n", "sysrcd.dat", -1,
	  OK(HASH_SHA256, D256) },
	{ "first matching line wins", D256 "  sysrcd.dat\n" D256B "  sysrcd.dat\n", "sysrcd.dat", -1,
	  OK(HASH_SHA256, D256) },
	/* BSD style */
	{ "BSD md5", "MD5 (sysrcd.dat) = " D5 "\n", "sysrcd.dat", -1, OK(HASH_MD5, D5) },
	{ "BSD sha256", "SHA256 (other.iso) = " D256B "\nSHA256 (sysrcd.dat) = " D256 "\n", "sysrcd.dat", -1,
	  OK(HASH_SHA256, D256) },
	{ "BSD sha512", "SHA512 (sysrcd.dat) = " D512 "\r\n", "sysrcd.dat", -1, OK(HASH_SHA512, D512) },
	{ "OpenSSL style", "SHA2-256(sysrcd.dat)= " D256 "\n", "sysrcd.dat", -1, OK(HASH_SHA256, D256) },
	{ "BSD name with parentheses", "SHA256 (a (1).iso) = " D256B "\nSHA256 (sysrcd (2).dat) = " D256 "\n",
	  "sysrcd (2).dat", -1, OK(HASH_SHA256, D256) },
	{ "BSD both algorithms, hint picks sha512", "SHA256 (sysrcd.dat) = " D256 "\nSHA512 (sysrcd.dat) = " D512 "\n",
	  "sysrcd.dat", HASH_SHA512, OK(HASH_SHA512, D512) },
	{ "BSD both algorithms, no hint takes the first",
	  "SHA256 (sysrcd.dat) = " D256 "\nSHA512 (sysrcd.dat) = " D512 "\n", "sysrcd.dat", -1,
	  OK(HASH_SHA256, D256) },
	{ "PGP clearsigned CHECKSUM file",
	  "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n# sysrcd.dat: 123 bytes\nSHA256 (sysrcd.dat) = " D256
	  "\n-----BEGIN PGP SIGNATURE-----\n\niQIzBAEBCAAdFiEE\n-----END PGP SIGNATURE-----\n",
	  "sysrcd.dat", HASH_SHA256, OK(HASH_SHA256, D256) },
	/* algo_hint */
	{ "hint matches", D256 "  sysrcd.dat\n", "sysrcd.dat", HASH_SHA256, OK(HASH_SHA256, D256) },
	{ "hint md5 but a sha256 digest", D256 "  sysrcd.dat\n", "sysrcd.dat", HASH_MD5,
	  ERR(-EPROTO, "expected '<32 hex digits>  sysrcd.dat', got 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852...' "
		       "(sha256 digest, expected md5)") },
	{ "hint mismatch names both", D256 "\n", "sysrcd.dat", HASH_MD5, ERR(-EPROTO, "(sha256 digest, expected md5)") },
	{ "hint mismatch on the matching line", D5 "  a.iso\n" D256 "  sysrcd.dat\n", "sysrcd.dat", HASH_MD5,
	  ERR(-EPROTO, "sha256 digest, expected md5") },
	/* not a checksum file */
	{ "HTML error page", "<html><head><title>404 Not Found</title></head>\n<body>nope</body></html>\n",
	  "sysrcd.dat", HASH_MD5,
	  ERR(-EPROTO, "sysrcd.md5 from http://x/sysrcd.md5: expected '<32 hex digits>  sysrcd.dat', "
		       "got '<html><head><title>404 Not Found</title></head>' (not a hex digest)") },
	{ "HTML without hint", "<!DOCTYPE html>\n<html>\n", "sysrcd.dat", -1,
	  ERR(-EPROTO, "expected '<32, 64 or 128 hex digits>  sysrcd.dat', got '<!DOCTYPE html>'") },
	{ "empty file", "", "sysrcd.dat", -1, ERR(-EPROTO, "got an empty file") },
	{ "only comments", "# nothing here\n\n", "sysrcd.dat", -1, ERR(-EPROTO, "got no checksum lines") },
	{ "wrong-length hex", "d41d8cd98f00b204e9800998ecf8427  sysrcd.dat\n", "sysrcd.dat", -1,
	  ERR(-EPROTO, "(31 hex digits)") },
	{ "sha1sum output", "da39a3ee5e6b4b0d3255bfef95601890afd80709  sysrcd.dat\n", "sysrcd.dat", -1,
	  ERR(-EPROTO, "(40 hex digits)") },
	{ "non-hex character", "d41d8cd98f00b204e9800998ecf8427g  sysrcd.dat\n", "sysrcd.dat", -1,
	  ERR(-EPROTO, "(not a hex digest)") },
	{ "digest glued to the name", D5 "*sysrcd.dat\n", "sysrcd.dat", -1, ERR(-EPROTO, "not a hex digest") },
	{ "bad line for our file among good ones", D256B "  a.iso\nd41d8cd98f00b204  sysrcd.dat\n", "sysrcd.dat", -1,
	  ERR(-EPROTO, "got 'd41d8cd98f00b204  sysrcd.dat' (16 hex digits)") },
	{ "BSD unknown algorithm", "SHA1 (sysrcd.dat) = da39a3ee5e6b4b0d3255bfef95601890afd80709\n", "sysrcd.dat", -1,
	  ERR(-EPROTO, "unknown algorithm 'SHA1'") },
	{ "BSD tag and length disagree", "MD5 (sysrcd.dat) = " D256 "\n", "sysrcd.dat", -1,
	  ERR(-EPROTO, "64 hex digits for md5") },
	{ "BSD no digest", "SHA256 (sysrcd.dat) = \n", "sysrcd.dat", -1, ERR(-EPROTO, "not a hex digest") },
	{ "a digest inside prose", "The digest is\n" D5 "\n", "sysrcd.dat", -1, ERR(-EPROTO, "got 'The digest is'") },
	/* several entries, none for us */
	{ "several lines, none matching", D256B "  a.iso\n" D256C "  b.iso\n", "sysrcd.dat", -1,
	  ERR(-ENOENT, "no line for sysrcd.dat among 2 entries (the first is for 'a.iso')") },
	{ "several bare digests", D256B "\n" D256C "\n", "sysrcd.dat", -1, ERR(-ENOENT, "2 digests without file names") },
	{ "clearsigned, none matching", "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nSHA256 (a.iso) = " D256
	  "\n-----BEGIN PGP SIGNATURE-----\n", "sysrcd.dat", -1, ERR(-ENOENT, "no line for sysrcd.dat among 1 entry") },
	/* source naming */
	{ "no source", "<html>\n", "sysrcd.dat", -1, ERR(-EPROTO, "checksum file: expected") },
};

static void hex_of(const struct expected_digest *d, char *out)
{
	hash_hex(d->digest, d->len, out);
}

static bool printable(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			return false;
	return true;
}

static void check_file_case(const char *desc, const char *text, size_t len, const char *name, int hint, const char *src,
			    int rc_want, int algo, const char *hex, const char *msg)
{
	struct expected_digest d;
	struct errbuf e = { "" };
	char title[160], got[2 * HASH_MAX_DIGEST + 1];
	/* a private copy, exactly len bytes long, so ASan sees any overread */
	char *copy = malloc(len ? len : 1);
	int rc;

	memcpy(copy, text, len);
	memset(&d, 0xa5, sizeof(d));
	rc = checksum_file_parse(copy, len, name, hint, src, &d, &e);
	free(copy);
	snprintf(title, sizeof(title), "file: %s", desc);
	if (rc_want == 0) {
		if (rc != 0) {
			printf("FAIL: %s: rc %d: %s\n", title, rc, e.msg);
			check_failures++;
			return;
		}
		hex_of(&d, got);
		CHECK(title, (int)d.algo == algo && d.len == hash_digest_len(d.algo) && strcmp(got, hex) == 0);
	} else {
		if (rc != rc_want || !strstr(e.msg, msg) || !printable(e.msg)) {
			printf("FAIL: %s: rc %d (want %d), message '%s' (want '%s')\n", title, rc, rc_want, e.msg, msg);
			check_failures++;
			return;
		}
		printf("PASS: %s\n", title);
	}
}

static void test_files(void)
{
	for (size_t i = 0; i < sizeof(file_cases) / sizeof(file_cases[0]); i++) {
		const struct file_case *c = &file_cases[i];
		char lower[2 * HASH_MAX_DIGEST + 1] = "";

		if (c->hex)
			for (size_t j = 0; j <= strlen(c->hex); j++)
				lower[j] = (char)tolower((unsigned char)c->hex[j]);
		check_file_case(c->desc, c->text, strlen(c->text), c->name, c->hint, strcmp(c->desc, "no source") ? SRC : NULL,
				c->rc, c->algo, lower, c->msg);
	}
}

static void test_file_limits(void)
{
	enum { BIG = 70000 };
	char *big = malloc(BIG + 1), line[1100];
	size_t n = 0;

	/* binary data: a gzip header */
	check_file_case("binary data", "\x1f\x8b\x08\x00\x00\x00\x00\x00", 8, "sysrcd.dat", -1, SRC, -EPROTO, 0, NULL,
			"got binary data '?\?\?\?\?\?\?\?'");
	check_file_case("NUL after a good line", D5 "  sysrcd.dat\n\0", 46, "sysrcd.dat", -1, SRC, -EPROTO, 0,
			NULL, "binary data");
	/* exactly len bytes: no terminator needed, nothing read past the end */
	check_file_case("buffer without terminator", D5 "  sysrcd.datXXXX", 32 + 2 + 10, "sysrcd.dat", -1, SRC, 0,
			HASH_MD5, D5, NULL);
	/* a file over 64 KiB of otherwise valid lines */
	while (n + 80 < BIG)
		n += (size_t)sprintf(big + n, "%s  file%zu.iso\n", D5, n);
	check_file_case("file over 64 KiB", big, n, "sysrcd.dat", -1, SRC, -EPROTO, 0, NULL,
			"(a checksum file is at most 64 KiB)");
	/* 64 KiB exactly is fine */
	check_file_case("file of 64 KiB", big, (size_t)((char *)memrchr(big, '\n', 65536) - big + 1), "file0.iso",
			-1, SRC, 0, HASH_MD5, D5, NULL);
	/* lines: 1024 bytes is fine, 1025 is not */
	memset(line, 'a', sizeof(line));
	memcpy(line, D5 "  ", 34);
	line[1024] = '\0';
	check_file_case("line of 1024 bytes", line, 1024, "sysrcd.dat", -1, SRC, 0, HASH_MD5, D5, NULL);
	line[1024] = 'a';
	line[1025] = '\n';
	check_file_case("line of 1025 bytes", line, 1026, "sysrcd.dat", -1, SRC, -EPROTO, 0, NULL,
			"got a line of 1025 bytes '" D5 "  aaaaaaaaaaaaaaaaaaaaaaaaaa...'");
	/* the peer's bytes are sanitized in the message */
	check_file_case("message sanitized", "<p>\xc3\xa9t\xc3\xa9</p>\n", 13, "sysrcd.dat", -1, SRC, -EPROTO, 0, NULL,
			"got '<p>?\?t?\?</p>'");
	/* a hostile source and name are sanitized too */
	check_file_case("source sanitized", "x\n", 2, "sys\xffrcd.dat", -1, "http://h/a\x1b[2Jb.md5", -EPROTO, 0, NULL,
			"a?[2Jb.md5 from http://h/a?[2Jb.md5: expected '<32, 64 or 128 hex digits>  sys?rcd.dat'");
	/* a very long source still leaves the quoted line in the message */
	{
		char src[400];
		struct expected_digest d;
		struct errbuf e;
		memset(src, 'u', sizeof(src));
		memcpy(src, "http://", 7);
		src[sizeof(src) - 1] = '\0';
		CHECK("long source: message bounded and NUL-terminated",
		      checksum_file_parse("<html>", 6, "sysrcd.dat", -1, src, &d, &e) == -EPROTO &&
		      strlen(e.msg) < sizeof(e.msg) && strstr(e.msg, "got '<html>'"));
	}
	free(big);
}

static const struct arg_case {
	const char *arg;
	int rc;
	int algo;
	const char *hex;
	const char *msg;
} arg_cases[] = {
	{ "sha256:" D256, OK(HASH_SHA256, D256) },
	{ "SHA256=" D256, OK(HASH_SHA256, D256) },
	{ "md5:" D5U, OK(HASH_MD5, D5) },
	{ "md5=" D5, OK(HASH_MD5, D5) },
	{ "sha512:" D512, OK(HASH_SHA512, D512) },
	{ " sha256:" D256 " \n", OK(HASH_SHA256, D256) },
	{ D256, OK(HASH_SHA256, D256) },
	{ D512, OK(HASH_SHA512, D512) },
	{ "sha1:da39a3ee5e6b4b0d3255bfef95601890afd80709", ERR(-EINVAL, "unknown algorithm 'sha1', expected md5, sha256 or sha512") },
	{ ":" D256, ERR(-EINVAL, "unknown algorithm ''") },
	{ "sha256:" D5, ERR(-EINVAL, "sha256 needs 64 hex digits, got 32") },
	{ "md5:" D256, ERR(-EINVAL, "md5 needs 32 hex digits, got 64") },
	{ "sha256:", ERR(-EINVAL, "sha256 needs 64 hex digits, got 0") },
	{ "md5:d41d8cd98f00b204e9800998ecf8427g", ERR(-EINVAL, "'g' at digit 32 is not a hex digit") },
	{ "md5::" D5, ERR(-EINVAL, "':' at digit 1 is not a hex digit") },
	{ "", ERR(-EINVAL, "checksum= is empty") },
	{ " \n", ERR(-EINVAL, "checksum= is empty") },
	{ "da39a3ee5e6b4b0d3255bfef95601890afd80709", ERR(-EINVAL, "expected <algo>:<hex>") },
	{ "yes", ERR(-EINVAL, "checksum=yes: expected <algo>:<hex>") },
	{ "sha256:\x01" D5, ERR(-EINVAL, "'?' at digit 1") },
};

static void test_args(void)
{
	for (size_t i = 0; i < sizeof(arg_cases) / sizeof(arg_cases[0]); i++) {
		const struct arg_case *c = &arg_cases[i];
		struct expected_digest d;
		struct errbuf e = { "" };
		char title[200], got[2 * HASH_MAX_DIGEST + 1], shown[48];
		size_t len = strlen(c->arg);
		char *copy = malloc(len ? len : 1);
		int rc;

		memcpy(copy, c->arg, len);
		rc = checksum_arg_parse(copy, len, &d, &e);
		free(copy);
		nb_sanitize(shown, sizeof(shown), c->arg, len);
		snprintf(title, sizeof(title), "arg: '%s'", shown);
		if (c->rc == 0) {
			if (rc) {
				printf("FAIL: %s: rc %d: %s\n", title, rc, e.msg);
				check_failures++;
				continue;
			}
			hex_of(&d, got);
			CHECK(title, (int)d.algo == c->algo && strcmp(got, c->hex) == 0);
		} else {
			if (rc != c->rc || !strstr(e.msg, c->msg) || !printable(e.msg)) {
				printf("FAIL: %s: rc %d, message '%s' (want '%s')\n", title, rc, e.msg, c->msg);
				check_failures++;
				continue;
			}
			printf("PASS: %s\n", title);
		}
	}
	{
		struct expected_digest d;
		/* len excludes the trailing junk: the parser must not look past it */
		CHECK("arg: length-bounded", checksum_arg_parse("md5:" D5 "junk", 36, &d, NULL) == 0 && d.algo == HASH_MD5);
		CHECK("arg: NULL errbuf on error", checksum_arg_parse("nope", 4, &d, NULL) == -EINVAL);
	}
}

static void test_candidates(void)
{
	static const struct {
		const char *image;
		enum hash_algo prefer;
		int max;
		const char *want[6];
	} tab[] = {
		/* no SHA-NI: the seed's order exactly as before, netboot serve's names after it */
		{ "sysrcd.dat", HASH_MD5, 8, { "sysrcd.md5", "sysrcd.dat.sha256", "sysrcd.dat.sha512", "sysrcd.dat.md5",
					       "sysrcd.sha256", "sysrcd.sha512" } },
		{ "vmlinuz", HASH_MD5, 8, { "vmlinuz.md5", "vmlinuz.sha256", "vmlinuz.sha512" } },
		{ "isos/v1.2/sysrcd.dat", HASH_MD5, 8,
		  { "isos/v1.2/sysrcd.md5", "isos/v1.2/sysrcd.dat.sha256", "isos/v1.2/sysrcd.dat.sha512",
		    "isos/v1.2/sysrcd.dat.md5", "isos/v1.2/sysrcd.sha256", "isos/v1.2/sysrcd.sha512" } },
		{ "boot.d/vmlinuz", HASH_MD5, 8, { "boot.d/vmlinuz.md5", "boot.d/vmlinuz.sha256", "boot.d/vmlinuz.sha512" } },
		{ ".hidden", HASH_MD5, 8, { ".hidden.md5", ".hidden.sha256", ".hidden.sha512" } },
		{ "a.tar.gz", HASH_MD5, 8, { "a.tar.md5", "a.tar.gz.sha256", "a.tar.gz.sha512", "a.tar.gz.md5",
					     "a.tar.sha256", "a.tar.sha512" } },
		{ "sysrcd.dat", HASH_MD5, 2, { "sysrcd.md5", "sysrcd.dat.sha256" } },
		{ "sysrcd.dat", HASH_MD5, 0, { NULL } },
		{ "", HASH_MD5, 8, { NULL } },
		/* SHA-NI: the sha256 files first (the companion server's name first), then the same order */
		{ "sysrcd.dat", HASH_SHA256, 8, { "sysrcd.sha256", "sysrcd.dat.sha256", "sysrcd.md5", "sysrcd.dat.sha512",
						  "sysrcd.dat.md5", "sysrcd.sha512" } },
		{ "sysrcd.dat", HASH_SHA256, 3, { "sysrcd.sha256", "sysrcd.dat.sha256", "sysrcd.md5" } },
		{ "vmlinuz", HASH_SHA256, 8, { "vmlinuz.sha256", "vmlinuz.md5", "vmlinuz.sha512" } },
		{ "isos/sysrcd.dat", HASH_SHA256, 8, { "isos/sysrcd.sha256", "isos/sysrcd.dat.sha256", "isos/sysrcd.md5",
						       "isos/sysrcd.dat.sha512", "isos/sysrcd.dat.md5", "isos/sysrcd.sha512" } },
		{ "sysrcd.dat", HASH_SHA512, 8, { "sysrcd.sha512", "sysrcd.dat.sha512", "sysrcd.md5", "sysrcd.dat.sha256",
						  "sysrcd.dat.md5", "sysrcd.sha256" } },
	};

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		char names[8][256], title[128];
		int n = checksum_candidates(tab[i].image, tab[i].prefer, names, tab[i].max), want = 0;
		bool ok = true;

		while (want < 6 && tab[i].want[want])
			want++;
		ok = n == want;
		for (int j = 0; ok && j < n; j++)
			ok = strcmp(names[j], tab[i].want[j]) == 0;
		snprintf(title, sizeof(title), "candidates for '%s' preferring %s (max %d): %d names", tab[i].image,
			 hash_name(tab[i].prefer), tab[i].max, n);
		CHECK(title, ok);
		if (!ok)
			for (int j = 0; j < n; j++)
				printf("#   %s\n", names[j]);
	}
	{
		/* names that would not fit in 256 bytes are left out, not cut */
		char image[260], names[6][256];
		int n;
		memset(image, 'x', 250);
		strcpy(image + 250, ".dat");
		n = checksum_candidates(image, HASH_MD5, names, 6);
		CHECK("candidates: too-long names left out", n == 1 && strlen(names[0]) == 254 &&
		      strcmp(names[0] + 250, ".md5") == 0);
		n = checksum_candidates(image, HASH_SHA256, names, 6);
		CHECK("candidates preferring sha256: too-long names left out", n == 1 && strcmp(names[0] + 250, ".md5") == 0);
	}
}

int main(void)
{
	test_files();
	test_file_limits();
	test_args();
	test_candidates();
	return CHECK_DONE();
}
