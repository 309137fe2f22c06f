/* The DHCP service of netboot serve: a full DHCP server handing out the
 * configured range (addresses kept in leases.c), or a proxy-DHCP server
 * that only gives PXE clients their boot file beside the LAN's own DHCP
 * server.  Messages go through netboot/dhcp_wire.c, the codec the agent's
 * client uses too.  Replies leave by the socket the request came in on:
 * to the relay (giaddr), to the client's address when it has one, else as
 * a broadcast out of the receiving interface (IP_PKTINFO). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "netboot/clock.h"
#include "netboot/dhcp_wire.h"
#include "netboot/ipv4.h"
#include "netboot/mac.h"
#include "server/ipxe.h"
#include "server/leases.h"
#include "server/server.h"
#include "server/udp_send.h"

#define DEFAULT_LEASES "/var/lib/netboot/leases"
#define BAD_LOG_PER_SEC 1	/* "dropped" lines a second at most */
#define RX_BURST 32	/* packets read per readiness event, so others get a turn */
#define IGNORED_RING 64
#define LEASE_FLUSH_MS 30000	/* non-PXE MACs a proxy logged once already */

struct dhcp_service {
	struct server *s;
	struct loop_handler main, proxy;	/* proxy.fd < 0 unless proxy-DHCP */
	struct lease_pool pool;			/* empty in proxy mode */
	char leases_path[PATH_MAX];
	uint32_t subnet, mask;			/* network order; mask 0 = any (proxy) */
	bool warned_giaddr, warned_iface;
	/* A renewal only moves an expiry: it is written at most every
	 * LEASE_FLUSH_MS, while a new binding is on disk before its ACK leaves. */
	bool leases_dirty;
	long long dirty_since_ms;		/* monotonic */
	struct loop_timer flush;
	uint8_t ignored[IGNORED_RING][6];
	unsigned nignored;
};

/* One request and where it came from. */
struct dhcp_rx {
	struct dhcp_msg m;
	int type;
	const uint8_t *mac;	/* m.chaddr */
	struct sockaddr_in from;
	int ifindex;		/* receiving interface */
	uint32_t local;		/* the interface's address (ipi_spec_dst) */
	uint32_t dst;		/* the header's destination (ipi_addr) */
	bool proxy_port;	/* came in on port 4011 */
};

/* What goes into one reply. */
struct dhcp_plan {
	uint8_t type;
	uint32_t yiaddr, server_id;
	bool address;		/* mask, router, DNS, broadcast */
	bool lease;		/* 51, 58, 59 */
	bool boot;		/* siaddr, file, 66/67, PXE options */
	const struct host *host;	/* a known host (hosts file): its name, option 12 */
};

static long long wall_secs(void)
{
	return (long long)time(NULL);
}

/* --- logging --- */

/* Malformed input: at most one line a second, counting the rest. */
static void bad_packet(struct dhcp_service *d, uint32_t from, const char *why)
{
	static const struct log_rule junk = { LOG_PRIO_DEBUG, BAD_LOG_PER_SEC, false };
	char safe[240];

	d->s->metrics.errors[ME_DHCP_DROPPED]++;
	nb_sanitize(safe, sizeof(safe), why, strlen(why));
	srv_logr(d->s, &junk, NULL, from, "dhcp", "dropped: %s", safe);
}

/* "BIOS PXEClient" / "udhcp 1.36.1" / "" for the log. */
static void describe(const struct client *c, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s%s%s", c->arch >= 0 ? client_arch_name(c->arch) : "",
		 c->arch >= 0 && c->vendor[0] ? " " : "", c->vendor);
}

/* --- what a client gets --- */

static uint32_t next_server(const struct serve_config *c)
{
	return c->tftp_server ? c->tftp_server : c->local_ip;
}

/* The address clients reach us at for this request. */
static uint32_t server_id(const struct dhcp_service *d, const struct dhcp_rx *rx)
{
	if (rx->dst && rx->dst == rx->local)	/* sent to one of our addresses */
		return rx->dst;
	return d->s->cfg.local_ip ? d->s->cfg.local_ip : rx->local;
}

static int add_addr(struct dhcp_msg *r, uint8_t code, uint32_t a)
{
	return dhcp_opt_add(r, code, &a, 4);
}

static void add_address_opts(const struct dhcp_service *d, struct dhcp_msg *r, bool lease)
{
	const struct serve_config *c = &d->s->cfg;

	add_addr(r, DHCP_OPT_SUBNET_MASK, d->mask);
	add_addr(r, DHCP_OPT_BROADCAST, d->subnet | ~d->mask);
	if (c->router)
		add_addr(r, DHCP_OPT_ROUTER, c->router);
	if (c->ndns > 0)
		dhcp_opt_add(r, DHCP_OPT_DNS, c->dns, (size_t)c->ndns * 4);
	if (lease) {
		dhcp_opt_add_u32(r, DHCP_OPT_LEASE_TIME, c->lease_secs);
		dhcp_opt_add_u32(r, DHCP_OPT_T1, c->lease_secs / 2);
		dhcp_opt_add_u32(r, DHCP_OPT_T2, (uint32_t)((uint64_t)c->lease_secs * 7 / 8));
	}
}

/* The address URLs in boot files name: --local-ip, else the one the
 * request reached us at. */
static uint32_t url_addr(const struct serve_config *c, uint32_t sid)
{
	return c->local_ip ? c->local_ip : sid;
}

/* siaddr, file, and the options a PXE ROM (or UEFI HTTP boot) needs; lean
 * leaves out what is only echoed or duplicated, for clients with a small
 * option 57. */
static void add_boot_opts(const struct dhcp_service *d, const struct dhcp_msg *req, uint32_t sid, struct dhcp_msg *r,
			  bool lean)
{
	struct boot_offer o;
	uint32_t ns = next_server(&d->s->cfg);
	char text[16];

	boot_offer_for(req, &d->s->cfg, url_addr(&d->s->cfg, sid), &o);
	const char *file = o.file[0] ? o.file : NULL;
	r->siaddr = ns;
	if (file)
		snprintf((char *)r->file, sizeof(r->file), "%s", file);
	if (!lean && ns && dhcp_param_requested(req, DHCP_OPT_TFTP_SERVER)) {
		ipv4_ntoa(ns, text);	/* before strlen: the order arguments are evaluated in is unspecified */
		dhcp_opt_add(r, DHCP_OPT_TFTP_SERVER, text, strlen(text));
	}
	/* UEFI HTTP boot reads the URL from the file field or option 67: both */
	if (!lean && file && (o.kind == BOOT_CLIENT_HTTP || dhcp_param_requested(req, DHCP_OPT_BOOTFILE)))
		dhcp_opt_add(r, DHCP_OPT_BOOTFILE, file, strlen(file));
	if (o.vendor_class)
		dhcp_opt_add(r, DHCP_OPT_VENDOR_CLASS, o.vendor_class, strlen(o.vendor_class));
	if (o.kind == BOOT_CLIENT_HTTP && !lean)
		dhcp_opt_copy(r, req, DHCP_OPT_UUID);
	if (dhcp_is_pxe_client(req)) {
		if (!lean)
			dhcp_opt_copy(r, req, DHCP_OPT_UUID);
		dhcp_opt_add_pxe_control(r, PXE_DISCOVERY_BOOTFILE_ONLY);
	}
}

/* "pxelinux.0", "http://192.0.2.1/boot.ipxe (iPXE script)" for the log. */
static void describe_boot(const struct dhcp_service *d, const struct dhcp_rx *rx, uint32_t sid, char *buf, size_t cap)
{
	struct boot_offer o;
	boot_offer_for(&rx->m, &d->s->cfg, url_addr(&d->s->cfg, sid), &o);
	if (!o.file[0])
		snprintf(buf, cap, "none (%s)", o.how);
	else if (!strcmp(o.how, "pxelinux"))
		snprintf(buf, cap, "%s", o.file);
	else
		snprintf(buf, cap, "%s (%s)", o.file, o.how);
}

static void build(const struct dhcp_service *d, const struct dhcp_rx *rx, const struct dhcp_plan *p,
		  struct dhcp_msg *r, bool lean)
{
	dhcp_reply_init(r, &rx->m, p->type);
	add_addr(r, DHCP_OPT_SERVER_ID, p->server_id);
	if (p->type == DHCPNAK)
		return;
	r->yiaddr = p->yiaddr;
	if (p->type == DHCPACK && (rx->type == DHCPINFORM || rx->proxy_port))
		r->ciaddr = rx->m.ciaddr;
	if (p->address)
		add_address_opts(d, r, p->lease);
	if (p->address && p->host && p->host->name[0])
		dhcp_opt_add(r, DHCP_OPT_HOSTNAME, p->host->name, strlen(p->host->name));
	if (p->boot)
		add_boot_opts(d, &rx->m, p->server_id, r, lean);
}

/* --- sending --- */

static int send_to(int fd, const void *buf, size_t len, uint32_t ip, uint16_t port, int ifindex, uint32_t src)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = ip };
	return udp_send_pktinfo(fd, &to, ifindex, src, buf, len, 0);
}

/* Encodes and sends r to where RFC 2131 4.1 says. */
static int send_reply(struct dhcp_service *d, const struct dhcp_rx *rx, const struct dhcp_plan *p)
{
	struct dhcp_msg r;
	uint8_t buf[DHCP_MSG_MAX];
	size_t max = dhcp_reply_max(&rx->m);
	uint16_t sport = d->s->cfg.dhcp_port, cport = (uint16_t)(sport + 1);
	struct errbuf e;
	int len, rc;

	build(d, rx, p, &r, false);
	len = dhcp_encode(&r, buf, max, &e);
	if (len == -EMSGSIZE) {
		build(d, rx, p, &r, true);
		len = dhcp_encode(&r, buf, max, &e);
	}
	if (len < 0) {
		bad_packet(d, rx->from.sin_addr.s_addr, e.msg);
		return len;
	}
	if (rx->proxy_port)
		rc = send_to(d->proxy.fd, buf, (size_t)len, rx->from.sin_addr.s_addr, ntohs(rx->from.sin_port), 0, 0);
	else if (rx->m.giaddr)
		rc = send_to(d->main.fd, buf, (size_t)len, rx->m.giaddr, sport, 0, 0);
	else if (rx->m.ciaddr && p->type != DHCPNAK)
		rc = send_to(d->main.fd, buf, (size_t)len, rx->m.ciaddr, cport, 0, 0);
	else
		rc = send_to(d->main.fd, buf, (size_t)len, INADDR_BROADCAST, cport, rx->ifindex, p->server_id);
	if (rc < 0) {
		char why[96];
		snprintf(why, sizeof(why), "sending the %s failed: %s", dhcp_type_name(p->type), strerror(-rc));
		bad_packet(d, 0, why);
	}
	if (rc >= 0)
		metrics_dhcp(d->s->metrics.dhcp_sent, p->type);
	return rc;
}

/* --- the client table and the lease file --- */

static struct client *note_client(struct dhcp_service *d, const struct dhcp_rx *rx)
{
	struct client *c = clients_by_mac(&d->s->clients, rx->mac);
	int arch = dhcp_client_arch(&rx->m);
	uint8_t raw[DHCP_OPTS_MAX];
	size_t len;

	if (arch >= 0)
		c->arch = arch;
	if (dhcp_opt_get(&rx->m, DHCP_OPT_VENDOR_CLASS, raw, sizeof(raw), &len) == 0 && len)
		nb_sanitize(c->vendor, sizeof(c->vendor), (const char *)raw, len);
	if (dhcp_opt_get(&rx->m, DHCP_OPT_HOSTNAME, raw, sizeof(raw), &len) == 0 && len)
		nb_sanitize(c->hostname, sizeof(c->hostname), (const char *)raw, len);
	return c;
}

static bool is_agent(const struct dhcp_msg *m)
{
	char v[sizeof(DHCP_AGENT_VENDOR_CLASS) + 1];
	return dhcp_opt_str(m, DHCP_OPT_VENDOR_CLASS, v, sizeof(v)) == 0 && !strcmp(v, DHCP_AGENT_VENDOR_CLASS);
}

static void save_leases(struct dhcp_service *d, const uint8_t *mac)
{
	struct errbuf e;
	d->leases_dirty = false;
	if (leases_save(&d->pool, d->leases_path, &e) < 0)
		srv_log(d->s, mac, 0, "dhcp", "%s", e.msg);
}

static long flush_leases(struct loop_timer *t, long long now_ms)
{
	struct dhcp_service *d = t->ctx;
	if (!d->leases_dirty)
		return -1;
	long long due = d->dirty_since_ms + LEASE_FLUSH_MS;
	if (now_ms < due)
		return (long)(due - now_ms);
	save_leases(d, NULL);
	return -1;
}

static void warn_lease_line(void *ctx, const char *msg)
{
	struct dhcp_service *d = ctx;
	srv_log(d->s, NULL, 0, "dhcp", "warning: %s", msg);
}

/* --- full server --- */

/* The known host's fixed address, 0 when it has none (or is unknown). */
static uint32_t fixed_of(const struct host *h)
{
	return h ? h->ip : 0;
}

/* A host with a fixed address gives back what the pool held for it
 * (from before the hosts file named it), so the pool never keeps two. */
static void drop_pool_lease(struct dhcp_service *d, const uint8_t *mac)
{
	uint32_t old = lease_of_mac(&d->pool, mac);
	if (old && lease_release(&d->pool, mac, old, wall_secs()) == 0)
		save_leases(d, mac);
}

/* " (host web1, fixed)" for the log. */
static const char *host_note(const struct host *h, char *buf, size_t cap)
{
	if (!h)
		return "";
	snprintf(buf, cap, " (host %s%s)", h->name[0] ? h->name : "known", h->ip ? ", fixed" : "");
	return buf;
}

static void on_discover(struct dhcp_service *d, const struct dhcp_rx *rx, uint32_t sid)
{
	uint32_t req = 0, ip;
	long long now = wall_secs();
	char a[16], who[64], note[96];
	const struct host *h = hosts_find(&d->s->cfg.hosts, rx->mac);

	dhcp_opt_addr(&rx->m, DHCP_OPT_REQUESTED_IP, &req);
	if ((ip = fixed_of(h))) {
		drop_pool_lease(d, rx->mac);
	} else if (lease_pick(&d->pool, rx->mac, req, now, &ip) < 0) {
		d->s->metrics.errors[ME_DHCP_POOL_EXHAUSTED]++;
		srv_log(d->s, rx->mac, 0, "dhcp", "no free address left in the range: no offer");
		return;
	} else if (lease_offer(&d->pool, rx->mac, ip, now, LEASE_OFFER_HOLD) < 0) {
		return;
	}
	struct dhcp_plan p = { .type = DHCPOFFER, .yiaddr = ip, .server_id = sid, .address = true, .lease = true,
			       .boot = true, .host = h };
	if (send_reply(d, rx, &p) < 0)
		return;
	struct client *c = note_client(d, rx);
	clients_advance(c, STAGE_DHCP_OFFER);
	char file[200];
	describe_boot(d, rx, sid, file, sizeof(file));
	describe(c, who, sizeof(who));
	srv_log(d->s, rx->mac, ip, "dhcp", "offer %s%s%s%s, boot file %s", ipv4_ntoa(ip, a), host_note(h, note, sizeof(note)),
		who[0] ? " to " : "", who, file);
}

static void nak(struct dhcp_service *d, const struct dhcp_rx *rx, uint32_t sid, uint32_t ip, const char *why)
{
	char a[16];
	struct dhcp_plan p = { .type = DHCPNAK, .server_id = sid };

	if (send_reply(d, rx, &p) == 0)
		srv_log(d->s, rx->mac, ip, "dhcp", "nak %s: %s", ipv4_ntoa(ip, a), why);
}

/* A fixed address is not the pool's: nothing to write (renewal true). */
static void ack(struct dhcp_service *d, const struct dhcp_rx *rx, uint32_t sid, uint32_t ip, bool renewal,
		const struct host *h)
{
	char a[16], g[16], note[96];
	struct dhcp_plan p = { .type = DHCPACK, .yiaddr = ip, .server_id = sid, .address = true, .lease = true,
			       .boot = true, .host = h };

	if (fixed_of(h)) {
		/* nothing in the pool */
	} else if (!renewal) {
		save_leases(d, rx->mac);
	} else if (!d->leases_dirty) {
		d->leases_dirty = true;
		d->dirty_since_ms = monotonic_ms();
	}
	if (send_reply(d, rx, &p) < 0)
		return;
	struct client *c = note_client(d, rx);
	c = clients_set_ip(&d->s->clients, c, ip);
	clients_advance(c, STAGE_DHCP_ACK);
	if (is_agent(&rx->m))
		clients_advance(c, STAGE_AGENT_DHCP);
	host_note(h, note, sizeof(note));
	if (rx->m.giaddr)
		srv_log(d->s, rx->mac, ip, "dhcp", "ack %s lease %u s%s, via relay %s", ipv4_ntoa(ip, a),
			d->s->cfg.lease_secs, h ? note : "", ipv4_ntoa(rx->m.giaddr, g));
	else
		srv_log(d->s, rx->mac, ip, "dhcp", "ack %s lease %u s%s", ipv4_ntoa(ip, a), d->s->cfg.lease_secs,
			h ? note : "");
}

static bool in_subnet(const struct dhcp_service *d, uint32_t ip)
{
	return (ip & d->mask) == d->subnet;
}

/* RFC 2131 4.3.2: SELECTING (server id), INIT-REBOOT (requested IP, no
 * ciaddr), RENEWING/REBINDING (ciaddr). */
static void on_request(struct dhcp_service *d, const struct dhcp_rx *rx, uint32_t sid)
{
	uint32_t their_sid = 0, req = 0, ip;
	long long now = wall_secs();

	dhcp_opt_addr(&rx->m, DHCP_OPT_SERVER_ID, &their_sid);
	dhcp_opt_addr(&rx->m, DHCP_OPT_REQUESTED_IP, &req);
	if (their_sid && their_sid != sid) {	/* took another server's offer: drop ours */
		uint32_t own = lease_of_mac(&d->pool, rx->mac);
		struct lease *l = lease_at(&d->pool, own);
		if (l && l->state == LEASE_OFFERED)
			lease_release(&d->pool, rx->mac, own, now);
		return;
	}
	ip = req ? req : rx->m.ciaddr;
	if (!ip) {
		bad_packet(d, rx->from.sin_addr.s_addr, "DHCPREQUEST names no address");
		return;
	}
	bool init_reboot = !their_sid && !rx->m.ciaddr;
	const struct host *h = hosts_find(&d->s->cfg.hosts, rx->mac);
	if (fixed_of(h)) {
		char want[80], a[16];
		if (ip == h->ip) {
			drop_pool_lease(d, rx->mac);
			ack(d, rx, sid, ip, true, h);
		} else if (their_sid || in_subnet(d, ip)) {
			snprintf(want, sizeof(want), "this host's fixed address is %s", ipv4_ntoa(h->ip, a));
			nak(d, rx, sid, ip, want);
		}
		return;
	}
	struct lease *l = lease_at(&d->pool, ip);
	if (!l) {
		if (their_sid)
			nak(d, rx, sid, ip, "not an address of this server's range");
		else if (init_reboot && !in_subnet(d, ip))
			nak(d, rx, sid, ip, "wrong network");
		return;	/* in our subnet but not our range: another server's */
	}
	bool renewal = l->state == LEASE_BOUND && l->has_mac && !memcmp(l->mac, rx->mac, 6) && lease_active(l, now);
	int rc = lease_bind(&d->pool, rx->mac, ip, now, d->s->cfg.lease_secs);
	if (rc == 0)
		ack(d, rx, sid, ip, renewal, h);
	else
		nak(d, rx, sid, ip, rc == -EADDRINUSE ? "in use by another client" : "reserved");
}

static void on_decline(struct dhcp_service *d, const struct dhcp_rx *rx, uint32_t sid)
{
	uint32_t their_sid = 0, ip = 0;
	char a[16];

	dhcp_opt_addr(&rx->m, DHCP_OPT_SERVER_ID, &their_sid);
	dhcp_opt_addr(&rx->m, DHCP_OPT_REQUESTED_IP, &ip);
	if ((their_sid && their_sid != sid) || lease_of_mac(&d->pool, rx->mac) != ip || !ip)
		return;
	lease_decline(&d->pool, ip, wall_secs(), LEASE_DECLINE_HOLD);
	save_leases(d, rx->mac);
	srv_log(d->s, rx->mac, ip, "dhcp", "decline %s: in use by another host, held back %d s", ipv4_ntoa(ip, a),
		LEASE_DECLINE_HOLD);
}

static void on_release(struct dhcp_service *d, const struct dhcp_rx *rx)
{
	char a[16];

	if (lease_release(&d->pool, rx->mac, rx->m.ciaddr, wall_secs()) < 0)
		return;
	save_leases(d, rx->mac);
	srv_log(d->s, rx->mac, rx->m.ciaddr, "dhcp", "release %s", ipv4_ntoa(rx->m.ciaddr, a));
}

static void on_inform(struct dhcp_service *d, const struct dhcp_rx *rx, uint32_t sid)
{
	char a[16];
	struct dhcp_plan p = { .type = DHCPACK, .server_id = sid, .address = true, .boot = true };

	if (!rx->m.ciaddr || send_reply(d, rx, &p) < 0)
		return;
	srv_log(d->s, rx->mac, rx->m.ciaddr, "dhcp", "inform from %s: ack without address",
		ipv4_ntoa(rx->m.ciaddr, a));
}

/* The subnet check: relayed requests by giaddr, others by the address of
 * the interface they came in on.  Logs once per kind. */
static bool ours(struct dhcp_service *d, const struct dhcp_rx *rx)
{
	char a[16], n[16];

	if (!d->mask)
		return true;
	if (rx->m.giaddr) {
		if (in_subnet(d, rx->m.giaddr))
			return true;
		if (!d->warned_giaddr)
			srv_log(d->s, NULL, rx->m.giaddr, "dhcp", "relayed request from %s ignored: not in subnet %s/%d",
				ipv4_ntoa(rx->m.giaddr, a), ipv4_ntoa(d->subnet, n), ipv4_mask_prefix(d->mask));
		d->warned_giaddr = true;
		return false;
	}
	if (!rx->local || in_subnet(d, rx->local))
		return true;
	if (!d->warned_iface)
		srv_log(d->s, NULL, rx->local, "dhcp",
			"request on an interface with address %s ignored: not in subnet %s/%d (see --interface)",
			ipv4_ntoa(rx->local, a), ipv4_ntoa(d->subnet, n), ipv4_mask_prefix(d->mask));
	d->warned_iface = true;
	return false;
}

static void serve_full(struct dhcp_service *d, const struct dhcp_rx *rx, uint32_t sid)
{
	switch (rx->type) {
	case DHCPDISCOVER: on_discover(d, rx, sid); break;
	case DHCPREQUEST: on_request(d, rx, sid); break;
	case DHCPDECLINE: on_decline(d, rx, sid); break;
	case DHCPRELEASE: on_release(d, rx); break;
	case DHCPINFORM: on_inform(d, rx, sid); break;
	default: break;	/* server messages sent to a server: ignore */
	}
}

/* --- proxy-DHCP --- */

/* Logs a non-PXE client once (a proxy sees every client of the LAN). */
static void proxy_ignore(struct dhcp_service *d, const struct dhcp_rx *rx)
{
	char v[48] = "none", raw[48];

	for (unsigned i = 0; i < d->nignored && i < IGNORED_RING; i++)
		if (!memcmp(d->ignored[i], rx->mac, 6))
			return;
	memcpy(d->ignored[d->nignored++ % IGNORED_RING], rx->mac, 6);
	if (dhcp_opt_str(&rx->m, DHCP_OPT_VENDOR_CLASS, raw, sizeof(raw)) == 0)
		nb_sanitize(v, sizeof(v), raw, strlen(raw));
	srv_log(d->s, rx->mac, 0, "dhcp", "proxy: not a PXE client (vendor class %s): ignored", v);
}

static void serve_proxy(struct dhcp_service *d, const struct dhcp_rx *rx, uint32_t sid)
{
	bool is_offer = !rx->proxy_port && rx->type == DHCPDISCOVER;
	bool is_ack = rx->proxy_port && (rx->type == DHCPREQUEST || rx->type == DHCPINFORM);

	if (!is_offer && !is_ack)
		return;
	if (boot_client_kind(&rx->m) < BOOT_CLIENT_PXE) {
		proxy_ignore(d, rx);
		return;
	}
	struct dhcp_plan p = { .type = is_offer ? DHCPOFFER : DHCPACK, .server_id = sid, .boot = true };
	if (send_reply(d, rx, &p) < 0)
		return;
	struct client *c = note_client(d, rx);
	clients_advance(c, is_offer ? STAGE_DHCP_OFFER : STAGE_DHCP_ACK);
	char file[200];
	describe_boot(d, rx, sid, file, sizeof(file));
	srv_log(d->s, rx->mac, rx->m.ciaddr, "dhcp", "proxy %s: boot file %s (%s)", is_offer ? "offer" : "ack",
		file, client_arch_name(c->arch));
}

/* --- receiving --- */

static void handle(struct dhcp_service *d, const uint8_t *buf, size_t len, struct dhcp_rx *rx)
{
	struct errbuf e;
	char why[sizeof(e.msg) + 32];
	uint32_t from = rx->from.sin_addr.s_addr;

	if (dhcp_parse(buf, len, &rx->m, &e) < 0) {
		snprintf(why, sizeof(why), "%zu-byte packet: %s", len, e.msg);
		bad_packet(d, from, why);
		return;
	}
	if (rx->m.op != DHCP_BOOTREQUEST || rx->m.htype != 1 || rx->m.hlen != 6) {
		snprintf(why, sizeof(why), "not an Ethernet BOOTREQUEST (op %u, htype %u, hlen %u)", rx->m.op,
			 rx->m.htype, rx->m.hlen);
		bad_packet(d, from, why);
		return;
	}
	rx->type = dhcp_msg_type(&rx->m);
	if (rx->type < 0) {
		bad_packet(d, from, "BOOTP request without a DHCP message type");
		return;
	}
	metrics_dhcp(d->s->metrics.dhcp_received, rx->type);
	rx->mac = rx->m.chaddr;
	if (!ours(d, rx))
		return;
	uint32_t sid = server_id(d, rx);
	if (!sid) {
		bad_packet(d, from, "no address to answer from: set --local-ip");
		return;
	}
	if (d->s->cfg.do_dhcp)
		serve_full(d, rx, sid);
	else
		serve_proxy(d, rx, sid);
}

/* One datagram with its IP_PKTINFO: 1, 0 when none is left, or -errno. */
static int receive(int fd, uint8_t *buf, size_t cap, size_t *len, struct dhcp_rx *rx)
{
	struct udp_pktinfo pi;
	int rc = udp_recv_pktinfo(fd, buf, cap, len, &rx->from, sizeof(rx->from), &pi);

	if (rc > 0) {
		rx->ifindex = pi.ifindex;
		rx->local = pi.local4;
		rx->dst = pi.dst4;
	}
	return rc;
}

static void on_readable(struct loop_handler *h, uint32_t events)
{
	struct dhcp_service *d = h->ctx;
	uint8_t buf[DHCP_MSG_MAX];
	struct dhcp_rx rx;
	size_t len = 0;

	(void)events;
	for (int i = 0; i < RX_BURST; i++) {
		memset(&rx, 0, sizeof(rx));
		rx.proxy_port = h == &d->proxy;
		int rc = receive(h->fd, buf, sizeof(buf), &len, &rx);
		if (rc <= 0)
			return;
		if (len > sizeof(buf)) {
			bad_packet(d, rx.from.sin_addr.s_addr, "datagram longer than a DHCP message may be");
			continue;
		}
		handle(d, buf, len, &rx);
	}
}

/* --- start and stop --- */

static int open_socket(const struct serve_config *c, uint16_t port, struct errbuf *e)
{
	int one = 1;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return nb_fail(e, -errno, "UDP socket: %s", strerror(errno));
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) < 0) {
		int err = errno;
		close(fd);
		return nb_fail(e, -err, "UDP port %u: socket options: %s", port, strerror(err));
	}
	if (c->interface[0] &&
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, c->interface, (socklen_t)strlen(c->interface)) < 0) {
		int err = errno;
		close(fd);
		return nb_fail(e, -err, "--interface %s: %s", c->interface, strerror(err));
	}
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = INADDR_ANY };
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return fd;
	int err = errno;
	close(fd);
	if (err == EADDRINUSE && port == c->dhcp_port)
		return nb_fail(e, -err, "UDP port %u is in use: another DHCP server (dnsmasq, isc-dhcp-server, ...) "
			       "runs on this host; stop it, or if you only need boot files beside a DHCP server on "
			       "another host use --proxy-dhcp (it needs port %u too); --dhcp-port N for tests",
			       port, port);
	if (err == EADDRINUSE)
		return nb_fail(e, -err, "UDP port %u (proxy-DHCP) is in use: another PXE proxy (dnsmasq?) runs on "
			       "this host; stop it, or use --proxy-port N for tests", port);
	if (err == EACCES)
		return nb_fail(e, -err, "UDP port %u: permission denied: run as root (or with CAP_NET_BIND_SERVICE)",
			       port);
	return nb_fail(e, -err, "UDP port %u: bind: %s", port, strerror(err));
}

static int add_handler(struct dhcp_service *d, struct loop_handler *h, uint16_t port, struct errbuf *e)
{
	int fd = open_socket(&d->s->cfg, port, e);
	if (fd < 0)
		return fd;
	h->fn = on_readable;
	h->ctx = d;
	h->fd = fd;
	int rc = loop_add(&d->s->loop, h, EPOLLIN);
	if (rc < 0) {
		close(fd);
		h->fd = -1;
		return nb_fail(e, rc, "UDP port %u: epoll: %s", port, strerror(-rc));
	}
	return 0;
}

/* The pool: the range less our address, the router, the subnet's
 * network and broadcast addresses and the hosts' fixed addresses; then
 * the lease file, less what it held for hosts that now have a fixed one. */
static int open_pool(struct dhcp_service *d, struct errbuf *e)
{
	const struct serve_config *c = &d->s->cfg;
	uint32_t *ex = calloc(4 + (size_t)c->hosts.n, sizeof(*ex));
	int nex = 4, rc;

	if (!ex)
		return nb_fail(e, -ENOMEM, "out of memory");
	ex[0] = c->local_ip, ex[1] = c->router, ex[2] = d->subnet, ex[3] = d->subnet | ~d->mask;
	for (int i = 0; i < c->hosts.n; i++)
		if (c->hosts.h[i].ip)
			ex[nex++] = c->hosts.h[i].ip;
	rc = lease_pool_init(&d->pool, c->range_start, c->range_end, ex, nex, e);
	free(ex);
	if (rc < 0)
		return rc;
	snprintf(d->leases_path, sizeof(d->leases_path), "%s", c->leases_file[0] ? c->leases_file : DEFAULT_LEASES);
	if ((rc = leases_load(&d->pool, d->leases_path, warn_lease_line, d, e)) < 0)
		return rc;
	bool dropped = false;
	for (int i = 0; i < c->hosts.n; i++) {
		const struct host *h = &c->hosts.h[i];
		uint32_t old = h->ip ? lease_of_mac(&d->pool, h->mac) : 0;
		char a[16], f[16];
		if (old && lease_release(&d->pool, h->mac, old, wall_secs()) == 0) {
			srv_log(d->s, h->mac, old, "dhcp", "lease on %s released: the hosts file gives this host %s",
				ipv4_ntoa(old, a), ipv4_ntoa(h->ip, f));
			dropped = true;
		}
	}
	if (dropped && leases_save(&d->pool, d->leases_path, e) < 0)
		return -EIO;
	return 0;
}

int dhcp_service_start(struct server *s, struct errbuf *e)
{
	const struct serve_config *c = &s->cfg;
	struct dhcp_service *d = calloc(1, sizeof(*d));
	int rc;

	if (!d)
		return nb_fail(e, -ENOMEM, "out of memory");
	s->dhcp = d;
	d->s = s;
	d->main.fd = d->proxy.fd = -1;
	/* A proxy answers on any subnet unless told which one. */
	d->mask = c->do_dhcp || c->subnet ? c->netmask : 0;
	d->subnet = (c->subnet ? c->subnet : c->range_start) & d->mask;
	if (c->do_dhcp && (rc = open_pool(d, e)) < 0)
		goto fail;
	if ((rc = add_handler(d, &d->main, c->dhcp_port, e)) < 0)
		goto fail;
	if (!c->do_dhcp && (rc = add_handler(d, &d->proxy, c->proxy_port, e)) < 0)
		goto fail;
	d->flush = (struct loop_timer){ .fn = flush_leases, .ctx = d };
	if ((rc = loop_add_timer(&s->loop, &d->flush)) < 0)
		return nb_fail(e, rc, "lease flush timer: %s", strerror(-rc));
	return 0;
fail:
	dhcp_service_stop(s);
	return rc;
}

void dhcp_service_stop(struct server *s)
{
	struct dhcp_service *d = s->dhcp;

	if (!d)
		return;
	struct loop_handler *hs[] = { &d->main, &d->proxy };
	for (int i = 0; i < 2; i++)
		if (hs[i]->fd >= 0) {
			loop_del(&s->loop, hs[i]);
			close(hs[i]->fd);
		}
	if (d->leases_dirty)
		save_leases(d, NULL);
	loop_del_timer(&s->loop, &d->flush);
	lease_pool_free(&d->pool);
	free(d);
	s->dhcp = NULL;
}
