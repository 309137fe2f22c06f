/* Writing the image file and hashing it on a second thread, so the thread
 * that receives from the socket does nothing else: with MD5 at about the
 * speed of a loopback copy, doing both on one core halves the rate, and in a
 * TCG guest the tmpfs write alone costs a third of the raw download time
 * (docs/benchmarks.md).  The bytes go into a small ring of slots, received
 * there directly by the HTTP transport (hash_pipe_claim/commit: no copy) or
 * copied in (hash_pipe_feed); the thread writes each slot to the file (once
 * hash_pipe_write_to named one) and hashes it, in order, exactly once.  The
 * hash is sequential but the writes are not: while the thread is behind, the
 * caller writes the slots it fills itself, which balances the two. */
#ifndef FETCH_HASH_PIPE_H
#define FETCH_HASH_PIPE_H
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include "fetch/hash.h"

#define HASH_PIPE_SLOTS 4
#define HASH_PIPE_SLOT_SIZE (64 * 1024)	/* 256 KiB in all: /init's peak RSS goal is 1 MiB */

struct hash_pipe {
	struct hash_ctx *hash;		/* owned by the caller; touched only by the thread while running */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	uint8_t *slot[HASH_PIPE_SLOTS];
	size_t used[HASH_PIPE_SLOTS];
	unsigned filled, hashed;	/* slot counters: filled - hashed slots are waiting */
	bool stop;
	int fd;				/* the thread writes each slot here first; -1: hash only */
	int write_errno;		/* the first failed write; later slots are only hashed */
	uint64_t wrote;			/* bytes written to fd (by either thread) */
	uint64_t fill_off;		/* file offset of the slot being filled */
	uint64_t off[HASH_PIPE_SLOTS];	/* file offset of each handed-over slot */
	bool stored[HASH_PIPE_SLOTS];	/* written by the caller (publish_full): hash only */
	uint64_t busy_ns;		/* the thread hashing */
	uint64_t write_ns;		/* the thread writing to fd */
	uint64_t caller_write_ns;	/* the caller writing slots itself (publish_full) */
	unsigned long caller_slots;	/* how many it wrote (tests check the path is taken) */
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
/* From the next slot handed over on, each slot is written to fd, the ring's
 * first byte at offset, before it is hashed: by the thread, or by the caller
 * when the thread is behind. */
void hash_pipe_write_to(struct hash_pipe *p, int fd, uint64_t offset);
/* 0, or the negative errno of the thread's first failed write, with *at the
 * bytes it had written before. */
int hash_pipe_write_error(struct hash_pipe *p, uint64_t *at);
/* Returns once every queued byte is written and in *hash. */
void hash_pipe_drain(struct hash_pipe *p);
/* Hands out and zeroes the time counters (any pointer may be NULL). */
void hash_pipe_take_stats(struct hash_pipe *p, uint64_t *busy_ns, uint64_t *write_ns, uint64_t *caller_write_ns,
			  uint64_t *full_ns);
/* Drains, ends the thread and frees the slots. */
void hash_pipe_stop(struct hash_pipe *p);
#endif
