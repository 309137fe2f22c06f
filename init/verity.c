/* An image behind dm-verity: with `verity` or checksum=verity:HEX, the image
 * on NFS is not read through once and then trusted; the kernel checks every
 * block against the hash tree as it reads it, so the server cannot change a
 * block after the check, and a block that fails is an I/O error for that
 * read only.  The tree (<stem>.verity, veritysetup's format) is copied into
 * RAM (1/128 of the image) and its top block checked against the root hash
 * before anything is mounted: a tree for another image, or a wrong root, is
 * refused here.  The root comes from checksum=verity:HEX, or from the
 * server's <stem>.roothash, which with keys built in must carry a good
 * minisign signature: then signed images need no copy in RAM either. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/fs.h>
#include <unistd.h>
#include "fetch/hash.h"
#include "fetch/verify.h"
#include "fetch/verity.h"
#include "init/boot.h"
#include "mount/dm_verity.h"
#include "mount/loop.h"
#include "netboot/read_file.h"


/* The root hash from <stem>.roothash, which with keys built in must be
 * signed: the signature covers the file's bytes as minisign signs any file. */
static int root_from_server(struct boot *b, const char *path, uint8_t root[VERITY_DIGEST])
{
	char text[256], sig_path[600];
	ssize_t n = read_file_up_to(path, text, sizeof(text) - 1);
	if (n < 0)
		return nb_fail(&b->err, (int)n, "%s: %s (verity needs the root hash beside the image, or "
			       "checksum=verity:HEX)", path, strerror((int)-n));
	text[n] = '\0';
	if (b->keys.n) {
		struct minisig sig;
		uint8_t digest[HASH_MAX_DIGEST];
		struct hash_ctx h;
		int rc;
		snprintf(sig_path, sizeof(sig_path), "%s" SIG_SUFFIX, path);
		if ((rc = read_signature_file(sig_path, &b->keys, &sig, &b->err)) < 0)
			return rc;
		hash_init(&h, HASH_BLAKE2B);
		hash_update(&h, text, (size_t)n);
		hash_final(&h, digest);
		if ((rc = sig_check_digest(&b->keys, &sig, digest, url_base_name(path), sig_path, &b->err)) < 0)
			return rc;
		char keyid[2 * MINISIG_KEYID_LEN + 1], comment[MINISIG_COMMENT_MAX + 1];
		minisig_keyid_hex(sig.keyid, keyid);
		sig_comment(&sig, comment, sizeof(comment));
		signature_verified(url_base_name(path), sig_path, keyid, comment);
	}
	return verity_root_parse(text, (size_t)n, root, &b->err);
}

static int read_exact_at(int fd, uint8_t *buf, size_t len, off_t at)
{
	for (size_t got = 0; got < len;) {
		ssize_t r = pread(fd, buf + got, len - got, at + (off_t)got);
		if (r <= 0)
			return r < 0 ? -errno : -EIO;
		got += (size_t)r;
	}
	return 0;
}

/* The tree's top block (or, for a one-block image, the block itself) must
 * hash to the root. */
static int check_top(int tree_fd, int data_fd, const struct verity_params *p, const struct verity_geometry *g,
		     const uint8_t root[VERITY_DIGEST], uint8_t *block)
{
	int rc = g->levels ? read_exact_at(tree_fd, block, p->hash_block_size, (off_t)g->offset[g->levels - 1])
			   : read_exact_at(data_fd, block, p->data_block_size, 0);
	if (rc < 0)
		return rc;
	uint8_t got[VERITY_DIGEST];
	verity_digest(p, block, g->levels ? p->hash_block_size : p->data_block_size, got);
	return memcmp(got, root, VERITY_DIGEST) ? -EBADMSG : 0;
}

/* The tree into RAM: dm-verity reads it from a block device, and a copy the
 * server cannot change keeps a failing tree block from failing later reads. */
static int copy_tree(int tree_fd, uint64_t size, uint8_t *buf, size_t buflen, struct errbuf *e)
{
	int out = open(VERITY_TREE_COPY, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600), rc = 0;
	if (out < 0)
		return nb_fail(e, -errno, "%s: %s", VERITY_TREE_COPY, strerror(errno));
	for (uint64_t at = 0; at < size && rc == 0;) {
		size_t n = size - at < buflen ? (size_t)(size - at) : buflen;
		if ((rc = read_exact_at(tree_fd, buf, n, (off_t)at)) == 0 && write(out, buf, n) != (ssize_t)n)
			rc = -ENOSPC;
		at += n;
	}
	if (close(out) != 0 && rc == 0)
		rc = -errno;
	if (rc < 0) {
		unlink(VERITY_TREE_COPY);
		return nb_fail(e, rc, "copying the verity tree into RAM: %s", strerror(-rc));
	}
	return 0;
}

/* The parameters of the tree at tree_fd, checked against the image's size. */
static int tree_params(struct boot *b, int tree_fd, const char *tree_name, uint64_t image_size,
		       struct verity_params *p, struct verity_geometry *g)
{
	uint8_t sb[VERITY_SB_SIZE];
	struct stat st;
	int rc;
	if ((rc = read_exact_at(tree_fd, sb, sizeof(sb), 0)) < 0)
		return nb_fail(&b->err, rc, "%s: reading its superblock: %s", tree_name, strerror(-rc));
	if ((rc = verity_sb_parse(sb, sizeof(sb), p, &b->err)) < 0 || (rc = verity_geometry(p, g, &b->err)) < 0) {
		char why[sizeof(b->err.msg)];
		snprintf(why, sizeof(why), "%s", b->err.msg);
		return nb_fail(&b->err, rc, "%s: %s", tree_name, why);
	}
	if (p->data_blocks * p->data_block_size != image_size - image_size % p->data_block_size)
		return nb_fail(&b->err, -EBADMSG, "%s covers %llu bytes, but the image is %llu: a tree for another image",
			       tree_name, (unsigned long long)(p->data_blocks * p->data_block_size),
			       (unsigned long long)image_size);
	if (fstat(tree_fd, &st) < 0 || (uint64_t)st.st_size < g->file_size)
		return nb_fail(&b->err, -EBADMSG, "%s is %lld bytes, its superblock says %llu: cut short", tree_name,
			       (long long)st.st_size, (unsigned long long)g->file_size);
	return 0;
}

/* What the booted system can read about it: RUN_DIR/verity. */
static void verity_handover(const char *root_hex, const char *source, const char *dev)
{
	int fd = open(RUN_DIR "/verity", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	dprintf(fd, "# the root image is read through dm-verity, see docs/trust.md\nROOTHASH=%s\nDEVICE=%s\n"
		    "ROOTHASH_FROM=%s\n", root_hex, dev, source);
	close(fd);
}

int verity_attach(struct boot *b, const char *image, const char *tree_path, const char *tree_name,
		  const char *roothash_path, const char *shown)
{
	static uint8_t buf[64 * 1024];	/* a hash block (at most 64 KiB), then the copy's chunks */
	struct verity_params p;
	struct verity_geometry g;
	uint8_t root[VERITY_DIGEST];
	char root_hex[2 * VERITY_DIGEST + 1], source[700], tree_dev[64], data_dev[64], dm_dev[64];
	struct stat st;
	uint64_t t0 = monotonic_ns();
	int rc, tree_loop = -1, data_loop = -1;

	/* with keys built in, only a signed root counts: the command line
	 * comes over the same network as the image (docs/trust.md) */
	if (b->cfg.verity_root[0] && b->keys.n)
		say("stage3", "checksum=verity: ignored: signing keys are built in, so the root hash must be signed "
		    "(%s.minisig)", url_base_name(roothash_path));
	if (b->cfg.verity_root[0] && !b->keys.n) {
		verity_root_parse(b->cfg.verity_root, strlen(b->cfg.verity_root), root, &b->err);
		snprintf(source, sizeof(source), "checksum= argument");
	} else {
		if ((rc = root_from_server(b, roothash_path, root)) < 0)
			return rc;
		snprintf(source, sizeof(source), "%s%s", roothash_path, b->keys.n ? " (signed)" : "");
	}
	verity_root_hex(root, root_hex);
	int tree_fd = open(tree_path, O_RDONLY | O_CLOEXEC), data_fd = open(image, O_RDONLY | O_CLOEXEC);
	if (tree_fd < 0 || data_fd < 0) {
		rc = nb_fail(&b->err, -errno, "%s: %s", tree_fd < 0 ? tree_path : image, strerror(errno));
		goto out;
	}
	uint64_t image_size = 0;
	if (fstat(data_fd, &st) < 0 || (S_ISBLK(st.st_mode) && ioctl(data_fd, BLKGETSIZE64, &image_size) < 0)) {
		rc = nb_fail(&b->err, -errno, "%s: %s", image, strerror(errno));
		goto out;
	}
	bool device = S_ISBLK(st.st_mode);	/* an NBD device: dm-verity sits on it directly */
	if (!device)
		image_size = (uint64_t)st.st_size;
	if ((rc = tree_params(b, tree_fd, tree_name, image_size, &p, &g)) < 0)
		goto out;
	if ((rc = check_top(tree_fd, data_fd, &p, &g, root, buf)) < 0) {
		rc = rc == -EBADMSG ? nb_fail(&b->err, rc, "%s does not match the root hash %.16s... from %s: the tree is "
					      "for another image, or was altered", tree_name, root_hex, source)
				    : nb_fail(&b->err, rc, "%s: %s", tree_name, strerror(-rc));
		goto out;
	}
	if (strcmp(tree_path, VERITY_TREE_COPY) && (rc = copy_tree(tree_fd, g.file_size, buf, sizeof(buf), &b->err)) < 0)
		goto out;
	if (device)
		snprintf(data_dev, sizeof(data_dev), "%s", image);
	if ((tree_loop = loop_attach(VERITY_TREE_COPY, tree_dev, sizeof(tree_dev), &b->err)) < 0 ||
	    (!device && (data_loop = loop_attach(image, data_dev, sizeof(data_dev), &b->err)) < 0)) {
		rc = tree_loop < 0 ? tree_loop : data_loop;
		goto out;
	}
	if ((rc = dm_verity_create(DM_VERITY_ROOT_NAME, data_dev, tree_dev, &p, root, dm_dev, sizeof(dm_dev), &b->err)) < 0)
		goto out;
	snprintf(b->image_dev, sizeof(b->image_dev), "%s", dm_dev);
	verity_handover(root_hex, source, dm_dev);
	say("stage3", "%s: %s behind dm-verity (%s over %s): every block checked as it is read against root hash "
	    "%.16s... from %s; tree of %llu blocks in RAM, set up in %.2f s, not copied", shown,
	    b->cfg.image_path[0] ? b->cfg.image_path : "the export", dm_dev, data_dev, root_hex, source,
	    (unsigned long long)g.file_size / p.hash_block_size, seconds_since(t0));
out:
	/* the device-mapper table holds both loop devices now: autoclear acts
	 * when it lets go */
	if (tree_loop >= 0)
		close(tree_loop);
	if (data_loop >= 0)
		close(data_loop);
	if (tree_fd >= 0)
		close(tree_fd);
	if (data_fd >= 0)
		close(data_fd);
	return rc;
}
