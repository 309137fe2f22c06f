/* libFuzzer: the CA file parser (tls_anchors.c) on arbitrary bytes: any
 * anchors it returns hold a name and a key, and free cleanly (ASan/LSan). */
#include <stdint.h>
#include "netboot/tls_anchors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tls_anchors a;
	struct errbuf e;
	int n = tls_anchors_parse((const char *)data, size, &a, &e);
	if (n < 0)
		return 0;
	if ((size_t)n != a.n || !a.n)
		__builtin_trap();
	for (size_t i = 0; i < a.n; i++) {
		const br_x509_pkey *k = &a.ta[i].pkey;
		if (!a.ta[i].dn.len || (k->key_type == BR_KEYTYPE_RSA ? !k->key.rsa.nlen : !k->key.ec.qlen))
			__builtin_trap();
	}
	tls_anchors_free(&a);
	return 0;
}
