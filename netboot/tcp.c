#include "netboot/tcp.h"
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int wait_fd(int fd, short events, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n;
	do
		n = poll(&p, 1, timeout_ms);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == 0 ? -ETIMEDOUT : 0;
}

/* getaddrinfo with the project's errnos: -EAGAIN when no DNS server
 * answered yet (worth retrying at boot), -EHOSTUNREACH for a name that does
 * not resolve (not -ENOENT: that means "file not found" to the callers). */
static int resolve(const char *host, uint16_t port, struct addrinfo **res, struct errbuf *e)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM };
	char service[8];
	int rc;

	snprintf(service, sizeof(service), "%u", port);
	rc = getaddrinfo(host, service, &hints, res);
	if (rc == 0)
		return 0;
	return nb_fail(e, rc == EAI_AGAIN ? -EAGAIN : -EHOSTUNREACH, "cannot resolve host '%s': %s", host, gai_strerror(rc));
}

int tcp_resolve(const char *host, struct in_addr *addr, struct errbuf *e)
{
	struct addrinfo *res = NULL;
	int rc = resolve(host, 0, &res, e);
	if (rc == 0) {
		*addr = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
		freeaddrinfo(res);
	}
	return rc;
}

int tcp_connect(const char *host, uint16_t port, int timeout_ms, struct errbuf *e)
{
	struct addrinfo *res = NULL, *ai;
	int rc, fd = -1, last = -ECONNREFUSED;

	if ((rc = resolve(host, port, &res, e)) < 0)
		return rc;
	for (ai = res; ai; ai = ai->ai_next) {
		int err = 0;
		socklen_t elen = sizeof(err);
		fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0) {
			last = -errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS) {
			last = -errno;
		} else if ((rc = wait_fd(fd, POLLOUT, timeout_ms)) < 0) {
			last = rc;
		} else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0 || err) {
			last = -(err ? err : errno);
		} else {
			int one = 1;
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			freeaddrinfo(res);
			return fd;
		}
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return nb_fail(e, last, "cannot connect to %s port %u: %s", host, port, strerror(-last));
}

ssize_t tcp_read(int fd, void *buf, size_t len, int timeout_ms)
{
	/* during a bulk download data is nearly always queued: try first and
	 * poll only when there is none (halves the syscalls per MiB) */
	ssize_t n = recv(fd, buf, len, MSG_DONTWAIT);
	if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
		return n >= 0 ? n : -errno;
	for (;;) {
		int rc = wait_fd(fd, POLLIN, timeout_ms);
		if (rc < 0)
			return rc;
		n = read(fd, buf, len);
		if (n >= 0)
			return n;
		if (errno != EINTR && errno != EAGAIN)
			return -errno;
	}
}

int tcp_write_all(int fd, const void *buf, size_t len, int timeout_ms)
{
	const char *p = buf;
	while (len) {
		int rc = wait_fd(fd, POLLOUT, timeout_ms);
		if (rc < 0)
			return rc;
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int tcp_keepalive(int fd, struct errbuf *e)
{
	int one = 1, idle = TCP_KA_IDLE_S, intvl = TCP_KA_INTVL_S, cnt = TCP_KA_COUNT;
	unsigned user = TCP_USER_TIMEOUT_MS;

	if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle)) < 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl)) < 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt)) < 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user, sizeof(user)) < 0)
		return nb_fail(e, -errno, "TCP keepalive / user timeout: %s", strerror(errno));
	return 0;
}
