/* Hashing on a second thread, so the digest of a download costs no time on
 * the thread that moves bytes from the socket to the file: with MD5 at about
 * the speed of a loopback copy, doing both on one core halves the rate.  The
 * bytes go into a small ring of slots, received there directly by the HTTP
 * transport (hash_pipe_claim/commit: no copy) or copied in (hash_pipe_feed),
 * and are hashed in order, exactly once. */
#ifndef FETCH_HASH_PIPE_H
#define FETCH_HASH_PIPE_H
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include "fetch/hash.h"

#define HASH_PIPE_SLOTS 4
#define HASH_PIPE_SLOT_SIZE (128 * 1024)	/* 512 KiB in all: the RSS budget is 2 MiB */

struct hash_pipe {
	struct hash_ctx *hash;		/* owned by the caller; touched only by the thread while running */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	uint8_t *slot[HASH_PIPE_SLOTS];
	size_t used[HASH_PIPE_SLOTS];
	unsigned filled, hashed;	/* slot counters: filled - hashed slots are waiting */
	bool stop;
	uint64_t busy_ns;		/* the thread hashing */
	uint64_t full_ns;		/* feed blocked on a full ring */
};

/* Starts the thread; returns 0, or a negative errno (the caller then hashes
 * inline). */
int hash_pipe_start(struct hash_pipe *p, struct hash_ctx *h);
/* Queues len bytes for hashing; blocks while every slot is waiting. */
void hash_pipe_feed(struct hash_pipe *p, const void *data, size_t len);
/* Zero-copy feeding: the free space of the slot being filled (waits while
 * every slot is queued), for the caller to receive into directly; then
 * hash_pipe_commit with how many bytes it put there (<= *cap).  The thread
 * never reads that slot before the commit that fills it or a drain. */
uint8_t *hash_pipe_claim(struct hash_pipe *p, size_t *cap);
void hash_pipe_commit(struct hash_pipe *p, size_t len);
/* Returns once every queued byte is in *hash. */
void hash_pipe_drain(struct hash_pipe *p);
/* Hands out and zeroes the time counters (either pointer may be NULL). */
void hash_pipe_take_stats(struct hash_pipe *p, uint64_t *busy_ns, uint64_t *full_ns);
/* Drains, ends the thread and frees the slots. */
void hash_pipe_stop(struct hash_pipe *p);
#endif
