/* The TFTP service of `netboot serve`: read-only RFC 1350 with the option
 * extensions (RFC 2347 negotiation, 2348 blksize, 2349 timeout and tsize,
 * 7440 windowsize), through the codec in netboot/tftp_wire.c.
 *
 * The request port only takes RRQs.  Each transfer gets its own UDP socket
 * (its TID), bound to the address the request came to and connect()ed to the
 * client, so the kernel drops strangers' packets; the source is checked
 * again for what arrived before connect().  Files are opened only through
 * boot_files_open.  This file answers the request port and starts
 * transfers; a transfer once started is tftp_send.c's (the windowed sender,
 * retransmission), the per-address caps' bookkeeping and the log lines are
 * tftp_hosts.c's (server/tftp.h).  One timer walks the transfers'
 * retransmission deadlines and the ends of capped addresses' bursts. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include "netboot/clock.h"
#include "netboot/tftp_wire.h"
#include "server/server.h"
#include "server/tftp.h"
#include "server/udp_send.h"

static const char *const loader_names[] = { "pxelinux.0", "lpxelinux.0", "syslinux.efi", "syslinux-ia32.efi" };

/* ---- the request port ---- */

/* Garbage on the request port: logged, at most BAD_LOG_PER_SEC a second so
 * a flood cannot fill the disk; the count of the silenced ones follows. */
static void log_malformed(struct tftp_service *t, uint32_t ip, const uint8_t *b, size_t n)
{
	static const struct log_rule junk = { LOG_PRIO_DEBUG, BAD_LOG_PER_SEC, false };
	t->s->metrics.errors[ME_TFTP_MALFORMED]++;
	unsigned op = n >= 2 ? (unsigned)(b[0] << 8 | b[1]) : 0;
	char why[48];
	if (n < 2)
		snprintf(why, sizeof(why), "too short");
	else if (op < TFTP_RRQ || op > TFTP_OACK)
		snprintf(why, sizeof(why), "unknown opcode %u", op);
	else
		snprintf(why, sizeof(why), "malformed opcode-%u packet", op);
	srv_logr(t->s, &junk, NULL, ip, "tftp", "dropped a %zu-byte datagram: %s", n, why);
}

/* recvmsg with IP_PKTINFO (IPV6_PKTINFO): *local is the address the
 * request was sent to, which the answer must come from on a multi-homed
 * host (a link-local one with its interface as the scope). */
static ssize_t recv_request(int fd, uint8_t *buf, size_t cap, union srv_peer *from, union srv_peer *local)
{
	union {
		char b[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { buf, cap };
	struct msghdr m = { .msg_name = from, .msg_namelen = sizeof(*from), .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b) };
	ssize_t n = recvmsg(fd, &m, 0);
	if (n < 0)
		return -errno;
	memset(local, 0, sizeof(*local));
	local->sa.sa_family = from->sa.sa_family;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			local->in.sin_addr = ((struct in_pktinfo *)(void *)CMSG_DATA(c))->ipi_spec_dst;
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			const struct in6_pktinfo *pi = (const struct in6_pktinfo *)(const void *)CMSG_DATA(c);
			local->in6.sin6_addr = pi->ipi6_addr;
			if (IN6_IS_ADDR_LINKLOCAL(&pi->ipi6_addr))
				local->in6.sin6_scope_id = (uint32_t)pi->ipi6_ifindex;
		}
	}
	if ((m.msg_flags & MSG_TRUNC) || m.msg_namelen < srv_peer_len(from) ||
	    (from->sa.sa_family != AF_INET && from->sa.sa_family != AF_INET6))
		return (ssize_t)cap;	/* longer than any valid request: reads as malformed */
	return n;
}

/* An ERROR from the request port, from the address the request came to
 * (IPv6: the kernel's choice of source, the route's). */
static void reply_error(struct tftp_service *t, const union srv_peer *to, const union srv_peer *local, uint16_t code,
			const char *msg)
{
	uint8_t pkt[160];
	int n = tftp_build_error(pkt, sizeof(pkt), code, msg);
	t->s->metrics.tftp_transfers[MT_REFUSED]++;
	if (n <= 0)	/* advisory: a lost ERROR only makes the client retry */
		return;
	if (to->sa.sa_family == AF_INET6)
		(void)sendto(t->h6.fd, pkt, (size_t)n, MSG_DONTWAIT, &to->sa, srv_peer_len(to));
	else
		udp_send_pktinfo(t->h.fd, &to->in, 0, local->in.sin_addr.s_addr, pkt, (size_t)n, MSG_DONTWAIT);
}

/* ---- starting a transfer ---- */

/* One RRQ on its way to becoming a transfer. */
struct rrq {
	const struct tftp_pkt *p;
	const union srv_peer *from;
	const union srv_peer *local;	/* the address it came to: the answers' source */
	char name[128];			/* the file as asked, sanitized, for the log */
	int mode;			/* TFTP_MODE_OCTET or _NETASCII */
	struct tftp_opts req;		/* the options asked */
};

static enum file_kind classify(const struct boot_files *f, const char *file)
{
	while (*file == '/')
		file++;
	for (size_t i = 0; i < sizeof(loader_names) / sizeof(loader_names[0]); i++)
		if (!strcmp(file, loader_names[i]))
			return FILE_LOADER;
	switch (boot_files_role(f, file)) {	/* every image's, DIR/images/NAME/ too */
	case BOOT_ROLE_KERNEL: return FILE_KERNEL;
	case BOOT_ROLE_IMAGE: return FILE_IMAGE;
	default: return FILE_OTHER;
	}
}

/* The transfer's socket: bound to the address the request came to, connected
 * to the client.  *mtu is the route's MTU (0 when unknown). */
static int open_xfer_socket(struct tftp_service *t, const union srv_peer *peer, const union srv_peer *local, int *mtu)
{
	bool v6 = peer->sa.sa_family == AF_INET6;
	int fd = socket(peer->sa.sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	const char *ifname = t->s->cfg.interface;
	socklen_t ml = sizeof(*mtu);
	if ((ifname[0] && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) < 0) ||
	    bind(fd, &local->sa, srv_peer_len(local)) < 0 || connect(fd, &peer->sa, srv_peer_len(peer)) < 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	if (getsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_MTU : IP_MTU, mtu, &ml) < 0)
		*mtu = 0;
	else if (v6)
		*mtu -= 20;	/* the IPv6 header is 20 bytes longer: negotiate() counts IPv4's */
	return fd;
}

/* Options answered for this path: blksize up to what one frame carries
 * (the route's MTU - 32, learnt by IP_MTU on the connected socket: 1468 on
 * Ethernet, 65464 on loopback), windowsize up to WINDOW_CAP and to what
 * XFER_BUF_MAX holds (4 at blksize 65464, 64 at 1468). */
static void negotiate(const struct tftp_opts *req, int mtu, uint64_t size, struct tftp_opts *use)
{
	long blk_max = mtu > IP_UDP_TFTP_HDR + TFTP_BLKSIZE_MIN ? mtu - IP_UDP_TFTP_HDR : TFTP_BLKSIZE_MAX;
	if (blk_max > TFTP_BLKSIZE_MAX)
		blk_max = TFTP_BLKSIZE_MAX;
	tftp_opts_answer(req, (uint16_t)blk_max, WINDOW_CAP, size, use);
	if (size == 0)	/* curl refuses "tsize 0" in an OACK; unanswered, the size is simply unknown */
		use->present &= ~(unsigned)TFTP_OPT_TSIZE;
	if ((size_t)use->windowsize * use->blksize > XFER_BUF_MAX) {
		size_t w = XFER_BUF_MAX / use->blksize;
		use->windowsize = (uint16_t)(w ? w : 1);
	}
}

/* Opens the file; on refusal answers the client and logs why. */
static int open_file(struct tftp_service *t, const struct rrq *r, uint64_t *size)
{
	struct errbuf e = { "" };
	char self[SERVE_HOST_MAX];	/* generated menus name the address the request came to */
	int fd = boot_files_open_from(&t->s->files, r->p->file, 0, serve_url_host(&t->s->cfg, &r->local->sa, self), size, &e);
	if (fd >= 0)
		return fd;
	uint16_t code = fd == -ENOENT || fd == -ENOTDIR ? TFTP_ENOTFOUND :
			fd == -EACCES || fd == -EPERM ? TFTP_EACCESS : TFTP_EUNDEF;
	if (e.msg[0])	/* names the file: "x: not found", "../y: outside the boot folder, refused" */
		tftp_refusal_log(t, r->from, "%s", e.msg);
	else
		tftp_refusal_log(t, r->from, "refused %s: %s", r->name, strerror(-fd));
	reply_error(t, r->from, r->local, code, code == TFTP_EUNDEF ? "cannot read the file" : tftp_error_name(code));
	return fd;
}

/* A refusal the client is told of: logged (rate-limited), then ERROR code. */
static void refuse(struct tftp_service *t, const struct rrq *r, uint16_t code, const char *msg, const char *why)
{
	tftp_refusal_log(t, r->from, "refused %s: %s", r->name, why);
	reply_error(t, r->from, r->local, code, msg);
}

/* What is checked before anything is opened: the mode, the options, room
 * in the table and under the address's cap.  0 to go on, -1 when refused
 * (answered and logged). */
static int admit(struct tftp_service *t, struct rrq *r)
{
	char why[64];
	r->mode = tftp_mode_parse(r->p->mode);
	if (r->mode < 0 || r->mode == TFTP_MODE_MAIL) {
		char m[24];
		nb_sanitize(m, sizeof(m), r->p->mode, strlen(r->p->mode));
		snprintf(why, sizeof(why), "transfer mode \"%s\"", m);
		refuse(t, r, TFTP_EBADOP, "unsupported transfer mode", why);
		return -1;
	}
	if (tftp_opts_parse(r->p->data, r->p->len, &r->req) < 0) {
		refuse(t, r, TFTP_EOPTNEG, "malformed option value", "an option with a malformed value");
		return -1;
	}
	if (t->n == XFER_MAX) {
		snprintf(why, sizeof(why), "%d transfers already running", XFER_MAX);
		refuse(t, r, TFTP_EUNDEF, "server busy", why);
		return -1;
	}
	if (tftp_host_xfers(t, r->from) >= PER_HOST_MAX) {
		reply_error(t, r->from, r->local, TFTP_EUNDEF, "server busy");
		tftp_host_refused(t, r->from, r->name);
		return -1;
	}
	return 0;
}

/* The window buffer: a window, or READ_AHEAD when that is more.  0 or
 * -ENOMEM. */
static int alloc_window(struct xfer *x)
{
	x->buf_blocks = x->use.windowsize;
	if (x->buf_blocks * x->use.blksize < READ_AHEAD)
		x->buf_blocks = READ_AHEAD / x->use.blksize;
	x->buf = malloc((size_t)(x->buf_blocks * x->use.blksize));
	return x->buf ? 0 : -ENOMEM;
}

/* Opens what a transfer needs: the file, its socket, the window buffer;
 * answers the options.  NULL when refused: answered, logged, and
 * everything opened closed again in one place. */
static struct xfer *xfer_open(struct tftp_service *t, const struct rrq *r)
{
	struct xfer *x = calloc(1, sizeof(*x));
	int mtu = 0, err = -ENOMEM;
	if (!x)
		goto refused;
	x->h = (struct loop_handler){ tftp_xfer_event, x, -1 };
	x->file_fd = -1;
	if ((x->file_fd = open_file(t, r, &x->size)) < 0)
		goto answered;
	if ((x->h.fd = open_xfer_socket(t, r->from, r->local, &mtu)) < 0) {
		err = x->h.fd;
		goto refused;
	}
	negotiate(&r->req, mtu, x->size, &x->use);
	if ((err = alloc_window(x)) < 0)
		goto refused;
	x->svc = t;
	x->peer = *r->from;
	x->nblocks = x->size / x->use.blksize + 1;
	snprintf(x->name, sizeof(x->name), "%s", r->name);
	x->kind = classify(&t->s->files, r->p->file);
	x->timeout_ms = (x->use.present & TFTP_OPT_TIMEOUT) ? x->use.timeout * 1000L : TIMEOUT_MS;
	x->start_ms = x->progress_ms = monotonic_ms();
	return x;
refused:
	refuse(t, r, TFTP_EUNDEF, "server error", err == -ENOMEM ? "out of memory" : strerror(-err));
answered:
	tftp_xfer_discard(x);
	return NULL;
}

/* An RRQ: checked, opened, registered, started; each step that refuses
 * answers the client and logs why. */
static void start_transfer(struct tftp_service *t, const struct tftp_pkt *p, const union srv_peer *from,
			   const union srv_peer *local)
{
	struct rrq r = { .p = p, .from = from, .local = local };
	nb_sanitize(r.name, sizeof(r.name), p->file, strlen(p->file));
	if (tftp_host_duplicate(t, from, r.name))
		return;	/* the client resent its RRQ: the transfer running answers it */
	if (admit(t, &r) < 0)
		return;
	struct xfer *x = xfer_open(t, &r);
	if (!x)
		return;
	int rc = loop_add(&t->s->loop, &x->h, EPOLLIN);
	if (rc < 0) {
		tftp_refusal_log(t, r.from, "refused %s: %s", r.name, strerror(-rc));
		tftp_xfer_discard(x);
		return;
	}
	t->x[t->n++] = x;
	if (r.mode == TFTP_MODE_NETASCII)	/* boot files are binary: sent unchanged, as dnsmasq does */
		tftp_peer_log(t->s, r.from, "%s asked in netascii mode: sent unchanged (octet)", r.name);
	tftp_xfer_start(x);
}

static void on_request(struct loop_handler *h, uint32_t events)
{
	struct tftp_service *t = h->ctx;
	(void)events;
	for (int i = 0; i < RX_BATCH; i++) {
		union srv_peer from, local;
		ssize_t n = recv_request(h->fd, t->rx, sizeof(t->rx), &from, &local);
		if (n == -EINTR)
			continue;
		if (n < 0)
			break;	/* EAGAIN, or an ICMP error from an earlier reply: nothing to do */
		struct tftp_pkt p;
		if ((size_t)n > TFTP_PKT_MAX || tftp_parse(t->rx, (size_t)n, &p) < 0) {
			log_malformed(t, srv_peer_ip(&from), t->rx, (size_t)n);
			if (n >= 2 && t->rx[0] == 0 && (t->rx[1] == TFTP_RRQ || t->rx[1] == TFTP_WRQ))
				reply_error(t, &from, &local, TFTP_EBADOP, "malformed request");
			continue;
		}
		if (p.op == TFTP_WRQ) {
			char name[96];
			nb_sanitize(name, sizeof(name), p.file, strlen(p.file));
			tftp_refusal_log(t, &from, "refused a write request for %s: this server is read-only", name);
			reply_error(t, &from, &local, TFTP_EACCESS, "read-only server");
		} else if (p.op == TFTP_RRQ) {
			start_transfer(t, &p, &from, &local);
		}	/* DATA, ACK, ERROR, OACK on the request port belong to no transfer: dropped */
	}
}

/* ---- the service ---- */

static long on_timer(struct loop_timer *tm, long long now)
{
	struct tftp_service *t = tm->ctx;
	return tftp_xfers_retransmit(t, now);
}

static int bind_failed(uint16_t port, int family, int err, struct errbuf *e)
{
	const char *v6 = family == AF_INET6 ? " (IPv6)" : "";
	if (err == EADDRINUSE)
		return nb_fail(e, -err, "UDP port %u%s is in use (another TFTP server such as tftpd-hpa, atftpd or "
			       "dnsmasq?): stop it, or use --tftp-port or --no-tftp", port, v6);
	if (err == EACCES)
		return nb_fail(e, -err, "UDP port %u: binding it needs root or CAP_NET_BIND_SERVICE", port);
	return nb_fail(e, -err, "UDP port %u%s: %s", port, v6, strerror(err));
}

/* The request port's socket of one family: IPv4 on --listen's address or
 * every one, IPv6 (v6 only, beside it) on [::].  The fd, or -errno with e
 * set. */
static int bind_request_port(struct tftp_service *t, int family, struct errbuf *e)
{
	const struct serve_config *c = &t->s->cfg;
	int one = 1, err;
	union srv_peer a = { .in = { .sin_family = AF_INET, .sin_port = htons(c->tftp_port),
				     .sin_addr.s_addr = c->listen_ip } };
	int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return nb_fail(e, -errno, "UDP socket: %s", strerror(errno));
	if (family == AF_INET6)
		a.in6 = (struct sockaddr_in6){ .sin6_family = AF_INET6, .sin6_port = htons(c->tftp_port),
					       .sin6_addr = IN6ADDR_ANY_INIT };
	/* No SO_REUSEADDR: on UDP it would let a second TFTP server share the
	 * port silently instead of failing here. */
	if (family == AF_INET6 ? setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0 ||
				 setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)) < 0
			       : setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) < 0)
		err = nb_fail(e, -errno, "%s: %s", family == AF_INET6 ? "IPV6_RECVPKTINFO" : "IP_PKTINFO", strerror(errno));
	else if (c->interface[0] &&
		 setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, c->interface, (socklen_t)strlen(c->interface)) < 0)
		err = nb_fail(e, -errno, "--interface %s: %s", c->interface, strerror(errno));
	else if (bind(fd, &a.sa, srv_peer_len(&a)) < 0)
		err = bind_failed(c->tftp_port, family, errno, e);
	else
		err = 0;
	if (err < 0) {
		close(fd);
		return err;
	}
	return fd;
}

/* Both request ports, registered; the IPv6 one only without --listen and
 * where the kernel has IPv6. */
static int open_request_ports(struct tftp_service *t, struct errbuf *e)
{
	struct server *s = t->s;
	int rc, fd = bind_request_port(t, AF_INET, e);
	if (fd < 0)
		return fd;
	t->h = (struct loop_handler){ on_request, t, fd };
	if ((rc = loop_add(&s->loop, &t->h, EPOLLIN)) < 0)
		return nb_fail(e, rc, "epoll: %s", strerror(-rc));
	if (s->cfg.listen_ip)
		return 0;
	fd = bind_request_port(t, AF_INET6, e);
	if (fd == -EAFNOSUPPORT)
		return 0;
	if (fd < 0)
		return fd;
	t->h6 = (struct loop_handler){ on_request, t, fd };
	if ((rc = loop_add(&s->loop, &t->h6, EPOLLIN)) < 0)
		return nb_fail(e, rc, "epoll: %s", strerror(-rc));
	return 0;
}

static void close_request_ports(struct tftp_service *t)
{
	struct loop_handler *h[] = { &t->h, &t->h6 };
	for (int i = 0; i < 2; i++) {
		if (h[i]->fd < 0)
			continue;
		loop_del(&t->s->loop, h[i]);	/* harmless when it was never added */
		close(h[i]->fd);
		h[i]->fd = -1;
	}
}

int tftp_service_start(struct server *s, struct errbuf *e)
{
	struct tftp_service *t = calloc(1, sizeof(*t));
	if (!t)
		return nb_fail(e, -ENOMEM, "out of memory");
	t->s = s;
	t->h.fd = t->h6.fd = -1;
	t->timer = (struct loop_timer){ on_timer, t };
	int rc = open_request_ports(t, e);
	if (rc == 0 && (rc = loop_add_timer(&s->loop, &t->timer)) < 0)
		nb_fail(e, rc, "no timer slot left");
	if (rc < 0) {
		close_request_ports(t);
		free(t);
		return rc;
	}
	s->tftp = t;
	return 0;
}

void tftp_service_stop(struct server *s)
{
	struct tftp_service *t = s->tftp;
	if (!t)
		return;
	while (t->n)
		tftp_xfer_free(t->x[t->n - 1]);
	loop_del_timer(&s->loop, &t->timer);
	close_request_ports(t);
	free(t);
	s->tftp = NULL;
}
