/* The supervisor's watch on dm-verity: a thread reading the kernel's log
 * (/dev/kmsg, opened by /init) for "data block N is corrupted" and saying,
 * on the console, in nbd.log and in RUN_DIR/verity-errors, which image
 * offset failed its check.  The kernel's own line names the block of the
 * device; this one names the byte offset in the image, once per block. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "fetch/verity.h"
#include "mount/nbd_supervisor.h"

#define SEEN_MAX 64	/* blocks already reported: a block read again is not said again */

struct watch {
	int kmsg_fd, log_fd;
	uint32_t block_size;
	uint64_t seen[SEEN_MAX];
	unsigned nseen;
};

static int seen(struct watch *w, uint64_t block)
{
	unsigned n = w->nseen < SEEN_MAX ? w->nseen : SEEN_MAX;
	for (unsigned i = 0; i < n; i++)
		if (w->seen[i] == block)
			return 1;
	w->seen[w->nseen++ % SEEN_MAX] = block;
	return 0;
}

static void *watch(void *arg)
{
	struct watch *w = arg;
	char rec[2048], dev[16];
	for (;;) {
		ssize_t n = read(w->kmsg_fd, rec, sizeof(rec));
		if (n < 0 && (errno == EINTR || errno == EPIPE))	/* EPIPE: records overwritten, go on */
			continue;
		if (n <= 0)
			return NULL;
		uint64_t block;
		if (!verity_kmsg_corrupt(rec, (size_t)n, &block, dev, sizeof(dev)) || seen(w, block))
			continue;
		uint64_t offset = block * w->block_size;
		sup_note("dm-verity: image offset %" PRIu64 " (data block %" PRIu64 " of %s) does not match the hash tree: "
			 "reads of it fail with EIO, nothing wrong is returned", offset, block, dev);
		if (w->log_fd >= 0)
			dprintf(w->log_fd, "BLOCK=%" PRIu64 " OFFSET=%" PRIu64 " LENGTH=%u DEVICE=%s\n", block, offset,
				w->block_size, dev);
	}
}

void verity_watch_start(int kmsg_fd, int log_fd, uint32_t block_size)
{
	static struct watch w;
	pthread_t t;
	sigset_t all, old;
	if (kmsg_fd < 0)
		return;
	w = (struct watch){ .kmsg_fd = kmsg_fd, .log_fd = log_fd, .block_size = block_size ? block_size : 4096 };
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);	/* signals stay the main thread's */
	int rc = pthread_create(&t, NULL, watch, &w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		sup_note("no dm-verity watch (%s): the kernel's log alone names failed blocks", strerror(rc));
	else
		pthread_detach(t);
}
