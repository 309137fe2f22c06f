/* hash_bench: MiB/s of each digest path on this CPU, one run, for
 * bench/run.sh: md5, sha256 portable, sha256 SHA-NI, sha512.
 *   hash_bench [MIB]      (default 256; the best of 3 passes over a 1 MiB buffer)
 * Prints "md5 <MiB/s>" etc., one line each; "sha256-ni 0" without SHA-NI. */
#include <stdio.h>
#include <stdlib.h>
#include "fetch/hash.h"
#include "netboot/clock.h"

#define BUF (1024 * 1024)

static double rate(enum hash_algo algo, enum hash_impl impl, int mib, const uint8_t *buf)
{
	double best = 0;
	for (int pass = 0; pass < 3; pass++) {
		struct hash_ctx h;
		uint8_t d[HASH_MAX_DIGEST];
		uint64_t t0 = monotonic_ns();
		hash_init_impl(&h, algo, impl);
		for (int i = 0; i < mib; i++)
			hash_update(&h, buf, BUF);
		hash_final(&h, d);
		double r = mib / ((double)(monotonic_ns() - t0) / 1e9);
		if (r > best)
			best = r;
	}
	return best;
}

int main(int argc, char **argv)
{
	int mib = argc > 1 ? atoi(argv[1]) : 256;
	uint8_t *buf = malloc(BUF);
	if (!buf || mib < 1)
		return 1;
	for (size_t i = 0; i < BUF; i++)
		buf[i] = (uint8_t)(i * 2654435761u >> 13);
	printf("md5 %.0f\n", rate(HASH_MD5, HASH_IMPL_AUTO, mib, buf));
	printf("sha256-portable %.0f\n", rate(HASH_SHA256, HASH_IMPL_PORTABLE, mib, buf));
	printf("sha256-ni %.0f\n", sha256_ni_usable() ? rate(HASH_SHA256, HASH_IMPL_SHA_NI, mib, buf) : 0.0);
	printf("sha512 %.0f\n", rate(HASH_SHA512, HASH_IMPL_AUTO, mib, buf));
	free(buf);
	return 0;
}
