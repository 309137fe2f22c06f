/* server/metrics.c (the /metrics text, checked line by line against the
 * exposition format 0.0.4), the stage counters clients.c keeps, the HTML
 * status page's escaping, and server/status_allow.c with the flag and the
 * pxebootsrv key that fill it. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include "server/pxebootsrv.h"
#include "server/server.h"
#include "tests/unit/check.h"

/* ---- a strict reader of the text format ---- */

static bool metric_name(const char *s, size_t n)
{
	if (!n || !(isalpha((unsigned char)s[0]) || s[0] == '_' || s[0] == ':'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == ':'))
			return false;
	return true;
}

/* {a="x",b="y\"z"}: 0 and *end past the '}', or -1. */
static int labels(const char *p, const char **end)
{
	if (*p != '{') {
		*end = p;
		return 0;
	}
	p++;
	while (*p != '}') {
		const char *n = p;
		while (isalnum((unsigned char)*p) || *p == '_')
			p++;
		if (p == n || isdigit((unsigned char)*n) || p[0] != '=' || p[1] != '"')
			return -1;
		for (p += 2; *p != '"'; p++) {
			if (*p == '\n' || !*p)
				return -1;
			if (*p == '\\' && p[1] != '\\' && p[1] != '"' && p[1] != 'n')
				return -1;	/* only these three escapes exist */
			if (*p == '\\')
				p++;
		}
		p++;
		if (*p == ',')
			p++;
		else if (*p != '}')
			return -1;
	}
	*end = p + 1;
	return 0;
}

/* NULL when text is well-formed, else what is wrong (with the line in why). */
static const char *exposition_error(const char *text, char *why, size_t cap)
{
	char family[128] = "", type[16] = "", seen[64][128];
	int nseen = 0;
	size_t len = strlen(text);
	if (!len || text[len - 1] != '\n')
		return "the text does not end with a newline";
	for (const char *l = text; *l;) {
		const char *nl = strchr(l, '\n');
		size_t n = (size_t)(nl - l);
		char line[512];
		snprintf(line, sizeof(line), "%.*s", (int)n, l);
		l = nl + 1;
		snprintf(why, cap, "line '%s'", line);
		if (!strncmp(line, "# HELP ", 7)) {
			char *sp = strchr(line + 7, ' ');
			if (!sp || !metric_name(line + 7, (size_t)(sp - line - 7)) || !sp[1])
				return why;
			snprintf(family, sizeof(family), "%.*s", (int)(sp - line - 7), line + 7);
			for (int i = 0; i < nseen; i++)
				if (!strcmp(seen[i], family))
					return why;	/* a family twice */
			if (nseen < 64)
				snprintf(seen[nseen++], sizeof(seen[0]), "%s", family);
			type[0] = '\0';
			continue;
		}
		if (!strncmp(line, "# TYPE ", 7)) {
			size_t fl = strlen(family);
			if (strncmp(line + 7, family, fl) || line[7 + fl] != ' ')
				return why;	/* TYPE right after its HELP */
			snprintf(type, sizeof(type), "%s", line + 8 + fl);
			if (strcmp(type, "counter") && strcmp(type, "gauge"))
				return why;
			if (!strcmp(type, "counter") && (fl < 6 || strcmp(family + fl - 6, "_total")))
				return why;	/* counters end in _total */
			continue;
		}
		if (line[0] == '#' || !line[0] || !type[0])
			return why;
		const char *p = line, *after;
		while (*p && *p != '{' && *p != ' ')
			p++;
		if ((size_t)(p - line) != strlen(family) || strncmp(line, family, strlen(family)))
			return why;	/* samples stay with their family */
		if (labels(p, &after) < 0 || *after != ' ')
			return why;
		char *end;
		double v = strtod(after + 1, &end);
		if (end == after + 1 || *end || (!strcmp(type, "counter") && v < 0))
			return why;
	}
	return NULL;
}

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = text; (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return true;
	return false;
}

static void well_formed(const char *name, const char *text)
{
	char why[600];
	const char *err = exposition_error(text, why, sizeof(why));
	if (!err)
		printf("PASS: %s\n", name);
	else {
		printf("FAIL: %s: %s\n", name, err);
		check_failures++;
	}
}

/* ---- the tests ---- */

/* The reader itself refuses what the format forbids. */
static void test_reader(void)
{
	static const char *const bad[] = {
		"# HELP a_total x\n# TYPE a_total counter\na_total 1",		/* no final newline */
		"# HELP a x\n# TYPE a counter\na 1\n",				/* counter without _total */
		"a_total 1\n",							/* sample without HELP/TYPE */
		"# HELP a_total x\n# TYPE a_total counter\na_total{k=\"v\\q\"} 1\n",	/* unknown escape */
		"# HELP a_total x\n# TYPE a_total counter\na_total{k=v} 1\n",		/* unquoted label */
		"# HELP a_total x\n# TYPE a_total counter\nb_total 1\n",		/* sample of another family */
		"# HELP a_total x\n# TYPE a_total counter\n# HELP a_total x\n# TYPE a_total counter\n", /* twice */
		"# HELP a_total x\n# TYPE a_total counter\na_total one\n",		/* value */
		"# HELP a_total x\n# TYPE a_total counter\n\n",			/* empty line */
	};
	char why[600];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char name[80];
		snprintf(name, sizeof(name), "reader: malformed text %zu refused", i);
		CHECK(name, exposition_error(bad[i], why, sizeof(why)) != NULL);
	}
	CHECK("reader: a well-formed family passes", exposition_error("# HELP a_total x y\n# TYPE a_total counter\n"
		"a_total{k=\"v\\\"w\\n\",l=\"\"} 1\na_total{k=\"u\"} 2\n", why, sizeof(why)) == NULL);
}

static void test_render(void)
{
	static struct metrics m;
	static struct clients t;
	static char buf[16384];
	uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };

	int n = metrics_render(&m, NULL, 0, buf, sizeof(buf));
	CHECK("render: all zero fits", n > 0 && (size_t)n == strlen(buf));
	well_formed("render: all zero is well-formed", n > 0 ? buf : "");

	metrics_dhcp(m.dhcp_received, 1);	/* DISCOVER */
	metrics_dhcp(m.dhcp_received, 3);
	metrics_dhcp(m.dhcp_received, 3);
	metrics_dhcp(m.dhcp_received, 42);	/* out of range: other */
	metrics_dhcp(m.dhcp_received, -1);
	metrics_dhcp(m.dhcp_sent, 2);
	metrics_dhcp(m.dhcp_sent, 5);
	metrics_dhcp(m.dhcp_sent, 6);
	m.tftp_transfers[MT_SIZE_QUERY] = 7;
	m.tftp_bytes = 123456789012ULL;
	metrics_http_done(&m, 200, 10, 10);
	metrics_http_done(&m, 206, 5, 5);
	metrics_http_done(&m, 200, 3, 10);
	metrics_http_done(&m, 404, 0, 0);
	metrics_http_done(&m, 503, 0, 0);
	m.nbd_attached = 2;
	m.errors[ME_STATUS_FORBIDDEN] = 4;
	t.stage_reached = m.stage_reached;
	struct client *c = clients_by_mac(&t, mac);
	clients_advance(c, STAGE_DHCP_OFFER);
	clients_advance(c, STAGE_DHCP_ACK);
	clients_advance(c, STAGE_DHCP_ACK);	/* again: counted once */
	clients_advance(c, STAGE_DHCP_OFFER);	/* back: never */
	struct client *other = clients_by_ip(&t, htonl(0xc0000207));
	clients_image_progress(other, "tftp", 50, 100);
	n = metrics_render(&m, &t, 61234, buf, sizeof(buf));
	well_formed("render: counters set is well-formed", n > 0 ? buf : "");
	CHECK("render: uptime in seconds", has_line(buf, "netboot_serve_uptime_seconds 61.234"));
	CHECK("render: DHCP discover 1, request 2, other 2",
	      has_line(buf, "netboot_serve_dhcp_messages_received_total{type=\"discover\"} 1") &&
	      has_line(buf, "netboot_serve_dhcp_messages_received_total{type=\"request\"} 2") &&
	      has_line(buf, "netboot_serve_dhcp_messages_received_total{type=\"other\"} 2"));
	CHECK("render: DHCP offer, ack, nak sent",
	      has_line(buf, "netboot_serve_dhcp_messages_sent_total{type=\"offer\"} 1") &&
	      has_line(buf, "netboot_serve_dhcp_messages_sent_total{type=\"ack\"} 1") &&
	      has_line(buf, "netboot_serve_dhcp_messages_sent_total{type=\"nak\"} 1"));
	CHECK("render: 64-bit byte counter", has_line(buf, "netboot_serve_tftp_sent_bytes_total 123456789012"));
	CHECK("render: TFTP size queries", has_line(buf, "netboot_serve_tftp_transfers_total{outcome=\"size_query\"} 7"));
	CHECK("render: HTTP outcomes 2 complete, 1 aborted, 1 client error, 1 server error",
	      has_line(buf, "netboot_serve_http_transfers_total{outcome=\"complete\"} 2") &&
	      has_line(buf, "netboot_serve_http_transfers_total{outcome=\"aborted\"} 1") &&
	      has_line(buf, "netboot_serve_http_transfers_total{outcome=\"client_error\"} 1") &&
	      has_line(buf, "netboot_serve_http_transfers_total{outcome=\"server_error\"} 1"));
	CHECK("render: stages reached once each, image from the TFTP progress",
	      has_line(buf, "netboot_serve_boot_stage_reached_total{stage=\"dhcp-offer\"} 1") &&
	      has_line(buf, "netboot_serve_boot_stage_reached_total{stage=\"dhcp-ack\"} 1") &&
	      has_line(buf, "netboot_serve_boot_stage_reached_total{stage=\"image\"} 1") &&
	      has_line(buf, "netboot_serve_boot_stage_reached_total{stage=\"image-done\"} 0"));
	CHECK("render: clients gauge and by stage",
	      has_line(buf, "netboot_serve_clients 2") &&
	      has_line(buf, "netboot_serve_clients_at_stage{stage=\"dhcp-ack\"} 1") &&
	      has_line(buf, "netboot_serve_clients_at_stage{stage=\"image\"} 1"));
	CHECK("render: errors by kind", has_line(buf, "netboot_serve_errors_total{kind=\"status_forbidden\"} 4"));
	/* the IP-only client merged into the MAC one: nothing counted twice */
	clients_set_ip(&t, c, htonl(0xc0000207));
	clients_advance(c, STAGE_IMAGE);
	CHECK("merge: a stage the merged entry had is not counted again", m.stage_reached[STAGE_IMAGE] == 1 && t.n == 1);

	/* every shorter buffer: -ENOSPC, terminated, whole lines only */
	size_t full = (size_t)n;
	bool ok = true;
	for (size_t cap = 0; cap <= full && ok; cap++) {
		char *b = malloc(cap ? cap : 1);
		int r = metrics_render(&m, &t, 61234, b, cap);
		if (cap == full + 1 ? r != (int)full : r != -ENOSPC)
			ok = false;
		if (cap && (memchr(b, '\0', cap) == NULL || (b[0] && b[strlen(b) - 1] != '\n')))
			ok = false;
		free(b);
	}
	CHECK("render: every short buffer gives -ENOSPC and whole lines", ok);
	CHECK("render: the exact size plus the NUL fits", metrics_render(&m, &t, 61234, buf, full + 1) == (int)full);
}

static void test_html(void)
{
	static struct clients t;
	uint8_t mac[6] = { 2, 0, 0, 0, 0, 9 };
	char *text = NULL;
	size_t len = 0;
	struct client *c = clients_by_mac(&t, mac);
	snprintf(c->vendor, sizeof(c->vendor), "<script>alert(\"v\")</script>");
	snprintf(c->hostname, sizeof(c->hostname), "a&b'<img src=x>");
	clients_image_progress(c, "http", 25, 100);
	c->first_ms = 1000000;
	c->last_ms = 1000000 + 3723000;
	FILE *f = open_memstream(&text, &len);
	clients_write_html(&t, 1000000 + 3723000 + 5000, 90061000, f);
	fclose(f);
	CHECK("html: no tag from a client string survives", !strstr(text, "<script") && !strstr(text, "<img"));
	CHECK("html: vendor class escaped",
	      strstr(text, "<td class=\"vendor\">&lt;script&gt;alert(&quot;v&quot;)&lt;/script&gt;</td>") != NULL);
	CHECK("html: host name escaped", strstr(text, "<td class=\"hostname\">a&amp;b&#39;&lt;img src=x&gt;</td>") != NULL);
	CHECK("html: stage and progress", strstr(text, "<td class=\"stage\">image</td>") &&
	      strstr(text, "title=\"25 of 100 bytes\"") && strstr(text, "(25%)</td>"));
	CHECK("html: first request 1 h 2 min ago, last 5 s ago",
	      strstr(text, "<td class=\"first\">1 h 2 min</td><td class=\"last\">5 s</td>") != NULL);
	CHECK("html: uptime 1 d 1 h", strstr(text, "Up 1 d 1 h;") != NULL);
	CHECK("html: refreshes itself, no script", strstr(text, "http-equiv=\"refresh\"") && !strstr(text, "<script"));
	free(text);
}

static void test_allow(void)
{
	struct status_allow a = { .n = 0 };
	char buf[400];
	CHECK("allow: two subnets and an address", status_allow_parse("192.0.2.0/24, 10.0.0.0/8 198.51.100.7", 37, &a) == NULL);
	CHECK_STR("allow: formatted", status_allow_format(&a, buf, sizeof(buf)), "192.0.2.0/24 10.0.0.0/8 198.51.100.7/32");
	CHECK("allow: inside", status_allow_match(&a, htonl(0xc00002fe)) && status_allow_match(&a, htonl(0x0a010203)) &&
	      status_allow_match(&a, htonl(0xc6336407)));
	CHECK("allow: outside", !status_allow_match(&a, htonl(0xc0000301)) && !status_allow_match(&a, htonl(0x7f000001)) &&
	      !status_allow_match(&a, htonl(0xc6336408)));
	static const char *const bad[] = { "192.0.2.1/24", "192.0.2.0/33", "192.0.2.0/", "192.0.2.0/2a", "192.0.2",
					   "300.0.0.0/8", "", " , ", "192.0.2.0/024" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct status_allow b = a;
		const char *why = status_allow_parse(bad[i], strlen(bad[i]), &b);
		snprintf(buf, sizeof(buf), "allow: '%s' refused, list unchanged", bad[i]);
		CHECK(buf, why && why[0] && b.n == a.n);
	}
	struct status_allow z = { .n = 0 };
	CHECK("allow: 0.0.0.0/0 lets everyone in", !status_allow_parse("0.0.0.0/0", 9, &z) && status_allow_match(&z, htonl(0x01020304)));
	struct status_allow full = { .n = 0 };
	for (int i = 0; i < STATUS_ALLOW_MAX; i++)
		status_allow_add(&full, htonl(0x0a000000u + (uint32_t)i), 32);
	CHECK("allow: a 17th subnet refused", status_allow_parse("192.0.2.0/24", 12, &full) != NULL && full.n == STATUS_ALLOW_MAX);
	struct status_allow d;
	status_allow_default(&d, htonl(0xc6336400), htonl(0xffffff00), 0);
	CHECK_STR("allow: default loopback and the served subnet", status_allow_format(&d, buf, sizeof(buf)),
		  "127.0.0.0/8 198.51.100.0/24");
	status_allow_default(&d, htonl(0x7f000000), htonl(0xff000000), 0);
	CHECK_STR("allow: a served subnet inside loopback not listed twice", status_allow_format(&d, buf, sizeof(buf)),
		  "127.0.0.0/8");
}

static void test_config(void)
{
	static struct serve_config c;
	struct errbuf e = { "" };
	bool print_only;
	char buf[400];
	static const char file[] = "PXEBOOTSRV_STATUS_ALLOW=\"192.0.2.0/24 10.1.0.0/16\"\n";
	serve_config_defaults(&c);
	CHECK("key: PXEBOOTSRV_STATUS_ALLOW read", serve_config_parse(file, strlen(file), "f", &c, NULL, NULL, &e) == 0 &&
	      c.status_allow.n == 2);
	static const char badfile[] = "PXEBOOTSRV_STATUS_ALLOW=\"192.0.2.1/24\"\n";
	CHECK("key: host bits refused with the line", serve_config_parse(badfile, strlen(badfile), "f", &c, NULL, NULL, &e) < 0 &&
	      strstr(e.msg, "f line 1") && strstr(e.msg, "host bits zero"));
	char *argv[] = { "--status-allow", "198.51.100.0/24", "--status-allow", "127.0.0.1", NULL };
	serve_config_defaults(&c);
	serve_config_parse(file, strlen(file), "f", &c, NULL, NULL, &e);
	CHECK("flag: repeated, replaces the file's list", serve_config_from_args(4, argv, &c, &print_only, NULL, NULL, &e) == 0 &&
	      !strcmp(status_allow_format(&c.status_allow, buf, sizeof(buf)), "198.51.100.0/24 127.0.0.1/32"));
	char *bad[] = { "--status-allow", "example.org", NULL };
	CHECK("flag: a name refused, saying what was expected",
	      serve_config_from_args(2, bad, &c, &print_only, NULL, NULL, &e) < 0 && strstr(e.msg, "192.0.2.0/24"));
}

int main(void)
{
	test_reader();
	test_render();
	test_html();
	test_allow();
	test_config();
	return CHECK_DONE();
}
