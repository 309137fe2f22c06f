/* The client table behind the log and the status page: see clients.h. */
#include <string.h>
#include <time.h>
#include "netboot/clock.h"
#include "netboot/ipv4.h"
#include "netboot/mac.h"
#include "server/clients.h"

long long clients_wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A fresh slot: a new one, or the one seen longest ago. */
static struct client *take_slot(struct clients *t)
{
	struct client *c;
	if (t->n < CLIENTS_MAX) {
		c = &t->c[t->n++];
	} else {
		c = &t->c[0];
		for (int i = 1; i < t->n; i++)
			if (t->c[i].last_ms < c->last_ms)
				c = &t->c[i];
	}
	memset(c, 0, sizeof(*c));
	c->stage_reached = t->stage_reached;
	c->arch = -1;
	c->first_ms = c->last_ms = clients_wall_ms();
	return c;
}

struct client *clients_by_mac(struct clients *t, const uint8_t mac[6])
{
	for (int i = 0; i < t->n; i++)
		if (t->c[i].has_mac && !memcmp(t->c[i].mac, mac, 6))
			return &t->c[i];
	struct client *c = take_slot(t);
	memcpy(c->mac, mac, 6);
	c->has_mac = true;
	return c;
}

struct client *clients_find_ip(struct clients *t, uint32_t ip)
{
	struct client *found = NULL;
	for (int i = 0; i < t->n; i++)
		if (t->c[i].ip == ip && (!found || t->c[i].last_ms > found->last_ms))
			found = &t->c[i];
	return found;
}

struct client *clients_by_ip(struct clients *t, uint32_t ip)
{
	struct client *found = clients_find_ip(t, ip);
	if (found)
		return found;
	struct client *c = take_slot(t);
	c->ip = ip;
	return c;
}

struct client *clients_set_ip(struct clients *t, struct client *c, uint32_t ip)
{
	for (int i = 0; i < t->n; i++) {
		struct client *o = &t->c[i];
		if (o == c || o->ip != ip)
			continue;
		if (!o->has_mac) {	/* seen by IP first (e.g. a TFTP client): fold it in */
			if (o->stage > c->stage)
				c->stage = o->stage;
			if (o->image_bytes > c->image_bytes) {
				c->image_bytes = o->image_bytes, c->image_size = o->image_size;
				c->image_rate = o->image_rate;
				memcpy(c->image_via, o->image_via, sizeof(c->image_via));
			}
			*o = t->c[--t->n];
			if (c == &t->c[t->n])	/* c was the last slot and moved */
				c = o;
			i--;
		} else {
			o->ip = 0;	/* the address moved to another MAC */
		}
	}
	c->ip = ip;
	return c;
}

void clients_advance(struct client *c, enum client_stage st)
{
	if (st > c->stage && c->stage_reached && st < CLIENT_STAGES)
		c->stage_reached[st]++;
	if (st > c->stage)
		c->stage = st;
	c->last_ms = clients_wall_ms();
}

void clients_image_progress(struct client *c, const char *via, uint64_t bytes, uint64_t size)
{
	long long now = monotonic_ms();
	if (c->stage < STAGE_IMAGE || !c->image_start_ms) {
		clients_advance(c, STAGE_IMAGE);
		c->image_start_ms = now;
		c->image_bytes = 0;
	}
	snprintf(c->image_via, sizeof(c->image_via), "%s", via);
	c->image_bytes += bytes;
	c->image_size = size;
	long long dt = now - c->image_start_ms;
	c->image_rate = dt > 0 ? (double)c->image_bytes * 1000.0 / (double)dt : 0;
	if (size && c->image_bytes >= size)
		clients_advance(c, STAGE_IMAGE_DONE);
	c->last_ms = clients_wall_ms();
}

const char *client_stage_name(enum client_stage st)
{
	static const char *const names[] = {
		"seen", "dhcp-offer", "dhcp-ack", "loader", "kernel", "agent-dhcp", "image", "image-done",
	};
	return (unsigned)st < sizeof(names) / sizeof(names[0]) ? names[st] : "?";
}

const char *client_arch_name(int arch)
{
	switch (arch) {
	case -1: return "-";
	case 0: return "BIOS";
	case 6: return "UEFI ia32";
	case 7: return "UEFI x64";
	case 9: return "UEFI x64 (EBC)";
	case 10: return "UEFI arm32";
	case 11: return "UEFI arm64";
	case 15: return "UEFI ia32 HTTP";	/* RFC 4578 registry: UEFI HTTP boot */
	case 16: return "UEFI x64 HTTP";
	case 19: return "UEFI arm64 HTTP";
	default: return "other";
	}
}

static void json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20 || ch > 0x7e)
			fprintf(out, "\\u%04x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

void clients_write_json(const struct clients *t, FILE *out)
{
	char mac[18], ip[16];
	fprintf(out, "{\"clients\":[");
	for (int i = 0; i < t->n; i++) {
		const struct client *c = &t->c[i];
		fprintf(out, "%s{\"mac\":", i ? "," : "");
		json_str(out, c->has_mac ? mac_format(c->mac, mac) : "");
		fprintf(out, ",\"ip\":");
		json_str(out, c->ip ? ipv4_ntoa(c->ip, ip) : "");
		fprintf(out, ",\"ip6\":");
		json_str(out, c->ip6);
		fprintf(out, ",\"arch\":%d,\"arch_name\":", c->arch);
		json_str(out, client_arch_name(c->arch));
		fprintf(out, ",\"vendor\":");
		json_str(out, c->vendor);
		fprintf(out, ",\"hostname\":");
		json_str(out, c->hostname);
		fprintf(out, ",\"stage\":");
		json_str(out, client_stage_name(c->stage));
		fprintf(out, ",\"image_via\":");
		json_str(out, c->image_via);
		fprintf(out, ",\"image_bytes\":%llu,\"image_size\":%llu,\"image_rate\":%.0f,"
			"\"first_seen_ms\":%lld,\"last_seen_ms\":%lld}",
			(unsigned long long)c->image_bytes, (unsigned long long)c->image_size, c->image_rate,
			c->first_ms, c->last_ms);
	}
	fprintf(out, "]}\n");
}


void html_escape(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default: fputc(*s, out); break;
		}
	}
}

/* One table cell of text, escaped; "" shows as "-". */
static void cell(FILE *out, const char *cls, const char *text)
{
	fprintf(out, "<td class=\"%s\">", cls);
	html_escape(out, text[0] ? text : "-");
	fputs("</td>", out);
}

/* "4 s", "2 min 5 s", "3 h 4 min", "2 d 3 h": a span as people read it. */
static const char *span(long long ms, char *buf, size_t cap)
{
	long long s = ms > 0 ? ms / 1000 : 0;
	if (s < 60)
		snprintf(buf, cap, "%lld s", s);
	else if (s < 3600)
		snprintf(buf, cap, "%lld min %lld s", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, cap, "%lld h %lld min", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, cap, "%lld d %lld h", s / 86400, s % 86400 / 3600);
	return buf;
}

/* "12.0" (MB): decimal units, as transfer rates are quoted. */
static const char *megabytes(uint64_t n, char *buf, size_t cap)
{
	snprintf(buf, cap, "%.1f", (double)n / 1e6);
	return buf;
}

/* The stage-3 cells: via, a progress bar with "bytes / size (N%)", rate. */
static void progress_cells(FILE *out, const struct client *c)
{
	char a[32], b[32];
	if (!c->image_via[0]) {
		fputs("<td class=\"via\">-</td><td class=\"progress\">-</td><td class=\"rate\">-</td>", out);
		return;
	}
	cell(out, "via", c->image_via);
	unsigned pct = 0;
	if (c->image_size)
		pct = c->image_bytes >= c->image_size ? 100 : (unsigned)(c->image_bytes * 100 / c->image_size);
	fprintf(out, "<td class=\"progress\" title=\"%llu of %llu bytes\"><progress max=\"100\" value=\"%u\"></progress> "
		"%s / %s MB (%u%%)</td>", (unsigned long long)c->image_bytes, (unsigned long long)c->image_size, pct,
		megabytes(c->image_bytes, a, sizeof(a)), megabytes(c->image_size, b, sizeof(b)), pct);
	if (c->image_rate > 0)	/* 0: too quick to measure, or only the end was reported */
		fprintf(out, "<td class=\"rate\">%.1f MB/s</td>", c->image_rate / 1e6);
	else
		fputs("<td class=\"rate\">-</td>", out);
}

static void client_row(FILE *out, const struct client *c, long long now_ms)
{
	char mac[18], ip[16], t[32], both[16 + sizeof(c->ip6)];
	fputs("<tr class=\"client\">", out);
	cell(out, "mac", c->has_mac ? mac_format(c->mac, mac) : "");
	snprintf(both, sizeof(both), "%s%s%s", c->ip ? ipv4_ntoa(c->ip, ip) : "", c->ip && c->ip6[0] ? " " : "", c->ip6);
	cell(out, "ip", both);	/* v4, v6 or both */
	cell(out, "hostname", c->hostname);
	cell(out, "arch", client_arch_name(c->arch));
	cell(out, "vendor", c->vendor);
	cell(out, "stage", client_stage_name(c->stage));
	progress_cells(out, c);
	cell(out, "first", span(now_ms - c->first_ms, t, sizeof(t)));
	cell(out, "last", span(now_ms - c->last_ms, t, sizeof(t)));
	fputs("</tr>\n", out);
}

/* A plain table that refreshes itself (no JavaScript): one row a client. */
void clients_write_html(const struct clients *t, long long now_ms, long long uptime_ms, FILE *out)
{
	char up[32];
	fprintf(out, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>netboot serve</title>"
		"<meta http-equiv=\"refresh\" content=\"2\">\n<style>body{font-family:sans-serif;font-size:14px}"
		"table{border-collapse:collapse}th,td{border:1px solid #999;padding:2px 5px;text-align:left;"
		"white-space:nowrap}td.hostname,td.vendor{white-space:normal;max-width:14em;overflow-wrap:anywhere}"
		"td.first,td.last,td.rate{text-align:right}progress{width:6em}</style></head><body>\n"
		"<h1>netboot serve</h1>\n"
		"<p>Up %s; <span id=\"count\">%d</span> client(s).  The same as <a href=\"/status.json\">/status.json</a>; "
		"counters at <a href=\"/metrics\">/metrics</a>.  First and last: time since the client's first and "
		"last request.</p>\n", span(uptime_ms, up, sizeof(up)),
		t->n);
	fputs("<table id=\"clients\"><thead><tr><th>MAC</th><th>IP</th><th>host name</th><th>arch</th>"
	      "<th>vendor class</th><th>stage</th><th>via</th><th>image</th><th>rate</th>"
	      "<th title=\"since the first request\">first</th><th title=\"since the last request\">last</th>"
	      "</tr></thead>\n<tbody>\n", out);
	for (int i = 0; i < t->n; i++)
		client_row(out, &t->c[i], now_ms);
	fputs("</tbody></table>\n<p>Stages in boot order: seen, dhcp-offer, dhcp-ack, loader, kernel, agent-dhcp, "
	      "image, image-done.</p>\n</body></html>\n", out);
}
