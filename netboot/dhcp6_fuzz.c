/* libFuzzer harness: any bytes through dhcp6_parse() (and the relay
 * message inside a Relay-Forw/Repl, parsed again), from an exact-size copy
 * so ASan sees any read past the end.  Invariants trap: the counts stay in
 * their arrays, strings are NUL-terminated printable ASCII, the relay
 * message points inside the input, and a parsed client message rebuilt by
 * dhcp6_build parses again with the same DUID, xid and IA address; the
 * address the client would take has usable lifetimes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "netboot/dhcp6_client.h"
#include "netboot/dhcp6_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void printable(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);
	if (n == cap)
		__builtin_trap();
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			__builtin_trap();
}

static void invariants(const struct dhcp6_msg *m, const uint8_t *buf, size_t len)
{
	if (m->naddrs > DHCP6_MAX_ADDRS || m->ndns > DHCP6_MAX_DNS || m->noro > 32 ||
	    m->client_duid_len > DHCP6_DUID_MAX || m->server_duid_len > DHCP6_DUID_MAX || m->lladdr_len > 16)
		__builtin_trap();
	printable(m->status.text, sizeof(m->status.text));
	printable(m->ia_status.text, sizeof(m->ia_status.text));
	printable(m->domains, sizeof(m->domains));
	printable(m->bootfile_url, sizeof(m->bootfile_url));
	printable(m->bootfile_param, sizeof(m->bootfile_param));
	if (m->relay.msg && (m->relay.msg < buf || m->relay.msg + m->relay.msg_len > buf + len))
		__builtin_trap();
}

/* The client message rebuilt from what was parsed parses back the same. */
static void rebuild(const struct dhcp6_msg *m)
{
	struct dhcp6_out o = {
		.type = m->type, .xid = m->xid, .client_duid = m->client_duid, .client_duid_len = m->client_duid_len,
		.server_duid = m->server_duid, .server_duid_len = m->server_duid_len, .ia_na = m->has_ia_na,
		.iaid = m->iaid, .ia_addr = m->naddrs ? m->addrs[0].addr : NULL, .rapid_commit = m->rapid_commit,
		.oro = m->oro, .noro = m->noro,
	};
	uint8_t out[DHCP6_MSG_MAX];
	struct dhcp6_msg p;
	int n = dhcp6_build(&o, out, sizeof(out), NULL);
	if (n < 0 || dhcp6_parse(out, (size_t)n, &p, NULL) < 0)
		__builtin_trap();
	if (p.xid != m->xid || p.client_duid_len != m->client_duid_len ||
	    memcmp(p.client_duid, m->client_duid, m->client_duid_len) || p.naddrs != (m->naddrs ? 1 : 0) ||
	    (m->naddrs && memcmp(p.addrs[0].addr, m->addrs[0].addr, 16)))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1), mac[6];
	struct dhcp6_msg m, inner;
	struct errbuf e = { "" };

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (dhcp6_parse(copy, size, &m, &e) == 0) {
		invariants(&m, copy, size);
		dhcp6_check_reply(&m, m.xid, m.client_duid, m.client_duid_len, &e);
		dhcp6_duid_mac(m.client_duid, m.client_duid_len, mac);
		struct dhcp6_iaaddr a;
		if (dhcp6_lease_addr(&m, &a, &e) == 0 && (a.valid == 0 || a.preferred > a.valid))
			__builtin_trap();	/* the client never takes an unusable address */
		if (m.relay.msg) {
			if (dhcp6_parse(m.relay.msg, m.relay.msg_len, &inner, &e) == 0)
				invariants(&inner, m.relay.msg, m.relay.msg_len);
		} else if (m.type != DHCP6_RELAY_FORW && m.type != DHCP6_RELAY_REPL) {
			rebuild(&m);
		}
	} else if (!e.msg[0]) {
		__builtin_trap();	/* every refusal says why */
	}
	free(copy);
	return 0;
}
