#include "fetch/sink.h"
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "netboot/clock.h"

void sink_init_mem(struct sink *s, uint8_t *buf, size_t cap)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->mem = buf;
	s->mem_cap = cap;
}

void sink_init_file(struct sink *s, int (*open)(void *, uint64_t, struct errbuf *), void *ctx)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->open = open;
	s->open_ctx = ctx;
}

void sink_hash(struct sink *s, enum hash_algo algo, enum hash_impl impl)
{
	s->hashing = true;
	hash_init_impl(&s->hash, algo, impl);
}

int sink_begin(struct sink *s, uint64_t size, struct errbuf *e)
{
	if (size && !s->expected)
		s->expected = size;
	if (s->progress && size)
		s->progress->total = size;
	if (s->mem || s->fd >= 0)
		return 0;
	if (!s->open)
		return nb_fail(e, -EINVAL, "internal: sink has no destination");
	int fd = s->open(s->open_ctx, size, e);
	if (fd < 0)
		return fd;
	s->fd = fd;
	return 0;
}

/* Writes len bytes at p to the destination (memory or file). */
static int store(struct sink *s, const uint8_t *p, size_t len, struct errbuf *e)
{
	if (s->mem) {
		if (len > s->mem_cap - s->written)
			return nb_fail(e, -EFBIG, "more than %zu bytes received", s->mem_cap);
		memcpy(s->mem + s->written, p, len);
		return 0;
	}
	size_t off = 0;
	while (off < len) {
		ssize_t n = write(s->fd, p + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return nb_fail(e, -errno, "writing the image after %llu bytes: %s",
				       (unsigned long long)(s->written + off), strerror(errno));
		off += (size_t)n;
	}
	return 0;
}

/* After the bytes are stored: the count, the progress line, the time split
 * (t0: the call began, t1: the store ended). */
static void account(struct sink *s, size_t len, uint64_t t0, uint64_t t1)
{
	s->written += len;
	if (s->progress)
		progress_update(s->progress, s->written);
	s->stats.last_ns = monotonic_ns();
	s->stats.file_ns += t1 - t0;
	if (s->hashing && !s->piped)
		s->stats.hash_ns += s->stats.last_ns - t1;
}

static void start_pipe(struct sink *s)
{
	s->piped = hash_pipe_start(&s->pipe, &s->hash) == 0;
	s->pipe_failed = !s->piped;
}

int sink_write(struct sink *s, const void *buf, size_t len, struct errbuf *e)
{
	const uint8_t *p = buf;
	uint64_t t0 = monotonic_ns(), t1;
	int rc;

	if (s->stats.last_ns)
		s->stats.net_ns += t0 - s->stats.last_ns;
	if ((rc = sink_begin(s, 0, e)) < 0 || (rc = store(s, p, len, e)) < 0)
		return rc;
	t1 = monotonic_ns();
	if (s->hashing && !s->piped && !s->pipe_failed && len >= 4096)	/* bulk data only */
		start_pipe(s);
	if (s->hashing && s->piped)
		hash_pipe_feed(&s->pipe, p, len);
	else if (s->hashing)
		hash_update(&s->hash, p, len);
	account(s, len, t0, t1);
	return 0;
}

uint8_t *sink_buffer(struct sink *s, size_t *cap)
{
	if (!s->hashing || s->mem || s->pipe_failed)
		return NULL;
	if (!s->piped)
		start_pipe(s);
	return s->claimed = s->piped ? hash_pipe_claim(&s->pipe, cap) : NULL;
}

int sink_commit(struct sink *s, size_t len, struct errbuf *e)
{
	const uint8_t *p = s->claimed;
	uint64_t t0 = monotonic_ns(), t1;
	int rc;

	if (!p)
		return nb_fail(e, -EINVAL, "internal: sink_commit without sink_buffer");
	s->claimed = NULL;
	if (s->stats.last_ns)
		s->stats.net_ns += t0 - s->stats.last_ns;
	if ((rc = sink_begin(s, 0, e)) < 0 || (rc = store(s, p, len, e)) < 0)
		return rc;
	t1 = monotonic_ns();
	hash_pipe_commit(&s->pipe, len);
	account(s, len, t0, t1);
	return 0;
}

int sink_restart(struct sink *s, struct errbuf *e)
{
	if (s->piped) {
		hash_pipe_drain(&s->pipe);
		hash_pipe_take_stats(&s->pipe, NULL, NULL);	/* the bytes are dropped, so is their time */
	}
	if (s->hashing)
		hash_init(&s->hash, s->hash.algo);
	s->written = 0;
	s->claimed = NULL;
	if (s->fd >= 0) {
		if (ftruncate(s->fd, 0) < 0 || lseek(s->fd, 0, SEEK_SET) < 0)
			return nb_fail(e, -errno, "restarting the download: %s", strerror(errno));
	}
	return 0;
}

size_t sink_digest(struct sink *s, uint8_t out[HASH_MAX_DIGEST])
{
	if (s->piped) {
		uint64_t busy, full;
		hash_pipe_drain(&s->pipe);
		hash_pipe_take_stats(&s->pipe, &busy, &full);
		s->stats.hash_ns += busy;
		s->stats.ring_full_ns += full;
	}
	return hash_final(&s->hash, out);
}

void sink_close(struct sink *s)
{
	if (s->piped)
		hash_pipe_stop(&s->pipe);
	s->piped = false;
	if (s->fd >= 0 && !s->mem)
		close(s->fd);
	s->fd = -1;
}
