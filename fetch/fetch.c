/* Stage 3 by copy.  For each mirror: learn the expected digest (checksum=
 * argument, else the checksum file beside the image), stream the image into
 * the sink hashing as it goes, compare.  A mismatch is never accepted. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "fetch/fetch.h"


/* Tries the checksum file names beside the image in order; a missing file
 * moves on to the next name, any other failure stops (it says the server or
 * the network is wrong, which the image download would hit too). */
static int fetch_expected(const struct fetch_request *rq, const struct url *image, struct expected_digest *want,
			  char *source, size_t source_len, char *why, size_t why_len, struct errbuf *e)
{
	uint8_t text[CHECKSUM_FILE_MAX];	/* small enough for the stack of /init and the tool */
	char names[CHECKSUM_CANDIDATES_MAX + 1][256], cause[sizeof(e->msg)] = "", others[1600] = "", seed[1][256];
	const char *image_name = url_base_name(image->path);
	const enum hash_algo fastest = hash_fastest(rq->hash_impl);
	const bool named = rq->checksum_name && *rq->checksum_name;
	int n = 0, rc = -ENOENT;

	if (named)
		snprintf(names[n++], sizeof(names[0]), "%s", rq->checksum_name);
	n += checksum_candidates(image_name, fastest, names + n, CHECKSUM_CANDIDATES_MAX + 1 - n);
	for (int i = 1; i < n; i++)	/* drop a repeat of the given name */
		if (!strcmp(names[i], names[0]))
			memmove(names[i], names[i + 1], sizeof(names[0]) * (size_t)(--n - i));
	/* when none is there, the cause quoted is the given name's 404, else the seed's */
	if (named || checksum_candidates(image_name, HASH_MD5, seed, 1) != 1)
		snprintf(seed[0], sizeof(seed[0]), "%s", names[0]);

	for (int i = 0; i < n; i++) {
		struct url u;
		struct sink s;
		if (url_sibling(image, names[i], &u) < 0)
			continue;	/* a name that does not fit beside the image cannot be there */
		sink_init_mem(&s, text, sizeof(text));
		rc = transport_get(&u, &s, &rq->transport, e);
		if (rc == -EFBIG)
			return nb_fail(e, -EPROTO, "%s beside %s: larger than %d KiB, not a checksum file",
				       names[i], image_name, CHECKSUM_FILE_MAX / 1024);
		if (rc == -ENOENT) {	/* not there: the next name */
			size_t l = strlen(others);
			if (!strcmp(names[i], seed[0]))
				snprintf(cause, sizeof(cause), "%s", e->msg);
			else
				snprintf(others + l, sizeof(others) - l, "%s%.250s", l ? ", " : "", names[i]);
			continue;
		}
		if (rc < 0)
			return rc;
		url_format(&u, source, source_len);
		int algo = checksum_algo_of_name(names[i]);
		if (named && i == 0)
			snprintf(why, why_len, "named on the command line");
		else if (algo == (int)fastest)
			snprintf(why, why_len, "the fastest to verify on this CPU (%s)",
				 fastest == HASH_SHA256 ? "SHA-NI" : "no SHA-NI");
		else
			snprintf(why, why_len, "no %s file beside it, the fastest on this CPU", hash_name(fastest));
		return checksum_file_parse((const char *)text, (size_t)s.written, image_name, algo, source, want, e);
	}
	/* the seed's rule makes its name mandatory: its 404 is the cause */
	return nb_fail(e, -ENOENT, "%s (also not found: %s); check the URL, or give checksum= or nocheck",
		       cause[0] ? cause : "no checksum file", others[0] ? others : "no other checksum file");
}

/* No checksum file beside the image: is the image itself there?  A missing
 * image is the cause to report (a wrong URL), not the checksum file it
 * lacks, and nocheck would not help.  One byte is asked for; any answer but
 * "not found" leaves e alone and returns 0. */
static int image_missing(const struct fetch_request *rq, const struct url *image, struct errbuf *e)
{
	uint8_t first[1];
	struct sink s;
	struct errbuf probe = { "" };

	sink_init_mem(&s, first, sizeof(first));
	if (transport_get(image, &s, &rq->transport, &probe) != -ENOENT)
		return 0;
	return nb_fail(e, -ENOENT, "%s: the image is not on the server, nor any checksum file beside it: check the URL",
		       probe.msg);
}

int signature_get(const struct url *image, const struct transport_opts *o, struct minisig *sig, char *shown,
		  size_t shown_len, struct errbuf *e)
{
	char text[MINISIG_FILE_MAX], name[300];
	const char *image_name = url_base_name(image->path);
	struct url u;
	struct sink s;
	int rc;

	snprintf(name, sizeof(name), "%.250s" SIG_SUFFIX, image_name);
	if (url_sibling(image, name, &u) < 0)
		return nb_fail(e, -EINVAL, "%s: no room for %s beside it", image_name, name);
	url_format(&u, shown, shown_len);
	sink_init_mem(&s, (uint8_t *)text, sizeof(text));
	rc = transport_get(&u, &s, o, e);
	if (rc == -EFBIG)
		return nb_fail(e, -EPROTO, "%s: larger than %d bytes, not a minisign signature", shown, MINISIG_FILE_MAX);
	if (rc < 0)
		return rc;
	return minisig_parse(shown, text, (size_t)s.written, sig, e);
}

/* The signature beside the image, fetched and checked before the image
 * (key, algorithm, trusted comment), so a wrong one costs no download. */
static int fetch_signature(const struct fetch_request *rq, const struct url *image, struct minisig *sig,
			   struct fetch_result *res, struct errbuf *e)
{
	int rc = signature_get(image, &rq->transport, sig, res->checksum_source, sizeof(res->checksum_source), e);

	if (rc == -ENOENT) {
		char why[sizeof(e->msg)];	/* e->msg is both the cause and the new message */
		snprintf(why, sizeof(why), "%s", e->msg);
		return nb_fail(e, -ENOENT, "%s: signature not found (%.200s): with a signing key built in, an unsigned "
			       "image is not booted", res->checksum_source, why);
	}
	if (rc < 0)
		return rc;
	if ((rc = sig_check_header(rq->keys, sig, res->checksum_source, e)) < 0)
		return rc;
	minisig_keyid_hex(sig->keyid, res->sig_keyid);
	sig_comment(sig, res->sig_comment, sizeof(res->sig_comment));
	snprintf(res->why, sizeof(res->why), "signed by key %s", res->sig_keyid);
	return 0;
}

/* What the image must match, before it downloads: the signature's (then
 * want is BLAKE2b, checked by the signature), checksum=, or the checksum
 * file beside it; want->len 0 when nothing is checked. */
static int fetch_want(const struct fetch_request *rq, const struct url *u, const char *name,
		      struct expected_digest *want, struct minisig *sig, struct fetch_result *res, struct errbuf *e)
{
	int rc;

	if (rq->keys && rq->keys->n > 0) {
		if ((rc = fetch_signature(rq, u, sig, res, e)) < 0)
			return rc;
		want->algo = HASH_BLAKE2B;
		want->len = 64;	/* the digest is checked by the signature, not compared */
	} else if (rq->checksum_arg && *rq->checksum_arg) {
		if ((rc = checksum_arg_parse(rq->checksum_arg, strlen(rq->checksum_arg), want, e)) < 0)
			return rc;
		snprintf(res->checksum_source, sizeof(res->checksum_source), "checksum= argument");
		snprintf(res->why, sizeof(res->why), "given on the command line");
	} else if (rq->verify) {
		rc = fetch_expected(rq, u, want, res->checksum_source, sizeof(res->checksum_source), res->why,
				    sizeof(res->why), e);
		if (rc == -ENOENT && rq->checksum_optional) {
			if (rq->log)
				fprintf(rq->log, "netboot: fetch: %s: no checksum file beside it: NOT verifying (add one, or give checksum=)\n", name);
			want->len = 0;
		} else if (rc == -ENOENT) {
			int missing = image_missing(rq, u, e);
			return missing < 0 ? missing : rc;
		} else if (rc < 0) {
			return rc;
		}
	}
	return 0;
}

/* The sink emptied for this source, hashing with want's algorithm if any. */
static int sink_prepare(const struct fetch_request *rq, struct sink *s, const struct expected_digest *want,
			bool sign, const char *name, struct fetch_result *res, struct errbuf *e)
{
	int rc;

	s->expected = 0;	/* a mirror may carry another size */
	if ((rc = sink_restart(s, e)) < 0)	/* also waits for the hashing thread */
		return rc;
	s->hashing = false;
	memset(&s->stats, 0, sizeof(s->stats));
	if (!want->len)
		return 0;
	sink_hash(s, want->algo, rq->hash_impl);
	res->hash_impl = hash_impl_name(&s->hash);
	if (rq->log && sign)
		fprintf(rq->log, "netboot: fetch: %s: verifying the minisign signature %s (key %s, trusted comment: %s) "
			"while it downloads (blake2b)\n", name, res->checksum_source, res->sig_keyid, res->sig_comment);
	else if (rq->log)
		fprintf(rq->log, "netboot: fetch: %s: verifying with %s (%s) from %s: %s\n", name,
			hash_name(want->algo), res->hash_impl, res->checksum_source, res->why);
	return 0;
}

/* The bytes into the sink, with progress, all of them in the file. */
static int download(const struct fetch_request *rq, const struct url *u, struct sink *s, const char *name,
		    struct errbuf *e)
{
	struct progress progress;
	int rc;

	progress_start(&progress, rq->log, name, 0);
	s->progress = &progress;
	rc = transport_get(u, s, &rq->transport, e);
	s->progress = NULL;
	if (rc == 0)
		rc = sink_flush(s, e);	/* the last slots reach the file */
	if (rc < 0)
		return rc;
	progress_finish(&progress);
	return 0;
}

/* The downloaded image's digest against the signature or the expected one. */
static int check_digest(const struct fetch_request *rq, const struct url *u, struct sink *s,
			const struct expected_digest *want, const struct minisig *sig, const char *name,
			struct fetch_result *res, struct errbuf *e)
{
	uint8_t got[HASH_MAX_DIGEST];
	char got_hex[2 * HASH_MAX_DIGEST + 1], want_hex[2 * HASH_MAX_DIGEST + 1], shown[URL_TEXT_MAX];
	int rc;

	size_t n = sink_digest(s, got);
	res->stats = s->stats;	/* after the digest: the hash thread's share is in */
	hash_hex(got, n, got_hex);
	hash_hex(want->digest, want->len, want_hex);
	res->algo = want->algo;
	snprintf(res->digest_hex, sizeof(res->digest_hex), "%s", got_hex);
	if (rq->keys && rq->keys->n > 0) {
		if ((rc = sig_check_digest(rq->keys, sig, got, name, res->checksum_source, e)) < 0)
			return rc;
		res->signed_ok = res->verified = true;
		return 0;
	}
	url_format(u, shown, sizeof(shown));
	if (n != want->len || memcmp(got, want->digest, n) != 0)
		return nb_fail(e, -EBADMSG, "%s: %s mismatch: downloaded image from %s has %s, %s says %s; not booting it",
			       name, hash_name(want->algo), shown, got_hex, res->checksum_source, want_hex);
	res->verified = true;
	return 0;
}

static int fetch_one(const struct fetch_request *rq, const struct url *u, struct sink *s,
		     struct fetch_result *res, struct errbuf *e)
{
	struct expected_digest want = { 0 };
	const char *name = url_base_name(u->path);
	struct minisig sig;
	const bool sign = rq->keys && rq->keys->n > 0;
	uint64_t t0 = monotonic_ns();
	int rc;

	if ((rc = fetch_want(rq, u, name, &want, &sig, res, e)) < 0 ||
	    (rc = sink_prepare(rq, s, &want, sign, name, res, e)) < 0 ||
	    (rc = download(rq, u, s, name, e)) < 0)
		return rc;
	res->size = s->written;
	res->seconds = (double)(monotonic_ns() - t0) / 1e9;
	if (!s->hashing) {
		res->stats = s->stats;
		return 0;
	}
	return check_digest(rq, u, s, &want, &sig, name, res, e);
}

int fetch_image(const struct fetch_request *rq, struct fetch_result *res, struct errbuf *e)
{
	struct http_keepalive keepalive = { .c = { -1, NULL } };
	struct fetch_request r = *rq;
	struct errbuf mismatch = { "" };	/* a mirror serving a bad image outranks later errors */
	int mismatch_rc = 0;
	struct sink s;
	int rc = -EINVAL;

	memset(res, 0, sizeof(*res));
	if (rq->nurls < 1)
		return nb_fail(e, -EINVAL, "no image URL given");
	if (!r.transport.keepalive)
		r.transport.keepalive = &keepalive;
	sink_init_file(&s, rq->open, rq->open_ctx);
	for (int i = 0; i < rq->nurls; i++) {
		char shown[URL_TEXT_MAX];
		url_format(&rq->urls[i], shown, sizeof(shown));
		rc = fetch_one(&r, &rq->urls[i], &s, res, e);
		if (rc == 0) {
			res->url_index = i;
			if (rq->log && rq->nurls > 1)
				fprintf(rq->log, "netboot: fetch: served by mirror %d of %d, %s\n", i + 1, rq->nurls, shown);
			break;
		}
		/* a refused signature, like a mismatch, outranks a later mirror's failure */
		if ((rc == -EBADMSG || rc == -EKEYREJECTED || rc == -ENOTSUP) && !mismatch.msg[0]) {
			mismatch = *e;
			mismatch_rc = rc;
		}
		if (rq->log && i + 1 < rq->nurls)
			fprintf(rq->log, "netboot: fetch: %s; trying the next mirror\n", e->msg);
	}
	if (rc < 0 && mismatch.msg[0]) {
		*e = mismatch;
		rc = mismatch_rc;
	}
	sink_close(&s);
	conn_close(&keepalive.c);
	return rc;
}
