/* Datagrams with their packet info.  Out with IP_PKTINFO, shared by the
 * DHCP and TFTP services: a broadcast must leave by the interface its
 * request came in on, and an answer from a socket bound to 0.0.0.0 must
 * come from the address the request was sent to, or firmware drops it.
 * In with IP_PKTINFO or IPV6_PKTINFO, shared by DHCP and DHCPv6: the
 * interface a request came in on, the address it was sent to. */
#ifndef SERVER_UDP_SEND_H
#define SERVER_UDP_SEND_H
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Sends buf to `to`; with ifindex > 0 out of that interface, with src != 0
 * from that address (network order).  0 or a negative errno. */
int udp_send_pktinfo(int fd, const struct sockaddr_in *to, int ifindex, uint32_t src, const void *buf, size_t len,
		     int flags);

/* What a received datagram's packet info said (zero when it said nothing). */
struct udp_pktinfo {
	int ifindex;		/* the interface it came in on */
	uint32_t local4;	/* IPv4: the local address it reached (ipi_spec_dst), network order */
	uint32_t dst4;		/* IPv4: the header's destination (ipi_addr): a broadcast or ours */
	uint8_t dst6[16];	/* IPv6: the destination (ipi6_addr) */
};

/* One waiting datagram (MSG_DONTWAIT) into buf, its sender into from
 * (fromlen bytes: a sockaddr_in or sockaddr_in6), its packet info into pi.
 * 1 with *len set (cap + 1 when it was longer than cap: the caller's
 * parser refuses it as too long), 0 when none is waiting, or -errno. */
int udp_recv_pktinfo(int fd, void *buf, size_t cap, size_t *len, void *from, socklen_t fromlen,
		     struct udp_pktinfo *pi);
#endif
