/* The hosts file: see hosts.h.  Fields are separated by blanks; a value
 * with blanks is quoted as in the shell ("..." with \" and \\, or '...');
 * '#' starts a comment where a field could start.  The first error stops
 * the parse, as a typo in a fixed address must not boot a machine with
 * the wrong one.  Pure over (buf, len), bounded, no global state. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "netboot/ipv4.h"
#include "netboot/mac.h"
#include "server/hosts.h"

#define MAX_LINE 4096
#define MAX_FIELD 1024		/* one field after unquoting */
#define SHOW 64			/* bytes of a field quoted in a message */

struct hstate {
	char label[128];
	unsigned line;
	const char *s, *end;	/* the rest of the current line */
	struct host_table *t;
	hosts_warn_fn warn;
	void *warn_ctx;
	struct errbuf *e;
	char field[MAX_FIELD + 1];	/* the current field, unquoted */
	size_t flen;
	const char *raw;	/* where it starts in the line */
	size_t rawlen;
};

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* "<file> line N: <field>: expected <what>". */
static int field_fail(struct hstate *p, const char *expected)
{
	char shown[SHOW + 4];
	nb_sanitize(shown, sizeof(shown), p->raw, p->rawlen < SHOW ? p->rawlen : SHOW);
	if (p->rawlen > SHOW)
		strcat(shown, "...");
	return nb_fail(p->e, -EINVAL, "%s line %u: %s: expected %s", p->label, p->line, shown, expected);
}

static int field_add(struct hstate *p, char ch)
{
	if (p->flen == MAX_FIELD)
		return -1;
	p->field[p->flen++] = ch;
	return 0;
}

/* A quoted part at *s (on the quote): its text appended.  0 or -EINVAL. */
static int quoted(struct hstate *p, const char **sp)
{
	const char *s = *sp;
	char q = *s++;
	for (; s < p->end && *s != q; s++) {
		if (q == '"' && *s == '\\' && s + 1 < p->end && (s[1] == '"' || s[1] == '\\'))
			s++;
		if (field_add(p, *s) < 0)
			return -1;
	}
	if (s == p->end) {
		p->rawlen = (size_t)(s - p->raw);
		return field_fail(p, q == '"' ? "a closing \" on the same line" : "a closing ' on the same line");
	}
	*sp = s + 1;
	return 0;
}

/* The next field into p->field: 1, 0 at the end of the line (or a
 * comment), or -EINVAL. */
static int next_field(struct hstate *p)
{
	const char *s = p->s;
	while (s < p->end && is_blank(*s))
		s++;
	if (s == p->end || *s == '#')
		return 0;
	p->raw = s;
	p->flen = 0;
	int rc = 0;
	while (rc == 0 && s < p->end && !is_blank(*s)) {
		if (*s == '"' || *s == '\'')
			rc = quoted(p, &s);
		else
			rc = field_add(p, *s++);
	}
	p->rawlen = (size_t)(s - p->raw);
	if (rc == -1)
		return field_fail(p, "a field of at most 1024 bytes");
	if (rc < 0)
		return rc;
	p->field[p->flen] = '\0';
	p->s = s;
	return 1;
}

/* RFC 1123 labels (letters, digits, '-', not at a label's ends) joined by
 * dots; the last label not all digits, so a mistyped address is not taken
 * for a name. */
static bool host_name_ok(const char *s, size_t n)
{
	size_t label = 0;
	bool digits_only = true;
	if (n == 0 || n > 63)
		return false;
	for (size_t i = 0; i <= n; i++) {
		char ch = i < n ? s[i] : '.';
		if (ch == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			if (i == n && digits_only)
				return false;
			label = 0;
			digits_only = true;
			continue;
		}
		bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
		if (!alnum && (ch != '-' || label == 0))
			return false;
		if (ch < '0' || ch > '9')
			digits_only = false;
		label++;
	}
	return true;
}

/* A folder name under DIR/images: letters, digits, '.', '_', '-', not
 * starting with '.' (so never "." or ".."). */
bool hosts_image_name_ok(const char *s, size_t n)
{
	if (n == 0 || n > 63 || s[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
		      ch == '_' || ch == '-'))
			return false;
	}
	return true;
}

static bool args_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return false;
	return n < sizeof(((struct host *)0)->args);
}

static int set_ip(struct hstate *p, struct host *h, const char *v, size_t n)
{
	if (h->ip)
		return field_fail(p, "one address per host");
	if (!ipv4_parse(v, n, &h->ip) || !h->ip || h->ip == 0xffffffffu)
		return field_fail(p, "an IPv4 address like 192.0.2.50");
	return 0;
}

static int set_name(struct hstate *p, struct host *h, const char *v, size_t n)
{
	if (h->name[0])
		return field_fail(p, "one host name per host");
	if (!host_name_ok(v, n))
		return field_fail(p, "a host name like web1 or web1.example.org (letters, digits, '-', dots; "
				     "at most 63 bytes)");
	memcpy(h->name, v, n + 1);
	return 0;
}

/* key=value: ip, name, image, args. */
static int key_value(struct hstate *p, struct host *h, const char *eq)
{
	size_t kn = (size_t)(eq - p->field), vn = p->flen - kn - 1;
	const char *v = eq + 1;
	if (kn == 2 && !memcmp(p->field, "ip", 2))
		return set_ip(p, h, v, vn);
	if (kn == 4 && !memcmp(p->field, "name", 4))
		return set_name(p, h, v, vn);
	if (kn == 5 && !memcmp(p->field, "image", 5)) {
		if (h->image[0])
			return field_fail(p, "one image per host");
		if (!hosts_image_name_ok(v, vn))
			return field_fail(p, "image=NAME, a folder under DIR/images (letters, digits, '.', '_', '-')");
		memcpy(h->image, v, vn + 1);
		return 0;
	}
	if (kn == 4 && !memcmp(p->field, "args", 4)) {
		if (h->args[0])
			return field_fail(p, "one args= per host (quote several arguments: args=\"a b\")");
		if (!args_ok(v, vn))
			return field_fail(p, "args=\"kernel arguments\", printable, at most 511 bytes");
		memcpy(h->args, v, vn + 1);
		return 0;
	}
	return field_fail(p, "a key ip=, name=, image= or args=");
}

/* The fields after the MAC: an address, a name, key=value. */
static int host_fields(struct hstate *p, struct host *h)
{
	int rc;
	while ((rc = next_field(p)) == 1) {
		const char *eq = memchr(p->field, '=', p->flen);
		if (memchr(p->field, '\0', p->flen))
			rc = field_fail(p, "text, not a NUL byte");
		else if (eq)
			rc = key_value(p, h, eq);
		else if (ipv4_parse(p->field, p->flen, &(uint32_t){ 0 }))
			rc = set_ip(p, h, p->field, p->flen);
		else if (!h->name[0] && host_name_ok(p->field, p->flen))
			rc = set_name(p, h, p->field, p->flen);
		else
			rc = field_fail(p, h->name[0] ? "key=value (ip=, name=, image=, args=) after the host name"
					 : "an IPv4 address, a host name or key=value (ip=, name=, image=, args=)");
		if (rc < 0)
			return rc;
	}
	return rc;
}

/* A MAC or address seen on an earlier line: refused, naming that line. */
static int duplicates(struct hstate *p, const struct host *h)
{
	char a[18], msg[256];
	for (int i = 0; i < p->t->n; i++) {
		const struct host *o = &p->t->h[i];
		if (!memcmp(o->mac, h->mac, 6))
			return nb_fail(p->e, -EINVAL, "%s line %u: %s: expected each MAC once (already on line %u)",
				       p->label, p->line, mac_format(h->mac, a), o->line);
		if (h->ip && o->ip == h->ip)
			return nb_fail(p->e, -EINVAL, "%s line %u: %s: expected each fixed address once (already "
				       "on line %u)", p->label, p->line, ipv4_ntoa(h->ip, a), o->line);
		if (h->name[0] && !strcasecmp(o->name, h->name) && p->warn) {
			snprintf(msg, sizeof(msg), "%s line %u: host name %s also on line %u", p->label, p->line,
				 h->name, o->line);
			p->warn(p->warn_ctx, msg);
		}
	}
	return 0;
}

static int add_host(struct hstate *p, const struct host *h)
{
	if (p->t->n == HOSTS_MAX)
		return field_fail(p, "at most 4096 hosts in one file");
	if ((p->t->n & (p->t->n - 1)) == 0) {	/* 0, 1, 2, 4, ...: grow */
		size_t cap = p->t->n ? 2 * (size_t)p->t->n : 4;
		struct host *g = realloc(p->t->h, cap * sizeof(*g));
		if (!g)
			return nb_fail(p->e, -ENOMEM, "%s line %u: out of memory", p->label, p->line);
		p->t->h = g;
	}
	p->t->h[p->t->n++] = *h;
	return 0;
}

static int parse_line(struct hstate *p)
{
	struct host h;
	int rc = next_field(p);
	if (rc <= 0)
		return rc;	/* blank, a comment, or an error */
	memset(&h, 0, sizeof(h));
	h.line = p->line;
	if (!mac_parse(p->field, p->flen, h.mac)) {
		const char *hint = memchr(p->field, ',', p->flen) ? " (fields are separated by blanks, not commas)" : "";
		char what[128];
		snprintf(what, sizeof(what), "a MAC address like 52:54:00:12:34:56 first%s", hint);
		return field_fail(p, what);
	}
	if ((rc = host_fields(p, &h)) < 0 || (rc = duplicates(p, &h)) < 0)
		return rc;
	return add_host(p, &h);
}

int hosts_parse(const char *buf, size_t len, const char *name, struct host_table *t, hosts_warn_fn warn,
		void *warn_ctx, struct errbuf *e)
{
	struct hstate *p = calloc(1, sizeof(*p));
	int rc = 0;
	if (!name)
		name = "hosts";
	if (!p)
		return nb_fail(e, -ENOMEM, "%s: out of memory", name);
	nb_sanitize(p->label, sizeof(p->label), name, strlen(name));
	p->t = t;
	p->warn = warn;
	p->warn_ctx = warn_ctx;
	p->e = e;
	const char *s = buf ? buf : "", *end = s + (buf ? len : 0), *nl;
	for (; rc == 0 && s < end; s = nl ? nl + 1 : end) {
		nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end;
		p->line++;
		p->s = p->raw = s;
		p->end = le;
		p->rawlen = (size_t)(le - s);
		if (le - s > MAX_LINE)
			rc = field_fail(p, "a line of at most 4096 bytes");
		else {
			if (le > s && le[-1] == '\r')	/* written on Windows */
				p->end = le - 1;
			rc = parse_line(p);
		}
	}
	free(p);
	return rc;
}

void hosts_free(struct host_table *t)
{
	free(t->h);
	t->h = NULL;
	t->n = 0;
}

const struct host *hosts_find(const struct host_table *t, const uint8_t mac[6])
{
	for (int i = 0; t && i < t->n; i++)
		if (!memcmp(t->h[i].mac, mac, 6))
			return &t->h[i];
	return NULL;
}
