/* tftp_probe: a TFTP client that misbehaves on purpose, for serve_tftp.sh.
 * Each mode prints one line of what it saw; exit 0 unless a socket fails.
 *   tftp_probe HOST PORT raw              send stdin as one datagram; print the reply
 *   tftp_probe HOST PORT tsize-abort FILE RRQ tsize=0, then ERROR 8 after the OACK
 *   tftp_probe HOST PORT dupack FILE      lock-step RRQ; ACK 1 three times; count DATA 2
 *   tftp_probe HOST PORT noack FILE       RRQ timeout=1; ACK the OACK, never DATA 1;
 *                                         count DATA 1 copies until the server gives up
 *   tftp_probe HOST PORT flood N FILE [SRC [NSRC [HOLD_MS]]]
 *                                         N RRQs from N sockets at once; count answers.
 *                                         SRC: the sockets' addresses are SRC, SRC+1, ...
 *                                         SRC+NSRC-1 in turn (127.0.0.x are all loopback);
 *                                         HOLD_MS: the sockets stay open that long after
 *                                         the count is printed, so the transfers live on
 *   tftp_probe HOST PORT lossy FILE OUT   blksize 512, windowsize 16, timeout 1: drops
 *                                         every 97th block once (RFC 7440 gap ACK) and
 *                                         one window-end ACK (server timeout); writes OUT */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "netboot/clock.h"
#include "netboot/tftp_wire.h"

static struct sockaddr_in server;

/* A socket bound to src (network order; INADDR_ANY: the route's choice). */
static int udp_socket_from(uint32_t src)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = src };
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("tftp_probe: socket");
		exit(1);
	}
	return fd;
}

static int udp_socket(void)
{
	return udp_socket_from(INADDR_ANY);
}

/* One datagram within ms, its sender in *from; length or -1 on timeout. */
static ssize_t recv_within(int fd, uint8_t *buf, size_t cap, int ms, struct sockaddr_in *from)
{
	struct pollfd p = { fd, POLLIN, 0 };
	if (poll(&p, 1, ms) <= 0)
		return -1;
	socklen_t fl = sizeof(*from);
	return recvfrom(fd, buf, cap, 0, (struct sockaddr *)from, &fl);
}

static void send_to(int fd, const void *b, size_t n, const struct sockaddr_in *to)
{
	if (sendto(fd, b, n, 0, (const struct sockaddr *)to, sizeof(*to)) < 0)
		perror("tftp_probe: sendto");
}

static void describe(const uint8_t *b, ssize_t n)
{
	struct tftp_pkt p;
	char msg[96];
	if (n < 0) {
		printf("no reply\n");
	} else if (tftp_parse(b, (size_t)n, &p) < 0) {
		printf("unparsable reply of %zd bytes\n", n);
	} else if (p.op == TFTP_ERROR) {
		nb_sanitize(msg, sizeof(msg), (const char *)p.data, p.len);
		printf("error code=%u msg=%s\n", p.code, msg);
	} else if (p.op == TFTP_OACK) {
		struct tftp_opt_iter it;
		struct tftp_opt o;
		printf("oack");
		tftp_opt_begin(&it, p.data, p.len);
		while (tftp_opt_next(&it, &o) > 0)
			printf(" %s=%s", o.name, o.val);
		printf("\n");
	} else {
		printf("op=%u block=%u len=%zu\n", p.op, p.block, p.len);
	}
}

static int mode_raw(void)
{
	uint8_t buf[TFTP_PKT_MAX];
	size_t n = fread(buf, 1, sizeof(buf), stdin);
	int fd = udp_socket();
	struct sockaddr_in from;
	send_to(fd, buf, n, &server);
	describe(buf, recv_within(fd, buf, sizeof(buf), 1000, &from));
	return 0;
}

static int rrq(int fd, const char *file, const struct tftp_opts *o)
{
	uint8_t buf[512];
	int n = tftp_build_rrq(buf, sizeof(buf), file, o);
	if (n < 0)
		return -1;
	send_to(fd, buf, (size_t)n, &server);
	return 0;
}

static int mode_tsize_abort(const char *file)
{
	struct tftp_opts o = { TFTP_OPT_TSIZE | TFTP_OPT_BLKSIZE, 1468, 0, 0, 0 }, got;
	uint8_t buf[2048];
	struct sockaddr_in from;
	struct tftp_pkt p;
	int fd = udp_socket();
	rrq(fd, file, &o);
	ssize_t n = recv_within(fd, buf, sizeof(buf), 2000, &from);
	if (n < 0 || tftp_parse(buf, (size_t)n, &p) < 0 || p.op != TFTP_OACK || tftp_opts_parse(p.data, p.len, &got) < 0) {
		describe(buf, n);
		return 0;
	}
	printf("oack tsize=%llu blksize=%u\n", (unsigned long long)got.tsize, got.blksize);
	n = tftp_build_error(buf, sizeof(buf), TFTP_EOPTNEG, "size only");
	send_to(fd, buf, (size_t)n, &from);
	return 0;
}

static int mode_dupack(const char *file)
{
	uint8_t buf[2048], ack[4];
	struct sockaddr_in from;
	struct tftp_pkt p;
	int fd = udp_socket(), data2 = 0, other = 0;
	rrq(fd, file, NULL);
	ssize_t n = recv_within(fd, buf, sizeof(buf), 2000, &from);
	if (n < 0 || tftp_parse(buf, (size_t)n, &p) < 0 || p.op != TFTP_DATA || p.block != 1) {
		describe(buf, n);
		return 0;
	}
	tftp_build_ack(ack, sizeof(ack), 1);
	for (int i = 0; i < 3; i++)
		send_to(fd, ack, sizeof(ack), &from);
	while ((n = recv_within(fd, buf, sizeof(buf), 400, &from)) >= 0)
		if (tftp_parse(buf, (size_t)n, &p) == 0 && p.op == TFTP_DATA && p.block == 2)
			data2++;
		else
			other++;
	printf("data2=%d other=%d\n", data2, other);
	return 0;
}

static int mode_noack(const char *file)
{
	struct tftp_opts o = { TFTP_OPT_TIMEOUT, 0, 0, 1, 0 };
	uint8_t buf[2048], ack[4];
	struct sockaddr_in from;
	struct tftp_pkt p;
	int fd = udp_socket(), copies = 0;
	long long t0 = monotonic_ms();
	rrq(fd, file, &o);
	ssize_t n = recv_within(fd, buf, sizeof(buf), 2000, &from);
	if (n < 0 || tftp_parse(buf, (size_t)n, &p) < 0 || p.op != TFTP_OACK) {
		describe(buf, n);
		return 0;
	}
	tftp_build_ack(ack, sizeof(ack), 0);
	send_to(fd, ack, sizeof(ack), &from);
	while ((n = recv_within(fd, buf, sizeof(buf), 3000, &from)) >= 0) {
		if (tftp_parse(buf, (size_t)n, &p) < 0)
			continue;
		if (p.op == TFTP_DATA && p.block == 1)
			copies++;
		if (p.op == TFTP_ERROR)
			break;
	}
	printf("copies=%d secs=%.1f then ", copies, (double)(monotonic_ms() - t0) / 1000.0);
	describe(buf, n);
	return 0;
}

static int mode_flood(int count, const char *file, uint32_t src, int nsrc, int hold_ms)
{
	int *fds = calloc((size_t)count, sizeof(int)), data = 0, busy = 0, other = 0;
	uint8_t buf[2048];
	struct sockaddr_in from;
	struct tftp_pkt p;
	if (!fds)
		return 1;
	for (int i = 0; i < count; i++) {
		fds[i] = udp_socket_from(src ? htonl(ntohl(src) + (uint32_t)(i % nsrc)) : INADDR_ANY);
		rrq(fds[i], file, NULL);
		usleep(500);	/* the server's socket buffer holds them all this way */
	}
	for (int i = 0; i < count; i++) {
		ssize_t n = recv_within(fds[i], buf, sizeof(buf), 2000, &from);
		if (n >= 0 && tftp_parse(buf, (size_t)n, &p) == 0 && p.op == TFTP_DATA)
			data++;
		else if (n >= 0 && p.op == TFTP_ERROR && p.code == TFTP_EUNDEF && p.len >= 4 && !memcmp(p.data, "server busy", 11))
			busy++;
		else
			other++;
	}
	printf("data=%d busy=%d other=%d\n", data, busy, other);
	fflush(stdout);
	usleep((useconds_t)hold_ms * 1000);
	for (int i = 0; i < count; i++)
		close(fds[i]);	/* the server sees the client gone on its next retransmission */
	free(fds);
	return 0;
}

/* An RFC 7440 receiver that loses blocks on purpose.  Blocks are counted in
 * 64 bits; the wire carries their low 16. */
static int mode_lossy(const char *file, const char *out_path)
{
	enum { BLK = 512, WIN = 16 };
	struct tftp_opts o = { TFTP_OPT_BLKSIZE | TFTP_OPT_WINDOWSIZE | TFTP_OPT_TIMEOUT, BLK, WIN, 1, 0 };
	uint8_t buf[2048], ack[4];
	struct sockaddr_in from, peer = server;
	struct tftp_pkt p;
	FILE *out = fopen(out_path, "w");
	int fd = udp_socket(), drops = 0, gaps = 0, silent = 0;
	uint64_t expected = 1, last_drop = 0;
	unsigned in_win = 0;
	bool gap_acked = false, oack = false, skipped_ack = false;
	if (!out)
		return 1;
	rrq(fd, file, &o);
	for (;;) {
		ssize_t n = recv_within(fd, buf, sizeof(buf), 3000, &from);
		if (n < 0) {
			printf("stalled at block %llu\n", (unsigned long long)expected);
			return 0;
		}
		if (tftp_parse(buf, (size_t)n, &p) < 0)
			continue;
		if (p.op == TFTP_OACK && !oack) {
			oack = true, peer = from;
			tftp_build_ack(ack, sizeof(ack), 0);
			send_to(fd, ack, sizeof(ack), &peer);
			continue;
		}
		if (p.op == TFTP_ERROR) {
			describe(buf, n);
			return 0;
		}
		if (p.op != TFTP_DATA)
			continue;
		if (p.block != (uint16_t)expected) {	/* out of order: one ACK per gap */
			if (!gap_acked) {
				gaps++, gap_acked = true, in_win = 0;
				tftp_build_ack(ack, sizeof(ack), (uint16_t)(expected - 1));
				send_to(fd, ack, sizeof(ack), &peer);
			}
			continue;
		}
		if (expected % 97 == 0 && last_drop != expected) {	/* "lost" */
			last_drop = expected, drops++;
			continue;
		}
		fwrite(p.data, 1, p.len, out);
		expected++, in_win++, gap_acked = false;
		bool last = p.len < BLK;
		if (last || in_win == WIN) {
			in_win = 0;
			if (!last && !skipped_ack && expected > 3000) {	/* this ACK "lost": the server must time out */
				skipped_ack = true, silent++;
				continue;
			}
			tftp_build_ack(ack, sizeof(ack), (uint16_t)(expected - 1));
			send_to(fd, ack, sizeof(ack), &peer);
		}
		if (last)
			break;
	}
	fclose(out);
	printf("blocks=%llu drops=%d gaps=%d lost_acks=%d\n", (unsigned long long)(expected - 1), drops, gaps, silent);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: tftp_probe HOST PORT raw|tsize-abort|dupack|noack|flood ...\n");
		return 2;
	}
	server.sin_family = AF_INET;
	server.sin_port = htons((uint16_t)atoi(argv[2]));
	if (inet_pton(AF_INET, argv[1], &server.sin_addr) != 1)
		return 2;
	const char *m = argv[3];
	if (!strcmp(m, "raw"))
		return mode_raw();
	if (argc >= 5 && !strcmp(m, "tsize-abort"))
		return mode_tsize_abort(argv[4]);
	if (argc >= 5 && !strcmp(m, "dupack"))
		return mode_dupack(argv[4]);
	if (argc >= 5 && !strcmp(m, "noack"))
		return mode_noack(argv[4]);
	if (argc >= 6 && !strcmp(m, "lossy"))
		return mode_lossy(argv[4], argv[5]);
	if (argc >= 6 && !strcmp(m, "flood")) {
		struct in_addr src = { INADDR_ANY };
		if (argc >= 7 && inet_pton(AF_INET, argv[6], &src) != 1)
			return 2;
		int nsrc = argc >= 8 ? atoi(argv[7]) : 1;
		return mode_flood(atoi(argv[4]), argv[5], src.s_addr, nsrc > 0 ? nsrc : 1, argc >= 9 ? atoi(argv[8]) : 0);
	}
	fprintf(stderr, "tftp_probe: unknown mode or missing FILE\n");
	return 2;
}
