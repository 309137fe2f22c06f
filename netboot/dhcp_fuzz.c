/* libFuzzer harness: the DHCP parser, the option iterator, every typed
 * getter on the codes present, the server's reply helpers, the lease reader, and the IPv4+UDP unwrap
 * in front of them.  Invariants trap: a parsed message never makes the
 * iterator fail, and re-encoding it parses again to the same options. */
#include <stdint.h>
#include <string.h>
#include "netboot/dhcp_client.h"
#include "netboot/dhcp_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void getters(const struct dhcp_msg *m)
{
	struct dhcp_opt_iter it;
	struct dhcp_opt o;
	bool seen[256] = { false };
	uint8_t buf[DHCP_OPTS_MAX], u8;
	uint16_t u16;
	uint32_t u32, addrs[8];
	char s[128];
	size_t len;
	int n, rc;

	dhcp_opt_iter_init(&it, m);
	while ((rc = dhcp_opt_next(&it, &o, NULL)) > 0) {
		if (o.data < (const uint8_t *)m || o.data + o.len > (const uint8_t *)(m + 1))
			__builtin_trap();
		seen[o.code] = true;
	}
	if (rc < 0)
		__builtin_trap();	/* dhcp_parse promised a clean walk */
	seen[DHCP_OPT_LEASE_TIME] = seen[DHCP_OPT_ROUTER] = true;	/* absent ones too */
	for (int c = 0; c < 256; c++) {
		if (!seen[c])
			continue;
		dhcp_opt_get(m, (uint8_t)c, buf, sizeof(buf), &len);
		dhcp_opt_get(m, (uint8_t)c, buf, 3, &len);
		dhcp_opt_u8(m, (uint8_t)c, &u8);
		dhcp_opt_u16(m, (uint8_t)c, &u16);
		dhcp_opt_u32(m, (uint8_t)c, &u32);
		dhcp_opt_addr(m, (uint8_t)c, &u32);
		dhcp_opt_addrs(m, (uint8_t)c, addrs, 8, &n);
		if (n < 0 || n > 8)
			__builtin_trap();
		if (dhcp_opt_str(m, (uint8_t)c, s, sizeof(s)) == 0 && strlen(s) >= sizeof(s))
			__builtin_trap();
	}
}

/* What the server calls on a request. */
static void server_helpers(const struct dhcp_msg *m)
{
	struct dhcp_msg r;
	uint8_t out[DHCP_MSG_MAX];
	struct errbuf e;

	int arch = dhcp_client_arch(m);
	if (arch < -1 || arch > 0xffff)
		__builtin_trap();
	size_t max = dhcp_reply_max(m);
	if (max < 548 || max > DHCP_MSG_MAX)
		__builtin_trap();
	dhcp_is_pxe_client(m);
	dhcp_param_requested(m, DHCP_OPT_BOOTFILE);
	dhcp_reply_init(&r, m, DHCPOFFER);
	dhcp_opt_copy(&r, m, DHCP_OPT_UUID);
	dhcp_opt_copy(&r, m, DHCP_OPT_VENDOR_CLASS);
	dhcp_opt_add_pxe_control(&r, PXE_DISCOVERY_BOOTFILE_ONLY);
	int len = dhcp_encode(&r, out, max, &e);
	if (len > 0 && (size_t)len > max)
		__builtin_trap();
}

static void message(const uint8_t *data, size_t size, uint32_t src)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	struct dhcp_msg m, again;
	struct dhcp_lease l;
	uint8_t out[DHCP_MSG_MAX + 1];
	struct errbuf e;
	int len;

	if (dhcp_parse(data, size, &m, &e) < 0)
		return;
	getters(&m);
	dhcp_msg_type(&m);
	server_helpers(&m);
	dhcp_check_reply(&m, m.xid, mac, &e);
	if (dhcp_lease_from_msg(&m, src, &l, &e) == 0 &&
	    (l.prefix > 32 || l.ndns > DHCP_MAX_DNS || strlen(l.domain) >= sizeof(l.domain)))
		__builtin_trap();
	len = dhcp_encode(&m, out, sizeof(out), &e);
	if (len > 0 && (size_t)len <= DHCP_MSG_MAX) {
		if (dhcp_parse(out, (size_t)len, &again, &e) < 0)
			__builtin_trap();
		if (memcmp(again.opts, m.opts, m.opts_len) != 0 || again.xid != m.xid)
			__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dhcp_udp u;
	struct errbuf e;

	message(data, size, 0);
	/* The same bytes as a packet off the raw socket. */
	if (dhcp_ipudp_unwrap(data, size, DHCP_SERVER_PORT, DHCP_CLIENT_PORT, size & 1, &u, &e) == 0) {
		if (u.payload < data || u.payload + u.len > data + size)
			__builtin_trap();
		message(u.payload, u.len, u.src);
	}
	return 0;
}
