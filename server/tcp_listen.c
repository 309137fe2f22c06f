/* See tcp_listen.h. */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "server/tcp_listen.h"

int tcp_listen(const struct serve_config *cfg, uint16_t port, const char *what, struct errbuf *e)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1, err;
	if (fd < 0)
		return nb_fail(e, -errno, "TCP port %u: socket: %s", port, strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (cfg->interface[0] &&
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, cfg->interface, (socklen_t)strlen(cfg->interface)) < 0) {
		err = errno;
		close(fd);
		return nb_fail(e, -err, "TCP port %u: cannot bind to interface %s: %s", port, cfg->interface, strerror(err));
	}
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(fd, 256) == 0)
		return fd;
	err = errno;
	close(fd);
	if (err == EADDRINUSE)
		return nb_fail(e, -err, "TCP port %u is in use (%s?): stop it or pick another port", port, what);
	if (err == EACCES)
		return nb_fail(e, -err, "TCP port %u: permission denied (ports below 1024 need root)", port);
	return nb_fail(e, -err, "TCP port %u: %s", port, strerror(err));
}
