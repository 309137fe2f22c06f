/* The files the booted system's network manager reads: their text for a
 * DHCP and a static interface, and where and with which mode they land. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "netboot/nethandover.h"
#include "tests/unit/check.h"

static char *format(void (*fmt)(const struct net_ifconf *, FILE *), const struct net_ifconf *c)
{
	static char buf[4096];
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	fmt(c, f);
	fclose(f);
	return buf;
}

static struct net_ifconf conf(enum net_method m)
{
	struct net_ifconf c = { .ifname = "ens3", .method = m, .hwaddr = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 },
				.addr = htonl(0xc0000264), .prefix = 24, .gateway = htonl(0xc0000201),
				.dns = { htonl(0xc0000235) }, .ndns = 1 };
	return c;
}

static long mode_of(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long)(st.st_mode & 0777) : -1;
}

int main(void)
{
	struct net_ifconf d = conf(NET_DHCP), s = conf(NET_STATIC);
	char uuid[37];

	CHECK_STR("link: pins the name by permanent MAC", strchr(format(nethandover_format_link, &d), '['),
		  "[Match]\nPermanentMACAddress=52:54:00:12:34:56\n\n[Link]\nName=ens3\n");
	CHECK_STR("networkd, DHCP: same client id, keep the address", strchr(format(nethandover_format_networkd, &d), '['),
		  "[Match]\nName=ens3\n\n[Link]\nRequiredForOnline=yes\n\n[Network]\nDHCP=ipv4\nDNS=192.0.2.53\n"
		  "KeepConfiguration=yes\n\n[DHCPv4]\nClientIdentifier=mac\n");
	CHECK_STR("networkd, static: address, gateway, DNS", strchr(format(nethandover_format_networkd, &s), '['),
		  "[Match]\nName=ens3\n\n[Link]\nRequiredForOnline=yes\n\n[Network]\nAddress=192.0.2.100/24\n"
		  "Gateway=192.0.2.1\nDNS=192.0.2.53\nKeepConfiguration=yes\n");
	nethandover_nm_uuid(&d, uuid);
	CHECK_STR("NM uuid: fixed by the MAC", uuid, "6e657462-6f6f-4474-8000-525400123456");
	CHECK("NM, DHCP: auto with the MAC client id",
	      strstr(format(nethandover_format_nm, &d), "uuid=6e657462-6f6f-4474-8000-525400123456\ntype=ethernet\n"
					"interface-name=ens3\n") && strstr(format(nethandover_format_nm, &d), "[ipv4]\nmethod=auto\ndhcp-client-id=mac\n"));
	CHECK("NM, static: manual with address1 and gateway",
	      strstr(format(nethandover_format_nm, &s), "[ipv4]\nmethod=manual\naddress1=192.0.2.100/24,192.0.2.1\ndns=192.0.2.53;\n"));

	/* IPv6: DHCPv6 beside DHCPv4, IPv6 alone, static */
	static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 }, gw6[16] = { 0xfe, 0x80, [15] = 1 },
			     dns6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x53 };
	struct net_ifconf d6 = d, o6 = d, s6 = s;
	d6.has6 = o6.has6 = s6.has6 = true;
	snprintf(d6.method6, sizeof(d6.method6), "dhcpv6");
	d6.iaid6 = 0x12345678;
	memcpy(d6.addr6, a6, 16), d6.prefix6 = 64, memcpy(d6.gateway6, gw6, 16), memcpy(d6.dns6[0], dns6, 16), d6.ndns6 = 1;
	o6 = d6;
	o6.method = NET_OFF, o6.addr = 0, o6.ndns = 0;
	s6 = d6;
	s6.method = NET_STATIC, snprintf(s6.method6, sizeof(s6.method6), "static"), memset(s6.gateway6, 0, 16);
	CHECK_STR("networkd, DHCPv4 + DHCPv6: both, RA, the DUID-LL kept", strchr(format(nethandover_format_networkd, &d6), '['),
		  "[Match]\nName=ens3\n\n[Link]\nRequiredForOnline=yes\n\n[Network]\nDHCP=yes\nDNS=192.0.2.53\n"
		  "IPv6AcceptRA=yes\nDNS=2001:db8::53\nKeepConfiguration=yes\n\n[DHCPv4]\nClientIdentifier=mac\n"
		  "\n[DHCPv6]\nDUIDType=link-layer\nIAID=305419896\n");
	CHECK_STR("networkd, IPv6 alone", strchr(format(nethandover_format_networkd, &o6), '['),
		  "[Match]\nName=ens3\n\n[Link]\nRequiredForOnline=yes\n\n[Network]\nDHCP=ipv6\n"
		  "IPv6AcceptRA=yes\nDNS=2001:db8::53\nKeepConfiguration=yes\n\n[DHCPv6]\nDUIDType=link-layer\nIAID=305419896\n");
	CHECK("networkd, static IPv6: address, no RA",
	      strstr(format(nethandover_format_networkd, &s6), "Address=192.0.2.100/24\nGateway=192.0.2.1\nDNS=192.0.2.53\n"
		     "Address=2001:db8::10/64\nIPv6AcceptRA=no\nDNS=2001:db8::53\nKeepConfiguration=yes\n"));
	CHECK("NM, IPv6 alone: ipv4 disabled, ipv6 may not fail",
	      strstr(format(nethandover_format_nm, &o6), "[ipv4]\nmethod=disabled\n\n[ipv6]\nmethod=auto\ndhcp-duid=ll\ndhcp-iaid=305419896\n"
		     "dns=2001:db8::53;\nmay-fail=false\n"));
	CHECK("NM, static IPv6: manual",
	      strstr(format(nethandover_format_nm, &s6), "[ipv6]\nmethod=manual\naddress1=2001:db8::10/64\ndns=2001:db8::53;\n"));

	char dir[] = "/tmp/nethandover_test.XXXXXX", path[256];
	struct errbuf e;
	if (!mkdtemp(dir))
		return 1;
	CHECK("write: all files", nethandover_write(dir, &d, 7, &e) == 0);
	snprintf(path, sizeof(path), "%s/systemd/network/10-netboot-ens3.link", dir);
	CHECK("write: .link 0644", mode_of(path) == 0644);
	snprintf(path, sizeof(path), "%s/systemd/network/10-netboot-ens3.network", dir);
	CHECK("write: .network 0644", mode_of(path) == 0644);
	snprintf(path, sizeof(path), "%s/NetworkManager/system-connections/netboot-ens3.nmconnection", dir);
	CHECK("write: keyfile 0600 (NM ignores others)", mode_of(path) == 0600);
	snprintf(path, sizeof(path), "%s/NetworkManager/devices/7", dir);
	FILE *f = fopen(path, "r");
	char buf[256] = "";
	if (f) {
		buf[fread(buf, 1, sizeof(buf) - 1, f)] = 0;
		fclose(f);
	}
	CHECK_STR("write: NM device state by ifindex", buf,
		  "[device]\nmanaged=true\nconnection-uuid=6e657462-6f6f-4474-8000-525400123456\n");
	CHECK("write: an unwritable folder is an error naming it",
	      nethandover_write("/proc/nonexistent", &d, 7, &e) < 0 && strstr(e.msg, "/proc/nonexistent"));
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	if (system(path) != 0)
		return 1;
	return CHECK_DONE();
}
