/* The block server's upstream NBD back end: the kernel's reads go to the
 * export over the connection /init opened; a read that fails because the
 * server went away (closed, reset, silent for NBD_UPSTREAM_TIMEOUT_MS, or
 * ESHUTDOWN from a server stopping with SIGTERM) is retried on a new
 * connection: the same mirror first (a restart), then the others, in
 * rounds with backoff, for as long as it takes.  A mirror whose export has
 * another size is not used: it holds another image. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "mount/blockserver.h"
#include "mount/nbd_supervisor.h"
#include "netboot/clock.h"
#include "netboot/nbd_client.h"
#include "netboot/tcp.h"

struct upstream {
	struct block_backend be;
	const struct nbd_watch *w;
	struct url url[SUP_MIRRORS_MAX];
	int cur;	/* the mirror sock is connected to */
	int sock;	/* -1 when none */
};

/* The server answered: its own error (a bad block), not an outage.  Any
 * other failure (closed, reset, timed out, garbage) leaves the connection
 * out of step. */
static int server_error(int rc)
{
	return rc == -EIO || rc == -EINVAL || rc == -EPERM || rc == -ENOSPC || rc == -EOVERFLOW || rc == -ENOTSUP;
}

static int connect_mirror(struct upstream *u, int i, struct errbuf *e)
{
	const struct nbd_watch *w = u->w;
	struct nbd_export x;
	const char *name = u->url[i].path[0] == '/' ? u->url[i].path + 1 : u->url[i].path;
	int sock = nbd_connect(w->connect[i], u->url[i].port, name, NBD_TIMEOUT_MS, &x, e);
	if (sock < 0)
		return sock;
	if (x.size != w->size) {
		nbd_disconnect(sock);
		return nb_fail(e, -ESTALE, "%s now has %" PRIu64 " bytes, not %" PRIu64 ": another image, not used",
			       w->mirror[i], x.size, w->size);
	}
	struct errbuf ignored;
	tcp_keepalive(sock, &ignored);
	return sock;
}

/* A new connection, this mirror first, then the others; rounds with
 * backoff between them, until one takes. */
static void reconnect(struct upstream *u, uint64_t t0, const char *why0)
{
	char why[sizeof(((struct errbuf *)0)->msg)];
	snprintf(why, sizeof(why), "%s", why0);
	for (unsigned round = 0;; round++) {
		for (int k = 0; k < u->w->nmirrors; k++) {
			int i = (u->cur + k) % u->w->nmirrors;
			struct errbuf e;
			int sock = connect_mirror(u, i, &e);
			if (sock >= 0) {
				sup_note("%s %s after %.1f s (%u %s), size unchanged: the kernel's reads go on",
					 i == u->cur ? "reconnected to" : "failed over to", u->w->mirror[i],
					 (double)(monotonic_ns() - t0) / 1e9, round + 1, round ? "rounds" : "round");
				u->cur = i;
				u->sock = sock;
				return;
			}
			snprintf(why, sizeof(why), "%s", e.msg);
		}
		sup_outage_wait(round, t0, u->w->mirror[u->cur], why);
	}
}

static int upstream_read(struct block_backend *be, uint64_t offset, uint32_t len, uint8_t *dst)
{
	struct upstream *u = (struct upstream *)be;
	int server_errors = 0;
	for (;;) {
		struct errbuf e;
		if (u->sock < 0)
			reconnect(u, monotonic_ns(), "no connection");
		int rc = nbd_read(u->sock, offset, dst, len, u->w->timeout_ms ? u->w->timeout_ms : NBD_UPSTREAM_TIMEOUT_MS, &e);
		if (rc == 0)
			return 0;
		if (server_error(rc) && ++server_errors > u->w->nmirrors) {
			sup_note("%s: %s; the kernel is told", u->w->mirror[u->cur], e.msg);
			return rc;
		}
		sup_note("%s: %s: reconnecting", u->w->mirror[u->cur], e.msg);
		if (server_error(rc))	/* in step: let it go politely, and ask the next mirror */
			nbd_disconnect(u->sock), u->cur = (u->cur + 1) % u->w->nmirrors;
		else
			close(u->sock);
		u->sock = -1;
		reconnect(u, monotonic_ns(), e.msg);
	}
}

int serve_nbd_upstream(const struct nbd_watch *w)
{
	static struct upstream u;
	char why[300];

	u = (struct upstream){ .be = { .size = w->size, .read = upstream_read }, .w = w, .sock = w->upstream_fd };
	for (int i = 0; i < w->nmirrors; i++) {
		struct errbuf e;
		if (url_parse(w->mirror[i], strlen(w->mirror[i]), &u.url[i], &e) < 0 || u.url[i].scheme != URL_NBD) {
			sup_note("mirror %s: not an nbd:// URL", w->mirror[i]);
			return 2;
		}
	}
	sup_note("serving the kernel's reads from %s (pid %d, %d mirror%s): a read that fails is retried on a new "
		 "connection: an outage is a wait for the kernel, not an error", w->mirror[0], (int)getpid(), w->nmirrors,
		 w->nmirrors > 1 ? "s" : "");
	int rc = block_serve(w->kernel_fd, &u.be, why, sizeof(why));
	if (rc < 0)
		sup_note("%s", why);
	if (u.sock >= 0)
		nbd_disconnect(u.sock);
	return rc < 0;
}
