#include "netboot/conn.h"
#include <unistd.h>
#include "netboot/tcp.h"

ssize_t conn_read(struct conn *c, void *buf, size_t len, int timeout_ms)
{
	return c->tls ? tls_read(c->tls, buf, len, timeout_ms) : tcp_read(c->fd, buf, len, timeout_ms);
}

int conn_write_all(struct conn *c, const void *buf, size_t len, int timeout_ms)
{
	return c->tls ? tls_write_all(c->tls, buf, len, timeout_ms) : tcp_write_all(c->fd, buf, len, timeout_ms);
}

void conn_close(struct conn *c)
{
	if (c->tls)
		tls_free(c->tls);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->tls = NULL;
}
