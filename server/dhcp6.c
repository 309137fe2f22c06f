/* The DHCPv6 service of netboot serve (RFC 8415, boot options RFC 5970):
 * UDP 547 on the served interface, joined to All_DHCP_Relay_Agents_and_
 * Servers (ff02::1:2).  As a full server (PXEBOOTSRV_DHCP6RANGE, with
 * PXEBOOTSRV_DODHCPD=yes or --no-dhcp: not proxy-DHCP) it hands out addresses from the range, bindings
 * keyed by DUID and IAID in leases6.c; otherwise, as the v4 proxy does, it
 * only tells booting clients (client architecture 61, vendor class 16
 * PXEClient/HTTPClient, user class iPXE) what to boot and gives no
 * address.  Option 59 comes from the same choice the v4 service makes
 * (boot_offer_for), as tftp://[addr]/file or the HTTP URL with [addr].
 * Messages go through netboot/dhcp6_wire.c, the agent's codec. */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "netboot/dhcp6_wire.h"
#include "netboot/dhcp_wire.h"
#include "netboot/ra_wire.h"
#include "server/ipxe.h"
#include "server/leases6.h"
#include "server/server.h"
#include "server/udp_send.h"

#define DEFAULT_LEASES6 "/var/lib/netboot/leases6"
#define OFFER_HOLD 60		/* seconds an advertised address stays reserved */
#define RX_BURST 32
#define INTEL_ENTERPRISE 343	/* the enterprise number UEFI's vendor class carries */

struct dhcp6_service {
	struct server *s;
	struct loop_handler h;
	struct lease6_pool pool;
	bool full;			/* addresses from the range */
	char leases_path[PATH_MAX + 1];
	uint8_t duid[DHCP6_DUID_LL_LEN];	/* ours: DUID-LL of the interface's MAC */
};

/* One request: the client's message, where it came from, who it is. */
struct rx6 {
	struct dhcp6_msg m;		/* the client's message (the inner one when relayed) */
	struct dhcp6_msg relay;		/* the Relay-Forw, when relayed */
	bool relayed;
	struct sockaddr_in6 from;
	int ifindex;
	bool has_mac;
	uint8_t mac[6];
	char who[INET6_ADDRSTRLEN];
};

static long long wall_secs(void)
{
	return (long long)time(NULL);
}

static void bad_packet(struct dhcp6_service *d, const char *who, const char *why)
{
	static const struct log_rule junk = { LOG_PRIO_DEBUG, 1, false };
	char safe[240];

	d->s->metrics.dhcp6_dropped++;
	nb_sanitize(safe, sizeof(safe), why, strlen(why));
	srv_logr(d->s, &junk, NULL, 0, "dhcp6", "dropped from %s: %s", who, safe);
}

/* --- what a client boots --- */

/* The v4 request the same client would send: option 93 from 61, 60 from
 * 16's first item, 77 from 15, so boot_offer_for chooses for it. */
static void as_v4(const struct rx6 *rx, struct dhcp_msg *q)
{
	dhcp_msg_init(q, DHCP_BOOTREQUEST, DHCPDISCOVER, 0, rx->mac);
	if (rx->m.client_arch >= 0) {
		uint8_t a[2] = { (uint8_t)(rx->m.client_arch >> 8), (uint8_t)rx->m.client_arch };
		dhcp_opt_add(q, DHCP_OPT_CLIENT_ARCH, a, 2);
	}
	if (rx->m.vendor_class[0])
		dhcp_opt_add(q, DHCP_OPT_VENDOR_CLASS, rx->m.vendor_class, strlen(rx->m.vendor_class));
	if (rx->m.user_class[0])
		dhcp_opt_add(q, 77, rx->m.user_class, strlen(rx->m.user_class));
}

static bool is_boot_client(const struct rx6 *rx)
{
	return rx->m.client_arch >= 0 || !strncmp(rx->m.vendor_class, "PXEClient", 9) ||
	       !strncmp(rx->m.vendor_class, "HTTPClient", 10) || !strcmp(rx->m.user_class, "iPXE");
}

/* Our address for URLs: PXEBOOTSRV_LOCALIP6, else the first global one
 * of the interface the request came in on.  false when there is none. */
static bool our_addr(const struct dhcp6_service *d, int ifindex, uint8_t out[16])
{
	static const uint8_t zero[16];
	struct ifaddrs *ifs, *i;
	bool found = false;

	if (memcmp(d->s->cfg.local_ip6, zero, 16)) {
		memcpy(out, d->s->cfg.local_ip6, 16);
		return true;
	}
	if (getifaddrs(&ifs) < 0)
		return false;
	for (i = ifs; i && !found; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET6 || (int)if_nametoindex(i->ifa_name) != ifindex)
			continue;
		const struct in6_addr *a = &((const struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;
		if (IN6_IS_ADDR_LINKLOCAL(a) || IN6_IS_ADDR_LOOPBACK(a))
			continue;
		memcpy(out, a, 16);
		found = true;
	}
	freeifaddrs(ifs);
	return found;
}

/* Option 59 (and the vendor class to echo) for rx; url "" when nothing. */
static void boot_url(const struct dhcp6_service *d, const struct rx6 *rx, char *url, size_t cap, const char **vc,
		     const char **how)
{
	struct dhcp_msg q;
	struct boot_offer o;
	uint8_t a[16];
	char host[INET6_ADDRSTRLEN];
	static const char placeholder[] = "http://0.0.0.1";

	url[0] = 0;
	*vc = NULL;
	*how = "not a booting client";
	if (!is_boot_client(rx))
		return;
	if (!our_addr(d, rx->ifindex, a)) {
		*how = "none: no global IPv6 address on the interface (set PXEBOOTSRV_LOCALIP6)";
		return;
	}
	inet_ntop(AF_INET6, a, host, sizeof(host));
	as_v4(rx, &q);
	boot_offer_for(&q, &d->s->cfg, htonl(1), &o);	/* URLs name 0.0.0.1: replaced by [addr] */
	*how = o.how;
	/* HTTPClient is echoed (UEFI HTTP Boot wants it); PXEClient is not: EDK2
	 * takes an offer with it for one that needs a boot server discovery
	 * on port 4011 and gives up ("PXE-E16: No valid offer received"). */
	if (o.kind == BOOT_CLIENT_HTTP)
		*vc = HTTP_VENDOR_CLASS;
	if (!o.file[0])
		return;
	if (!strncmp(o.file, placeholder, strlen(placeholder)))
		snprintf(url, cap, "http://[%s]%s", host, o.file + strlen(placeholder));
	else
		snprintf(url, cap, "tftp://[%s]/%s", host, o.file);
}

/* --- replies --- */

static void send_msg(struct dhcp6_service *d, const struct rx6 *rx, const uint8_t *msg, size_t len)
{
	uint8_t type = msg[0];
	uint8_t wrapped[DHCP6_MSG_MAX + 128];
	struct errbuf e;
	if (rx->relayed) {
		int n = dhcp6_build_relay_repl(&rx->relay, msg, len, wrapped, sizeof(wrapped), &e);
		if (n < 0)
			return bad_packet(d, rx->who, e.msg);
		msg = wrapped, len = (size_t)n;
	}
	struct sockaddr_in6 to = rx->from;
	if (IN6_IS_ADDR_LINKLOCAL(&to.sin6_addr) && !to.sin6_scope_id)
		to.sin6_scope_id = (uint32_t)rx->ifindex;
	if (sendto(d->h.fd, msg, len, 0, (struct sockaddr *)&to, sizeof(to)) >= 0) {
		d->s->metrics.dhcp6_sent[type < METRICS_DHCP6_TYPES ? type : 0]++;
	} else {
		char why[96];
		snprintf(why, sizeof(why), "sending the answer failed: %s", strerror(errno));
		bad_packet(d, rx->who, why);
	}
}

/* Fills o with what every answer carries: DUIDs, DNS, boot options. */
static void base_answer(struct dhcp6_service *d, const struct rx6 *rx, uint8_t type, struct dhcp6_server_out *o,
			char *url, size_t cap, const char **how)
{
	const char *vc;
	*o = (struct dhcp6_server_out){ .type = type, .xid = rx->m.xid, .client_duid = rx->m.client_duid,
					.client_duid_len = rx->m.client_duid_len, .server_duid = d->duid,
					.server_duid_len = sizeof(d->duid), .status = DHCP6_STATUS_NONE,
					.ia_status = DHCP6_STATUS_NONE };
	o->dns = (const uint8_t (*)[16])d->s->cfg.dns6;
	o->ndns = d->s->cfg.ndns6;
	boot_url(d, rx, url, cap, &vc, how);
	if (url[0])
		o->bootfile_url = url;
	if (vc) {
		o->vendor_enterprise = INTEL_ENTERPRISE;
		o->vendor_class = vc;
	}
}

static void answer(struct dhcp6_service *d, const struct rx6 *rx, const struct dhcp6_server_out *o)
{
	uint8_t buf[DHCP6_MSG_MAX];
	struct errbuf e;
	int n = dhcp6_build_server(o, buf, sizeof(buf), &e);
	if (n < 0)
		return bad_packet(d, rx->who, e.msg);
	send_msg(d, rx, buf, (size_t)n);
}

static void save(struct dhcp6_service *d, const struct rx6 *rx)
{
	struct errbuf e;
	if (leases6_save(&d->pool, d->leases_path, &e) < 0)
		srv_log(d->s, rx->has_mac ? rx->mac : NULL, 0, "dhcp6", "%s", e.msg);
}

/* The status page: v6 clients by MAC (none without one), with the
 * address bound (addr, or NULL). */
static void note_client(struct dhcp6_service *d, const struct rx6 *rx, enum client_stage st, const uint8_t *addr)
{
	if (!rx->has_mac)
		return;
	struct client *c = clients_by_mac(&d->s->clients, rx->mac);
	if (addr)
		inet_ntop(AF_INET6, addr, c->ip6, sizeof(c->ip6));
	if (rx->m.client_arch >= 0)
		c->arch = rx->m.client_arch;
	if (rx->m.vendor_class[0])
		snprintf(c->vendor, sizeof(c->vendor), "%s", rx->m.vendor_class);
	clients_advance(c, st);
}

/* An address for the client's IA_NA, held (offer) or bound: 0 with addr
 * set, or the status code to put in the IA. */
static int assign(struct dhcp6_service *d, const struct rx6 *rx, bool bind, uint8_t addr[16])
{
	long long now = wall_secs();
	uint32_t secs = bind ? d->s->cfg.lease_secs : OFFER_HOLD;
	if (lease6_pick(&d->pool, rx->m.client_duid, rx->m.client_duid_len, rx->m.iaid, now, addr) < 0)
		return DHCP6_NO_ADDRS_AVAIL;
	if (lease6_set(&d->pool, rx->m.client_duid, rx->m.client_duid_len, rx->m.iaid, addr,
		       rx->has_mac ? rx->mac : NULL, bind ? LEASE6_BOUND : LEASE6_OFFERED, now, secs) < 0)
		return DHCP6_NO_ADDRS_AVAIL;
	return 0;
}

static void log_answer(struct dhcp6_service *d, const struct rx6 *rx, const char *what, const uint8_t *addr,
		       const char *url, const char *how)
{
	char a[INET6_ADDRSTRLEN] = "no address";
	if (addr)
		inet_ntop(AF_INET6, addr, a, sizeof(a));
	srv_log(d->s, rx->has_mac ? rx->mac : NULL, 0, "dhcp6", "%s %s to %s%s, boot file %s (%s)", what, a, rx->who,
		rx->relayed ? " via relay" : "", url[0] ? url : "none", how);
}

/* Solicit, Request, Renew, Rebind: the IA_NA answered (an address in full
 * mode, NoAddrsAvail as a proxy), with the boot options. */
static void on_ia_request(struct dhcp6_service *d, const struct rx6 *rx)
{
	struct dhcp6_server_out o;
	char url[DHCP6_URL_MAX];
	const char *how;
	uint8_t addr[16];
	bool solicit = rx->m.type == DHCP6_SOLICIT;
	bool commit = !solicit || (rx->m.rapid_commit && d->full);

	if (!d->full && !is_boot_client(rx))
		return;	/* a proxy answers booting clients only */
	base_answer(d, rx, commit ? DHCP6_REPLY : DHCP6_ADVERTISE, &o, url, sizeof(url), &how);
	o.rapid_commit = solicit && commit;
	if (solicit) {
		o.has_preference = true;
		o.preference = d->full ? 255 : 0;
	}
	int st = DHCP6_NO_ADDRS_AVAIL;
	if (rx->m.has_ia_na && d->full)
		st = assign(d, rx, commit, addr);
	if (rx->m.has_ia_na) {
		o.ia_na = true;
		o.iaid = rx->m.iaid;
		if (st == 0) {
			uint32_t l = d->s->cfg.lease_secs;
			o.addr = addr, o.preferred = o.valid = l, o.t1 = l / 2, o.t2 = (uint32_t)((uint64_t)l * 4 / 5);
		} else {
			o.ia_status = st;
			o.ia_status_text = d->full ? "no free address left in the range" : "boot options only (proxy)";
		}
	}
	answer(d, rx, &o);
	if (commit && st == 0)
		save(d, rx);
	note_client(d, rx, commit ? STAGE_DHCP_ACK : STAGE_DHCP_OFFER, commit && st == 0 ? addr : NULL);
	log_answer(d, rx, solicit && !commit ? "advertise" : dhcp6_type_name(rx->m.type), st == 0 ? addr : NULL, url,
		   how);
}

/* A Reply with only a status (Release, Confirm, Decline): no boot options. */
static void status_reply(struct dhcp6_service *d, const struct rx6 *rx, struct dhcp6_server_out *o, int status,
			 const char *text)
{
	char url[DHCP6_URL_MAX];
	const char *how;
	bool ia = o->ia_na;
	uint32_t iaid = o->iaid;
	int ia_status = o->ia_status;

	base_answer(d, rx, DHCP6_REPLY, o, url, sizeof(url), &how);
	o->bootfile_url = NULL, o->vendor_class = NULL, o->ndns = 0;
	o->status = status, o->status_text = text;
	o->ia_na = ia, o->iaid = iaid, o->ia_status = ia_status;
	if (ia && ia_status == DHCP6_NO_BINDING)
		o->ia_status_text = "no binding for this IA";
	answer(d, rx, o);
}

static void on_release(struct dhcp6_service *d, const struct rx6 *rx)
{
	struct dhcp6_server_out o = { .ia_status = DHCP6_STATUS_NONE };
	bool any = false;

	for (int i = 0; d->full && rx->m.has_ia_na && i < rx->m.naddrs; i++)
		any |= lease6_release(&d->pool, rx->m.client_duid, rx->m.client_duid_len, rx->m.iaid,
				      rx->m.addrs[i].addr, wall_secs()) == 0;
	status_reply(d, rx, &o, DHCP6_SUCCESS, NULL);
	if (any) {
		save(d, rx);
		log_answer(d, rx, "release of", rx->m.addrs[0].addr, "", "released");
	}
}

/* Whether addr is inside prefix/len. */
static bool in_prefix(const uint8_t addr[16], const uint8_t prefix[16], unsigned len)
{
	for (unsigned bit = 0; bit < len && bit < 128; bit++)
		if ((addr[bit / 8] ^ prefix[bit / 8]) & (0x80u >> (bit % 8)))
			return false;
	return true;
}

/* On the link we hand addresses out on: PXEBOOTSRV_RA's prefix when it
 * holds the range, else the range's /64 (an IPv6 subnet). */
static bool on_link(const struct dhcp6_service *d, const uint8_t addr[16])
{
	const struct serve_config *c = &d->s->cfg;
	if (c->ra_prefix_len && in_prefix(c->range6_start, c->ra_prefix, c->ra_prefix_len))
		return in_prefix(addr, c->ra_prefix, c->ra_prefix_len);
	return in_prefix(addr, c->range6_start, 64);
}

/* Confirm (RFC 8415 18.3.3): after a move, are the client's addresses
 * still on this link?  Success or NotOnLink; no Reply when there is
 * nothing to judge (no address, or more than the codec keeps), nor from a
 * proxy (it knows no link's addresses) or for a relay's other link. */
static void on_confirm(struct dhcp6_service *d, const struct rx6 *rx)
{
	static const uint8_t unspecified[16];
	struct dhcp6_server_out o = { .ia_status = DHCP6_STATUS_NONE };
	const struct dhcp6_msg *m = &rx->m;
	int bad = -1;

	if (!d->full || !m->has_ia_na || !m->naddrs || m->n_ia_na > 1 || m->addrs_dropped)
		return;
	if (rx->relayed && memcmp(rx->relay.relay.link_addr, unspecified, 16) && !on_link(d, rx->relay.relay.link_addr))
		return;
	for (int i = 0; i < m->naddrs && bad < 0; i++)
		if (!on_link(d, m->addrs[i].addr))
			bad = i;
	status_reply(d, rx, &o, bad < 0 ? DHCP6_SUCCESS : DHCP6_NOT_ON_LINK,
		     bad < 0 ? "all addresses on link" : "an address not on this link");
	log_answer(d, rx, bad < 0 ? "confirm (on link) of" : "confirm (NotOnLink) of", m->addrs[bad < 0 ? 0 : bad].addr,
		   "", bad < 0 ? "Success" : "NotOnLink");
}

/* Decline (RFC 8415 18.3.8): the client found its address in use (DAD):
 * held back from everyone for LEASE6_DECLINE_HOLD, Reply Success; an IA
 * we hold no binding for gets NoBinding. */
static void on_decline(struct dhcp6_service *d, const struct rx6 *rx)
{
	struct dhcp6_server_out o = { .ia_status = DHCP6_STATUS_NONE };
	const struct dhcp6_msg *m = &rx->m;
	bool any = false;
	char a[INET6_ADDRSTRLEN];

	if (m->has_ia_na && !(d->full && lease6_find(&d->pool, m->client_duid, m->client_duid_len, m->iaid)))
		o.ia_na = true, o.iaid = m->iaid, o.ia_status = DHCP6_NO_BINDING;
	for (int i = 0; d->full && m->has_ia_na && i < m->naddrs; i++) {
		if (lease6_decline(&d->pool, m->client_duid, m->client_duid_len, m->iaid, m->addrs[i].addr, wall_secs(),
				   LEASE6_DECLINE_HOLD) < 0)
			continue;
		any = true;
		srv_log(d->s, rx->has_mac ? rx->mac : NULL, 0, "dhcp6", "decline of %s from %s: in use by another host, "
			"held back %d s", inet_ntop(AF_INET6, m->addrs[i].addr, a, sizeof(a)), rx->who, LEASE6_DECLINE_HOLD);
	}
	status_reply(d, rx, &o, DHCP6_SUCCESS, NULL);
	if (any)
		save(d, rx);
}

static void on_info_request(struct dhcp6_service *d, const struct rx6 *rx)
{
	struct dhcp6_server_out o;
	char url[DHCP6_URL_MAX];
	const char *how;

	if (!d->full && !is_boot_client(rx))
		return;
	base_answer(d, rx, DHCP6_REPLY, &o, url, sizeof(url), &how);
	answer(d, rx, &o);
	log_answer(d, rx, "information", NULL, url, how);
}

/* --- receiving --- */

static bool ours(const struct dhcp6_service *d, const struct dhcp6_msg *m)
{
	return m->server_duid_len == sizeof(d->duid) && !memcmp(m->server_duid, d->duid, sizeof(d->duid));
}

static void dispatch(struct dhcp6_service *d, const struct rx6 *rx)
{
	const struct dhcp6_msg *m = &rx->m;
	bool sid_ok = ours(d, m);

	if (!m->client_duid_len && m->type != DHCP6_INFORMATION_REQUEST)
		return bad_packet(d, rx->who, "a client message without a client identifier (option 1)");
	switch (m->type) {
	case DHCP6_SOLICIT:
	case DHCP6_REBIND:
		if (!m->server_duid_len)
			on_ia_request(d, rx);
		return;
	case DHCP6_REQUEST:
	case DHCP6_RENEW:
		if (sid_ok)
			on_ia_request(d, rx);
		return;
	case DHCP6_RELEASE:
		if (sid_ok)
			on_release(d, rx);
		return;
	case DHCP6_DECLINE:
		if (sid_ok)
			on_decline(d, rx);
		return;
	case DHCP6_CONFIRM:	/* RFC 8415 16.5: never with a server identifier */
		if (!m->server_duid_len)
			on_confirm(d, rx);
		return;
	case DHCP6_INFORMATION_REQUEST:
		if (!m->server_duid_len || sid_ok)
			on_info_request(d, rx);
		return;
	default:
		return;	/* server messages: not answered */
	}
}

static void handle(struct dhcp6_service *d, const uint8_t *buf, size_t len, struct rx6 *rx)
{
	struct errbuf e;
	char why[sizeof(e.msg) + 32];

	if (dhcp6_parse(buf, len, &rx->m, &e) < 0) {
		snprintf(why, sizeof(why), "%zu-byte packet: %s", len, e.msg);
		return bad_packet(d, rx->who, why);
	}
	if (rx->m.type == DHCP6_RELAY_FORW) {	/* one relay hop: the inner message is a client's */
		rx->relay = rx->m;
		rx->relayed = true;
		if (dhcp6_parse(rx->relay.relay.msg, rx->relay.relay.msg_len, &rx->m, &e) < 0) {
			snprintf(why, sizeof(why), "relayed message: %s", e.msg);
			return bad_packet(d, rx->who, why);
		}
		if (rx->m.type == DHCP6_RELAY_FORW)
			return bad_packet(d, rx->who, "nested relays are not supported");
		if (rx->relay.has_lladdr && rx->relay.lltype == 1 && rx->relay.lladdr_len == 6) {
			memcpy(rx->mac, rx->relay.lladdr, 6);
			rx->has_mac = true;
		}
	}
	d->s->metrics.dhcp6_received[rx->m.type < METRICS_DHCP6_TYPES ? rx->m.type : 0]++;
	if (!rx->has_mac && rx->m.client_duid_len)
		rx->has_mac = dhcp6_duid_mac(rx->m.client_duid, rx->m.client_duid_len, rx->mac) == 0;
	if (!rx->has_mac && !rx->relayed)	/* a DUID-UUID/EN (iPXE): the EUI-64 link-local source */
		rx->has_mac = ra_rs_mac((const uint8_t[8]){ ND_ROUTER_SOLICIT }, 8, rx->from.sin6_addr.s6_addr,
					rx->mac) == 0;
	dispatch(d, rx);
}

/* One datagram with its IPV6_PKTINFO: 1, 0 when none is left, or -errno. */
static int receive(int fd, uint8_t *buf, size_t cap, size_t *len, struct rx6 *rx)
{
	struct udp_pktinfo pi;
	int rc = udp_recv_pktinfo(fd, buf, cap, len, &rx->from, sizeof(rx->from), &pi);

	if (rc > 0) {
		rx->ifindex = pi.ifindex;
		inet_ntop(AF_INET6, &rx->from.sin6_addr, rx->who, sizeof(rx->who));
	}
	return rc;
}

static void on_readable(struct loop_handler *h, uint32_t events)
{
	struct dhcp6_service *d = h->ctx;
	uint8_t buf[DHCP6_MSG_MAX];
	size_t len = 0;
	(void)events;
	for (int i = 0; i < RX_BURST; i++) {
		struct rx6 *rx = calloc(1, sizeof(*rx));	/* two parsed messages: ~6 KiB, off the stack */
		int rc = rx ? receive(h->fd, buf, sizeof(buf), &len, rx) : 0;
		if (rc > 0 && len > sizeof(buf))
			bad_packet(d, rx->who, "datagram longer than a DHCPv6 message may be");
		else if (rc > 0)
			handle(d, buf, len, rx);
		free(rx);
		if (rc <= 0)
			return;
	}
}

/* --- start and stop --- */

/* The MAC of the interface (or of the first with one): our DUID-LL. */
static int server_duid(const char *ifname, uint8_t duid[DHCP6_DUID_LL_LEN])
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct if_nameindex *ifs = if_nameindex();
	int rc = -ENODEV;

	for (struct if_nameindex *i = ifs; fd >= 0 && i && i->if_index && rc < 0; i++) {
		struct ifreq r = { 0 };
		static const uint8_t zero[6];
		if (ifname[0] ? strcmp(i->if_name, ifname) : !strcmp(i->if_name, "lo"))
			continue;
		snprintf(r.ifr_name, sizeof(r.ifr_name), "%s", i->if_name);
		if (ioctl(fd, SIOCGIFHWADDR, &r) == 0 && memcmp(r.ifr_hwaddr.sa_data, zero, 6)) {
			dhcp6_duid_ll((const uint8_t *)r.ifr_hwaddr.sa_data, duid);
			rc = 0;
		}
	}
	if_freenameindex(ifs);
	if (fd >= 0)
		close(fd);
	return rc;
}

static int open_socket(const struct serve_config *c, struct errbuf *e)
{
	int one = 1;
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return nb_fail(e, -errno, "UDP/IPv6 socket: %s", strerror(errno));
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one));
	if (c->interface[0] &&
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, c->interface, (socklen_t)strlen(c->interface)) < 0) {
		int err = errno;
		close(fd);
		return nb_fail(e, -err, "--interface %s: %s", c->interface, strerror(err));
	}
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(DHCP6_SERVER_PORT) };
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = errno;
		close(fd);
		if (err == EADDRINUSE)
			return nb_fail(e, -err, "UDP port 547 (DHCPv6) is in use: another DHCPv6 server (dnsmasq, Kea, "
				       "...) runs on this host; stop it or set PXEBOOTSRV_DODHCP6=no");
		return nb_fail(e, -err, "UDP port 547 (DHCPv6): bind: %s", strerror(err));
	}
	/* ff02::1:2 on the interface given, else on every one but lo */
	struct ipv6_mreq mr = { .ipv6mr_multiaddr = { .s6_addr = { 0xff, 0x02, [13] = 1, [15] = 2 } } };
	struct if_nameindex *ifs = if_nameindex();
	for (struct if_nameindex *i = ifs; i && i->if_index; i++) {
		if (c->interface[0] ? strcmp(i->if_name, c->interface) : !strcmp(i->if_name, "lo"))
			continue;
		mr.ipv6mr_interface = i->if_index;
		setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr));
	}
	if_freenameindex(ifs);
	return fd;
}

static void warn_lease_line(void *ctx, const char *msg)
{
	struct dhcp6_service *d = ctx;
	srv_log(d->s, NULL, 0, "dhcp6", "warning: %s", msg);
}

static int open_pool(struct dhcp6_service *d, struct errbuf *e)
{
	const struct serve_config *c = &d->s->cfg;
	int rc = lease6_pool_init(&d->pool, c->range6_start, c->range6_end, e);
	if (rc < 0)
		return rc;
	if (c->leases_file[0])
		snprintf(d->leases_path, sizeof(d->leases_path), "%s6", c->leases_file);
	else
		snprintf(d->leases_path, sizeof(d->leases_path), "%s", DEFAULT_LEASES6);
	return leases6_load(&d->pool, d->leases_path, warn_lease_line, d, e);
}

int dhcp6_service_start(struct server *s, struct errbuf *e)
{
	struct dhcp6_service *d = calloc(1, sizeof(*d));
	int rc;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	if (!d)
		return nb_fail(e, -ENOMEM, "out of memory");
	d->s = s;
	d->h.fd = -1;
	s->dhcp6 = d;
	if (server_duid(s->cfg.interface, d->duid) < 0) {
		rc = nb_fail(e, -ENODEV, "no Ethernet interface%s%s for the server's DUID",
			     s->cfg.interface[0] ? " named " : "", s->cfg.interface);
		goto fail;
	}
	d->full = !s->cfg.proxy_dhcp && s->cfg.has_range6;	/* v4 proxy: v6 proxy too */
	if (d->full && (rc = open_pool(d, e)) < 0)
		goto fail;
	if ((rc = open_socket(&s->cfg, e)) < 0)
		goto fail;
	d->h = (struct loop_handler){ .fn = on_readable, .ctx = d, .fd = rc };
	if ((rc = loop_add(&s->loop, &d->h, EPOLLIN)) < 0) {
		nb_fail(e, rc, "UDP port 547: epoll: %s", strerror(-rc));
		goto fail;
	}
	if (d->full)
		srv_line(s->log, LOG_PRIO_INFO, "netboot-serve: dhcp6: server, addresses %s..%s, leases in %s",
			 inet_ntop(AF_INET6, s->cfg.range6_start, a, sizeof(a)),
			 inet_ntop(AF_INET6, s->cfg.range6_end, b, sizeof(b)), d->leases_path);
	else
		srv_line(s->log, LOG_PRIO_INFO, "netboot-serve: dhcp6: boot options only (proxy: %s)",
			 s->cfg.proxy_dhcp ? "DHCP is proxy-DHCP" : "no PXEBOOTSRV_DHCP6RANGE");
	return 0;
fail:
	dhcp6_service_stop(s);
	return rc;
}

void dhcp6_service_stop(struct server *s)
{
	struct dhcp6_service *d = s->dhcp6;
	if (!d)
		return;
	if (d->h.fd >= 0) {
		loop_del(&s->loop, &d->h);
		close(d->h.fd);
	}
	lease6_pool_free(&d->pool);
	free(d);
	s->dhcp6 = NULL;
}
