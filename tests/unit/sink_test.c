/* fetch/sink.c + fetch/hash_pipe.c: a file sink fed by sink_write (copied
 * into the hash ring) and by sink_buffer/sink_commit (received into the ring
 * directly), in pieces of every size and mixed, stores and hashes exactly
 * the bytes given, in order. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include "fetch/sink.h"
#include "tests/unit/check.h"

static int open_tmp(void *ctx, uint64_t size, struct errbuf *e)
{
	(void)size;
	(void)e;
	return *(int *)ctx;
}

/* Feeds len bytes in pieces of 1 byte to ~300 KiB (within and across
 * slots): mode 0 by sink_write, 1 by sink_buffer/sink_commit (where the sink
 * offers a buffer), 2 both, alternating.  0 or the first error. */
static int feed(struct sink *s, int mode, const uint8_t *data, size_t len, struct errbuf *e)
{
	size_t at = 0, step = 1;
	int rc = 0;
	for (int k = 0; rc == 0 && at < len; k++) {
		size_t n = step < len - at ? step : len - at;
		step = step * 3 + 7 > 300000 ? 1 : step * 3 + 7;
		size_t cap;
		uint8_t *dst = mode == 0 || (mode == 2 && k % 2) ? NULL : sink_buffer(s, &cap);
		if (dst) {
			if (n > cap)
				n = cap;
			memcpy(dst, data + at, n);	/* what recv() into the ring does */
			rc = sink_commit(s, n, e);
		} else {
			rc = sink_write(s, data + at, n, e);
		}
		at += n;
	}
	return rc;
}

/* Reads a pipe to its end into a buffer: the far side of `-o /dev/stdout`. */
struct drain {
	int fd;
	uint8_t *buf;
	size_t cap, got;
};

static void *drain_pipe_end(void *arg)
{
	struct drain *d = arg;
	ssize_t n;
	while (d->got < d->cap && (n = read(d->fd, d->buf + d->got, d->cap - d->got)) > 0)
		d->got += (size_t)n;
	return NULL;
}

/* Whether the file at path holds exactly len bytes of data; removes it. */
static bool file_is(const char *path, const uint8_t *data, size_t len, uint8_t *back)
{
	int fd = open(path, O_RDONLY);
	ssize_t r = fd >= 0 ? read(fd, back, len + 1) : -1;
	if (fd >= 0)
		close(fd);
	unlink(path);
	return r == (ssize_t)len && !memcmp(back, data, len);
}

/* A file sink on *fd, hashing with SHA-256, told the size: 0 or an error. */
static int begin_hashed(struct sink *s, int *fd, size_t len, struct errbuf *e)
{
	sink_init_file(s, open_tmp, fd);
	sink_hash(s, HASH_SHA256, HASH_IMPL_AUTO);
	return sink_begin(s, len, e);
}

int main(void)
{
	enum { LEN = 3 * 1024 * 1024 + 4567 };
	uint8_t *data = malloc(LEN), *back = malloc(LEN + 1), want[HASH_MAX_DIGEST], got[HASH_MAX_DIGEST];
	struct hash_ctx h;
	unsigned seed = 12345;
	for (size_t i = 0; i < LEN; i++)
		data[i] = (uint8_t)((seed = seed * 1103515245 + 12345) >> 16);
	hash_init(&h, HASH_SHA256);
	hash_update(&h, data, LEN);
	size_t wlen = hash_final(&h, want);

	static const char *const modes[] = { "sink_write only", "sink_buffer/sink_commit only", "both, alternating" };
	unsigned long caller_slots = 0;
	for (int mode = 0; mode < 3; mode++) {
		char path[] = "/tmp/sink_test.XXXXXX";
		int fd = mkstemp(path);
		struct sink s;
		struct errbuf e;
		int rc = begin_hashed(&s, &fd, LEN, &e);
		if (rc == 0)
			rc = feed(&s, mode, data, LEN, &e);
		size_t glen = sink_digest(&s, got);
		caller_slots += s.pipe.caller_slots;
		sink_close(&s);
		char name[96];
		snprintf(name, sizeof(name), "%s: no error", modes[mode]);
		CHECK(name, rc == 0 && s.written == LEN);
		snprintf(name, sizeof(name), "%s: digest of every byte once", modes[mode]);
		CHECK(name, glen == wlen && !memcmp(got, want, wlen));
		snprintf(name, sizeof(name), "%s: the file holds the bytes", modes[mode]);
		CHECK(name, file_is(path, data, LEN, back));
	}
	/* filling is faster than writing + hashing: the ring fills, and the
	 * receiving thread then writes slots itself, at their offsets */
	CHECK("the receiving thread wrote slots itself when the ring was full", caller_slots > 0);

	/* fetch_one's mirror switch: restart, and the next mirror has no
	 * checksum file (hashing off, the pipe of the first gone), then a third
	 * that has one */
	{
		char path[] = "/tmp/sink_test.XXXXXX";
		int fd = mkstemp(path);
		struct sink s;
		struct errbuf e;
		int rc = begin_hashed(&s, &fd, LEN, &e);
		if (rc == 0)
			rc = feed(&s, 2, data, LEN / 2, &e);	/* the first mirror breaks halfway */
		if (rc == 0)
			rc = sink_restart(&s, &e);
		s.hashing = false;
		if (rc == 0)
			rc = feed(&s, 2, data, LEN, &e);
		if (rc == 0)
			rc = sink_flush(&s, &e);
		bool whole = rc == 0 && s.written == LEN && file_is(path, data, LEN, back);
		CHECK("restart, then a mirror without checksum: the file holds every byte", whole);
		close(s.fd);	/* file_is removed it: the sink gets a new one */
		s.fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
		if (rc == 0)
			rc = sink_restart(&s, &e);
		sink_hash(&s, HASH_SHA256, HASH_IMPL_AUTO);
		if (rc == 0)
			rc = feed(&s, 2, data, LEN, &e);
		if (rc == 0)
			rc = sink_flush(&s, &e);
		size_t glen = sink_digest(&s, got);
		sink_close(&s);
		CHECK("... then one with a checksum: digest of every byte once",
		      rc == 0 && glen == wlen && !memcmp(got, want, wlen));
		CHECK("... and the file holds the bytes", file_is(path, data, LEN, back));
	}

	/* a destination that cannot seek (netboot fetch -o /dev/stdout | ...) */
	{
		int fds[2];
		struct sink s;
		struct errbuf e;
		pthread_t t;
		struct drain d = { 0, back, LEN + 1, 0 };
		int rc = pipe(fds);
		d.fd = fds[0];
		pthread_create(&t, NULL, drain_pipe_end, &d);
		if (rc == 0)
			rc = begin_hashed(&s, &fds[1], LEN, &e);
		if (rc == 0)
			rc = feed(&s, 2, data, LEN, &e);
		if (rc == 0)
			rc = sink_flush(&s, &e);
		size_t glen = sink_digest(&s, got);
		sink_close(&s);	/* closes the write end: the reader sees the end */
		pthread_join(t, NULL);
		close(fds[0]);
		CHECK("a pipe as destination: no error, digest of every byte",
		      rc == 0 && glen == wlen && !memcmp(got, want, wlen));
		CHECK("a pipe as destination: the bytes arrive in order", d.got == LEN && !memcmp(back, data, LEN));
	}

	/* a hashed memory sink (a large checksum file) fed in bulk: the pipe
	 * hashes, the sink stores, nothing is written to any descriptor */
	{
		uint8_t *mem = malloc(LEN);
		struct sink s;
		struct errbuf e;
		sink_init_mem(&s, mem, LEN);
		sink_hash(&s, HASH_SHA256, HASH_IMPL_AUTO);
		int rc = feed(&s, 0, data, LEN, &e);
		size_t glen = sink_digest(&s, got);
		bool piped = s.piped;
		sink_close(&s);
		CHECK("a hashed memory sink fed in bulk: digest of every byte, through the pipe",
		      rc == 0 && piped && glen == wlen && !memcmp(got, want, wlen));
		CHECK("a hashed memory sink: the memory holds the bytes", s.written == LEN && !memcmp(mem, data, LEN));
		free(mem);
	}
	/* the thread's failed write (here: a read-only descriptor; in /init a
	 * full tmpfs) reaches the caller, worded as an inline write's */
	{
		int fd = open("/dev/null", O_RDONLY);
		struct sink s;
		struct errbuf e = { "" };
		int calls = 0, rc = begin_hashed(&s, &fd, LEN, &e);
		for (size_t at = 0; rc == 0 && at < LEN; calls++) {
			size_t cap;
			uint8_t *dst = sink_buffer(&s, &cap);
			if (!dst)
				break;
			if (cap > LEN - at)
				cap = LEN - at;
			memcpy(dst, data + at, cap);
			rc = sink_commit(&s, cap, &e);
			at += cap;
		}
		if (rc == 0)
			rc = sink_flush(&s, &e);
		sink_close(&s);
		CHECK("write error on the thread: reported", rc == -EBADF);
		CHECK("write error on the thread: named", strstr(e.msg, "writing the image after 0 bytes") != NULL);
		CHECK("write error on the thread: reported within the ring's depth", calls <= 6);
	}
	struct sink m;
	uint8_t buf[64];
	size_t cap;
	sink_init_mem(&m, buf, sizeof(buf));
	sink_hash(&m, HASH_MD5, HASH_IMPL_AUTO);
	CHECK("a memory sink offers no ring buffer", sink_buffer(&m, &cap) == NULL);
	free(data);
	free(back);
	return CHECK_DONE();
}
