/* iPXE and UEFI HTTP boot: see ipxe.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "netboot/ipv4.h"
#include "server/ipxe.h"

#define OPT_USER_CLASS 77	/* RFC 3004; iPXE sends "iPXE" */
#define OPT_IPXE_ENCAP 175	/* iPXE's own encapsulated options */

static bool has_bytes(const uint8_t *b, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; i + n <= len; i++)
		if (!memcmp(b + i, needle, n))
			return true;
	return false;
}

enum boot_client boot_client_kind(const struct dhcp_msg *req)
{
	uint8_t b[DHCP_OPTS_MAX];
	size_t len;

	/* option 77 as iPXE sends it (the bare word) or as an RFC 3004 list */
	if (dhcp_opt_get(req, OPT_USER_CLASS, b, sizeof(b), &len) == 0 && has_bytes(b, len, "iPXE"))
		return BOOT_CLIENT_IPXE;
	if (dhcp_opt_get(req, OPT_IPXE_ENCAP, b, sizeof(b), &len) == 0)
		return BOOT_CLIENT_IPXE;
	if (dhcp_opt_get(req, DHCP_OPT_VENDOR_CLASS, b, sizeof(b), &len) == 0 &&
	    len >= strlen(HTTP_VENDOR_CLASS) && !memcmp(b, HTTP_VENDOR_CLASS, strlen(HTTP_VENDOR_CLASS)))
		return BOOT_CLIENT_HTTP;
	return dhcp_is_pxe_client(req) ? BOOT_CLIENT_PXE : BOOT_CLIENT_OTHER;
}

/* pxelinux and syslinux.efi by architecture (RFC 4578 option 93). */
static const char *syslinux_for(int arch)
{
	switch (arch) {
	case -1:	/* not a PXE client: the BIOS loader, as dnsmasq's dhcp-boot would */
	case 0: return "pxelinux.0";
	case 6: return "syslinux-ia32.efi";
	case 7:
	case 9: return "syslinux.efi";
	default: return NULL;	/* no loader for arm and others */
	}
}

/* Debian's ipxe package builds iPXE for BIOS and x86-64 UEFI only. */
static const char *ipxe_for(int arch)
{
	switch (arch) {
	case 0: return IPXE_BIOS_LOADER;
	case 7:
	case 9:
	case 16:	/* x64 UEFI HTTP boot */
		return IPXE_EFI_LOADER;
	default: return NULL;
	}
}

static void url(const struct serve_config *cfg, uint32_t ip, const char *name, char *out, size_t cap)
{
	char a[16], port[8] = "";
	if (cfg->http_port != 80)
		snprintf(port, sizeof(port), ":%u", cfg->http_port);
	snprintf(out, cap, "http://%s%s/%s", ipv4_ntoa(ip, a), port, name);
}

static void set_file(struct boot_offer *o, const char *name, const char *how)
{
	snprintf(o->file, sizeof(o->file), "%s", name ? name : "");
	o->how = name ? how : "no loader for this architecture";
}

void boot_offer_for(const struct dhcp_msg *req, const struct serve_config *cfg, uint32_t server_ip,
		    struct boot_offer *o)
{
	int arch = dhcp_client_arch(req);
	bool http = cfg->do_http && server_ip && cfg->ipxe != IPXE_OFF;

	memset(o, 0, sizeof(*o));
	o->kind = boot_client_kind(req);
	o->vendor_class = dhcp_is_pxe_client(req) ? DHCP_PXE_VENDOR_CLASS : NULL;
	switch (o->kind) {
	case BOOT_CLIENT_IPXE:
		if (http) {
			url(cfg, server_ip, IPXE_SCRIPT_NAME, o->file, sizeof(o->file));
			o->how = "iPXE script";
			return;
		}
		break;	/* iPXE runs pxelinux over TFTP as any PXE ROM would */
	case BOOT_CLIENT_HTTP:
		o->vendor_class = HTTP_VENDOR_CLASS;
		if (!http || !ipxe_for(arch)) {
			set_file(o, NULL, NULL);
			o->how = !http ? "none: UEFI HTTP boot needs the HTTP service (and iPXE not off)"
				       : "none: no iPXE for this architecture";
			return;
		}
		url(cfg, server_ip, ipxe_for(arch), o->file, sizeof(o->file));
		o->how = "UEFI HTTP boot of iPXE";
		return;
	case BOOT_CLIENT_PXE:
		if (cfg->ipxe == IPXE_CHAIN && http && ipxe_for(arch)) {
			set_file(o, ipxe_for(arch), "chain to iPXE");
			return;
		}
		break;
	case BOOT_CLIENT_OTHER:
		break;
	}
	set_file(o, syslinux_for(arch), "pxelinux");
}

int boot_entries(const struct serve_config *cfg, struct boot_entry *e, int max)
{
	static const char *const labels[] = { "netboot-http", "netboot-tftp", "netboot-nbd", "netboot-nfs" };
	int n = 0;

	/* the default entry first, then every other way this server can serve */
	for (int pass = 0; pass < 2; pass++)
		for (int k = STAGE3_HTTP; k <= STAGE3_NFS; k++) {
			bool offered = k == (int)cfg->stage3 ||
				       (k == STAGE3_HTTP && (cfg->do_http || cfg->http_url[0])) ||
				       (k == STAGE3_TFTP && cfg->do_tftp) || (k == STAGE3_NBD && cfg->do_nbd) ||
				       (k == STAGE3_NFS && cfg->nfs_url[0]);
			if (!offered || (pass == 0) != (k == (int)cfg->stage3))
				continue;
			if (n == max)
				return -ENOSPC;
			struct boot_entry *x = &e[n++];
			char arg[700];
			if (serve_config_stage3_arg(cfg, (enum stage3_kind)k, arg, sizeof(arg)) < 0)
				return -ENOSPC;
			snprintf(x->label, sizeof(x->label), "%s", labels[k]);
			snprintf(x->title, sizeof(x->title), "netboot: stage 3 over %s", stage3_name((enum stage3_kind)k));
			snprintf(x->kernel, sizeof(x->kernel), "%s", cfg->kernel);
			snprintf(x->initrd, sizeof(x->initrd), "%s", cfg->initrd);
			int w = snprintf(x->append, sizeof(x->append), "%s%s%s", arg, cfg->extra[0] ? " " : "", cfg->extra);
			if (w < 0 || (size_t)w >= sizeof(x->append))
				return -ENOSPC;
		}
	return n;
}

/* Appends to buf at *len; -ENOSPC when it does not fit. */
static int put(char *buf, size_t cap, size_t *len, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int put(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *len, cap - *len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= cap - *len)
		return -ENOSPC;
	*len += (size_t)n;
	return 0;
}

int ipxe_script(const struct boot_entry *e, int n, unsigned timeout_secs, char *buf, size_t cap)
{
	size_t len = 0;
	int rc = 0;

	if (n < 1 || cap == 0)
		return -EINVAL;
	rc |= put(buf, cap, &len, "#!ipxe\n# generated by netboot serve; put your own %s in the boot folder "
		  "to replace it\n", IPXE_SCRIPT_NAME);
	if (timeout_secs == 0 || n == 1) {
		rc |= put(buf, cap, &len, "goto %s\n", e[0].label);
	} else {
		/* pxelinux's TIMEOUT: the default boots when nobody chooses */
		rc |= put(buf, cap, &len, "menu netboot\n");
		for (int i = 0; i < n && !rc; i++)
			rc |= put(buf, cap, &len, "item %s %s\n", e[i].label, e[i].title);
		rc |= put(buf, cap, &len, "choose --default %s --timeout %u target || goto %s\ngoto ${target}\n",
			  e[0].label, timeout_secs * 1000, e[0].label);
	}
	/* names relative to the script's URL; initrd= for the EFI stub, as pxelinux passes it */
	for (int i = 0; i < n && !rc; i++)
		rc |= put(buf, cap, &len,
			  ":%s\nkernel %s initrd=%s %s BOOTIF=01-${netX/mac:hexhyp} || goto failed\n"
			  "initrd %s || goto failed\nboot || goto failed\n",
			  e[i].label, e[i].kernel, e[i].initrd, e[i].append, e[i].initrd);
	rc |= put(buf, cap, &len, ":failed\necho netboot serve: loading the kernel or initramfs failed; "
		  "the iPXE shell follows (\"exit\" leaves iPXE)\nshell\n");
	return rc ? -ENOSPC : (int)len;
}
