/* netboot/tftp_client.c against a scripted TFTP server on 127.0.0.1 (a
 * forked child built on the same codec) that loses, reorders and duplicates
 * blocks, wraps block numbers past 65535, refuses or garbles options, sends
 * from a foreign port, goes silent, or reports errors.  Each case checks the
 * bytes delivered, the return code and message, and the stats. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "netboot/tftp_client.h"
#include "netboot/tftp_wire.h"
#include "tests/unit/check.h"

struct scenario {
	const char *name;
	size_t size;		/* file size */
	uint16_t blksize;	/* client's request (0 = path MTU) */
	uint16_t window;	/* client's request */
	int ignore_opts;	/* RFC 1350 server: DATA 1 straight away */
	int error_to_opts;	/* ERROR 8 to a request with options */
	int garbage_oack;	/* OACK with a non-numeric blksize */
	int raise_blksize;	/* OACK blksize above the request */
	int lose_ack0;		/* ignore the first ACK of the OACK */
	int lose_ack_every;	/* ignore every Nth window ACK (the server resends the window) */
	int drop_every;		/* lose the first sending of every Nth block */
	int drop_tail;		/* lose the first sending of each window's last block */
	int swap_every;		/* send block N+1 before N, first sending only */
	int dup_every;		/* send every Nth block twice */
	int foreign_at;		/* before block N, a DATA from another port */
	int oversize_at;	/* before block N, an oversized copy of it */
	int error_code;		/* answer every request with this ERROR (1 + code) */
	int tiny_oack;		/* answer the options with blksize=4, below RFC 2348's 8 */
	int big_data1;		/* ignore the options, yet send 1024-byte blocks */
	int mute;		/* never answer */
	int stall_after;	/* stop after sending block N */
	int tsize_lie;		/* announce tsize + this */
	int abort_at;		/* the client's deliver fails at this byte */
	int refuse_size;	/* the client's size_known fails (no room for the image) */
	/* expectations */
	int want_rc;
	const char *want_msg;
	int want_fallback, want_gaps, want_options;
	int want_tails;		/* lost window tails recovered early, with no timeout */
	unsigned want_server;	/* 0: the server must exit 0; 1: it may fail or be killed */
};

static uint8_t pattern(uint64_t i)
{
	return (uint8_t)((i * 2654435761u) >> 13 ^ i >> 16);
}

/* ---- the scripted server (runs in the child) ---- */

struct srv {
	const struct scenario *sc;
	int ls, fd, intruder;
	struct sockaddr_in client;
	uint16_t blksize, window;
	uint64_t nblocks;
	uint8_t *faulted;
};

static int wait_pkt(int fd, uint8_t *buf, size_t cap, int ms, struct sockaddr_in *from)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	socklen_t sl = sizeof(*from);

	if (poll(&pfd, 1, ms) <= 0)
		return -1;
	return (int)recvfrom(fd, buf, cap, 0, (struct sockaddr *)from, &sl);
}

static void send_block(struct srv *s, int fd, uint64_t b, size_t extra)
{
	static uint8_t pkt[TFTP_PKT_MAX + 64];
	uint64_t off = (b - 1) * s->blksize;
	size_t len = off >= s->sc->size ? 0 : s->sc->size - off < s->blksize ? s->sc->size - off : s->blksize;

	for (size_t i = 0; i < len + extra; i++)
		pkt[TFTP_HDR + i] = pattern(off + i);
	int n = tftp_build_data(pkt, sizeof(pkt), (uint16_t)b, pkt + TFTP_HDR, len + extra);
	sendto(fd, pkt, (size_t)n, 0, (struct sockaddr *)&s->client, sizeof(s->client));
}

static void send_window(struct srv *s, uint64_t base)
{
	const struct scenario *sc = s->sc;

	for (uint64_t b = base; b < base + s->window && b <= s->nblocks; b++) {
		int first = !s->faulted[b];
		s->faulted[b] = 1;
		if (sc->stall_after && b > (uint64_t)sc->stall_after)
			return;
		if (first && sc->foreign_at && b == (uint64_t)sc->foreign_at)
			send_block(s, s->intruder, b, 0);
		if (first && sc->oversize_at && b == (uint64_t)sc->oversize_at)
			send_block(s, s->fd, b, 7);
		if (first && sc->drop_every && b % (uint64_t)sc->drop_every == 0)
			continue;
		if (first && sc->drop_tail && b == base + s->window - 1)
			continue;
		if (first && sc->swap_every && b % (uint64_t)sc->swap_every == 0 && b + 1 < base + s->window && b < s->nblocks) {
			s->faulted[b + 1] = 1;
			send_block(s, s->fd, b + 1, 0);
			send_block(s, s->fd, b, 0);
			b++;
			continue;
		}
		send_block(s, s->fd, b, 0);
		if (sc->dup_every && b % (uint64_t)sc->dup_every == 0)
			send_block(s, s->fd, b, 0);
	}
}

/* Reads a request; returns its options (present = 0 for none). */
static int read_rrq(struct srv *s, struct tftp_opts *o)
{
	uint8_t buf[2048];
	struct tftp_pkt p;
	int n = wait_pkt(s->ls, buf, sizeof(buf), 5000, &s->client);

	if (n < 0 || tftp_parse(buf, (size_t)n, &p) < 0 || p.op != TFTP_RRQ || tftp_opts_parse(p.data, p.len, o) < 0)
		return -1;
	return 0;
}

static int new_tid(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	bind(fd, (struct sockaddr *)&a, sizeof(a));
	return fd;
}

static int serve(const struct scenario *sc, int ls)
{
	struct srv s = { .sc = sc, .ls = ls, .blksize = TFTP_BLKSIZE_DEFAULT, .window = 1 };
	struct tftp_opts o;
	uint8_t buf[TFTP_PKT_MAX + 64], out[256];
	struct sockaddr_in from;
	struct tftp_pkt p;
	int n;

	if (read_rrq(&s, &o) < 0)
		return 10;
	s.fd = new_tid();
	s.intruder = new_tid();
	if (sc->mute)
		pause();
	if (sc->error_code) {	/* not found / access denied are final: the client must not ask again */
		n = tftp_build_error(out, sizeof(out), (uint16_t)(sc->error_code - 1),
				     sc->error_code == 2 ? "File not found" : "Access violation");
		sendto(s.fd, out, (size_t)n, 0, (struct sockaddr *)&s.client, sizeof(s.client));
		struct sockaddr_in again;
		return wait_pkt(s.ls, out, sizeof(out), 300, &again) < 0 ? 0 : 11;	/* a second request is a failure */
	}
	if (o.present && (sc->error_to_opts || sc->garbage_oack || sc->raise_blksize || sc->tiny_oack)) {
		if (sc->tiny_oack) {
			memcpy(out, "\0\6blksize\0" "4\0", 12);
			n = 12;
		} else if (sc->error_to_opts) {
			n = tftp_build_error(out, sizeof(out), TFTP_EOPTNEG, "no options here");
		} else if (sc->garbage_oack) {
			memcpy(out, "\0\6blksize\0x12\0", 14);
			n = 14;
		} else {
			struct tftp_opts r = { TFTP_OPT_BLKSIZE, (uint16_t)(o.blksize + 1), 0, 0, 0 };
			n = tftp_build_oack(out, sizeof(out), &r);
		}
		sendto(s.fd, out, (size_t)n, 0, (struct sockaddr *)&s.client, sizeof(s.client));
		if (!sc->error_to_opts) {	/* the client must answer ERROR 8 */
			n = wait_pkt(s.fd, buf, sizeof(buf), 2000, &from);
			if (n < 0 || tftp_parse(buf, (size_t)n, &p) < 0 || p.op != TFTP_ERROR || p.code != TFTP_EOPTNEG)
				return 11;
		}
		if (read_rrq(&s, &o) < 0 || o.present)
			return 12;
		close(s.fd);
		s.fd = new_tid();
	}
	if (o.present && !sc->ignore_opts) {
		struct tftp_opts r = o;
		r.present &= TFTP_OPT_BLKSIZE | TFTP_OPT_TSIZE | TFTP_OPT_WINDOWSIZE;
		r.tsize = sc->size + (uint64_t)sc->tsize_lie;
		s.blksize = (o.present & TFTP_OPT_BLKSIZE) ? o.blksize : TFTP_BLKSIZE_DEFAULT;
		s.window = (o.present & TFTP_OPT_WINDOWSIZE) ? o.windowsize : 1;
		n = tftp_build_oack(out, sizeof(out), &r);
		for (int lost = 0, tries = 0;; tries++) {
			if (tries > 20)
				return 13;
			sendto(s.fd, out, (size_t)n, 0, (struct sockaddr *)&s.client, sizeof(s.client));
			int m = wait_pkt(s.fd, buf, sizeof(buf), 100, &from);
			if (m >= 0 && sc->refuse_size && tftp_parse(buf, (size_t)m, &p) == 0 && p.op == TFTP_ERROR)
				return p.code == TFTP_ENOSPACE ? 0 : 18;
			if (m < 0 || tftp_parse(buf, (size_t)m, &p) < 0 || p.op != TFTP_ACK || p.block != 0)
				continue;
			if (sc->lose_ack0 && !lost++)
				continue;
			break;
		}
	}
	if (sc->big_data1)
		s.blksize = 1024;
	s.nblocks = sc->size / s.blksize + 1;
	s.faulted = calloc(s.nblocks + 2, 1);
	/* windowed sender: a window from base, then the ACK moves base */
	uint64_t base = 1;
	int idle = 0, acks = 0;
	send_window(&s, base);
	for (;;) {
		n = wait_pkt(s.fd, buf, sizeof(buf), 60, &from);
		if (n < 0) {
			if (++idle > 30)
				return 14;
			send_window(&s, base);
			continue;
		}
		if (tftp_parse(buf, (size_t)n, &p) < 0)
			return 15;
		if (p.op == TFTP_ERROR) {
			if ((sc->abort_at && p.code == TFTP_ENOSPACE) || (sc->tsize_lie < 0 && p.code == TFTP_EUNDEF))
				return 0;
			return 16;
		}
		if (p.op != TFTP_ACK)
			continue;
		idle = 0;
		uint64_t acked = base - 1 + (uint64_t)(int64_t)(int16_t)(uint16_t)(p.block - (uint16_t)(base - 1));
		/* (the final ACK is never lost: the client does not dally) */
		if (sc->lose_ack_every && acked < s.nblocks && ++acks % sc->lose_ack_every == 0)
			continue;
		if (acked < base - 1)
			continue;	/* stale */
		if (acked >= s.nblocks)
			break;
		base = acked + 1;
		send_window(&s, base);
	}
	/* the intruder must have been told ERROR 5 */
	if (sc->foreign_at) {
		n = wait_pkt(s.intruder, buf, sizeof(buf), 500, &from);
		if (n < 0 || tftp_parse(buf, (size_t)n, &p) < 0 || p.op != TFTP_ERROR || p.code != TFTP_EBADID)
			return 17;
	}
	return 0;
}

/* ---- the client side (the test process) ---- */

struct sinkbuf {
	uint64_t got, bad, abort_at;
	int refuse_size;
	uint64_t tsize;
	int size_calls, early;
};

static int size_known(void *ctx, uint64_t tsize, struct errbuf *e)
{
	struct sinkbuf *k = ctx;
	k->size_calls++;
	k->tsize = tsize;
	if (k->refuse_size)
		return nb_fail(e, -ENOSPC, "%llu bytes do not fit in RAM", (unsigned long long)tsize);
	return 0;
}

static int deliver(void *ctx, const uint8_t *d, size_t n, struct errbuf *e)
{
	struct sinkbuf *k = ctx;

	if (!k->size_calls)
		k->early++;
	if (k->abort_at && k->got + n >= k->abort_at)
		return nb_fail(e, -ENOSPC, "tmpfs full");
	for (size_t i = 0; i < n; i++)
		if (d[i] != pattern(k->got + i))
			k->bad++;
	k->got += n;
	return 0;
}

static void run(const struct scenario *sc)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(a);
	int ls = socket(AF_INET, SOCK_DGRAM, 0), status = 0;
	char nm[160];

	bind(ls, (struct sockaddr *)&a, sizeof(a));
	getsockname(ls, (struct sockaddr *)&a, &sl);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		_exit(serve(sc, ls));
	close(ls);

	struct sinkbuf k = { .abort_at = (uint64_t)sc->abort_at, .refuse_size = sc->refuse_size };
	struct tftp_client_cfg c = {
		.host = "localhost", .port = ntohs(a.sin_port), .file = "image.dat", .url = "tftp://test/image.dat",
		.timeout_ms = 100, .max_tries = 4, .blksize = sc->blksize, .windowsize = sc->window,
		.size_known = size_known, .deliver = deliver, .ctx = &k,
	};
	struct tftp_stats st;
	struct errbuf e = { "" };
	int rc = tftp_client_get(&c, &st, &e);

	/* the server finishes on the final ACK; a muted one is ended here */
	for (int i = 0; i < 200 && !sc->want_server && waitpid(pid, &status, WNOHANG) == 0; i++) {
		struct timespec ts = { 0, 10 * 1000000 };
		nanosleep(&ts, NULL);
	}
	if (waitpid(pid, &status, WNOHANG) == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	snprintf(nm, sizeof(nm), "%s: return code", sc->name);
	if (rc != sc->want_rc)
		printf("  got rc %d (%s), want %d\n", rc, e.msg, sc->want_rc);
	CHECK(nm, rc == sc->want_rc);
	if (sc->want_msg) {
		snprintf(nm, sizeof(nm), "%s: message", sc->name);
		if (!strstr(e.msg, sc->want_msg))
			printf("  got '%s', want '%s' in it\n", e.msg, sc->want_msg);
		CHECK(nm, strstr(e.msg, sc->want_msg) != NULL);
	}
	if (sc->want_rc == 0) {
		snprintf(nm, sizeof(nm), "%s: every byte in order", sc->name);
		CHECK(nm, k.got == sc->size && k.bad == 0 && st.bytes == sc->size);
		snprintf(nm, sizeof(nm), "%s: size announced once, before the data", sc->name);
		CHECK(nm, k.size_calls == 1 && k.early == 0);
		snprintf(nm, sizeof(nm), "%s: options and fallback as expected", sc->name);
		CHECK(nm, st.options == (sc->want_options != 0) && st.fallback == (sc->want_fallback != 0));
		if (sc->want_tails) {
			snprintf(nm, sizeof(nm), "%s: tails ACKed early, no timeout", sc->name);
			if (!(st.tails > 0 && st.timeouts == 0))
				printf("  tails %u timeouts %u\n", st.tails, st.timeouts);
			CHECK(nm, st.tails > 0 && st.timeouts == 0);
		}
		if (sc->want_gaps) {
			snprintf(nm, sizeof(nm), "%s: gaps seen and recovered", sc->name);
			CHECK(nm, st.gaps > 0);
		}
	}
	snprintf(nm, sizeof(nm), "%s: server side", sc->name);
	if (!sc->want_server) {
		if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0))
			printf("  server status %#x\n", status);
		CHECK(nm, WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	if (rc == 0 && sc->size > 65535u * sc->blksize && sc->blksize) {
		snprintf(nm, sizeof(nm), "%s: block numbers wrapped", sc->name);
		CHECK(nm, st.blocks == sc->size / sc->blksize + 1 && st.blocks > 65536);
	}
}

static const struct scenario cases[] = {
	{ .name = "window 16, blksize 8, rollover", .size = 65536 * 8 + 100, .blksize = 8, .window = 16, .want_options = 1 },
	{ .name = "lock-step rollover", .size = 65600 * 8 + 3, .blksize = 8, .window = 1, .want_options = 1 },
	{ .name = "path MTU blksize, window 64", .size = 3000000, .want_options = 1 },
	{ .name = "lost blocks", .size = 300000, .blksize = 512, .window = 8, .drop_every = 37, .want_options = 1, .want_gaps = 1 },
	{ .name = "lost window tails", .size = 100000, .blksize = 512, .window = 8, .drop_tail = 1, .want_options = 1,
	  .want_tails = 1 },
	{ .name = "lost blocks across rollover", .size = 65536 * 8 + 4000, .blksize = 8, .window = 32, .drop_every = 4099,
	  .want_options = 1, .want_gaps = 1 },
	{ .name = "reordered blocks", .size = 200000, .blksize = 512, .window = 8, .swap_every = 11, .want_options = 1, .want_gaps = 1 },
	{ .name = "lost ACKs", .size = 200000, .blksize = 512, .window = 8, .lose_ack_every = 7, .want_options = 1 },
	{ .name = "duplicated blocks", .size = 100000, .blksize = 512, .window = 4, .dup_every = 5, .want_options = 1 },
	{ .name = "server ignores options", .size = 5000, .ignore_opts = 1 },
	{ .name = "ERROR 8 to options", .size = 5000, .error_to_opts = 1, .want_fallback = 1 },
	{ .name = "garbage OACK", .size = 5000, .garbage_oack = 1, .want_fallback = 1 },
	{ .name = "OACK raises blksize", .size = 5000, .blksize = 1024, .raise_blksize = 1, .want_fallback = 1 },
	{ .name = "OACK blksize below the RFC minimum refused, not clamped", .size = 5000, .tiny_oack = 1, .want_fallback = 1 },
	{ .name = "1024-byte DATA without an OACK", .size = 5000, .ignore_opts = 1, .big_data1 = 1, .want_rc = -EPROTO,
	  .want_msg = "sends 1024-byte blocks without acknowledging blksize", .want_server = 1 },
	{ .name = "ACK of OACK lost", .size = 5000, .blksize = 512, .lose_ack0 = 1, .want_options = 1 },
	{ .name = "foreign transfer ID", .size = 20000, .blksize = 512, .window = 4, .foreign_at = 3, .want_options = 1 },
	{ .name = "oversized DATA ignored", .size = 20000, .blksize = 512, .window = 4, .oversize_at = 2, .want_options = 1 },
	{ .name = "zero-length final block", .size = 4096, .blksize = 512, .window = 4, .want_options = 1 },
	{ .name = "empty file", .size = 0, .blksize = 512, .want_options = 1 },
	{ .name = "not found", .error_code = 2, .want_rc = -ENOENT,
	  .want_msg = "image.dat: TFTP error 1 (File not found) from tftp://test/image.dat" },
	{ .name = "access violation", .error_code = 3, .want_rc = -EACCES, .want_msg = "TFTP error 2 (Access violation)" },
	{ .name = "no answer", .mute = 1, .want_rc = -ETIMEDOUT, .want_msg = "no answer from tftp://test/image.dat after 4 tries",
	  .want_server = 1 },
	{ .name = "stall mid-transfer", .size = 10000, .blksize = 512, .window = 1, .stall_after = 5, .want_rc = -ETIMEDOUT,
	  .want_msg = "last block received 5", .want_server = 1 },
	{ .name = "tsize larger than the file", .size = 3000, .blksize = 512, .tsize_lie = 10, .want_rc = -EIO,
	  .want_msg = "announced 3010" },
	{ .name = "tsize smaller than the file", .size = 3000, .blksize = 512, .tsize_lie = -10, .want_rc = -EPROTO,
	  .want_msg = "more than the 2990 bytes" },
	{ .name = "size refused: server told", .size = 600000, .blksize = 1024, .refuse_size = 1, .want_rc = -ENOSPC,
	  .want_msg = "600000 bytes do not fit in RAM" },
	{ .name = "deliver fails: server told", .size = 600000, .blksize = 1024, .window = 8, .abort_at = 300000,
	  .want_rc = -ENOSPC, .want_msg = "tmpfs full" },
};

static void test_refused(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sinkbuf k = { 0 };
	struct errbuf e = { "" };

	bind(fd, (struct sockaddr *)&a, sizeof(a));
	getsockname(fd, (struct sockaddr *)&a, &sl);
	close(fd);	/* nobody listens there now */
	struct tftp_client_cfg c = { .host = "127.0.0.1", .port = ntohs(a.sin_port), .file = "x", .url = "tftp://127.0.0.1/x",
				     .timeout_ms = 2000, .deliver = deliver, .ctx = &k };
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = tftp_client_get(&c, NULL, &e);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK("port unreachable: -ECONNREFUSED at once", rc == -ECONNREFUSED && t1.tv_sec - t0.tv_sec < 2);
	CHECK("port unreachable: message", strstr(e.msg, "no TFTP server answers at tftp://127.0.0.1/x") != NULL);

	c.host = "no-such-host.invalid";
	rc = tftp_client_get(&c, NULL, &e);
	CHECK("unresolvable host", rc == -EHOSTUNREACH && strstr(e.msg, "cannot resolve 'no-such-host.invalid'"));
	c.host = "127.0.0.1";
	c.file = "";
	CHECK("empty file name", tftp_client_get(&c, NULL, &e) == -EINVAL);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run(&cases[i]);
	test_refused();
	return CHECK_DONE();
}
