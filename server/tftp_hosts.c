/* The TFTP service per client address: how many transfers one address
 * runs, a resent RRQ told apart from a new one, the bursts of requests
 * refused at PER_HOST_MAX (logged once, counted, summed up when quiet),
 * and the log lines keyed by the peer, rate-limited for refusals. */
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
	char text[400];
	unsigned held_back;
	va_list ap;
	if (!log_budget_take(&t->refusal_log, REFUSAL_LOG_PER_SEC, &held_back))
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (held_back)
		tftp_peer_log(t->s, ip, "%s (and %u refusals not logged)", text, held_back);
	else
		tftp_peer_log(t->s, ip, "%s", text);
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
 * refusal log. */
void tftp_host_refused(struct tftp_service *t, uint32_t ip, const char *name)
{
	long long now = monotonic_ms();
	for (int i = 0; i < t->ncapped; i++)
		if (t->capped[i].ip == ip) {
			t->capped[i].refused++;
			t->capped[i].last_ms = now;
			return;
		}
	if (t->ncapped < CAPPED_MAX)	/* else logged each time, the refusal log's rate still bounding it */
		t->capped[t->ncapped++] = (struct capped_host){ ip, 0, now, now };
	tftp_refusal_log(t, ip, "refused %s: %d transfers from this address already running", name, PER_HOST_MAX);
}

long tftp_hosts_end_bursts(struct tftp_service *t, long long now)
{
	long wait = -1;
	for (int i = t->ncapped - 1; i >= 0; i--) {	/* downwards: removing moves the last one into slot i */
		struct capped_host *h = &t->capped[i];
		long left = (long)(h->last_ms + BURST_QUIET_MS - now);
		if (left > 0) {
			if (wait < 0 || left < wait)
				wait = left;
			continue;
		}
		if (h->refused)
			tftp_peer_log(t->s, h->ip, "refused %u more requests over %.1f s: this address was at its cap of %d transfers",
				      h->refused, (double)(h->last_ms - h->first_ms) / 1000.0, PER_HOST_MAX);
		t->capped[i] = t->capped[--t->ncapped];
	}
	return wait;
}
