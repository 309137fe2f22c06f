/* pxelinux configuration: lookup chain and default entry (see pxecfg.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "netboot/pxecfg.h"

int pxecfg_candidates(const char *dir, const uint8_t mac[6], uint32_t ip, char names[][PXECFG_NAME_MAX],
		      int max)
{
	const uint8_t *b = (const uint8_t *)&ip;	/* network order: the first octet first */
	char hex[9];
	int n = 0;

	if (n < max)
		snprintf(names[n++], PXECFG_NAME_MAX, "%.200spxelinux.cfg/01-%02x-%02x-%02x-%02x-%02x-%02x", dir,
			 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	snprintf(hex, sizeof(hex), "%02X%02X%02X%02X", b[0], b[1], b[2], b[3]);
	for (int digits = 8; ip && digits >= 1 && n < max; digits--)
		snprintf(names[n++], PXECFG_NAME_MAX, "%.200spxelinux.cfg/%.*s", dir, digits, hex);
	if (n < max)
		snprintf(names[n++], PXECFG_NAME_MAX, "%.200spxelinux.cfg/default", dir);
	return n;
}

void pxecfg_dir_of(const char *bootfile, char *dir, size_t cap)
{
	const char *slash = strrchr(bootfile, '/');
	size_t len = slash ? (size_t)(slash - bootfile) + 1 : 0;

	if (!cap)
		return;
	if (len >= cap)
		len = 0;	/* cannot hold it: relative to the root, as a short name would be */
	memcpy(dir, bootfile, len);
	dir[len] = '\0';
}

/* One config line split into keyword and value, both trimmed, not NUL-ended. */
struct line {
	const char *key, *val;
	size_t klen, vlen;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Splits the line at *pos; returns false at the end of the buffer. */
static bool next_line(const char *buf, size_t len, size_t *pos, struct line *l)
{
	size_t p = *pos, end;

	if (p >= len)
		return false;
	for (end = p; end < len && buf[end] != '\n'; end++)
		;
	*pos = end + 1;
	while (p < end && is_space(buf[p]))
		p++;
	while (end > p && is_space(buf[end - 1]))
		end--;
	l->key = buf + p;
	while (p < end && !is_space(buf[p]))
		p++;
	l->klen = (size_t)(buf + p - l->key);
	while (p < end && is_space(buf[p]))
		p++;
	l->val = buf + p;
	l->vlen = end - p;
	if (l->klen && l->key[0] == '#')
		l->klen = l->vlen = 0;
	return true;
}

static bool key_is(const struct line *l, const char *kw)
{
	return l->klen == strlen(kw) && !strncasecmp(l->key, kw, l->klen);
}

/* Whether the value's first word is w (case-insensitive, as MENU DEFAULT). */
static bool val_is(const struct line *l, const char *w)
{
	size_t n = strlen(w);
	return l->vlen >= n && !strncasecmp(l->val, w, n) && (l->vlen == n || is_space(l->val[n]));
}

static int copy(char *dst, size_t cap, const char *src, size_t len, const char *what, struct errbuf *e)
{
	if (len >= cap)
		return nb_fail(e, -EINVAL, "%s: longer than %zu characters", what, cap - 1);
	memcpy(dst, src, len);
	dst[len] = '\0';
	return 0;
}

static bool same(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && !memcmp(a, b, alen);
}

/* What the first pass learns: the name to boot and the global APPEND. */
struct plan {
	const char *def, *ontimeout, *menu_default, *first, *global_append;
	size_t deflen, otlen, mdlen, firstlen, galen;
	bool has_global_append;
};

static bool is_module(const char *s, size_t len)
{
	return len >= 4 && !strncasecmp(s + len - 4, ".c32", 4);
}

static void survey(const char *buf, size_t len, struct plan *p)
{
	const char *label = NULL;
	size_t llen = 0, pos = 0;
	struct line l;

	memset(p, 0, sizeof(*p));
	while (next_line(buf, len, &pos, &l)) {
		if (key_is(&l, "DEFAULT")) {
			p->def = l.val, p->deflen = l.vlen;
		} else if (key_is(&l, "ONTIMEOUT")) {
			p->ontimeout = l.val, p->otlen = l.vlen;
		} else if (key_is(&l, "LABEL")) {
			label = l.val, llen = l.vlen;
			if (!p->first)
				p->first = label, p->firstlen = llen;
		} else if (key_is(&l, "MENU") && val_is(&l, "DEFAULT") && label && !p->menu_default) {
			p->menu_default = label, p->mdlen = llen;
		} else if (key_is(&l, "APPEND") && !label) {
			p->global_append = l.val, p->galen = l.vlen, p->has_global_append = true;
		}
	}
}

/* Fills out from the LABEL named (name, nlen); false when there is none. */
static int read_label(const char *buf, size_t len, const char *name, size_t nlen, const struct plan *p,
		      struct pxecfg_entry *out, struct errbuf *e)
{
	bool inside = false, found = false, has_append = false;
	size_t pos = 0;
	struct line l;
	int rc = 0;

	while (!rc && next_line(buf, len, &pos, &l)) {
		if (key_is(&l, "LABEL")) {
			if (found)
				break;	/* the first LABEL of that name wins, as in pxelinux */
			inside = same(l.val, l.vlen, name, nlen);
			found = inside;
			if (inside)
				rc = copy(out->label, sizeof(out->label), l.val, l.vlen, "LABEL", e);
		} else if (!inside) {
			continue;
		} else if (key_is(&l, "KERNEL") || key_is(&l, "LINUX")) {
			rc = copy(out->kernel, sizeof(out->kernel), l.val, l.vlen, "KERNEL", e);
		} else if (key_is(&l, "INITRD")) {
			rc = copy(out->initrd, sizeof(out->initrd), l.val, l.vlen, "INITRD", e);
		} else if (key_is(&l, "APPEND")) {
			has_append = true;
			bool none = l.vlen == 1 && l.val[0] == '-';	/* "APPEND -": no arguments */
			rc = copy(out->append, sizeof(out->append), l.val, none ? 0 : l.vlen, "APPEND", e);
		}
	}
	if (rc < 0)
		return rc;
	if (!found)
		return 0;
	if (!has_append && p->has_global_append)
		rc = copy(out->append, sizeof(out->append), p->global_append, p->galen, "APPEND", e);
	return rc < 0 ? rc : 1;
}

/* initrd=a,b inside APPEND names the initrd when no INITRD line does. */
static int initrd_from_append(struct pxecfg_entry *out, struct errbuf *e)
{
	const char *a = out->append;

	for (const char *p = a; (p = strstr(p, "initrd=")); p++) {
		if (p != a && !is_space(p[-1]))
			continue;
		p += strlen("initrd=");
		size_t n = strcspn(p, " \t,");
		return copy(out->initrd, sizeof(out->initrd), p, n, "initrd=", e);
	}
	return 0;
}

/* DEFAULT naming no LABEL: the kernel and its arguments on one line. */
static int default_command(const struct plan *p, struct pxecfg_entry *out, struct errbuf *e)
{
	size_t k = 0;
	int rc;

	while (k < p->deflen && !is_space(p->def[k]))
		k++;
	if ((rc = copy(out->kernel, sizeof(out->kernel), p->def, k, "DEFAULT", e)) < 0)
		return rc;
	while (k < p->deflen && is_space(p->def[k]))
		k++;
	if (k < p->deflen)
		return copy(out->append, sizeof(out->append), p->def + k, p->deflen - k, "DEFAULT", e);
	if (p->has_global_append)
		return copy(out->append, sizeof(out->append), p->global_append, p->galen, "APPEND", e);
	return 0;
}

int pxecfg_parse(const char *buf, size_t len, struct pxecfg_entry *out, struct errbuf *e)
{
	struct plan p;
	const char *name;
	size_t nlen;
	int rc;

	memset(out, 0, sizeof(*out));
	survey(buf, len, &p);
	if (p.def && p.deflen && !is_module(p.def, p.deflen))
		name = p.def, nlen = p.deflen;
	else if (p.menu_default)
		name = p.menu_default, nlen = p.mdlen;
	else if (p.ontimeout && p.otlen)
		name = p.ontimeout, nlen = p.otlen;
	else if (p.first)
		name = p.first, nlen = p.firstlen;
	else
		return nb_fail(e, -ENOENT, "no LABEL and no DEFAULT: nothing to boot");

	if ((rc = read_label(buf, len, name, nlen, &p, out, e)) < 0)
		return rc;
	if (rc == 0) {
		if (name != p.def)
			return nb_fail(e, -ENOENT, "no LABEL %.*s", (int)(nlen > 64 ? 64 : nlen), name);
		if ((rc = default_command(&p, out, e)) < 0)
			return rc;
	}
	if (!out->kernel[0])
		return nb_fail(e, -EINVAL, "LABEL %s has no KERNEL or LINUX line", out->label);
	return out->initrd[0] ? 0 : initrd_from_append(out, e);
}
