/* Where stage 3 comes from, in the three dialects we accept:
 *   SystemRescueCd  netboot=URL[,URL...] (+ aliases), nfsboot=, nbdboot=
 *   dracut          root=live:URL, root=nbd:srv:port|export, root=nfs:srv:/path
 *   archiso         archiso_{http,nbd,nfs}_srv=, archiso_nbd_name=, archisobasedir=
 * and the options about checking and fetching it: checksum=, proxy=.
 * Every source becomes one or more mirrors in cfg->urls, all of one scheme
 * and one dialect (image_path and sum_name say where the image and its
 * checksum file are; see cmdline.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "cmdline/internal.h"

/* archiso's layout: <srv><basedir>/<arch>/airootfs.sfs; our agent is x86-64. */
#define ARCHISO_ARCH "x86_64"
#define ARCHISO_IMAGE "airootfs.sfs"
#define ARCHISO_SUM "airootfs.sha512"
#define ARCHISO_BASEDIR "arch"		/* archiso's default; SystemRescue passes "sysresccd" */
#define ARCHISO_NBD_NAME "archiso"	/* archiso's default export name */

enum dialect { SYSRCD, DRACUT, ARCHISO };

static enum source_kind kind_of(enum url_scheme s)
{
	switch (s) {
	case URL_HTTP: return SOURCE_HTTP;
	case URL_TFTP: return SOURCE_TFTP;
	case URL_NBD: return SOURCE_NBD;
	case URL_NFS: return SOURCE_NFS;
	}
	return SOURCE_NONE;
}

static const char *archiso_basedir(const struct cl_ctx *c)
{
	return c->archiso.basedir[0] ? c->archiso.basedir : ARCHISO_BASEDIR;
}

/* image_path and sum_name for a mirror of this dialect and scheme. */
static void layout(const struct cl_ctx *c, enum dialect d, enum url_scheme s,
		   char image[128], char sum[32])
{
	image[0] = sum[0] = '\0';
	if (d == SYSRCD && s != URL_NBD)
		snprintf(sum, 32, "sysrcd.md5");
	if (d == SYSRCD && s == URL_NFS)
		snprintf(image, 128, "sysrcd.dat");
	if (d == ARCHISO)
		snprintf(sum, 32, ARCHISO_SUM);
	if (d == ARCHISO && s != URL_HTTP && s != URL_TFTP)
		snprintf(image, 128, "%s/" ARCHISO_ARCH "/" ARCHISO_IMAGE, archiso_basedir(c));
}

static int check_mirror(struct cl_ctx *c, const struct url *u, const char *image, const char *sum)
{
	const struct boot_config *cfg = c->cfg;

	if ((u->scheme == URL_HTTP || u->scheme == URL_TFTP) && u->path[strlen(u->path) - 1] == '/')
		return cl_fail(c, "expected the image's URL, like %s://%s/sysrcd.dat, not a directory",
			       url_name(u), u->host);
	if (u->scheme == URL_NBD && strlen(u->path + 1) >= sizeof(cfg->nbd_export))
		return cl_fail(c, "NBD export name longer than %zu characters", sizeof(cfg->nbd_export) - 1);
	if (cfg->nurls == 0)
		return 0;
	if (u->scheme != cfg->urls[0].scheme)
		return cl_fail(c, "all mirrors must use one scheme, and the first was %s://",
			       url_scheme_name(cfg->urls[0].scheme));
	if (strcmp(image, cfg->image_path) || strcmp(sum, cfg->sum_name))
		return cl_fail(c, "mixes boot source forms (SystemRescueCd, dracut, archiso); use one");
	if (cfg->nurls == CMDLINE_MAX_URLS)
		return cl_fail(c, "too many mirrors (at most %d)", CMDLINE_MAX_URLS);
	return 0;
}

/* Adds the URL (text, n) as a mirror.  form says what was expected when
 * url_parse()'s message alone would not (the URL was built from a value). */
static int add_url(struct cl_ctx *c, const char *text, size_t n, enum dialect d, const char *form)
{
	struct boot_config *cfg = c->cfg;
	struct errbuf ue;
	struct url u;
	char image[128], sum[32];
	int rc;

	if (url_parse(text, n, &u, &ue) < 0)
		return form ? cl_fail(c, "%s; expected %s", ue.msg, form) : cl_fail(c, "%s", ue.msg);
	layout(c, d, u.scheme, image, sum);
	if ((rc = check_mirror(c, &u, image, sum)) < 0)
		return rc;
	if (cfg->nurls == 0) {
		cfg->source = kind_of(u.scheme);
		snprintf(cfg->image_path, sizeof(cfg->image_path), "%s", image);
		snprintf(cfg->sum_name, sizeof(cfg->sum_name), "%s", sum);
		if (u.scheme == URL_NBD)	/* length checked by check_mirror() */
			memcpy(cfg->nbd_export, u.path + 1, strlen(u.path + 1) + 1);
	}
	cfg->urls[cfg->nurls++] = u;
	return 0;
}

/* "prefix" + (s, n) as one URL. */
static int add_joined(struct cl_ctx *c, const char *prefix, const char *s, size_t n, enum dialect d,
		      const char *form)
{
	char text[URL_TEXT_MAX];
	int len = snprintf(text, sizeof(text), "%s%.*s", prefix, (int)(n < sizeof(text) ? n : sizeof(text)), s);

	if (len < 0 || (size_t)len >= sizeof(text))
		return cl_fail(c, "URL longer than %zu characters", sizeof(text) - 1);
	return add_url(c, text, (size_t)len, d, form);
}

static int add_list(struct cl_ctx *c, const struct cl_arg *a, const char *prefix, const char *form)
{
	const char *f;
	size_t flen, pos = 0;
	int rc;

	while (cl_field(a->val, a->vlen, ',', &pos, &f, &flen))
		if ((rc = add_joined(c, prefix, f, flen, SYSRCD, form)) < 0)
			return rc;
	return 0;
}

/* netboot=URL[,URL...]: mirrors split at commas (write a comma inside a URL
 * as %2C).  casper and live-boot say "netboot=nfs" or "netboot=cifs" (with
 * nfsroot=): a bare word, not ours, so it is left alone; anything with ':'
 * or '/' is meant as a URL and must be a good one. */
int cl_opt_netboot(struct cl_ctx *c, const struct cl_arg *a)
{
	if (!memchr(a->val, ':', a->vlen) && !memchr(a->val, '/', a->vlen))
		return 0;
	return add_list(c, a, "", NULL);
}

int cl_opt_bootalias(struct cl_ctx *c, const struct cl_arg *a)
{
	return add_list(c, a, "", NULL);
}

int cl_opt_nfsboot(struct cl_ctx *c, const struct cl_arg *a)
{
	/* an IPv6 server is written [2001:db8::1]:/dir: its ':'s are the address's */
	const char *close = a->vlen && a->val[0] == '[' ? memchr(a->val, ']', a->vlen) : NULL;
	const char *from = close ? close : a->val;
	const char *colon = memchr(from, ':', (size_t)(a->val + a->vlen - from));

	if (!colon || colon + 1 >= a->val + a->vlen || colon[1] != '/')
		return cl_fail(c, "expected nfsboot=SERVER:/DIR, like 192.168.1.5:/tftpboot");
	return add_list(c, a, "nfs://", "nfsboot=SERVER:/DIR");
}

int cl_opt_nbdboot(struct cl_ctx *c, const struct cl_arg *a)
{
	return add_list(c, a, "nbd://", "nbdboot=SERVER:PORT, like 192.168.1.5:2000 or [2001:db8::1]:2000");
}

/* How many of the first n bytes of s are in set (strspn, bounded). */
static size_t strspn_n(const char *s, size_t n, const char *set)
{
	size_t i = 0;

	while (i < n && s[i] && strchr(set, s[i]))
		i++;
	return i;
}

/* root=nbd:<server>:<port or export>[:<fstype>[:<rootflags>[:<nbdopts>]]] */
static int root_nbd(struct cl_ctx *c, const char *s, size_t n)
{
	static const char form[] = "root=nbd:SERVER:PORT or root=nbd:SERVER:EXPORT";
	const char *srv, *what;
	size_t slen, wlen, pos = 0;
	unsigned long port;
	char text[512];

	if (!cl_field(s, n, ':', &pos, &srv, &slen) || !cl_field(s, n, ':', &pos, &what, &wlen) ||
	    slen == 0 || wlen == 0 || slen > 255 || wlen > 200)
		return cl_fail(c, "expected %s", form);
	if (strspn_n(what, wlen, "0123456789") == wlen) {
		if (!cl_uint(what, wlen, 65535, &port) || port == 0)
			return cl_fail(c, "expected %s; a port is 1 to 65535", form);
		snprintf(text, sizeof(text), "nbd://%.*s:%lu", (int)slen, srv, port);
	} else {
		snprintf(text, sizeof(text), "nbd://%.*s/%.*s", (int)slen, srv, (int)wlen, what);
	}
	return add_url(c, text, strlen(text), DRACUT, form);
}

/* root=nfs:<server>:<path>[:<options>]; dracut's server-less form would need
 * the DHCP root-path, which we do not read. */
static int root_nfs(struct cl_ctx *c, const char *s, size_t n)
{
	static const char form[] = "root=nfs:SERVER:/PATH[:OPTIONS]";
	const char *srv, *path;
	size_t slen, plen, pos = 0;

	if (!cl_field(s, n, ':', &pos, &srv, &slen) || !cl_field(s, n, ':', &pos, &path, &plen) ||
	    slen == 0 || plen == 0 || path[0] != '/')
		return cl_fail(c, "expected %s", form);
	return add_joined(c, "nfs://", s, (size_t)(path + plen - s), DRACUT, form);
}

static bool starts_with(const char *s, size_t n, const char *prefix)
{
	size_t plen = strlen(prefix);

	return n >= plen && memcmp(s, prefix, plen) == 0;
}

/* root=live:CDLABEL=..., root=/dev/sda1 and the like are local: not ours. */
int cl_opt_root(struct cl_ctx *c, const struct cl_arg *a)
{
	const char *v = a->val;
	size_t n = a->vlen;

	if (starts_with(v, n, "live:") && memmem(v + 5, n - 5, "://", 3)) {
		if (!starts_with(v + 5, n - 5, "http://") && !starts_with(v + 5, n - 5, "https://") &&
		    !starts_with(v + 5, n - 5, "tftp://"))
			return cl_fail(c, "expected root=live:http://..., https://... or tftp://...");
		return add_url(c, v + 5, n - 5, DRACUT, NULL);
	}
	if (starts_with(v, n, "nbd:"))
		return root_nbd(c, v + 4, n - 4);
	if (starts_with(v, n, "nfs:"))
		return root_nfs(c, v + 4, n - 4);
	return 0;
}

/* Copies an archiso value, turning "${pxeserver}" into the placeholder host
 * "pxeserver" (see boot_config.server_from_dhcp). */
static int archiso_copy(struct cl_ctx *c, char *dst, size_t dstlen, const struct cl_arg *a)
{
	static const char var[] = "${pxeserver}";
	size_t out = 0;

	for (size_t i = 0; i < a->vlen;) {
		const char *piece = a->val + i;
		size_t plen = 1;
		if (a->vlen - i >= sizeof(var) - 1 && memcmp(piece, var, sizeof(var) - 1) == 0) {
			piece = "pxeserver";
			plen = strlen(piece);
			i += sizeof(var) - 1;
			c->cfg->server_from_dhcp = true;
		} else {
			i++;
		}
		if (out + plen >= dstlen || !cl_printable(piece, plen))
			return cl_fail(c, "expected a printable value of at most %zu characters", dstlen - 1);
		memcpy(dst + out, piece, plen);
		out += plen;
	}
	dst[out] = '\0';
	return 0;
}

int cl_opt_archiso(struct cl_ctx *c, const struct cl_arg *a)
{
	struct cl_archiso *ar = &c->archiso;

	if (cl_eq(a->key, a->klen, "archisobasedir")) {
		/* a folder under the server's root: "/arch/" is "arch", so the
		 * image path stays relative (NFS joins it to the mount point) */
		const char *v = a->val;
		size_t n = a->vlen;
		for (; n && *v == '/'; v++, n--)
			;
		for (; n && v[n - 1] == '/'; n--)
			;
		if (memmem(v, n, "..", 2) || n == 0 || !cl_copy(ar->basedir, sizeof(ar->basedir), v, n))
			return cl_fail(c, "expected a directory name like arch or sysresccd, at most %zu characters",
				       sizeof(ar->basedir) - 1);
		return 0;
	}
	if (a->vlen == 0)
		return cl_fail(c, "expected a server");
	if (cl_eq(a->key, a->klen, "archiso_http_srv"))
		return archiso_copy(c, ar->http_srv, sizeof(ar->http_srv), a);
	if (cl_eq(a->key, a->klen, "archiso_nbd_srv"))
		return archiso_copy(c, ar->nbd_srv, sizeof(ar->nbd_srv), a);
	if (cl_eq(a->key, a->klen, "archiso_nfs_srv"))
		return archiso_copy(c, ar->nfs_srv, sizeof(ar->nfs_srv), a);
	return archiso_copy(c, ar->nbd_name, sizeof(ar->nbd_name), a);
}

/* One archiso source, named by key for messages. */
static int archiso_add(struct cl_ctx *c, const char *key, const char *text, const char *form)
{
	struct cl_arg a = { .key = key, .klen = strlen(key), .val = text, .vlen = strlen(text), .has_val = true };

	c->arg = &a;
	return add_url(c, text, strlen(text), ARCHISO, form);
}

int cl_finish_archiso(struct cl_ctx *c)
{
	const struct cl_archiso *ar = &c->archiso;
	char text[600];
	int rc;

	if (ar->http_srv[0]) {
		size_t n = strlen(ar->http_srv);
		snprintf(text, sizeof(text), "%s%s%s/" ARCHISO_ARCH "/" ARCHISO_IMAGE, ar->http_srv,
			 ar->http_srv[n - 1] == '/' ? "" : "/", archiso_basedir(c));
		if ((rc = archiso_add(c, "archiso_http_srv", text, "archiso_http_srv=http://server/")) < 0)
			return rc;
	}
	if (ar->nbd_srv[0]) {
		snprintf(text, sizeof(text), "nbd://%s/%s", ar->nbd_srv,
			 ar->nbd_name[0] ? ar->nbd_name : ARCHISO_NBD_NAME);
		if ((rc = archiso_add(c, "archiso_nbd_srv", text, "archiso_nbd_srv=SERVER")) < 0)
			return rc;
	}
	if (ar->nfs_srv[0]) {
		snprintf(text, sizeof(text), "nfs://%s", ar->nfs_srv);
		if ((rc = archiso_add(c, "archiso_nfs_srv", text, "archiso_nfs_srv=SERVER:/PATH")) < 0)
			return rc;
	}
	return 0;
}

/* subdir=DIR, as SystemRescueCd's own init read it: sysrcd.dat (and its
 * md5) sit in DIR under the root of the medium, and an NFS folder is
 * mounted as one.  An http://, tftp:// or nbd:// source names the image
 * itself, so there it changes nothing.  Applied once all options are read:
 * subdir= may come before or after the source. */
int cl_finish_subdir(struct cl_ctx *c)
{
	struct boot_config *cfg = c->cfg;
	const char *d = cfg->subdir;
	size_t n;

	if (!d[0] || cfg->source != SOURCE_NFS || strcmp(cfg->image_path, "sysrcd.dat"))
		return 0;
	d += strspn(d, "/");
	for (n = strlen(d); n && d[n - 1] == '/'; n--)
		;
	if (n == 0)
		return 0;	/* subdir=/ is the folder itself */
	if (n + 1 + strlen(cfg->image_path) >= sizeof(cfg->image_path)) {
		struct cl_arg a = { .key = "subdir", .klen = 6, .val = cfg->subdir, .vlen = strlen(cfg->subdir),
				    .has_val = true };
		c->arg = &a;
		return cl_fail(c, "the image's path in the NFS folder would be longer than %zu characters",
			       sizeof(cfg->image_path) - 1);
	}
	/* length checked above: DIR '/' image, shifted into place */
	size_t ilen = strlen(cfg->image_path);
	memmove(cfg->image_path + n + 1, cfg->image_path, ilen + 1);
	memmove(cfg->image_path, d, n);
	cfg->image_path[n] = '/';
	return 0;
}

/* checksum=<algo>:<hex> is ours; a bare "checksum" or "checksum=y" is
 * archiso's "verify the image against its .sha512 file". */
int cl_opt_checksum(struct cl_ctx *c, const struct cl_arg *a)
{
	static const struct { const char *algo; size_t hexlen; } algos[] = {
		{ "md5", 32 }, { "sha256", 64 }, { "sha512", 128 },
	};
	/* an IPv6 server is written [2001:db8::1]:/dir: its ':'s are the address's */
	const char *close = a->vlen && a->val[0] == '[' ? memchr(a->val, ']', a->vlen) : NULL;
	const char *from = close ? close : a->val;
	const char *colon = memchr(from, ':', (size_t)(a->val + a->vlen - from));
	size_t alen = colon ? (size_t)(colon - a->val) : 0, hlen = a->vlen - alen - 1;

	if (!a->has_val || cl_eq(a->val, a->vlen, "y") || cl_eq(a->val, a->vlen, "yes")) {
		c->cfg->check = CHECK_FORCE;
		return 0;
	}
	if (colon && cl_eq(a->val, alen, "verity")) {	/* dm-verity's root hash */
		if (hlen != 64 || strspn_n(colon + 1, hlen, "0123456789abcdefABCDEF") != hlen)
			return cl_fail(c, "a verity root hash is 64 hex digits (SHA-256), as in sysrcd.roothash");
		memcpy(c->cfg->verity_root, colon + 1, hlen);
		c->cfg->verity_root[hlen] = '\0';
		c->cfg->verity = true;
		return 0;
	}
	for (size_t i = 0; colon && i < sizeof(algos) / sizeof(algos[0]); i++) {
		if (!cl_eq(a->val, alen, algos[i].algo))
			continue;
		if (hlen != algos[i].hexlen || strspn_n(colon + 1, hlen, "0123456789abcdefABCDEF") != hlen)
			return cl_fail(c, "a %s checksum is %zu hex digits", algos[i].algo, algos[i].hexlen);
		memcpy(c->cfg->checksum_arg, a->val, a->vlen);
		c->cfg->checksum_arg[a->vlen] = '\0';
		return 0;
	}
	return cl_fail(c, "expected checksum=md5:HEX, sha256:HEX, sha512:HEX or verity:HEX");
}

int cl_opt_proxy(struct cl_ctx *c, const struct cl_arg *a)
{
	struct errbuf ue;
	struct url u;

	if (url_parse(a->val, a->vlen, &u, &ue) < 0)
		return cl_fail(c, "%s; expected proxy=http://HOST:PORT", ue.msg);
	if (u.scheme != URL_HTTP || u.tls || !cl_copy(c->cfg->proxy, sizeof(c->cfg->proxy), a->val, a->vlen))
		return cl_fail(c, "expected proxy=http://HOST:PORT, at most %zu characters",
			       sizeof(c->cfg->proxy) - 1);
	return 0;
}
