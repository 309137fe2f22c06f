#include "netboot/x509_peek.h"
#include "netboot/civil_date.h"
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "netboot/errbuf.h"

struct der {
	const uint8_t *p;
	size_t n;
};

/* One TLV (definite length, low tag numbers: all DER allows) off the front of d. */
static int der_next(struct der *d, uint8_t *tag, struct der *v)
{
	size_t len, hdr = 2;
	if (d->n < 2 || (d->p[0] & 0x1f) == 0x1f)
		return -1;
	len = d->p[1];
	if (len & 0x80) {
		size_t k = len & 0x7f;
		if (k == 0 || k > 4 || d->n < 2 + k)
			return -1;
		len = 0;
		for (size_t i = 0; i < k; i++)
			len = len << 8 | d->p[2 + i];
		hdr += k;
	}
	if (len > d->n - hdr)
		return -1;
	*tag = d->p[0];
	v->p = d->p + hdr;
	v->n = len;
	d->p += hdr + len;
	d->n -= hdr + len;
	return 0;
}

static int der_expect(struct der *d, uint8_t want, struct der *v)
{
	uint8_t tag;
	return der_next(d, &tag, v) < 0 || tag != want ? -1 : 0;
}

static int digits(const uint8_t *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}


/* UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSSZ. */
static int parse_time(uint8_t tag, const struct der *v, char text[24], int64_t *secs)
{
	const uint8_t *s = v->p;
	int y, off;
	if (tag == 0x17 && v->n == 13) {
		if ((y = digits(s, 2)) < 0)
			return -1;
		y += y < 50 ? 2000 : 1900;	/* RFC 5280 4.1.2.5.1 */
		off = 2;
	} else if (tag == 0x18 && v->n == 15) {
		if ((y = digits(s, 4)) < 0)
			return -1;
		off = 4;
	} else {
		return -1;
	}
	int mo = digits(s + off, 2), d = digits(s + off + 2, 2), h = digits(s + off + 4, 2);
	int mi = digits(s + off + 6, 2), se = digits(s + off + 8, 2);
	if (s[off + 10] != 'Z' || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
	    se < 0 || se > 60)
		return -1;
	snprintf(text, 24, "%04u-%02u-%02u %02u:%02u:%02u", (unsigned)y % 10000u, (unsigned)mo % 100u, (unsigned)d % 100u,
		 (unsigned)h % 100u, (unsigned)mi % 100u, (unsigned)se % 100u);
	*secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	return 0;
}

static void copy_text(char *dst, size_t cap, const struct der *v)
{
	nb_sanitize(dst, cap, (const char *)v->p, v->n);
}

/* The commonName (2.5.4.3) of a Name, if any. */
static int find_cn(struct der name, char *out, size_t cap)
{
	static const uint8_t cn_oid[] = { 0x55, 0x04, 0x03 };
	struct der rdn, atv;
	while (name.n) {
		if (der_expect(&name, 0x31, &rdn) < 0)
			return -1;
		while (rdn.n) {
			struct der oid, val;
			uint8_t tag;
			if (der_expect(&rdn, 0x30, &atv) < 0 || der_expect(&atv, 0x06, &oid) < 0 ||
			    der_next(&atv, &tag, &val) < 0)
				return -1;
			if (oid.n == sizeof(cn_oid) && memcmp(oid.p, cn_oid, oid.n) == 0 && !out[0])
				copy_text(out, cap, &val);
		}
	}
	return 0;
}

/* GeneralNames: the dNSName [2] and iPAddress [7] entries. */
static int read_san(struct der names, struct x509_peek *out)
{
	struct der seq, v;
	uint8_t tag;
	if (der_expect(&names, 0x30, &seq) < 0)
		return -1;
	while (seq.n) {
		if (der_next(&seq, &tag, &v) < 0)
			return -1;
		if (tag == 0x82 && !out->dns[0])
			copy_text(out->dns, sizeof(out->dns), &v);
		if (tag == 0x87 && (v.n == 4 || v.n == 16) && out->n_ip < X509_PEEK_MAX_IPS) {
			memcpy(out->ip[out->n_ip], v.p, v.n);
			out->ip_len[out->n_ip++] = (uint8_t)v.n;
		}
	}
	return 0;
}

/* extensions [3] EXPLICIT SEQUENCE OF Extension: subjectAltName (2.5.29.17). */
static int read_extensions(struct der ext, struct x509_peek *out)
{
	static const uint8_t san_oid[] = { 0x55, 0x1d, 0x11 };
	struct der list, one, oid, v;
	uint8_t tag;
	if (der_expect(&ext, 0x30, &list) < 0)
		return -1;
	while (list.n) {
		if (der_expect(&list, 0x30, &one) < 0 || der_expect(&one, 0x06, &oid) < 0 || der_next(&one, &tag, &v) < 0)
			return -1;
		if (tag == 0x01 && der_next(&one, &tag, &v) < 0)	/* critical BOOLEAN */
			return -1;
		if (tag != 0x04)
			return -1;
		if (oid.n == sizeof(san_oid) && memcmp(oid.p, san_oid, oid.n) == 0 && read_san(v, out) < 0)
			return -1;
	}
	return 0;
}

int x509_peek(const uint8_t *der, size_t len, struct x509_peek *out)
{
	struct der d = { der, len }, cert, tbs, v, validity, name;
	uint8_t tag;

	memset(out, 0, sizeof(*out));
	if (der_expect(&d, 0x30, &cert) < 0 || der_expect(&cert, 0x30, &tbs) < 0)
		return -EINVAL;
	if (tbs.n && tbs.p[0] == 0xa0 && der_next(&tbs, &tag, &v) < 0)	/* [0] version */
		return -EINVAL;
	if (der_expect(&tbs, 0x02, &v) < 0 || der_expect(&tbs, 0x30, &v) < 0)	/* serial, signature */
		return -EINVAL;
	if (der_expect(&tbs, 0x30, &name) < 0)
		return -EINVAL;
	out->issuer = name.p;
	out->issuer_len = name.n;
	if (find_cn(name, out->issuer_cn, sizeof(out->issuer_cn)) < 0)
		return -EINVAL;
	if (der_expect(&tbs, 0x30, &validity) < 0 || der_next(&validity, &tag, &v) < 0 ||
	    parse_time(tag, &v, out->not_before, &out->not_before_s) < 0 || der_next(&validity, &tag, &v) < 0 ||
	    parse_time(tag, &v, out->not_after, &out->not_after_s) < 0)
		return -EINVAL;
	if (der_expect(&tbs, 0x30, &name) < 0)
		return -EINVAL;
	out->subject = name.p;
	out->subject_len = name.n;
	if (der_expect(&tbs, 0x30, &v) < 0)	/* subjectPublicKeyInfo */
		return -EINVAL;
	while (tbs.n) {		/* issuerUniqueID [1], subjectUniqueID [2], extensions [3] */
		if (der_next(&tbs, &tag, &v) < 0)
			return -EINVAL;
		if (tag == 0xa3 && read_extensions(v, out) < 0)
			return -EINVAL;
	}
	return 0;
}

int x509_peek_has_ip(const struct x509_peek *p, const char *ip_text)
{
	uint8_t a[16];
	size_t n = 4;
	if (inet_pton(AF_INET, ip_text, a) != 1) {
		if (inet_pton(AF_INET6, ip_text, a) != 1)
			return 0;
		n = 16;
	}
	for (size_t i = 0; i < p->n_ip; i++)
		if (p->ip_len[i] == n && memcmp(p->ip[i], a, n) == 0)
			return 1;
	return 0;
}
