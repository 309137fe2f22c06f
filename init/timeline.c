/* Stage durations and stage 3's time split, formatted (pure) for the console
 * and for /run/netboot/timeline. */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>
#include "init/timeline.h"

void timeline_start(struct timeline *t, uint64_t now_ns)
{
	memset(t, 0, sizeof(*t));
	t->t0_ns = t->last_ns = now_ns;
}

void timeline_mark(struct timeline *t, const char *stage, uint64_t now_ns)
{
	if (t->n < TIMELINE_STAGES) {
		t->stage[t->n].name = stage;
		t->stage[t->n++].ns = now_ns - t->last_ns;
	}
	t->last_ns = now_ns;
}

long long timeline_proc_kib(const char *buf, size_t len, const char *key)
{
	size_t klen = strlen(key);
	for (size_t at = 0; at < len;) {
		const char *nl = memchr(buf + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - buf) : len;
		if (end - at > klen && !memcmp(buf + at, key, klen) && buf[at + klen] == ':') {
			long long v = -1;
			for (size_t i = at + klen + 1; i < end; i++) {
				if (buf[i] >= '0' && buf[i] <= '9') {
					if (v > (1ll << 50))
						return -1;	/* no real memory figure is this large */
					v = (v < 0 ? 0 : v * 10) + (buf[i] - '0');
				} else if (buf[i] != ' ' && buf[i] != '\t') {
					break;	/* " kB" */
				}
			}
			return v;
		}
		at = end + 1;
	}
	return -1;
}

void timeline_sample_memory(struct timeline *t, const char *dir)
{
	char buf[4096];
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, buf, sizeof(buf));
		long long v = n > 0 ? timeline_proc_kib(buf, (size_t)n, "VmHWM") : -1;
		t->rss_peak_kib = v > 0 ? (uint64_t)v : 0;
		close(fd);
	}
	struct statfs sf;
	if (dir && statfs(dir, &sf) == 0)
		t->tmpfs_used = (uint64_t)(sf.f_blocks - sf.f_bfree) * (uint64_t)sf.f_bsize;
}

static double sec(uint64_t ns)
{
	return (double)ns / 1e9;
}

static double mb_per_s(uint64_t bytes, uint64_t ns)
{
	return ns ? (double)bytes / 1e6 / sec(ns) : 0;
}

/* Appends to buf, never past len (snprintf semantics, truncated). */
static void add(char *buf, size_t len, size_t *at, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void add(char *buf, size_t len, size_t *at, const char *fmt, ...)
{
	va_list ap;
	if (*at >= len)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *at, len - *at, fmt, ap);
	va_end(ap);
	*at += n > 0 ? (size_t)n : 0;
}

void timeline_line(const struct timeline *t, uint64_t now_ns, char *buf, size_t len)
{
	size_t at = 0;
	if (len)
		buf[0] = '\0';
	for (int i = 0; i < t->n; i++) {
		add(buf, len, &at, "%s%s %.2f s", i ? ", " : "", t->stage[i].name, sec(t->stage[i].ns));
		if (strcmp(t->stage[i].name, "stage3"))
			continue;
		if (!t->bytes) {	/* nothing downloaded before switch_root (NBD, NFS, stream) */
			if (t->rss_peak_kib)
				add(buf, len, &at, " (peak RSS %llu KiB)", (unsigned long long)t->rss_peak_kib);
			continue;
		}
		/* the receiving thread receives or waits for a free slot; the
		 * second thread writes the file and hashes (fetch/hash_pipe.h) */
		add(buf, len, &at, " (%.0f MB, %.0f MB/s; receiving %.2f s, waiting on the writer %.2f s, writing %.2f s; "
		    "writer: file %.2f s, hash %.0f MB/s",
		    (double)t->bytes / 1e6, mb_per_s(t->bytes, t->download_ns), sec(t->st.net_ns),
		    sec(t->st.ring_full_ns), sec(t->st.file_here_ns), sec(t->st.file_ns - t->st.file_here_ns),
		    mb_per_s(t->bytes, t->st.hash_ns));
		if (t->rss_peak_kib || t->tmpfs_used)
			add(buf, len, &at, "; peak RSS %llu KiB, tmpfs %.0f MB", (unsigned long long)t->rss_peak_kib,
			    (double)t->tmpfs_used / 1e6);
		add(buf, len, &at, ")");
	}
	add(buf, len, &at, "%stotal %.2f s", t->n ? ", " : "", sec(now_ns - t->t0_ns));
}

void timeline_keys(const struct timeline *t, uint64_t now_ns, char *buf, size_t len)
{
	size_t at = 0;
	if (len)
		buf[0] = '\0';
	for (int i = 0; i < t->n; i++)
		add(buf, len, &at, "%s=%.3f\n", t->stage[i].name, sec(t->stage[i].ns));
	if (t->bytes)
		add(buf, len, &at,
		    "stage3_bytes=%llu\nstage3_download=%.3f\nstage3_mbps=%.1f\nhash_mbps=%.1f\n"
		    "wait_network=%.3f\nwait_hash=%.3f\nwrite_file=%.3f\nwrite_file_receiving=%.3f\n",
		    (unsigned long long)t->bytes, sec(t->download_ns), mb_per_s(t->bytes, t->download_ns),
		    mb_per_s(t->bytes, t->st.hash_ns), sec(t->st.net_ns), sec(t->st.ring_full_ns), sec(t->st.file_ns),
		    sec(t->st.file_here_ns));
	if (t->rss_peak_kib || t->tmpfs_used)
		add(buf, len, &at, "rss_peak_kib=%llu\ntmpfs_used=%llu\n", (unsigned long long)t->rss_peak_kib,
		    (unsigned long long)t->tmpfs_used);
	add(buf, len, &at, "total=%.3f\n", sec(now_ns - t->t0_ns));
}
