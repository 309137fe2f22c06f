/* The block server's stream back end: the image, an HTTP(S) file, is
 * copied into a sparse file in RAM (cache_fd, its final size) in two ways
 * at once.  Two fill threads copy it in order, in STREAM_FILL_SPAN Range
 * requests (every other span each, on their own connections), skipping
 * what is there; the kernel's
 * reads are answered from the file, and a read of chunks not yet there
 * fetches them at once on a second connection, with read-ahead.  Bodies are
 * received straight into the copy (mapped shared: one copy, no write).  One byte
 * per STREAM_CHUNK says what is there (set after the bytes are written,
 * with release order; both paths may write a chunk, with the same bytes).
 * Outages are waited out with backoff, mirror after mirror.  Once every
 * chunk is there the server is no longer needed: the console, nbd.log and
 * RUN_DIR/stream say so.  dm-verity above the device checks every block,
 * so nothing here trusts the bytes. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include "fetch/transport.h"
#include "mount/blockserver.h"
#include "mount/nbd_supervisor.h"
#include "netboot/clock.h"
#include "netboot/tls.h"

#define STREAM_CHUNK (256u << 10)
#define STREAM_FILL_SPAN (16u << 20)	/* one Range request of the fill */
#define STREAM_READAHEAD (1u << 20)	/* fetched past a missed read, if missing too */
#define STREAM_TIMEOUT_MS 15000
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23	/* Linux 5.14; musl's headers do not have it yet (older kernels: EINVAL, no harm) */
#endif

struct stream {
	struct block_backend be;
	const struct nbd_watch *w;
	struct url url[SUP_MIRRORS_MAX];
	uint8_t *have;		/* per chunk: 1 once its bytes are in cache_fd */
	uint64_t nchunks;
	uint64_t t0;
	uint8_t *map;		/* cache_fd mapped shared: bodies are received straight into the copy */
};

/* One connection's state: its mirror and its kept-alive connection. */
struct fetcher {
	const char *who;	/* "fill" or "read" */
	int cur;
	struct http_keepalive ka;
};

static int have(const struct stream *s, uint64_t c)
{
	return __atomic_load_n(&s->have[c], __ATOMIC_ACQUIRE);
}

/* Bytes off..off+len-1 from a mirror, retried until some mirror gives them. */
static void fetch_span(struct stream *s, struct fetcher *f, uint64_t off, uint32_t len, uint8_t *dst)
{
	const struct nbd_watch *w = s->w;
	uint64_t t0 = 0;
	char why[sizeof(((struct errbuf *)0)->msg) + 16] = "";
	for (unsigned attempt = 0;; attempt++) {
		for (int k = 0; k < w->nmirrors; k++) {
			int i = (f->cur + k) % w->nmirrors;
			struct transport_opts o = { .timeout_ms = STREAM_TIMEOUT_MS, .max_tries = 1, .keepalive = &f->ka,
						    .connect_host = w->connect[i], .ca_file = w->ca_file[0] ? w->ca_file : NULL,
						    .stall_window_ms = STREAM_TIMEOUT_MS };
			uint64_t total = 0;
			struct errbuf e;
			int rc = http_get_range(&s->url[i], off, dst, len, &total, &o, &e);
			if (rc == 0 && total && total != w->size)
				rc = nb_fail(&e, -ESTALE, "%s now has %" PRIu64 " bytes, not %" PRIu64 ": another image, not used",
					     w->mirror[i], total, w->size);
			if (rc == 0) {
				if (t0)
					sup_note("%s: %s answers again after %.1f s", f->who, w->mirror[i],
						 (double)(monotonic_ns() - t0) / 1e9);
				if (i != f->cur)
					sup_note("%s: now from %s (mirror %d of %d)", f->who, w->mirror[i], i + 1, w->nmirrors);
				f->cur = i;
				return;
			}
			conn_close(&f->ka.c);
			snprintf(why, sizeof(why), "%s: %s", f->who, e.msg);
		}
		if (!t0)
			t0 = monotonic_ns();
		sup_outage_wait(attempt, t0, w->mirror[f->cur], why);
	}
}

/* Fetches chunks first..last (inclusive) into the copy, and marks them. */
static void store(struct stream *s, struct fetcher *f, uint64_t first, uint64_t last)
{
	uint64_t off = first * STREAM_CHUNK, end = (last + 1) * STREAM_CHUNK;
	if (end > s->w->size)
		end = s->w->size;
	/* the span's pages in one call, not a page fault each (costly under emulation) */
	madvise(s->map + off - off % 4096, (size_t)(end - off + off % 4096), MADV_POPULATE_WRITE);
	fetch_span(s, f, off, (uint32_t)(end - off), s->map + off);
	for (uint64_t c = first; c <= last; c++)
		__atomic_store_n(&s->have[c], 1, __ATOMIC_RELEASE);
}

static void state(const struct stream *s, const char *text)
{
	if (s->w->state_fd < 0)
		return;
	if (ftruncate(s->w->state_fd, 0) == 0)
		pwrite(s->w->state_fd, text, strlen(text), 0);
}

#define STREAM_FILLERS 2	/* fill connections, each every other span: both vCPUs receive */

struct filler {
	struct stream *s;
	unsigned k;	/* this one's spans: k, k + STREAM_FILLERS, ... */
};

static void *fill(void *arg)
{
	const struct filler *me = arg;
	struct stream *s = me->s;
	struct fetcher f = { .who = "fill", .ka = { .c = { -1, NULL } } };
	uint64_t per = STREAM_FILL_SPAN / STREAM_CHUNK;
	static unsigned finished;
	char text[256];

	for (uint64_t span = me->k; span * per < s->nchunks; span += STREAM_FILLERS) {
		uint64_t c = span * per, stop = c + per < s->nchunks ? c + per : s->nchunks;
		while (c < stop) {
			if (have(s, c)) {
				c++;
				continue;
			}
			uint64_t last = c;
			while (last + 1 < stop && !have(s, last + 1))
				last++;
			store(s, &f, c, last);
			c = last + 1;
		}
	}
	conn_close(&f.ka.c);
	if (__atomic_add_fetch(&finished, 1, __ATOMIC_ACQ_REL) < STREAM_FILLERS)
		return NULL;	/* the last one to finish says so */
	double secs = (double)(monotonic_ns() - s->t0) / 1e9;
	sup_note("the whole image is in RAM after %.2f s (%.1f MiB/s): the server is no longer needed", secs,
		 (double)s->w->size / (1 << 20) / (secs > 0 ? secs : 1));
	snprintf(text, sizeof(text), "STREAM=complete\nSTREAM_BYTES=%" PRIu64 "\nSTREAM_SECONDS=%.2f\n", s->w->size, secs);
	state(s, text);
	return NULL;
}

static int stream_read(struct block_backend *be, uint64_t offset, uint32_t len, uint8_t *dst)
{
	struct stream *s = (struct stream *)be;
	static struct fetcher f = { .who = "read", .ka = { .c = { -1, NULL } } };
	uint64_t first = offset / STREAM_CHUNK, last = (offset + len - 1) / STREAM_CHUNK;
	uint64_t ahead = STREAM_READAHEAD / STREAM_CHUNK;

	while (first <= last && have(s, first))
		first++;
	while (last >= first && have(s, last) && last > 0)
		last--;
	if (first <= last && !have(s, first)) {
		while (last + 1 < s->nchunks && ahead && !have(s, last + 1))
			last++, ahead--;
		store(s, &f, first, last);
	}
	memcpy(dst, s->map + offset, len);
	return 0;
}

int serve_stream(const struct nbd_watch *w)
{
	static struct stream s;
	struct errbuf e;
	char why[300];
	pthread_t filler;

	s = (struct stream){ .be = { .size = w->size, .read = stream_read }, .w = w, .t0 = monotonic_ns() };
	for (int i = 0; i < w->nmirrors; i++)
		if (url_parse(w->mirror[i], strlen(w->mirror[i]), &s.url[i], &e) < 0 || s.url[i].scheme != URL_HTTP) {
			sup_note("mirror %s: not an http(s):// URL", w->mirror[i]);
			return 2;
		}
	s.nchunks = (w->size + STREAM_CHUNK - 1) / STREAM_CHUNK;
	if (w->size > SIZE_MAX || (s.map = mmap(NULL, (size_t)w->size, PROT_READ | PROT_WRITE, MAP_SHARED, w->cache_fd, 0)) == MAP_FAILED) {
		sup_note("mapping the copy in RAM (%" PRIu64 " bytes): %s", w->size, strerror(errno));
		return 1;
	}
	if (!(s.have = calloc(s.nchunks, 1))) {
		sup_note("out of memory for %" PRIu64 " chunks", s.nchunks);
		return 1;
	}
	/* the CA file is read now: after switch_root it is gone (tls.c keeps it) */
	for (int i = 0; i < w->nmirrors; i++)
		if (s.url[i].tls && tls_preload(w->ca_file[0] ? w->ca_file : NULL, &e) < 0) {
			sup_note("%s", e.msg);
			return 1;
		}
	state(&s, "STREAM=filling\n");
	/* the fill thread takes no signals: SIGUSR1 must cut the main thread's waits */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	static struct filler fillers[STREAM_FILLERS];
	int rc = 0;
	for (unsigned k = 0; k < STREAM_FILLERS && rc == 0; k++) {
		fillers[k] = (struct filler){ &s, k };
		if ((rc = pthread_create(&filler, NULL, fill, &fillers[k])) == 0)
			pthread_detach(filler);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		sup_note("a fill thread missing (%s): the image is read on demand where it is not filled", strerror(rc));
	sup_note("streaming %s (%" PRIu64 " MiB, pid %d) into RAM in the background; reads of what is not there yet "
		 "are fetched at once", w->mirror[0], w->size >> 20, (int)getpid());
	rc = block_serve(w->kernel_fd, &s.be, why, sizeof(why));
	if (rc < 0)
		sup_note("%s", why);
	return rc < 0;
}
