/* NBD client: see nbd_client.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "netboot/nbd_client.h"
#include "netboot/tcp.h"

#define MAX_OPT_REPLIES	64	/* NBD_REP_INFO replies to one NBD_OPT_GO before we give up */

/* Reads exactly len bytes.  Returns 0, -ECONNRESET if the peer closed
 * first, -ETIMEDOUT or -errno; *got (if non-NULL) says how many arrived. */
static int read_full(int fd, void *buf, size_t len, int timeout_ms, size_t *got)
{
	uint8_t *p = buf;
	size_t have = 0;
	int rc = 0;

	while (have < len) {
		ssize_t n = tcp_read(fd, p + have, len - have, timeout_ms);
		if (n <= 0) {
			rc = n == 0 ? -ECONNRESET : (int)n;
			break;
		}
		have += (size_t)n;
	}
	if (got)
		*got = have;
	return rc;
}

/* The connection's name for messages: nbd://host:port/export. */
static void describe(char *dst, size_t cap, const char *host, uint16_t port, const char *name)
{
	char clean[72];
	nb_sanitize(clean, sizeof(clean), name, strlen(name));
	snprintf(dst, cap, strchr(host, ':') ? "nbd://[%.100s]:%u/%s" : "nbd://%.100s:%u/%s", host, port, clean);
}

/* Reads the 18-byte greeting into g, refusing a peer whose first bytes are
 * not NBDMAGIC as soon as they arrive (an HTTP or SSH server says so at
 * once).  Returns NBD_NEWSTYLE or NBD_OLDSTYLE (g then holds 18 bytes of
 * the oldstyle header) or a negative errno. */
static int read_greeting(int fd, int timeout_ms, uint8_t *g, uint16_t *hflags, const char *where, struct errbuf *e)
{
	size_t have = 0;

	while (have < NBD_GREETING_LEN) {
		ssize_t n = tcp_read(fd, g + have, NBD_GREETING_LEN - have, timeout_ms);
		if (n == -ETIMEDOUT)
			return nb_fail(e, -ETIMEDOUT, "%s: no NBD greeting within %d ms (not an NBD server?)", where,
				       timeout_ms);
		if (n < 0)
			return nb_fail(e, (int)n, "%s: reading the NBD greeting: %s", where, strerror((int)-n));
		if (n == 0) {
			if (!have)
				return nb_fail(e, -EPROTO, "%s: server closed the connection without an NBD greeting "
					       "(not an NBD server, or it refused this client)", where);
			break;
		}
		have += (size_t)n;
		if (!nbd_greeting_prefix_ok(g, have))
			break;
	}
	int rc = nbd_parse_greeting(g, have, hflags, e);
	if (rc < 0) {
		char why[sizeof(e->msg)];
		memcpy(why, e->msg, sizeof(why));
		return nb_fail(e, rc, "%s: %s", where, why);
	}
	return rc;
}

/* An oldstyle server sends the export at once: the rest of its header
 * after the greeting's 18 bytes in g, then the transmission phase. */
static int read_oldstyle(int fd, uint8_t *g, int timeout_ms, struct nbd_export *out, const char *where,
			 struct errbuf *e)
{
	char why[sizeof(e->msg)];
	int rc = read_full(fd, g + NBD_GREETING_LEN, NBD_OLDSTYLE_LEN - NBD_GREETING_LEN, timeout_ms, NULL);
	if (rc < 0)
		return nb_fail(e, rc, "%s: reading the oldstyle NBD header: %s", where,
			       rc == -ECONNRESET ? "server closed the connection" : strerror(-rc));
	rc = nbd_parse_oldstyle(g, NBD_OLDSTYLE_LEN, out, e);
	if (rc < 0) {
		memcpy(why, e->msg, sizeof(why));
		return nb_fail(e, rc, "%s: %s", where, why);
	}
	return 0;
}

/* e's message behind "where: "; returns rc. */
static int prefix_where(struct errbuf *e, int rc, const char *where)
{
	char why[sizeof(e->msg)];

	memcpy(why, e->msg, sizeof(why));
	return nb_fail(e, rc, "%s: %s", where, why);
}

/* One option reply to NBD_OPT_GO: its header into h, its payload into buf
 * (which holds NBD_OPT_REPLY_MAX bytes). */
static int read_go_reply(int fd, uint8_t *buf, int timeout_ms, struct nbd_opt_reply *h, const char *where,
			 struct errbuf *e)
{
	int rc = read_full(fd, buf, NBD_OPT_REPLY_HDR_LEN, timeout_ms, NULL);

	if (rc < 0)
		return nb_fail(e, rc, "%s: reading the answer to NBD_OPT_GO: %s", where,
			       rc == -ECONNRESET ? "server closed the connection" : strerror(-rc));
	if ((rc = nbd_parse_opt_reply(buf, NBD_OPT_REPLY_HDR_LEN, h, e)) < 0)
		return prefix_where(e, rc, where);
	if (h->option != NBD_OPT_GO) {
		rc = nb_fail(e, -EPROTO, "NBD option reply for option %u, NBD_OPT_GO (7) was asked",
			     (unsigned)h->option);
		return prefix_where(e, rc, where);
	}
	rc = read_full(fd, buf, h->len, timeout_ms, NULL);
	if (rc < 0)
		return nb_fail(e, rc, "%s: reading a %u-byte %s: %s", where, (unsigned)h->len, nbd_rep_name(h->type),
			       rc == -ECONNRESET ? "server closed the connection" : strerror(-rc));
	return 0;
}

/* An error reply to NBD_OPT_GO: 1 for NBD_REP_ERR_UNSUP (fall back to
 * NBD_OPT_EXPORT_NAME), else the refusal in e as a negative errno. */
static int go_refused(const struct nbd_opt_reply *h, const uint8_t *buf, const char *clean, const char *where,
		      struct errbuf *e)
{
	char why[sizeof(e->msg)];
	int rc = nbd_rep_error(h->type, buf, h->len, why, sizeof(why));

	if (h->type == NBD_REP_ERR_UNSUP)
		return 1;
	if (h->type == NBD_REP_ERR_UNKNOWN)
		nb_fail(e, rc, "%s: server has no export '%s' (%s)", where, clean, why);
	else if (h->type == NBD_REP_ERR_POLICY)
		nb_fail(e, rc, "%s: server refused export '%s' (%s)", where, clean, why);
	else if (h->type == NBD_REP_ERR_TLS_REQD)
		nb_fail(e, rc, "%s: server requires TLS, which netboot does not speak (%s)", where, why);
	else
		nb_fail(e, rc, "%s: NBD_OPT_GO for export '%s' refused (%s)", where, clean, why);
	return rc;
}

#define GO_MORE 2	/* go_step: read the next reply */

/* One reply to NBD_OPT_GO taken in: 0 when the ACK ends it with the export
 * known, GO_MORE for the next reply, 1 to fall back, or a negative errno. */
static int go_step(const struct nbd_opt_reply *h, const uint8_t *buf, struct nbd_export *out, int *have_export,
		   const char *clean, const char *where, struct errbuf *e)
{
	struct nbd_info info;
	int rc;

	if (h->type & NBD_REP_ERR_BIT)
		return go_refused(h, buf, clean, where, e);
	if (h->type == NBD_REP_ACK) {
		if (*have_export)
			return 0;
		rc = nb_fail(e, -EPROTO, "NBD_REP_ACK to NBD_OPT_GO without NBD_INFO_EXPORT");
		return prefix_where(e, rc, where);
	}
	if (h->type != NBD_REP_INFO)
		return GO_MORE;	/* nothing else is defined for NBD_OPT_GO: ignore */
	if ((rc = nbd_parse_info(buf, h->len, &info, e)) < 0)
		return prefix_where(e, rc, where);
	if (info.type == NBD_INFO_EXPORT) {
		out->size = info.size;
		out->flags = info.flags;
		*have_export = 1;
	} else if (info.type == NBD_INFO_BLOCK_SIZE) {
		out->min_block = info.min_block;
		out->pref_block = info.pref_block;
		out->max_block = info.max_block;
	}
	return GO_MORE;
}

/* The whole NBD_OPT_GO exchange.  Returns 0 with *out filled, 1 when the
 * server does not know NBD_OPT_GO (fall back to NBD_OPT_EXPORT_NAME), or a
 * negative errno with e set. */
static int opt_go(int fd, const char *name, int timeout_ms, struct nbd_export *out, const char *where,
		  struct errbuf *e)
{
	uint8_t *buf = malloc(NBD_OPT_REPLY_MAX > NBD_OPT_GO_MAX ? NBD_OPT_REPLY_MAX : NBD_OPT_GO_MAX);
	char clean[72];
	int rc, have_export = 0;

	if (!buf)
		return nb_fail(e, -ENOMEM, "%s: out of memory", where);
	nb_sanitize(clean, sizeof(clean), name, strlen(name));
	rc = nbd_build_opt_go(buf, NBD_OPT_GO_MAX, name, 1);
	if (rc < 0) {
		nb_fail(e, rc, "%s: export name longer than %d bytes", where, NBD_NAME_MAX);
		goto out;
	}
	rc = tcp_write_all(fd, buf, (size_t)rc, timeout_ms);
	if (rc < 0) {
		nb_fail(e, rc, "%s: sending NBD_OPT_GO: %s", where, strerror(-rc));
		goto out;
	}
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < MAX_OPT_REPLIES; i++) {
		struct nbd_opt_reply h;

		if ((rc = read_go_reply(fd, buf, timeout_ms, &h, where, e)) < 0 ||
		    (rc = go_step(&h, buf, out, &have_export, clean, where, e)) != GO_MORE)
			goto out;
	}
	rc = nb_fail(e, -EPROTO, "more than %d replies to NBD_OPT_GO", MAX_OPT_REPLIES);
	prefix_where(e, rc, where);
out:
	free(buf);
	return rc;
}

/* The old way in: NBD_OPT_EXPORT_NAME, answered with the export or a close. */
static int opt_export_name(int fd, const char *name, int no_zeroes, int timeout_ms, struct nbd_export *out,
			   const char *where, struct errbuf *e)
{
	uint8_t buf[16 + NBD_NAME_MAX];
	char clean[72], why[sizeof(e->msg)];
	size_t got;

	nb_sanitize(clean, sizeof(clean), name, strlen(name));
	int rc = nbd_build_opt_export_name(buf, sizeof(buf), name);
	if (rc < 0)
		return nb_fail(e, rc, "%s: export name longer than %d bytes", where, NBD_NAME_MAX);
	rc = tcp_write_all(fd, buf, (size_t)rc, timeout_ms);
	if (rc < 0)
		return nb_fail(e, rc, "%s: sending NBD_OPT_EXPORT_NAME: %s", where, strerror(-rc));
	size_t want = no_zeroes ? NBD_EXPORT_NAME_REPLY_SHORT : NBD_EXPORT_NAME_REPLY_LEN;
	rc = read_full(fd, buf, want, timeout_ms, &got);
	if (rc == -ECONNRESET && got == 0)
		return nb_fail(e, -ENOENT, "%s: server closed the connection after NBD_OPT_EXPORT_NAME: "
			       "no export '%s' (or not allowed)", where, clean);
	if (rc < 0)
		return nb_fail(e, rc, "%s: reading the answer to NBD_OPT_EXPORT_NAME: %s", where,
			       rc == -ECONNRESET ? "server closed the connection" : strerror(-rc));
	rc = nbd_parse_export_name_reply(buf, want, no_zeroes, out, e);
	if (rc < 0) {
		memcpy(why, e->msg, sizeof(why));
		return nb_fail(e, rc, "%s: %s", where, why);
	}
	return 0;
}

int nbd_connect(const char *host, uint16_t port, const char *export_name, int timeout_ms, struct nbd_export *out,
		struct errbuf *e)
{
	char where[200], why[sizeof(e->msg)];
	uint8_t cf[4], g[NBD_OLDSTYLE_LEN];
	uint16_t hflags;
	int fd, rc;

	describe(where, sizeof(where), host, port, export_name);
	if (strnlen(export_name, NBD_NAME_MAX + 1) > NBD_NAME_MAX)
		return nb_fail(e, -ENAMETOOLONG, "%s: export name longer than %d bytes", where, NBD_NAME_MAX);
	fd = tcp_connect(host, port, timeout_ms, e);
	if (fd < 0) {
		memcpy(why, e->msg, sizeof(why));
		return nb_fail(e, fd, "%s: %s", where, why);
	}
	rc = read_greeting(fd, timeout_ms, g, &hflags, where, e);
	if (rc == NBD_OLDSTYLE) {
		/* one export per port: export_name cannot be asked for */
		rc = read_oldstyle(fd, g, timeout_ms, out, where, e);
		if (rc < 0)
			goto fail;
		return fd;
	}
	if (rc < 0)
		goto fail;
	int fixed = !!(hflags & NBD_FLAG_FIXED_NEWSTYLE), no_zeroes = !!(hflags & NBD_FLAG_NO_ZEROES);
	uint32_t cflags = (fixed ? NBD_FLAG_C_FIXED_NEWSTYLE : 0) | (no_zeroes ? NBD_FLAG_C_NO_ZEROES : 0);
	nbd_build_client_flags(cf, sizeof(cf), cflags);
	rc = tcp_write_all(fd, cf, sizeof(cf), timeout_ms);
	if (rc < 0) {
		nb_fail(e, rc, "%s: sending the client flags: %s", where, strerror(-rc));
		goto fail;
	}
	/* a server without FIXED_NEWSTYLE may drop us for an option it does not know */
	rc = fixed ? opt_go(fd, export_name, timeout_ms, out, where, e) : 1;
	if (rc == 1)
		rc = opt_export_name(fd, export_name, no_zeroes, timeout_ms, out, where, e);
	if (rc < 0)
		goto fail;
	return fd;
fail:
	close(fd);
	return rc;
}

int nbd_read(int fd, uint64_t offset, void *buf, uint32_t len, int timeout_ms, struct errbuf *e)
{
	static uint64_t next_cookie = 1;
	struct nbd_request rq = { .type = NBD_CMD_READ, .cookie = next_cookie++, .offset = offset, .len = len };
	struct nbd_simple_reply rp;
	uint8_t b[NBD_REQUEST_LEN];
	char why[sizeof(e->msg)];

	if (len == 0 || len > NBD_READ_MAX)
		return nb_fail(e, -EINVAL, "NBD read of %u bytes: want 1..%u", (unsigned)len, NBD_READ_MAX);
	nbd_build_request(b, sizeof(b), &rq);
	int rc = tcp_write_all(fd, b, NBD_REQUEST_LEN, timeout_ms);
	if (rc < 0)
		return nb_fail(e, rc, "NBD_CMD_READ at %llu: sending: %s", (unsigned long long)offset, strerror(-rc));
	rc = read_full(fd, b, NBD_SIMPLE_REPLY_LEN, timeout_ms, NULL);
	if (rc < 0)
		return nb_fail(e, rc, "NBD_CMD_READ at %llu: reading the reply: %s", (unsigned long long)offset,
			       rc == -ECONNRESET ? "server closed the connection" : strerror(-rc));
	rc = nbd_parse_simple_reply(b, NBD_SIMPLE_REPLY_LEN, &rp, e);
	if (rc < 0) {
		memcpy(why, e->msg, sizeof(why));
		return nb_fail(e, rc, "NBD_CMD_READ at %llu: %s", (unsigned long long)offset, why);
	}
	if (rp.cookie != rq.cookie)
		return nb_fail(e, -EPROTO, "NBD_CMD_READ at %llu: reply for cookie %llu, %llu was asked",
			       (unsigned long long)offset, (unsigned long long)rp.cookie, (unsigned long long)rq.cookie);
	if (rp.error) {
		/* the spec's error numbers are Linux's */
		int err = rp.error < 4096 ? (int)rp.error : EIO;
		return nb_fail(e, -err, "NBD_CMD_READ at %llu, %u bytes: server error %u (%s)",
			       (unsigned long long)offset, (unsigned)len, (unsigned)rp.error, strerror(err));
	}
	rc = read_full(fd, buf, len, timeout_ms, NULL);
	if (rc < 0)
		return nb_fail(e, rc, "NBD_CMD_READ at %llu: reading %u bytes of data: %s", (unsigned long long)offset,
			       (unsigned)len, rc == -ECONNRESET ? "server closed the connection" : strerror(-rc));
	return 0;
}

void nbd_disconnect(int fd)
{
	struct nbd_request rq = { .type = NBD_CMD_DISC };
	uint8_t b[NBD_REQUEST_LEN];

	if (fd < 0)
		return;
	nbd_build_request(b, sizeof(b), &rq);
	(void)tcp_write_all(fd, b, sizeof(b), 1000);
	shutdown(fd, SHUT_WR);
	close(fd);
}
