/* libFuzzer harness for the checksum parsers: the input as a checksum file
 * (no hint and each algorithm as hint) and as a checksum= argument.  Checks
 * what every caller relies on: a success gives a digest of the algorithm's
 * length (of the hinted algorithm when hinted), a failure a printable,
 * non-empty message and one of the documented error codes. */
#include "fetch/checksum.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void check_msg(int rc, const struct errbuf *e)
{
	size_t n = strnlen(e->msg, sizeof(e->msg));

	if (n == 0 || n == sizeof(e->msg))
		abort();
	for (size_t i = 0; i < n; i++)
		if (e->msg[i] < 0x20 || e->msg[i] > 0x7e)
			abort();
	if (rc != -EPROTO && rc != -ENOENT && rc != -EINVAL)
		abort();
}

static void check_digest(const struct expected_digest *d, int hint)
{
	if ((int)d->algo < HASH_MD5 || d->algo > HASH_SHA512 || d->len != hash_digest_len(d->algo))
		abort();
	if (hint >= 0 && (int)d->algo != hint)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size heap copy so ASan catches a read past the end */
	char *buf = malloc(size ? size : 1);
	struct expected_digest d;
	struct errbuf e;
	int rc;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	for (int hint = -1; hint <= HASH_SHA512; hint++) {
		memset(&e, 0, sizeof(e));
		rc = checksum_file_parse(buf, size, "sysrcd.dat", hint, "http://10.0.2.2/sysrcd.md5", &d, &e);
		if (rc == 0)
			check_digest(&d, hint);
		else
			check_msg(rc, &e);
	}
	/* the first line of the input as the name we look for */
	{
		char name[64];
		size_t n = 0;
		while (n < size && n < sizeof(name) - 1 && buf[n] != '\n' && buf[n])
			n++;
		memcpy(name, buf, n);
		name[n] = '\0';
		memset(&e, 0, sizeof(e));
		rc = checksum_file_parse(buf, size, name, -1, NULL, &d, &e);
		if (rc == 0)
			check_digest(&d, -1);
		else
			check_msg(rc, &e);
		{
			char names[CHECKSUM_CANDIDATES_MAX][256];
			int k = checksum_candidates(name, (enum hash_algo)(size % 3), names, CHECKSUM_CANDIDATES_MAX);
			if (k < 0 || k > CHECKSUM_CANDIDATES_MAX)
				abort();
			for (int i = 0; i < k; i++)
				if (strnlen(names[i], 256) == 256)
					abort();
		}
	}
	memset(&e, 0, sizeof(e));
	rc = checksum_arg_parse(buf, size, &d, &e);
	if (rc == 0)
		check_digest(&d, -1);
	else
		check_msg(rc, &e);
	free(buf);
	return 0;
}
