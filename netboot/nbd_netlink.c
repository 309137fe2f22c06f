/* The nbd generic-netlink family's messages: see nbd_netlink.h. */
#include "netboot/nbd_netlink.h"
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/nbd-netlink.h>
#include <linux/netlink.h>

/* --- building: one bounded writer, nests closed by patching their length --- */

struct nlb {
	uint8_t *buf;
	size_t cap, len;
	bool full;
};

static void put(struct nlb *b, const void *p, size_t n)
{
	size_t pad = NLA_ALIGN(n) - n;
	if (!n)
		return;
	if (b->full || b->cap - b->len < n + pad) {
		b->full = true;
		return;
	}
	memcpy(b->buf + b->len, p, n);
	memset(b->buf + b->len + n, 0, pad);
	b->len += n + pad;
}

static void attr(struct nlb *b, uint16_t type, const void *p, size_t n)
{
	struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + n), .nla_type = type };
	if (b->full || b->cap - b->len < NLA_HDRLEN + NLA_ALIGN(n)) {
		b->full = true;
		return;
	}
	put(b, &a, sizeof(a));
	put(b, p, n);
}

static void attr_u32(struct nlb *b, uint16_t type, uint32_t v)
{
	attr(b, type, &v, sizeof(v));
}

static void attr_u64(struct nlb *b, uint16_t type, uint64_t v)
{
	attr(b, type, &v, sizeof(v));
}

/* Opens a nested attribute; returns where its header is, for nest_end. */
static size_t nest_start(struct nlb *b, uint16_t type)
{
	size_t at = b->len;
	attr(b, (uint16_t)(type | NLA_F_NESTED), NULL, 0);
	return at;
}

static void nest_end(struct nlb *b, size_t at)
{
	uint16_t n = (uint16_t)(b->len - at);
	if (!b->full)
		memcpy(b->buf + at, &n, sizeof(n));	/* nla_len is the first field */
}

static void msg_start(struct nlb *b, uint8_t *buf, size_t cap, uint16_t type, uint32_t seq, uint8_t cmd,
		      uint8_t version)
{
	struct nlmsghdr h = { .nlmsg_type = type, .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK, .nlmsg_seq = seq };
	struct genlmsghdr g = { .cmd = cmd, .version = version };
	*b = (struct nlb){ .buf = buf, .cap = cap };
	put(b, &h, sizeof(h));
	put(b, &g, sizeof(g));
}

static int msg_end(struct nlb *b)
{
	uint32_t n = (uint32_t)b->len;
	if (b->full || b->len > INT32_MAX)
		return -ENOSPC;
	memcpy(b->buf, &n, sizeof(n));	/* nlmsg_len is the first field */
	return (int)b->len;
}

int genl_build_getfamily(uint8_t *buf, size_t cap, uint32_t seq, const char *name)
{
	struct nlb b;
	msg_start(&b, buf, cap, GENL_ID_CTRL, seq, CTRL_CMD_GETFAMILY, 1);
	attr(&b, CTRL_ATTR_FAMILY_NAME, name, strlen(name) + 1);
	return msg_end(&b);
}

/* NBD_ATTR_SOCKETS { NBD_SOCK_ITEM { NBD_SOCK_FD } }: one connection */
static void sockets(struct nlb *b, int sock)
{
	size_t list = nest_start(b, NBD_ATTR_SOCKETS);
	size_t item = nest_start(b, NBD_SOCK_ITEM);
	attr_u32(b, NBD_SOCK_FD, (uint32_t)sock);
	nest_end(b, item);
	nest_end(b, list);
}

int nbdnl_build_connect(uint8_t *buf, size_t cap, uint16_t family, uint32_t seq, const struct nbdnl_connect *c)
{
	struct nlb b;
	msg_start(&b, buf, cap, family, seq, NBD_CMD_CONNECT, NBD_GENL_VERSION);
	if (c->index >= 0)
		attr_u32(&b, NBD_ATTR_INDEX, (uint32_t)c->index);
	attr_u64(&b, NBD_ATTR_SIZE_BYTES, c->size);
	attr_u64(&b, NBD_ATTR_BLOCK_SIZE_BYTES, c->blksize);
	attr_u64(&b, NBD_ATTR_SERVER_FLAGS, c->server_flags);
	if (c->timeout_s)
		attr_u64(&b, NBD_ATTR_TIMEOUT, c->timeout_s);
	if (c->dead_conn_timeout_s)
		attr_u64(&b, NBD_ATTR_DEAD_CONN_TIMEOUT, c->dead_conn_timeout_s);
	sockets(&b, c->sock);
	return msg_end(&b);
}

int nbdnl_build_reconfigure(uint8_t *buf, size_t cap, uint16_t family, uint32_t seq, uint32_t index, int sock)
{
	struct nlb b;
	msg_start(&b, buf, cap, family, seq, NBD_CMD_RECONFIGURE, NBD_GENL_VERSION);
	attr_u32(&b, NBD_ATTR_INDEX, index);
	sockets(&b, sock);
	return msg_end(&b);
}

static int index_only(uint8_t *buf, size_t cap, uint16_t family, uint32_t seq, uint8_t cmd, uint32_t index)
{
	struct nlb b;
	msg_start(&b, buf, cap, family, seq, cmd, NBD_GENL_VERSION);
	attr_u32(&b, NBD_ATTR_INDEX, index);
	return msg_end(&b);
}

int nbdnl_build_disconnect(uint8_t *buf, size_t cap, uint16_t family, uint32_t seq, uint32_t index)
{
	return index_only(buf, cap, family, seq, NBD_CMD_DISCONNECT, index);
}

int nbdnl_build_status(uint8_t *buf, size_t cap, uint16_t family, uint32_t seq, uint32_t index)
{
	return index_only(buf, cap, family, seq, NBD_CMD_STATUS, index);
}

/* --- parsing: one bounded attribute iterator, typed getters check the size --- */

struct nla_iter {
	const uint8_t *p, *end;
};

/* Next attribute: 1 with type (flags masked off), data and its length;
 * 0 at the end; -EPROTO if an attribute runs past its container. */
static int nla_next(struct nla_iter *it, uint16_t *type, const uint8_t **data, size_t *len)
{
	struct nlattr a;
	size_t left = (size_t)(it->end - it->p);

	if (left < NLA_HDRLEN)
		return 0;	/* trailing padding */
	memcpy(&a, it->p, sizeof(a));
	if (a.nla_len < NLA_HDRLEN || a.nla_len > left)
		return -EPROTO;
	*type = a.nla_type & NLA_TYPE_MASK;
	*data = it->p + NLA_HDRLEN;
	*len = a.nla_len - NLA_HDRLEN;
	size_t step = NLA_ALIGN((size_t)a.nla_len);
	it->p += step < left ? step : left;
	return 1;
}

static bool get_u32(const uint8_t *d, size_t n, uint32_t *v)
{
	if (n != 4)
		return false;
	memcpy(v, d, 4);
	return true;
}

/* CTRL_ATTR_MCAST_GROUPS: { n: { GRP_NAME, GRP_ID } ... } */
static int ctrl_groups(const uint8_t *d, size_t n, const char *want, uint32_t *id)
{
	struct nla_iter groups = { d, d + n };
	const uint8_t *gd, *ad;
	size_t gl, al;
	uint16_t t;
	int rc;

	while ((rc = nla_next(&groups, &t, &gd, &gl)) > 0) {
		struct nla_iter in = { gd, gd + gl };
		bool named = false;
		uint32_t gid = 0;
		while ((rc = nla_next(&in, &t, &ad, &al)) > 0) {
			if (t == CTRL_ATTR_MCAST_GRP_NAME)
				named = want && al == strlen(want) + 1 && !memcmp(ad, want, al);
			else if (t == CTRL_ATTR_MCAST_GRP_ID && !get_u32(ad, al, &gid))
				return -EPROTO;
		}
		if (rc < 0)
			return rc;
		if (named)
			*id = gid;
	}
	return rc;
}

static int ctrl_attrs(struct nla_iter *it, const char *mcast_name, struct genl_msg *out)
{
	const uint8_t *d;
	size_t n;
	uint16_t t;
	int rc;

	while ((rc = nla_next(it, &t, &d, &n)) > 0) {
		if (t == CTRL_ATTR_FAMILY_ID) {
			if (n != 2)
				return -EPROTO;
			memcpy(&out->family_id, d, 2);
		} else if (t == CTRL_ATTR_MCAST_GROUPS && (rc = ctrl_groups(d, n, mcast_name, &out->mcast_id)) < 0) {
			return rc;
		}
	}
	return rc;
}

/* NBD_ATTR_DEVICE_LIST: { NBD_DEVICE_ITEM: { DEVICE_INDEX, DEVICE_CONNECTED } ... } */
static int nbd_devices(const uint8_t *d, size_t n, int64_t want, struct genl_msg *out)
{
	struct nla_iter items = { d, d + n };
	const uint8_t *id, *ad;
	size_t il, al;
	uint16_t t;
	int rc;

	while ((rc = nla_next(&items, &t, &id, &il)) > 0) {
		struct nla_iter in = { id, id + il };
		int64_t index = -1;
		int connected = -1;
		if (t != NBD_DEVICE_ITEM)
			continue;
		while ((rc = nla_next(&in, &t, &ad, &al)) > 0) {
			uint32_t v;
			if (t == NBD_DEVICE_INDEX) {
				if (!get_u32(ad, al, &v))
					return -EPROTO;
				index = v;
			} else if (t == NBD_DEVICE_CONNECTED) {
				if (al != 1)
					return -EPROTO;
				connected = ad[0] != 0;
			}
		}
		if (rc < 0)
			return rc;
		if (index >= 0 && index == want)
			out->connected = connected;
	}
	return rc;
}

static int nbd_attrs(struct nla_iter *it, int64_t want, struct genl_msg *out)
{
	const uint8_t *d;
	size_t n;
	uint16_t t;
	int rc;

	while ((rc = nla_next(it, &t, &d, &n)) > 0) {
		uint32_t v;
		if (t == NBD_ATTR_INDEX) {
			if (!get_u32(d, n, &v))
				return -EPROTO;
			out->index = v;
		} else if (t == NBD_ATTR_DEVICE_LIST && (rc = nbd_devices(d, n, want, out)) < 0) {
			return rc;
		}
	}
	return rc;
}

int genl_parse(const uint8_t *buf, size_t len, const char *mcast_name, int64_t want_index, struct genl_msg *out,
	       struct errbuf *e)
{
	struct nlmsghdr h;
	struct genlmsghdr g;

	memset(out, 0, sizeof(*out));
	out->index = -1;
	out->connected = -1;
	if (len < NLMSG_HDRLEN)
		return 0;
	memcpy(&h, buf, sizeof(h));
	if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > len)
		return nb_fail(e, -EPROTO, "netlink: message length %u, %zu bytes left", h.nlmsg_len, len);
	size_t used = NLMSG_ALIGN(h.nlmsg_len) < len ? NLMSG_ALIGN(h.nlmsg_len) : len;
	const uint8_t *body = buf + NLMSG_HDRLEN;
	size_t blen = h.nlmsg_len - NLMSG_HDRLEN;

	out->type = h.nlmsg_type;
	out->seq = h.nlmsg_seq;
	if (h.nlmsg_type == NLMSG_ERROR) {
		int32_t err;
		if (blen < sizeof(err))
			return nb_fail(e, -EPROTO, "netlink: error message of %zu bytes", blen);
		memcpy(&err, body, sizeof(err));
		out->kind = GENL_ERROR;
		out->error = err > 0 || err < -4095 ? -EPROTO : err;	/* the kernel sends -errno or 0 */
		return (int)used;
	}
	if (h.nlmsg_type == NLMSG_DONE) {
		out->kind = GENL_DONE;
		return (int)used;
	}
	if (h.nlmsg_type < NLMSG_MIN_TYPE) {
		out->kind = GENL_OTHER;
		return (int)used;
	}
	if (blen < GENL_HDRLEN)
		return nb_fail(e, -EPROTO, "netlink: generic message of %zu bytes, shorter than its header", blen);
	memcpy(&g, body, sizeof(g));
	struct nla_iter it = { body + GENL_HDRLEN, body + blen };
	int rc;
	out->cmd = g.cmd;
	if (h.nlmsg_type == GENL_ID_CTRL) {
		out->kind = GENL_CTRL;
		rc = ctrl_attrs(&it, mcast_name, out);
	} else {
		out->kind = GENL_FAMILY;
		rc = nbd_attrs(&it, want_index, out);
	}
	if (rc < 0)
		return nb_fail(e, rc, "netlink: family %u command %u: an attribute runs past its message", h.nlmsg_type,
			       g.cmd);
	return (int)used;
}
