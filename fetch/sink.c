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
		if (p != s->mem + s->written)	/* else received in place (sink_buffer) */
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

/* The pipe's thread stores a file sink's bytes; a memory sink stores its own. */
static bool pipe_stores(const struct sink *s)
{
	return s->piped && s->hashing && !s->mem && !s->unseekable;
}

/* After the bytes are stored (or handed to the pipe): the count, the
 * progress line, the time split (t0: the call began, t1: the store ended). */
static void account(struct sink *s, size_t len, uint64_t t0, uint64_t t1)
{
	s->written += len;
	if (s->progress)
		progress_update(s->progress, s->written);
	s->stats.last_ns = monotonic_ns();
	if (!pipe_stores(s)) {
		s->stored_here += len;
		s->stats.file_ns += t1 - t0;
		s->stats.file_here_ns += t1 - t0;
	}
	if (s->hashing && !s->piped)
		s->stats.hash_ns += s->stats.last_ns - t1;
	/* piped: the thread's write and hash times, and the waits for a free
	 * slot, come from the pipe (drain_pipe) */
}

static void start_pipe(struct sink *s)
{
	s->piped = hash_pipe_start(&s->pipe, &s->hash) == 0;
	s->pipe_failed = !s->piped;
}

/* A write the pipe's thread failed, as store() words it. */
static int pipe_write_error(struct sink *s, struct errbuf *e)
{
	uint64_t at;
	int err = pipe_stores(s) ? hash_pipe_write_error(&s->pipe, &at) : 0;
	if (err)
		return nb_fail(e, err, "writing the image after %llu bytes: %s",
			       (unsigned long long)(s->stored_here + at), strerror(-err));
	return 0;
}

/* Before bytes go into the pipe: the file is open (sink_begin) and the
 * thread knows it.  A destination that cannot seek (`netboot fetch -o
 * /dev/stdout | ...`) is written here, in order: the pipe's writes are
 * pwrites at each slot's offset. */
static int pipe_ready(struct sink *s, struct errbuf *e)
{
	int rc = sink_begin(s, 0, e);
	if (rc == 0 && !s->mem && !s->seek_checked) {
		s->seek_checked = true;
		s->unseekable = lseek(s->fd, 0, SEEK_CUR) < 0;
	}
	if (rc == 0 && pipe_stores(s) && s->pipe.fd != s->fd)
		hash_pipe_write_to(&s->pipe, s->fd, s->stored_here);	/* the ring follows the bytes stored here */
	return rc;
}

/* len bytes at p, copied in (sink_write) or already in the ring's slot
 * (in_ring: sink_commit): stored here unless the pipe stores them, hashed. */
static int take(struct sink *s, const uint8_t *p, size_t len, bool in_ring, struct errbuf *e)
{
	uint64_t t0 = monotonic_ns(), t1;
	int rc;

	if (s->stats.last_ns)
		s->stats.net_ns += t0 - s->stats.last_ns;
	if (!in_ring && s->hashing && !s->piped && !s->pipe_failed && len >= 4096)	/* bulk data only */
		start_pipe(s);
	if ((rc = pipe_ready(s, e)) < 0)
		return rc;
	if (!pipe_stores(s) && (rc = store(s, p, len, e)) < 0)
		return rc;
	t1 = monotonic_ns();
	if (in_ring)
		hash_pipe_commit(&s->pipe, len);
	else if (s->hashing && s->piped)
		hash_pipe_feed(&s->pipe, p, len);
	else if (s->hashing)
		hash_update(&s->hash, p, len);
	account(s, len, t0, t1);
	return pipe_write_error(s, e);
}

int sink_write(struct sink *s, const void *buf, size_t len, struct errbuf *e)
{
	return take(s, buf, len, false, e);
}

uint8_t *sink_buffer(struct sink *s, size_t *cap)
{
	if (s->mem && !s->hashing && s->written < s->mem_cap) {	/* a range into memory: received in place */
		*cap = s->mem_cap - s->written;
		return s->claimed = s->mem + s->written;
	}
	if (!s->hashing || s->mem || s->pipe_failed)
		return NULL;
	if (!s->piped)
		start_pipe(s);
	if (!s->piped)
		return s->claimed = NULL;
	/* a wait for a free slot is the pipe's to count (full_ns), not receiving */
	uint64_t now = monotonic_ns();
	if (s->stats.last_ns)
		s->stats.net_ns += now - s->stats.last_ns;
	s->claimed = hash_pipe_claim(&s->pipe, cap);
	s->stats.last_ns = monotonic_ns();
	return s->claimed;
}

int sink_commit(struct sink *s, size_t len, struct errbuf *e)
{
	const uint8_t *p = s->claimed;

	if (!p)
		return nb_fail(e, -EINVAL, "internal: sink_commit without sink_buffer");
	s->claimed = NULL;
	return take(s, p, len, !s->mem, e);
}

/* Waits for the pipe's thread; its times go into the stats. */
static void drain_pipe(struct sink *s)
{
	uint64_t busy, wrote, wrote_here, full;
	hash_pipe_drain(&s->pipe);
	hash_pipe_take_stats(&s->pipe, &busy, &wrote, &wrote_here, &full);
	s->stats.hash_ns += busy;
	s->stats.file_ns += wrote + wrote_here;
	s->stats.file_here_ns += wrote_here;
	s->stats.ring_full_ns += full;
}

int sink_flush(struct sink *s, struct errbuf *e)
{
	if (s->piped)
		drain_pipe(s);
	return pipe_write_error(s, e);
}

int sink_restart(struct sink *s, struct errbuf *e)
{
	/* the bytes so far are dropped, so is their time: the next download
	 * (the next mirror may have no checksum file) starts a fresh pipe */
	if (s->piped)
		hash_pipe_stop(&s->pipe);
	s->piped = s->pipe_failed = false;
	if (s->hashing)
		hash_init(&s->hash, s->hash.algo);
	s->written = s->stored_here = 0;
	s->claimed = NULL;
	if (s->fd >= 0) {
		if (ftruncate(s->fd, 0) < 0 || lseek(s->fd, 0, SEEK_SET) < 0)
			return nb_fail(e, -errno, "restarting the download: %s", strerror(errno));
	}
	return 0;
}

size_t sink_digest(struct sink *s, uint8_t out[HASH_MAX_DIGEST])
{
	if (s->piped)
		drain_pipe(s);
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
