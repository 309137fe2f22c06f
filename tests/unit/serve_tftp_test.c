/* server/tftp.c inside one process: the service on a free loopback port,
 * driven turn by turn through loop_run_once by a lock-step client here, to
 * check what the integration test cannot see: the client table (loader,
 * kernel, image progress) and that a size query advances nothing. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "netboot/tftp_wire.h"
#include "server/server.h"
#include "tests/unit/check.h"

static uint16_t free_port(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t l = sizeof(a);
	bind(fd, (struct sockaddr *)&a, sizeof(a));
	getsockname(fd, (struct sockaddr *)&a, &l);
	close(fd);
	return ntohs(a.sin_port);
}

static void write_file(const char *dir, const char *name, size_t size)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	for (size_t i = 0; i < size; i++)
		fputc((int)(i * 7 % 251), f);
	fclose(f);
}

/* One reply to fd, running the server's loop meanwhile; length or -1. */
static ssize_t await(struct server *s, int fd, uint8_t *buf, size_t cap, struct sockaddr_in *from)
{
	for (int i = 0; i < 200; i++) {
		loop_run_once(&s->loop, 10);
		socklen_t fl = sizeof(*from);
		ssize_t n = recvfrom(fd, buf, cap, MSG_DONTWAIT, (struct sockaddr *)from, &fl);
		if (n >= 0)
			return n;
	}
	return -1;
}

/* Lock-step fetch of name (with opts when non-NULL): bytes received, or -1. */
static long fetch(struct server *s, uint16_t port, const char *name, const struct tftp_opts *opts)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in srv = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) }, from;
	uint8_t buf[TFTP_PKT_MAX], ack[4];
	struct tftp_pkt p;
	long total = 0;
	size_t blk = opts && (opts->present & TFTP_OPT_BLKSIZE) ? opts->blksize : 512;
	int n = tftp_build_rrq(buf, sizeof(buf), name, opts);
	sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&srv, sizeof(srv));
	for (;;) {
		ssize_t r = await(s, fd, buf, sizeof(buf), &from);
		if (r < 0 || tftp_parse(buf, (size_t)r, &p) < 0 || p.op == TFTP_ERROR) {
			total = -1;
			break;
		}
		uint16_t block = p.op == TFTP_DATA ? p.block : 0;
		if (p.op == TFTP_DATA)
			total += (long)p.len;
		tftp_build_ack(ack, sizeof(ack), block);
		sendto(fd, ack, sizeof(ack), 0, (struct sockaddr *)&from, sizeof(from));
		if (p.op == TFTP_DATA && p.len < blk)
			break;
	}
	for (int i = 0; i < 5; i++)	/* the server takes the last ACK */
		loop_run_once(&s->loop, 5);
	close(fd);
	return total;
}

/* RRQ with tsize, then ERROR 8 after the OACK: the tsize announced, or -1. */
static long size_query(struct server *s, uint16_t port, const char *name)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in srv = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) }, from;
	struct tftp_opts o = { TFTP_OPT_TSIZE, 0, 0, 0, 0 }, got;
	uint8_t buf[512];
	struct tftp_pkt p;
	long size = -1;
	int n = tftp_build_rrq(buf, sizeof(buf), name, &o);
	sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&srv, sizeof(srv));
	ssize_t r = await(s, fd, buf, sizeof(buf), &from);
	if (r > 0 && tftp_parse(buf, (size_t)r, &p) == 0 && p.op == TFTP_OACK && tftp_opts_parse(p.data, p.len, &got) == 0)
		size = (long)got.tsize;
	n = tftp_build_error(buf, sizeof(buf), TFTP_EOPTNEG, "size only");
	sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, sizeof(from));
	for (int i = 0; i < 5; i++)
		loop_run_once(&s->loop, 5);
	close(fd);
	return size;
}

int main(void)
{
	char dir[] = "/tmp/serve_tftp_test.XXXXXX", *logtext = NULL;
	size_t loglen = 0;
	struct errbuf e = { "" };
	struct server *s = calloc(1, sizeof(*s));
	if (!mkdtemp(dir) || !s)
		return 1;
	write_file(dir, "vmlinuz", 70000);
	write_file(dir, "initram.igz", 1000);
	write_file(dir, "sysrcd.dat", 300000);
	write_file(dir, "pxelinux.0", 4242);
	serve_config_defaults(&s->cfg);
	snprintf(s->cfg.boot_dir, sizeof(s->cfg.boot_dir), "%s", dir);
	snprintf(s->cfg.kernel, sizeof(s->cfg.kernel), "vmlinuz");
	s->cfg.tftp_port = free_port();
	s->log = open_memstream(&logtext, &loglen);
	s->files.root_fd = s->files.menu_fd = -1;
	CHECK("loop", loop_init(&s->loop) == 0);
	CHECK("boot files", boot_files_prepare(&s->files, &s->cfg, NULL, &e) == 0);
	int rc = tftp_service_start(s, &e);
	CHECK("service starts", rc == 0);
	if (rc < 0) {
		printf("    %s\n", e.msg);
		return 1;
	}
	struct client *c = clients_by_ip(&s->clients, htonl(INADDR_LOOPBACK));
	uint16_t port = s->cfg.tftp_port;

	CHECK("size query: OACK carries the size", size_query(s, port, "vmlinuz") == 70000);
	c = clients_by_ip(&s->clients, htonl(INADDR_LOOPBACK));
	CHECK("size query: the client stays where it was", c->stage == STAGE_NONE);
	CHECK("loader fetched", fetch(s, port, "pxelinux.0", NULL) == 4242);
	c = clients_by_ip(&s->clients, htonl(INADDR_LOOPBACK));
	CHECK("loader: stage loader", c->stage == STAGE_LOADER);
	struct tftp_opts big = { TFTP_OPT_BLKSIZE, 1468, 0, 0, 0 };
	CHECK("kernel fetched", fetch(s, port, "/vmlinuz", &big) == 70000);
	c = clients_by_ip(&s->clients, htonl(INADDR_LOOPBACK));
	CHECK("kernel: stage kernel", c->stage == STAGE_KERNEL);
	CHECK("image size query", size_query(s, port, "sysrcd.dat") == 300000);
	c = clients_by_ip(&s->clients, htonl(INADDR_LOOPBACK));
	CHECK("image size query: not counted as the image started", c->stage == STAGE_KERNEL && c->image_bytes == 0);
	CHECK("image fetched", fetch(s, port, "sysrcd.dat", &big) == 300000);
	c = clients_by_ip(&s->clients, htonl(INADDR_LOOPBACK));
	CHECK("image: stage image-done, via tftp, every byte counted",
	      c->stage == STAGE_IMAGE_DONE && !strcmp(c->image_via, "tftp") && c->image_bytes == 300000 &&
		      c->image_size == 300000);
	CHECK("image fetched again", fetch(s, port, "sysrcd.dat", NULL) == 300000);
	c = clients_by_ip(&s->clients, htonl(INADDR_LOOPBACK));
	CHECK("image again: counted from 0, not on top", c->image_bytes == 300000 && c->stage == STAGE_IMAGE_DONE);
	CHECK("missing file refused", fetch(s, port, "nothere", NULL) == -1);

	/* a second server on the same port must fail, naming the port */
	struct server *s2 = calloc(1, sizeof(*s2));
	struct errbuf e2 = { "" };
	s2->cfg = s->cfg;
	loop_init(&s2->loop);
	rc = tftp_service_start(s2, &e2);
	char want[64];
	snprintf(want, sizeof(want), "UDP port %u is in use", port);
	CHECK("port in use: refused with the port named", rc == -EADDRINUSE && strstr(e2.msg, want));
	CHECK("port in use: nothing left behind", s2->tftp == NULL);
	loop_close(&s2->loop);
	free(s2);

	tftp_service_stop(s);
	CHECK("stop frees the service", s->tftp == NULL);
	fflush(s->log);
	CHECK("log: size query, quietly", logtext && strstr(logtext, "tftp: size query for vmlinuz (70.0 kB)"));
	CHECK("log: one line per file with blksize and window",
	      logtext && strstr(logtext, "tftp: sent /vmlinuz 70.0 kB in ") && strstr(logtext, "blksize 1468, window 1\n"));
	CHECK("log: the refusal", logtext && strstr(logtext, "tftp: nothere: not found"));
	CHECK("log: no abort or give-up", logtext && !strstr(logtext, "aborted") && !strstr(logtext, "gave up"));
	fclose(s->log);
	free(logtext);
	boot_files_close(&s->files);
	loop_close(&s->loop);
	free(s);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return 1;
	return CHECK_DONE();
}
