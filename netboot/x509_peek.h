/* A look inside one DER certificate for what BearSSL's minimal X.509 engine
 * does not tell: iPAddress subjectAltNames (so https://192.0.2.1/ can be
 * checked), the first dNSName, issuer and subject (a self-signed certificate
 * is told apart from one by an unknown CA) and the validity window, for the
 * console line of a refusal.  Pure over (buffer, length); fuzzed by
 * x509_fuzz.c.  It checks no signature: BearSSL does that. */
#ifndef NETBOOT_X509_PEEK_H
#define NETBOOT_X509_PEEK_H
#include <stddef.h>
#include <stdint.h>

#define X509_PEEK_MAX_IPS 8

struct x509_peek {
	const uint8_t *issuer, *subject;	/* DER Names inside the buffer */
	size_t issuer_len, subject_len;
	char issuer_cn[65];		/* printable, "" when absent */
	char dns[65];			/* first dNSName, printable, "" when absent */
	char not_before[24], not_after[24];	/* "YYYY-MM-DD HH:MM:SS" */
	int64_t not_before_s, not_after_s;	/* the same as Unix seconds */
	uint8_t ip[X509_PEEK_MAX_IPS][16];	/* iPAddress SANs (4 or 16 bytes) */
	uint8_t ip_len[X509_PEEK_MAX_IPS];
	size_t n_ip;
};

/* 0, or -EINVAL when der is not a certificate as RFC 5280 lays it out. */
int x509_peek(const uint8_t *der, size_t len, struct x509_peek *out);

/* Whether the certificate names this IPv4 or IPv6 address (text form). */
int x509_peek_has_ip(const struct x509_peek *p, const char *ip_text);
#endif
