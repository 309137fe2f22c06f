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
	for (int mode = 0; mode < 3; mode++) {
		char path[] = "/tmp/sink_test.XXXXXX";
		int fd = mkstemp(path);
		struct sink s;
		struct errbuf e;
		sink_init_file(&s, open_tmp, &fd);
		sink_hash(&s, HASH_SHA256, HASH_IMPL_AUTO);
		int rc = sink_begin(&s, LEN, &e);
		size_t at = 0, step = 1;
		for (int k = 0; rc == 0 && at < LEN; k++) {
			size_t n = step < LEN - at ? step : LEN - at;
			step = step * 3 + 7 > 300000 ? 1 : step * 3 + 7;	/* 1 byte to ~300 KiB: within and across slots */
			size_t cap;
			uint8_t *dst = mode == 0 || (mode == 2 && k % 2) ? NULL : sink_buffer(&s, &cap);
			if (dst) {
				if (n > cap)
					n = cap;
				memcpy(dst, data + at, n);	/* what recv() into the ring does */
				rc = sink_commit(&s, n, &e);
			} else {
				rc = sink_write(&s, data + at, n, &e);
			}
			at += n;
		}
		size_t glen = sink_digest(&s, got);
		sink_close(&s);
		fd = open(path, O_RDONLY);
		ssize_t r = fd >= 0 ? read(fd, back, LEN + 1) : -1;
		char name[96];
		snprintf(name, sizeof(name), "%s: no error", modes[mode]);
		CHECK(name, rc == 0 && s.written == LEN);
		snprintf(name, sizeof(name), "%s: digest of every byte once", modes[mode]);
		CHECK(name, glen == wlen && !memcmp(got, want, wlen));
		snprintf(name, sizeof(name), "%s: the file holds the bytes", modes[mode]);
		CHECK(name, r == LEN && !memcmp(back, data, LEN));
		if (fd >= 0)
			close(fd);
		unlink(path);
	}
	/* the thread's failed write (here: a read-only descriptor; in /init a
	 * full tmpfs) reaches the caller, worded as an inline write's */
	{
		int fd = open("/dev/null", O_RDONLY);
		struct sink s;
		struct errbuf e = { "" };
		int rc = 0, calls = 0;
		sink_init_file(&s, open_tmp, &fd);
		sink_hash(&s, HASH_SHA256, HASH_IMPL_AUTO);
		for (size_t at = 0; rc == 0 && at < LEN; calls++) {
			size_t cap;
			uint8_t *dst = sink_buffer(&s, &cap);
			if (!dst)
				break;
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
