/* libFuzzer: the certificate peek (x509_peek.c) on arbitrary bytes: what it
 * returns must lie inside the input, its texts printable and terminated. */
#include <stdint.h>
#include <string.h>
#include "netboot/x509_peek.h"

static void printable(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);
	if (n == cap)
		__builtin_trap();
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct x509_peek p;
	if (x509_peek(data, size, &p) < 0)
		return 0;
	if (p.issuer < data || p.issuer + p.issuer_len > data + size || p.subject < data ||
	    p.subject + p.subject_len > data + size || p.n_ip > X509_PEEK_MAX_IPS)
		__builtin_trap();
	printable(p.issuer_cn, sizeof(p.issuer_cn));
	printable(p.dns, sizeof(p.dns));
	printable(p.not_before, sizeof(p.not_before));
	printable(p.not_after, sizeof(p.not_after));
	for (size_t i = 0; i < p.n_ip; i++)
		if (p.ip_len[i] != 4 && p.ip_len[i] != 16)
			__builtin_trap();
	(void)x509_peek_has_ip(&p, "10.0.2.2");
	return 0;
}
