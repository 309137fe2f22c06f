/* netboot fetch: stage 3 by copy on the host, through the code /init runs. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fetch/fetch.h"
#include "netboot/jitter.h"
#include "netboot/tls.h"
#include "tool/tool.h"

#define MAX_MIRRORS 8

static int open_output(void *ctx, uint64_t size, struct errbuf *e)
{
	const char *path = ctx;
	(void)size;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	return fd < 0 ? nb_fail(e, -errno, "%s: %s", path, strerror(errno)) : fd;
}

/* A whole decimal number within [min, max], or -1. */
static long number(const char *s, long min, long max)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	return (errno || end == s || *end || v < min || v > max) ? -1 : v;
}

/* On stdout for --help (exit 0), else on stderr (exit 2). */
static int usage(FILE *out)
{
	fprintf(out, "usage: netboot fetch URL[,URL...] -o FILE [--checksum ALGO:HEX] [--nocheck]\n"
			"                     [--proxy http://host:port] [--tries N] [--timeout SECONDS] [--quiet]\n"
			"                     [--stall-window SECONDS]  (a try fails under 64 KiB in that long; default 30)\n"
			"                     [--portable-hash]  (no SHA-NI: as on a CPU without it, md5 files first)\n"
			"                     [--jitter SECONDS]  (a random wait of up to that long first, as netboot.jitter=)\n"
			"                     [--pubkey FILE]...  (minisign key: the image must be signed by it, URL.minisig)\n"
			"                     [--ca FILE]  (https: PEM CA certificates; default " TLS_CA_DEFAULT ")\n"
			"exit status: 0 verified, 3 checksum mismatch or bad signature, 4 not found (image or signature),\n"
			"             5 signed by another key, a legacy signature or certificate refused, 1 other failure\n");
	return out == stdout ? 0 : 2;
}

/* A range-checked option value: *out, or a message naming the flag and
 * the range, and -1. */
static int range_arg(const char *flag, const char *arg, long min, long max, const char *unit, long *out)
{
	if ((*out = number(arg, min, max)) >= 0)
		return 0;
	fprintf(stderr, "netboot: fetch: %s '%s': expected %s from %ld to %ld\n", flag, arg, unit, min, max);
	return -1;
}

/* What the options set beside the request itself. */
struct fetch_args {
	const char *out;
	long jitter;			/* seconds; 0 = none */
	struct sig_keys keys;		/* --pubkey files; rq->keys points here when any */
};

/* The options into rq and a: 0, or the exit status (2: a bad value or
 * usage). */
static int parse_options(int argc, char **argv, struct fetch_request *rq, struct fetch_args *a)
{
	static const struct option opts[] = {
		{ "output", required_argument, 0, 'o' }, { "checksum", required_argument, 0, 'c' },
		{ "nocheck", no_argument, 0, 'n' },	  { "proxy", required_argument, 0, 'p' },
		{ "tries", required_argument, 0, 't' },	  { "timeout", required_argument, 0, 'T' },
		{ "quiet", no_argument, 0, 'q' },	  { "stall-window", required_argument, 0, 'S' },
		{ "portable-hash", no_argument, 0, 'P' }, { "jitter", required_argument, 0, 'J' },
		{ "pubkey", required_argument, 0, 'K' },
		{ "ca", required_argument, 0, 'C' },
		{ 0, 0, 0, 0 },
	};
	struct errbuf e = { "" };
	long v;
	int c;

	while ((c = getopt_long(argc, argv, "o:c:np:t:T:qS:", opts, NULL)) != -1) {
		switch (c) {
		case 'o': a->out = optarg; break;
		case 'c': rq->checksum_arg = optarg; break;
		case 'n': rq->verify = false; break;
		case 'p': rq->transport.proxy = optarg; break;
		case 't':
			if (range_arg("--tries", optarg, 1, 100, "a number", &v) < 0)
				return 2;
			rq->transport.max_tries = (int)v;
			break;
		case 'T':
			if (range_arg("--timeout", optarg, 1, 3600, "seconds", &v) < 0)
				return 2;
			rq->transport.timeout_ms = (int)v * 1000;
			break;
		case 'q': rq->log = NULL; break;
		case 'P': rq->hash_impl = HASH_IMPL_PORTABLE; break;
		case 'C': rq->transport.ca_file = optarg; break;
		case 'S':
			if (range_arg("--stall-window", optarg, 1, 3600, "seconds", &v) < 0)
				return 2;
			rq->transport.stall_window_ms = (int)v * 1000;
			break;
		case 'J':
			if (range_arg("--jitter", optarg, 0, JITTER_MAX_SECS, "seconds", &a->jitter) < 0)
				return 2;
			break;
		case 'K':
			if (sig_keys_add_file(&a->keys, optarg, &e) < 0) {
				fprintf(stderr, "netboot: fetch: --pubkey: %s\n", e.msg);
				return 2;
			}
			rq->keys = &a->keys;
			break;
		default: return usage(stderr);
		}
	}
	if (!a->out || optind >= argc) {
		fprintf(stderr, "netboot: fetch: %s\n", !a->out ? "no output file: give -o FILE" : "no URL given");
		return usage(stderr);
	}
	return 0;
}

/* The URL arguments (each a comma-separated list) into urls: how many, or
 * -1 with a message. */
static int parse_mirrors(int argc, char **argv, struct url *urls)
{
	struct errbuf e = { "" };
	int n = 0;
	for (; optind < argc; optind++) {
		char *list = argv[optind], *tok, *save = NULL;
		for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			if (n == MAX_MIRRORS) {
				fprintf(stderr, "netboot: fetch: at most %d mirrors\n", MAX_MIRRORS);
				return -1;
			}
			if (url_parse(tok, strlen(tok), &urls[n], &e) < 0) {
				fprintf(stderr, "netboot: fetch: %s\n", e.msg);
				return -1;
			}
			n++;
		}
	}
	return n;
}

/* The key=value lines a verified fetch prints. */
static void print_result(const struct fetch_result *res, long jitter, unsigned waited, const struct url *urls, int n)
{
	printf("size=%llu\nseconds=%.3f\n", (unsigned long long)res->size, res->seconds);
	if (jitter)
		printf("jitter_ms=%u\n", waited);
	if (res->verified)
		printf("verified=%s:%s\nchecksum_source=%s\nhash=%s %s\nwhy=%s\n", hash_name(res->algo), res->digest_hex,
		       res->checksum_source, hash_name(res->algo), res->hash_impl, res->why);
	else
		printf("verified=no\n");
	if (res->signed_ok)
		printf("signature=%s\nsigned_by=%s\ntrusted_comment=%s\n", res->checksum_source, res->sig_keyid,
		       res->sig_comment);
	/* where the time went (fetch/sink.h) */
	printf("wait_network=%.3f\nwait_hash=%.3f\nwrite_file=%.3f\nhash_seconds=%.3f\n", res->stats.net_ns / 1e9,
	       res->stats.ring_full_ns / 1e9, res->stats.file_ns / 1e9, res->stats.hash_ns / 1e9);
	if (n > 1) {
		char shown[URL_TEXT_MAX];
		url_format(&urls[res->url_index], shown, sizeof(shown));
		printf("served_by=%s\n", shown);
	}
}

int cmd_fetch(int argc, char **argv)
{
	struct url urls[MAX_MIRRORS];
	struct fetch_request rq = { .verify = true, .log = stderr };
	struct fetch_args a = { 0 };
	struct fetch_result res;
	struct errbuf e = { "" };

	if (argc > 1 && tool_is_help(argv[1]))
		return usage(stdout);
	int rc = parse_options(argc, argv, &rq, &a);
	if (rc)
		return rc;
	int n = parse_mirrors(argc, argv, urls);
	if (n < 0)
		return 2;
	rq.urls = urls;
	rq.nurls = n;
	rq.transport.log = rq.log;
	rq.open = open_output;
	rq.open_ctx = (void *)a.out;
	unsigned waited = jitter_ms((unsigned)a.jitter, jitter_random());
	if (a.jitter) {
		if (rq.log)
			fprintf(rq.log, "netboot: fetch: jitter: waiting %u.%03u s (random, up to %ld s) before the first request\n",
				waited / 1000, waited % 1000, a.jitter);
		jitter_sleep(waited);
	}
	rc = fetch_image(&rq, &res, &e);
	if (rc < 0) {
		fprintf(stderr, "netboot: %s\n", e.msg);
		return rc == -EBADMSG ? 3 : rc == -ENOENT ? 4 : rc == -EKEYREJECTED || rc == -ENOTSUP ? 5 : 1;
	}
	print_result(&res, a.jitter, waited, urls, n);
	return 0;
}
