/* serve_config: defaults, flags on top of the pxebootsrv file
 * (pxebootsrv.c), the whole-config check and --print-config. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "netboot/ipv4.h"
#include "netboot/mac.h"
#include "server/pxebootsrv.h"

#define CONFIG_FILE_MAX (256 * 1024)
#define HOSTS_FILE_MAX (4 * 1024 * 1024)

void serve_config_defaults(struct serve_config *c)
{
	memset(c, 0, sizeof(*c));
	c->proxy_dhcp = true;	/* safe on a real LAN: never hands out addresses unless told */
	c->do_tftp = true;
	c->do_http = true;
	c->stage3 = STAGE3_HTTP;
	c->lease_secs = 3600;
	snprintf(c->initrd, sizeof(c->initrd), "initram.igz");
	snprintf(c->image, sizeof(c->image), "sysrcd.dat");
	c->dhcp_port = 67;
	c->proxy_port = 4011;
	c->tftp_port = 69;
	c->http_port = 80;
	c->nbd_port = 10809;
}

static int parse_addr(const char *s, uint32_t *out)
{
	return ipv4_parse(s, strlen(s), out) ? 0 : -EINVAL;
}

static int parse_port(const char *s, uint16_t *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || end == s || v == 0 || v > 65535)
		return -EINVAL;
	*out = (uint16_t)v;
	return 0;
}

static int copy_str(char *dst, size_t cap, const char *src)
{
	if (strlen(src) >= cap)
		return -EINVAL;
	memcpy(dst, src, strlen(src) + 1);
	return 0;
}

int stage3_parse(const char *s, enum stage3_kind *k)
{
	static const char *const names[] = { "http", "tftp", "nbd", "nfs" };
	for (int i = 0; i < 4; i++)
		if (!strcasecmp(s, names[i])) {
			*k = (enum stage3_kind)i;
			return 0;
		}
	return -EINVAL;
}

const char *stage3_name(enum stage3_kind k)
{
	static const char *const names[] = { "http", "tftp", "nbd", "nfs" };
	return (unsigned)k < 4 ? names[k] : "?";
}

/* Reads path into a malloc'd buffer of at most max bytes: 0, or a
 * negative errno with e saying "<what> <path>: why". */
static int read_bounded(const char *what, const char *path, size_t max, char **out, size_t *outlen,
			struct errbuf *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nb_fail(e, -errno, "%s %s: %s", what, path, strerror(errno));
	char *buf = malloc(max + 1);
	size_t len = 0;
	ssize_t n = 0;
	while (buf && len <= max && (n = read(fd, buf + len, max + 1 - len)) > 0)
		len += (size_t)n;
	int err = errno;
	close(fd);
	if (!buf)
		return nb_fail(e, -ENOMEM, "%s %s: out of memory", what, path);
	if (n < 0 || len > max) {
		free(buf);
		if (n < 0)
			return nb_fail(e, -err, "%s %s: %s", what, path, strerror(err));
		return nb_fail(e, -EFBIG, "%s %s: over %zu KiB", what, path, max / 1024);
	}
	*out = buf;
	*outlen = len;
	return 0;
}

/* Reads FILE into memory (bounded) and parses it. */
static int load_file(const char *path, struct serve_config *c, config_warn_fn warn, void *wctx,
		     struct errbuf *e)
{
	char *buf;
	size_t len;
	int rc = read_bounded("--config", path, CONFIG_FILE_MAX, &buf, &len, e);
	if (rc == -EFBIG)
		return nb_fail(e, rc, "--config %s: over %d KiB: expected a pxebootsrv file", path, CONFIG_FILE_MAX / 1024);
	if (rc)
		return rc;
	rc = serve_config_parse(buf, len, path, c, warn, wctx, e);
	free(buf);
	return rc;
}

/* The hosts file named, else the default one when it exists. */
static int load_hosts(struct serve_config *c, config_warn_fn warn, void *wctx, struct errbuf *e)
{
	const char *path = c->hosts_file[0] ? c->hosts_file : HOSTS_DEFAULT_FILE;
	char *buf;
	size_t len;
	hosts_free(&c->hosts);
	if (c->no_hosts || (!c->hosts_file[0] && access(path, F_OK) < 0))
		return 0;
	int rc = read_bounded("--hosts", path, HOSTS_FILE_MAX, &buf, &len, e);
	if (rc)
		return rc;
	rc = hosts_parse(buf, len, path, &c->hosts, warn, wctx, e);
	free(buf);
	if (rc)
		hosts_free(&c->hosts);
	else if (!c->hosts_file[0])
		snprintf(c->hosts_file, sizeof(c->hosts_file), "%s", path);
	return rc;
}

/* The flag table: name, whether it takes a value, and what it sets. */
enum flag_id {
	F_CONFIG, F_BOOT_DIR, F_INTERFACE, F_LEASES, F_DHCP_RANGE, F_PROXY, F_DHCP, F_NO_DHCP, F_LOCAL_IP,
	F_SUBNET, F_NETMASK, F_ROUTER, F_DNS, F_LEASE_TIME, F_TFTP_SERVER, F_HTTP_URL, F_NFS_URL, F_STAGE3,
	F_TIMEOUT, F_EXTRA, F_KERNEL, F_INITRD, F_IMAGE, F_USER, F_DHCP_PORT, F_PROXY_PORT, F_TFTP_PORT,
	F_HTTP_PORT, F_NBD_PORT, F_NO_TFTP, F_NO_HTTP, F_NO_NBD, F_PRINT, F_MIRRORS, F_LISTEN, F_HOSTS, F_NO_HOSTS,
	F_DEFAULT_IMAGE, F_STATUS_ALLOW, F_IPXE, F_NO_IPXE,
};
static const struct {
	const char *name;
	int nargs;
	enum flag_id id;
	const char *expect;
} flags[] = {
	{ "--config", 1, F_CONFIG, "a pxebootsrv file" },
	{ "--boot-dir", 1, F_BOOT_DIR, "a folder" },
	{ "--interface", 1, F_INTERFACE, "an interface name" },
	{ "--leases", 1, F_LEASES, "a file" },
	{ "--dhcp-range", 2, F_DHCP_RANGE, "two addresses A B" },
	{ "--proxy-dhcp", 0, F_PROXY, NULL },
	{ "--dhcp", 0, F_DHCP, NULL },
	{ "--no-dhcp", 0, F_NO_DHCP, NULL },
	{ "--local-ip", 1, F_LOCAL_IP, "an IPv4 address" },
	{ "--listen", 1, F_LISTEN, "an IPv4 address of this machine" },
	{ "--subnet", 1, F_SUBNET, "an IPv4 address" },
	{ "--netmask", 1, F_NETMASK, "a contiguous netmask" },
	{ "--router", 1, F_ROUTER, "an IPv4 address" },
	{ "--dns", 1, F_DNS, "an IPv4 address (repeat for more)" },
	{ "--lease-time", 1, F_LEASE_TIME, "seconds >= 60" },
	{ "--tftp-server", 1, F_TFTP_SERVER, "an IPv4 address" },
	{ "--http-url", 1, F_HTTP_URL, "http://host[:port]/path" },
	{ "--nfs-url", 1, F_NFS_URL, "nfs://host:/dir" },
	{ "--stage3", 1, F_STAGE3, "http, tftp, nbd or nfs" },
	{ "--timeout", 1, F_TIMEOUT, "seconds 0..3600" },
	{ "--extra", 1, F_EXTRA, "kernel arguments" },
	{ "--kernel", 1, F_KERNEL, "a file name in the boot folder" },
	{ "--initrd", 1, F_INITRD, "a file name in the boot folder" },
	{ "--image", 1, F_IMAGE, "a file name in the boot folder" },
	{ "--user", 1, F_USER, "a user name" },
	{ "--dhcp-port", 1, F_DHCP_PORT, "a port 1..65535" },
	{ "--proxy-port", 1, F_PROXY_PORT, "a port 1..65535" },
	{ "--tftp-port", 1, F_TFTP_PORT, "a port 1..65535" },
	{ "--http-port", 1, F_HTTP_PORT, "a port 1..65535" },
	{ "--nbd-port", 1, F_NBD_PORT, "a port 1..65535" },
	{ "--no-tftp", 0, F_NO_TFTP, NULL },
	{ "--no-http", 0, F_NO_HTTP, NULL },
	{ "--no-nbd", 0, F_NO_NBD, NULL },
	{ "--print-config", 0, F_PRINT, NULL },
	{ "--hosts", 1, F_HOSTS, "a hosts file (MAC [address] [name] [image=NAME] [args=\"...\"] a line)" },
	{ "--no-hosts", 0, F_NO_HOSTS, NULL },
	{ "--default-image", 1, F_DEFAULT_IMAGE, "an image name (a folder under DIR/images)" },
	{ "--ipxe", 0, F_IPXE, NULL },
	{ "--no-ipxe", 0, F_NO_IPXE, NULL },
	{ "--mirrors", 2, F_MIRRORS, "a subnet and its mirror URLs: 198.51.100.0/24 http://198.51.100.10/sysrcd.dat[,URL...]" },
	{ "--status-allow", 1, F_STATUS_ALLOW, "a subnet like 192.0.2.0/24 or an address (repeat for more, at most 16)" },
};
#define NFLAGS (sizeof(flags) / sizeof(flags[0]))

static int file_name_ok(const char *s)
{
	return *s && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

/* --mirrors CIDR URLS: the first free slot (the file's numbered keys keep theirs). */
static int add_mirrors(struct serve_config *c, const char *cidr, const char *urls)
{
	char both[1024];
	struct mirror_map m;
	int i = 0;
	if (snprintf(both, sizeof(both), "%s %s", cidr, urls) >= (int)sizeof(both) ||
	    mirror_map_parse(both, strlen(both), &m))
		return -EINVAL;
	while (i < SERVE_MAX_MIRROR_MAPS && c->mirrors[i].urls[0])
		i++;
	if (i == SERVE_MAX_MIRROR_MAPS)
		return -EINVAL;
	c->mirrors[i] = m;
	return 0;
}

static int apply_flag(enum flag_id id, char **v, struct serve_config *c, bool *print_only)
{
	unsigned long n;
	char *end;
	switch (id) {
	case F_CONFIG: return 0;	/* loaded first */
	case F_BOOT_DIR: return copy_str(c->boot_dir, sizeof(c->boot_dir), v[0]);
	case F_INTERFACE: return copy_str(c->interface, sizeof(c->interface), v[0]);
	case F_LEASES: return copy_str(c->leases_file, sizeof(c->leases_file), v[0]);
	case F_DHCP_RANGE:
		if (parse_addr(v[0], &c->range_start) || parse_addr(v[1], &c->range_end) ||
		    ntohl(c->range_start) > ntohl(c->range_end))
			return -EINVAL;
		c->do_dhcp = true, c->proxy_dhcp = false;	/* a range means: hand out addresses */
		return 0;
	case F_PROXY: c->proxy_dhcp = true, c->do_dhcp = false; return 0;
	case F_DHCP: c->do_dhcp = true, c->proxy_dhcp = false; return 0;
	case F_NO_DHCP: c->do_dhcp = false, c->proxy_dhcp = false; return 0;
	case F_LOCAL_IP: return parse_addr(v[0], &c->local_ip);
	case F_LISTEN: return parse_addr(v[0], &c->listen_ip);
	case F_SUBNET: return parse_addr(v[0], &c->subnet);
	case F_NETMASK:
		return parse_addr(v[0], &c->netmask) || ipv4_mask_prefix(c->netmask) < 0 ? -EINVAL : 0;
	case F_ROUTER: return parse_addr(v[0], &c->router);
	case F_DNS:
		if (c->ndns == SERVE_MAX_DNS)
			return -EINVAL;
		return parse_addr(v[0], &c->dns[c->ndns++]);
	case F_LEASE_TIME:
		n = strtoul(v[0], &end, 10);
		if (*end || end == v[0] || n < 60 || n > 0x7fffffffUL)
			return -EINVAL;
		c->lease_secs = (uint32_t)n;
		return 0;
	case F_TFTP_SERVER: return parse_addr(v[0], &c->tftp_server);
	case F_HTTP_URL:
		if (strncmp(v[0], "http://", 7))
			return -EINVAL;
		return copy_str(c->http_url, sizeof(c->http_url), v[0]);
	case F_NFS_URL:
		if (strncmp(v[0], "nfs://", 6))
			return -EINVAL;
		c->do_nfs = true;
		return copy_str(c->nfs_url, sizeof(c->nfs_url), v[0]);
	case F_STAGE3:
		c->stage3_set = true;
		return stage3_parse(v[0], &c->stage3);
	case F_TIMEOUT:
		n = strtoul(v[0], &end, 10);
		if (*end || end == v[0] || n > 3600)
			return -EINVAL;
		c->timeout_secs = (unsigned)n;
		return 0;
	case F_EXTRA: return copy_str(c->extra, sizeof(c->extra), v[0]);
	case F_KERNEL: return file_name_ok(v[0]) ? copy_str(c->kernel, sizeof(c->kernel), v[0]) : -EINVAL;
	case F_INITRD: return file_name_ok(v[0]) ? copy_str(c->initrd, sizeof(c->initrd), v[0]) : -EINVAL;
	case F_IMAGE: return file_name_ok(v[0]) ? copy_str(c->image, sizeof(c->image), v[0]) : -EINVAL;
	case F_USER: return copy_str(c->user, sizeof(c->user), v[0]);
	case F_DHCP_PORT: return parse_port(v[0], &c->dhcp_port);
	case F_PROXY_PORT: return parse_port(v[0], &c->proxy_port);
	case F_TFTP_PORT: return parse_port(v[0], &c->tftp_port);
	case F_HTTP_PORT: return parse_port(v[0], &c->http_port);
	case F_NBD_PORT:
		c->do_nbd = true;
		return parse_port(v[0], &c->nbd_port);
	case F_NO_TFTP: c->do_tftp = false; return 0;
	case F_NO_HTTP: c->do_http = false; return 0;
	case F_NO_NBD: c->do_nbd = false; return 0;
	case F_PRINT: *print_only = true; return 0;
	case F_MIRRORS: return add_mirrors(c, v[0], v[1]);
	case F_HOSTS: c->no_hosts = false; return copy_str(c->hosts_file, sizeof(c->hosts_file), v[0]);
	case F_NO_HOSTS: c->no_hosts = true; return 0;
	case F_DEFAULT_IMAGE:
		return hosts_image_name_ok(v[0], strlen(v[0])) ? copy_str(c->default_image, sizeof(c->default_image), v[0])
							       : -EINVAL;
	case F_STATUS_ALLOW: return status_allow_parse(v[0], strlen(v[0]), &c->status_allow) ? -EINVAL : 0;
	case F_IPXE: c->ipxe = IPXE_CHAIN; return 0;
	case F_NO_IPXE: c->ipxe = IPXE_OFF; return 0;
	}
	return -EINVAL;
}

int serve_config_from_args(int argc, char **argv, struct serve_config *c, bool *print_only,
			   config_warn_fn warn, void *warn_ctx, struct errbuf *e)
{
	bool allow_flag = false;
	*print_only = false;
	/* the file first, so that flags win wherever they stand */
	for (int i = 0; i + 1 < argc; i++)
		if (!strcmp(argv[i], "--config")) {
			int rc = load_file(argv[i + 1], c, warn, warn_ctx, e);
			if (rc)
				return rc;
		} else if (!strcmp(argv[i], "--status-allow")) {
			allow_flag = true;
		}
	if (allow_flag)	/* the flags' list replaces the file's */
		c->status_allow.n = 0;
	for (int i = 0; i < argc; i++) {
		size_t f = 0;
		while (f < NFLAGS && strcmp(argv[i], flags[f].name))
			f++;
		if (f == NFLAGS)
			return nb_fail(e, -EINVAL, "unknown option '%s' (netboot serve --help lists them)", argv[i]);
		if (i + flags[f].nargs >= argc)
			return nb_fail(e, -EINVAL, "%s: expected %s", argv[i], flags[f].expect);
		if (apply_flag(flags[f].id, argv + i + 1, c, print_only))
			return nb_fail(e, -EINVAL, "%s %s: expected %s", argv[i], argv[i + 1], flags[f].expect);
		i += flags[f].nargs;
	}
	/* HTTP by default; when it is off and nothing was chosen, the next
	 * transport this server offers */
	if (!c->stage3_set && c->stage3 == STAGE3_HTTP && !c->do_http && !c->http_url[0])
		c->stage3 = c->do_nbd ? STAGE3_NBD : c->nfs_url[0] ? STAGE3_NFS : STAGE3_TFTP;
	return load_hosts(c, warn, warn_ctx, e);
}

static bool in_subnet(const struct serve_config *c, uint32_t a)
{
	return (a & c->netmask) == (c->subnet & c->netmask);
}

int serve_config_validate(const struct serve_config *c, struct errbuf *e)
{
	char a[16], b[16], net[16];
	if (!c->boot_dir[0])
		return nb_fail(e, -EINVAL, "no boot folder: give --boot-dir DIR (the kernel, initram.igz, sysrcd.dat)");
	if (c->do_dhcp) {
		if (!c->range_start || !c->range_end)
			return nb_fail(e, -EINVAL, "DHCP server without a range: set PXEBOOTSRV_DHCPRANGE or "
				       "--dhcp-range A B (or --proxy-dhcp beside an existing DHCP server)");
		if (!c->netmask)
			return nb_fail(e, -EINVAL, "DHCP server without a netmask: set PXEBOOTSRV_NETMASK or --netmask");
		if (c->subnet && (!in_subnet(c, c->range_start) || !in_subnet(c, c->range_end)))
			return nb_fail(e, -EINVAL, "DHCP range %s - %s is outside the subnet %s/%d",
				       ipv4_ntoa(c->range_start, a), ipv4_ntoa(c->range_end, b),
				       ipv4_ntoa(c->subnet, net), ipv4_mask_prefix(c->netmask));
		if (ntohl(c->range_end) - ntohl(c->range_start) >= 65536)
			return nb_fail(e, -EINVAL, "DHCP range over 65536 addresses");
	}
	if (c->stage3 == STAGE3_NFS && !c->nfs_url[0])
		return nb_fail(e, -EINVAL, "stage 3 over NFS needs --nfs-url nfs://host:/dir (PXEBOOTSRV_NFSURL)");
	if (c->stage3 == STAGE3_NBD && !c->do_nbd)
		return nb_fail(e, -EINVAL, "stage 3 over NBD needs the NBD service: PXEBOOTSRV_DONBD=\"yes\" or --nbd-port");
	if (c->stage3 == STAGE3_HTTP && !c->do_http && !c->http_url[0])
		return nb_fail(e, -EINVAL, "stage 3 over HTTP with the HTTP service off: set PXEBOOTSRV_HTTPSERVER");
	if (c->stage3 == STAGE3_TFTP && !c->do_tftp)
		return nb_fail(e, -EINVAL, "stage 3 over TFTP with the TFTP service off");
	return 0;
}

/* A fixed address the segment cannot give: why, or NULL. */
static const char *fixed_refused(const struct serve_config *c, uint32_t ip, uint32_t net)
{
	if ((ip & c->netmask) != net)
		return "outside the subnet";
	if (ip == net || ip == (net | ~c->netmask))
		return "the subnet's network or broadcast address";
	if (ip == c->local_ip)
		return "this server's own address";
	if (ip == c->router)
		return "the router's address";
	return NULL;
}

int serve_config_check_hosts(const struct serve_config *c, config_warn_fn warn, void *warn_ctx, struct errbuf *e)
{
	char a[16], n[16], r[16], msg[512];
	int fixed = 0;
	uint32_t net = (c->subnet ? c->subnet : c->range_start) & c->netmask;
	for (int i = 0; i < c->hosts.n; i++) {
		const struct host *h = &c->hosts.h[i];
		if (!h->ip)
			continue;
		fixed++;
		const char *why = c->do_dhcp && c->netmask ? fixed_refused(c, h->ip, net) : NULL;
		if (why)
			return nb_fail(e, -EINVAL, "%s line %u: %s: %s %s/%d: expected an address this DHCP server can "
				       "give on its segment", c->hosts_file, h->line, ipv4_ntoa(h->ip, a), why,
				       ipv4_ntoa(net, n), ipv4_mask_prefix(c->netmask));
		uint32_t hip = ntohl(h->ip);
		if (c->do_dhcp && warn && hip >= ntohl(c->range_start) && hip <= ntohl(c->range_end)) {
			snprintf(msg, sizeof(msg), "%.200s line %u: %s is inside the dynamic range %s - %s: reserved for "
				 "this host, never given to another", c->hosts_file, h->line, ipv4_ntoa(h->ip, a),
				 ipv4_ntoa(c->range_start, n), ipv4_ntoa(c->range_end, r));
			warn(warn_ctx, msg);
		}
	}
	if (fixed && !c->do_dhcp && warn) {
		snprintf(msg, sizeof(msg), "%.200s: %d fixed address%s not given out: this server is %s (the LAN's DHCP "
			 "server gives addresses); host names are not sent either; images and args apply",
			 c->hosts_file, fixed, fixed == 1 ? " is" : "es are", c->proxy_dhcp ? "a proxy-DHCP" : "no DHCP server");
		warn(warn_ctx, msg);
	}
	return 0;
}

/* The server address clients reach us at: LOCALIP, or the TFTP server. */
static uint32_t self_addr(const struct serve_config *c)
{
	return c->local_ip ? c->local_ip : c->tftp_server;
}

const char *serve_url_host(const struct serve_config *c, const struct sockaddr *local, char buf[SERVE_HOST_MAX])
{
	static const uint8_t zero[16];
	char a[INET6_ADDRSTRLEN];
	uint32_t v4 = self_addr(c);
	if (local && local->sa_family == AF_INET6) {
		const struct in6_addr *in6 = &((const struct sockaddr_in6 *)(const void *)local)->sin6_addr;
		if (!IN6_IS_ADDR_V4MAPPED(in6)) {
			inet_ntop(AF_INET6, memcmp(c->local_ip6, zero, 16) ? (const void *)c->local_ip6 : (const void *)in6,
				  a, sizeof(a));
			snprintf(buf, SERVE_HOST_MAX, "[%s]", a);
			return buf;
		}
		if (!v4)
			memcpy(&v4, in6->s6_addr + 12, 4);
	} else if (local && local->sa_family == AF_INET && !v4) {
		v4 = ((const struct sockaddr_in *)(const void *)local)->sin_addr.s_addr;
	}
	return ipv4_ntoa(v4, buf);
}

int serve_config_stage3_arg(const struct serve_config *c, enum stage3_kind k, const char *host, char *buf, size_t cap)
{
	char port[8] = "", own[SERVE_HOST_MAX];
	const char *ip = host ? host : serve_url_host(c, NULL, own);
	int n;
	switch (k) {
	case STAGE3_HTTP:
		if (c->http_url[0]) {
			n = snprintf(buf, cap, "netboot=%s", c->http_url);
			break;
		}
		if (c->http_port != 80)
			snprintf(port, sizeof(port), ":%u", c->http_port);
		n = snprintf(buf, cap, "netboot=http://%s%s/%s", ip, port, c->image);
		break;
	case STAGE3_TFTP:
		if (c->tftp_port != 69)
			snprintf(port, sizeof(port), ":%u", c->tftp_port);
		n = snprintf(buf, cap, "netboot=tftp://%s%s/%s", ip, port, c->image);
		break;
	case STAGE3_NBD:
		n = snprintf(buf, cap, "netboot=nbd://%s:%u/%s", ip, c->nbd_port, c->image);
		break;
	case STAGE3_NFS:
		n = snprintf(buf, cap, "netboot=%s", c->nfs_url);
		break;
	default:
		return -EINVAL;
	}
	return n < 0 || (size_t)n >= cap ? -ENOSPC : n;
}

static void print_dhcp6(const struct serve_config *c, FILE *out)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	static const uint8_t zero[16];

	fprintf(out, "dhcp6 = %s\n", !c->do_dhcp6 ? "off" : !c->proxy_dhcp && c->has_range6 ? "server" : "proxy");
	fprintf(out, "dhcp6_range = %s %s\n", c->has_range6 ? inet_ntop(AF_INET6, c->range6_start, a, sizeof(a)) : "",
		c->has_range6 ? inet_ntop(AF_INET6, c->range6_end, b, sizeof(b)) : "");
	fprintf(out, "dns6 =");
	for (int i = 0; i < c->ndns6; i++)
		fprintf(out, " %s", inet_ntop(AF_INET6, c->dns6[i], a, sizeof(a)));
	if (c->ra_prefix_len)
		fprintf(out, "\nra = %s/%u", inet_ntop(AF_INET6, c->ra_prefix, b, sizeof(b)), c->ra_prefix_len);
	else
		fprintf(out, "\nra = %s", c->ra_send ? "yes" : "no");
	fprintf(out, "\nlocal_ip6 = %s\n", memcmp(c->local_ip6, zero, 16) ? inet_ntop(AF_INET6, c->local_ip6, a, sizeof(a))
									 : "(the interface's)");
}

void serve_config_print(const struct serve_config *c, FILE *out)
{
	char a[16], arg[700];
	const char *dhcp = c->do_dhcp ? "server" : c->proxy_dhcp ? "proxy" : "off";
	fprintf(out, "dhcp = %s\n", dhcp);
	fprintf(out, "tftp = %s\nhttp = %s\nnbd = %s\nnfs = %s\n", c->do_tftp ? "yes" : "no",
		c->do_http ? "yes" : "no", c->do_nbd ? "yes" : "no", c->do_nfs ? "yes" : "no");
	fprintf(out, "interface = %s\n", c->interface[0] ? c->interface : "(all)");
	fprintf(out, "local_ip = %s\n", ipv4_ntoa(c->local_ip, a));
	fprintf(out, "listen = %s\n", c->listen_ip ? ipv4_ntoa(c->listen_ip, a) : "(all)");
	fprintf(out, "subnet = %s\n", ipv4_ntoa(c->subnet, a));
	fprintf(out, "netmask = %s\n", ipv4_ntoa(c->netmask, a));
	fprintf(out, "router = %s\n", ipv4_ntoa(c->router, a));
	fprintf(out, "dns =");
	for (int i = 0; i < c->ndns; i++)
		fprintf(out, " %s", ipv4_ntoa(c->dns[i], a));
	fprintf(out, "\ndhcp_range = %s", ipv4_ntoa(c->range_start, a));
	fprintf(out, " %s\n", ipv4_ntoa(c->range_end, a));
	fprintf(out, "lease_time = %u\n", c->lease_secs);
	print_dhcp6(c, out);
	fprintf(out, "next_server = %s\n", ipv4_ntoa(c->tftp_server ? c->tftp_server : c->local_ip, a));
	fprintf(out, "boot_dir = %s\n", c->boot_dir);
	fprintf(out, "leases = %s\n", c->leases_file[0] ? c->leases_file : "/var/lib/netboot/leases");
	fprintf(out, "kernel = %s\ninitrd = %s\nimage = %s\n", c->kernel[0] ? c->kernel : "(found at start)",
		c->initrd, c->image);
	fprintf(out, "stage3 = %s\n", stage3_name(c->stage3));
	/* no IPv4 address (IPv6 only): each client's menu names the address it reached */
	if (serve_config_stage3_arg(c, c->stage3, self_addr(c) ? NULL : "<address reached>", arg, sizeof(arg)) > 0)
		fprintf(out, "append = %s\n", arg);
	fprintf(out, "timeout = %u\nextra = %s\n", c->timeout_secs, c->extra);
	static const char *const ipxe[] = { "auto (iPXE clients get boot.ipxe)", "yes (PXE ROMs chained to iPXE)",
					    "no (pxelinux for every client)" };
	fprintf(out, "ipxe = %s\n", ipxe[c->ipxe]);
	fprintf(out, "ports = dhcp %u, proxy %u, tftp %u, http %u, nbd %u\n", c->dhcp_port, c->proxy_port,
		c->tftp_port, c->http_port, c->nbd_port);
	fprintf(out, "user = %s\n", c->user[0] ? c->user : "(unchanged)");
	char allow[STATUS_ALLOW_MAX * 20];
	fprintf(out, "status_allow = %s\n", c->status_allow.n ? status_allow_format(&c->status_allow, allow, sizeof(allow)) :
		"(loopback, the served subnet and that of the interface holding the local address; "
		"IPv6: ::1 and the prefix of the address a client reached)");
	for (int i = 0; i < SERVE_MAX_MIRROR_MAPS; i++)
		if (c->mirrors[i].urls[0])
			fprintf(out, "mirrors = %s/%u %s\n", ipv4_ntoa(c->mirrors[i].net, a), c->mirrors[i].prefix,
				c->mirrors[i].urls);
	fprintf(out, "default_image = %s\n", c->default_image[0] ? c->default_image : "(the top level, else the first)");
	fprintf(out, "hosts_file = %s (%d host%s)\n", c->hosts.n || c->hosts_file[0] ? c->hosts_file : "(none)",
		c->hosts.n, c->hosts.n == 1 ? "" : "s");
	for (int i = 0; i < c->hosts.n; i++) {
		const struct host *h = &c->hosts.h[i];
		char m[18];
		fprintf(out, "host = %s %s", mac_format(h->mac, m), h->ip ? ipv4_ntoa(h->ip, a) : "(pool)");
		if (h->name[0])
			fprintf(out, " name=%s", h->name);
		fprintf(out, " image=%s", h->image[0] ? h->image : "(default)");
		if (h->args[0])
			fprintf(out, " args=\"%s\"", h->args);
		fputc('\n', out);
	}
}
