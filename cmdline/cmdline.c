/* cmdline_parse(): one pass over the arguments, each looked up in a table
 * of the options we own.  Everything else on the line belongs to the
 * kernel or other software and is left alone. */
#include <errno.h>
#include <string.h>
#include "cmdline/internal.h"
#include "netboot/jitter.h"

enum takes {
	TAKES_FLAG,	/* bare word only: "docache" */
	TAKES_VALUE,	/* "key=value"; a bare "key" is a mistake */
	TAKES_EITHER,	/* "scandelay" or "scandelay=5" */
	TAKES_SHARED,	/* "key=value"; the bare word may mean something to others */
};

static int opt_docache(struct cl_ctx *c, const struct cl_arg *a)
{
	(void)a;
	c->cfg->docache = true;
	return 0;
}

static int opt_docheck(struct cl_ctx *c, const struct cl_arg *a)
{
	(void)a;
	c->cfg->check = CHECK_FORCE;
	return 0;
}

static int opt_verity(struct cl_ctx *c, const struct cl_arg *a)
{
	(void)a;
	c->cfg->verity = true;
	return 0;
}

/* stream: boot at once from an HTTP(S) image copied into RAM behind the
 * boot; every block is checked by dm-verity, so it implies verity */
static int opt_stream(struct cl_ctx *c, const struct cl_arg *a)
{
	(void)a;
	c->cfg->stream = true;
	c->cfg->verity = true;
	return 0;
}

static int opt_nocheck(struct cl_ctx *c, const struct cl_arg *a)
{
	(void)a;
	c->cfg->check = CHECK_SKIP;
	return 0;
}

static int opt_minishell(struct cl_ctx *c, const struct cl_arg *a)
{
	(void)a;
	c->cfg->minishell = true;
	return 0;
}

static int opt_scandelay(struct cl_ctx *c, const struct cl_arg *a)
{
	unsigned long v = 10;	/* the old init's delay for a bare "scandelay" */

	if (a->has_val && !cl_uint(a->val, a->vlen, 3600, &v))
		return cl_fail(c, "expected scandelay=SECONDS, 0 to 3600");
	c->cfg->scandelay = (int)v;
	return 0;
}

/* How long an NBD read may go unanswered before the server counts as
 * gone and the supervisor reconnects (nbd-client's -timeout). */
static int opt_nbdtimeout(struct cl_ctx *c, const struct cl_arg *a)
{
	unsigned long v;

	if (!cl_uint(a->val, a->vlen, 3600, &v) || v < 2)
		return cl_fail(c, "expected nbdtimeout=SECONDS, 2 to 3600");
	c->cfg->nbd_timeout = (int)v;
	return 0;
}

/* Spreads the first requests of machines powered on together. */
static int opt_jitter(struct cl_ctx *c, const struct cl_arg *a)
{
	unsigned long v;

	if (!cl_uint(a->val, a->vlen, JITTER_MAX_SECS, &v))
		return cl_fail(c, "expected %.*s=SECONDS, 0 to %d", (int)a->klen, a->key, JITTER_MAX_SECS);
	c->cfg->jitter = (int)v;
	return 0;
}

/* net.ifnames=0 keeps the kernel's eth0, as udev does; udev's booleans */
static int opt_ifnames(struct cl_ctx *c, const struct cl_arg *a)
{
	static const char *const off[] = { "0", "no", "false", "off" }, *const on[] = { "1", "yes", "true", "on" };

	for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++) {
		if (a->vlen == strlen(off[i]) && !memcmp(a->val, off[i], a->vlen))
			return c->cfg->kernel_ifnames = true, 0;
		if (a->vlen == strlen(on[i]) && !memcmp(a->val, on[i], a->vlen))
			return c->cfg->kernel_ifnames = false, 0;
	}
	return cl_fail(c, "expected net.ifnames=0 (kernel names such as eth0) or net.ifnames=1 (names such as ens3)");
}

static int opt_setkmap(struct cl_ctx *c, const struct cl_arg *a)
{
	if (!cl_hostname(a->val, a->vlen, sizeof(c->cfg->keymap) - 1))
		return cl_fail(c, "expected a keymap name like fr or uk (letters, digits, '.', '-', '_'; at most %zu)",
			       sizeof(c->cfg->keymap) - 1);
	memcpy(c->cfg->keymap, a->val, a->vlen);
	c->cfg->keymap[a->vlen] = '\0';
	return 0;
}

/* subdir=: the folder of sysrcd.dat inside an NFS source (see
 * cl_finish_subdir); kept free of "..". */
static int opt_subdir(struct cl_ctx *c, const struct cl_arg *a)
{
	if (a->vlen == 0 || memmem(a->val, a->vlen, "..", 2) ||
	    !cl_copy(c->cfg->subdir, sizeof(c->cfg->subdir), a->val, a->vlen))
		return cl_fail(c, "expected subdir=DIR: printable, no '..', at most %zu characters",
			       sizeof(c->cfg->subdir) - 1);
	return 0;
}

static int opt_init(struct cl_ctx *c, const struct cl_arg *a)
{
	if (a->vlen == 0 || a->val[0] != '/' ||
	    !cl_copy(c->cfg->init, sizeof(c->cfg->init), a->val, a->vlen))
		return cl_fail(c, "expected init=/absolute/path, printable, at most %zu characters",
			       sizeof(c->cfg->init) - 1);
	return 0;
}

static const struct option {
	const char *name;
	cl_handler fn;
	enum takes takes;
} options[] = {
	/* stage 3 source: SystemRescueCd, then dracut, then archiso */
	{ "netboot", cl_opt_netboot, TAKES_SHARED },
	{ "httpboot", cl_opt_bootalias, TAKES_VALUE },
	{ "boothttp", cl_opt_bootalias, TAKES_VALUE },
	{ "tftpboot", cl_opt_bootalias, TAKES_VALUE },
	{ "boottftp", cl_opt_bootalias, TAKES_VALUE },
	{ "nfsboot", cl_opt_nfsboot, TAKES_VALUE },
	{ "nbdboot", cl_opt_nbdboot, TAKES_VALUE },
	{ "root", cl_opt_root, TAKES_SHARED },
	{ "archiso_http_srv", cl_opt_archiso, TAKES_VALUE },
	{ "archiso_nbd_srv", cl_opt_archiso, TAKES_VALUE },
	{ "archiso_nbd_name", cl_opt_archiso, TAKES_VALUE },
	{ "archiso_nfs_srv", cl_opt_archiso, TAKES_VALUE },
	{ "archisobasedir", cl_opt_archiso, TAKES_SHARED },
	{ "checksum", cl_opt_checksum, TAKES_EITHER },
	{ "docheck", opt_docheck, TAKES_FLAG },
	{ "nocheck", opt_nocheck, TAKES_FLAG },
	{ "proxy", cl_opt_proxy, TAKES_SHARED },
	{ "docache", opt_docache, TAKES_FLAG },
	{ "verity", opt_verity, TAKES_FLAG },
	{ "netboot.verity", opt_verity, TAKES_FLAG },
	{ "stream", opt_stream, TAKES_FLAG },
	{ "netboot.stream", opt_stream, TAKES_FLAG },
	/* network ("eth0=" and friends are matched by cl_opt_ethn's pattern) */
	{ "ethx", cl_opt_ethx, TAKES_VALUE },
	{ "ip", cl_opt_ip, TAKES_SHARED },
	{ "gw", cl_opt_gateway, TAKES_VALUE },
	{ "gateway", cl_opt_gateway, TAKES_VALUE },
	{ "dns", cl_opt_dns, TAKES_VALUE },
	{ "dodhcp", cl_opt_dodhcp, TAKES_EITHER },
	{ "nodhcp", cl_opt_nodhcp, TAKES_FLAG },
	{ "dhcphostname", cl_opt_dhcphostname, TAKES_VALUE },
	{ "nameif", cl_opt_nameif, TAKES_VALUE },
	{ "BOOTIF", cl_opt_bootif, TAKES_SHARED },
	/* the rest */
	{ "setkmap", opt_setkmap, TAKES_VALUE },
	{ "subdir", opt_subdir, TAKES_VALUE },
	{ "scandelay", opt_scandelay, TAKES_EITHER },
	{ "nbdtimeout", opt_nbdtimeout, TAKES_VALUE },
	{ "netboot.jitter", opt_jitter, TAKES_VALUE },
	{ "jitter", opt_jitter, TAKES_SHARED },
	{ "minishell", opt_minishell, TAKES_FLAG },
	{ "net.ifnames", opt_ifnames, TAKES_SHARED },
	{ "init", opt_init, TAKES_SHARED },
};

/* "eth" followed by digits: the old init's per-NIC option. */
static bool is_ethn(const char *k, size_t n)
{
	unsigned long unit;

	return n > 3 && memcmp(k, "eth", 3) == 0 && cl_uint(k + 3, n - 3, 9999, &unit);
}

static const struct option *find_option(const struct cl_arg *a)
{
	static const struct option ethn = { "ethN", cl_opt_ethn, TAKES_VALUE };

	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		if (cl_eq(a->key, a->klen, options[i].name))
			return &options[i];
	return is_ethn(a->key, a->klen) ? &ethn : NULL;
}

static int handle(struct cl_ctx *c, const struct cl_arg *a)
{
	const struct option *o = find_option(a);

	if (!o)
		return 0;
	c->arg = a;
	if (o->takes == TAKES_FLAG && a->has_val)
		return cl_fail(c, "%s takes no value", o->name);
	if ((o->takes == TAKES_VALUE || o->takes == TAKES_SHARED) && !a->has_val)
		return o->takes == TAKES_VALUE ? cl_fail(c, "expected %.*s=VALUE", (int)a->klen, a->key) : 0;
	return o->fn(c, a);
}

int cmdline_parse(const char *buf, size_t len, struct boot_config *cfg, struct errbuf *e)
{
	struct cl_ctx c = { .cfg = cfg, .e = e };
	struct cl_arg a;
	size_t pos = 0;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	while (cl_next_arg(buf, len, &pos, &a)) {
		if (!a.has_val && cl_eq(a.key, a.klen, "--"))
			break;	/* the kernel hands the rest to init as argv */
		if ((rc = handle(&c, &a)) < 0)
			return rc;
	}
	if ((rc = cl_finish_archiso(&c)) < 0)
		return rc;
	return cl_finish_subdir(&c);
}

int cmdline_require_source(const struct boot_config *cfg, struct errbuf *e)
{
	if (cfg->source != SOURCE_NONE)
		return 0;
	return nb_fail(e, -EINVAL, "no stage-3 source on the kernel command line: expected "
		       "netboot=http://server/sysrcd.dat (or tftp://, nbd://, nfs://, nbdboot=, nfsboot=)");
}
