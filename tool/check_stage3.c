/* Steps 5-7 of netboot check: the stage-3 source the APPEND line names
 * (HTTP/TFTP: the image's first bytes; NBD: the handshake; NFS: the
 * export), the checksum file the agent would use, and with --full the whole
 * image downloaded and verified by fetch_image, exactly as /init does. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fetch/fetch.h"
#include "netboot/clock.h"
#include "netboot/nbd_client.h"
#include "tool/check.h"

#define PROBE_BYTES (64 * 1024)	/* enough to see the image is served; a HEAD would not stream */

static const char *shown(const struct url *u, char buf[URL_TEXT_MAX])
{
	url_format(u, buf, URL_TEXT_MAX);
	return buf;
}

static struct transport_opts quick(const struct check_ctx *c)
{
	return (struct transport_opts){ .timeout_ms = c->timeout_ms, .max_tries = 1, .proxy = c->boot.proxy };
}

/* The first PROBE_BYTES of an HTTP or TFTP image: its size and that it flows. */
static int probe_copy(const struct check_ctx *c, const struct url *u, struct errbuf *what)
{
	uint8_t *buf = malloc(PROBE_BYTES);
	struct transport_opts o = quick(c);
	struct sink s;
	char t[URL_TEXT_MAX];
	int rc;

	if (!buf)
		return check_fail(what, -ENOMEM, "out of memory");
	sink_init_mem(&s, buf, PROBE_BYTES);
	rc = transport_get(u, &s, &o, what);
	free(buf);
	if (rc == -ENOENT)
		return check_fail(what, rc, "%.250s: the image is missing from the server's folder", what->msg);
	if (rc < 0 && rc != -EFBIG)	/* EFBIG: more than the probe, as it should be */
		return rc;
	if (rc == -EFBIG && s.expected)
		return check_fail(what, 0, "%s: %llu bytes, the first bytes flow", shown(u, t), (unsigned long long)s.expected);
	if (rc == -EFBIG)
		return check_fail(what, 0, "%s: size not announced, more than %d KiB flow", shown(u, t), PROBE_BYTES / 1024);
	if (!s.written)
		return check_fail(what, -EIO, "%s: the image is empty", shown(u, t));
	return check_fail(what, 0, "%s: %llu bytes, read whole", shown(u, t), (unsigned long long)s.written);
}

static int probe_nbd(const struct check_ctx *c, const struct url *u, struct errbuf *what)
{
	struct nbd_export ex;
	uint8_t magic[4];
	char t[URL_TEXT_MAX];
	int fd = nbd_connect(u->host, u->port, c->boot.nbd_export, c->timeout_ms, &ex, what);

	if (fd == -ENOENT)
		return check_fail(what, fd, "%.250s: the export name in the APPEND line must be one the server offers "
			       "(netboot serve: the image's file name, or none)", what->msg);
	if (fd < 0)
		return fd;
	int rc = ex.size >= 4 ? nbd_read(fd, 0, magic, 4, c->timeout_ms, what) : -EIO;
	nbd_disconnect(fd);
	if (rc < 0)
		return check_fail(what, rc, "%s: export of %llu bytes, reading its first block: %.200s", shown(u, t),
			       (unsigned long long)ex.size, ex.size >= 4 ? what->msg : "too small");
	/* the export is the squashfs itself unless the form says a file inside it */
	if (!c->boot.image_path[0] && memcmp(magic, "hsqs", 4))
		return check_fail(what, -EPROTO, "%s: export '%s' (%llu bytes) is not a squashfs image: export sysrcd.dat",
			       shown(u, t), c->boot.nbd_export, (unsigned long long)ex.size);
	return check_fail(what, 0, "%s: export '%s', %llu bytes%s", shown(u, t), c->boot.nbd_export,
		       (unsigned long long)ex.size, c->boot.image_path[0] ? "" : ", squashfs");
}

int check_stage3(struct check_ctx *c, struct errbuf *what)
{
	int rc = -ENOENT;

	for (int i = 0; i < c->boot.nurls; i++) {
		const struct url *u = &c->boot.urls[i];
		if (u->scheme == URL_NBD)
			rc = probe_nbd(c, u, what);
		else if (u->scheme == URL_NFS)
			rc = check_nfs(c, u, c->boot.image_path[0] ? c->boot.image_path : "sysrcd.dat", what);
		else
			rc = probe_copy(c, u, what);
		if (rc >= 0 || i + 1 == c->boot.nurls)
			break;
		check_note(c, "mirror %d: %.300s; the agent tries the next", i + 1, what->msg);
	}
	return rc;
}

/* The digest as /init would get it: checksum= first, else the files beside
 * the image in the agent's order (fetch/checksum.h). */
int check_checksum(struct check_ctx *c, struct errbuf *what)
{
	const struct url *img = &c->boot.urls[0];
	const char *image = url_base_name(img->path);
	char names[CHECKSUM_CANDIDATES_MAX + 1][256], t[URL_TEXT_MAX], hex[2 * HASH_MAX_DIGEST + 1];
	struct expected_digest want;
	int n = 0, rc = -ENOENT;

	if (c->keys.n)
		return check_fail(what, 1, "--pubkey given: an initramfs with a key uses the signature (step 8), not checksums");
	if (c->boot.source == SOURCE_NBD || c->boot.source == SOURCE_NFS)
		return check_fail(what, 1, "%s: no checksum file is fetched for this source",
			       c->boot.source == SOURCE_NBD ? "NBD" : "NFS");
	if (c->boot.checksum_arg[0]) {
		rc = checksum_arg_parse(c->boot.checksum_arg, strlen(c->boot.checksum_arg), &want, what);
		return rc < 0 ? rc : check_fail(what, 0, "checksum= on the command line: %s", c->boot.checksum_arg);
	}
	if (c->boot.check == CHECK_SKIP)
		return check_fail(what, 1, "nocheck: the image is not verified");
	if (c->boot.sum_name[0])
		snprintf(names[n++], sizeof(names[0]), "%s", c->boot.sum_name);
	n += checksum_candidates(image, hash_fastest(HASH_IMPL_AUTO), names + n, CHECKSUM_CANDIDATES_MAX);
	char *text = malloc(CHECKSUM_FILE_MAX);
	if (!text)
		return check_fail(what, -ENOMEM, "out of memory");
	for (int i = 0; i < n && rc == -ENOENT; i++) {
		struct transport_opts o = quick(c);
		struct sink s;
		struct url u;
		if (url_sibling(img, names[i], &u) < 0)
			continue;
		sink_init_mem(&s, (uint8_t *)text, CHECKSUM_FILE_MAX);
		if ((rc = transport_get(&u, &s, &o, what)) == -EFBIG)
			rc = check_fail(what, -EPROTO, "%s: larger than %d KiB, not a checksum file", shown(&u, t),
				     CHECKSUM_FILE_MAX / 1024);
		if (rc < 0)
			continue;
		rc = checksum_file_parse(text, (size_t)s.written, image, checksum_algo_of_name(names[i]), shown(&u, t),
					 &want, what);
		free(text);
		if (rc < 0)
			return check_fail(what, rc, "%.300s: write \"<digest>  %s\" into it (netboot serve writes it at start)",
				       what->msg, image);
		hash_hex(want.digest, want.len, hex);
		return check_fail(what, 0, "%s: %s %s for %s", shown(&u, t), hash_name(want.algo), hex, image);
	}
	free(text);
	if (rc == -ENOENT)
		return check_fail(what, rc, "no checksum file beside %s (tried %s .. %s): /init refuses to boot unverified; "
			       "add sysrcd.md5 (md5sum %s > sysrcd.md5), or checksum= / nocheck in APPEND",
			       shown(img, t), names[0], names[n - 1], image);
	return rc;
}

static int discard(void *ctx, uint64_t size, struct errbuf *e)
{
	(void)ctx, (void)size;
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	return fd < 0 ? nb_fail(e, -errno, "/dev/null: %s", strerror(errno)) : fd;
}

int check_image(struct check_ctx *c, struct errbuf *what)
{
	struct fetch_request rq = {
		.urls = c->boot.urls, .nurls = c->boot.nurls, .checksum_arg = c->boot.checksum_arg,
		.verify = c->boot.check != CHECK_SKIP, .checksum_name = c->boot.sum_name,
		.transport = { .timeout_ms = c->timeout_ms, .proxy = c->boot.proxy },
		.keys = &c->keys,	/* --pubkey: the signature, as /init with those keys */
		.open = discard,
	};
	struct fetch_result res;
	char rate[32];
	int rc;

	if (!c->full)
		return check_fail(what, 1, "not asked (--full downloads and verifies the whole image)");
	if (c->boot.source == SOURCE_NBD || c->boot.source == SOURCE_NFS)
		return check_fail(what, 1, "the agent does not copy NBD or NFS images");
	if ((rc = fetch_image(&rq, &res, what)) < 0)
		return rc == -EBADMSG ? check_fail(what, rc, "%.300s: the image or its checksum file is stale; "
						"write the checksum again", what->msg) : rc;
	if (res.signed_ok)
		return check_fail(what, 0, "%llu bytes in %.2f s (%s), signature good (key %s) from %.250s",
				  (unsigned long long)res.size, res.seconds, check_rate(res.size, res.seconds, rate),
				  res.sig_keyid, res.checksum_source);
	return check_fail(what, 0, "%llu bytes in %.2f s (%s)%s%s%s%.250s", (unsigned long long)res.size, res.seconds,
		       check_rate(res.size, res.seconds, rate), res.verified ? ", verified " : ", NOT verified",
		       res.verified ? hash_name(res.algo) : "", res.verified ? " from " : "",
		       res.verified ? res.checksum_source : "");
}
