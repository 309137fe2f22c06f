#include "fetch/hash_pipe.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "netboot/clock.h"

/* Writes a slot to fd at off, all of it; 0 or a negative errno.  pwrite:
 * either thread may write a slot, so the file position means nothing. */
static int write_slot(int fd, const uint8_t *d, size_t len, uint64_t off)
{
	while (len) {
		ssize_t n = pwrite(fd, d, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ENOSPC;	/* no progress: not a network error to retry */
		d += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

/* The slot being filled is slot[filled % N] while used[] of it grows; it is
 * handed over by incrementing `filled`.  The thread hashes slot[hashed % N]. */
static void *hash_thread(void *arg)
{
	struct hash_pipe *p = arg;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (p->hashed == p->filled && !p->stop)
			pthread_cond_wait(&p->changed, &p->lock);
		if (p->hashed == p->filled && p->stop)
			break;
		unsigned i = p->hashed % HASH_PIPE_SLOTS;
		int fd = p->write_errno || p->stored[i] ? -1 : p->fd;
		pthread_mutex_unlock(&p->lock);
		uint64_t t0 = monotonic_ns();
		int werr = fd >= 0 ? write_slot(fd, p->slot[i], p->used[i], p->off[i]) : 0;
		uint64_t t1 = monotonic_ns();
		hash_update(p->hash, p->slot[i], p->used[i]);
		uint64_t busy = monotonic_ns() - t1;
		pthread_mutex_lock(&p->lock);
		if (werr)
			p->write_errno = werr;
		else if (fd >= 0)
			p->wrote += p->used[i];
		p->write_ns += t1 - t0;
		p->busy_ns += busy;
		p->used[i] = 0;
		p->stored[i] = false;
		p->hashed++;
		pthread_cond_broadcast(&p->changed);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

int hash_pipe_start(struct hash_pipe *p, struct hash_ctx *h)
{
	memset(p, 0, sizeof(*p));
	p->hash = h;
	p->fd = -1;
	for (int i = 0; i < HASH_PIPE_SLOTS; i++)
		if (!(p->slot[i] = malloc(HASH_PIPE_SLOT_SIZE)))
			goto nomem;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->changed, NULL);
	int rc = pthread_create(&p->thread, NULL, hash_thread, p);
	if (rc == 0)
		return 0;
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->changed);
nomem:
	for (int i = 0; i < HASH_PIPE_SLOTS; i++)
		free(p->slot[i]);
	memset(p, 0, sizeof(*p));
	return -ENOMEM;
}

/* Hands the slot being filled to the thread (caller holds the lock). */
static void publish(struct hash_pipe *p)
{
	unsigned i = p->filled % HASH_PIPE_SLOTS;
	p->off[i] = p->fill_off;
	p->fill_off += p->used[i];
	p->filled++;
	pthread_cond_broadcast(&p->changed);
}

/* A full slot, from the caller's thread (lock held, dropped while writing).
 * When the thread is behind, a slot queued besides the one it works on, the
 * caller writes this slot to the file itself and the thread only hashes it:
 * the hash is sequential, the writes are not, so this balances the two
 * threads (in the TCG guest the thread's write + hash took 2.05 s per
 * 269 MB against 1.25 s of receiving). */
static void publish_full(struct hash_pipe *p)
{
	unsigned i = p->filled % HASH_PIPE_SLOTS;
	if (p->fd >= 0 && !p->write_errno && p->filled - p->hashed >= HASH_PIPE_SLOTS - 1) {
		int fd = p->fd;
		uint64_t off = p->fill_off;
		pthread_mutex_unlock(&p->lock);
		uint64_t t0 = monotonic_ns();
		int werr = write_slot(fd, p->slot[i], p->used[i], off);
		uint64_t t1 = monotonic_ns();
		pthread_mutex_lock(&p->lock);
		p->caller_write_ns += t1 - t0;
		p->caller_slots++;
		if (werr)
			p->write_errno = werr;
		else
			p->wrote += p->used[i];
		p->stored[i] = !werr;
	}
	publish(p);
}

/* With the lock held: until the slot after the waiting ones is free; the
 * wait counts as time the download spent on the hash. */
static void wait_free_slot(struct hash_pipe *p)
{
	if (p->filled - p->hashed >= HASH_PIPE_SLOTS) {
		uint64_t t0 = monotonic_ns();
		while (p->filled - p->hashed >= HASH_PIPE_SLOTS)
			pthread_cond_wait(&p->changed, &p->lock);
		p->full_ns += monotonic_ns() - t0;
	}
}

void hash_pipe_feed(struct hash_pipe *p, const void *data, size_t len)
{
	const uint8_t *d = data;
	pthread_mutex_lock(&p->lock);
	while (len) {
		wait_free_slot(p);
		unsigned i = p->filled % HASH_PIPE_SLOTS;
		size_t take = HASH_PIPE_SLOT_SIZE - p->used[i];
		if (take > len)
			take = len;
		/* the thread never reads the slot being filled: copy without the lock */
		pthread_mutex_unlock(&p->lock);
		memcpy(p->slot[i] + p->used[i], d, take);
		pthread_mutex_lock(&p->lock);
		p->used[i] += take;
		d += take;
		len -= take;
		if (p->used[i] == HASH_PIPE_SLOT_SIZE)
			publish_full(p);
	}
	pthread_mutex_unlock(&p->lock);
}

uint8_t *hash_pipe_claim(struct hash_pipe *p, size_t *cap)
{
	pthread_mutex_lock(&p->lock);
	wait_free_slot(p);
	unsigned i = p->filled % HASH_PIPE_SLOTS;
	uint8_t *at = p->slot[i] + p->used[i];	/* used[i] < the slot size: a full slot is handed over */
	*cap = HASH_PIPE_SLOT_SIZE - p->used[i];
	pthread_mutex_unlock(&p->lock);
	return at;
}

void hash_pipe_commit(struct hash_pipe *p, size_t len)
{
	pthread_mutex_lock(&p->lock);
	unsigned i = p->filled % HASH_PIPE_SLOTS;
	p->used[i] += len;
	if (p->used[i] == HASH_PIPE_SLOT_SIZE)
		publish_full(p);
	pthread_mutex_unlock(&p->lock);
}

void hash_pipe_drain(struct hash_pipe *p)
{
	pthread_mutex_lock(&p->lock);
	if (p->used[p->filled % HASH_PIPE_SLOTS] && p->filled - p->hashed < HASH_PIPE_SLOTS)
		publish(p);
	while (p->hashed != p->filled)
		pthread_cond_wait(&p->changed, &p->lock);
	pthread_mutex_unlock(&p->lock);
}

void hash_pipe_write_to(struct hash_pipe *p, int fd, uint64_t offset)
{
	pthread_mutex_lock(&p->lock);
	p->fd = fd;
	p->fill_off = offset;
	pthread_mutex_unlock(&p->lock);
}

int hash_pipe_write_error(struct hash_pipe *p, uint64_t *at)
{
	pthread_mutex_lock(&p->lock);
	int err = p->write_errno;
	*at = p->wrote;
	pthread_mutex_unlock(&p->lock);
	return err;
}

void hash_pipe_take_stats(struct hash_pipe *p, uint64_t *busy_ns, uint64_t *write_ns, uint64_t *caller_write_ns,
			  uint64_t *full_ns)
{
	pthread_mutex_lock(&p->lock);
	if (caller_write_ns)
		*caller_write_ns = p->caller_write_ns;
	if (busy_ns)
		*busy_ns = p->busy_ns;
	if (write_ns)
		*write_ns = p->write_ns;
	if (full_ns)
		*full_ns = p->full_ns;
	p->busy_ns = p->write_ns = p->caller_write_ns = p->full_ns = 0;
	pthread_mutex_unlock(&p->lock);
}

void hash_pipe_stop(struct hash_pipe *p)
{
	if (!p->slot[0])
		return;
	hash_pipe_drain(p);
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->changed);
	for (int i = 0; i < HASH_PIPE_SLOTS; i++)
		free(p->slot[i]);
	memset(p, 0, sizeof(*p));
}
