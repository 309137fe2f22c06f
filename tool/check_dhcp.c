/* Step 1 of netboot check: a PXE DISCOVER on the interface and every answer
 * within the window, as a PXE ROM sees them.  No REQUEST: no lease is taken.
 * The raw socket and framing are the agent's (netboot/dhcp_client.c). */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include "netboot/clock.h"
#include "netboot/dhcp_client.h"
#include "netboot/ipv4.h"
#include "netboot/rtnl.h"
#include "tool/check.h"

#define MAX_OFFERS 8

/* How step 1's wait went: for its note, and for a failure's message. */
struct dhcp_wait {
	int sent;		/* DISCOVERs sent */
	long long first_ms;	/* the first offer, after the first DISCOVER */
	long long waited_ms;	/* the whole wait */
};

struct offer {
	uint32_t server;	/* option 54, else the IP source */
	uint32_t yiaddr, siaddr;
	bool proxy;		/* no address, PXEClient: boot information only */
	char file[128];		/* option 67, else the file field */
	char tftp[64];		/* option 66, else "" */
};

static void read_offer(const struct dhcp_msg *m, uint32_t src, struct offer *o)
{
	char raw[128];

	memset(o, 0, sizeof(*o));
	if (dhcp_opt_addr(m, DHCP_OPT_SERVER_ID, &o->server) < 0 || !o->server)
		o->server = src;
	o->yiaddr = m->yiaddr;
	o->siaddr = m->siaddr;
	o->proxy = !m->yiaddr && dhcp_is_pxe_client(m);
	if (dhcp_opt_str(m, DHCP_OPT_BOOTFILE, raw, sizeof(raw)) == 0)
		nb_sanitize(o->file, sizeof(o->file), raw, strlen(raw));
	else
		nb_sanitize(o->file, sizeof(o->file), (const char *)m->file, strnlen((const char *)m->file, 128));
	if (dhcp_opt_str(m, DHCP_OPT_TFTP_SERVER, raw, sizeof(raw)) == 0)
		nb_sanitize(o->tftp, sizeof(o->tftp), raw, strlen(raw));
}

/* The address (network order) of the TFTP server an offer names: siaddr,
 * else option 66 when it is an address; 0 when neither. */
static uint32_t next_server_of(const struct offer *o)
{
	uint32_t a = 0;
	if (o->siaddr)
		return o->siaddr;
	return ipv4_parse(o->tftp, strlen(o->tftp), &a) ? a : 0;
}

/* PXE firmware's DISCOVER schedule (PXE 2.1 spec, RFC 2131's backoff): sent
 * at 0, resent after 4 then 8 s, given up 16 s after the last: 28 s.  A
 * server may be slow on first contact for good reason (dnsmasq pings the
 * address it will offer for ~3 s and answers only a later DISCOVER). */
static const int discover_at_ms[] = { 0, 4000, 12000 };
#define DHCP_GIVE_UP_MS 28000

/* Keeps one offer per server (and kind) from every answer queued on fd. */
static int drain(int fd, uint32_t xid, const uint8_t mac[6], struct offer *offers, int n)
{
	struct dhcp_msg r;
	struct errbuf sub;
	uint32_t src;
	int rc;
	while ((rc = dhcp_packet_recv(fd, &r, &src, &sub)) != 0) {
		struct offer o;
		if (rc < 0 || dhcp_check_reply(&r, xid, mac, &sub) < 0 || dhcp_msg_type(&r) != DHCPOFFER)
			continue;
		read_offer(&r, src, &o);
		bool seen = false;
		for (int i = 0; i < n; i++)
			seen |= offers[i].server == o.server && offers[i].proxy == o.proxy;
		if (!seen && n < MAX_OFFERS)
			offers[n++] = o;
	}
	return n;
}

/* Sends DISCOVERs on the firmware's schedule until the first offer, then
 * listens c->timeout_ms more for other servers (a proxy, a second DHCP
 * server).  Returns the count or -errno; st says what the wait was. */
static int collect(const struct check_ctx *c, int fd, int ifindex, struct offer *offers, struct dhcp_wait *st,
		   struct errbuf *e)
{
	struct dhcp_msg m;
	uint8_t uuid[16] = { 0 };
	uint32_t xid;
	long long t0 = monotonic_ms(), end = t0 + DHCP_GIVE_UP_MS;
	int n = 0;

	if (getrandom(&xid, sizeof(xid), 0) != sizeof(xid))
		xid = (uint32_t)t0 ^ (uint32_t)getpid();
	memcpy(uuid, c->mac, 6);	/* a stable, per-client UUID for option 97 */
	st->sent = 0;
	for (long long now; (now = monotonic_ms()) < end;) {
		int nsched = (int)(sizeof(discover_at_ms) / sizeof(discover_at_ms[0]));
		if (!n && st->sent < nsched && now >= t0 + discover_at_ms[st->sent]) {
			dhcp_build_pxe_discover(&m, xid, c->mac, c->arch, uuid);
			m.secs = (uint16_t)((now - t0) / 1000);	/* RFC 2131: seconds since the first */
			int rc = dhcp_packet_send(fd, ifindex, &m, e);
			if (rc < 0 && !st->sent)
				return rc;	/* a resend is best effort: the first one went out */
			st->sent++;
			continue;
		}
		long long wake = !n && st->sent < nsched ? t0 + discover_at_ms[st->sent] : end;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, (int)(wake > now ? wake - now : 0)) <= 0)
			continue;
		int was = n;
		n = drain(fd, xid, c->mac, offers, n);
		if (!was && n) {
			st->first_ms = monotonic_ms() - t0;
			end = monotonic_ms() + c->timeout_ms;
		}
	}
	st->waited_ms = monotonic_ms() - t0;
	return n;
}

static void list_offer(const struct check_ctx *c, const struct offer *o)
{
	char s[16], y[16], ns[16];
	check_note(c, "%s from %s: %s%s, next-server %s, boot file %s", o->proxy ? "proxy offer" : "offer",
		   ipv4_ntoa(o->server, s), o->proxy ? "no address" : "address ", o->proxy ? "" : ipv4_ntoa(o->yiaddr, y),
		   next_server_of(o) ? ipv4_ntoa(next_server_of(o), ns) : "none", o->file[0] ? o->file : "none");
}

/* Picks the address offer and the offer that carries the boot information
 * (a proxy's when there is one, as PXE firmware does). */
static int judge(struct check_ctx *c, const struct offer *offers, int n, struct errbuf *what)
{
	const struct offer *addr = NULL, *boot = NULL;
	char a[16], b[16], ns[16], px[16];

	for (int i = 0; i < n; i++) {
		if (offers[i].proxy) {
			boot = boot ? boot : &offers[i];
		} else if (!addr) {
			addr = &offers[i];
		} else {
			return check_fail(what, -EEXIST, "two DHCP servers offer addresses, %s and %s: a PXE client takes whichever "
				       "answers first; stop one, or run netboot serve --proxy-dhcp beside the other",
				       ipv4_ntoa(addr->server, a), ipv4_ntoa(offers[i].server, b));
		}
	}
	if (!addr)
		return check_fail(what, -ENOENT, "only proxy-DHCP answered (%s): no DHCP server offers an address on %s; "
			       "start one, or run netboot serve without --proxy-dhcp", ipv4_ntoa(boot->server, a), c->ifname);
	if (!boot)
		boot = addr;
	if (!boot->file[0])
		return check_fail(what, -ENOENT, "the offer from %s has no boot file: set next-server/filename on that "
			       "server (dnsmasq: --dhcp-boot=pxelinux.0), or run netboot serve --proxy-dhcp",
			       ipv4_ntoa(boot->server, a));
	c->next_server = next_server_of(boot);
	if (!c->next_server)
		return check_fail(what, -ENOENT, "the offer from %s names boot file %s but no next-server (siaddr or option 66): "
			       "set next-server on that server", ipv4_ntoa(boot->server, a), boot->file);
	c->offered = addr->yiaddr;
	snprintf(c->bootfile, sizeof(c->bootfile), "%s", boot->file);
	return check_fail(what, 0, "offer %s from %s, next-server %s, boot file %s%s%s", ipv4_ntoa(addr->yiaddr, a),
		       ipv4_ntoa(addr->server, b), ipv4_ntoa(c->next_server, ns), c->bootfile,
		       boot != addr ? ", boot information from proxy-DHCP " : "",
		       boot != addr ? ipv4_ntoa(boot->server, px) : "");
}

int check_dhcp(struct check_ctx *c, struct errbuf *what)
{
	struct rtnl nl = { .fd = -1 };
	struct rtnl_link l;
	struct offer offers[MAX_OFFERS];
	struct dhcp_wait st = { 0 };
	int fd = -1, n;

	if ((n = rtnl_open(&nl, what)) < 0)
		return n;
	if ((n = rtnl_link_get(&nl, 0, c->ifname, &l, what)) < 0 || (n = rtnl_link_up(&nl, l.ifindex, what)) < 0) {
		rtnl_close(&nl);
		return n;
	}
	rtnl_close(&nl);
	if (!c->mac_given)
		memcpy(c->mac, l.mac, 6);
	if ((fd = dhcp_packet_open(l.ifindex, what)) < 0)
		return check_fail(what, fd, "%s: %s (a raw socket needs root or CAP_NET_RAW)", c->ifname, what->msg);
	n = collect(c, fd, l.ifindex, offers, &st, what);
	close(fd);
	if (n < 0)
		return n;
	if (n == 0)	/* the whole firmware schedule: a PXE ROM would have given up too */
		return check_fail(what, -ETIMEDOUT, "no DHCP offer on %s in %.1f s after %d DISCOVERs (at 0, 4 and 12 s, "
			       "as PXE firmware sends them): no DHCP server answers PXE clients on this segment "
			       "(start one, or netboot serve), or it ignores them", c->ifname, st.waited_ms / 1000.0, st.sent);
	check_note(c, "first offer %.1f s after the first DISCOVER (%d sent), then %.1f s more for other servers",
		   st.first_ms / 1000.0, st.sent, c->timeout_ms / 1000.0);
	for (int i = 0; i < n; i++)
		list_offer(c, &offers[i]);
	return judge(c, offers, n, what);
}
