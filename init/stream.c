/* Stage 3 with `stream`: boot at once from an HTTP(S) image.  The hash
 * tree and root hash are fetched (small), the image's size asked with a
 * small Range request, a sparse file of that size made in a tmpfs, and
 * the kernel's nbd device handed to the supervisor, which answers its
 * reads from that file while it fills it in the background and fetches
 * what a read needs first (mount/blockserver_stream.c).  dm-verity sits on
 * the device, so every block is checked against the root hash as the
 * kernel reads it, and the boot goes on without waiting for the copy. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "fetch/transport.h"
#include "fetch/verify.h"
#include "fetch/verity.h"
#include "init/boot.h"
#include "mount/nbd.h"
#include "mount/nbd_supervisor.h"
#include "mount/rootfs.h"
#include "netboot/clock.h"
#include "netboot/mkdir_p.h"
#include "netboot/nbd_wire.h"

struct sidecar {
	const char *path;
	uint64_t max;
	struct errbuf *e;
};

static int open_sidecar(void *ctx, uint64_t size, struct errbuf *e)
{
	const struct sidecar *sc = ctx;
	if (size > sc->max)
		return nb_fail(e, -EFBIG, "%s: %llu bytes announced, more than it can be (%llu)", sc->path,
			       (unsigned long long)size, (unsigned long long)sc->max);
	int fd = open(sc->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	return fd < 0 ? nb_fail(e, -errno, "%s: %s", sc->path, strerror(errno)) : fd;
}

/* The file `name` beside the image u into path, at most max bytes. */
static int get_sidecar(struct boot *b, const struct url *u, const char *name, const char *path, uint64_t max,
		       const struct transport_opts *o)
{
	struct url side;
	struct sidecar sc = { path, max, &b->err };
	struct sink s;
	if (url_sibling(u, name, &side) < 0)
		return nb_fail(&b->err, -ENAMETOOLONG, "%s: URL too long", name);
	sink_init_file(&s, open_sidecar, &sc);
	int rc = transport_get(&side, &s, o, &b->err);
	sink_close(&s);
	if (rc == 0 && s.written > max)
		rc = nb_fail(&b->err, -EFBIG, "%s: more than %llu bytes", name, (unsigned long long)max);
	return rc;
}

static int stream_mirror(struct boot *b, int i, const char *shown)
{
	const struct url *u = &b->cfg.urls[i];
	struct http_keepalive ka = { .c = { -1, NULL } };
	struct transport_opts o = { .proxy = b->cfg.proxy, .log = stderr, .keepalive = &ka };
	const char *name = url_base_name(u->path);
	char tree[300], root[300], sig[320];
	uint8_t first[512];	/* not 1 byte: busybox httpd answers "bytes=0-0" with the whole file */
	uint64_t size = 0, t0 = monotonic_ns();
	int rc;

	if (verity_sidecar(name, ".verity", tree, sizeof(tree)) < 0 || verity_sidecar(name, ".roothash", root, sizeof(root)) < 0)
		return nb_fail(&b->err, -ENAMETOOLONG, "%s: image name too long", shown);
	snprintf(sig, sizeof(sig), "%s" SIG_SUFFIX, root);
	if ((rc = http_get_range(u, 0, first, sizeof(first), &size, &o, &b->err)) < 0)
		goto out;
	if (!size) {
		rc = nb_fail(&b->err, -EPROTO, "%s: the server did not give the size (Content-Range: bytes 0-511/SIZE): "
			     "stream needs Range requests", shown);
		goto out;
	}
	if (mkdir_p(MOUNT_DIR, 0755) < 0) {
		rc = nb_fail(&b->err, -errno, "%s: %s", MOUNT_DIR, strerror(errno));
		goto out;
	}
	/* the tree is 1/128 of the image, plus its upper levels and superblock */
	if ((rc = get_sidecar(b, u, tree, VERITY_TREE_COPY, size / 100 + (1 << 20), &o)) < 0 ||
	    ((!b->cfg.verity_root[0] || b->keys.n) &&
	     (rc = get_sidecar(b, u, root, MOUNT_DIR "/sysrcd.roothash", 4096, &o)) < 0) ||
	    (b->keys.n && (rc = get_sidecar(b, u, sig, MOUNT_DIR "/sysrcd.roothash" SIG_SUFFIX, 8192, &o)) < 0))
		goto out;
	conn_close(&ka.c);

	struct nbd_watch w = { .stream = true, .upstream_fd = -1, .size = size, .console_fd = -1, .log_fd = -1,
			       .flags = NBD_FLAG_HAS_FLAGS | NBD_FLAG_READ_ONLY };
	snprintf(b->image_path, sizeof(b->image_path), "%s/%s", IMAGE_DIR, name);
	int fd = image_tmpfs_open(b, size, &b->err);
	if (fd < 0) {
		rc = fd;
		goto out;
	}
	close(fd);
	/* sparse, its final size: the supervisor reads and writes it */
	if ((w.cache_fd = open(b->image_path, O_RDWR | O_CLOEXEC)) < 0 || ftruncate(w.cache_fd, (off_t)size) < 0) {
		rc = nb_fail(&b->err, -errno, "%s: %s", b->image_path, strerror(errno));
		goto drop;
	}
	w.state_fd = open(RUN_DIR "/stream", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if ((rc = supervisor_mirrors(b, &w, i, NULL)) < 0 || (rc = attach_served(b, &w)) < 0)
		goto drop;
	char dev[sizeof(b->image_dev)];
	snprintf(dev, sizeof(dev), "%s", b->image_dev);
	if ((rc = verity_attach(b, dev, VERITY_TREE_COPY, tree, MOUNT_DIR "/sysrcd.roothash", shown)) < 0) {
		struct errbuf ignored;
		nbd_detach(dev, &ignored);
		b->image_dev[0] = '\0';
		goto drop;
	}
	timeline_sample_memory(&b->timeline, IMAGE_DIR);	/* /init's peak RSS; the tmpfs fills later */
	say("stage3", "%s: streaming, %llu MiB on %s behind dm-verity, ready in %.2f s: booting while the copy fills "
	    "(see %s/stream)", shown, (unsigned long long)(size >> 20), dev, seconds_since(t0), RUN_DIR);
	close(w.cache_fd);
	if (w.state_fd >= 0)
		close(w.state_fd);
	return 0;
drop:
	if (w.cache_fd >= 0)
		close(w.cache_fd);
	if (w.state_fd >= 0)
		close(w.state_fd);
	image_tmpfs_drop(b);
out:
	conn_close(&ka.c);
	return rc;
}

int stream_root(struct boot *b)
{
	const struct boot_config *c = &b->cfg;
	int rc = -EINVAL;
	for (int i = 0; i < c->nurls; i++) {
		char shown[URL_TEXT_MAX];
		url_format(&c->urls[i], shown, sizeof(shown));
		if ((rc = stream_mirror(b, i, shown)) == 0)
			return 0;
		if (i + 1 < c->nurls)
			say("stage3", "%s; trying the next mirror (%d of %d)", b->err.msg, i + 2, c->nurls);
	}
	return rc;
}
