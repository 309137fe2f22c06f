/* One datagram out with IP_PKTINFO, shared by the DHCP and TFTP services:
 * a broadcast must leave by the interface its request came in on, and an
 * answer from a socket bound to 0.0.0.0 must come from the address the
 * request was sent to, or firmware drops it. */
#ifndef SERVER_UDP_SEND_H
#define SERVER_UDP_SEND_H
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

/* Sends buf to `to`; with ifindex > 0 out of that interface, with src != 0
 * from that address (network order).  0 or a negative errno. */
int udp_send_pktinfo(int fd, const struct sockaddr_in *to, int ifindex, uint32_t src, const void *buf, size_t len,
		     int flags);
#endif
