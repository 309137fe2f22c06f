/* tcp_connect_peer on loopback: either family by literal, the address that
 * answered named, a refused port said with the address and port, and the
 * peer server (netboot serve's union srv_peer) comparing and printing an
 * IPv4-mapped address as the IPv4 one it is; the late-IPv6 hook: called
 * once, only for a failure with an IPv6 address in it, and a retry after
 * it says yes. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>
#include "netboot/tcp.h"
#include "server/peer.h"
#include "check.h"

/* A listening socket on addr and *port (0: chosen by the kernel), its port in *port. */
static int listener_at(int family, const char *addr, uint16_t *port)
{
	union srv_peer a = { .sa = { .sa_family = (sa_family_t)family } };
	a.in.sin_port = htons(*port);	/* the same place in sockaddr_in6 */
	socklen_t len = sizeof(a);
	int one = 1, fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (inet_pton(family, addr, family == AF_INET6 ? (void *)&a.in6.sin6_addr : (void *)&a.in.sin_addr) != 1 ||
	    bind(fd, &a.sa, srv_peer_len(&a)) < 0 || listen(fd, 4) < 0 || getsockname(fd, &a.sa, &len) < 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(a.in.sin_port);
	return fd;
}

static int listener(int family, const char *addr, uint16_t *port)
{
	*port = 0;
	return listener_at(family, addr, port);
}

/* The late-IPv6 hook of the test: counts its calls, keeps the reason, and
 * "brings IPv6 up" by listening on [::1]:port again. */
static int hook_calls, hook_listener = -1;
static uint16_t hook_port;
static char hook_why[256];
static bool hook(void *ctx, const char *host, uint16_t port, const char *why)
{
	(void)ctx;
	hook_calls++;
	snprintf(hook_why, sizeof(hook_why), "%s %u: %s", host, port, why);
	hook_port = port;
	hook_listener = listener_at(AF_INET6, "::1", &hook_port);
	return hook_listener >= 0;
}

/* A port free on ::1 now (a listener's, closed). */
static uint16_t free_port6(void)
{
	uint16_t p = 0;
	int fd = listener(AF_INET6, "::1", &p);
	if (fd >= 0)
		close(fd);
	return p;
}

static void late6_tests(uint16_t p4)
{
	struct errbuf e;
	char peer[64], want[160];
	FILE *quiet = fopen("/dev/null", "w");
	int fd;

	tcp_set_late6(hook, NULL, quiet);
	fd = tcp_connect("127.0.0.1", p4, 2000, &e);
	CHECK("late6: a connection that works: no call", fd >= 0 && hook_calls == 0);
	if (fd >= 0)
		close(fd);
	uint16_t dead4 = free_port6();	/* likely free on 127.0.0.1 too: only IPv4 refused */
	fd = tcp_connect("127.0.0.1", dead4, 2000, &e);
	CHECK("late6: IPv4 alone refused: no call (IPv6 cannot help)", fd < 0 && hook_calls == 0);
	uint16_t p = free_port6();
	fd = tcp_connect_peer("::1", p, 2000, peer, sizeof(peer), &e);
	snprintf(want, sizeof(want), "::1 %u: ::1: Connection refused", p);
	CHECK("late6: an IPv6 address refused: one call", hook_calls == 1);
	CHECK_STR("late6: told what failed", hook_why, want);
	CHECK("late6: tried again after it, connected", fd >= 0);
	CHECK_STR("late6: the peer of the second try", peer, "::1");
	if (fd >= 0)
		close(fd);
	if (hook_listener >= 0)
		close(hook_listener);
	fd = tcp_connect("::1", p, 2000, &e);
	CHECK("late6: once only", fd == -ECONNREFUSED && hook_calls == 1);
	if (quiet)
		fclose(quiet);
}

int main(void)
{
	struct errbuf e;
	char peer[64], msg[128], text[SRV_PEER_TEXT];
	uint16_t p4, p6;
	int l4 = listener(AF_INET, "127.0.0.1", &p4), l6 = listener(AF_INET6, "::1", &p6), fd;

	CHECK("IPv4 listener", l4 >= 0);
	fd = tcp_connect_peer("127.0.0.1", p4, 2000, peer, sizeof(peer), &e);
	CHECK("IPv4 literal connects", fd >= 0);
	CHECK_STR("IPv4 literal: the peer named", peer, "127.0.0.1");
	if (fd >= 0)
		close(fd);
	if (l6 < 0) {
		printf("SKIP: no IPv6 on loopback\n");
		return CHECK_DONE();
	}
	fd = tcp_connect_peer("::1", p6, 2000, peer, sizeof(peer), &e);
	CHECK("IPv6 literal connects", fd >= 0);
	CHECK_STR("IPv6 literal: the peer named", peer, "::1");
	if (fd >= 0)
		close(fd);
	close(l6);	/* now nothing listens there */
	fd = tcp_connect("::1", p6, 2000, &e);
	snprintf(msg, sizeof(msg), "cannot connect to ::1 port %u: Connection refused", p6);
	CHECK("refused: -ECONNREFUSED", fd == -ECONNREFUSED);
	CHECK_STR("refused: the message names address and port", e.msg, msg);
	late6_tests(p4);

	union srv_peer m = { .in6 = { .sin6_family = AF_INET6, .sin6_port = htons(69) } }, v4 = { .in = {
		.sin_family = AF_INET, .sin_port = htons(69) } }, v6 = m;
	inet_pton(AF_INET6, "::ffff:192.0.2.7", &m.in6.sin6_addr);
	inet_pton(AF_INET, "192.0.2.7", &v4.in.sin_addr);
	inet_pton(AF_INET6, "2001:db8::7", &v6.in6.sin6_addr);
	CHECK("mapped: the IPv4 key", srv_peer_ip(&m) == v4.in.sin_addr.s_addr);
	CHECK_STR("mapped: printed as IPv4", srv_peer_text(&m, text), "192.0.2.7");
	CHECK("IPv6: no IPv4 key", srv_peer_ip(&v6) == 0);
	CHECK_STR("IPv6: printed", srv_peer_text(&v6, text), "2001:db8::7");
	srv_peer_unmap(&m);
	CHECK("unmapped: the same peer as the IPv4 one", srv_peer_same(&m, &v4) && m.sa.sa_family == AF_INET);
	CHECK("IPv4 and IPv6: not the same host", !srv_peer_same_host(&v4, &v6));
	v4.in.sin_port = htons(70);
	CHECK("another port: the same host, not the same peer", srv_peer_same_host(&m, &v4) && !srv_peer_same(&m, &v4));
	close(l4);
	return CHECK_DONE();
}
