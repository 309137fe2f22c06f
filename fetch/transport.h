/* Stage-3 transports that copy one remote file into a sink.  Each returns 0
 * once the whole file is in the sink, or a negative errno with e set:
 *   -ENOENT     the server says the file does not exist (HTTP 404, TFTP error 1)
 *   -EACCES     the server refuses (HTTP 401/403, TFTP error 2)
 *   -ETIMEDOUT  no answer after the bounded retries
 *   -ECONNREFUSED / -EHOSTUNREACH  nobody listens / no route
 *   -EPROTO     the peer sent something that is not the protocol
 *   -EIO        the transfer broke and could not be resumed
 *   -EKEYREJECTED  https: the server's certificate was refused (or a redirect to plain http)
 * Messages name the file and the URL, e.g.
 *   "sysrcd.md5: HTTP 404 Not Found from http://10.0.2.2:8080/sysrcd.md5". */
#ifndef FETCH_TRANSPORT_H
#define FETCH_TRANSPORT_H
#include <stdio.h>
#include "fetch/sink.h"
#include "netboot/conn.h"
#include "netboot/url.h"

/* An HTTP connection kept open between requests (checksum file, then image). */
struct http_keepalive {
	struct conn c;		/* c.fd -1 when none */
	char host[256];
	uint16_t port;
	bool tls;
};

struct transport_opts {
	const char *proxy;	/* "http://host:port" or NULL (HTTP only) */
	int timeout_ms;		/* per-packet / per-read timeout; 0 = default */
	int max_tries;		/* reconnects or retransmits before giving up; 0 = default */
	int stall_window_ms;	/* HTTP: a try fails when under 64 KiB arrive in this long; 0 = 30 s */
	FILE *log;		/* retries and fallbacks are reported here; NULL = quiet */
	struct http_keepalive *keepalive;	/* NULL: one connection per request */
	const char *ca_file;	/* https: PEM CA certificates; NULL = TLS_CA_DEFAULT */
	const char *connect_host;	/* connect here (an address) instead of the URL's host, which TLS
				 * still checks: a process with no resolver left (the block server) */
};

int http_get(const struct url *u, struct sink *s, const struct transport_opts *o, struct errbuf *e);
/* Bytes offset..offset+len-1 of u's file into dst (Range request; a
 * server that ignores Range is -EPROTO); *file_size (may be NULL) gets the
 * whole file's size from Content-Range, 0 if the server did not say.
 * Retries as http_get. */
int http_get_range(const struct url *u, uint64_t offset, void *dst, uint32_t len, uint64_t *file_size,
		   const struct transport_opts *o, struct errbuf *e);
int tftp_get(const struct url *u, struct sink *s, const struct transport_opts *o, struct errbuf *e);
/* Dispatches on u->scheme (http, tftp). */
int transport_get(const struct url *u, struct sink *s, const struct transport_opts *o, struct errbuf *e);
#endif
