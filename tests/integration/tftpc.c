/* tftpc: drives netboot/tftp_client.c directly, with the knobs the stage-3
 * path does not expose, for tftp_servers.sh and bench/tftp_bench.sh.
 *   tftpc [-b BLKSIZE] [-w WINDOW] [-n] [-t MS] [-r TRIES] [-o OUT] [-R RCVBUF] [-v] HOST PORT FILE
 * Prints one line "bytes=... secs=... MBps=... blksize=... window=... ..."
 * on stdout; on failure the error on stderr and exit status = errno. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include "netboot/tftp_client.h"

struct out {
	int fd;
	uint64_t announced;
	int size_calls;
};

static int size_known(void *ctx, uint64_t tsize, struct errbuf *e)
{
	struct out *o = ctx;
	(void)e;
	o->announced = tsize;
	o->size_calls++;
	return 0;
}

static int deliver(void *ctx, const uint8_t *p, size_t n, struct errbuf *e)
{
	struct out *o = ctx;

	while (n) {
		ssize_t w = write(o->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return nb_fail(e, -errno, "write: %s", strerror(errno));
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct tftp_client_cfg c = { .deliver = deliver, .size_known = size_known };
	struct tftp_stats st;
	struct errbuf e = { "" };
	struct out o = { .fd = 1 };
	struct timespec t0, t1;
	struct rusage ru;
	const char *outpath = NULL;
	char url[512];
	int opt, rc;

	while ((opt = getopt(argc, argv, "b:w:nt:r:o:vR:")) != -1) {
		switch (opt) {
		case 'b': c.blksize = (uint16_t)atoi(optarg); break;
		case 'w': c.windowsize = (uint16_t)atoi(optarg); break;
		case 'n': c.no_options = true; break;
		case 't': c.timeout_ms = atoi(optarg); break;
		case 'r': c.max_tries = atoi(optarg); break;
		case 'o': outpath = optarg; break;
		case 'v': c.log = stderr; break;
		case 'R': c.rcvbuf = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: tftpc [-b BLKSIZE] [-w WINDOW] [-n] [-t MS] [-r TRIES] [-o OUT] [-R RCVBUF] [-v] HOST PORT FILE\n");
			return 2;
		}
	}
	if (argc - optind != 3) {
		fprintf(stderr, "tftpc: expected HOST PORT FILE\n");
		return 2;
	}
	c.host = argv[optind];
	c.port = (uint16_t)atoi(argv[optind + 1]);
	c.file = argv[optind + 2];
	snprintf(url, sizeof(url), "tftp://%s:%s/%s", c.host, argv[optind + 1], c.file);
	c.url = url;
	c.ctx = &o;
	if (outpath && (o.fd = open(outpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0) {
		fprintf(stderr, "tftpc: %s: %s\n", outpath, strerror(errno));
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = tftp_client_get(&c, &st, &e);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	getrusage(RUSAGE_SELF, &ru);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("bytes=%llu secs=%.3f MBps=%.1f blksize=%u window=%u options=%d fallback=%d tsize=%llu "
	       "size_calls=%d blocks=%llu timeouts=%u gaps=%u tails=%u dups=%u foreign=%u bad=%u rcvbuf=%d maxrss_kb=%ld\n",
	       (unsigned long long)st.bytes, secs, secs > 0 ? (double)st.bytes / secs / 1e6 : 0.0, st.blksize,
	       st.windowsize, st.options, st.fallback, (unsigned long long)o.announced, o.size_calls,
	       (unsigned long long)st.blocks, st.timeouts, st.gaps, st.tails, st.dups, st.foreign, st.bad, st.rcvbuf, ru.ru_maxrss);
	if (rc < 0) {
		fprintf(stderr, "tftpc: %s\n", e.msg);
		return -rc > 255 ? 1 : -rc;
	}
	if (outpath && close(o.fd) < 0) {
		fprintf(stderr, "tftpc: %s: %s\n", outpath, strerror(errno));
		return 1;
	}
	return 0;
}
