/* A whole dm-verity hash file for an image on disk.  Level 0, one digest
 * per data block, is nearly all the work, and unlike one SHA-256 over the
 * whole file its blocks are independent: each thread hashes its own run of
 * blocks into its own slots.  The levels above are 1/128 of that and are
 * done on one thread.  Host only (the server's sidecars, `netboot verity`):
 * /init never builds a tree. */
#include "fetch/verity.h"
#include "fetch/hash.h"
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#define VERITY_READ_CHUNK (1u << 20)
#define VERITY_MAX_THREADS 64

struct leaf_job {
	const struct verity_params *p;
	int fd;
	uint64_t first, end;	/* data blocks [first, end) */
	uint8_t *level0;	/* the level's start in the tree buffer */
	int err;		/* errno of a failed read, 0 if none */
	uint64_t err_at;	/* the byte offset it failed at */
};

static void *hash_leaves(void *arg)
{
	struct leaf_job *j = arg;
	const struct verity_params *p = j->p;
	uint32_t bs = p->data_block_size, per = p->hash_block_size / VERITY_DIGEST;
	size_t chunk_blocks = VERITY_READ_CHUNK / bs ? VERITY_READ_CHUNK / bs : 1;
	uint8_t *buf = malloc(chunk_blocks * bs);
	struct hash_ctx salted;
	verity_salted(p, &salted);
	if (!buf) {
		j->err = ENOMEM;
		return NULL;
	}
	for (uint64_t b = j->first; b < j->end;) {
		size_t n = j->end - b < chunk_blocks ? (size_t)(j->end - b) : chunk_blocks;
		size_t want = n * bs, got = 0;
		while (got < want) {
			ssize_t r = pread(j->fd, buf + got, want - got, (off_t)(b * bs + got));
			if (r <= 0) {
				j->err = r < 0 ? errno : EIO;	/* 0: the file shrank under us */
				j->err_at = b * bs + got;
				free(buf);
				return NULL;
			}
			got += (size_t)r;
		}
		for (size_t i = 0; i < n; i++, b++)
			verity_digest_from(&salted, buf + i * bs, bs,
					   j->level0 + b / per * p->hash_block_size + b % per * VERITY_DIGEST);
	}
	free(buf);
	return NULL;
}

/* Level 0 on `threads` threads, each over a contiguous run of blocks. */
static int hash_level0(int fd, const struct verity_params *p, uint8_t *level0, int threads, struct errbuf *e)
{
	struct leaf_job jobs[VERITY_MAX_THREADS];
	pthread_t tid[VERITY_MAX_THREADS];
	bool started[VERITY_MAX_THREADS] = { false };
	uint64_t n = p->data_blocks, per_thread = (n + (uint64_t)threads - 1) / (uint64_t)threads;
	for (int t = 0; t < threads; t++) {
		uint64_t first = per_thread * (uint64_t)t;
		jobs[t] = (struct leaf_job){ .p = p, .fd = fd, .first = first < n ? first : n,
					     .end = first + per_thread < n ? first + per_thread : n, .level0 = level0 };
		/* thread 0 is this one: a one-thread build starts none */
		if (t > 0)
			started[t] = pthread_create(&tid[t], NULL, hash_leaves, &jobs[t]) == 0;
	}
	hash_leaves(&jobs[0]);
	for (int t = 1; t < threads; t++) {
		if (started[t])
			pthread_join(tid[t], NULL);
		else
			hash_leaves(&jobs[t]);	/* no thread to be had: do its share here */
	}
	for (int t = 0; t < threads; t++)
		if (jobs[t].err)
			return nb_fail(e, -jobs[t].err, "verity: reading the image at byte %llu: %s",
				       (unsigned long long)jobs[t].err_at, strerror(jobs[t].err));
	return 0;
}

static int write_all_at(int fd, const uint8_t *p, size_t len, off_t at)
{
	while (len) {
		ssize_t w = pwrite(fd, p, len, at);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w, len -= (size_t)w, at += w;
	}
	return 0;
}

/* A random UUID (version 4) and, unless the caller chose one, a 32-byte
 * random salt, as veritysetup makes them. */
static bool uuid_set(const struct verity_params *p);

static int fill_random(struct verity_params *p, struct errbuf *e)
{
	uint8_t salt[32];
	bool want_uuid = !uuid_set(p);
	if ((want_uuid && getrandom(p->uuid, sizeof(p->uuid), 0) != (ssize_t)sizeof(p->uuid)) ||
	    (p->salt_size == 0 && getrandom(salt, sizeof(salt), 0) != (ssize_t)sizeof(salt)))
		return nb_fail(e, -EIO, "verity: getrandom: %s", strerror(errno));
	if (want_uuid) {
		p->uuid[6] = (uint8_t)((p->uuid[6] & 0x0f) | 0x40);
		p->uuid[8] = (uint8_t)((p->uuid[8] & 0x3f) | 0x80);
	}
	if (p->salt_size == 0) {
		memcpy(p->salt, salt, sizeof(salt));
		p->salt_size = sizeof(salt);
	}
	return 0;
}

static bool uuid_set(const struct verity_params *p)
{
	for (size_t i = 0; i < sizeof(p->uuid); i++)
		if (p->uuid[i])
			return true;
	return false;
}

int verity_build_file(int data_fd, int hash_fd, struct verity_params *p, int threads,
		      uint8_t root[VERITY_DIGEST], struct errbuf *e)
{
	struct stat st;
	if (fstat(data_fd, &st) != 0)
		return nb_fail(e, -errno, "verity: the image: %s", strerror(errno));
	if (!p->data_block_size)
		p->data_block_size = 4096;
	if (!p->hash_block_size)
		p->hash_block_size = 4096;
	if (st.st_size <= 0 || (uint64_t)st.st_size % p->data_block_size)
		return nb_fail(e, -EINVAL, "verity: the image is %lld bytes, not a whole number of %u-byte blocks "
			       "(mksquashfs pads to 4 KiB unless told -nopad)", (long long)st.st_size, p->data_block_size);
	p->data_blocks = (uint64_t)st.st_size / p->data_block_size;
	struct verity_geometry g;
	int rc = verity_geometry(p, &g, e);
	if (rc < 0)
		return rc;
	if (!uuid_set(p) || p->salt_size == 0)
		if ((rc = fill_random(p, e)) < 0)
			return rc;
	if (threads <= 0) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		threads = cpus > 0 ? (int)cpus : 1;
	}
	if (threads > VERITY_MAX_THREADS)
		threads = VERITY_MAX_THREADS;
	if ((uint64_t)threads > p->data_blocks)
		threads = (int)p->data_blocks;

	size_t area = (size_t)(g.file_size - p->hash_block_size);
	uint8_t *tree = calloc(1, area ? area : 1);
	if (!tree)
		return nb_fail(e, -ENOMEM, "verity: %zu bytes for the tree: out of memory", area);
	if (g.levels == 0) {	/* one data block: its digest is the root */
		uint8_t *block = malloc(p->data_block_size);
		ssize_t r = block ? pread(data_fd, block, p->data_block_size, 0) : -1;
		if (r == (ssize_t)p->data_block_size)
			verity_digest(p, block, p->data_block_size, root);
		free(block);
		if (r != (ssize_t)p->data_block_size) {
			free(tree);
			return nb_fail(e, -EIO, "verity: reading the image's one block failed");
		}
	} else {
		uint64_t base = g.offset[g.levels - 1];
		rc = hash_level0(data_fd, p, tree + (g.offset[0] - base), threads, e);
		if (rc == 0)
			verity_build_upper(p, &g, tree, root);
	}
	uint8_t *first = calloc(1, p->hash_block_size);
	if (rc == 0 && !first)
		rc = nb_fail(e, -ENOMEM, "verity: out of memory");
	if (rc == 0) {
		verity_sb_encode(p, first);
		if ((rc = write_all_at(hash_fd, first, p->hash_block_size, 0)) == 0 &&
		    (rc = write_all_at(hash_fd, tree, area, (off_t)p->hash_block_size)) == 0 &&
		    ftruncate(hash_fd, (off_t)g.file_size) != 0)
			rc = -errno;
		if (rc < 0)
			nb_fail(e, rc, "verity: writing the hash file: %s", strerror(-rc));
	}
	free(first);
	free(tree);
	return rc;
}
