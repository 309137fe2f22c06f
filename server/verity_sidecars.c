/* dm-verity sidecars beside an image: see verity_sidecars.h.  The tree is
 * hashed on every core (fetch/verity_build.c): about 0.4 s per GiB here. */
#include "server/verity_sidecars.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fetch/verity.h"
#include "netboot/clock.h"
#include "server/write_atomic.h"

static bool older_or_missing(int dir_fd, const char *name, const struct stat *img)
{
	struct stat st;
	return fstatat(dir_fd, name, &st, 0) < 0 || st.st_mtim.tv_sec < img->st_mtim.tv_sec ||
	       (st.st_mtim.tv_sec == img->st_mtim.tv_sec && st.st_mtim.tv_nsec < img->st_mtim.tv_nsec);
}


int verity_sidecars_write(int dir_fd, const char *image, bool force, char *note, size_t notelen, struct errbuf *e)
{
	char tree[160], root[160], tmp[200], hex[2 * VERITY_DIGEST + 1];
	struct stat img;
	note[0] = '\0';
	if (verity_sidecar(image, ".verity", tree, sizeof(tree)) < 0 || verity_sidecar(image, ".roothash", root, sizeof(root)) < 0)
		return nb_fail(e, -ENAMETOOLONG, "%s: name too long for its sidecars", image);
	int data = openat(dir_fd, image, O_RDONLY | O_CLOEXEC);
	if (data < 0 || fstat(data, &img) < 0 || !S_ISREG(img.st_mode)) {
		if (data >= 0)
			close(data);
		return 0;	/* no image here: nothing to describe */
	}
	if (!force && !older_or_missing(dir_fd, tree, &img) && !older_or_missing(dir_fd, root, &img)) {
		close(data);
		return 0;
	}
	if (img.st_size <= 0 || img.st_size % 4096) {
		close(data);
		snprintf(note, notelen, "%s: %lld bytes, not a whole number of 4 KiB blocks: no dm-verity sidecars "
			 "(mksquashfs pads to 4 KiB unless told -nopad)", image, (long long)img.st_size);
		return 0;
	}
	snprintf(tmp, sizeof(tmp), ".%s.tmp", tree);
	int hash = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (hash < 0) {
		int err = errno;
		close(data);
		return nb_fail(e, -err, "%s: cannot write: %s", tree, strerror(err));
	}
	struct verity_params p = { 0 };
	uint8_t digest[VERITY_DIGEST];
	long long t0 = monotonic_ms();
	int rc = verity_build_file(data, hash, &p, 0, digest, e);
	close(data);
	if (close(hash) != 0 && rc == 0)
		rc = nb_fail(e, -EIO, "%s: cannot write", tree);
	if (rc == 0 && renameat(dir_fd, tmp, dir_fd, tree) < 0)
		rc = nb_fail(e, -errno, "%s: cannot write: %s", tree, strerror(errno));
	if (rc < 0) {
		unlinkat(dir_fd, tmp, 0);
		return rc;
	}
	verity_root_hex(digest, hex);
	char line[2 * VERITY_DIGEST + 2];
	snprintf(line, sizeof(line), "%s\n", hex);
	if ((rc = write_atomic(dir_fd, root, line, e)) < 0)
		return rc;
	long long ms = monotonic_ms() - t0;
	snprintf(note, notelen, "wrote %s and %s (root %.16s..., %llu blocks in %lld.%03lld s)", tree, root, hex,
		 (unsigned long long)p.data_blocks, ms / 1000, ms % 1000);
	return 1;
}
