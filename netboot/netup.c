#include "netboot/ipv4.h"
#include "netboot/mac.h"
#include "netboot/mkdir_p.h"
#include "netboot/netlog.h"
#include "netboot/netup.h"
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* --- listing interfaces --- */

static int read_small(const char *dir, const char *name, const char *file, char *buf, size_t cap)
{
	char path[PATH_MAX];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s/%s", dir, name, file);
	if (!(f = fopen(path, "re")))
		return -errno;
	n = fread(buf, 1, cap - 1, f);
	fclose(f);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	return 0;
}

/* eth2 before eth10: digit runs compare by value. */
static int natural_cmp(const void *pa, const void *pb)
{
	const char *a = ((const struct net_iface *)pa)->name, *b = ((const struct net_iface *)pb)->name;

	while (*a && *b) {
		if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
			char *ea, *eb;
			unsigned long x = strtoul(a, &ea, 10), y = strtoul(b, &eb, 10);
			if (x != y)
				return x < y ? -1 : 1;
			a = ea;
			b = eb;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int net_list_ifaces(const char *sysfs_net, struct net_iface *out, int max, struct errbuf *e)
{
	DIR *d = opendir(sysfs_net);
	struct dirent *de;
	char buf[64];
	int n = 0;

	if (!d)
		return nb_fail(e, -errno, "cannot list network interfaces in %s: %s", sysfs_net, strerror(errno));
	while ((de = readdir(d)) && n < max) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "lo") || strlen(de->d_name) >= sizeof(out->name))
			continue;
		if (read_small(sysfs_net, de->d_name, "type", buf, sizeof(buf)) < 0 || strcmp(buf, "1"))
			continue;
		memset(&out[n], 0, sizeof(out[n]));
		snprintf(out[n].name, sizeof(out[n].name), "%.15s", de->d_name);
		memcpy(out[n].kernel_name, out[n].name, sizeof(out[n].name));
		if (read_small(sysfs_net, de->d_name, "address", buf, sizeof(buf)) == 0)
			mac_parse(buf, strlen(buf), out[n].mac);
		n++;
	}
	closedir(d);
	qsort(out, (size_t)n, sizeof(*out), natural_cmp);
	return n;
}

/* --- configuration --- */

static void add_dns(struct net_ifconf *c, uint32_t a)
{
	for (int i = 0; i < c->ndns; i++)
		if (c->dns[i] == a)
			return;
	if (a && c->ndns < NET_MAX_DNS)
		c->dns[c->ndns++] = a;
}

void net_ifconf_from_lease(struct net_ifconf *c, const char *ifname, const uint8_t mac[6],
			   const struct dhcp_lease *l, const uint32_t *dns, int ndns)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->ifname, sizeof(c->ifname), "%.15s", ifname);
	c->method = NET_DHCP;
	memcpy(c->hwaddr, mac, 6);
	c->addr = l->addr;
	c->prefix = l->prefix;
	c->broadcast = l->broadcast;
	c->gateway = l->router;
	for (int i = 0; i < ndns; i++)
		add_dns(c, dns[i]);
	for (int i = 0; i < l->ndns; i++)
		add_dns(c, l->dns[i]);
	snprintf(c->domain, sizeof(c->domain), "%s", l->domain);
	snprintf(c->hostname, sizeof(c->hostname), "%s", l->hostname);
	c->dhcp_server = l->server_id;
	c->next_server = l->siaddr;
	snprintf(c->bootfile, sizeof(c->bootfile), "%s", l->bootfile);
	snprintf(c->tftp_server, sizeof(c->tftp_server), "%s", l->tftp_server);
	c->lease_secs = l->lease_secs;
	c->mtu = l->mtu;
}

void net_ifconf_static(struct net_ifconf *c, const char *ifname, const uint8_t mac[6], uint32_t addr,
		       uint8_t prefix, uint32_t gateway, const uint32_t *dns, int ndns,
		       const char *hostname, size_t hostname_len)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->ifname, sizeof(c->ifname), "%.15s", ifname);
	c->method = NET_STATIC;
	memcpy(c->hwaddr, mac, 6);
	c->addr = addr;
	c->prefix = prefix;
	if (c->prefix < 31)
		c->broadcast = c->addr | ~ipv4_prefix_mask(c->prefix);
	c->gateway = gateway;
	for (int i = 0; i < ndns; i++)
		add_dns(c, dns[i]);
	nb_sanitize(c->hostname, sizeof(c->hostname), hostname, hostname_len);
}

static int apply(struct rtnl *nl, struct net_ifconf *c, bool route, FILE *log, struct errbuf *e)
{
	struct rtnl_link l;
	struct errbuf sub;
	char a[16];
	int rc;

	if ((rc = rtnl_link_get(nl, 0, c->ifname, &l, &sub)) < 0)
		return nb_fail(e, rc, "%s: %s", c->ifname, sub.msg);
	if (c->mtu && c->mtu != l.mtu) {
		if (rtnl_link_mtu(nl, l.ifindex, c->mtu, &sub) < 0) {
			net_log(log, "%s: MTU %u refused (%s), keeping %u", c->ifname, c->mtu, sub.msg, l.mtu);
		} else {
			net_log(log, "%s: MTU %u", c->ifname, c->mtu);
			l.mtu = c->mtu;
		}
	}
	c->mtu = l.mtu;
	if ((rc = rtnl_addr_add(nl, l.ifindex, c->addr, c->prefix, c->broadcast, &sub)) < 0)
		return nb_fail(e, rc, "%s: cannot add address %s/%u: %s", c->ifname, ipv4_ntoa(c->addr, a),
			       c->prefix, sub.msg);
	net_log(log, "%s: address %s/%u", c->ifname, ipv4_ntoa(c->addr, a), c->prefix);
	if (route && c->gateway)
		net_route_via(nl, c, log);
	return 0;
}

int net_route_via(struct rtnl *nl, const struct net_ifconf *c, FILE *log)
{
	uint32_t mask = ipv4_prefix_mask(c->prefix);
	bool onlink = (c->gateway & mask) != (c->addr & mask);
	struct rtnl_link l;
	struct errbuf sub;
	char a[16];
	int rc;

	if ((rc = rtnl_link_get(nl, 0, c->ifname, &l, &sub)) < 0 ||
	    (rc = rtnl_route_default(nl, l.ifindex, c->gateway, onlink, &sub)) < 0)
		net_log(log, "%s: default route via %s failed: %s", c->ifname, ipv4_ntoa(c->gateway, a), sub.msg);
	else
		net_log(log, "%s: default route via %s%s", c->ifname, ipv4_ntoa(c->gateway, a),
		    onlink ? " (outside the subnet: on-link)" : "");
	return rc;
}

int net_apply(struct rtnl *nl, struct net_ifconf *c, FILE *log, struct errbuf *e)
{
	return apply(nl, c, true, log, e);
}

int net_apply_addr(struct rtnl *nl, struct net_ifconf *c, FILE *log, struct errbuf *e)
{
	return apply(nl, c, false, log, e);
}

/* --- files --- */

void net_shell_safe(char *dst, size_t cap, const char *src)
{
	size_t i;

	if (!cap)
		return;
	for (i = 0; src[i] && i + 1 < cap; i++) {
		char ch = src[i];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
			  (ch && strchr("._:/@%+,=-", ch));
		dst[i] = ok ? ch : '_';
	}
	dst[i] = '\0';
}

static void put_addr(FILE *out, const char *key, uint32_t a)
{
	char b[16];
	fprintf(out, "%s=%s\n", key, a ? ipv4_ntoa(a, b) : "");
}

static void put_str(FILE *out, const char *key, const char *s)
{
	char b[256];
	net_shell_safe(b, sizeof(b), s);
	fprintf(out, "%s=%s\n", key, b);
}

static void put_addr6(FILE *out, const char *key, const uint8_t a[16], bool have)
{
	char b[INET6_ADDRSTRLEN];
	fprintf(out, "%s=%s\n", key, have ? inet_ntop(AF_INET6, a, b, sizeof(b)) : "");
}

/* The IPv6 keys, always present, empty without IPv6. */
static void format_handover6(const struct net_ifconf *c, FILE *out)
{
	static const uint8_t zero[16];
	bool v6 = c->has6;

	put_str(out, "IPV6METHOD", v6 ? c->method6 : "");
	put_addr6(out, "IPV6ADDR", c->addr6, v6);
	if (v6)
		fprintf(out, "IPV6PREFIX=%u\n", c->prefix6);
	else
		fprintf(out, "IPV6PREFIX=\n");
	put_addr6(out, "IPV6GATEWAY", c->gateway6, v6 && memcmp(c->gateway6, zero, 16));
	put_addr6(out, "IPV6DNS0", c->dns6[0], v6 && c->ndns6 > 0);
	put_addr6(out, "IPV6DNS1", c->dns6[1], v6 && c->ndns6 > 1);
	if (v6 && !strcmp(c->method6, "dhcpv6"))	/* the binding the booted system's client renews */
		fprintf(out, "IPV6IAID=%u\n", c->iaid6);
	else
		fprintf(out, "IPV6IAID=\n");
}

void net_format_handover(const struct net_ifconf *c, FILE *out)
{
	char mac[18];
	bool dhcp = c->method == NET_DHCP;

	fprintf(out, "# netboot network handover, see docs/handover.md\n");
	put_str(out, "DEVICE", c->ifname);
	fprintf(out, "METHOD=%s\n", dhcp ? "dhcp" : c->method == NET_OFF ? "none" : "static");
	put_addr(out, "IPV4ADDR", c->addr);
	fprintf(out, "IPV4PREFIX=%u\n", c->prefix);
	put_addr(out, "IPV4NETMASK", ipv4_prefix_mask(c->prefix));
	put_addr(out, "IPV4BROADCAST", c->broadcast);
	put_addr(out, "IPV4GATEWAY", c->gateway);
	put_addr(out, "IPV4DNS0", c->ndns > 0 ? c->dns[0] : 0);
	put_addr(out, "IPV4DNS1", c->ndns > 1 ? c->dns[1] : 0);
	put_str(out, "DNSDOMAIN", c->domain);
	put_str(out, "HOSTNAME", c->hostname);
	put_addr(out, "DHCPSERVER", dhcp ? c->dhcp_server : 0);
	put_addr(out, "NEXTSERVER", dhcp ? c->next_server : 0);
	put_str(out, "BOOTFILE", dhcp ? c->bootfile : "");
	if (dhcp && c->lease_secs)
		fprintf(out, "LEASETIME=%u\n", c->lease_secs);
	else
		fprintf(out, "LEASETIME=\n");
	if (dhcp && c->lease_obtained)
		fprintf(out, "LEASE_OBTAINED=%lld\n", c->lease_obtained);
	else
		fprintf(out, "LEASE_OBTAINED=\n");
	if (c->mtu)
		fprintf(out, "MTU=%u\n", c->mtu);
	else
		fprintf(out, "MTU=\n");
	fprintf(out, "HWADDR=%s\n", mac_format(c->hwaddr, mac));
	format_handover6(c, out);
}

void net_format_resolv(const struct net_ifconf *c, FILE *out)
{
	char dom[128];
	size_t j = 0;

	fprintf(out, "# written by netboot from %s (%s%s%s)\n", c->ifname,
		c->method == NET_DHCP ? "DHCP" : c->method == NET_OFF ? "" : "static",
		c->has6 && c->method != NET_OFF ? ", " : "", c->has6 ? c->method6 : "");
	/* A domain name only: anything else could smuggle in a directive. */
	for (size_t i = 0; c->domain[i] && j + 1 < sizeof(dom); i++) {
		char ch = c->domain[i];
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		    ch == '.' || ch == '-' || ch == '_')
			dom[j++] = ch;
	}
	dom[j] = '\0';
	if (j)
		fprintf(out, "search %s\n", dom);
	/* at most MAXNS (3), the family the boot uses first */
	int n4 = c->ndns, n6 = c->has6 ? c->ndns6 : 0, left = NET_MAX_DNS;
	bool v6_first = c->method == NET_OFF;
	for (int pass = 0; pass < 2; pass++) {
		bool six = (pass == 0) == v6_first;
		for (int i = 0; i < (six ? n6 : n4) && left > 0; i++, left--) {
			char b[INET6_ADDRSTRLEN];
			if (six)
				inet_ntop(AF_INET6, c->dns6[i], b, sizeof(b));
			else
				ipv4_ntoa(c->dns[i], b);
			fprintf(out, "nameserver %s\n", b);
		}
	}
}

int net_mkdir_p(const char *dir, struct errbuf *e)
{
	int rc = mkdir_p(dir, 0755);

	if (rc == -EINVAL)
		return nb_fail(e, rc, "empty folder name");
	if (rc == -ENAMETOOLONG)
		return nb_fail(e, rc, "%s: path too long", dir);
	if (rc < 0)
		return nb_fail(e, rc, "cannot create %s: %s", dir, strerror(-rc));
	return 0;
}

int net_write_file(const char *path, void (*fmt)(const struct net_ifconf *, FILE *),
		   const struct net_ifconf *c, struct errbuf *e)
{
	char tmp[PATH_MAX];
	FILE *f;
	int rc = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return nb_fail(e, -ENAMETOOLONG, "%s: path too long", path);
	if (!(f = fopen(tmp, "we")))
		return nb_fail(e, -errno, "cannot write %s: %s", tmp, strerror(errno));
	fmt(c, f);
	if (ferror(f))
		rc = -EIO;
	if (fclose(f) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path) < 0)
		rc = -errno;
	if (rc) {
		unlink(tmp);
		return nb_fail(e, rc, "cannot write %s: %s", path, strerror(-rc));
	}
	return 0;
}

int net_write_handover(const char *run_dir, const struct net_ifconf *c, struct errbuf *e)
{
	char path[PATH_MAX];
	int rc;

	if ((rc = net_mkdir_p(run_dir, e)) < 0)
		return rc;
	if (snprintf(path, sizeof(path), "%s/%.15s.conf", run_dir, c->ifname) >= (int)sizeof(path))
		return nb_fail(e, -ENAMETOOLONG, "%s: path too long", run_dir);
	return net_write_file(path, net_format_handover, c, e);
}

int net_write_resolv(const char *path, const struct net_ifconf *c, struct errbuf *e)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int rc;

	/* An initramfs may come without /etc. */
	if (slash && slash != path && (size_t)(slash - path) < sizeof(dir)) {
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
		if ((rc = net_mkdir_p(dir, e)) < 0)
			return rc;
	}
	return net_write_file(path, net_format_resolv, c, e);
}
