/* The client table behind the log and the status page: see clients.h. */
#include <string.h>
#include <time.h>
#include "netboot/clock.h"
#include "netboot/ipv4.h"
#include "netboot/mac.h"
#include "server/clients.h"

static long long wall_ms(void)
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
	c->arch = -1;
	c->first_ms = c->last_ms = wall_ms();
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
	if (st > c->stage)
		c->stage = st;
	c->last_ms = wall_ms();
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
	c->last_ms = wall_ms();
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
		fprintf(out, ",\"arch\":%d,\"arch_name\":", c->arch);
		json_str(out, client_arch_name(c->arch));
		fprintf(out, ",\"vendor\":");
		json_str(out, c->vendor);
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

void clients_write_html(const struct clients *t, FILE *out)
{
	char mac[18], ip[16];
	fprintf(out, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>netboot serve</title>"
		"<meta http-equiv=\"refresh\" content=\"2\"></head><body>\n<h1>netboot serve</h1>\n"
		"<p>%d client(s); the same as <a href=\"/status.json\">/status.json</a></p>\n"
		"<table border=\"1\" cellpadding=\"4\"><tr><th>MAC</th><th>IP</th><th>architecture</th>"
		"<th>stage</th><th>image</th><th>rate</th></tr>\n", t->n);
	for (int i = 0; i < t->n; i++) {
		const struct client *c = &t->c[i];
		fprintf(out, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td>",
			c->has_mac ? mac_format(c->mac, mac) : "-", c->ip ? ipv4_ntoa(c->ip, ip) : "-",
			client_arch_name(c->arch), client_stage_name(c->stage));
		if (c->image_via[0])
			fprintf(out, "<td>%s: %llu / %llu bytes</td><td>%.1f MB/s</td></tr>\n", c->image_via,
				(unsigned long long)c->image_bytes, (unsigned long long)c->image_size,
				c->image_rate / 1e6);
		else
			fprintf(out, "<td>-</td><td>-</td></tr>\n");
	}
	fprintf(out, "</table></body></html>\n");
}
