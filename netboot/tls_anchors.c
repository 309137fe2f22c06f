#include "netboot/tls_anchors.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define CERT_MAX (64 * 1024)	/* no CA certificate comes near; bounds a hostile file */

struct growbuf {
	unsigned char *p;
	size_t n, cap;
	int over;			/* hit a limit or out of memory */
};

static void grow_append(void *ctx, const void *buf, size_t len)
{
	struct growbuf *g = ctx;
	if (g->over)
		return;
	if (g->n + len > CERT_MAX) {
		g->over = 1;
		return;
	}
	if (g->n + len > g->cap) {
		size_t cap = g->cap ? g->cap : 2048;
		while (cap < g->n + len)
			cap *= 2;
		unsigned char *p = realloc(g->p, cap);
		if (!p) {
			g->over = 1;
			return;
		}
		g->p = p;
		g->cap = cap;
	}
	memcpy(g->p + g->n, buf, len);
	g->n += len;
}

static unsigned char *dup_bytes(const unsigned char *p, size_t n)
{
	unsigned char *d = malloc(n ? n : 1);
	if (d && n)
		memcpy(d, p, n);
	return d;
}

static void free_anchor(br_x509_trust_anchor *ta)
{
	free(ta->dn.data);
	if (ta->pkey.key_type == BR_KEYTYPE_RSA) {
		free(ta->pkey.key.rsa.n);
		free(ta->pkey.key.rsa.e);
	} else {
		free(ta->pkey.key.ec.q);
	}
}

/* One DER certificate → one anchor.  1 added, 0 skipped, -ENOMEM. */
static int add_anchor(struct tls_anchors *a, size_t *cap, const unsigned char *der, size_t len)
{
	struct growbuf dn = { 0 };
	br_x509_decoder_context dc;
	br_x509_trust_anchor ta = { 0 };
	const br_x509_pkey *pk;

	br_x509_decoder_init(&dc, grow_append, &dn);
	br_x509_decoder_push(&dc, der, len);
	pk = br_x509_decoder_get_pkey(&dc);
	if (!pk || br_x509_decoder_last_error(&dc) || dn.over || !dn.n) {
		free(dn.p);
		return 0;
	}
	ta.dn.data = dn.p;
	ta.dn.len = dn.n;
	ta.flags = br_x509_decoder_isCA(&dc) ? BR_X509_TA_CA : 0;
	ta.pkey.key_type = pk->key_type;
	if (pk->key_type == BR_KEYTYPE_RSA) {
		ta.pkey.key.rsa.n = dup_bytes(pk->key.rsa.n, pk->key.rsa.nlen);
		ta.pkey.key.rsa.nlen = pk->key.rsa.nlen;
		ta.pkey.key.rsa.e = dup_bytes(pk->key.rsa.e, pk->key.rsa.elen);
		ta.pkey.key.rsa.elen = pk->key.rsa.elen;
		if (!ta.pkey.key.rsa.n || !ta.pkey.key.rsa.e)
			goto nomem;
	} else {
		ta.pkey.key.ec.curve = pk->key.ec.curve;
		ta.pkey.key.ec.q = dup_bytes(pk->key.ec.q, pk->key.ec.qlen);
		ta.pkey.key.ec.qlen = pk->key.ec.qlen;
		if (!ta.pkey.key.ec.q)
			goto nomem;
	}
	if (a->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		br_x509_trust_anchor *p = realloc(a->ta, ncap * sizeof(*p));
		if (!p)
			goto nomem;
		a->ta = p;
		*cap = ncap;
	}
	a->ta[a->n++] = ta;
	return 1;
nomem:
	free_anchor(&ta);
	return -ENOMEM;
}

void tls_anchors_free(struct tls_anchors *a)
{
	for (size_t i = 0; i < a->n; i++)
		free_anchor(&a->ta[i]);
	free(a->ta);
	memset(a, 0, sizeof(*a));
}

struct pem_state {
	br_pem_decoder_context pc;
	struct growbuf der;
	struct tls_anchors *out;
	size_t cap;
	int in_cert;
};

/* Pushes n bytes through the PEM decoder, acting on each event.  0, or
 * -EINVAL (broken PEM) / -ENOMEM. */
static int push_all(struct pem_state *st, const char *p, size_t n)
{
	while (n) {
		size_t used = br_pem_decoder_push(&st->pc, p, n);
		int rc;
		p += used;
		n -= used;
		switch (br_pem_decoder_event(&st->pc)) {
		case BR_PEM_BEGIN_OBJ:
			st->in_cert = strcmp(br_pem_decoder_name(&st->pc), "CERTIFICATE") == 0;
			st->der.n = 0;
			st->der.over = 0;
			br_pem_decoder_setdest(&st->pc, st->in_cert ? grow_append : NULL, &st->der);
			break;
		case BR_PEM_END_OBJ:
			if (st->in_cert) {
				rc = st->der.over ? 0 : add_anchor(st->out, &st->cap, st->der.p, st->der.n);
				if (rc < 0)
					return rc;
				st->out->skipped += rc == 0;
			}
			st->in_cert = 0;
			break;
		case BR_PEM_ERROR:
			return -EINVAL;
		}
	}
	return 0;
}

int tls_anchors_parse(const char *pem, size_t len, struct tls_anchors *out, struct errbuf *e)
{
	struct pem_state st = { .out = out };
	int rc;

	memset(out, 0, sizeof(*out));
	br_pem_decoder_init(&st.pc);
	/* the newline lets the decoder see an END line the file does not end */
	if ((rc = push_all(&st, pem, len)) == 0)
		rc = push_all(&st, "\n", 1);
	free(st.der.p);
	if (rc < 0) {
		tls_anchors_free(out);
		return rc == -ENOMEM ? nb_fail(e, -ENOMEM, "CA file: out of memory")
				     : nb_fail(e, -EINVAL, "CA file: broken PEM; expected BEGIN/END lines around base64");
	}
	if (!out->n)
		return nb_fail(e, -EINVAL, "CA file: no usable CERTIFICATE in %zu bytes (%zu did not decode)", len,
			       out->skipped);
	return (int)out->n;
}
