#include "netboot/nethandover.h"
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include "netboot/ipv4.h"
#include "netboot/mac.h"

#define HEADER "# written by netboot's /init for the interface it configured (docs/handover.md)\n"

void nethandover_format_link(const struct net_ifconf *c, FILE *out)
{
	char m[18];
	/* PermanentMACAddress: a VLAN or bridge that shares the MAC has none */
	fprintf(out, HEADER "[Match]\nPermanentMACAddress=%s\n\n[Link]\nName=%s\n", mac_format(c->hwaddr, m), c->ifname);
}

static bool v6_static(const struct net_ifconf *c)
{
	return c->has6 && !strcmp(c->method6, "static");
}

static bool has_gw6(const struct net_ifconf *c)
{
	static const uint8_t zero[16];
	return memcmp(c->gateway6, zero, 16) != 0;
}

/* networkd's IPv6 lines: DHCPv6 / router advertisements as /init found
 * them, or the static address. */
static void networkd_v6(const struct net_ifconf *c, FILE *out)
{
	char a[INET6_ADDRSTRLEN];
	if (!c->has6)
		return;
	if (v6_static(c)) {
		fprintf(out, "Address=%s/%u\n", inet_ntop(AF_INET6, c->addr6, a, sizeof(a)), c->prefix6);
		if (has_gw6(c))
			fprintf(out, "Gateway=%s\n", inet_ntop(AF_INET6, c->gateway6, a, sizeof(a)));
		fputs("IPv6AcceptRA=no\n", out);
	} else {
		fputs("IPv6AcceptRA=yes\n", out);
	}
	for (int i = 0; i < c->ndns6; i++)
		fprintf(out, "DNS=%s\n", inet_ntop(AF_INET6, c->dns6[i], a, sizeof(a)));
}

void nethandover_format_networkd(const struct net_ifconf *c, FILE *out)
{
	char a[16];
	bool dhcp6 = c->has6 && !strcmp(c->method6, "dhcpv6");
	fprintf(out, HEADER "[Match]\nName=%s\n\n[Link]\nRequiredForOnline=yes\n\n[Network]\n", c->ifname);
	if (c->method == NET_DHCP) {
		fputs(dhcp6 ? "DHCP=yes\n" : "DHCP=ipv4\n", out);
	} else {
		if (dhcp6)
			fputs("DHCP=ipv6\n", out);
		if (c->method == NET_STATIC)
			fprintf(out, "Address=%s/%u\n", ipv4_ntoa(c->addr, a), c->prefix);
		if (c->method == NET_STATIC && c->gateway)
			fprintf(out, "Gateway=%s\n", ipv4_ntoa(c->gateway, a));
	}
	for (int i = 0; i < c->ndns; i++)
		fprintf(out, "DNS=%s\n", ipv4_ntoa(c->dns[i], a));
	networkd_v6(c, out);
	/* the root may live behind this address: never drop it, not even when
	 * networkd stops or the lease runs out */
	fputs("KeepConfiguration=yes\n", out);
	if (c->method == NET_DHCP)	/* what /init sent: the server finds the same lease */
		fputs("\n[DHCPv4]\nClientIdentifier=mac\n", out);
	if (dhcp6)	/* the DUID-LL and IAID /init sent, so the server renews the same binding */
		fprintf(out, "\n[DHCPv6]\nDUIDType=link-layer\nIAID=%u\n", c->iaid6);
}

void nethandover_nm_uuid(const struct net_ifconf *c, char out[37])
{
	const uint8_t *h = c->hwaddr;
	/* "netboot" in the first bytes, version 4 and variant bits set, the MAC last */
	snprintf(out, 37, "6e657462-6f6f-4474-8000-%02x%02x%02x%02x%02x%02x", h[0], h[1], h[2], h[3], h[4], h[5]);
}

/* [ipv6]: auto (RA, then DHCPv6 as the router says) unless static; it may
 * not fail when the boot rode on IPv6 alone. */
static void nm_v6(const struct net_ifconf *c, FILE *out)
{
	char a[INET6_ADDRSTRLEN];
	fputs("\n[ipv6]\n", out);
	if (v6_static(c)) {
		fprintf(out, "method=manual\naddress1=%s/%u", inet_ntop(AF_INET6, c->addr6, a, sizeof(a)), c->prefix6);
		if (has_gw6(c))
			fprintf(out, ",%s", inet_ntop(AF_INET6, c->gateway6, a, sizeof(a)));
		fputc('\n', out);
	} else {
		fputs("method=auto\n", out);
	}
	if (c->has6 && !strcmp(c->method6, "dhcpv6"))
		fprintf(out, "dhcp-duid=ll\ndhcp-iaid=%u\n", c->iaid6);
	if (c->has6 && c->ndns6) {
		fputs("dns=", out);
		for (int i = 0; i < c->ndns6; i++)
			fprintf(out, "%s;", inet_ntop(AF_INET6, c->dns6[i], a, sizeof(a)));
		fputc('\n', out);
	}
	if (c->method == NET_OFF)
		fputs("may-fail=false\n", out);
}

void nethandover_format_nm(const struct net_ifconf *c, FILE *out)
{
	char uuid[37], m[18], a[16];
	nethandover_nm_uuid(c, uuid);
	fprintf(out, HEADER "[connection]\nid=netboot-%s\nuuid=%s\ntype=ethernet\ninterface-name=%s\n"
		"autoconnect-priority=100\n\n[ethernet]\nmac-address=%s\n\n[ipv4]\n",
		c->ifname, uuid, c->ifname, mac_format(c->hwaddr, m));
	if (c->method == NET_DHCP) {
		fputs("method=auto\ndhcp-client-id=mac\n", out);
	} else if (c->method == NET_OFF) {
		fputs("method=disabled\n", out);
	} else {
		fprintf(out, "method=manual\naddress1=%s/%u", ipv4_ntoa(c->addr, a), c->prefix);
		if (c->gateway)
			fprintf(out, ",%s", ipv4_ntoa(c->gateway, a));
		fputc('\n', out);
	}
	if (c->ndns) {
		fputs("dns=", out);
		for (int i = 0; i < c->ndns; i++)
			fprintf(out, "%s;", ipv4_ntoa(c->dns[i], a));
		fputc('\n', out);
	}
	if (c->method != NET_OFF)
		fputs("may-fail=false\n", out);
	nm_v6(c, out);
}

static int write_in(const char *run_dir, const char *sub, const char *name, unsigned mode,
		    void (*fmt)(const struct net_ifconf *, FILE *), const struct net_ifconf *c, struct errbuf *e)
{
	char dir[PATH_MAX], path[PATH_MAX];
	int rc;
	if (snprintf(dir, sizeof(dir), "%s/%s", run_dir, sub) >= (int)sizeof(dir) ||
	    snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return nb_fail(e, -ENAMETOOLONG, "%s: path too long", run_dir);
	if ((rc = net_mkdir_p(dir, e)) < 0 || (rc = net_write_file(path, fmt, c, e)) < 0)
		return rc;
	/* NetworkManager ignores a keyfile others can read */
	if (chmod(path, mode) < 0)
		return nb_fail(e, -errno, "chmod %s: %s", path, strerror(errno));
	return 0;
}

/* NM's record of a device it managed, as its initrd instance leaves it. */
static int write_nm_device(const char *run_dir, const struct net_ifconf *c, int ifindex, struct errbuf *e)
{
	char dir[PATH_MAX], path[PATH_MAX], uuid[37];
	FILE *f;
	int rc;
	snprintf(dir, sizeof(dir), "%s/NetworkManager/devices", run_dir);
	if (snprintf(path, sizeof(path), "%s/%d", dir, ifindex) >= (int)sizeof(path))
		return nb_fail(e, -ENAMETOOLONG, "%s: path too long", dir);
	if ((rc = net_mkdir_p(dir, e)) < 0)
		return rc;
	if (!(f = fopen(path, "we")))
		return nb_fail(e, -errno, "cannot write %s: %s", path, strerror(errno));
	nethandover_nm_uuid(c, uuid);
	fprintf(f, "[device]\nmanaged=true\nconnection-uuid=%s\n", uuid);
	if (fclose(f) != 0)
		return nb_fail(e, -EIO, "cannot write %s", path);
	return 0;
}

int nethandover_write(const char *run_dir, const struct net_ifconf *c, int ifindex, struct errbuf *e)
{
	char name[64];
	int rc;
	snprintf(name, sizeof(name), "10-netboot-%.15s.link", c->ifname);
	if ((rc = write_in(run_dir, "systemd/network", name, 0644, nethandover_format_link, c, e)) < 0)
		return rc;
	snprintf(name, sizeof(name), "10-netboot-%.15s.network", c->ifname);
	if ((rc = write_in(run_dir, "systemd/network", name, 0644, nethandover_format_networkd, c, e)) < 0)
		return rc;
	snprintf(name, sizeof(name), "netboot-%.15s.nmconnection", c->ifname);
	if ((rc = write_in(run_dir, "NetworkManager/system-connections", name, 0600, nethandover_format_nm, c, e)) < 0)
		return rc;
	return ifindex > 0 ? write_nm_device(run_dir, c, ifindex, e) : 0;
}
