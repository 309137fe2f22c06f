/* Steps 2-4 of netboot check: what the PXE ROM and pxelinux fetch over TFTP
 * (the boot file, the config pxelinux would pick for this client, KERNEL and
 * INITRD) and the APPEND line run through the agent's own cmdline_parse.
 * Transfers go through the agent's TFTP client (netboot/tftp_client.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "netboot/clock.h"
#include "netboot/ipv4.h"
#include "netboot/tftp_client.h"
#include "tool/check.h"

/* Where a TFTP transfer's bytes go: counted, kept while they fit, or the
 * transfer stopped as soon as the file is known to exist (head). */
struct grab {
	char *buf;
	size_t cap, len;
	uint64_t size;		/* announced (tsize), else counted */
	bool head;
};

static int grab_size(void *ctx, uint64_t tsize, struct errbuf *e)
{
	struct grab *g = ctx;
	g->size = tsize;
	return g->head && tsize ? nb_fail(e, -ECANCELED, "enough: the size is known") : 0;
}

static int grab_bytes(void *ctx, const uint8_t *data, size_t len, struct errbuf *e)
{
	struct grab *g = ctx;
	if (g->buf) {
		if (len > g->cap - g->len)
			return nb_fail(e, -EFBIG, "larger than %zu bytes", g->cap);
		memcpy(g->buf + g->len, data, len);
		g->len += len;
	}
	if (!g->buf)
		g->len += len;	/* counted only */
	g->size = g->size > g->len ? g->size : g->len;
	return g->head ? nb_fail(e, -ECANCELED, "enough: the first block came") : 0;
}

/* Fetches name from the next-server into g; 0 or the client's errno. */
static int tftp_grab(const struct check_ctx *c, const char *name, struct grab *g, double *secs, struct errbuf *e)
{
	char host[16];
	struct tftp_client_cfg cfg = {
		.host = ipv4_ntoa(c->next_server, host), .file = name,
		.timeout_ms = c->timeout_ms / 3 > 250 ? c->timeout_ms / 3 : 250, .max_tries = 3,
		.size_known = grab_size, .deliver = grab_bytes, .ctx = g,
	};
	struct tftp_stats st;
	long long t0 = monotonic_ms();
	int rc = tftp_client_get(&cfg, &st, e);

	if (secs)
		*secs = (double)(monotonic_ms() - t0) / 1000.0;
	if (rc == -ECANCELED && g->head)
		return 0;
	if (!g->head && !g->size)
		g->size = st.bytes;
	return rc;
}

/* A TFTP failure's cause plus what to change. */
static int tftp_cause(const struct check_ctx *c, int rc, const char *what, const char *fix, struct errbuf *e)
{
	char host[16], msg[sizeof(e->msg)];
	snprintf(msg, sizeof(msg), "%s", e->msg);
	if (rc == -ENOENT)
		return nb_fail(e, rc, "%s: not found on the TFTP server %s: %s", what, ipv4_ntoa(c->next_server, host), fix);
	if (rc == -ETIMEDOUT || rc == -ECONNREFUSED)
		return nb_fail(e, rc, "%.200s: is a TFTP server running on %s?", msg, ipv4_ntoa(c->next_server, host));
	return nb_fail(e, rc, "%.300s", msg);
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

int check_loader(struct check_ctx *c, struct errbuf *what)
{
	struct grab g = { 0 };
	char host[16], rate[32];
	double secs;
	int rc = tftp_grab(c, c->bootfile, &g, &secs, what);

	if (rc < 0)
		return tftp_cause(c, rc, c->bootfile, "the boot file the DHCP offer names must be in the TFTP root "
				  "(Debian: /usr/lib/PXELINUX/pxelinux.0, /usr/lib/SYSLINUX.EFI/efi64/syslinux.efi)", what);
	const char *b = base_name(c->bootfile);
	c->pxelinux = strstr(b, "pxelinux") || strstr(b, "syslinux");
	return check_fail(what, 0, "%s: %llu bytes from tftp://%s in %.2f s (%s)", c->bootfile, (unsigned long long)g.size,
		       ipv4_ntoa(c->next_server, host), secs, check_rate(g.size, secs, rate));
}

int check_config(struct check_ctx *c, struct errbuf *what)
{
	char names[PXECFG_CANDIDATES_MAX][PXECFG_NAME_MAX], dir[128];
	char *text;
	int n, rc = -ENOENT;

	if (!c->pxelinux)
		return check_fail(what, 1, "%s is not pxelinux or syslinux.efi: its configuration is not checked", c->bootfile);
	pxecfg_dir_of(c->bootfile, dir, sizeof(dir));
	n = pxecfg_candidates(dir, c->mac, c->offered, names, PXECFG_CANDIDATES_MAX);
	if (!(text = malloc(CHECK_CFG_MAX)))
		return check_fail(what, -ENOMEM, "out of memory");
	for (int i = 0; i < n && rc == -ENOENT; i++) {
		struct grab g = { .buf = text, .cap = CHECK_CFG_MAX - 1 };
		if ((rc = tftp_grab(c, names[i], &g, NULL, what)) == 0) {
			text[g.len] = '\0';
			memcpy(c->cfg_name, names[i], sizeof(c->cfg_name));
			rc = pxecfg_parse(text, g.len, &c->entry, what);
			if (rc < 0)
				rc = check_fail(what, rc, "%s: %.300s", names[i], what->msg);
			else if (i > 0)
				check_note(c, "not found: %s .. %s", names[0], names[i - 1]);
		}
	}
	free(text);
	if (rc == -ENOENT && !c->cfg_name[0])
		return tftp_cause(c, rc, names[n - 1], "pxelinux finds no config (tried 01-<mac>, the hex address and "
				  "default under pxelinux.cfg/): add pxelinux.cfg/default beside the boot file", what);
	if (rc < 0)
		return rc == -ENOENT || rc == -EINVAL ? rc : tftp_cause(c, rc, names[0], "", what);
	return check_fail(what, 0, "%s: LABEL %s, KERNEL %s%s%s", c->cfg_name, c->entry.label[0] ? c->entry.label : "(DEFAULT line)",
		       c->entry.kernel, c->entry.initrd[0] ? ", INITRD " : "", c->entry.initrd);
}

/* The size of a file pxelinux loads (relative to the boot file's folder). */
static int loadable(const struct check_ctx *c, const char *keyword, const char *name, uint64_t *size, struct errbuf *e)
{
	char dir[128], path[512];
	struct grab g = { .head = true };
	int rc;

	pxecfg_dir_of(c->bootfile, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s%s", name[0] == '/' ? "" : dir, name);
	if ((rc = tftp_grab(c, path, &g, NULL, e)) < 0) {
		char what[300];
		snprintf(what, sizeof(what), "%s %.150s (from %.120s)", keyword, path, c->cfg_name);
		return tftp_cause(c, rc, what, "put the file in the TFTP root or fix the name in the config", e);
	}
	*size = g.size;
	return 0;
}

/* archiso's ${pxeserver}: the URL host is the DHCP server, as /init fills it. */
static void fill_server(struct check_ctx *c)
{
	char host[16];
	if (!c->boot.server_from_dhcp)
		return;
	for (int i = 0; i < c->boot.nurls; i++)
		snprintf(c->boot.urls[i].host, sizeof(c->boot.urls[i].host), "%s", ipv4_ntoa(c->next_server, host));
}

int check_append(struct check_ctx *c, struct errbuf *what)
{
	const char *a = c->entry.append;
	uint64_t ksize = 0, isize = 0;
	char first[URL_TEXT_MAX];
	int rc;

	if (!c->pxelinux)
		return check_fail(what, 1, "no pxelinux config: no kernel command line to check");
	if ((rc = cmdline_parse(a, strlen(a), &c->boot, what)) < 0)
		return check_fail(what, rc, "APPEND of LABEL %s in %s: %.250s: /init would stop here; fix the APPEND line",
			       c->entry.label, c->cfg_name, what->msg);
	if (c->boot.source == SOURCE_NONE || !c->boot.nurls)
		return check_fail(what, -EINVAL, "APPEND of LABEL %s in %s names no stage-3 source: add netboot=http://SERVER/sysrcd.dat "
			       "(or tftp://, nbd://, nfs://)", c->entry.label, c->cfg_name);
	fill_server(c);
	if ((rc = loadable(c, "KERNEL", c->entry.kernel, &ksize, what)) < 0)
		return rc;
	if (!c->entry.initrd[0])
		check_note(c, "LABEL %s loads no initrd (INITRD or initrd=): the kernel will not run our /init", c->entry.label);
	else if ((rc = loadable(c, "INITRD", c->entry.initrd, &isize, what)) < 0)
		return rc;
	url_format(&c->boot.urls[0], first, sizeof(first));
	return check_fail(what, 0, "KERNEL %s (%llu bytes), INITRD %s (%llu bytes); cmdline_parse: stage 3 from %.300s%s",
		       c->entry.kernel, (unsigned long long)ksize, c->entry.initrd[0] ? c->entry.initrd : "none",
		       (unsigned long long)isize, first, c->boot.nurls > 1 ? " and mirrors" : "");
}
