#include "netboot/dhcp6_wire.h"
#include <errno.h>
#include <stdio.h>
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

const char *dhcp6_type_name(int type)
{
	static const char *const names[] = {
		"?", "Solicit", "Advertise", "Request", "Confirm", "Renew", "Rebind", "Reply",
		"Release", "Decline", "Reconfigure", "Information-Request", "Relay-Forw", "Relay-Repl",
	};
	return type >= 1 && type <= DHCP6_RELAY_REPL ? names[type] : "unknown";
}

const char *dhcp6_status_name(int code)
{
	static const char *const names[] = {
		"Success", "UnspecFail", "NoAddrsAvail", "NoBinding", "NotOnLink", "UseMulticast", "NoPrefixAvail",
	};
	return code >= 0 && code <= DHCP6_NO_PREFIX_AVAIL ? names[code] : "unknown";
}

size_t dhcp6_duid_ll(const uint8_t mac[6], uint8_t out[DHCP6_DUID_LL_LEN])
{
	put16(out, 3);
	put16(out + 2, 1);
	memcpy(out + 4, mac, 6);
	return DHCP6_DUID_LL_LEN;
}

int dhcp6_duid_mac(const uint8_t *duid, size_t len, uint8_t mac[6])
{
	/* DUID-LLT: type 1, hardware type, 4 bytes of time, address */
	if (len == 14 && get16(duid) == 1 && get16(duid + 2) == 1) {
		memcpy(mac, duid + 8, 6);
		return 0;
	}
	if (len == DHCP6_DUID_LL_LEN && get16(duid) == 3 && get16(duid + 2) == 1) {
		memcpy(mac, duid + 4, 6);
		return 0;
	}
	return -ENOENT;
}

/* --- build --- */

struct wbuf {
	uint8_t *p;
	size_t cap, len;
	bool full;
};

/* Opens an option; returns its offset so opt_end can fill in the length. */
static size_t opt_begin(struct wbuf *w, uint16_t code)
{
	size_t at = w->len;
	if (w->len + 4 > w->cap) {
		w->full = true;
		return at;
	}
	put16(w->p + at, code);
	put16(w->p + at + 2, 0);
	w->len += 4;
	return at;
}

static void opt_end(struct wbuf *w, size_t at)
{
	if (!w->full)
		put16(w->p + at + 2, (uint16_t)(w->len - at - 4));
}

static void put_bytes(struct wbuf *w, const void *d, size_t n)
{
	if (w->full || w->len + n > w->cap) {
		w->full = true;
		return;
	}
	if (n)
		memcpy(w->p + w->len, d, n);
	w->len += n;
}

static void put_u16(struct wbuf *w, uint16_t v)
{
	uint8_t b[2];
	put16(b, v);
	put_bytes(w, b, 2);
}

static void put_u32(struct wbuf *w, uint32_t v)
{
	uint8_t b[4];
	put32(b, v);
	put_bytes(w, b, 4);
}

static void put_opt(struct wbuf *w, uint16_t code, const void *d, size_t n)
{
	size_t at = opt_begin(w, code);
	put_bytes(w, d, n);
	opt_end(w, at);
}

/* IA_NA with T1 = T2 = 0 (the server's choice) and, when asked for, one
 * IAADDR with lifetimes 0 (RFC 8415 21.6: a client sends them as 0). */
static void put_ia_na(struct wbuf *w, uint32_t iaid, const uint8_t *addr)
{
	size_t at = opt_begin(w, DHCP6_OPT_IA_NA);
	put_u32(w, iaid);
	put_u32(w, 0);
	put_u32(w, 0);
	if (addr) {
		size_t a = opt_begin(w, DHCP6_OPT_IAADDR);
		put_bytes(w, addr, 16);
		put_u32(w, 0);
		put_u32(w, 0);
		opt_end(w, a);
	}
	opt_end(w, at);
}

int dhcp6_build(const struct dhcp6_out *o, uint8_t *buf, size_t cap, struct errbuf *e)
{
	struct wbuf w = { .p = buf, .cap = cap };

	if (o->client_duid_len > DHCP6_DUID_MAX || o->server_duid_len > DHCP6_DUID_MAX)
		return nb_fail(e, -EINVAL, "DHCPv6 %s: a DUID of %zu bytes, at most %d allowed", dhcp6_type_name(o->type),
			       o->client_duid_len > DHCP6_DUID_MAX ? o->client_duid_len : o->server_duid_len,
			       DHCP6_DUID_MAX);
	put_u32(&w, (uint32_t)o->type << 24 | (o->xid & 0xffffffu));
	if (o->client_duid_len)
		put_opt(&w, DHCP6_OPT_CLIENTID, o->client_duid, o->client_duid_len);
	if (o->server_duid && o->server_duid_len)
		put_opt(&w, DHCP6_OPT_SERVERID, o->server_duid, o->server_duid_len);
	size_t at = opt_begin(&w, DHCP6_OPT_ELAPSED_TIME);
	put_u16(&w, o->elapsed_cs);
	opt_end(&w, at);
	if (o->ia_na)
		put_ia_na(&w, o->iaid, o->ia_addr);
	if (o->rapid_commit && o->type == DHCP6_SOLICIT)
		put_opt(&w, DHCP6_OPT_RAPID_COMMIT, NULL, 0);
	if (o->noro > 0) {
		at = opt_begin(&w, DHCP6_OPT_ORO);
		for (int i = 0; i < o->noro; i++)
			put_u16(&w, o->oro[i]);
		opt_end(&w, at);
	}
	if (w.full)
		return nb_fail(e, -EMSGSIZE, "DHCPv6 %s does not fit a %zu-byte buffer", dhcp6_type_name(o->type), cap);
	return (int)w.len;
}

/* --- the server's side --- */

static void put_status(struct wbuf *w, int code, const char *text)
{
	if (code == DHCP6_STATUS_NONE)
		return;
	size_t at = opt_begin(w, DHCP6_OPT_STATUS_CODE);
	put_u16(w, (uint16_t)code);
	if (text)
		put_bytes(w, text, strlen(text));
	opt_end(w, at);
}

static void put_server_ia(struct wbuf *w, const struct dhcp6_server_out *o)
{
	size_t at = opt_begin(w, DHCP6_OPT_IA_NA);
	put_u32(w, o->iaid);
	put_u32(w, o->t1);
	put_u32(w, o->t2);
	if (o->addr) {
		size_t a = opt_begin(w, DHCP6_OPT_IAADDR);
		put_bytes(w, o->addr, 16);
		put_u32(w, o->preferred);
		put_u32(w, o->valid);
		opt_end(w, a);
	}
	put_status(w, o->ia_status, o->ia_status_text);
	opt_end(w, at);
}

/* Options 59, 60 and 16: what a booting client needs. */
static void put_boot(struct wbuf *w, const struct dhcp6_server_out *o)
{
	if (o->bootfile_url)
		put_opt(w, DHCP6_OPT_BOOTFILE_URL, o->bootfile_url, strlen(o->bootfile_url));
	if (o->nparams > 0) {
		size_t at = opt_begin(w, DHCP6_OPT_BOOTFILE_PARAM);
		for (int i = 0; i < o->nparams; i++) {
			put_u16(w, (uint16_t)strlen(o->bootfile_params[i]));
			put_bytes(w, o->bootfile_params[i], strlen(o->bootfile_params[i]));
		}
		opt_end(w, at);
	}
	if (o->vendor_class) {
		size_t at = opt_begin(w, DHCP6_OPT_VENDOR_CLASS);
		put_u32(w, o->vendor_enterprise);
		put_u16(w, (uint16_t)strlen(o->vendor_class));
		put_bytes(w, o->vendor_class, strlen(o->vendor_class));
		opt_end(w, at);
	}
}

int dhcp6_build_server(const struct dhcp6_server_out *o, uint8_t *buf, size_t cap, struct errbuf *e)
{
	struct wbuf w = { .p = buf, .cap = cap };
	const char *t = dhcp6_type_name(o->type);

	if (o->client_duid_len > DHCP6_DUID_MAX || o->server_duid_len > DHCP6_DUID_MAX || !o->server_duid_len)
		return nb_fail(e, -EINVAL, "DHCPv6 %s: DUIDs of %zu and %zu bytes, expected 1..%d (and a server DUID)", t,
			       o->client_duid_len, o->server_duid_len, DHCP6_DUID_MAX);
	if ((o->bootfile_url && strlen(o->bootfile_url) >= DHCP6_URL_MAX) ||
	    (o->status_text && strlen(o->status_text) >= DHCP6_TEXT_MAX) ||
	    (o->ia_status_text && strlen(o->ia_status_text) >= DHCP6_TEXT_MAX) ||
	    (o->vendor_class && strlen(o->vendor_class) >= 256))
		return nb_fail(e, -EINVAL, "DHCPv6 %s: a boot file URL, status text or vendor class too long", t);
	for (int i = 0; i < o->nparams; i++)
		if (strlen(o->bootfile_params[i]) >= DHCP6_TEXT_MAX)
			return nb_fail(e, -EINVAL, "DHCPv6 %s: boot file parameter %d too long", t, i + 1);
	put_u32(&w, (uint32_t)o->type << 24 | (o->xid & 0xffffffu));
	if (o->client_duid_len)
		put_opt(&w, DHCP6_OPT_CLIENTID, o->client_duid, o->client_duid_len);
	put_opt(&w, DHCP6_OPT_SERVERID, o->server_duid, o->server_duid_len);
	put_status(&w, o->status, o->status_text);
	if (o->ia_na)
		put_server_ia(&w, o);
	if (o->has_preference)
		put_opt(&w, DHCP6_OPT_PREFERENCE, &o->preference, 1);
	if (o->rapid_commit)
		put_opt(&w, DHCP6_OPT_RAPID_COMMIT, NULL, 0);
	if (o->ndns > 0)
		put_opt(&w, DHCP6_OPT_DNS_SERVERS, o->dns, (size_t)o->ndns * 16);
	put_boot(&w, o);
	if (w.full)
		return nb_fail(e, -EMSGSIZE, "DHCPv6 %s does not fit a %zu-byte buffer", t, cap);
	return (int)w.len;
}

int dhcp6_build_relay_repl(const struct dhcp6_msg *forw, const uint8_t *msg, size_t msg_len, uint8_t *buf,
			   size_t cap, struct errbuf *e)
{
	struct wbuf w = { .p = buf, .cap = cap };
	uint8_t head[2] = { DHCP6_RELAY_REPL, forw->relay.hop_count };

	put_bytes(&w, head, 2);
	put_bytes(&w, forw->relay.link_addr, 16);
	put_bytes(&w, forw->relay.peer_addr, 16);
	if (forw->interface_id)
		put_opt(&w, DHCP6_OPT_INTERFACE_ID, forw->interface_id, forw->interface_id_len);
	put_opt(&w, DHCP6_OPT_RELAY_MSG, msg, msg_len);
	if (w.full)
		return nb_fail(e, -EMSGSIZE, "DHCPv6 Relay-Repl does not fit a %zu-byte buffer", cap);
	return (int)w.len;
}

/* --- parse --- */

static const char *opt_name(uint16_t code)
{
	switch (code) {
	case DHCP6_OPT_CLIENTID: return "client identifier";
	case DHCP6_OPT_SERVERID: return "server identifier";
	case DHCP6_OPT_IA_NA: return "IA_NA";
	case DHCP6_OPT_IAADDR: return "IA address";
	case DHCP6_OPT_ORO: return "option request";
	case DHCP6_OPT_PREFERENCE: return "preference";
	case DHCP6_OPT_ELAPSED_TIME: return "elapsed time";
	case DHCP6_OPT_RELAY_MSG: return "relay message";
	case DHCP6_OPT_STATUS_CODE: return "status code";
	case DHCP6_OPT_RAPID_COMMIT: return "rapid commit";
	case DHCP6_OPT_DNS_SERVERS: return "DNS servers";
	case DHCP6_OPT_USER_CLASS: return "user class";
	case DHCP6_OPT_VENDOR_CLASS: return "vendor class";
	case DHCP6_OPT_INTERFACE_ID: return "interface id";
	case DHCP6_OPT_DOMAIN_LIST: return "domain list";
	case DHCP6_OPT_BOOTFILE_URL: return "boot file URL";
	case DHCP6_OPT_BOOTFILE_PARAM: return "boot file parameters";
	case DHCP6_OPT_CLIENT_ARCH: return "client architecture";
	case DHCP6_OPT_CLIENT_LINKLAYER: return "client link-layer address";
	case DHCP6_OPT_SOL_MAX_RT: return "SOL_MAX_RT";
	default: return "option";
	}
}

int dhcp6_opt_next(const uint8_t *buf, size_t len, size_t *off, uint16_t *code, const uint8_t **data,
		   size_t *dlen, const char *where, struct errbuf *e)
{
	size_t o = *off;

	if (o >= len)
		return 0;
	if (len - o < 4)
		return nb_fail(e, -EPROTO, "DHCPv6 %s: %zu stray bytes at offset %zu, expected a 4-byte option header",
			       where, len - o, o);
	*code = get16(buf + o);
	*dlen = get16(buf + o + 2);
	if (*dlen > len - o - 4)
		return nb_fail(e, -EPROTO, "DHCPv6 %s: option %u (%s) at offset %zu: length %zu runs past the end "
			       "(%zu bytes left)", where, *code, opt_name(*code), o, *dlen, len - o - 4);
	*data = buf + o + 4;
	*off = o + 4 + *dlen;
	return 1;
}

/* Fails with the option named and what its length should have been. */
static int bad_len(struct errbuf *e, uint16_t code, size_t dlen, const char *want)
{
	return nb_fail(e, -EPROTO, "DHCPv6 option %u (%s): %zu bytes, expected %s", code, opt_name(code), dlen, want);
}

static int parse_status(const uint8_t *d, size_t n, struct dhcp6_status_opt *s, struct errbuf *e)
{
	if (n < 2)
		return bad_len(e, DHCP6_OPT_STATUS_CODE, n, "at least 2 (a code)");
	s->code = get16(d);
	/* The text is UTF-8 and not NUL-terminated; shown only as ASCII. */
	size_t k = 0;
	for (size_t i = 2; i < n && k + 1 < sizeof(s->text); i++)
		s->text[k++] = d[i] >= 0x20 && d[i] < 0x7f ? (char)d[i] : '?';
	s->text[k] = 0;
	return 0;
}

static int parse_iaaddr(const uint8_t *d, size_t n, struct dhcp6_msg *m, struct errbuf *e)
{
	struct dhcp6_iaaddr a = { .status.code = DHCP6_STATUS_NONE };
	const uint8_t *sd;
	size_t off = 24, sn;
	uint16_t code;
	int rc;

	if (n < 24)
		return bad_len(e, DHCP6_OPT_IAADDR, n, "at least 24 (address and two lifetimes)");
	memcpy(a.addr, d, 16);
	a.preferred = get32(d + 16);
	a.valid = get32(d + 20);
	while ((rc = dhcp6_opt_next(d, n, &off, &code, &sd, &sn, "IA address", e)) > 0)
		if (code == DHCP6_OPT_STATUS_CODE && (rc = parse_status(sd, sn, &a.status, e)) < 0)
			return rc;
	if (rc < 0)
		return rc;
	if (m->naddrs < DHCP6_MAX_ADDRS)
		m->addrs[m->naddrs++] = a;
	else
		m->addrs_dropped = true;
	return 0;
}

static int parse_ia_na(const uint8_t *d, size_t n, struct dhcp6_msg *m, struct errbuf *e)
{
	const uint8_t *sd;
	size_t off = 12, sn;
	uint16_t code;
	int rc;

	if (n < 12)
		return bad_len(e, DHCP6_OPT_IA_NA, n, "at least 12 (IAID, T1, T2)");
	m->n_ia_na++;
	if (m->has_ia_na)
		return 0;	/* we send one IA; a second one is not ours */
	m->has_ia_na = true;
	m->iaid = get32(d);
	m->t1 = get32(d + 4);
	m->t2 = get32(d + 8);
	while ((rc = dhcp6_opt_next(d, n, &off, &code, &sd, &sn, "IA_NA", e)) > 0) {
		if (code == DHCP6_OPT_IAADDR)
			rc = parse_iaaddr(sd, sn, m, e);
		else if (code == DHCP6_OPT_STATUS_CODE)
			rc = parse_status(sd, sn, &m->ia_status, e);
		if (rc < 0)
			return rc;
	}
	return rc;
}

/* Option 24: names in DNS wire format, no compression (RFC 8415 10),
 * written as "a.example b.example". */
static int parse_domains(const uint8_t *d, size_t n, char *out, size_t cap, struct errbuf *e)
{
	size_t i = 0, k = 0;

	if (n == 0)
		return bad_len(e, DHCP6_OPT_DOMAIN_LIST, n, "at least one name");
	while (i < n) {
		size_t name_len = 0;
		if (k && k + 1 < cap)
			out[k++] = ' ';
		for (;;) {
			if (i >= n)
				return nb_fail(e, -EPROTO, "DHCPv6 option 24 (domain list): a name at offset %zu is not "
					       "ended by a zero-length label", i);
			uint8_t l = d[i++];
			if (l == 0)
				break;
			if (l > 63 || l > n - i)
				return nb_fail(e, -EPROTO, "DHCPv6 option 24 (domain list): label of %u bytes at offset %zu, "
					       "expected at most 63 within the option", l, i - 1);
			if ((name_len += l + 1u) > 255)
				return nb_fail(e, -EPROTO, "DHCPv6 option 24 (domain list): a name longer than 255 bytes");
			if (name_len > l + 1u && k + 1 < cap)	/* not the first label */
				out[k++] = '.';
			for (uint8_t j = 0; j < l; j++, i++)
				if (k + 1 < cap)
					out[k++] = d[i] >= 0x21 && d[i] < 0x7f ? (char)d[i] : '?';
		}
		if (name_len == 0)
			return nb_fail(e, -EPROTO, "DHCPv6 option 24 (domain list): an empty name (the root) at offset %zu",
				       i - 1);
	}
	out[k < cap ? k : cap - 1] = 0;
	return 0;
}

/* Option 60: parameters, each a 2-byte length and text, joined by spaces. */
static int parse_params(const uint8_t *d, size_t n, char *out, size_t cap, struct errbuf *e)
{
	size_t i = 0, k = 0;

	while (i < n) {
		if (n - i < 2)
			return nb_fail(e, -EPROTO, "DHCPv6 option 60 (boot file parameters): 1 stray byte at offset %zu, "
				       "expected a 2-byte length", i);
		size_t l = get16(d + i);
		i += 2;
		if (l > n - i)
			return nb_fail(e, -EPROTO, "DHCPv6 option 60 (boot file parameters): parameter of %zu bytes at "
				       "offset %zu runs past the option (%zu left)", l, i - 2, n - i);
		if (k && k + 1 < cap)
			out[k++] = ' ';
		for (size_t j = 0; j < l; j++, i++)
			if (k + 1 < cap)
				out[k++] = d[i] >= 0x20 && d[i] < 0x7f ? (char)d[i] : '?';
	}
	out[k] = 0;
	return 0;
}

/* Options 15 and 16: items of a 2-byte length and data; the first kept,
 * sanitized, every length checked. */
static int parse_first_item(uint16_t code, const uint8_t *d, size_t n, char *out, size_t cap, struct errbuf *e)
{
	size_t i = 0;

	while (i < n) {
		if (n - i < 2)
			return bad_len(e, code, n, "items of a 2-byte length and data");
		size_t l = get16(d + i);
		if (l > n - i - 2)
			return nb_fail(e, -EPROTO, "DHCPv6 option %u (%s): item of %zu bytes at offset %zu runs past the "
				       "option", code, opt_name(code), l, i);
		if (i == 0)
			nb_sanitize(out, cap, (const char *)d + 2, l);
		i += 2 + l;
	}
	return 0;
}

static int parse_duid(uint16_t code, const uint8_t *d, size_t n, uint8_t *dst, size_t *dlen, struct errbuf *e)
{
	if (*dlen)
		return nb_fail(e, -EPROTO, "DHCPv6 option %u (%s) appears twice, expected once", code, opt_name(code));
	if (n < 3 || n > DHCP6_DUID_MAX)
		return bad_len(e, code, n, "a DUID of 3..130");
	memcpy(dst, d, n);
	*dlen = n;
	return 0;
}

static int parse_lladdr(const uint8_t *d, size_t n, struct dhcp6_msg *m, struct errbuf *e)
{
	if (n < 3 || n > 2 + sizeof(m->lladdr))
		return bad_len(e, DHCP6_OPT_CLIENT_LINKLAYER, n, "3..18 (hardware type and address)");
	m->has_lladdr = true;
	m->lltype = get16(d);
	m->lladdr_len = n - 2;
	memcpy(m->lladdr, d + 2, n - 2);
	if (m->lltype == 1 && n != 8)
		return bad_len(e, DHCP6_OPT_CLIENT_LINKLAYER, n, "8 for Ethernet (type 1)");
	return 0;
}

/* Options with fixed sizes or lists of fixed-size items. */
static int parse_simple(uint16_t code, const uint8_t *d, size_t n, struct dhcp6_msg *m, struct errbuf *e)
{
	switch (code) {
	case DHCP6_OPT_PREFERENCE:
		if (n != 1)
			return bad_len(e, code, n, "1");
		m->has_preference = true;
		m->preference = d[0];
		return 0;
	case DHCP6_OPT_ELAPSED_TIME:
		if (n != 2)
			return bad_len(e, code, n, "2");
		m->has_elapsed = true;
		m->elapsed_cs = get16(d);
		return 0;
	case DHCP6_OPT_RAPID_COMMIT:
		if (n != 0)
			return bad_len(e, code, n, "0");
		m->rapid_commit = true;
		return 0;
	case DHCP6_OPT_SOL_MAX_RT:
		if (n != 4)
			return bad_len(e, code, n, "4");
		m->sol_max_rt = get32(d);
		return 0;
	case DHCP6_OPT_ORO:
		if (n % 2)
			return bad_len(e, code, n, "a multiple of 2");
		for (size_t i = 0; i < n && m->noro < (int)(sizeof(m->oro) / sizeof(m->oro[0])); i += 2)
			m->oro[m->noro++] = get16(d + i);
		return 0;
	case DHCP6_OPT_DNS_SERVERS:
		if (n == 0 || n % 16)
			return bad_len(e, code, n, "a non-zero multiple of 16 (IPv6 addresses)");
		for (size_t i = 0; i < n && m->ndns < DHCP6_MAX_DNS; i += 16)
			memcpy(m->dns[m->ndns++], d + i, 16);
		return 0;
	case DHCP6_OPT_CLIENT_ARCH:
		if (n == 0 || n % 2)
			return bad_len(e, code, n, "a non-zero multiple of 2 (architecture types)");
		m->client_arch = get16(d);
		return 0;
	}
	return 0;
}

static int parse_opt(uint16_t code, const uint8_t *d, size_t n, struct dhcp6_msg *m, struct errbuf *e)
{
	switch (code) {
	case DHCP6_OPT_CLIENTID:
		return parse_duid(code, d, n, m->client_duid, &m->client_duid_len, e);
	case DHCP6_OPT_SERVERID:
		return parse_duid(code, d, n, m->server_duid, &m->server_duid_len, e);
	case DHCP6_OPT_IA_NA:
		return parse_ia_na(d, n, m, e);
	case DHCP6_OPT_STATUS_CODE:
		return parse_status(d, n, &m->status, e);
	case DHCP6_OPT_DOMAIN_LIST:
		return parse_domains(d, n, m->domains, sizeof(m->domains), e);
	case DHCP6_OPT_BOOTFILE_URL:
		if (n == 0 || n >= sizeof(m->bootfile_url))
			return bad_len(e, code, n, "1..511 (a URL)");
		nb_sanitize(m->bootfile_url, sizeof(m->bootfile_url), (const char *)d, n);
		if (strlen(m->bootfile_url) != n)
			return nb_fail(e, -EPROTO, "DHCPv6 option 59 (boot file URL): a NUL byte inside the URL");
		return 0;
	case DHCP6_OPT_BOOTFILE_PARAM:
		return parse_params(d, n, m->bootfile_param, sizeof(m->bootfile_param), e);
	case DHCP6_OPT_CLIENT_LINKLAYER:
		return parse_lladdr(d, n, m, e);
	case DHCP6_OPT_VENDOR_CLASS:
		if (n < 4)
			return bad_len(e, code, n, "at least 4 (an enterprise number)");
		m->vendor_enterprise = get32(d);
		return parse_first_item(code, d + 4, n - 4, m->vendor_class, sizeof(m->vendor_class), e);
	case DHCP6_OPT_USER_CLASS:
		return parse_first_item(code, d, n, m->user_class, sizeof(m->user_class), e);
	case DHCP6_OPT_INTERFACE_ID:
		m->interface_id = d;
		m->interface_id_len = n;
		return 0;
	case DHCP6_OPT_RELAY_MSG:
		m->relay.msg = d;
		m->relay.msg_len = n;
		return 0;
	}
	return parse_simple(code, d, n, m, e);
}

int dhcp6_parse(const uint8_t *buf, size_t len, struct dhcp6_msg *m, struct errbuf *e)
{
	const uint8_t *d;
	size_t off, n;
	uint16_t code;
	int rc;

	memset(m, 0, sizeof(*m));
	m->status.code = m->ia_status.code = DHCP6_STATUS_NONE;
	m->client_arch = -1;
	if (len < 4)
		return nb_fail(e, -EPROTO, "DHCPv6 message of %zu bytes, expected at least 4", len);
	if (len > DHCP6_MSG_MAX)
		return nb_fail(e, -EPROTO, "DHCPv6 message of %zu bytes, expected at most %d", len, DHCP6_MSG_MAX);
	m->type = buf[0];
	if (m->type == 0)
		return nb_fail(e, -EPROTO, "DHCPv6 message type 0, expected 1..255");
	if (m->type == DHCP6_RELAY_FORW || m->type == DHCP6_RELAY_REPL) {
		if (len < 34)
			return nb_fail(e, -EPROTO, "DHCPv6 %s of %zu bytes, expected at least 34 (hop count and two "
				       "addresses)", dhcp6_type_name(m->type), len);
		m->relay.hop_count = buf[1];
		memcpy(m->relay.link_addr, buf + 2, 16);
		memcpy(m->relay.peer_addr, buf + 18, 16);
		off = 34;
	} else {
		m->xid = get32(buf) & 0xffffffu;
		off = 4;
	}
	while ((rc = dhcp6_opt_next(buf, len, &off, &code, &d, &n, dhcp6_type_name(m->type), e)) > 0)
		if ((rc = parse_opt(code, d, n, m, e)) < 0)
			return rc;
	if (rc == 0 && (m->type == DHCP6_RELAY_FORW || m->type == DHCP6_RELAY_REPL) && !m->relay.msg)
		return nb_fail(e, -EPROTO, "DHCPv6 %s without option 9 (relay message)", dhcp6_type_name(m->type));
	return rc;
}

int dhcp6_check_reply(const struct dhcp6_msg *m, uint32_t xid, const uint8_t *duid, size_t duid_len,
		      struct errbuf *e)
{
	if (m->type != DHCP6_ADVERTISE && m->type != DHCP6_REPLY)
		return nb_fail(e, -EPROTO, "DHCPv6 %s (type %u) sent to a client, expected Advertise or Reply",
			       dhcp6_type_name(m->type), m->type);
	if (m->xid != (xid & 0xffffffu) || m->client_duid_len != duid_len || memcmp(m->client_duid, duid, duid_len))
		return nb_fail(e, -ENOMSG, "DHCPv6 %s for another exchange (xid 0x%06x)", dhcp6_type_name(m->type), m->xid);
	if (!m->server_duid_len)
		return nb_fail(e, -EPROTO, "DHCPv6 %s without option 2 (server identifier)", dhcp6_type_name(m->type));
	return 0;
}
