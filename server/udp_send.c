/* See udp_send.h. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include "server/udp_send.h"

int udp_send_pktinfo(int fd, const struct sockaddr_in *to, int ifindex, uint32_t src, const void *buf, size_t len,
		     int flags)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_name = (void *)to, .msg_namelen = sizeof(*to), .msg_iov = &iov, .msg_iovlen = 1 };

	if (ifindex > 0 || src) {
		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(struct in_pktinfo));
		struct in_pktinfo pi = { .ipi_ifindex = ifindex > 0 ? ifindex : 0 };
		pi.ipi_spec_dst.s_addr = src;
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	}
	return sendmsg(fd, &mh, flags) < 0 ? -errno : 0;
}

int udp_recv_pktinfo(int fd, void *buf, size_t cap, size_t *len, void *from, socklen_t fromlen,
		     struct udp_pktinfo *pi)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];	/* the larger of the two */
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = cap };
	struct msghdr mh = { .msg_name = from, .msg_namelen = fromlen, .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
	ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);

	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	*len = (mh.msg_flags & MSG_TRUNC) ? cap + 1 : (size_t)n;
	memset(pi, 0, sizeof(*pi));
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo p;
			memcpy(&p, CMSG_DATA(cm), sizeof(p));
			pi->ifindex = p.ipi_ifindex;
			pi->local4 = p.ipi_spec_dst.s_addr;
			pi->dst4 = p.ipi_addr.s_addr;
		} else if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo p;
			memcpy(&p, CMSG_DATA(cm), sizeof(p));
			pi->ifindex = (int)p.ipi6_ifindex;
			memcpy(pi->dst6, &p.ipi6_addr, 16);
		}
	}
	return 1;
}
