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

void tftp_peer_log(struct server *s, uint32_t ip, const char *fmt, ...)
{
	struct client *c = clients_by_ip(&s->clients, ip);
	va_list ap;
	va_start(ap, fmt);
	srv_vlog(s, c->has_mac ? c->mac : NULL, ip, "tftp", fmt, ap);
	va_end(ap);
}

/* So that an RRQ flood cannot fill the disk. */
void tftp_refusal_log(struct tftp_service *t, uint32_t ip, const char *fmt, ...)
{
	static const struct log_rule refusals = { LOG_PRIO_INFO, REFUSAL_LOG_PER_SEC, false };
	struct client *c = clients_by_ip(&t->s->clients, ip);
	va_list ap;
	va_start(ap, fmt);
	srv_vlogr(t->s, &refusals, c->has_mac ? c->mac : NULL, ip, "tftp", fmt, ap);
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

int tftp_host_xfers(const struct tftp_service *t, uint32_t ip)
{
	int n = 0;
	for (int i = 0; i < t->n; i++)
		n += t->x[i]->peer.sin_addr.s_addr == ip;
	return n;
}

bool tftp_host_duplicate(const struct tftp_service *t, const struct sockaddr_in *from, const char *name)
{
	for (int i = 0; i < t->n; i++)
		if (t->x[i]->peer.sin_addr.s_addr == from->sin_addr.s_addr && t->x[i]->peer.sin_port == from->sin_port &&
		    !strcmp(t->x[i]->name, name))
			return true;
	return false;
}

/* A host that keeps resending its refused RRQs would otherwise own the
 * refusal log: one line a second per address, then its count. */
void tftp_host_refused(struct tftp_service *t, uint32_t ip, const char *name)
{
	static const struct log_rule capped = { LOG_PRIO_INFO, 1, true };
	struct client *c = clients_by_ip(&t->s->clients, ip);
	srv_logr(t->s, &capped, c->has_mac ? c->mac : NULL, ip, "tftp",
		 "refused %s: %d transfers from this address already running", name, PER_HOST_MAX);
}
