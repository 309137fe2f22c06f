#include "netboot/ipv4.h"
#include "netboot/clock.h"
#include "netboot/netlog.h"
#include "netboot/dhcp_client.h"
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include "netboot/jitter.h"
#include "netboot/rtnl.h"

#define CARRIER_POLL_MS 100

int dhcp_retx_delay_ms(int attempt, uint32_t rnd)
{
	long base;

	if (attempt <= 1)
		return 1000 + (int)(rnd % 1001);
	base = 4000L << (attempt - 2 < 8 ? attempt - 2 : 8);
	if (base > DHCP_RETX_CAP_MS)
		base = DHCP_RETX_CAP_MS;
	return (int)(base - 1000 + (long)(rnd % 2001));
}

void dhcp_build_request(struct dhcp_msg *m, uint8_t type, uint32_t xid, const uint8_t mac[6],
			uint16_t secs, uint32_t req_ip, uint32_t server_id, const char *hostname,
			uint16_t max_size)
{
	static const uint8_t params[] = {
		DHCP_OPT_SUBNET_MASK, DHCP_OPT_ROUTER, DHCP_OPT_DNS, DHCP_OPT_HOSTNAME,
		DHCP_OPT_DOMAIN, DHCP_OPT_MTU, DHCP_OPT_BROADCAST, DHCP_OPT_LEASE_TIME,
		DHCP_OPT_SERVER_ID, DHCP_OPT_T1, DHCP_OPT_T2, DHCP_OPT_TFTP_SERVER, DHCP_OPT_BOOTFILE,
	};
	uint8_t cid[7] = { 1 };
	uint8_t ms[2] = { (uint8_t)(max_size >> 8), (uint8_t)max_size };

	dhcp_msg_init(m, DHCP_BOOTREQUEST, type, xid, mac);
	m->secs = secs;
	m->flags = DHCP_FLAG_BROADCAST;	/* we cannot receive unicast IP yet */
	memcpy(cid + 1, mac, 6);
	/* Fixed small options: they always fit an empty message. */
	dhcp_opt_add(m, DHCP_OPT_CLIENT_ID, cid, sizeof(cid));
	if (req_ip)
		dhcp_opt_add(m, DHCP_OPT_REQUESTED_IP, &req_ip, 4);
	if (server_id)
		dhcp_opt_add(m, DHCP_OPT_SERVER_ID, &server_id, 4);
	dhcp_opt_add(m, DHCP_OPT_MAX_SIZE, ms, 2);
	dhcp_opt_add(m, DHCP_OPT_PARAM_LIST, params, sizeof(params));
	/* names us to servers: netboot serve marks the client's boot as past the kernel */
	dhcp_opt_add(m, DHCP_OPT_VENDOR_CLASS, DHCP_AGENT_VENDOR_CLASS, strlen(DHCP_AGENT_VENDOR_CLASS));
	if (hostname && *hostname)
		dhcp_opt_add(m, DHCP_OPT_HOSTNAME, hostname, strnlen(hostname, 63));
}

/* Copies the first word of a text option (a domain list separated by
 * spaces keeps its first name). */
static void first_word(char *dst, size_t cap, const char *src)
{
	size_t n = strcspn(src, " \t,;");
	nb_sanitize(dst, cap, src, n);
}

static bool usable_host(uint32_t addr)
{
	uint32_t h = ntohl(addr);
	return h != 0 && h != 0xffffffffu && (h >> 24) != 0 && (h >> 24) != 127 && h < 0xe0000000u;
}

int dhcp_lease_from_msg(const struct dhcp_msg *m, uint32_t src, struct dhcp_lease *l, struct errbuf *e)
{
	char a[16], text[256];
	uint32_t mask, hmask, v;
	uint16_t mtu;
	uint8_t overload = 0;
	int n;

	memset(l, 0, sizeof(*l));
	if (!usable_host(m->yiaddr))
		return nb_fail(e, -EPROTO, "offered address %s is not a usable host address", ipv4_ntoa(m->yiaddr, a));
	l->addr = m->yiaddr;
	if (dhcp_opt_addr(m, DHCP_OPT_SUBNET_MASK, &mask) == 0) {
		hmask = ntohl(mask);
		if (hmask == 0 || ipv4_mask_prefix(mask) < 0)
			return nb_fail(e, -EPROTO, "subnet mask %s is not a contiguous non-zero mask", ipv4_ntoa(mask, a));
	} else {
		uint32_t first = ntohl(m->yiaddr) >> 24;
		hmask = first < 128 ? 0xff000000u : first < 192 ? 0xffff0000u : 0xffffff00u;
	}
	l->mask = htonl(hmask);
	l->prefix = (uint8_t)__builtin_popcount(hmask);
	/* Configured, such an address would take the subnet's broadcast (or
	 * its network address): a misconfigured range, not a lease. */
	if (l->prefix < 31 && ((ntohl(l->addr) & ~hmask) == 0 || (ntohl(l->addr) & ~hmask) == ~hmask))
		return nb_fail(e, -EPROTO, "offered address %s is the %s address of its /%u subnet", ipv4_ntoa(l->addr, a),
			       (ntohl(l->addr) & ~hmask) ? "broadcast" : "network", l->prefix);
	if (dhcp_opt_addr(m, DHCP_OPT_BROADCAST, &v) == 0 && v)
		l->broadcast = v;
	else if (l->prefix < 31)
		l->broadcast = l->addr | ~l->mask;
	uint32_t routers[4];
	if (dhcp_opt_addrs(m, DHCP_OPT_ROUTER, routers, 4, &n) == 0)
		for (int i = 0; i < n && !l->router; i++)
			if (usable_host(routers[i]) && routers[i] != l->addr)	/* ourselves: no gateway */
				l->router = routers[i];
	uint32_t dns[8];
	if (dhcp_opt_addrs(m, DHCP_OPT_DNS, dns, 8, &n) == 0)
		for (int i = 0; i < n && l->ndns < DHCP_MAX_DNS; i++)
			if (usable_host(dns[i]) || ntohl(dns[i]) >> 24 == 127)
				l->dns[l->ndns++] = dns[i];
	if (dhcp_opt_addr(m, DHCP_OPT_SERVER_ID, &v) < 0 || !v)
		v = src;
	l->server_id = v;
	l->siaddr = m->siaddr;
	if (dhcp_opt_u32(m, DHCP_OPT_LEASE_TIME, &v) == 0)
		l->lease_secs = v;
	if (dhcp_opt_u16(m, DHCP_OPT_MTU, &mtu) == 0 && mtu >= 576)
		l->mtu = mtu;
	if (dhcp_opt_str(m, DHCP_OPT_HOSTNAME, text, sizeof(text)) == 0)
		first_word(l->hostname, sizeof(l->hostname), text);
	if (dhcp_opt_str(m, DHCP_OPT_DOMAIN, text, sizeof(text)) == 0)
		first_word(l->domain, sizeof(l->domain), text);
	dhcp_opt_u8(m, DHCP_OPT_OVERLOAD, &overload);
	if (dhcp_opt_str(m, DHCP_OPT_BOOTFILE, text, sizeof(text)) == 0)
		nb_sanitize(l->bootfile, sizeof(l->bootfile), text, strlen(text));
	else if (!(overload & 1))
		nb_sanitize(l->bootfile, sizeof(l->bootfile), (const char *)m->file, sizeof(m->file));
	if (dhcp_opt_str(m, DHCP_OPT_TFTP_SERVER, text, sizeof(text)) == 0)
		nb_sanitize(l->tftp_server, sizeof(l->tftp_server), text, strlen(text));
	else if (!(overload & 2))
		nb_sanitize(l->tftp_server, sizeof(l->tftp_server), (const char *)m->sname, sizeof(m->sname));
	return 0;
}

/* --- the client --- */

enum if_state { S_NO_CARRIER, S_SELECTING, S_REQUESTING, S_BOUND, S_FAILED };

struct iface {
	const char *name;
	int ifindex;
	uint8_t mac[6];
	unsigned mtu;
	int fd;
	enum if_state st;
	bool carrier;
	uint32_t xid;
	long long t_start;	/* base of the secs field */
	long long t_next;	/* next transmission */
	long long t_check;	/* next carrier query while without carrier */
	long long t_bound;
	int tries;		/* transmissions in the current state */
	int ndiscover, noffer, nnak, nbad;
	uint32_t server;	/* the server whose offer we requested */
	struct dhcp_lease lease;	/* the offer, then the ACK */
	char why[128];		/* the latest trouble, for the failure message */
};

struct client {
	struct iface ifs[DHCP_MAX_IFACES];
	int n;
	struct rtnl nl;
	const struct dhcp_client_cfg *cfg;
	int bootif;		/* index of the BOOTIF interface, -1 if not among them */
	uint32_t salt;		/* the MACs: see jitter_salt */
	long long t0;
	FILE *log;
};


/* jitter and xids need to differ between machines booting together, not
 * to be secret. */
static uint32_t rnd(const struct client *c)
{
	return jitter_random() ^ c->salt;
}

static void seed(struct client *c)
{
	c->salt = 0;
	for (int i = 0; i < c->n; i++)
		c->salt = jitter_salt(c->salt, c->ifs[i].mac, 6);
}

/* The filter is in place before bind, so nothing else is ever queued. */
int dhcp_packet_open(int ifindex, struct errbuf *e)
{
	static const struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),			/* IP protocol */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 17, 0, 6),
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 6),			/* fragment offset */
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, 4, 0),
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),			/* X = IP header length */
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),			/* UDP destination port */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, DHCP_CLIENT_PORT, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = (struct sock_filter *)code };
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP), .sll_ifindex = ifindex,
	};
	int one = 1, rc, fd;

	fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return nb_fail(e, -errno, "packet socket: %s", strerror(errno));
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0 ||
	    setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)) < 0) {
		rc = nb_fail(e, -errno, "packet socket options: %s", strerror(errno));
		goto out;
	}
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		rc = nb_fail(e, -errno, "packet socket bind: %s", strerror(errno));
		goto out;
	}
	return fd;
out:
	close(fd);
	return rc;
}

/* ready: carrier and the transmit queue attached (waiting for carrier);
 * else carrier alone (before a send, once it was ready: a pulled cable). */
static bool query_carrier(struct client *c, struct iface *f, bool ready)
{
	struct rtnl_link l;
	if (rtnl_link_get(&c->nl, f->ifindex, NULL, &l, NULL) < 0)
		return false;
	return ready ? rtnl_has_carrier(&l) : rtnl_has_lower_up(&l);
}

static double since(const struct client *c, long long now)
{
	return (double)(now - c->t0) / 1000.0;
}

static void restart(struct client *c, struct iface *f, long long when)
{
	f->st = S_SELECTING;
	f->xid = rnd(c);
	f->tries = 0;
	f->server = 0;
	f->t_start = when;
	f->t_next = when;
}

static void transmit(struct client *c, struct iface *f, long long now)
{
	struct dhcp_msg m;
	struct errbuf sub;
	bool req = f->st == S_REQUESTING;
	long long secs = (now - f->t_start) / 1000;
	unsigned max = f->mtu < 576 ? 576 : f->mtu > 1500 ? 1500 : f->mtu;
	char a[16], s[16];
	int rc;

	dhcp_build_request(&m, req ? DHCPREQUEST : DHCPDISCOVER, f->xid, f->mac,
			   (uint16_t)(secs > 0xffff ? 0xffff : secs), req ? f->lease.addr : 0,
			   req ? f->server : 0, c->cfg->hostname, (uint16_t)max);
	rc = dhcp_packet_send(f->fd, f->ifindex, &m, &sub);
	f->tries++;
	if (!req)
		f->ndiscover++;
	f->t_next = now + dhcp_retx_delay_ms(f->tries, rnd(c));
	if (rc < 0) {
		snprintf(f->why, sizeof(f->why), "%.120s", sub.msg);
		net_log(c->log, "%s: %s %s failed: %s", f->name, req ? "REQUEST" : "DISCOVER",
		    f->tries > 1 ? "again" : "", f->why);
		return;
	}
	if (req)
		net_log(c->log, "%s: REQUEST %s from %s%s (try %d)", f->name, ipv4_ntoa(f->lease.addr, a),
		    ipv4_ntoa(f->server, s), f->tries > 1 ? " again" : "", f->tries);
	else
		net_log(c->log, "%s: DISCOVER%s (xid 0x%08x, try %d, next in %.1f s)", f->name,
		    f->tries > 1 ? " again" : "", f->xid, f->tries, (double)(f->t_next - now) / 1000.0);
}

static void handle(struct client *c, struct iface *f, const struct dhcp_msg *m, uint32_t src, long long now)
{
	int type = dhcp_msg_type(m);
	uint32_t sid = 0;
	struct errbuf sub;
	char a[16], s[16];

	if (dhcp_opt_addr(m, DHCP_OPT_SERVER_ID, &sid) < 0 || !sid)
		sid = src;
	if (f->st == S_SELECTING && type == DHCPOFFER) {
		if (dhcp_lease_from_msg(m, src, &f->lease, &sub) < 0) {
			snprintf(f->why, sizeof(f->why), "offer from %s ignored: %.90s", ipv4_ntoa(sid, s), sub.msg);
			net_log(c->log, "%s: %s", f->name, f->why);
			return;
		}
		f->noffer++;
		f->server = f->lease.server_id;
		net_log(c->log, "%s: OFFER %s from %s after %.1f s", f->name, ipv4_ntoa(f->lease.addr, a),
		    ipv4_ntoa(f->server, s), since(c, now));
		f->st = S_REQUESTING;
		f->tries = 0;
		f->t_next = now;
		return;
	}
	/* Other servers' answers to our broadcast REQUEST are not for us. */
	if (f->st != S_REQUESTING || sid != f->server)
		return;
	if (type == DHCPNAK) {
		char text[128] = "", shown[128] = "";
		if (dhcp_opt_str(m, DHCP_OPT_MESSAGE, text, sizeof(text)) == 0)
			nb_sanitize(shown, sizeof(shown), text, strlen(text));
		f->nnak++;
		snprintf(f->why, sizeof(f->why), "NAK from %s%s%.90s", ipv4_ntoa(sid, s), *shown ? ": " : "", shown);
		net_log(c->log, "%s: %s, starting over", f->name, f->why);
		/* A server that NAKs every time must not make us flood it. */
		restart(c, f, now + (f->nnak > 1 ? 2000 : 0));
		return;
	}
	if (type != DHCPACK)
		return;
	if (dhcp_lease_from_msg(m, src, &f->lease, &sub) < 0) {
		snprintf(f->why, sizeof(f->why), "ACK from %s unusable: %.90s", ipv4_ntoa(sid, s), sub.msg);
		net_log(c->log, "%s: %s, starting over", f->name, f->why);
		restart(c, f, now + 2000);
		return;
	}
	f->st = S_BOUND;
	f->t_bound = now;
	net_log(c->log, "%s: DHCP lease %s/%u from %s in %.1f s", f->name, ipv4_ntoa(f->lease.addr, a),
	    f->lease.prefix, ipv4_ntoa(f->lease.server_id, s), since(c, now));
}

/* Reads every queued packet of one interface. */
static void receive(struct client *c, struct iface *f, long long now)
{
	struct dhcp_msg m;
	struct errbuf sub;
	uint32_t src;
	char s[16];
	int rc;

	while ((rc = dhcp_packet_recv(f->fd, &m, &src, &sub)) != 0) {
		if (rc < 0) {
			/* Report the first few; a noisy LAN must not flood the console. */
			if (f->nbad++ < 3)
				net_log(c->log, "%s: ignored a malformed packet: %s", f->name, sub.msg);
			continue;
		}
		rc = dhcp_check_reply(&m, f->xid, f->mac, &sub);
		if (rc == -ENOMSG)
			continue;	/* another client's reply: the broadcast flag sends them to all */
		if (rc < 0) {
			if (f->nbad++ < 3)
				net_log(c->log, "%s: ignored a packet from %s: %s", f->name, ipv4_ntoa(src, s), sub.msg);
			continue;
		}
		handle(c, f, &m, src, now);
	}
}

int dhcp_packet_send(int fd, int ifindex, const struct dhcp_msg *m, struct errbuf *e)
{
	uint8_t payload[DHCP_MSG_MAX], pkt[DHCP_MSG_MAX + DHCP_IPUDP_LEN];
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP), .sll_ifindex = ifindex,
		.sll_halen = 6, .sll_addr = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	};
	int len = dhcp_encode(m, payload, sizeof(payload), NULL);

	if (len > 0)
		len = dhcp_ipudp_wrap(pkt, sizeof(pkt), 0, 0xffffffffu, DHCP_CLIENT_PORT, DHCP_SERVER_PORT,
				      payload, (size_t)len);
	if (len < 0)
		return nb_fail(e, -EMSGSIZE, "send: message too long");
	if (sendto(fd, pkt, (size_t)len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return nb_fail(e, -errno, "send: %s", strerror(errno));
	return 0;
}

int dhcp_packet_recv(int fd, struct dhcp_msg *m, uint32_t *src, struct errbuf *e)
{
	uint8_t buf[DHCP_MSG_MAX + 60 + 8];
	union {
		struct cmsghdr h;
		uint8_t b[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
	} cm;
	struct dhcp_udp udp;

	for (;;) {
		struct sockaddr_ll from;
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		struct msghdr mh = {
			.msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = cm.b, .msg_controllen = sizeof(cm.b),
		};
		bool check_sum = true;
		ssize_t n = recvmsg(fd, &mh, MSG_TRUNC);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return 0;	/* EAGAIN; anything else shows up as silence */
		}
		if (from.sll_pkttype == PACKET_OUTGOING || (size_t)n > sizeof(buf))
			continue;
		for (struct cmsghdr *h = CMSG_FIRSTHDR(&mh); h; h = CMSG_NXTHDR(&mh, h)) {
			struct tpacket_auxdata aux;
			if (h->cmsg_level != SOL_PACKET || h->cmsg_type != PACKET_AUXDATA)
				continue;
			memcpy(&aux, CMSG_DATA(h), sizeof(aux));
			/* Checksum offload (veth, virtio): never computed, not wrong. */
			if (aux.tp_status & TP_STATUS_CSUMNOTREADY)
				check_sum = false;
		}
		if (dhcp_ipudp_unwrap(buf, (size_t)n, DHCP_SERVER_PORT, DHCP_CLIENT_PORT, check_sum, &udp, e) < 0 ||
		    dhcp_parse(udp.payload, udp.len, m, e) < 0)
			return -EPROTO;
		*src = udp.src;
		return 1;
	}
}

void dhcp_build_pxe_discover(struct dhcp_msg *m, uint32_t xid, const uint8_t mac[6], uint16_t arch,
			     const uint8_t uuid[16])
{
	static const uint8_t params[] = { 1, 3, 6, 43, 60, 66, 67, 97, 128 };
	uint8_t a[2] = { (uint8_t)(arch >> 8), (uint8_t)arch };
	uint8_t ms[2] = { 0x04, 0xec };	/* 1260, as iPXE and many ROMs send */
	uint8_t ndi[3] = { 1, 2, 1 };	/* UNDI 2.1 */
	uint8_t guid[17] = { 0 };	/* type 0, then the UUID */
	char vendor[48];

	dhcp_msg_init(m, DHCP_BOOTREQUEST, DHCPDISCOVER, xid, mac);
	m->flags = DHCP_FLAG_BROADCAST;
	memcpy(guid + 1, uuid, 16);
	snprintf(vendor, sizeof(vendor), "PXEClient:Arch:%05u:UNDI:003016", arch);
	dhcp_opt_add(m, DHCP_OPT_MAX_SIZE, ms, 2);
	dhcp_opt_add(m, DHCP_OPT_PARAM_LIST, params, sizeof(params));
	dhcp_opt_add(m, DHCP_OPT_CLIENT_ARCH, a, 2);
	dhcp_opt_add(m, DHCP_OPT_CLIENT_NDI, ndi, 3);
	dhcp_opt_add(m, DHCP_OPT_UUID, guid, sizeof(guid));
	dhcp_opt_add(m, DHCP_OPT_VENDOR_CLASS, vendor, strlen(vendor));
}

static int setup(struct client *c, struct iface *f, long long now)
{
	struct rtnl_link l;
	struct errbuf sub;
	int rc;

	if ((rc = rtnl_link_get(&c->nl, 0, f->name, &l, &sub)) < 0) {
		snprintf(f->why, sizeof(f->why), "%.120s", sub.msg);
		return rc;
	}
	if (l.type != 1) {
		snprintf(f->why, sizeof(f->why), "not Ethernet (link type %u)", l.type);
		return -EINVAL;
	}
	f->ifindex = l.ifindex;
	memcpy(f->mac, l.mac, 6);
	f->mtu = l.mtu;
	if ((f->fd = dhcp_packet_open(l.ifindex, &sub)) < 0) {
		snprintf(f->why, sizeof(f->why), "%.120s", sub.msg);
		return f->fd;
	}
	f->carrier = rtnl_ready_at_link_up(&l);
	f->st = S_NO_CARRIER;
	f->t_check = now;
	return 0;
}

/* Is any interface besides f still in the race (with carrier)? */
static bool others_alive(const struct client *c, const struct iface *f)
{
	for (int i = 0; i < c->n; i++)
		if (&c->ifs[i] != f && c->ifs[i].st != S_FAILED && c->ifs[i].st != S_NO_CARRIER)
			return true;
	return false;
}

/* Carrier bookkeeping and retransmissions due now. */
static void tick(struct client *c, struct iface *f, long long now)
{
	if (f->st == S_BOUND || f->st == S_FAILED)
		return;
	if (!f->carrier && now >= f->t_check) {
		f->t_check = now + CARRIER_POLL_MS;
		if ((f->carrier = query_carrier(c, f, true)) && f->st != S_NO_CARRIER) {
			net_log(c->log, "%s: carrier back after %.1f s", f->name, since(c, now));
			f->t_next = now;	/* do not sit out a backed-off retransmit */
		}
	}
	if (f->st == S_NO_CARRIER) {
		if (f->carrier) {
			if (now - c->t0 > 50)
				net_log(c->log, "%s: carrier after %.1f s", f->name, since(c, now));
			restart(c, f, now);
		} else if (now - c->t0 >= c->cfg->carrier_wait_ms && others_alive(c, f)) {
			/* left out only when another NIC is in the race: a lone slow
			 * link keeps its chance until the overall deadline */
			f->st = S_FAILED;
			snprintf(f->why, sizeof(f->why), "no carrier");
			net_log(c->log, "%s: no carrier after %.1f s, leaving it out", f->name, since(c, now));
			return;
		} else {
			return;
		}
	}
	if (!f->carrier || now < f->t_next)
		return;
	/* Check right before sending: a cable pulled since the last packet. */
	if (!query_carrier(c, f, false)) {
		f->carrier = false;
		f->t_check = now + CARRIER_POLL_MS;
		net_log(c->log, "%s: carrier lost, holding", f->name);
		return;
	}
	if (f->st == S_REQUESTING && f->tries >= DHCP_REQUEST_TRIES) {
		char s[16];
		snprintf(f->why, sizeof(f->why), "no ACK from %s after %d REQUESTs", ipv4_ntoa(f->server, s), f->tries);
		net_log(c->log, "%s: %s, starting over", f->name, f->why);
		restart(c, f, now);
	}
	transmit(c, f, now);
}

/* The lease to use, or -1 to keep waiting: the first ACK, unless the
 * BOOTIF interface is still trying and its grace period has not run out. */
static int pick(struct client *c, long long now, long long *grace_end, bool time_up)
{
	int first = -1;

	for (int i = 0; i < c->n; i++)
		if (c->ifs[i].st == S_BOUND && (first < 0 || c->ifs[i].t_bound < c->ifs[first].t_bound))
			first = i;
	if (first < 0)
		return -1;
	int b = c->bootif;
	if (b < 0 || b == first || c->ifs[b].st == S_FAILED || c->cfg->bootif_grace_ms < 0 || time_up)
		return first;
	if (c->ifs[b].st == S_BOUND)
		return b;
	if (!*grace_end) {
		*grace_end = c->ifs[first].t_bound + c->cfg->bootif_grace_ms;
		net_log(c->log, "%s: waiting up to %.1f s for the BOOTIF interface %s", c->ifs[first].name,
		    c->cfg->bootif_grace_ms / 1000.0, c->ifs[b].name);
	}
	if (now < *grace_end)
		return -1;
	net_log(c->log, "BOOTIF interface %s got no lease in time, using %s", c->ifs[b].name, c->ifs[first].name);
	return first;
}

static long long next_event(const struct client *c, long long deadline, long long grace_end)
{
	long long t = deadline;

	if (grace_end && grace_end < t)
		t = grace_end;
	for (int i = 0; i < c->n; i++) {
		const struct iface *f = &c->ifs[i];
		if (f->st == S_BOUND || f->st == S_FAILED)
			continue;
		if (!f->carrier) {
			if (f->t_check < t)
				t = f->t_check;
		} else if (f->st != S_NO_CARRIER && f->t_next < t) {
			t = f->t_next;
		}
	}
	return t;
}

static int fail_message(const struct client *c, long long now, int rc, struct errbuf *e)
{
	char names[160] = "", why[384] = "";
	bool offered = false;
	size_t nl = 0, wl = 0;

	for (int i = 0; i < c->n; i++) {
		const struct iface *f = &c->ifs[i];
		char one[192];
		offered |= f->noffer > 0;
		if (f->st == S_FAILED || f->st == S_NO_CARRIER)
			snprintf(one, sizeof(one), "%s", f->st == S_NO_CARRIER ? "no carrier" : f->why);
		else if (f->st == S_REQUESTING)
			snprintf(one, sizeof(one), "offered %s, no ACK yet", ipv4_ntoa(f->lease.addr, (char[16]){ 0 }));
		else if (!f->carrier)
			snprintf(one, sizeof(one), "carrier lost after %d DISCOVER%s", f->ndiscover, f->ndiscover == 1 ? "" : "s");
		else if (f->why[0])
			snprintf(one, sizeof(one), "%d DISCOVERs, last trouble: %s", f->ndiscover, f->why);
		else
			snprintf(one, sizeof(one), "%d DISCOVER%s, no offer", f->ndiscover, f->ndiscover == 1 ? "" : "s");
		if (nl < sizeof(names))
			nl += (size_t)snprintf(names + nl, sizeof(names) - nl, "%s%s", i ? ", " : "", f->name);
		if (wl < sizeof(why))
			wl += (size_t)snprintf(why + wl, sizeof(why) - wl, "%s%s: %s", i ? "; " : "", f->name, one);
	}
	return nb_fail(e, rc, "no DHCP %s on %s after %.1f s (%s)", offered ? "lease" : "offer", names,
		       since(c, now), why);
}

/* The configuration with defaults filled in, and the client state for the
 * interfaces `names` (no sockets yet). */
static void client_init(struct client *c, struct dhcp_client_cfg *conf, const char *const *names, int n,
			FILE *log)
{
	if (!conf->timeout_ms)
		conf->timeout_ms = DHCP_TIMEOUT_MS;
	if (!conf->carrier_wait_ms)
		conf->carrier_wait_ms = DHCP_CARRIER_WAIT_MS;
	if (!conf->bootif_grace_ms)
		conf->bootif_grace_ms = DHCP_BOOTIF_GRACE_MS;
	memset(c, 0, sizeof(*c));
	c->n = n;
	c->cfg = conf;
	c->log = log;
	c->bootif = -1;
	c->t0 = monotonic_ms();
	for (int i = 0; i < n; i++) {
		c->ifs[i].fd = -1;
		c->ifs[i].name = names[i];
	}
}

/* Every interface up with its socket; one that cannot be set up is left
 * out.  Returns how many are in the race; *setup_rc is the first failure. */
static int setup_all(struct client *c, long long now, int *setup_rc)
{
	int live = 0, rc;

	for (int i = 0; i < c->n; i++) {
		struct iface *f = &c->ifs[i];
		if ((rc = setup(c, f, now)) < 0) {
			f->st = S_FAILED;
			*setup_rc = *setup_rc ? *setup_rc : rc;
			net_log(c->log, "%s: %s, leaving it out", f->name, f->why);
			continue;
		}
		live++;
		if (!f->carrier)
			net_log(c->log, "%s: no carrier yet, waiting up to %.1f s", f->name,
				c->cfg->carrier_wait_ms / 1000.0);
		if (c->cfg->bootif && !memcmp(f->mac, c->cfg->bootif, 6))
			c->bootif = i;
	}
	return live;
}

static int count_live(const struct client *c)
{
	int live = 0;

	for (int i = 0; i < c->n; i++)
		live += c->ifs[i].st != S_FAILED;
	return live;
}

/* Waits for the next packet or timer (at most until `deadline`) and reads
 * what arrived on every interface still listening. */
static int wait_and_receive(struct client *c, long long now, long long deadline, long long grace_end,
			    struct errbuf *e)
{
	struct pollfd pfd[DHCP_MAX_IFACES + 1];
	int idx[DHCP_MAX_IFACES], np = 0;

	for (int i = 0; i < c->n; i++) {
		if (c->ifs[i].st == S_SELECTING || c->ifs[i].st == S_REQUESTING ||
		    (c->ifs[i].st == S_NO_CARRIER && c->ifs[i].fd >= 0)) {
			pfd[np] = (struct pollfd){ .fd = c->ifs[i].fd, .events = POLLIN };
			idx[np++] = i;
		}
	}
	long long wait = next_event(c, deadline, grace_end) - now;
	pfd[np] = (struct pollfd){ .fd = c->cfg->stop_fd > 0 ? c->cfg->stop_fd : -1, .events = POLLIN };
	int pr = poll(pfd, (nfds_t)np + 1, wait < 0 ? 0 : (int)wait);
	if (pr < 0 && errno != EINTR)
		return nb_fail(e, -errno, "DHCP poll: %s", strerror(errno));
	if (pr > 0 && pfd[np].revents)
		return nb_fail(e, -ECANCELED, "DHCP stopped after %.1f s: the boot goes on without IPv4", since(c, monotonic_ms()));
	now = monotonic_ms();
	for (int k = 0; pr > 0 && k < np; k++)
		if (pfd[k].revents & (POLLIN | POLLERR | POLLHUP))	/* reading consumes a pending error */
			receive(c, &c->ifs[idx[k]], now);
	return 0;
}

/* The race: ticks, a pick, a wait, until a lease is chosen (its interface's
 * index) or the deadline passes or every interface has failed (< 0). */
static int race(struct client *c, long long deadline, struct errbuf *e)
{
	long long now, grace_end = 0;
	int winner, rc;

	for (;;) {
		now = monotonic_ms();
		for (int i = 0; i < c->n; i++)
			tick(c, &c->ifs[i], now);
		if ((winner = pick(c, now, &grace_end, now >= deadline)) >= 0)
			return winner;
		if (!count_live(c) || now >= deadline)
			return fail_message(c, now, -ETIMEDOUT, e);
		if ((rc = wait_and_receive(c, now, deadline, grace_end, e)) < 0)
			return rc;
	}
}

static void take_lease(const struct client *c, int winner, struct dhcp_result *res)
{
	res->index = winner;
	res->ifindex = c->ifs[winner].ifindex;
	memcpy(res->mac, c->ifs[winner].mac, 6);
	res->mtu = c->ifs[winner].mtu;
	res->lease = c->ifs[winner].lease;
	res->elapsed_ms = (long)(c->ifs[winner].t_bound - c->t0);
}

int dhcp_acquire(const char *const *names, int n, const struct dhcp_client_cfg *cfg,
		 struct dhcp_result *res, FILE *log, struct errbuf *e)
{
	struct dhcp_client_cfg conf = *cfg;
	struct client c;
	int rc, setup_rc = 0;

	if (n < 1 || n > DHCP_MAX_IFACES)
		return nb_fail(e, -EINVAL, "DHCP on %d interfaces: expected 1..%d", n, DHCP_MAX_IFACES);
	client_init(&c, &conf, names, n, log);
	if ((rc = rtnl_open(&c.nl, e)) < 0)
		return rc;
	int live = setup_all(&c, c.t0, &setup_rc);
	seed(&c);
	if (!live)
		rc = fail_message(&c, c.t0, setup_rc, e);
	else if ((rc = race(&c, c.t0 + conf.timeout_ms, e)) >= 0) {
		take_lease(&c, rc, res);
		rc = 0;
	}
	for (int i = 0; i < n; i++)
		if (c.ifs[i].fd >= 0)
			close(c.ifs[i].fd);
	rtnl_close(&c.nl);
	return rc;
}
