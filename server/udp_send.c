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
