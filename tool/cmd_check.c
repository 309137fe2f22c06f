/* netboot check: walks a PXE boot from a client's side and names the first
 * broken step.  Each step is the code the real client runs where we have
 * it (the agent's DHCP framing, TFTP client, cmdline_parse, fetch path, NBD
 * client); docs/check.md describes the steps and the exit status. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "netboot/mac.h"
#include "tool/check.h"
#include "tool/tool.h"

#define EXIT_USAGE 64	/* not a step number */

/* The boot in order: each step needs what the ones before it learned. */
static const struct {
	const char *name;
	check_step_fn *run;
} steps[] = {
	{ "dhcp", check_dhcp },		/* PXE DISCOVER: offers, next-server, boot file */
	{ "loader", check_loader },	/* the boot file over TFTP */
	{ "config", check_config },	/* the pxelinux.cfg/ file pxelinux would pick */
	{ "append", check_append },	/* its APPEND through cmdline_parse; KERNEL, INITRD */
	{ "stage3", check_stage3 },	/* the image's source: HTTP, TFTP, NBD, NFS */
	{ "checksum", check_checksum },	/* the checksum file the agent would use */
	{ "image", check_image },	/* --full: the whole image, verified */
	{ "signature", check_signature },	/* the .minisig beside it; with --pubkey, checked */
};

void check_note(const struct check_ctx *c, const char *fmt, ...)
{
	va_list ap;
	fputs("check:   ", c->out);
	va_start(ap, fmt);
	vfprintf(c->out, fmt, ap);
	va_end(ap);
	fputc('\n', c->out);
	fflush(c->out);
}

int check_fail(struct errbuf *what, int rc, const char *fmt, ...)
{
	char text[sizeof(what->msg)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	memcpy(what->msg, text, sizeof(text));
	return rc;
}

const char *check_rate(uint64_t bytes, double seconds, char buf[32])
{
	double mbs = seconds > 0 ? (double)bytes / seconds / 1e6 : 0;
	if (seconds <= 0)
		snprintf(buf, 32, "too fast to time");
	else
		snprintf(buf, 32, mbs >= 1 ? "%.1f MB/s" : "%.0f kB/s", mbs >= 1 ? mbs : mbs * 1000);
	return buf;
}

/* On stdout for --help (exit 0), else on stderr (exit EXIT_USAGE). */
static int usage(FILE *out)
{
	fprintf(out, "usage: netboot check --interface IF [--mac MAC] [--arch bios|uefi] [--full] [--timeout S]\n"
			"                     [--pubkey FILE]...\n"
			"  --interface IF  the NIC on the boot network (needs root or CAP_NET_RAW)\n"
			"  --mac MAC       the client's MAC to ask as (default: IF's)\n"
			"  --arch A        bios (option 93 = 0, the default) or uefi (7)\n"
			"  --full          also download and verify the whole image\n"
			"  --timeout S     listening after the first DHCP offer, each transfer's limit (default 3)\n"
			"  --pubkey FILE   a minisign key built into the initramfs: the image must be signed by it\n"
			"exit status: 0 every step holds, N the first failing step (1 dhcp .. 8 signature), %d usage\n",
		EXIT_USAGE);
	return out == stdout ? 0 : EXIT_USAGE;
}

static int parse_args(int argc, char **argv, struct check_ctx *c)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--full")) {
			c->full = true;
			continue;
		}
		if (!v)
			return fprintf(stderr, "netboot: check: %s: %s\n", a, a[0] == '-' ? "its value is missing" : "not an option"), -1;
		i++;
		if (!strcmp(a, "--interface")) {
			c->ifname = v;
		} else if (!strcmp(a, "--mac")) {
			if (!mac_parse(v, strlen(v), c->mac))
				return fprintf(stderr, "netboot: check: --mac %s: expected aa:bb:cc:dd:ee:ff\n", v), -1;
			c->mac_given = true;
		} else if (!strcmp(a, "--arch")) {
			if (strcmp(v, "bios") && strcmp(v, "uefi"))
				return fprintf(stderr, "netboot: check: --arch %s: expected bios or uefi\n", v), -1;
			c->arch = !strcmp(v, "uefi") ? 7 : 0;
		} else if (!strcmp(a, "--pubkey")) {
			struct errbuf e;
			if (sig_keys_add_file(&c->keys, v, &e) < 0)
				return fprintf(stderr, "netboot: check: --pubkey: %s\n", e.msg), -1;
		} else if (!strcmp(a, "--timeout")) {
			char *end;
			double s = strtod(v, &end);
			if (*end || !(s >= 0.5 && s <= 600))
				return fprintf(stderr, "netboot: check: --timeout %s: expected seconds, 0.5 .. 600\n", v), -1;
			c->timeout_ms = (int)(s * 1000);
		} else {
			return fprintf(stderr, "netboot: check: %s: unknown option\n", a), -1;
		}
	}
	if (!c->ifname)
		return fprintf(stderr, "netboot: check: no interface: give --interface IF\n"), -1;
	return 0;
}

int cmd_check(int argc, char **argv)
{
	if (argc > 1 && tool_is_help(argv[1]))
		return usage(stdout);
	struct check_ctx *c = calloc(1, sizeof(*c));	/* boot_config is large for a stack */
	int status = 0;

	if (!c)
		return 1;
	c->timeout_ms = 3000;
	c->out = stdout;
	if (parse_args(argc, argv, c) < 0) {
		free(c);
		return usage(stderr);
	}
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		struct errbuf what = { "" };
		int rc = steps[i].run(c, &what);
		printf("check: %zu %s: %s: %s\n", i + 1, steps[i].name, rc < 0 ? "FAILED" : rc > 0 ? "skipped" : "ok",
		       what.msg);
		if (rc < 0) {
			status = (int)i + 1;
			break;
		}
	}
	fflush(stdout);
	free(c);
	return status;
}
