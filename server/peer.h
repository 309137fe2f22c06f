/* A client's address as the server's sockets give it, IPv4 or IPv6.  The
 * services key clients by their IPv4 address (the DHCP table's key); an
 * IPv6 peer has none (0) and is named by its text instead. */
#ifndef SERVER_PEER_H
#define SERVER_PEER_H
#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

union srv_peer {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};

/* Room for any peer's text: an IPv6 address with a zone. */
#define SRV_PEER_TEXT 64

socklen_t srv_peer_len(const union srv_peer *p);
/* The IPv4 address (network order) of an IPv4 peer or an IPv4-mapped
 * IPv6 one (a dual-stack socket's view of an IPv4 client); 0 for IPv6. */
uint32_t srv_peer_ip(const union srv_peer *p);
/* The same address (ports aside) / the same address and port. */
bool srv_peer_same_host(const union srv_peer *a, const union srv_peer *b);
bool srv_peer_same(const union srv_peer *a, const union srv_peer *b);
/* The address as text ("192.0.2.5", "2001:db8::5"; a mapped one as IPv4). */
const char *srv_peer_text(const union srv_peer *p, char buf[SRV_PEER_TEXT]);
/* An IPv4-mapped address made a plain IPv4 one, so a dual-stack socket's
 * peers compare and print as the IPv4 ones they are. */
void srv_peer_unmap(union srv_peer *p);
#endif
