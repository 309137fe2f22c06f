/* The TFTP service per client address: how many transfers one address
 * runs, a resent RRQ told apart from a new one, the requests refused at
 * PER_HOST_MAX,
 * and the log lines keyed by the peer, rate-limited for refusals (the
 * server's one limiter, per address for the cap). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "netboot/clock.h"
#include "server/tftp.h"

/* The MAC the client table knows for an IPv4 peer; an IPv6 one is named
 * by its address (who), the table being keyed by IPv4 address. */
static const uint8_t *peer_who(struct server *s, const union srv_peer *p, char who[SRV_PEER_TEXT])
{
	uint32_t ip = srv_peer_ip(p);
	who[0] = '\0';
	if (!ip) {
		srv_peer_text(p, who);
		return NULL;
	}
	struct client *c = clients_by_ip(&s->clients, ip);
	return c->has_mac ? c->mac : NULL;
}

static void peer_vlog(struct server *s, const struct log_rule *r, const union srv_peer *p, const char *fmt, va_list ap)
{
	char who[SRV_PEER_TEXT];
	const uint8_t *mac = peer_who(s, p, who);
	if (who[0])
		srv_vlogw(s, r, who, 0, "tftp", fmt, ap);
	else
		srv_vlogr(s, r, mac, srv_peer_ip(p), "tftp", fmt, ap);
}

static void peer_log(struct server *s, const struct log_rule *r, const union srv_peer *p, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void peer_log(struct server *s, const struct log_rule *r, const union srv_peer *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	peer_vlog(s, r, p, fmt, ap);
	va_end(ap);
}

void tftp_peer_log(struct server *s, const union srv_peer *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	peer_vlog(s, &LOG_EVENT, p, fmt, ap);
	va_end(ap);
}

/* So that an RRQ flood cannot fill the disk. */
void tftp_refusal_log(struct tftp_service *t, const union srv_peer *p, const char *fmt, ...)
{
	static const struct log_rule refusals = { LOG_PRIO_INFO, REFUSAL_LOG_PER_SEC, false };
	va_list ap;
	va_start(ap, fmt);
	peer_vlog(t->s, &refusals, p, fmt, ap);
	va_end(ap);
}

const char *tftp_human(uint64_t n, char *buf, size_t cap)
{
	if (n < 1000)
		snprintf(buf, cap, "%llu B", (unsigned long long)n);
	else if (n < 1000000)
		snprintf(buf, cap, "%.1f kB", (double)n / 1e3);
	else
		snprintf(buf, cap, "%.1f MB", (double)n / 1e6);
	return buf;
}

int tftp_host_xfers(const struct tftp_service *t, const union srv_peer *p)
{
	int n = 0;
	for (int i = 0; i < t->n; i++)
		n += srv_peer_same_host(&t->x[i]->peer, p);
	return n;
}

bool tftp_host_duplicate(const struct tftp_service *t, const union srv_peer *from, const char *name)
{
	for (int i = 0; i < t->n; i++)
		if (srv_peer_same(&t->x[i]->peer, from) && !strcmp(t->x[i]->name, name))
			return true;
	return false;
}

/* A host that keeps resending its refused RRQs would otherwise own the
 * refusal log: one line a second per address, then its count. */
void tftp_host_refused(struct tftp_service *t, const union srv_peer *p, const char *name)
{
	static const struct log_rule capped = { LOG_PRIO_INFO, 1, true };
	peer_log(t->s, &capped, p, "refused %s: %d transfers from this address already running", name, PER_HOST_MAX);
}
