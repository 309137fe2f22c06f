/* Where downloaded bytes go.  Every transport (HTTP, TFTP) writes through a
 * sink, which hashes the bytes as they pass (one pass, no second read) and
 * drives the progress line.  A sink is either memory (checksum files, capped)
 * or a file descriptor opened lazily by a callback once the size is known, so
 * /init can size its tmpfs to the image before the first byte lands. */
#ifndef FETCH_SINK_H
#define FETCH_SINK_H
#include <stdbool.h>
#include <stdint.h>
#include "fetch/hash.h"
#include "fetch/hash_pipe.h"
#include "fetch/progress.h"
#include "netboot/errbuf.h"

/* Where a download's time went, for the timeline: the transport thread is
 * either getting bytes (waiting on the network, plus parsing) or blocked on
 * a full ring (the second thread, writing and hashing, is the bottleneck);
 * that thread's time in write() and in the hash give the file and hash
 * rates.  Without the thread the transport writes and hashes itself. */
struct sink_stats {
	uint64_t net_ns;	/* between sink_write calls: the transport reading */
	uint64_t file_ns;	/* in write() to the file, both threads */
	uint64_t file_here_ns;	/* of it, on the receiving thread */
	uint64_t ring_full_ns;	/* blocked on a full ring: writing + hashing is the bottleneck */
	uint64_t hash_ns;	/* hashing (on the thread, or inline) */
	uint64_t last_ns;	/* monotonic time the last sink_write returned; 0 = none yet */
};

struct sink {
	/* file sink: called once with the announced size (0 = unknown);
	 * returns an fd open for writing, or a negative errno with e set */
	int (*open)(void *ctx, uint64_t size, struct errbuf *e);
	void *open_ctx;
	int fd;
	/* memory sink when mem != NULL: at most mem_cap bytes, then -EFBIG */
	uint8_t *mem;
	size_t mem_cap;

	uint64_t written;	/* bytes accepted so far */
	uint64_t stored_here;	/* of them, stored by this thread (the rest by the pipe's) */
	uint64_t expected;	/* announced size, 0 if unknown */
	bool hashing;
	struct hash_ctx hash;	/* read it through sink_digest() */
	bool piped;		/* hashing on a second thread (hash_pipe.h) */
	bool pipe_failed;	/* no thread to be had: hash inline */
	bool seek_checked, unseekable;	/* a pipe or tty: stored in order here, the thread only hashes */
	struct hash_pipe pipe;
	uint8_t *claimed;	/* sink_buffer's answer until sink_commit */
	struct progress *progress;	/* NULL: no progress line */
	struct sink_stats stats;	/* the caller zeroes it per download */
};

void sink_init_mem(struct sink *s, uint8_t *buf, size_t cap);
void sink_init_file(struct sink *s, int (*open)(void *, uint64_t, struct errbuf *), void *ctx);
void sink_hash(struct sink *s, enum hash_algo algo, enum hash_impl impl);
/* Announces the size; opens the file sink on first call. */
int sink_begin(struct sink *s, uint64_t size, struct errbuf *e);
int sink_write(struct sink *s, const void *buf, size_t len, struct errbuf *e);
/* Zero-copy receiving (the HTTP body): where the transport may put up to
 * *cap next bytes: a slot of the hash ring, so they are written to the
 * file and hashed from there with no copy in between, or an unhashed
 * memory sink's own buffer (a Range request, the block server); NULL
 * otherwise (use sink_write).  sink_commit(len) then takes the len bytes
 * put there, as sink_write would. */
uint8_t *sink_buffer(struct sink *s, size_t *cap);
int sink_commit(struct sink *s, size_t len, struct errbuf *e);
/* Waits until every byte given is in the file (the pipe's thread writes
 * them); 0, or the error of a write that failed. */
int sink_flush(struct sink *s, struct errbuf *e);
/* Drops everything written so far (server ignored a Range request). */
int sink_restart(struct sink *s, struct errbuf *e);
/* The digest of every byte written; returns its length. */
size_t sink_digest(struct sink *s, uint8_t out[HASH_MAX_DIGEST]);
/* Ends the hashing thread, if any, and closes the file the sink opened. */
void sink_close(struct sink *s);
#endif
