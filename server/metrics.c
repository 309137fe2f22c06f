/* /metrics: see metrics.h.  The text follows the Prometheus exposition
 * format 0.0.4: per family one "# HELP" and one "# TYPE" line, then its
 * samples together, counters named *_total, every label value escaped
 * (\\, \", \n), every line ending in '\n'.  Every known label value is
 * written, also at 0, so that rate() sees a series from its start. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include "server/metrics.h"

#define PREFIX "netboot_serve_"

void metrics_http_done(struct metrics *m, int status, uint64_t sent, uint64_t total)
{
	if (status >= 500)
		m->http_transfers[MH_SERVER_ERROR]++;
	else if (status >= 400)
		m->http_transfers[MH_CLIENT_ERROR]++;
	else
		m->http_transfers[sent >= total ? MH_COMPLETE : MH_ABORTED]++;
}

/* The text so far; once something did not fit, nothing more is added. */
struct out {
	char *buf;
	size_t cap, len;
	bool full;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	if (o->full)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->cap - o->len) {
		o->full = true;
		o->buf[o->len] = '\0';	/* whole lines only */
		return;
	}
	o->len += (size_t)n;
}

static void family(struct out *o, const char *name, const char *type, const char *help)
{
	put(o, "# HELP " PREFIX "%s %s\n# TYPE " PREFIX "%s %s\n", name, help, name, type);
}

/* A label value as the format wants it: \\, \" and \n escaped. */
static void label_value(char *dst, size_t cap, const char *v)
{
	size_t n = 0;
	for (; *v && n + 3 < cap; v++) {
		if (*v == '\\' || *v == '"' || *v == '\n')
			dst[n++] = '\\';
		dst[n++] = *v == '\n' ? 'n' : *v;
	}
	dst[n] = '\0';
}

static void sample(struct out *o, const char *name, const char *label, const char *value, uint64_t v)
{
	char esc[96];
	if (!label) {
		put(o, PREFIX "%s %llu\n", name, (unsigned long long)v);
		return;
	}
	label_value(esc, sizeof(esc), value);
	put(o, PREFIX "%s{%s=\"%s\"} %llu\n", name, label, esc, (unsigned long long)v);
}

/* A counter family with one label over an array of named values. */
static void labelled(struct out *o, const char *name, const char *type, const char *help, const char *label,
		     const char *const *names, const uint64_t *v, int n)
{
	family(o, name, type, help);
	for (int i = 0; i < n; i++)
		sample(o, name, label, names[i], v[i]);
}

static void render_dhcp(struct out *o, const struct metrics *m)
{
	/* received: the client messages, and the rest summed as "other" */
	static const char *const in_names[] = { "discover", "request", "decline", "release", "inform", "other" };
	const uint64_t *r = m->dhcp_received;
	uint64_t in[] = { r[1], r[3], r[4], r[7], r[8], r[0] + r[2] + r[5] + r[6] };
	labelled(o, "dhcp_messages_received_total", "counter", "DHCP messages received, by type (ports 67 and 4011).",
		 "type", in_names, in, 6);
	static const char *const out_names[] = { "offer", "ack", "nak" };
	uint64_t out[] = { m->dhcp_sent[2], m->dhcp_sent[5], m->dhcp_sent[6] };
	labelled(o, "dhcp_messages_sent_total", "counter", "DHCP replies sent, by type (proxy-DHCP included).", "type",
		 out_names, out, 3);
}

static void render_dhcp6(struct out *o, const struct metrics *m)
{
	static const char *const in_names[] = { "solicit", "request", "confirm", "renew", "rebind", "release",
						"decline", "information_request", "other" };
	const uint64_t *r = m->dhcp6_received;
	uint64_t in[] = { r[1], r[3], r[4], r[5], r[6], r[8], r[9], r[11], r[0] + r[2] + r[7] + r[10] + r[12] + r[13] };
	labelled(o, "dhcp6_messages_received_total", "counter",
		 "DHCPv6 client messages received, by type (relayed ones by the inner type).", "type", in_names, in, 9);
	static const char *const out_names[] = { "advertise", "reply" };
	uint64_t out[] = { m->dhcp6_sent[2], m->dhcp6_sent[7] };
	labelled(o, "dhcp6_messages_sent_total", "counter", "DHCPv6 answers sent, by type.", "type", out_names, out, 2);
	family(o, "dhcp6_dropped_total", "counter", "DHCPv6 packets dropped: malformed or unanswerable.");
	sample(o, "dhcp6_dropped_total", NULL, NULL, m->dhcp6_dropped);
}

static void render_files(struct out *o, const struct metrics *m)
{
	static const char *const tftp[MT_N] = { "complete", "aborted", "size_query", "failed", "timeout", "refused" };
	static const char *const http[MH_N] = { "complete", "aborted", "client_error", "server_error" };
	labelled(o, "tftp_transfers_total", "counter", "TFTP read requests, by how they ended.", "outcome", tftp,
		 m->tftp_transfers, MT_N);
	family(o, "tftp_sent_bytes_total", "counter", "TFTP DATA payload bytes sent, retransmissions included.");
	sample(o, "tftp_sent_bytes_total", NULL, NULL, m->tftp_bytes);
	labelled(o, "http_transfers_total", "counter",
		 "HTTP responses (not the status pages), by how they ended.", "outcome", http, m->http_transfers, MH_N);
	family(o, "http_sent_bytes_total", "counter", "HTTP file body bytes sent.");
	sample(o, "http_sent_bytes_total", NULL, NULL, m->http_bytes);
	family(o, "nbd_connections_total", "counter", "NBD connections accepted.");
	sample(o, "nbd_connections_total", NULL, NULL, m->nbd_connections);
	family(o, "nbd_attached_total", "counter", "NBD handshakes that attached the export.");
	sample(o, "nbd_attached_total", NULL, NULL, m->nbd_attached);
	family(o, "nbd_read_bytes_total", "counter", "Bytes NBD clients read from the export.");
	sample(o, "nbd_read_bytes_total", NULL, NULL, m->nbd_bytes);
}

/* The stages from the first one a client reaches (dhcp-offer) on. */
static void render_stages(struct out *o, const struct metrics *m, const struct clients *t)
{
	uint64_t at[CLIENT_STAGES] = { 0 };
	family(o, "boot_stage_reached_total", "counter", "Clients that reached each boot stage.");
	for (int st = STAGE_DHCP_OFFER; st < CLIENT_STAGES; st++)
		sample(o, "boot_stage_reached_total", "stage", client_stage_name(st), m->stage_reached[st]);
	for (int i = 0; t && i < t->n; i++)
		if ((unsigned)t->c[i].stage < CLIENT_STAGES)
			at[t->c[i].stage]++;
	family(o, "clients", "gauge", "Clients in the table (the oldest is reused when it is full).");
	sample(o, "clients", NULL, NULL, t ? (uint64_t)t->n : 0);
	family(o, "clients_at_stage", "gauge", "Clients in the table by the stage their boot reached.");
	for (int st = 0; st < CLIENT_STAGES; st++)
		sample(o, "clients_at_stage", "stage", client_stage_name(st), at[st]);
}

int metrics_render(const struct metrics *m, const struct clients *t, long long uptime_ms, char *buf, size_t cap)
{
	static const char *const errors[ME_N] = { "dhcp_dropped", "dhcp_pool_exhausted", "tftp_malformed",
						  "http_bad_request", "http_busy", "nbd_protocol", "status_forbidden" };
	struct out o = { buf, cap, 0, cap == 0 };
	if (cap)
		buf[0] = '\0';
	family(&o, "uptime_seconds", "gauge", "Seconds since the server started.");
	put(&o, PREFIX "uptime_seconds %lld.%03lld\n", uptime_ms / 1000, uptime_ms % 1000);
	render_dhcp(&o, m);
	render_dhcp6(&o, m);
	render_files(&o, m);
	render_stages(&o, m, t);
	labelled(&o, "errors_total", "counter", "Errors, by kind.", "kind", errors, m->errors, ME_N);
	return o.full ? -ENOSPC : (int)o.len;
}
