/* CA certificates (PEM, as in Debian's /etc/ssl/certs/ca-certificates.crt)
 * turned into BearSSL trust anchors at run time: the bundle goes into the
 * initramfs as it is, and the host tool reads the same file with the same
 * code.  Pure over (buffer, length); fuzzed by tls_anchors_fuzz.c. */
#ifndef NETBOOT_TLS_ANCHORS_H
#define NETBOOT_TLS_ANCHORS_H
#include <stddef.h>
#include <bearssl.h>
#include "netboot/errbuf.h"

struct tls_anchors {
	br_x509_trust_anchor *ta;	/* owned: each name and key is its own allocation */
	size_t n;
	size_t skipped;			/* CERTIFICATE objects that did not decode */
};

/* Decodes every "CERTIFICATE" object of pem; other objects are ignored, a
 * certificate that does not decode is counted in skipped.  Returns the
 * number of anchors, or -EINVAL (none, or broken PEM, naming where) or
 * -ENOMEM.  On success free with tls_anchors_free(). */
int tls_anchors_parse(const char *pem, size_t len, struct tls_anchors *out, struct errbuf *e);
void tls_anchors_free(struct tls_anchors *a);
#endif
