/* The resolved plan: which method each NIC gets, and the text form that
 * `netboot cmdline` prints and the tests compare. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include "netboot/ipv4.h"
#include "cmdline/internal.h"
#include "netboot/mac.h"

static const struct iface_plan *find_iface(const struct boot_config *cfg, const char *ifname)
{
	for (int i = 0; ifname[0] && i < cfg->nifaces; i++)
		if (!strcmp(cfg->ifaces[i].name, ifname))
			return &cfg->ifaces[i];
	return NULL;
}

static bool in_dhcp_list(const struct boot_config *cfg, const char *ifname)
{
	for (int i = 0; ifname[0] && i < cfg->ndhcp_only; i++)
		if (!strcmp(cfg->dhcp_only[i], ifname))
			return true;
	return false;
}

static bool any_static(const struct boot_config *cfg)
{
	for (int i = 0; i < cfg->nifaces; i++)
		if (cfg->ifaces[i].method == NET_STATIC || cfg->ifaces[i].method6 == NET6_STATIC)
			return true;
	return cfg->all.method == NET_STATIC || cfg->all.method6 == NET6_STATIC;
}

static enum net_method decide(const struct boot_config *cfg, const char *ifname,
			      const struct iface_plan **plan)
{
	const struct iface_plan *p = find_iface(cfg, ifname);

	if (p && p->method != NET_UNSET) {
		*plan = p;
		return p->method;
	}
	if (in_dhcp_list(cfg, ifname))
		return NET_DHCP;
	if (cfg->all.method != NET_UNSET) {
		*plan = &cfg->all;
		return cfg->all.method;
	}
	if (cfg->dodhcp)
		return cfg->ndhcp_only ? NET_OFF : NET_DHCP;
	if (cfg->nodhcp)
		return NET_OFF;
	if (cfg->source == SOURCE_NONE)
		return NET_UNSET;
	return any_static(cfg) ? NET_OFF : NET_DHCP;
}

enum net_method cmdline_iface_method(const struct boot_config *cfg, const char *ifname,
				     const struct iface_plan **plan)
{
	const struct iface_plan *p = NULL;
	enum net_method m = decide(cfg, ifname ? ifname : "", &p);

	if (plan)
		*plan = p;
	return m;
}

enum net6_method cmdline_iface_method6(const struct boot_config *cfg, const char *ifname,
				       const struct iface_plan **plan)
{
	const struct iface_plan *p = find_iface(cfg, ifname ? ifname : "");

	if (!p || p->method6 == NET6_UNSET)
		p = cfg->all.method6 != NET6_UNSET ? &cfg->all : NULL;
	if (plan)
		*plan = p;
	return p ? p->method6 : NET6_UNSET;
}

static bool zero6(const uint8_t a[16])
{
	static const uint8_t zero[16];
	return !memcmp(a, zero, 16);
}

/* iface6.<name>=...: only when the command line asks for IPv6. */
static void print_iface6(const struct boot_config *cfg, const char *ifname, FILE *out)
{
	static const char *const names[] = { "", "off", "auto6", "dhcp6", "static" };
	const struct iface_plan *p;
	enum net6_method m = cmdline_iface_method6(cfg, ifname, &p);
	char a[INET6_ADDRSTRLEN];

	if (m == NET6_UNSET || m == NET6_OFF)
		return;		/* ip=off: iface.<name>=off says it */
	fprintf(out, "iface6.%s=%s", ifname[0] ? ifname : "*", names[m]);
	if (m == NET6_STATIC) {
		const uint8_t *gw = zero6(p->gateway6) ? cfg->gateway6 : p->gateway6;
		fprintf(out, " %s/%u", inet_ntop(AF_INET6, p->addr6, a, sizeof(a)), p->prefix6);
		if (!zero6(gw))
			fprintf(out, " gw %s", inet_ntop(AF_INET6, gw, a, sizeof(a)));
	}
	fputc('\n', out);
}

static void print_iface(const struct boot_config *cfg, const char *ifname, FILE *out)
{
	const struct iface_plan *p;
	enum net_method m = cmdline_iface_method(cfg, ifname, &p);
	char a[16], g[16];
	uint32_t gw;

	switch (m) {
	case NET_UNSET:
		print_iface6(cfg, ifname, out);
		return;
	case NET_DHCP:
		fprintf(out, "iface.%s=dhcp", ifname[0] ? ifname : "*");
		break;
	case NET_OFF:
		fprintf(out, "iface.%s=off", ifname[0] ? ifname : "*");
		break;
	case NET_STATIC:
		gw = p->gateway ? p->gateway : cfg->gateway;
		fprintf(out, "iface.%s=static %s/%u", ifname[0] ? ifname : "*", ipv4_ntoa(p->addr, a), p->prefix);
		if (gw)
			fprintf(out, " gw %s", ipv4_ntoa(gw, g));
		break;
	}
	if (p && p->hostname[0])
		fprintf(out, " hostname %s", p->hostname);
	fputc('\n', out);
	print_iface6(cfg, ifname, out);
}

static void print_ifaces(const struct boot_config *cfg, FILE *out)
{
	print_iface(cfg, "", out);
	for (int i = 0; i < cfg->nifaces; i++)
		print_iface(cfg, cfg->ifaces[i].name, out);
	for (int i = 0; i < cfg->ndhcp_only; i++)
		if (!find_iface(cfg, cfg->dhcp_only[i]))
			print_iface(cfg, cfg->dhcp_only[i], out);
}

/* The checksum file of mirror u: beside the image for http/tftp, in the
 * image's directory under the NFS mount for nfs; none for NBD (the file, if
 * any, is inside the export) or when the form has no checksum file. */
static bool checksum_url(const struct boot_config *cfg, const struct url *u, struct url *out)
{
	const char *slash;
	size_t dirlen;
	int n;

	if (!cfg->sum_name[0] || u->scheme == URL_NBD)
		return false;
	if (u->scheme != URL_NFS) {
		return url_sibling(u, cfg->sum_name, out) == 0;
	}
	*out = *u;
	slash = strrchr(cfg->image_path, '/');
	dirlen = slash ? (size_t)(slash - cfg->image_path) + 1 : 0;
	n = snprintf(out->path, sizeof(out->path), "%s%s%.*s%s", u->path,
		     u->path[strlen(u->path) - 1] == '/' ? "" : "/", (int)dirlen, cfg->image_path, cfg->sum_name);
	return n > 0 && (size_t)n < sizeof(out->path);
}

static void print_source(const struct boot_config *cfg, FILE *out)
{
	static const char *const kinds[] = { "none", "http", "tftp", "nbd", "nfs" };
	char text[URL_TEXT_MAX];
	struct url sum;

	fprintf(out, "source=%s\n", (unsigned)cfg->source < 5 ? kinds[cfg->source] : "?");
	for (int i = 0; i < cfg->nurls; i++) {
		url_format(&cfg->urls[i], text, sizeof(text));
		fprintf(out, "url=%s\n", text);
		if (!cfg->checksum_arg[0] && cfg->check != CHECK_SKIP &&
		    checksum_url(cfg, &cfg->urls[i], &sum)) {
			url_format(&sum, text, sizeof(text));
			fprintf(out, "checksum_url=%s\n", text);
		}
	}
	if (cfg->image_path[0])
		fprintf(out, "image_path=%s\n", cfg->image_path);
	if (cfg->nbd_export[0])
		fprintf(out, "nbd_export=%s\n", cfg->nbd_export);
	if (cfg->server_from_dhcp)
		fprintf(out, "server=dhcp\n");
	if (cfg->checksum_arg[0])
		fprintf(out, "checksum=%s\n", cfg->checksum_arg);
	if (cfg->verity)
		fprintf(out, "verity=%s\n", cfg->verity_root[0] ? cfg->verity_root : "server");
	if (cfg->stream)
		fprintf(out, "stream=1\n");
	fprintf(out, "check=%s\n", cfg->check == CHECK_FORCE ? "force" : cfg->check == CHECK_SKIP ? "skip" : "default");
	if (cfg->proxy[0])
		fprintf(out, "proxy=%s\n", cfg->proxy);
}

static void print_mac(FILE *out, const char *key, const uint8_t m[6])
{
	char text[18];
	fprintf(out, "%s=%s\n", key, mac_format(m, text));
}

static void print_net(const struct boot_config *cfg, FILE *out)
{
	char a[16], a6[INET6_ADDRSTRLEN], key[32];

	print_ifaces(cfg, out);
	if (cfg->gateway)
		fprintf(out, "gateway=%s\n", ipv4_ntoa(cfg->gateway, a));
	for (int i = 0; i < cfg->ndns; i++)
		fprintf(out, "%s%s%s", i ? "," : "dns=", ipv4_ntoa(cfg->dns[i], a), i == cfg->ndns - 1 ? "\n" : "");
	if (!zero6(cfg->gateway6))
		fprintf(out, "gateway6=%s\n", inet_ntop(AF_INET6, cfg->gateway6, a6, sizeof(a6)));
	for (int i = 0; i < cfg->ndns6; i++)
		fprintf(out, "%s%s%s", i ? "," : "dns6=", inet_ntop(AF_INET6, cfg->dns6[i], a6, sizeof(a6)),
			i == cfg->ndns6 - 1 ? "\n" : "");
	if (cfg->dhcp_hostname[0])
		fprintf(out, "dhcp_hostname=%s\n", cfg->dhcp_hostname);
	if (cfg->bootif_set)
		print_mac(out, "bootif", cfg->bootif);
	for (int i = 0; i < cfg->nnameif; i++) {
		const struct nameif_rule *r = &cfg->nameif[i];
		snprintf(key, sizeof(key), "nameif.%s", r->name);
		if (r->bootif && !cfg->bootif_set)
			fprintf(out, "%s=BOOTIF\n", key);
		else
			print_mac(out, key, r->bootif ? cfg->bootif : r->mac);
	}
}

void cmdline_print(const struct boot_config *cfg, FILE *out)
{
	print_source(cfg, out);
	print_net(cfg, out);
	if (cfg->keymap[0])
		fprintf(out, "keymap=%s\n", cfg->keymap);
	fprintf(out, "cache=%s\n", cfg->docache ? "yes" : "no");
	if (cfg->subdir[0])
		fprintf(out, "subdir=%s\n", cfg->subdir);
	if (cfg->scandelay)
		fprintf(out, "scandelay=%d\n", cfg->scandelay);
	if (cfg->jitter)
		fprintf(out, "jitter=%d\n", cfg->jitter);
	if (cfg->nbd_timeout)
		fprintf(out, "nbdtimeout=%d\n", cfg->nbd_timeout);
	if (cfg->kernel_ifnames)
		fprintf(out, "ifnames=kernel\n");
	if (cfg->minishell)
		fprintf(out, "minishell=yes\n");
	if (cfg->init[0])
		fprintf(out, "init=%s\n", cfg->init);
}
