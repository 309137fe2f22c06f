#include "netboot/dhcp_wire.h"
#include <errno.h>
#include <string.h>

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void dhcp_msg_init(struct dhcp_msg *m, uint8_t op, uint8_t type, uint32_t xid, const uint8_t mac[6])
{
	memset(m, 0, sizeof(*m));
	m->op = op;
	m->htype = 1;
	m->hlen = 6;
	m->xid = xid;
	if (mac)
		memcpy(m->chaddr, mac, 6);
	if (type)
		dhcp_opt_add(m, DHCP_OPT_MSG_TYPE, &type, 1);
}

int dhcp_opt_add(struct dhcp_msg *m, uint8_t code, const void *data, size_t len)
{
	if (len > 255 || m->opts_len + 2 + len + 1 > sizeof(m->opts))
		return -EMSGSIZE;
	m->opts[m->opts_len++] = code;
	m->opts[m->opts_len++] = (uint8_t)len;
	if (len)
		memcpy(m->opts + m->opts_len, data, len);
	m->opts_len += len;
	return 0;
}

int dhcp_opt_add_u32(struct dhcp_msg *m, uint8_t code, uint32_t v)
{
	uint8_t b[4];

	put32(b, v);
	return dhcp_opt_add(m, code, b, sizeof(b));
}

int dhcp_encode(const struct dhcp_msg *m, uint8_t *buf, size_t cap, struct errbuf *e)
{
	size_t len = DHCP_MIN_LEN + m->opts_len + 1;

	if (len < DHCP_PAD_TO)
		len = DHCP_PAD_TO;
	if (m->opts_len > sizeof(m->opts) || len > cap)
		return nb_fail(e, -EMSGSIZE, "DHCP message of %zu bytes does not fit a %zu-byte buffer", len, cap);
	memset(buf, 0, len);
	buf[0] = m->op;
	buf[1] = m->htype;
	buf[2] = m->hlen;
	buf[3] = m->hops;
	put32(buf + 4, m->xid);
	put16(buf + 8, m->secs);
	put16(buf + 10, m->flags);
	memcpy(buf + 12, &m->ciaddr, 4);
	memcpy(buf + 16, &m->yiaddr, 4);
	memcpy(buf + 20, &m->siaddr, 4);
	memcpy(buf + 24, &m->giaddr, 4);
	memcpy(buf + 28, m->chaddr, 16);
	memcpy(buf + 44, m->sname, 64);
	memcpy(buf + 108, m->file, 128);
	put32(buf + DHCP_FIXED_LEN, DHCP_MAGIC);
	memcpy(buf + DHCP_MIN_LEN, m->opts, m->opts_len);
	buf[DHCP_MIN_LEN + m->opts_len] = DHCP_OPT_END;
	return (int)len;
}

void dhcp_opt_iter_init(struct dhcp_opt_iter *it, const struct dhcp_msg *m)
{
	it->m = m;
	it->p = m->opts;
	it->end = m->opts + (m->opts_len <= sizeof(m->opts) ? m->opts_len : sizeof(m->opts));
	it->area = 0;
	it->overload = 0;
}

static const char *area_name(int area)
{
	return area == 0 ? "options" : area == 1 ? "file (overloaded)" : "sname (overloaded)";
}

/* Moves to the next area the overload option allows; false when done. */
static bool next_area(struct dhcp_opt_iter *it)
{
	while (++it->area < 3) {
		if (it->area == 1 && (it->overload & 1)) {
			it->p = it->m->file;
			it->end = it->m->file + sizeof(it->m->file);
			return true;
		}
		if (it->area == 2 && (it->overload & 2)) {
			it->p = it->m->sname;
			it->end = it->m->sname + sizeof(it->m->sname);
			return true;
		}
	}
	return false;
}

int dhcp_opt_next(struct dhcp_opt_iter *it, struct dhcp_opt *o, struct errbuf *e)
{
	for (;;) {
		if (it->area >= 3)
			return 0;
		if (it->p >= it->end || *it->p == DHCP_OPT_END) {
			if (!next_area(it))
				return 0;
			continue;
		}
		if (*it->p == DHCP_OPT_PAD) {
			it->p++;
			continue;
		}
		size_t left = (size_t)(it->end - it->p);
		if (left < 2)
			return nb_fail(e, -EPROTO, "DHCP option %u at the end of %s has no length byte",
				       it->p[0], area_name(it->area));
		if ((size_t)it->p[1] + 2 > left)
			return nb_fail(e, -EPROTO, "DHCP option %u in %s: length %u runs past the end (%zu bytes left)",
				       it->p[0], area_name(it->area), it->p[1], left - 2);
		o->code = it->p[0];
		o->len = it->p[1];
		o->data = it->p + 2;
		it->p += 2 + o->len;
		/* Overload is only meaningful in the options field itself. */
		if (it->area == 0 && o->code == DHCP_OPT_OVERLOAD && !it->overload) {
			if (o->len != 1 || o->data[0] < 1 || o->data[0] > 3)
				return nb_fail(e, -EPROTO, "DHCP option 52 (overload): expected 1 byte of 1..3, got %u bytes",
					       o->len);
			it->overload = o->data[0];
		}
		return 1;
	}
}

int dhcp_parse(const uint8_t *buf, size_t len, struct dhcp_msg *out, struct errbuf *e)
{
	struct dhcp_opt_iter it;
	struct dhcp_opt o;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len < DHCP_MIN_LEN)
		return nb_fail(e, -EPROTO, "DHCP message of %zu bytes is shorter than the minimum %d", len, DHCP_MIN_LEN);
	if (len > DHCP_MSG_MAX)
		return nb_fail(e, -EMSGSIZE, "DHCP message of %zu bytes is longer than %d", len, DHCP_MSG_MAX);
	if (buf[0] != DHCP_BOOTREQUEST && buf[0] != DHCP_BOOTREPLY)
		return nb_fail(e, -EPROTO, "DHCP message op %u: expected 1 (request) or 2 (reply)", buf[0]);
	if (buf[2] > 16)
		return nb_fail(e, -EPROTO, "DHCP hardware address length %u: expected at most 16", buf[2]);
	if (get32(buf + DHCP_FIXED_LEN) != DHCP_MAGIC)
		return nb_fail(e, -EPROTO, "DHCP magic cookie missing: got %02x %02x %02x %02x, expected 63 82 53 63",
			       buf[236], buf[237], buf[238], buf[239]);
	out->op = buf[0];
	out->htype = buf[1];
	out->hlen = buf[2];
	out->hops = buf[3];
	out->xid = get32(buf + 4);
	out->secs = get16(buf + 8);
	out->flags = get16(buf + 10);
	memcpy(&out->ciaddr, buf + 12, 4);
	memcpy(&out->yiaddr, buf + 16, 4);
	memcpy(&out->siaddr, buf + 20, 4);
	memcpy(&out->giaddr, buf + 24, 4);
	memcpy(out->chaddr, buf + 28, 16);
	memcpy(out->sname, buf + 44, 64);
	memcpy(out->file, buf + 108, 128);
	out->opts_len = len - DHCP_MIN_LEN;
	memcpy(out->opts, buf + DHCP_MIN_LEN, out->opts_len);

	/* Walk everything once so later iterations cannot fail. */
	dhcp_opt_iter_init(&it, out);
	while ((rc = dhcp_opt_next(&it, &o, e)) > 0) {
		if (o.code == DHCP_OPT_MSG_TYPE && (o.len != 1 || o.data[0] < 1 || o.data[0] > 8))
			return nb_fail(e, -EPROTO, "DHCP option 53 (message type): expected 1 byte of 1..8, got %u bytes",
				       o.len);
	}
	return rc;
}

int dhcp_opt_get(const struct dhcp_msg *m, uint8_t code, uint8_t *buf, size_t cap, size_t *len)
{
	struct dhcp_opt_iter it;
	struct dhcp_opt o;
	bool found = false;
	size_t n = 0;
	int rc;

	dhcp_opt_iter_init(&it, m);
	while ((rc = dhcp_opt_next(&it, &o, NULL)) > 0) {
		if (o.code != code)
			continue;
		found = true;
		if (o.len > cap - n)
			return -EMSGSIZE;
		memcpy(buf + n, o.data, o.len);
		n += o.len;
	}
	if (rc < 0)
		return rc;
	*len = n;
	return found ? 0 : -ENOENT;
}

/* Fetches an option that must be exactly want bytes long. */
static int get_exact(const struct dhcp_msg *m, uint8_t code, uint8_t *buf, size_t want)
{
	uint8_t tmp[8];
	size_t len;
	int rc = dhcp_opt_get(m, code, tmp, sizeof(tmp), &len);

	if (rc == -EMSGSIZE)
		return -EPROTO;
	if (rc < 0)
		return rc;
	if (len != want)
		return -EPROTO;
	memcpy(buf, tmp, want);
	return 0;
}

int dhcp_opt_u8(const struct dhcp_msg *m, uint8_t code, uint8_t *v)
{
	return get_exact(m, code, v, 1);
}

int dhcp_opt_u16(const struct dhcp_msg *m, uint8_t code, uint16_t *v)
{
	uint8_t b[2];
	int rc = get_exact(m, code, b, 2);

	if (!rc)
		*v = get16(b);
	return rc;
}

int dhcp_opt_u32(const struct dhcp_msg *m, uint8_t code, uint32_t *v)
{
	uint8_t b[4];
	int rc = get_exact(m, code, b, 4);

	if (!rc)
		*v = get32(b);
	return rc;
}

int dhcp_opt_addr(const struct dhcp_msg *m, uint8_t code, uint32_t *v)
{
	uint8_t b[4];
	int rc = get_exact(m, code, b, 4);

	if (!rc)
		memcpy(v, b, 4);
	return rc;
}

int dhcp_opt_addrs(const struct dhcp_msg *m, uint8_t code, uint32_t *v, int max, int *n)
{
	uint8_t b[DHCP_OPTS_MAX];
	size_t len;
	int rc = dhcp_opt_get(m, code, b, sizeof(b), &len);

	*n = 0;
	if (rc < 0)
		return rc;
	if (len == 0 || len % 4)
		return -EPROTO;
	for (size_t i = 0; i + 4 <= len && *n < max; i += 4)
		memcpy(&v[(*n)++], b + i, 4);
	return 0;
}

int dhcp_opt_str(const struct dhcp_msg *m, uint8_t code, char *buf, size_t cap)
{
	uint8_t b[DHCP_OPTS_MAX];
	size_t len;
	int rc = dhcp_opt_get(m, code, b, sizeof(b), &len);

	if (rc < 0)
		return rc;
	/* Some servers count a trailing NUL in the length. */
	const uint8_t *nul = memchr(b, 0, len);
	if (nul)
		len = (size_t)(nul - b);
	if (len == 0)
		return -EPROTO;
	if (len + 1 > cap)
		return -EMSGSIZE;
	memcpy(buf, b, len);
	buf[len] = '\0';
	return 0;
}

int dhcp_msg_type(const struct dhcp_msg *m)
{
	uint8_t t;
	int rc = dhcp_opt_u8(m, DHCP_OPT_MSG_TYPE, &t);

	if (rc < 0)
		return rc;
	return t >= 1 && t <= 8 ? t : -EPROTO;
}

const char *dhcp_type_name(int type)
{
	static const char *const names[] = {
		"BOOTP", "DISCOVER", "OFFER", "REQUEST", "DECLINE", "ACK", "NAK", "RELEASE", "INFORM",
	};
	return type >= 0 && type <= 8 ? names[type] : "?";
}

int dhcp_check_reply(const struct dhcp_msg *m, uint32_t xid, const uint8_t mac[6], struct errbuf *e)
{
	if (m->op != DHCP_BOOTREPLY)
		return nb_fail(e, -EPROTO, "DHCP message op %u is not a reply (2)", m->op);
	if (m->xid != xid)
		return nb_fail(e, -ENOMSG, "DHCP reply xid 0x%08x is not ours (0x%08x)", m->xid, xid);
	if (m->htype != 1 || m->hlen != 6 || memcmp(m->chaddr, mac, 6) != 0)
		return nb_fail(e, -ENOMSG, "DHCP reply for hardware address %02x:%02x:%02x:%02x:%02x:%02x is not ours",
			       m->chaddr[0], m->chaddr[1], m->chaddr[2], m->chaddr[3], m->chaddr[4], m->chaddr[5]);
	return 0;
}

/* RFC 1071 ones' complement sum, folded later. */
static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* UDP checksum over the pseudo header and the UDP header+payload. */
static uint16_t udp_sum(const uint8_t *ip, const uint8_t *udp, size_t udplen)
{
	uint32_t sum = sum16(0, ip + 12, 8);	/* source and destination */

	sum += 17 + (uint32_t)udplen;
	return fold(sum16(sum, udp, udplen));
}

int dhcp_ipudp_wrap(uint8_t *pkt, size_t cap, uint32_t src, uint32_t dst, uint16_t sport,
		    uint16_t dport, const uint8_t *payload, size_t plen)
{
	size_t total = DHCP_IPUDP_LEN + plen;
	uint8_t *udp = pkt + 20;
	uint16_t cs;

	if (total > cap || total > 0xffff)
		return -EMSGSIZE;
	memset(pkt, 0, DHCP_IPUDP_LEN);
	pkt[0] = 0x45;
	put16(pkt + 2, (uint16_t)total);
	pkt[8] = 64;
	pkt[9] = 17;
	memcpy(pkt + 12, &src, 4);
	memcpy(pkt + 16, &dst, 4);
	put16(pkt + 10, fold(sum16(0, pkt, 20)));
	put16(udp, sport);
	put16(udp + 2, dport);
	put16(udp + 4, (uint16_t)(8 + plen));
	memmove(udp + 8, payload, plen);
	cs = udp_sum(pkt, udp, 8 + plen);
	put16(udp + 6, cs ? cs : 0xffff);	/* 0 means "no checksum" */
	return (int)total;
}

int dhcp_ipudp_unwrap(const uint8_t *pkt, size_t len, uint16_t sport, uint16_t dport,
		      bool check_sum, struct dhcp_udp *out, struct errbuf *e)
{
	size_t ihl, total, ulen;
	const uint8_t *udp;

	if (len < 20)
		return nb_fail(e, -EPROTO, "IPv4 packet of %zu bytes is shorter than a header", len);
	if (pkt[0] >> 4 != 4)
		return nb_fail(e, -EPROTO, "IP version %u, expected 4", pkt[0] >> 4);
	ihl = (size_t)(pkt[0] & 0xf) * 4;
	total = get16(pkt + 2);
	if (ihl < 20 || ihl > len)
		return nb_fail(e, -EPROTO, "IPv4 header length %zu in a %zu-byte packet", ihl, len);
	if (total < ihl || total > len)
		return nb_fail(e, -EPROTO, "IPv4 total length %u in a %zu-byte packet", (unsigned)total, len);
	if (fold(sum16(0, pkt, ihl)) != 0)
		return nb_fail(e, -EPROTO, "IPv4 header checksum mismatch");
	if (get16(pkt + 6) & 0x3fff)
		return nb_fail(e, -EPROTO, "IPv4 fragment (DHCP replies are never fragmented here)");
	if (pkt[9] != 17)
		return nb_fail(e, -ENOMSG, "IP protocol %u, not UDP", pkt[9]);
	if (total - ihl < 8)
		return nb_fail(e, -EPROTO, "UDP header cut short (%zu bytes)", total - ihl);
	udp = pkt + ihl;
	if (get16(udp) != sport || get16(udp + 2) != dport)
		return nb_fail(e, -ENOMSG, "UDP ports %u->%u, expected %u->%u", get16(udp), get16(udp + 2), sport, dport);
	ulen = get16(udp + 4);
	if (ulen < 8 || ulen > total - ihl)
		return nb_fail(e, -EPROTO, "UDP length %zu in %zu bytes of IP payload", ulen, total - ihl);
	if (check_sum && get16(udp + 6) != 0 && udp_sum(pkt, udp, ulen) != 0)
		return nb_fail(e, -EPROTO, "UDP checksum mismatch");
	memcpy(&out->src, pkt + 12, 4);
	memcpy(&out->dst, pkt + 16, 4);
	out->sport = sport;
	out->dport = dport;
	out->payload = udp + 8;
	out->len = ulen - 8;
	return 0;
}

void dhcp_reply_init(struct dhcp_msg *r, const struct dhcp_msg *req, uint8_t type)
{
	dhcp_msg_init(r, DHCP_BOOTREPLY, type, req->xid, NULL);
	r->htype = req->htype;
	r->hlen = req->hlen;
	r->hops = req->hops;
	r->flags = req->flags;
	r->giaddr = req->giaddr;
	memcpy(r->chaddr, req->chaddr, sizeof(r->chaddr));
}

bool dhcp_param_requested(const struct dhcp_msg *m, uint8_t code)
{
	uint8_t list[DHCP_OPTS_MAX];
	size_t len;

	if (dhcp_opt_get(m, DHCP_OPT_PARAM_LIST, list, sizeof(list), &len) < 0)
		return false;
	return memchr(list, code, len) != NULL;
}

int dhcp_client_arch(const struct dhcp_msg *m)
{
	uint8_t b[DHCP_OPTS_MAX];
	size_t len;

	if (dhcp_opt_get(m, DHCP_OPT_CLIENT_ARCH, b, sizeof(b), &len) < 0 || len < 2 || len % 2)
		return -1;
	return get16(b);
}

bool dhcp_is_pxe_client(const struct dhcp_msg *m)
{
	static const char pxe[] = DHCP_PXE_VENDOR_CLASS;
	uint8_t b[DHCP_OPTS_MAX];
	size_t len;

	if (dhcp_opt_get(m, DHCP_OPT_VENDOR_CLASS, b, sizeof(b), &len) < 0)
		return false;
	return len >= sizeof(pxe) - 1 && memcmp(b, pxe, sizeof(pxe) - 1) == 0;
}

size_t dhcp_reply_max(const struct dhcp_msg *req)
{
	uint16_t v;

	if (dhcp_opt_u16(req, DHCP_OPT_MAX_SIZE, &v) < 0 || v < 576)
		v = 576;
	size_t max = (size_t)v - DHCP_IPUDP_LEN;
	return max > DHCP_MSG_MAX ? DHCP_MSG_MAX : max;
}

int dhcp_opt_copy(struct dhcp_msg *dst, const struct dhcp_msg *src, uint8_t code)
{
	uint8_t b[255];
	size_t len;
	int rc = dhcp_opt_get(src, code, b, sizeof(b), &len);

	if (rc < 0)
		return rc;
	return dhcp_opt_add(dst, code, b, len);
}

int dhcp_opt_add_pxe_control(struct dhcp_msg *m, uint8_t control)
{
	const uint8_t v[] = { PXE_DISCOVERY_CONTROL, 1, control, DHCP_OPT_END };

	return dhcp_opt_add(m, DHCP_OPT_VENDOR_SPECIFIC, v, sizeof(v));
}
