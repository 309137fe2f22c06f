/* See peer.h. */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include "server/peer.h"

socklen_t srv_peer_len(const union srv_peer *p)
{
	return p->sa.sa_family == AF_INET6 ? sizeof(p->in6) : sizeof(p->in);
}

void srv_peer_unmap(union srv_peer *p)
{
	if (p->sa.sa_family != AF_INET6 || !IN6_IS_ADDR_V4MAPPED(&p->in6.sin6_addr))
		return;
	struct sockaddr_in v4 = { .sin_family = AF_INET, .sin_port = p->in6.sin6_port };
	memcpy(&v4.sin_addr, p->in6.sin6_addr.s6_addr + 12, 4);
	p->in = v4;
}

uint32_t srv_peer_ip(const union srv_peer *p)
{
	union srv_peer q = *p;
	srv_peer_unmap(&q);
	return q.sa.sa_family == AF_INET ? q.in.sin_addr.s_addr : 0;
}

bool srv_peer_same_host(const union srv_peer *a, const union srv_peer *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET6)
		return !memcmp(&a->in6.sin6_addr, &b->in6.sin6_addr, sizeof(a->in6.sin6_addr)) &&
		       a->in6.sin6_scope_id == b->in6.sin6_scope_id;
	return a->in.sin_addr.s_addr == b->in.sin_addr.s_addr;
}

bool srv_peer_same(const union srv_peer *a, const union srv_peer *b)
{
	/* sin_port and sin6_port sit at one offset */
	return srv_peer_same_host(a, b) && a->in.sin_port == b->in.sin_port;
}

const char *srv_peer_text(const union srv_peer *p, char buf[SRV_PEER_TEXT])
{
	union srv_peer q = *p;
	srv_peer_unmap(&q);
	if (q.sa.sa_family == AF_INET6) {
		char ifname[IF_NAMESIZE];
		inet_ntop(AF_INET6, &q.in6.sin6_addr, buf, SRV_PEER_TEXT);
		if (q.in6.sin6_scope_id && if_indextoname(q.in6.sin6_scope_id, ifname))	/* link-local: which link */
			snprintf(buf + strlen(buf), SRV_PEER_TEXT - strlen(buf), "%%%s", ifname);
	} else if (q.sa.sa_family == AF_INET) {
		inet_ntop(AF_INET, &q.in.sin_addr, buf, SRV_PEER_TEXT);
	} else {
		snprintf(buf, SRV_PEER_TEXT, "-");
	}
	return buf;
}
