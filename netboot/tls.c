#include "netboot/tls.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <bearssl.h>
#include "netboot/read_file.h"
#include "netboot/tcp.h"
#include "netboot/tls_anchors.h"
#include "netboot/x509_peek.h"

/* Unix time of the commit built (Makefile: git log -1 --format=%ct). */
#ifndef NETBOOT_BUILD_EPOCH
#define NETBOOT_BUILD_EPOCH 0
#endif
#define CA_FILE_MAX (4 << 20)
#define CERT_KEEP (16 * 1024)	/* certificates longer than this are not peeked at */
#define DAYS_0AD_TO_1970 719528	/* BearSSL counts days from 1 Jan 0 AD */

/* BearSSL's minimal X.509 engine, wrapped: it sees the certificates first
 * (kept for the refusal message and the iPAddress check it lacks). */
struct x509_watch {
	const br_x509_class *vtable;
	br_x509_minimal_context inner;
	const char *ip;			/* the host when it is an address, else NULL */
	unsigned ncert;
	unsigned char leaf[CERT_KEEP], last[CERT_KEEP];
	size_t leaf_len, last_len;
	bool leaf_over, last_over;
};

struct tls {
	br_ssl_client_context cc;
	struct x509_watch xw;
	int fd;
	int io_err;			/* a failed socket read or write (negative errno), 0 = none */
	bool eof;			/* the peer closed the socket (without close_notify or after it) */
	int64_t checked_at;		/* the time certificates were checked at */
	unsigned char iobuf[BR_SSL_BUFSIZE_BIDI];
};

static struct tls_anchors anchors;
static char anchors_path[256];

/* --- the X.509 wrapper --- */
#define INNER(w) (&(w)->inner.vtable)
static struct x509_watch *watch_of(const br_x509_class **ctx)
{
	return (struct x509_watch *)(void *)ctx;
}

static void xw_start_chain(const br_x509_class **ctx, const char *server_name)
{
	struct x509_watch *w = watch_of(ctx);
	w->ncert = 0;
	w->inner.vtable->start_chain(INNER(w), server_name);
}

static void xw_start_cert(const br_x509_class **ctx, uint32_t length)
{
	struct x509_watch *w = watch_of(ctx);
	if (++w->ncert == 1) {
		w->leaf_len = 0;
		w->leaf_over = length > CERT_KEEP;
	}
	w->last_len = 0;
	w->last_over = length > CERT_KEEP;
	w->inner.vtable->start_cert(INNER(w), length);
}

static void keep(unsigned char *dst, size_t *n, bool over, const unsigned char *buf, size_t len)
{
	if (!over && *n + len <= CERT_KEEP) {
		memcpy(dst + *n, buf, len);
		*n += len;
	}
}

static void xw_append(const br_x509_class **ctx, const unsigned char *buf, size_t len)
{
	struct x509_watch *w = watch_of(ctx);
	if (w->ncert == 1)
		keep(w->leaf, &w->leaf_len, w->leaf_over, buf, len);
	keep(w->last, &w->last_len, w->last_over, buf, len);
	w->inner.vtable->append(INNER(w), buf, len);
}

static void xw_end_cert(const br_x509_class **ctx)
{
	struct x509_watch *w = watch_of(ctx);
	w->inner.vtable->end_cert(INNER(w));
}

static unsigned xw_end_chain(const br_x509_class **ctx)
{
	struct x509_watch *w = watch_of(ctx);
	unsigned err = w->inner.vtable->end_chain(INNER(w));
	struct x509_peek p;
	/* BearSSL matches dNSName only: an address must be an iPAddress SAN */
	if (err == 0 && w->ip &&
	    (w->leaf_over || x509_peek(w->leaf, w->leaf_len, &p) < 0 || !x509_peek_has_ip(&p, w->ip)))
		err = BR_ERR_X509_BAD_SERVER_NAME;
	return err;
}

static const br_x509_pkey *xw_get_pkey(const br_x509_class *const *ctx, unsigned *usages)
{
	const struct x509_watch *w = (const struct x509_watch *)(const void *)ctx;
	return w->inner.vtable->get_pkey(&w->inner.vtable, usages);
}

static const br_x509_class xw_vtable = {
	sizeof(struct x509_watch), xw_start_chain, xw_start_cert, xw_append, xw_end_cert, xw_end_chain, xw_get_pkey,
};

/* --- the clock --- */
int64_t tls_build_time(void)
{
	return NETBOOT_BUILD_EPOCH;
}

int64_t tls_check_time(int64_t now, int *floored)
{
	*floored = now < NETBOOT_BUILD_EPOCH;
	return *floored ? NETBOOT_BUILD_EPOCH : now;
}

static void date_text(int64_t t, char out[24])
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || !strftime(out, 24, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(out, 24, "%lld", (long long)t);
}

/* --- the CA file --- */
static int load_anchors(const char *path, struct errbuf *e)
{
	struct stat st;
	char *pem;
	int fd, rc;

	if (anchors.n && strcmp(path, anchors_path) == 0)
		return 0;
	tls_anchors_free(&anchors);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return nb_fail(e, -errno, "CA file %s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || st.st_size <= 0 || st.st_size > CA_FILE_MAX) {
		close(fd);
		return nb_fail(e, -EINVAL, "CA file %s: expected 1 byte to %d MiB of PEM", path, CA_FILE_MAX >> 20);
	}
	if (!(pem = malloc((size_t)st.st_size))) {
		close(fd);
		return nb_fail(e, -ENOMEM, "CA file %s: out of memory", path);
	}
	ssize_t got = read_fd_up_to(fd, pem, (size_t)st.st_size);
	close(fd);
	if (got < 0) {
		free(pem);
		return nb_fail(e, (int)got, "CA file %s: %s", path, strerror((int)-got));
	}
	rc = tls_anchors_parse(pem, (size_t)got, &anchors, e);
	free(pem);
	if (rc < 0) {
		char why[sizeof(e->msg)];
		snprintf(why, sizeof(why), "%s", e->msg);
		return nb_fail(e, rc, "%s (%s)", why, path);
	}
	snprintf(anchors_path, sizeof(anchors_path), "%s", path);
	return 0;
}

/* --- the engine loop (the states of br_ssl_engine_current_state) --- */
/* Runs the engine until one of the states in want; 0, or a negative errno:
 * -EPIPE when the connection ended (t->eof, or the engine closed: cleanly
 * after close_notify, else with an error in br_ssl_engine_last_error). */
static int run_until(struct tls *t, unsigned want, int timeout_ms)
{
	br_ssl_engine_context *eng = &t->cc.eng;
	for (;;) {
		unsigned st = br_ssl_engine_current_state(eng);
		size_t len;
		if (st & BR_SSL_CLOSED)
			return br_ssl_engine_last_error(eng) == BR_ERR_OK ? -EPIPE : -EPROTO;
		if (st & BR_SSL_SENDREC) {
			unsigned char *buf = br_ssl_engine_sendrec_buf(eng, &len);
			int rc = tcp_write_all(t->fd, buf, len, timeout_ms);
			if (rc < 0)
				return t->io_err = rc;
			br_ssl_engine_sendrec_ack(eng, len);
			continue;
		}
		if (st & want)
			return 0;
		if (st & BR_SSL_RECVREC) {
			unsigned char *buf = br_ssl_engine_recvrec_buf(eng, &len);
			ssize_t n = tcp_read(t->fd, buf, len, timeout_ms);
			if (n == 0) {
				t->eof = true;
				return -EPIPE;
			}
			if (n < 0)
				return t->io_err = (int)n;
			br_ssl_engine_recvrec_ack(eng, (size_t)n);
			continue;
		}
		/* app data is waiting to go out while we wait for something else */
		br_ssl_engine_flush(eng, 0);
	}
}

ssize_t tls_read(struct tls *t, void *buf, size_t len, int timeout_ms)
{
	size_t alen;
	int rc = run_until(t, BR_SSL_RECVAPP, timeout_ms);
	if (rc == -EPIPE)
		return 0;	/* closed, as a plain socket reads 0; HTTP's lengths catch a cut */
	if (rc < 0)
		return rc;
	unsigned char *app = br_ssl_engine_recvapp_buf(&t->cc.eng, &alen);
	if (alen > len)
		alen = len;
	memcpy(buf, app, alen);
	br_ssl_engine_recvapp_ack(&t->cc.eng, alen);
	return (ssize_t)alen;
}

int tls_write_all(struct tls *t, const void *buf, size_t len, int timeout_ms)
{
	const unsigned char *p = buf;
	int rc;
	while (len) {
		size_t alen;
		if ((rc = run_until(t, BR_SSL_SENDAPP, timeout_ms)) < 0)
			return rc;
		unsigned char *app = br_ssl_engine_sendapp_buf(&t->cc.eng, &alen);
		if (alen > len)
			alen = len;
		memcpy(app, p, alen);
		br_ssl_engine_sendapp_ack(&t->cc.eng, alen);
		p += alen;
		len -= alen;
	}
	br_ssl_engine_flush(&t->cc.eng, 0);
	return run_until(t, BR_SSL_SENDAPP, timeout_ms);
}

void tls_free(struct tls *t)
{
	free(t);
}

/* --- refusals in words --- */
static const char *alert_name(int a)
{
	switch (a) {
	case 40: return "handshake_failure";
	case 42: return "bad_certificate";
	case 47: return "illegal_parameter";
	case 48: return "unknown_ca";
	case 70: return "protocol_version";
	case 71: return "insufficient_security";
	case 80: return "internal_error";
	case 112: return "unrecognized_name";
	default: return "alert";
	}
}

static int cert_error(struct tls *t, int err, const char *host, struct errbuf *e)
{
	struct x509_watch *w = &t->xw;
	struct x509_peek leaf, last;
	bool have_leaf = !w->leaf_over && x509_peek(w->leaf, w->leaf_len, &leaf) == 0;
	bool have_last = !w->last_over && x509_peek(w->last, w->last_len, &last) == 0;
	char now[24];

	date_text(t->checked_at, now);
	switch (err) {
	case BR_ERR_X509_BAD_SERVER_NAME: {
		char names[96] = "no name we can read";
		if (have_leaf && leaf.dns[0])
			snprintf(names, sizeof(names), "'%s'", leaf.dns);
		else if (have_leaf && leaf.n_ip && leaf.ip_len[0] == 4)
			snprintf(names, sizeof(names), "%u.%u.%u.%u", leaf.ip[0][0], leaf.ip[0][1], leaf.ip[0][2],
				 leaf.ip[0][3]);
		return nb_fail(e, -EKEYREJECTED, "wrong host name: the certificate is for %s%s, not '%s'", names,
			       have_leaf && leaf.n_ip + (leaf.dns[0] != 0) > 1 ? " and others" : "", host);
	}
	case BR_ERR_X509_NOT_TRUSTED:
		if (have_last && last.issuer_len == last.subject_len &&
		    memcmp(last.issuer, last.subject, last.issuer_len) == 0)
			return w->ncert == 1
				? nb_fail(e, -EKEYREJECTED, "self-signed certificate (CN=%s): not issued by a built-in CA",
					  last.issuer_cn[0] ? last.issuer_cn : "?")
				: nb_fail(e, -EKEYREJECTED, "certificate chain ends at a self-signed CA (CN=%s) that is not built in",
					  last.issuer_cn[0] ? last.issuer_cn : "?");
		return nb_fail(e, -EKEYREJECTED, "unknown CA: the certificate is issued by CN=%s, not one of the %zu trusted CAs",
			       have_last && last.issuer_cn[0] ? last.issuer_cn : "?", anchors.n);
	case BR_ERR_X509_EXPIRED:
		if (have_leaf && t->checked_at > leaf.not_after_s)
			return nb_fail(e, -EKEYREJECTED, "certificate expired on %s UTC (checked as of %s UTC)", leaf.not_after, now);
		if (have_leaf && t->checked_at < leaf.not_before_s)
			return nb_fail(e, -EKEYREJECTED, "certificate not valid before %s UTC (checked as of %s UTC: is the clock right?)",
				       leaf.not_before, now);
		return nb_fail(e, -EKEYREJECTED, "a CA certificate of the chain is expired or not yet valid (checked as of %s UTC)", now);
	case BR_ERR_X509_BAD_SIGNATURE:
		return nb_fail(e, -EKEYREJECTED, "a certificate's signature does not verify");
	case BR_ERR_X509_NOT_CA:
		return nb_fail(e, -EKEYREJECTED, "a certificate of the chain signs others but is not a CA");
	case BR_ERR_X509_DN_MISMATCH:
		return nb_fail(e, -EKEYREJECTED, "the chain is out of order (issuer and subject names do not link)");
	case BR_ERR_X509_FORBIDDEN_KEY_USAGE:
		return nb_fail(e, -EKEYREJECTED, "the certificate's key usage forbids TLS server use");
	case BR_ERR_X509_WEAK_PUBLIC_KEY:
		return nb_fail(e, -EKEYREJECTED, "the certificate's key is too weak (RSA under 2048 bits)");
	case BR_ERR_X509_CRITICAL_EXTENSION:
		return nb_fail(e, -EKEYREJECTED, "the certificate has a critical extension we do not know");
	case BR_ERR_X509_EMPTY_CHAIN:
		return nb_fail(e, -EKEYREJECTED, "the server sent no certificate");
	default:
		return nb_fail(e, -EKEYREJECTED, "the certificate could not be decoded (BearSSL X.509 error %d)", err);
	}
}

static int handshake_error(struct tls *t, const char *host, struct errbuf *e)
{
	int err = br_ssl_engine_last_error(&t->cc.eng);
	if (err >= BR_ERR_X509_OK && err <= BR_ERR_X509_NOT_TRUSTED)
		return cert_error(t, err, host, e);
	if (err >= BR_ERR_SEND_FATAL_ALERT)
		return nb_fail(e, -EPROTO, "TLS handshake failed: we sent alert %d (%s)", err - BR_ERR_SEND_FATAL_ALERT,
			       alert_name(err - BR_ERR_SEND_FATAL_ALERT));
	if (err >= BR_ERR_RECV_FATAL_ALERT)
		return nb_fail(e, -EPROTO, "TLS handshake refused by the server: alert %d (%s)",
			       err - BR_ERR_RECV_FATAL_ALERT, alert_name(err - BR_ERR_RECV_FATAL_ALERT));
	if (t->io_err || t->eof || err == BR_ERR_IO)
		return nb_fail(e, t->io_err ? t->io_err : -EIO, "TLS handshake: connection %s",
			       t->io_err == -ETIMEDOUT ? "timed out" : t->io_err ? strerror(-t->io_err) : "closed by the server");
	if (err == BR_ERR_UNSUPPORTED_VERSION)	/* the first bytes back are no TLS record */
		return nb_fail(e, -EPROTO, "TLS handshake failed: the answer is not TLS: is this an HTTPS port?");
	if (err == BR_ERR_BAD_VERSION)
		return nb_fail(e, -EPROTO, "TLS handshake failed: the server does not speak TLS 1.2");
	if (err == BR_ERR_BAD_CIPHER_SUITE)
		return nb_fail(e, -EPROTO, "TLS handshake failed: no cipher suite in common");
	return nb_fail(e, -EPROTO, "TLS handshake failed (BearSSL error %d): is this an HTTPS port?", err);
}

/* --- the handshake --- */
/* TLS 1.2 with forward secrecy and AEAD only, what servers offer today:
 * less to attack, and 24 KB less in /init than br_ssl_client_init_full
 * (no RSA key exchange, CBC, 3DES, CCM). */
static const uint16_t suites[] = {
	BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
};

static void client_init(br_ssl_client_context *cc, br_x509_minimal_context *xc)
{
	static const br_hash_class *const hashes[] = {
		&br_sha1_vtable, &br_sha224_vtable, &br_sha256_vtable, &br_sha384_vtable, &br_sha512_vtable,
	};
	br_ssl_client_zero(cc);
	br_ssl_engine_set_versions(&cc->eng, BR_TLS12, BR_TLS12);
	br_ssl_engine_set_suites(&cc->eng, suites, sizeof(suites) / sizeof(suites[0]));
	br_x509_minimal_init(xc, &br_sha256_vtable, anchors.ta, anchors.n);
	for (size_t i = 0; i < sizeof(hashes) / sizeof(hashes[0]); i++) {
		int id = (int)(hashes[i]->desc >> BR_HASHDESC_ID_OFF & BR_HASHDESC_ID_MASK);
		br_ssl_engine_set_hash(&cc->eng, id, hashes[i]);
		br_x509_minimal_set_hash(xc, id, hashes[i]);
	}
	br_x509_minimal_set_rsa(xc, br_rsa_pkcs1_vrfy_get_default());
	br_x509_minimal_set_ecdsa(xc, br_ec_get_default(), br_ecdsa_vrfy_asn1_get_default());
	br_ssl_engine_set_default_rsavrfy(&cc->eng);
	br_ssl_engine_set_default_ecdsa(&cc->eng);
	br_ssl_engine_set_prf_sha256(&cc->eng, &br_tls12_sha256_prf);
	br_ssl_engine_set_prf_sha384(&cc->eng, &br_tls12_sha384_prf);
	br_ssl_engine_set_default_aes_gcm(&cc->eng);
	br_ssl_engine_set_default_chapol(&cc->eng);
}

static bool is_address(const char *host)
{
	unsigned char a[16];
	return inet_pton(AF_INET, host, a) == 1 || inet_pton(AF_INET6, host, a) == 1;
}

static void note_clock(FILE *log, int64_t now)
{
	static bool told;
	char was[24], floor[24];
	if (told || !log)
		return;
	told = true;
	date_text(now, was);
	date_text(NETBOOT_BUILD_EPOCH, floor);
	fprintf(log, "netboot: tls: the clock says %s UTC, before this build (%s UTC): certificates are checked as of the build date\n",
		was, floor);
}

int tls_preload(const char *ca_file, struct errbuf *e)
{
	return load_anchors(ca_file ? ca_file : TLS_CA_DEFAULT, e);
}

int tls_open(struct tls **out, int fd, const char *host, const char *ca_file, int timeout_ms, FILE *log,
	     struct errbuf *e)
{
	struct tls *t;
	unsigned char seed[32];
	int rc, floored;

	if ((rc = load_anchors(ca_file ? ca_file : TLS_CA_DEFAULT, e)) < 0)
		return rc;
	if (getrandom(seed, sizeof(seed), 0) != (ssize_t)sizeof(seed))
		return nb_fail(e, -EIO, "TLS: no random bytes from the kernel: %s", strerror(errno));
	if (!(t = malloc(sizeof(*t))))
		return nb_fail(e, -ENOMEM, "TLS: out of memory");
	memset(t, 0, offsetof(struct tls, iobuf));
	t->fd = fd;
	client_init(&t->cc, &t->xw.inner);
	t->xw.vtable = &xw_vtable;
	br_ssl_engine_set_x509(&t->cc.eng, &t->xw.vtable);
	t->checked_at = tls_check_time((int64_t)time(NULL), &floored);
	if (floored)
		note_clock(log, (int64_t)time(NULL));
	br_x509_minimal_set_time(&t->xw.inner, (uint32_t)(t->checked_at / 86400 + DAYS_0AD_TO_1970),
				 (uint32_t)(t->checked_at % 86400));
	br_ssl_engine_set_buffer(&t->cc.eng, t->iobuf, sizeof(t->iobuf), 1);
	br_ssl_engine_inject_entropy(&t->cc.eng, seed, sizeof(seed));
	/* an address gets no SNI (RFC 6066 3) and is matched by the wrapper */
	t->xw.ip = is_address(host) ? host : NULL;
	if (!br_ssl_client_reset(&t->cc, t->xw.ip ? NULL : host, 0)) {
		rc = nb_fail(e, -EPROTO, "TLS: cannot start (BearSSL error %d)", br_ssl_engine_last_error(&t->cc.eng));
		free(t);
		return rc;
	}
	if (run_until(t, BR_SSL_SENDAPP | BR_SSL_RECVAPP, timeout_ms) < 0) {
		rc = handshake_error(t, host, e);
		free(t);
		return rc;
	}
	*out = t;
	return 0;
}
