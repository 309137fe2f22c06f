/* The boot's timeline: each stage's duration from /init's start, and where
 * stage 3's time went.  One console line before switch_root and the same as
 * key=value lines in /run/netboot/timeline (docs/handover.md). */
#ifndef INIT_TIMELINE_H
#define INIT_TIMELINE_H
#include <stddef.h>
#include <stdint.h>
#include "fetch/sink.h"

#define TIMELINE_STAGES 10

struct timeline {
	uint64_t t0_ns, last_ns;	/* /init's start, the end of the last stage */
	int n;
	struct {
		const char *name;
		uint64_t ns;
	} stage[TIMELINE_STAGES];
	/* stage 3 by copy (HTTP/TFTP); bytes == 0: none (NBD, NFS) */
	uint64_t bytes;
	uint64_t download_ns;
	struct sink_stats st;
	/* sampled right after the download (timeline_sample_memory); 0 = unknown */
	uint64_t rss_peak_kib;	/* VmHWM of /init: its peak resident memory so far */
	uint64_t tmpfs_used;	/* bytes in use in the image's tmpfs: the one copy in RAM */
};

void timeline_start(struct timeline *t, uint64_t now_ns);
/* The stage that just ended at now_ns. */
void timeline_mark(struct timeline *t, const char *stage, uint64_t now_ns);
/* The value in kB of "key:" in /proc/<pid>/status or /proc/meminfo text
 * (buf, len); -1 when absent or malformed.  Pure. */
long long timeline_proc_kib(const char *buf, size_t len, const char *key);
/* Reads VmHWM of this process and the space used in the tmpfs at dir. */
void timeline_sample_memory(struct timeline *t, const char *dir);
/* "mounts 0.01 s, ..., stage3 4.30 s (270 MB, 63 MB/s, hash 110 MB/s;
 * waiting: network 3.9 s, hash 0.1 s, file 0.3 s; peak RSS 812 KiB, tmpfs 270 MB), mount 0.04 s, total 4.41 s"
 * (MB = 10^6 bytes); total runs to now_ns.  Pure. */
void timeline_line(const struct timeline *t, uint64_t now_ns, char *buf, size_t len);
/* The same as "key=value\n" lines (seconds, bytes, MB/s).  Pure. */
void timeline_keys(const struct timeline *t, uint64_t now_ns, char *buf, size_t len);
#endif
