/* The nbd generic-netlink codec: requests laid out as the kernel reads
 * them (byte vectors written from uapi <linux/genetlink.h> and
 * <linux/nbd-netlink.h>), replies the kernel sends parsed, malformed ones
 * refused; then the socket side against this host's real controller. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/nbd-netlink.h>
#include <linux/netlink.h>
#include "mount/nbd_supervisor.h"
#include "netboot/genl.h"
#include "netboot/nbd_netlink.h"
#include "tests/unit/check.h"

static size_t le16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
	return 2;
}

static size_t le32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
	return 4;
}

/* an attribute header at p: len, type */
static size_t nla(uint8_t *p, uint16_t len, uint16_t type)
{
	le16(p, len);
	le16(p + 2, type);
	return 4;
}

/* a netlink + genl header of total length len */
static size_t hdr(uint8_t *p, uint32_t len, uint16_t type, uint32_t seq, uint8_t cmd)
{
	memset(p, 0, 20);
	le32(p, len);
	le16(p + 4, type);
	le32(p + 8, seq);
	p[16] = cmd;
	p[17] = 1;
	return 20;
}

static void requests(void)
{
	uint8_t m[NBDNL_MSG_MAX], want[NBDNL_MSG_MAX];
	uint32_t u32;
	uint64_t u64;
	uint16_t u16;

	/* CTRL_CMD_GETFAMILY "nbd": 20 bytes of headers, one 8-byte name attribute */
	int n = genl_build_getfamily(m, sizeof(m), 7, "nbd");
	memset(want, 0, sizeof(want));
	hdr(want, 28, GENL_ID_CTRL, 7, CTRL_CMD_GETFAMILY);
	le16(want + 6, NLM_F_REQUEST | NLM_F_ACK);
	nla(want + 20, 8, CTRL_ATTR_FAMILY_NAME);
	memcpy(want + 24, "nbd", 4);
	CHECK("getfamily: 28 bytes, as the controller reads them", n == 28 && !memcmp(m, want, 28));

	/* CONNECT: no index (the kernel picks), u64 values, nested socket list */
	struct nbdnl_connect c = { .index = -1, .size = 1 << 20, .blksize = 4096, .server_flags = 0x3,
				   .timeout_s = 30, .dead_conn_timeout_s = 600, .sock = 5 };
	n = nbdnl_build_connect(m, sizeof(m), 0x20, 9, &c);
	CHECK("connect: 20 + 5 * 12 + 16 bytes", n == 20 + 5 * 12 + 16);
	memcpy(&u32, m, 4);
	memcpy(&u16, m + 4, 2);
	CHECK("connect: length and family in the header", u32 == (uint32_t)n && u16 == 0x20 && m[16] == NBD_CMD_CONNECT);
	memcpy(&u16, m + 22, 2);
	memcpy(&u64, m + 24, 8);
	CHECK("connect: the first attribute is the size, a u64", u16 == NBD_ATTR_SIZE_BYTES && u64 == 1 << 20);
	memcpy(&u16, m + 20 + 3 * 12 + 2, 2);
	memcpy(&u64, m + 20 + 3 * 12 + 4, 8);
	CHECK("connect: request timeout 30 s", u16 == NBD_ATTR_TIMEOUT && u64 == 30);
	memcpy(&u16, m + 20 + 4 * 12 + 2, 2);
	memcpy(&u64, m + 20 + 4 * 12 + 4, 8);
	CHECK("connect: dead-connection timeout 600 s", u16 == NBD_ATTR_DEAD_CONN_TIMEOUT && u64 == 600);
	uint8_t socks[16];
	nla(socks, 16, NBD_ATTR_SOCKETS | NLA_F_NESTED);
	nla(socks + 4, 12, NBD_SOCK_ITEM | NLA_F_NESTED);
	nla(socks + 8, 8, NBD_SOCK_FD);
	le32(socks + 12, 5);
	CHECK("connect: SOCKETS { SOCK_ITEM { SOCK_FD 5 } }, nests closed", !memcmp(m + n - 16, socks, 16));
	c.index = 3;
	CHECK("connect with an index: one u32 attribute more", nbdnl_build_connect(m, sizeof(m), 0x20, 9, &c) == 20 + 8 + 5 * 12 + 16);
	CHECK("connect: too small a buffer is -ENOSPC", nbdnl_build_connect(m, 40, 0x20, 9, &c) == -ENOSPC);

	n = nbdnl_build_reconfigure(m, sizeof(m), 0x20, 10, 2, 6);
	memcpy(&u32, m + 24, 4);
	CHECK("reconfigure: index 2, then the socket list", n == 20 + 8 + 16 && m[16] == NBD_CMD_RECONFIGURE && u32 == 2 &&
	      m[n - 4] == 6);
	n = nbdnl_build_disconnect(m, sizeof(m), 0x20, 11, 4);
	CHECK("disconnect: index only", n == 28 && m[16] == NBD_CMD_DISCONNECT && m[24] == 4);
	n = nbdnl_build_status(m, sizeof(m), 0x20, 12, 4);
	CHECK("status: index only", n == 28 && m[16] == NBD_CMD_STATUS && m[24] == 4);
}

static void replies(void)
{
	uint8_t m[256];
	struct genl_msg r;
	struct errbuf e;
	size_t o;

	/* the controller's answer: id 0x1d, groups { 1: { name, id 7 } } */
	o = 20;
	o += nla(m + o, 8, CTRL_ATTR_FAMILY_NAME);
	memcpy(m + o, "nbd", 4);
	o += 4;
	o += nla(m + o, 6, CTRL_ATTR_FAMILY_ID);
	o += le16(m + o, 0x1d);
	m[o++] = 0, m[o++] = 0;
	o += nla(m + o, 4 + 4 + 20 + 8, CTRL_ATTR_MCAST_GROUPS | NLA_F_NESTED);
	o += nla(m + o, 4 + 20 + 8, 1 | NLA_F_NESTED);
	o += nla(m + o, 4 + 13, CTRL_ATTR_MCAST_GRP_NAME);
	memcpy(m + o, "nbd_mc_group", 13);
	o += 16;
	o += nla(m + o, 8, CTRL_ATTR_MCAST_GRP_ID);
	o += le32(m + o, 7);
	hdr(m, (uint32_t)o, GENL_ID_CTRL, 5, CTRL_CMD_NEWFAMILY);
	int n = genl_parse(m, o, "nbd_mc_group", -1, &r, &e);
	CHECK("controller answer: family id and group id", n == (int)o && r.kind == GENL_CTRL && r.family_id == 0x1d &&
	      r.mcast_id == 7 && r.seq == 5);
	genl_parse(m, o, "other", -1, &r, &e);
	CHECK("controller answer: a group not asked for is not taken", r.family_id == 0x1d && r.mcast_id == 0);
	le16(m + o - 8, 9);	/* the group id attribute's length now runs past its nest */
	CHECK("controller answer: an attribute past its nest is -EPROTO",
	      genl_parse(m, o, "nbd_mc_group", -1, &r, &e) == -EPROTO);

	/* NLMSG_ERROR: ACK and an errno */
	memset(m, 0, 36);
	le32(m, 36);
	le16(m + 4, NLMSG_ERROR);
	le32(m + 8, 6);
	le32(m + 16, (uint32_t)-ENOENT);
	n = genl_parse(m, 36, NULL, -1, &r, &e);
	CHECK("error message: -ENOENT", n == 36 && r.kind == GENL_ERROR && r.error == -ENOENT && r.seq == 6);
	le32(m + 16, 0);
	CHECK("error message 0: an ACK", genl_parse(m, 36, NULL, -1, &r, &e) == 36 && r.kind == GENL_ERROR && !r.error);
	le32(m + 16, 5);
	CHECK("error message with a positive code: -EPROTO", genl_parse(m, 36, NULL, -1, &r, &e) == 36 && r.error == -EPROTO);
	le32(m, 18);
	CHECK("error message too short: -EPROTO", genl_parse(m, 36, NULL, -1, &r, &e) == -EPROTO);

	/* LINK_DEAD event: { INDEX 2 } */
	o = hdr(m, 28, 0x1d, 0, NBD_CMD_LINK_DEAD);
	o += nla(m + o, 8, NBD_ATTR_INDEX);
	o += le32(m + o, 2);
	n = genl_parse(m, o, NULL, -1, &r, &e);
	CHECK("LINK_DEAD for nbd2", n == 28 && r.kind == GENL_FAMILY && r.type == 0x1d && r.cmd == NBD_CMD_LINK_DEAD &&
	      r.index == 2);
	le16(m + 20, 6);	/* a 2-byte index */
	CHECK("an index that is not 4 bytes: -EPROTO", genl_parse(m, o, NULL, -1, &r, &e) == -EPROTO);

	/* STATUS reply: DEVICE_LIST { ITEM { INDEX 1, CONNECTED 0 }, ITEM { INDEX 2, CONNECTED 1 } } */
	o = 20;
	o += nla(m + o, 4 + 2 * 20, NBD_ATTR_DEVICE_LIST | NLA_F_NESTED);
	for (uint32_t i = 1; i <= 2; i++) {
		o += nla(m + o, 20, NBD_DEVICE_ITEM | NLA_F_NESTED);
		o += nla(m + o, 8, NBD_DEVICE_INDEX);
		o += le32(m + o, i);
		o += nla(m + o, 5, NBD_DEVICE_CONNECTED);
		m[o] = (uint8_t)(i == 2), m[o + 1] = m[o + 2] = m[o + 3] = 0;
		o += 4;
	}
	hdr(m, (uint32_t)o, 0x1d, 12, NBD_CMD_STATUS);
	genl_parse(m, o, NULL, 2, &r, &e);
	CHECK("status: nbd2 connected", r.connected == 1);
	genl_parse(m, o, NULL, 1, &r, &e);
	CHECK("status: nbd1 not connected", r.connected == 0);
	genl_parse(m, o, NULL, 3, &r, &e);
	CHECK("status: nbd3 not listed", r.connected == -1);

	/* framing */
	CHECK("fewer bytes than a header: 0 (nothing left)", genl_parse(m, 10, NULL, -1, &r, &e) == 0);
	le32(m, 400);
	CHECK("a length past the datagram: -EPROTO", genl_parse(m, o, NULL, -1, &r, &e) == -EPROTO);
	le32(m, 18);
	le16(m + 4, 0x1d);
	CHECK("a generic message shorter than its header: -EPROTO", genl_parse(m, o, NULL, -1, &r, &e) == -EPROTO);
}

/* The socket side against the host's controller: nlctrl itself resolves
 * (id 0x10, with its "notify" group); a family that does not exist is
 * -ENOENT, the answer /init takes as "use the ioctls". */
static void host_controller(void)
{
	struct genl g;
	struct errbuf e;
	int rc = genl_open(&g, "nlctrl", "notify", &e);
	CHECK("the controller resolves itself: id 0x10 and its notify group", rc == 0 && g.family == GENL_ID_CTRL && g.mcast);
	if (rc == 0)
		genl_close(&g);
	rc = genl_open(&g, "no-such-family", NULL, &e);
	CHECK("a missing family is -ENOENT", rc == -ENOENT && strstr(e.msg, "no-such-family"));
}

static void backoff(void)
{
	CHECK("backoff: first wait 0.5..1 s", nbd_backoff_ms(0, 0) == 500 && nbd_backoff_ms(0, 500) == 1000);
	CHECK("backoff: doubles", nbd_backoff_ms(2, 0) == 2000 && nbd_backoff_ms(2, 2000) == 4000);
	CHECK("backoff: capped at 10 s", nbd_backoff_ms(4, 5000) == 10000 && nbd_backoff_ms(60, 0xffffffffu) <= 10000 &&
	      nbd_backoff_ms(1000, 0) == 5000);
}

int main(void)
{
	requests();
	replies();
	host_controller();
	backoff();
	return CHECK_DONE();
}
