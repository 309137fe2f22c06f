/* Stage 3 and the hand-over: get the root image (a verified copy in a tmpfs
 * sized to it), attach and mount it, switch_root into it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <arpa/inet.h>
#include "fetch/fetch.h"
#include "init/boot.h"
#include "netboot/read_file.h"
#include "mount/loop.h"
#include "mount/nbd.h"
#include "mount/nbd_supervisor.h"
#include "mount/nfs.h"
#include "fetch/verify.h"
#include "fetch/verity.h"
#include "netboot/jitter.h"
#include "netboot/mkdir_p.h"
#include "netboot/nbd_client.h"
#include "netboot/tcp.h"
#include "mount/rootfs.h"
#include "mount/switch_root.h"

#define MIB (1024ull * 1024ull)
#define RAM_RESERVE (48 * MIB)	/* left for the booted system's first steps */
#define NFS_PROBE_MS 10000	/* connecting to the NFS port, to choose the address */

static uint64_t mem_available(void)
{
	char buf[4096];
	ssize_t n = read_file_up_to("/proc/meminfo", buf, sizeof(buf));
	long long kb = n > 0 ? timeline_proc_kib(buf, (size_t)n, "MemAvailable") : -1;
	return kb > 0 ? (uint64_t)kb * 1024 : 0;
}

/* Called once the transport knows the size: checks RAM, mounts a tmpfs of
 * exactly that size (the image lives in RAM once) and opens the file. */
static int open_image(void *ctx, uint64_t size, struct errbuf *e)
{
	struct boot *b = ctx;
	uint64_t avail = mem_available();
	const char *name = strrchr(b->image_path, '/') + 1;
	char opts[64];

	/* written so that no announced size can overflow: the size comes from the network */
	if (size && avail && (avail <= RAM_RESERVE || size > avail - RAM_RESERVE || size > UINT64_MAX / 2))
		return nb_fail(e, -ENOMEM, "%s needs %llu MiB, %llu MiB free: %s, or give the machine more RAM",
			       name, (unsigned long long)((size + MIB - 1) / MIB),
			       (unsigned long long)(avail > RAM_RESERVE ? (avail - RAM_RESERVE) / MIB : 0),
			       b->cfg.docache && (b->cfg.source == SOURCE_NBD || b->cfg.source == SOURCE_NFS)
			       ? "drop docache to read it over the network" : "use nbdboot= or nfsboot=");
	/* exactly the image (plus a few pages of tmpfs overhead); unknown size (chunked): what is free */
	uint64_t tmpfs_size = size ? (size + 4 * 4096 + 4095) & ~4095ull
				   : avail > RAM_RESERVE ? avail - RAM_RESERVE : 64 * MIB;
	snprintf(opts, sizeof(opts), "mode=0755,size=%llu", (unsigned long long)tmpfs_size);
	if (mkdir_p(IMAGE_DIR, 0755) < 0 || mount("tmpfs", IMAGE_DIR, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
		return nb_fail(e, -errno, "tmpfs for %s on %s: %s", name, IMAGE_DIR, strerror(errno));
	int fd = open(b->image_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0444);
	if (fd < 0)
		return nb_fail(e, -errno, "%s: %s", b->image_path, strerror(errno));
	say("stage3", "%s: %llu MiB into RAM (%llu MiB free)", name, (unsigned long long)(size / MIB),
	    (unsigned long long)(avail / MIB));
	return fd;
}

/* Undoes open_image after a failed copy: the next mirror mounts it again. */
static void drop_copy(struct boot *b)
{
	unlink(b->image_path);
	umount2(IMAGE_DIR, MNT_DETACH);
}

int image_tmpfs_open(struct boot *b, uint64_t size, struct errbuf *e)
{
	return open_image(b, size, e);
}

void image_tmpfs_drop(struct boot *b)
{
	drop_copy(b);
}

static int write_full(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t k = write(fd, p, len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		len -= (size_t)k;
	}
	return 0;
}

/* docache: copies size bytes of src (the NBD device, or the image on NFS)
 * into a tmpfs sized to them (RAM checked first, as for a download) and
 * points b->image_path at the copy.  Fewer bytes than size is an error. */
static int copy_to_ram(struct boot *b, const char *src, uint64_t size, const char *name, struct hash_ctx *hash)
{
	enum { CHUNK = 1 << 20 };
	uint64_t t0 = monotonic_ns(), done = 0;
	int in, out, rc = 0;
	uint8_t *buf = malloc(CHUNK);

	if (!buf)
		return nb_fail(&b->err, -ENOMEM, "docache: out of memory");
	if ((in = open(src, O_RDONLY | O_CLOEXEC)) < 0) {
		free(buf);
		return nb_fail(&b->err, -errno, "docache: %s: %s", src, strerror(errno));
	}
	snprintf(b->image_path, sizeof(b->image_path), "%s/%s", IMAGE_DIR, name);
	if ((out = open_image(b, size, &b->err)) < 0) {
		free(buf);
		close(in);
		return out;
	}
	while (rc == 0 && done < size) {
		ssize_t n = read(in, buf, size - done < CHUNK ? (size_t)(size - done) : CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			rc = nb_fail(&b->err, n < 0 ? -errno : -EIO, "docache: %s: %s after %llu of %llu bytes", src,
				     n < 0 ? strerror(errno) : "ended early", (unsigned long long)done,
				     (unsigned long long)size);
		if (rc == 0 && write_full(out, buf, (size_t)n) < 0)
			rc = nb_fail(&b->err, -errno, "docache: %s: %s", b->image_path, strerror(errno));
		if (rc == 0 && hash)	/* the copy is checked in the same pass, not read again */
			hash_update(hash, buf, (size_t)n);
		if (rc == 0)
			done += (uint64_t)n;
	}
	free(buf);
	close(in);
	if (close(out) < 0 && rc == 0)
		rc = nb_fail(&b->err, -errno, "docache: %s: %s", b->image_path, strerror(errno));
	if (rc < 0) {
		drop_copy(b);
		return rc;
	}
	say("stage3", "%s: %llu bytes copied from %s into RAM in %.2f s (docache)", name, (unsigned long long)done, src,
	    seconds_since(t0));
	return 0;
}

/* archiso's ${pxeserver}: the server the firmware booted from, known only now */
static int resolve_boot_server(struct boot *b)
{
	struct boot_config *c = &b->cfg;
	if (!c->server_from_dhcp)
		return 0;
	if (!b->boot_server)
		return nb_fail(&b->err, -EINVAL, "${pxeserver} in the image URL, but DHCP named no server (next-server or server id)");
	for (int i = 0; i < c->nurls; i++)
		if (!strcmp(c->urls[i].host, "pxeserver"))
			inet_ntop(AF_INET, &b->boot_server, c->urls[i].host, sizeof(c->urls[i].host));
	return 0;
}

static int fetch_copy(struct boot *b)
{
	const struct boot_config *c = &b->cfg;
	struct fetch_request rq = {
		.urls = c->urls,
		.nurls = c->nurls,
		.checksum_arg = c->checksum_arg,
		.verify = c->check != CHECK_SKIP,
		.checksum_name = c->sum_name,
		.checksum_optional = !c->sum_name[0] && c->check == CHECK_DEFAULT,
		.transport = { .proxy = c->proxy, .log = stderr },
		.keys = &b->keys,	/* none built in: checksums as before */
		.log = stderr,
		.open = open_image,
		.open_ctx = b,
	};
	struct fetch_result res;
	const char *slash = strrchr(c->urls[0].path, '/');
	snprintf(b->image_path, sizeof(b->image_path), "%s/%s", IMAGE_DIR, slash && slash[1] ? slash + 1 : "sysrcd.dat");
	int rc = fetch_image(&rq, &res, &b->err);
	if (rc < 0)
		return rc;
	char shown[URL_TEXT_MAX];
	url_format(&c->urls[res.url_index], shown, sizeof(shown));
	const char *name = strrchr(b->image_path, '/') + 1;
	b->timeline.bytes = res.size;
	b->timeline.download_ns = (uint64_t)(res.seconds * 1e9);
	b->timeline.st = res.stats;
	timeline_sample_memory(&b->timeline, IMAGE_DIR);	/* the issue 8 goal: RSS and one copy in RAM */
	if (res.signed_ok)
		signature_verified(name, res.checksum_source, res.sig_keyid, res.sig_comment);
	if (res.verified)
		say("stage3", "%s: %llu bytes in %.2f s from %s, %s (%s) verified against %s: %s", name,
		    (unsigned long long)res.size, res.seconds, shown, hash_name(res.algo), res.hash_impl,
		    res.checksum_source, res.why);
	else
		say("stage3", "%s: %llu bytes in %.2f s from %s, NOT verified (%s)", name, (unsigned long long)res.size,
		    res.seconds, shown, c->check == CHECK_SKIP ? "nocheck" : "no checksum file beside it");
	return 0;
}

/* docache over NBD: the device's bytes into RAM, checked against the
 * export's size (the only check the seed's NBD had), then the connection
 * ended, so the booted system owes nothing to the server. */
static int cache_nbd(struct boot *b, uint64_t size)
{
	char dev[sizeof(b->image_dev)];
	uint64_t visible = size - size % 512;	/* what the device shows (mount/nbd.c) */
	struct stat st;
	int rc;

	memcpy(dev, b->image_dev, sizeof(dev));
	if ((rc = copy_to_ram(b, dev, visible, "sysrcd.dat", NULL)) < 0)
		return rc;
	if (stat(b->image_path, &st) < 0)
		st.st_size = -1;
	if ((uint64_t)st.st_size != visible) {
		rc = nb_fail(&b->err, -EIO, "docache: %s holds %lld bytes, the export %llu", b->image_path,
			     (long long)st.st_size, (unsigned long long)visible);
		drop_copy(b);
		return rc;
	}
	if ((rc = nbd_detach(dev, &b->err)) < 0)
		say("stage3", "%s (the copy in RAM is used all the same)", b->err.msg);
	else
		say("stage3", "%s: %llu bytes in RAM, the export's size; NBD disconnected, the server is no longer needed",
		    dev, (unsigned long long)visible);
	b->image_dev[0] = '\0';	/* mount_root_image loop-mounts the copy */
	return 0;
}

/* The supervisor's mirrors: the URLs from `first` on, then the ones before
 * it, each with its address (the supervisor outlives the initramfs'
 * resolv.conf) and, for NBD, the export name as the path. */
int supervisor_mirrors(struct boot *b, struct nbd_watch *w, int first, const char *export)
{
	const struct boot_config *c = &b->cfg;
	for (int k = 0; k < c->nurls && w->nmirrors < SUP_MIRRORS_MAX; k++) {
		struct url u = c->urls[(first + k) % c->nurls];
		char *addr = w->connect[w->nmirrors];
		/* the first: the address its connection reached (of a name's
		 * several, the one that answered), else the name's first */
		int rc = k == 0 && w->upstream_fd >= 0 && tcp_peer_text(w->upstream_fd, addr, sizeof(w->connect[0])) == 0
			 ? 0 : tcp_resolve_text(u.host, addr, sizeof(w->connect[0]), &b->err);
		if (rc < 0) {
			if (k == 0)
				return rc;
			say("stage3", "%s: not a mirror for the supervisor", b->err.msg);
			continue;
		}
		if (export)
			snprintf(u.path, sizeof(u.path), "/%s", export);
		url_format(&u, w->mirror[w->nmirrors], sizeof(w->mirror[0]));
		w->nmirrors++;
	}
	return 0;
}

/* The kernel's device on one end of a socketpair, the supervisor on the
 * other (mount/blockserver.h), with w's back end; w->kernel_fd and the
 * descriptors in w are handed to the supervisor (closed here). */
int attach_served(struct boot *b, struct nbd_watch *w)
{
	int sv[2], rc, index;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return nb_fail(&b->err, -errno, "nbd: socketpair: %s", strerror(errno));
	if ((rc = nbd_attach_pair(sv[0], w->size, w->flags, b->image_dev, sizeof(b->image_dev), &index, &b->err)) < 0) {
		close(sv[1]);
		return rc;
	}
	w->index = index;
	w->kernel_fd = sv[1];
	w->kmsg_fd = w->vlog_fd = -1;
	if (b->cfg.verity) {	/* the supervisor names the image offset of a block dm-verity refuses */
		if ((w->kmsg_fd = open("/dev/kmsg", O_RDONLY | O_CLOEXEC)) >= 0)
			lseek(w->kmsg_fd, 0, SEEK_END);	/* only what comes from now on */
		w->vlog_fd = open(RUN_DIR "/verity-errors", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	}
	int pid = nbd_supervisor_start(w, "/proc/self/exe", RUN_DIR "/nbd.log", &b->err);
	close(sv[1]);
	if (w->kmsg_fd >= 0)
		close(w->kmsg_fd);
	if (w->vlog_fd >= 0)
		close(w->vlog_fd);
	if (pid < 0) {
		struct errbuf ignored;
		nbd_detach(b->image_dev, &ignored);
		b->image_dev[0] = '\0';
		return pid;
	}
	if (shutdown_nbd_units(b) < 0)
		say("stage3", "%s: the supervisor will not hear of the shutdown: %s", b->image_dev, b->err.msg);
	bool named = !strstr(w->mirror[0], w->connect[0]);	/* a host name: say its address */
	say("stage3", "%s: served by %s (pid %d) from %s%s%s%s%s; log in %s/nbd.log", b->image_dev, NBD_SUPERVISOR_NAME,
	    pid, w->mirror[0], named ? " (" : "", named ? w->connect[0] : "", named ? ")" : "",
	    w->stream ? "" : ": a read that fails is retried on a new connection or the next mirror", RUN_DIR);
	return 0;
}

/* One NBD export read whole into a file in RAM: a sidecar of the image
 * (its verity tree or root hash), at most max bytes. */
static int fetch_export(struct boot *b, const struct url *u, const char *name, const char *path, uint64_t max)
{
	struct nbd_export x;
	static uint8_t chunk[1 << 20];
	int sock = nbd_connect(u->host, u->port, name, 10000, &x, &b->err), rc = 0;
	if (sock < 0)
		return sock;
	if (x.size > max) {
		nbd_disconnect(sock);
		return nb_fail(&b->err, -EFBIG, "nbd://%s:%u/%s: %llu bytes, more than a sidecar of this image can be (%llu)",
			       u->host, u->port, name, (unsigned long long)x.size, (unsigned long long)max);
	}
	int out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out < 0)
		rc = nb_fail(&b->err, -errno, "%s: %s", path, strerror(errno));
	for (uint64_t at = 0; rc == 0 && at < x.size;) {
		uint32_t n = x.size - at < sizeof(chunk) ? (uint32_t)(x.size - at) : (uint32_t)sizeof(chunk);
		if ((rc = nbd_read(sock, at, chunk, n, 10000, &b->err)) == 0 && write_full(out, chunk, n) < 0)
			rc = nb_fail(&b->err, -ENOSPC, "%s: %s", path, strerror(errno));
		at += n;
	}
	if (out >= 0 && close(out) != 0 && rc == 0)
		rc = nb_fail(&b->err, -errno, "%s: %s", path, strerror(errno));
	nbd_disconnect(sock);
	return rc;
}

/* NBD behind dm-verity: the tree, the root hash and (keys built in) its
 * signature are exports of the same server, named as the sidecars beside
 * a file: "sysrcd.verity", "sysrcd.roothash", "sysrcd.roothash.minisig"
 * for the export "sysrcd.dat" (or the default export). */
static int verity_nbd(struct boot *b, const struct url *u, uint64_t size, const char *shown)
{
	const char *base = b->cfg.nbd_export[0] ? b->cfg.nbd_export : "sysrcd.dat";
	char tree[NBD_NAME_MAX + 16], root[NBD_NAME_MAX + 16], sig[NBD_NAME_MAX + 32], dev[sizeof(b->image_dev)];
	int rc;
	if (verity_sidecar(base, ".verity", tree, sizeof(tree)) < 0 || verity_sidecar(base, ".roothash", root, sizeof(root)) < 0)
		return nb_fail(&b->err, -ENAMETOOLONG, "%s: export name too long", shown);
	snprintf(sig, sizeof(sig), "%s" SIG_SUFFIX, root);
	if (mkdir_p(MOUNT_DIR, 0755) < 0)
		return nb_fail(&b->err, -errno, "%s: %s", MOUNT_DIR, strerror(errno));
	/* the tree is 1/128 of the image, plus its upper levels and superblock */
	if ((rc = fetch_export(b, u, tree, VERITY_TREE_COPY, size / 100 + (1 << 20))) < 0 ||
	    (!b->cfg.verity_root[0] || b->keys.n ? (rc = fetch_export(b, u, root, MOUNT_DIR "/sysrcd.roothash", 4096)) < 0 : 0) ||
	    (b->keys.n && (rc = fetch_export(b, u, sig, MOUNT_DIR "/sysrcd.roothash" SIG_SUFFIX, 8192)) < 0))
		return rc;
	snprintf(dev, sizeof(dev), "%s", b->image_dev);
	return verity_attach(b, dev, VERITY_TREE_COPY, tree, MOUNT_DIR "/sysrcd.roothash", shown);
}

/* Stage 3 without a copy: the export is the squashfs, read block by block
 * through /dev/nbdN.  Mirrors in order, each with a few tries (the server
 * may still be starting); the seed's system has no checksum for NBD. */
static int attach_nbd(struct boot *b)
{
	const struct boot_config *c = &b->cfg;
	int rc = -EINVAL;

	if (c->image_path[0])
		return nb_fail(&b->err, -ENOTSUP, "the NBD export holds an image with %s inside: not supported; export the squashfs itself",
			       c->image_path);
	for (int i = 0; i < c->nurls; i++) {
		const struct url *u = &c->urls[i];
		char shown[URL_TEXT_MAX];
		struct nbd_export x;
		url_format(u, shown, sizeof(shown));
		for (int try = 1; try <= 4; try++) {
			int sock = nbd_connect(u->host, u->port, c->nbd_export, 10000, &x, &b->err);
			if (sock >= 0) {
				if (x.oldstyle && c->nbd_export[0])
					say("stage3", "%s: oldstyle NBD server (one export per port): export name '%s' ignored",
					    shown, c->nbd_export);
				int index = -1;
				struct nbd_watch w = { .upstream_fd = sock, .cache_fd = -1, .state_fd = -1, .size = x.size,
						       .flags = x.flags, .timeout_ms = c->nbd_timeout * 1000,
						       .console_fd = -1, .log_fd = -1 };
				if (c->docache)	/* read once and let go: the kernel reads the server directly */
					rc = nbd_attach(sock, x.size, x.flags, b->image_dev, sizeof(b->image_dev), &index,
							&b->err);
				else if ((rc = supervisor_mirrors(b, &w, i, x.oldstyle ? "" : c->nbd_export)) == 0)
					rc = attach_served(b, &w);
				if (!c->docache)
					close(sock);
				if (rc < 0)
					return rc;
				say("stage3", "%s: %s export '%s', %llu MiB, on %s: %s", shown,
				    x.oldstyle ? "oldstyle" : "newstyle", x.oldstyle ? "" : c->nbd_export,
				    (unsigned long long)(x.size >> 20), b->image_dev,
				    c->docache ? "copying it into RAM (docache)" : "read over the network, not copied");
				if (c->docache)
					return cache_nbd(b, x.size);
				if (c->verity && (rc = verity_nbd(b, u, x.size, shown)) < 0) {
					struct errbuf ignored;	/* a refused mirror: the next one, as for NFS */
					nbd_detach(b->image_dev, &ignored);
					b->image_dev[0] = '\0';
					if (i + 1 < c->nurls)
						say("stage3", "%s; trying the next mirror (%d of %d)", b->err.msg, i + 2, c->nurls);
					break;
				}
				return 0;
			}
			rc = sock;
			if (rc != -ECONNREFUSED && rc != -ETIMEDOUT && rc != -EHOSTUNREACH && rc != -EAGAIN)
				break;
			say("stage3", "%s; try %d of 4", b->err.msg, try);
			sleep((unsigned)try);
		}
	}
	return rc;
}

/* docache over NFS: the image copied into RAM and the copy verified (want
 * NULL: nocheck or no checksum file), then the folder unmounted. */
static int cache_nfs(struct boot *b, const char *shown, const struct expected_digest *want, const char *source)
{
	const char *name = url_base_name(b->cfg.image_path);
	char src[sizeof(b->image_path)];
	struct stat st;
	struct hash_ctx h;
	uint8_t got[HASH_MAX_DIGEST];
	uint64_t t0 = monotonic_ns();
	int rc;

	memcpy(src, b->image_path, sizeof(src));
	if (stat(src, &st) < 0)
		return nb_fail(&b->err, -errno, "%s: %s: %s", shown, b->cfg.image_path, strerror(errno));
	if (want)
		hash_init(&h, want->algo);
	if ((rc = copy_to_ram(b, src, (uint64_t)st.st_size, name, want ? &h : NULL)) < 0)
		return rc;
	if (want && (rc = verify_digest(b->image_path, want, got, hash_final(&h, got), source, &b->err)) < 0) {
		drop_copy(b);
		return rc;
	}
	nfs_unmount(NFS_DIR);
	if (want)
		say("stage3", "%s: the copy of %s %s verified against %s while copying, in %.2f s; NFS unmounted, the "
		    "server is no longer needed", shown, b->cfg.image_path, hash_name(want->algo), source,
		    seconds_since(t0));
	else
		say("stage3", "%s: the copy of %s NOT verified (%s); NFS unmounted, the server is no longer needed", shown,
		    b->cfg.image_path, b->cfg.check == CHECK_SKIP ? "nocheck" : "no checksum file for this form");
	return 0;
}

/* A signed image on NFS: the signature beside it checked first (key,
 * trusted comment), then the image copied into RAM and the copy verified,
 * then the folder unmounted.  Never loop-mounted from NFS: the server could
 * change the file after it was read. */
static int nfs_signed(struct boot *b, const char *shown)
{
	const struct boot_config *c = &b->cfg;
	const char *name = url_base_name(c->image_path);
	char sig_path[sizeof(b->image_path) + sizeof(SIG_SUFFIX)];
	struct minisig sig;
	uint8_t digest[HASH_MAX_DIGEST];
	char keyid[2 * MINISIG_KEYID_LEN + 1], comment[MINISIG_COMMENT_MAX + 1];
	struct stat st;
	struct hash_ctx h;
	uint64_t t0 = monotonic_ns();
	int rc;

	snprintf(sig_path, sizeof(sig_path), "%s" SIG_SUFFIX, b->image_path);
	if ((rc = read_signature_file(sig_path, &b->keys, &sig, &b->err)) < 0)
		return rc;
	char src[sizeof(b->image_path)];	/* copy_to_ram points b->image_path at the copy */
	memcpy(src, b->image_path, sizeof(src));
	if (stat(src, &st) < 0)
		return nb_fail(&b->err, -errno, "%s: %s: %s", shown, c->image_path, strerror(errno));
	hash_init(&h, HASH_BLAKE2B);
	if ((rc = copy_to_ram(b, src, (uint64_t)st.st_size, name, &h)) < 0)
		return rc;
	hash_final(&h, digest);
	if ((rc = sig_check_digest(&b->keys, &sig, digest, name, sig_path, &b->err)) < 0) {
		drop_copy(b);
		return rc;
	}
	nfs_unmount(NFS_DIR);
	minisig_keyid_hex(sig.keyid, keyid);
	sig_comment(&sig, comment, sizeof(comment));
	signature_verified(name, sig_path, keyid, comment);
	say("stage3", "%s: the copy of %s verified in %.2f s, while copying (signed images on NFS are always copied); NFS unmounted",
	    shown, c->image_path, seconds_since(t0));
	return 0;
}

/* One NFS mirror: mount its folder and check the image there (the seed's
 * rule: md5 is mandatory for NFS too) by one streaming read.  The checksum
 * file sits beside the image, in subdir= if given.  On failure the folder
 * is unmounted again, so the next mirror can use the mount point. */
static int nfs_mirror(struct boot *b, const struct url *u)
{
	const struct boot_config *c = &b->cfg;
	char ip[INET6_ADDRSTRLEN], shown[URL_TEXT_MAX], sum_path[600], source[URL_TEXT_MAX + 300];
	struct expected_digest want;
	const char *slash = strrchr(c->image_path, '/');
	int dirlen = slash ? (int)(slash - c->image_path) + 1 : 0, rc;

	url_format(u, shown, sizeof(shown));
	/* the kernel takes one address: of a name's several, the one whose NFS
	 * port answers (IPv6 first, RFC 8305; tcp_connect may bring IPv6 up) */
	if ((rc = tcp_connect_peer(u->host, u->port, NFS_PROBE_MS, ip, sizeof(ip), &b->err)) < 0)
		return rc;
	close(rc);
	if (!ip[0])
		return nb_fail(&b->err, -EADDRNOTAVAIL, "%s: the address that answered cannot be written out", shown);
	if ((rc = nfs_mount_v3(ip, u->port, u->path, NFS_DIR, &b->err)) < 0)
		return rc;
	snprintf(b->image_path, sizeof(b->image_path), "%s/%s", NFS_DIR, c->image_path);
	if (c->verity) {	/* every block checked as the kernel reads it: no copy, signed or not */
		char tree[sizeof(b->image_path) + 16], root[sizeof(b->image_path) + 16];
		if (verity_sidecar(b->image_path, ".verity", tree, sizeof(tree)) < 0 ||
		    verity_sidecar(b->image_path, ".roothash", root, sizeof(root)) < 0)
			rc = nb_fail(&b->err, -ENAMETOOLONG, "%s: %s: path too long", shown, c->image_path);
		else
			rc = verity_attach(b, b->image_path, tree, url_base_name(tree), root, shown);
		if (rc < 0)
			goto fail;
		return 0;
	}
	if (b->keys.n) {
		if ((rc = nfs_signed(b, shown)) < 0)
			goto fail;
		return 0;
	}
	if (c->checksum_arg[0]) {
		if ((rc = checksum_arg_parse(c->checksum_arg, strlen(c->checksum_arg), &want, &b->err)) < 0)
			goto fail;
		snprintf(source, sizeof(source), "checksum= argument");
	} else if (c->check != CHECK_SKIP && c->sum_name[0]) {
		snprintf(sum_path, sizeof(sum_path), "%s/%.*s%s", NFS_DIR, dirlen, c->image_path, c->sum_name);
		if ((rc = read_checksum_file(sum_path, url_base_name(c->image_path), &want, &b->err)) < 0)
			goto fail;
		bool v6 = strchr(u->host, ':') != NULL;	/* a literal: [2001:db8::1]:/path */
		snprintf(source, sizeof(source), "%s%s%s:%s/%.*s%s", v6 ? "[" : "", u->host, v6 ? "]" : "", u->path, dirlen,
			 c->image_path, c->sum_name);
	} else {
		source[0] = '\0';
	}
	if (c->docache) {
		if ((rc = cache_nfs(b, shown, source[0] ? &want : NULL, source)) < 0)
			goto fail;
		return 0;
	}
	if (!source[0]) {
		say("stage3", "%s: %s on NFS, NOT verified (%s)", shown, c->image_path,
		    c->check == CHECK_SKIP ? "nocheck" : "no checksum file for this form");
		return 0;
	}
	uint64_t t0 = monotonic_ns();
	if ((rc = verify_file(b->image_path, &want, source, &b->err)) < 0)
		goto fail;
	say("stage3", "%s: %s on NFS, %s verified against %s in %.2f s (read once, not copied)", shown, c->image_path,
	    hash_name(want.algo), source, seconds_since(t0));
	return 0;
fail:
	nfs_unmount(NFS_DIR);
	return rc;
}

/* Stage 3 over NFSv3: the mirrors in order, the first whose folder mounts
 * and whose image verifies is used; it is loop-mounted from there, nothing
 * is kept in RAM. */
static int mount_nfs(struct boot *b)
{
	const struct boot_config *c = &b->cfg;
	char shown[URL_TEXT_MAX];
	int rc = -EINVAL;

	url_format(&c->urls[0], shown, sizeof(shown));
	if (!c->image_path[0])
		return nb_fail(&b->err, -ENOTSUP, "%s: an NFS folder that is the root file system itself is not supported; "
			       "serve a folder holding sysrcd.dat", shown);
	for (int i = 0; i < c->nurls; i++) {
		if ((rc = nfs_mirror(b, &c->urls[i])) == 0)
			return 0;
		if (i + 1 < c->nurls)
			say("stage3", "%s; trying the next mirror (%d of %d)", b->err.msg, i + 2, c->nurls);
	}
	return rc;
}

int fetch_root_image(struct boot *b)
{
	int rc = resolve_boot_server(b);
	if (rc < 0 || (rc = load_signing_keys(b)) < 0)
		return rc;
	/* the kernel reads an NBD export block by block long after any check:
	 * a server could serve other blocks than the ones verified */
	if (b->keys.n && b->cfg.source == SOURCE_NBD && (!b->cfg.verity || b->cfg.docache))
		return nb_fail(&b->err, -ENOTSUP, "signing keys are built in, and an NBD export cannot be verified by one "
			       "read: the kernel reads it block by block after any check, so the server could change it; "
			       "add verity, without docache (dm-verity checks every block, with a signed "
			       "sysrcd.roothash), or boot signed images over HTTP, TFTP or NFS");
	if (b->cfg.verity && b->cfg.source == SOURCE_NBD && b->cfg.docache)
		say("stage3", "verity: ignored with docache: the copy in RAM is checked against the export's size only");
	if (b->cfg.stream && b->cfg.source != SOURCE_HTTP) {
		say("stage3", "stream: only for http:// and https:// images (it needs Range requests); ignored");
		b->cfg.stream = false;
	}
	if (b->cfg.verity && !b->cfg.stream && (b->cfg.source == SOURCE_HTTP || b->cfg.source == SOURCE_TFTP))
		say("stage3", "verity: ignored for a copy into RAM, which its checksum (or signature) verifies whole");
	if (b->cfg.jitter) {	/* once, before the first request of stage 3 */
		unsigned ms = jitter_ms((unsigned)b->cfg.jitter, jitter_random());
		say("stage3", "jitter: waiting %u.%03u s (random, up to netboot.jitter=%d s) before the first request",
		    ms / 1000, ms % 1000, b->cfg.jitter);
		jitter_sleep(ms);
	}
	switch (b->cfg.source) {
	case SOURCE_HTTP:
		return b->cfg.stream ? stream_root(b) : fetch_copy(b);
	case SOURCE_TFTP:
		return fetch_copy(b);
	case SOURCE_NBD:
		return attach_nbd(b);
	case SOURCE_NFS:
		return mount_nfs(b);
	default:
		return nb_fail(&b->err, -EINVAL, "no stage-3 source");
	}
}

int mount_root_image(struct boot *b)
{
	uint64_t t0 = monotonic_ns();
	bool writable;
	int rc, loop = -1;

	if (!b->image_dev[0] && (loop = loop_attach(b->image_path, b->image_dev, sizeof(b->image_dev), &b->err)) < 0)
		return loop;
	rc = rootfs_assemble(b->image_dev, LOWER_DIR, RW_DIR, NEWROOT, &writable, &b->err);
	if (loop >= 0)
		close(loop);	/* mounted (or failed): autoclear may now act */
	if (rc < 0)
		return rc;
	/* the resolver configuration the network stage wrote, for the booted system */
	struct errbuf ignored;
	rootfs_copy_in("/etc/resolv.conf", RUN_DIR "/resolv.conf", &ignored);
	if (writable && rootfs_copy_in("/etc/resolv.conf", NEWROOT "/etc/resolv.conf", &ignored) < 0)
		say("mount", "could not copy resolv.conf into the new root: %s", ignored.msg);
	say("mount", "%s on %s, squashfs%s%s%s, in %.2f s", b->image_dev, NEWROOT,
	    writable ? " + tmpfs overlay (writable)" : " (read-only: ", writable ? "" : b->err.msg,
	    writable ? "" : ")", seconds_since(t0));
	return 0;
}

/* The timeline on the console and in RUN_DIR/timeline, which the booted
 * system finds under /run (switch_root moves /run). */
static void report_timeline(struct boot *b)
{
	char line[512], keys[512];
	uint64_t now = monotonic_ns();

	timeline_line(&b->timeline, now, line, sizeof(line));
	timeline_keys(&b->timeline, now, keys, sizeof(keys));
	say("timeline", "%s", line);
	int fd = open(RUN_DIR "/timeline", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t len = strlen(keys);
	if (fd < 0 || write(fd, keys, len) != (ssize_t)len)
		say("timeline", "%s/timeline: %s", RUN_DIR, strerror(errno));
	if (fd >= 0)
		close(fd);
}

/* RUN_DIR/image and the others under the names they had before MOUNT_DIR */
static void link_old_names(void)
{
	static const char *const names[] = { "image", "lower", "rw", "nfs" };
	char target[128], link[128];
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(target, sizeof(target), MOUNT_DIR "/%s", names[i]);
		snprintf(link, sizeof(link), RUN_DIR "/%s", names[i]);
		if (access(target, F_OK) == 0)
			symlink(target, link);
	}
}

int enter_root(struct boot *b)
{
	const char *init = b->cfg.init[0] ? b->cfg.init : "/sbin/init";
	report_timeline(b);
	link_old_names();
	if (shutdown_prepare(b) < 0)	/* the boot goes on: only a clean power-off is lost */
		say("switch_root", "no shutdown program for systemd: %s", b->err.msg);
	if (b->cfg.minishell)
		run_shell("netboot: minishell: the root image is mounted on " NEWROOT "; exit to continue the boot");
	say("switch_root", "exec %s, %.2f s after start", init, seconds_since(b->t0_ns));
	return switch_root(NEWROOT, init, &b->err);
}
