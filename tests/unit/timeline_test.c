/* init/timeline.c: the console line and the key=value file from known
 * durations.  init/ is linked only into /init, so the module is included. */
#include "init/timeline.c"
#include "tests/unit/check.h"

#define MS 1000000ull

int main(void)
{
	struct timeline t;
	char buf[512];
	uint64_t now = 1000 * MS;

	timeline_start(&t, now);
	timeline_line(&t, now + 5 * MS, buf, sizeof(buf));
	CHECK_STR("no stage yet: total only", buf, "total 0.01 s");

	static const struct { const char *name; uint64_t ms; } stages[] = {
		{ "mounts", 10 }, { "cmdline", 1 }, { "modules", 280 }, { "network", 90 }, { "stage3", 4300 }, { "mount", 40 },
	};
	for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]); i++)
		timeline_mark(&t, stages[i].name, now += stages[i].ms * MS);
	timeline_line(&t, now + 10 * MS, buf, sizeof(buf));
	CHECK_STR("NBD/NFS: stage durations without stage 3 figures", buf,
		  "mounts 0.01 s, cmdline 0.00 s, modules 0.28 s, network 0.09 s, stage3 4.30 s, mount 0.04 s, total 4.73 s");

	t.bytes = 270000000;
	t.download_ns = 4286 * MS;
	t.st = (struct sink_stats){ .net_ns = 3900 * MS, .ring_full_ns = 100 * MS, .file_ns = 300 * MS, .file_here_ns = 100 * MS,
				    .hash_ns = 2454 * MS };
	timeline_line(&t, now + 10 * MS, buf, sizeof(buf));
	CHECK_STR("stage 3: size, rates and the waits", buf,
		  "mounts 0.01 s, cmdline 0.00 s, modules 0.28 s, network 0.09 s, stage3 4.30 s (270 MB, 63 MB/s; "
		  "receiving 3.90 s, waiting on the writer 0.10 s, writing 0.10 s; writer: file 0.20 s, hash 110 MB/s), mount 0.04 s, "
		  "total 4.73 s");
	timeline_keys(&t, now + 10 * MS, buf, sizeof(buf));
	CHECK_STR("key=value file", buf,
		  "mounts=0.010\ncmdline=0.001\nmodules=0.280\nnetwork=0.090\nstage3=4.300\nmount=0.040\n"
		  "stage3_bytes=270000000\nstage3_download=4.286\nstage3_mbps=63.0\nhash_mbps=110.0\n"
		  "wait_network=3.900\nwait_hash=0.100\nwrite_file=0.300\nwrite_file_receiving=0.100\ntotal=4.731\n");

	t.rss_peak_kib = 812;
	t.tmpfs_used = 270012416;
	timeline_line(&t, now + 10 * MS, buf, sizeof(buf));
	CHECK("stage 3: peak RSS and the tmpfs in the parentheses",
	      strstr(buf, "hash 110 MB/s; peak RSS 812 KiB, tmpfs 270 MB), mount 0.04 s") != NULL);
	timeline_keys(&t, now + 10 * MS, buf, sizeof(buf));
	CHECK_STR("key=value: rss_peak_kib and tmpfs_used", strstr(buf, "write_file"), "write_file=0.300\nwrite_file_receiving=0.100\nrss_peak_kib=812\ntmpfs_used=270012416\ntotal=4.731\n");

	static const char status[] = "Name:\tinit\nVmPeak:\t    2048 kB\nVmHWM:\t     812 kB\nVmRSS:\t 700 kB\nVmHW:\t1 kB\n";
	CHECK("proc field: VmHWM", timeline_proc_kib(status, sizeof(status) - 1, "VmHWM") == 812);
	CHECK("proc field: a prefix of another key is not it", timeline_proc_kib(status, sizeof(status) - 1, "VmH") == -1);
	CHECK("proc field: absent", timeline_proc_kib(status, sizeof(status) - 1, "Shmem") == -1);
	CHECK("proc field: cut before the number", timeline_proc_kib(status, 41, "VmHWM") == -1);
	static const char big[] = "Shmem: 99999999999999999999 kB\n";
	CHECK("proc field: an absurd number is refused", timeline_proc_kib(big, sizeof(big) - 1, "Shmem") == -1);
	CHECK("proc field: no value", timeline_proc_kib("Shmem:\n", 7, "Shmem") == -1);
	struct timeline m = { 0 };
	timeline_sample_memory(&m, "/");
	CHECK("this process's VmHWM is read", m.rss_peak_kib > 0);

	char small[40];
	timeline_line(&t, now, small, sizeof(small));
	CHECK("a short buffer is cut, terminated", strlen(small) == sizeof(small) - 1 && !strncmp(small, "mounts 0.01 s", 13));

	for (int i = 0; i < 20; i++)	/* more marks than slots: kept to the first, no overflow */
		timeline_mark(&t, "x", now += MS);
	CHECK("more stages than slots: bounded", t.n == TIMELINE_STAGES);
	return CHECK_DONE();
}
