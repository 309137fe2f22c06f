/* TLS 1.2 client (BearSSL) over a connected TCP socket, for https://:
 * SNI, the chain checked against the CA file's anchors (netboot/tls_anchors.h),
 * the host name (or, for an address, an iPAddress subjectAltName) checked,
 * certificate dates checked against the clock with the build date as a
 * floor.  A refusal says why in words: "certificate expired on ...",
 * "self-signed certificate ...", "issued by an unknown CA ...", "certificate
 * is for ..., not ...". */
#ifndef NETBOOT_TLS_H
#define NETBOOT_TLS_H
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include "netboot/errbuf.h"

/* Debian's bundle; the initramfs carries `make initramfs CA=file` at this path. */
#define TLS_CA_DEFAULT "/etc/ssl/certs/ca-certificates.crt"

struct tls;

/* Handshakes over fd (which stays the caller's to close).  ca_file NULL =
 * TLS_CA_DEFAULT, read once per process.  log (may be NULL) gets one line
 * when the clock is floored.  Returns 0 with *out set, or:
 *   -EKEYREJECTED  the server's certificate was refused (e says why)
 *   -EPROTO        the peer does not speak TLS 1.2 as we do
 *   -ETIMEDOUT, -ECONNRESET, -EIO (closed)  the connection failed
 *   -EINVAL/-ENOENT  the CA file is unusable */
int tls_open(struct tls **out, int fd, const char *host, const char *ca_file, int timeout_ms, FILE *log,
	     struct errbuf *e);
/* Reads the CA file now (tls_open would at its first call): for a process
 * that connects again after the file is gone (the block server). */
int tls_preload(const char *ca_file, struct errbuf *e);
/* As tcp_read(): bytes, 0 when the peer closed, or a negative errno. */
ssize_t tls_read(struct tls *t, void *buf, size_t len, int timeout_ms);
/* Writes and flushes all of buf, or returns a negative errno. */
int tls_write_all(struct tls *t, const void *buf, size_t len, int timeout_ms);
/* Frees the state (no close_notify: the socket is dropped right after). */
void tls_free(struct tls *t);

/* The time certificates are checked at: now, or the build time when now is
 * earlier (a machine without a set clock).  *floored says which. */
int64_t tls_check_time(int64_t now, int *floored);
/* The floor: the Unix time of the commit built (0 when built outside git). */
int64_t tls_build_time(void);
#endif
