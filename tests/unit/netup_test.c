/* The network stage's pure and file-level steps: interfaces from a fake
 * sysfs, a lease turned into the handover file and resolv.conf, and the
 * sanitizing of what the network sent. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "netboot/mkdir_p.h"
#include "netboot/netup.h"
#include "check.h"

static void put(const char *root, const char *dev, const char *file, const char *text)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", root, dev);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/%s/%s", root, dev, file);
	FILE *f = fopen(p, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static char *slurp(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;
	if (f) {
		n = fread(buf, 1, cap - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

static void sysfs(const char *dir)
{
	struct net_iface ifs[8];
	struct errbuf e;
	char root[400];
	int n;

	snprintf(root, sizeof(root), "%s/net", dir);
	mkdir(root, 0755);
	put(root, "lo", "type", "772\n");
	put(root, "lo", "address", "00:00:00:00:00:00\n");
	put(root, "eth10", "type", "1\n");
	put(root, "eth10", "address", "52:54:00:00:00:0a\n");
	put(root, "eth2", "type", "1\n");
	put(root, "eth2", "address", "52:54:00:00:00:02\n");
	put(root, "enp0s3", "type", "1\n");
	put(root, "enp0s3", "address", "52:54:00:00:00:03\n");
	put(root, "wwan0", "type", "65534\n");
	put(root, "sit0", "type", "776\n");
	n = net_list_ifaces(root, ifs, 8, &e);
	CHECK("sysfs: three Ethernet interfaces", n == 3);
	CHECK("sysfs: natural order", n == 3 && !strcmp(ifs[0].name, "enp0s3") && !strcmp(ifs[1].name, "eth2") &&
	      !strcmp(ifs[2].name, "eth10"));
	CHECK("sysfs: MAC read", n == 3 && ifs[2].mac[5] == 0x0a && ifs[1].mac[0] == 0x52);
	CHECK("sysfs: max respected", net_list_ifaces(root, ifs, 1, &e) == 1);
	snprintf(root, sizeof(root), "%s/none", dir);
	CHECK("sysfs: missing folder", net_list_ifaces(root, ifs, 8, &e) == -ENOENT && strstr(e.msg, root));
}

static struct dhcp_lease sample_lease(void)
{
	struct dhcp_lease l;

	memset(&l, 0, sizeof(l));
	l.addr = inet_addr("192.0.2.100");
	l.mask = inet_addr("255.255.255.0");
	l.prefix = 24;
	l.broadcast = inet_addr("192.0.2.255");
	l.router = inet_addr("192.0.2.1");
	l.dns[0] = inet_addr("192.0.2.53");
	l.dns[1] = inet_addr("192.0.2.54");
	l.ndns = 2;
	l.server_id = inet_addr("192.0.2.1");
	l.siaddr = inet_addr("192.0.2.5");
	l.lease_secs = 3600;
	l.mtu = 1400;
	strcpy(l.domain, "test.example");
	strcpy(l.hostname, "box'$(reboot)`x`");
	strcpy(l.bootfile, "pxelinux.0;rm -rf /");
	return l;
}

static void handover(const char *dir)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	struct dhcp_lease l = sample_lease();
	struct net_ifconf c;
	uint32_t cmdline_dns[2] = { inet_addr("198.51.100.53"), inet_addr("192.0.2.53") };
	struct errbuf e;
	char buf[2048], path[512], run[400];

	net_ifconf_from_lease(&c, "eth0", mac, &l, cmdline_dns, 2);
	CHECK("dns: command line first, duplicates dropped, 3 at most", c.ndns == 3 &&
	      c.dns[0] == cmdline_dns[0] && c.dns[1] == l.dns[0] && c.dns[2] == l.dns[1]);
	c.lease_obtained = 1700000000;
	c.mtu = 1400;

	FILE *f = fmemopen(buf, sizeof(buf), "w");
	net_format_handover(&c, f);
	fclose(f);
	CHECK("handover DEVICE", strstr(buf, "\nDEVICE=eth0\n") != NULL);
	CHECK("handover METHOD", strstr(buf, "\nMETHOD=dhcp\n") != NULL);
	CHECK("handover address", strstr(buf, "\nIPV4ADDR=192.0.2.100\nIPV4PREFIX=24\nIPV4NETMASK=255.255.255.0\n"
					      "IPV4BROADCAST=192.0.2.255\nIPV4GATEWAY=192.0.2.1\n") != NULL);
	CHECK("handover DNS", strstr(buf, "\nIPV4DNS0=198.51.100.53\nIPV4DNS1=192.0.2.53\n") != NULL);
	CHECK("handover DHCP fields", strstr(buf, "\nDNSDOMAIN=test.example\n") && strstr(buf, "\nDHCPSERVER=192.0.2.1\n") &&
	      strstr(buf, "\nNEXTSERVER=192.0.2.5\n") && strstr(buf, "\nLEASETIME=3600\n") &&
	      strstr(buf, "\nLEASE_OBTAINED=1700000000\n") && strstr(buf, "\nMTU=1400\n"));
	CHECK("handover HWADDR", strstr(buf, "\nHWADDR=52:54:00:12:34:56\n") != NULL);
	CHECK_STR("hostname sanitized", strstr(buf, "HOSTNAME=") ? strtok(strstr(buf, "HOSTNAME="), "\n") : NULL,
		  "HOSTNAME=box___reboot__x_");
	f = fmemopen(buf, sizeof(buf), "w");
	net_format_handover(&c, f);
	fclose(f);
	CHECK_STR("bootfile sanitized", strstr(buf, "BOOTFILE=") ? strtok(strstr(buf, "BOOTFILE="), "\n") : NULL,
		  "BOOTFILE=pxelinux.0_rm_-rf_/");
	f = fmemopen(buf, sizeof(buf), "w");
	net_format_handover(&c, f);
	fclose(f);
	bool clean = true;
	for (const char *p = strchr(buf, '\n'); p && *p; p++)	/* after the comment line */
		clean &= !strchr("'\"`$;&|<>()\\ \t~*?[]{}!#", *p);
	CHECK("handover: no shell metacharacters outside the comment", clean);
	CHECK("handover: IPv6 keys present, empty without IPv6",
	      strstr(buf, "\nIPV6METHOD=\nIPV6ADDR=\nIPV6PREFIX=\nIPV6GATEWAY=\nIPV6DNS0=\nIPV6DNS1=\nIPV6IAID=\n") != NULL);
	{
		struct net_ifconf v6 = c;
		static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 5 }, gw6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
		const uint8_t d6[2][16] = { { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x53 }, { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x54 } };
		v6.method = NET_OFF, v6.addr = 0, v6.ndns = 0;
		net_ifconf_static6(&v6, a6, 64, gw6, d6, 2);
		f = fmemopen(buf, sizeof(buf), "w");
		net_format_handover(&v6, f);
		fclose(f);
		CHECK("handover IPv6 alone: METHOD=none", strstr(buf, "\nMETHOD=none\nIPV4ADDR=\n") != NULL);
		CHECK("handover IPv6 keys", strstr(buf, "\nIPV6METHOD=static\nIPV6ADDR=2001:db8::5\nIPV6PREFIX=64\n"
						     "IPV6GATEWAY=2001:db8::1\nIPV6DNS0=2001:db8::53\nIPV6DNS1=2001:db8::54\n") != NULL);
		f = fmemopen(buf, sizeof(buf), "w");
		net_format_resolv(&v6, f);
		fclose(f);
		CHECK("resolv.conf: IPv6 servers", strstr(buf, "nameserver 2001:db8::53\nnameserver 2001:db8::54\n") != NULL);
		v6 = c;		/* dual stack: IPv4's first, three at most */
		net_ifconf_static6(&v6, a6, 64, gw6, d6, 2);
		f = fmemopen(buf, sizeof(buf), "w");
		net_format_resolv(&v6, f);
		fclose(f);
		CHECK("resolv.conf: dual stack, IPv4 first, at most 3",
		      strstr(buf, "nameserver 198.51.100.53\nnameserver 192.0.2.53\nnameserver 192.0.2.54\n") && !strstr(buf, "2001:db8"));
	}

	/* Static: no DHCP fields. */
	struct net_ifconf s = c;
	s.method = NET_STATIC;
	s.lease_secs = 0;
	f = fmemopen(buf, sizeof(buf), "w");
	net_format_handover(&s, f);
	fclose(f);
	CHECK("static handover", strstr(buf, "\nMETHOD=static\n") && strstr(buf, "\nDHCPSERVER=\n") &&
	      strstr(buf, "\nNEXTSERVER=\n") && strstr(buf, "\nBOOTFILE=\n") && strstr(buf, "\nLEASETIME=\n") &&
	      strstr(buf, "\nLEASE_OBTAINED=\n"));

	/* resolv.conf: search line and nameservers, domain stripped of junk. */
	strcpy(c.domain, "test.example\nnameserver 6.6.6.6");
	f = fmemopen(buf, sizeof(buf), "w");
	net_format_resolv(&c, f);
	fclose(f);
	CHECK("resolv search sanitized", strstr(buf, "\nsearch test.examplenameserver6.6.6.6\n") != NULL);
	CHECK("resolv nameservers", strstr(buf, "\nnameserver 198.51.100.53\nnameserver 192.0.2.53\nnameserver 192.0.2.54\n") != NULL);
	CHECK("resolv: injected line absent", strstr(buf, "\nnameserver 6.6.6.6") == NULL);
	strcpy(c.domain, "test.example");

	/* The files, written under a run folder that does not exist yet. */
	snprintf(run, sizeof(run), "%s/run/netboot", dir);
	CHECK("write handover", net_write_handover(run, &c, &e) == 0);
	snprintf(path, sizeof(path), "%s/eth0.conf", run);
	CHECK("handover file content", strstr(slurp(path, buf, sizeof(buf)), "\nIPV4ADDR=192.0.2.100\n") != NULL);
	snprintf(path, sizeof(path), "%s/eth0.conf.tmp", run);
	CHECK("no temporary left", access(path, F_OK) != 0);
	snprintf(path, sizeof(path), "%s/resolv.conf", dir);
	CHECK("write resolv.conf", net_write_resolv(path, &c, &e) == 0 &&
	      strstr(slurp(path, buf, sizeof(buf)), "search test.example\n") != NULL);
	snprintf(path, sizeof(path), "%s/etc/resolv.conf", dir);
	CHECK("resolv.conf: missing folder created", net_write_resolv(path, &c, &e) == 0 && access(path, R_OK) == 0);
	snprintf(path, sizeof(path), "%s/eth0.conf/resolv.conf", run);
	CHECK("resolv.conf: folder is a file", net_write_resolv(path, &c, &e) < 0 && strstr(e.msg, "eth0.conf"));
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "sh -c '. %s/eth0.conf && test \"$IPV4ADDR/$IPV4PREFIX $HOSTNAME\" = "
		 "\"192.0.2.100/24 box___reboot__x_\"'", run);
	CHECK("handover sources in sh", system(cmd) == 0);
}

/* mkdir_p (netboot/mkdir_p.c) and net_mkdir_p's messages. */
static void mkdirs(const char *dir)
{
	struct errbuf e;
	struct stat st;
	char p[600], q[600], *longp;

	snprintf(p, sizeof(p), "%s/m/a/b/c", dir);
	CHECK("mkdir_p: nested", mkdir_p(p, 0755) == 0 && stat(p, &st) == 0 && S_ISDIR(st.st_mode));
	CHECK("mkdir_p: existing is fine", mkdir_p(p, 0755) == 0);
	snprintf(q, sizeof(q), "%s/m/d//e/", dir);
	CHECK("mkdir_p: doubled and trailing slash", mkdir_p(q, 0700) == 0 && stat(q, &st) == 0 &&
	      S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0700);
	CHECK("mkdir_p: empty", mkdir_p("", 0755) == -EINVAL);
	longp = malloc(5000);
	if (longp) {
		memset(longp, 'x', 4999);
		longp[0] = '/';
		longp[4999] = '\0';
		CHECK("mkdir_p: too long", mkdir_p(longp, 0755) == -ENAMETOOLONG);
		free(longp);
	}
	snprintf(q, sizeof(q), "%s/m/file", dir);
	FILE *f = fopen(q, "w");
	if (f)
		fclose(f);
	snprintf(q, sizeof(q), "%s/m/file/sub", dir);
	CHECK("mkdir_p: a file in the way", mkdir_p(q, 0755) == -ENOTDIR);
	CHECK("net_mkdir_p: the message names the folder", net_mkdir_p(q, &e) == -ENOTDIR && strstr(e.msg, q) &&
	      strstr(e.msg, "cannot create"));
	CHECK("net_mkdir_p: empty", net_mkdir_p("", &e) == -EINVAL && strstr(e.msg, "empty folder name"));
}

static void shell_safe(void)
{
	char b[32];
	net_shell_safe(b, sizeof(b), "a-b_c.d:e/f@g%h+i,j=k");
	CHECK_STR("shell-safe keeps", b, "a-b_c.d:e/f@g%h+i,j=k");
	net_shell_safe(b, sizeof(b), "x y\n$z`'\"~*?[]{}#!");
	CHECK_STR("shell-safe replaces", b, "x_y__z____________");
	net_shell_safe(b, 4, "abcdef");
	CHECK_STR("shell-safe truncates", b, "abc");
}

int main(void)
{
	char dir[] = "/tmp/netup_test.XXXXXX";
	char cmd[64];

	if (!mkdtemp(dir)) {
		printf("FAIL: netup: mkdtemp\n");
		return 1;
	}
	sysfs(dir);
	handover(dir);
	mkdirs(dir);
	shell_safe();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		printf("FAIL: netup: cleanup of %s\n", dir);
	return CHECK_DONE();
}
