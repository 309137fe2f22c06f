/* The byte stream HTTP runs over: a TCP socket, with TLS on it for https://.
 * fetch/http_get.c reads and writes only through these, so its code is the
 * same for both. */
#ifndef NETBOOT_CONN_H
#define NETBOOT_CONN_H
#include <stddef.h>
#include <sys/types.h>
#include "netboot/tls.h"

struct conn {
	int fd;			/* -1 when closed */
	struct tls *tls;	/* NULL for plain TCP */
};

ssize_t conn_read(struct conn *c, void *buf, size_t len, int timeout_ms);
int conn_write_all(struct conn *c, const void *buf, size_t len, int timeout_ms);
/* Closes the socket and frees the TLS state; c becomes { -1, NULL }. */
void conn_close(struct conn *c);
#endif
