/* The listening TCP socket the HTTP and NBD services share the recipe of. */
#ifndef SERVER_TCP_LISTEN_H
#define SERVER_TCP_LISTEN_H
#include <stdint.h>
#include "netboot/errbuf.h"
#include "server/config.h"

/* A non-blocking listening socket on every address (or cfg->interface
 * only) at port: the fd, or a negative errno with e naming the port and
 * the cause ("in use (another web server?)").  what names the likely
 * other owner in that message. */
int tcp_listen(const struct serve_config *cfg, uint16_t port, const char *what, struct errbuf *e);
#endif
