/* Kernel command line parser: every form of the seed manual and of
 * anchors.md, compared as the printed plan; the typed fields behind the
 * text (byte order, methods); and bad values, which must fail with -EINVAL
 * and a message naming the argument.  Every line is parsed from an
 * exact-size heap copy with no NUL, so ASan sees any read past the end. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include "cmdline/cmdline.h"
#include "check.h"

static struct boot_config cfg;	/* ~10 KiB: static, not on the stack */
static struct errbuf err;

static int parse_n(const char *line, size_t len)
{
	char *copy = malloc(len ? len : 1);
	int rc;

	memcpy(copy, line, len);
	memset(&err, 0, sizeof(err));
	rc = cmdline_parse(copy, len, &cfg, &err);
	free(copy);
	return rc;
}

static int parse(const char *line)
{
	return parse_n(line, strlen(line));
}

/* The printed plan; the caller frees it. */
static char *plan(void)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	cmdline_print(&cfg, f);
	fclose(f);
	return text;
}

#define H64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define HTTP_SRC "source=http\nurl=http://10.0.2.2:8080/sysrcd.dat\n" \
	"checksum_url=http://10.0.2.2:8080/sysrcd.md5\ncheck=default\n"
#define NFS_SRC "source=nfs\nurl=nfs://192.168.1.5:/tftpboot\n" \
	"checksum_url=nfs://192.168.1.5:/tftpboot/sysrcd.md5\nimage_path=sysrcd.dat\ncheck=default\n"
#define NBD_SRC "source=nbd\nurl=nbd://192.168.1.5:2000/\ncheck=default\n"
#define NONE "source=none\ncheck=default\n"
#define NB "netboot=http://10.0.2.2:8080/sysrcd.dat"

static const struct { const char *name, *line, *want; } plans[] = {
	/* the seed manual's three command lines */
	{ "seed: ethx + http", "initrd=initram.igz ethx=192.168.157.100 netboot=http://192.168.157.1:8080/sysrcd.dat",
	  "source=http\nurl=http://192.168.157.1:8080/sysrcd.dat\n"
	  "checksum_url=http://192.168.157.1:8080/sysrcd.md5\ncheck=default\n"
	  "iface.*=static 192.168.157.100/24\ncache=no\n" },
	{ "seed: dodhcp + nbd", "initrd=initram.igz dodhcp netboot=nbd://192.168.157.1:2000",
	  "source=nbd\nurl=nbd://192.168.157.1:2000/\ncheck=default\niface.*=dhcp\ncache=no\n" },
	{ "seed: nfsboot", "setkmap=uk ethx=192.168.52.2 nfsboot=192.168.52.1:/tftpboot gw=192.168.52.1",
	  "source=nfs\nurl=nfs://192.168.52.1:/tftpboot\nchecksum_url=nfs://192.168.52.1:/tftpboot/sysrcd.md5\n"
	  "image_path=sysrcd.dat\ncheck=default\niface.*=static 192.168.52.2/24 gw 192.168.52.1\n"
	  "gateway=192.168.52.1\nkeymap=uk\ncache=no\n" },
	/* anchors.md, old SystemRescueCd */
	{ "netboot=http", "netboot=http://192.168.1.5/sysrcd.dat",
	  "source=http\nurl=http://192.168.1.5/sysrcd.dat\nchecksum_url=http://192.168.1.5/sysrcd.md5\n"
	  "check=default\niface.*=dhcp\ncache=no\n" },
	{ "netboot=tftp", "netboot=tftp://192.168.1.5/sysrcd.dat",
	  "source=tftp\nurl=tftp://192.168.1.5/sysrcd.dat\nchecksum_url=tftp://192.168.1.5/sysrcd.md5\n"
	  "check=default\niface.*=dhcp\ncache=no\n" },
	{ "netboot=nfs", "netboot=nfs://192.168.1.5:/tftpboot", NFS_SRC "iface.*=dhcp\ncache=no\n" },
	{ "netboot=nbd", "netboot=nbd://192.168.1.5:2000", NBD_SRC "iface.*=dhcp\ncache=no\n" },
	{ "nfsboot=", "nfsboot=192.168.1.5:/tftpboot", NFS_SRC "iface.*=dhcp\ncache=no\n" },
	{ "nbdboot=", "nbdboot=192.168.1.5:2000", NBD_SRC "iface.*=dhcp\ncache=no\n" },
	/* IPv6 literals, RFC 3986's brackets */
	{ "nfsboot=[v6]", "nfsboot=[2001:db8::1]:/tftpboot",
	  "source=nfs\nurl=nfs://[2001:db8::1]:/tftpboot\nchecksum_url=nfs://[2001:db8::1]:/tftpboot/sysrcd.md5\n"
	  "image_path=sysrcd.dat\ncheck=default\niface.*=dhcp\ncache=no\n" },
	{ "nbdboot=[v6]", "nbdboot=[2001:db8::1]:2000",
	  "source=nbd\nurl=nbd://[2001:db8::1]:2000/\ncheck=default\niface.*=dhcp\ncache=no\n" },
	{ "netboot=http://[v6]", "netboot=http://[2001:db8::1]:8080/sysrcd.dat",
	  "source=http\nurl=http://[2001:db8::1]:8080/sysrcd.dat\nchecksum_url=http://[2001:db8::1]:8080/sysrcd.md5\n"
	  "check=default\niface.*=dhcp\ncache=no\n" },
	/* IPv6 network plans: dracut's ip= forms and SRCD's ethx=/gw=/dns= */
	{ "ip=dhcp6", "ip=dhcp6 nbdboot=[2001:db8::1]:2000",
	  "source=nbd\nurl=nbd://[2001:db8::1]:2000/\ncheck=default\niface.*=off\niface6.*=dhcp6\ncache=no\n" },
	{ "ip=auto6", "ip=auto6 nbdboot=[2001:db8::1]:2000",
	  "source=nbd\nurl=nbd://[2001:db8::1]:2000/\ncheck=default\niface.*=off\niface6.*=auto6\ncache=no\n" },
	{ "ip=eth0:dhcp,dhcp6", "ip=eth0:dhcp,dhcp6 nbdboot=[2001:db8::1]:2000",
	  "source=nbd\nurl=nbd://[2001:db8::1]:2000/\ncheck=default\niface.*=dhcp\niface.eth0=dhcp\niface6.eth0=dhcp6\ncache=no\n" },
	{ "ip=eth0:auto6 only", "ip=eth0:auto6",
	  NONE "iface.eth0=off\niface6.eth0=auto6\ncache=no\n" },
	{ "ip=[v6] static", "ip=[2001:db8::5]::[2001:db8::1]:64:host:eth0:none:[2001:db8::53]:10.0.0.53",
	  NONE "iface.eth0=off hostname host\niface6.eth0=static 2001:db8::5/64 gw 2001:db8::1\n"
	  "dns=10.0.0.53\ndns6=2001:db8::53\ncache=no\n" },
	{ "ip=[v6] without prefix", "ip=[2001:db8::5]:::::eth1:off",
	  NONE "iface.eth1=off\niface6.eth1=static 2001:db8::5/64\ncache=no\n" },
	{ "ip=[v6] dhcp6 wins over the address", "ip=[2001:db8::5]::::::dhcp6",
	  NONE "iface.*=off\niface6.*=dhcp6\ncache=no\n" },
	{ "ethx= v6 static, gw=, dns= mixed", "ethx=2001:db8::5/64 gw=2001:db8::1 dns=2001:db8::53,192.0.2.53 nbdboot=[2001:db8::1]:2000",
	  "source=nbd\nurl=nbd://[2001:db8::1]:2000/\ncheck=default\niface.*=off\n"
	  "iface6.*=static 2001:db8::5/64 gw 2001:db8::1\ndns=192.0.2.53\ngateway6=2001:db8::1\ndns6=2001:db8::53\ncache=no\n" },
	{ "eth0= both families, the others off", "eth0=2001:db8::5/48 eth0=10.0.0.2/24 nbdboot=10.0.0.1:2000",
	  "source=nbd\nurl=nbd://10.0.0.1:2000/\ncheck=default\niface.*=off\niface.eth0=static 10.0.0.2/24\n"
	  "iface6.eth0=static 2001:db8::5/48\ncache=no\n" },
	{ "ip=off leaves IPv6 off", "ip=off ethx=2001:db8::7",
	  NONE "iface.*=off\niface6.*=static 2001:db8::7/64\ncache=no\n" },
	/* several NFS mirrors, tried in order: one list or repeated arguments */
	{ "nfs mirrors in one netboot=", "netboot=nfs://10.0.2.2:/dead,nfs://192.168.1.5:/tftpboot",
	  "source=nfs\nurl=nfs://10.0.2.2:/dead\nchecksum_url=nfs://10.0.2.2:/dead/sysrcd.md5\n"
	  "url=nfs://192.168.1.5:/tftpboot\nchecksum_url=nfs://192.168.1.5:/tftpboot/sysrcd.md5\n"
	  "image_path=sysrcd.dat\ncheck=default\niface.*=dhcp\ncache=no\n" },
	{ "nfs mirrors, netboot= repeated and nfsboot=",
	  "netboot=nfs://10.0.2.2:/a netboot=nfs://10.0.2.3:/b nfsboot=10.0.2.4:/c",
	  "source=nfs\nurl=nfs://10.0.2.2:/a\nchecksum_url=nfs://10.0.2.2:/a/sysrcd.md5\n"
	  "url=nfs://10.0.2.3:/b\nchecksum_url=nfs://10.0.2.3:/b/sysrcd.md5\n"
	  "url=nfs://10.0.2.4:/c\nchecksum_url=nfs://10.0.2.4:/c/sysrcd.md5\n"
	  "image_path=sysrcd.dat\ncheck=default\niface.*=dhcp\ncache=no\n" },
	/* subdir=: sysrcd.dat and its md5 in a folder of the NFS export */
	{ "subdir= moves the NFS image", "nfsboot=192.168.1.5:/tftpboot subdir=sysrcd-4",
	  "source=nfs\nurl=nfs://192.168.1.5:/tftpboot\nchecksum_url=nfs://192.168.1.5:/tftpboot/sysrcd-4/sysrcd.md5\n"
	  "image_path=sysrcd-4/sysrcd.dat\ncheck=default\niface.*=dhcp\ncache=no\nsubdir=sysrcd-4\n" },
	{ "subdir= before the source, slashes trimmed", "subdir=/v4/x86/ netboot=nfs://192.168.1.5:/tftpboot",
	  "source=nfs\nurl=nfs://192.168.1.5:/tftpboot\nchecksum_url=nfs://192.168.1.5:/tftpboot/v4/x86/sysrcd.md5\n"
	  "image_path=v4/x86/sysrcd.dat\ncheck=default\niface.*=dhcp\ncache=no\nsubdir=/v4/x86/\n" },
	{ "subdir=/ is the folder itself", "nfsboot=192.168.1.5:/tftpboot subdir=/",
	  NFS_SRC "iface.*=dhcp\ncache=no\nsubdir=/\n" },
	{ "subdir= with every NFS mirror", "netboot=nfs://10.0.2.2:/a,nfs://10.0.2.3:/b subdir=s",
	  "source=nfs\nurl=nfs://10.0.2.2:/a\nchecksum_url=nfs://10.0.2.2:/a/s/sysrcd.md5\n"
	  "url=nfs://10.0.2.3:/b\nchecksum_url=nfs://10.0.2.3:/b/s/sysrcd.md5\n"
	  "image_path=s/sysrcd.dat\ncheck=default\niface.*=dhcp\ncache=no\nsubdir=s\n" },
	{ "subdir= leaves an http URL alone", NB " subdir=sysrcd-4",
	  HTTP_SRC "iface.*=dhcp\ncache=no\nsubdir=sysrcd-4\n" },
	{ "subdir= leaves an nbd export alone", "nbdboot=192.168.1.5:2000 subdir=sysrcd-4",
	  NBD_SRC "iface.*=dhcp\ncache=no\nsubdir=sysrcd-4\n" },
	{ "subdir= leaves dracut's NFS root alone", "root=nfs:10.0.2.2:/srv/root subdir=x",
	  "source=nfs\nurl=nfs://10.0.2.2:/srv/root\ncheck=default\niface.*=dhcp\ncache=no\nsubdir=x\n" },
	{ "nbd export name", "netboot=nbd://192.168.1.5/sysrcd",
	  "source=nbd\nurl=nbd://192.168.1.5/sysrcd\nnbd_export=sysrcd\ncheck=default\niface.*=dhcp\ncache=no\n" },
	{ "httpboot=", "httpboot=http://10.0.2.2:8080/sysrcd.dat", HTTP_SRC "iface.*=dhcp\ncache=no\n" },
	{ "boothttp=", "boothttp=http://10.0.2.2:8080/sysrcd.dat", HTTP_SRC "iface.*=dhcp\ncache=no\n" },
	{ "tftpboot=", "tftpboot=tftp://10.0.2.2/sysrcd.dat",
	  "source=tftp\nurl=tftp://10.0.2.2/sysrcd.dat\nchecksum_url=tftp://10.0.2.2/sysrcd.md5\n"
	  "check=default\niface.*=dhcp\ncache=no\n" },
	{ "boottftp=", "boottftp=tftp://10.0.2.2:6969/x/sysrcd.dat",
	  "source=tftp\nurl=tftp://10.0.2.2:6969/x/sysrcd.dat\nchecksum_url=tftp://10.0.2.2:6969/x/sysrcd.md5\n"
	  "check=default\niface.*=dhcp\ncache=no\n" },
	{ "mirrors: list and repeat", "netboot=http://a/x.dat,http://b:81/x.dat netboot=http://c/d/x.dat",
	  "source=http\nurl=http://a/x.dat\nchecksum_url=http://a/sysrcd.md5\n"
	  "url=http://b:81/x.dat\nchecksum_url=http://b:81/sysrcd.md5\n"
	  "url=http://c/d/x.dat\nchecksum_url=http://c/d/sysrcd.md5\ncheck=default\niface.*=dhcp\ncache=no\n" },
	{ "mirrors mixing http and https", "netboot=https://a/x.dat,http://b:81/x.dat",
	  "source=http\nurl=https://a/x.dat\nchecksum_url=https://a/sysrcd.md5\n"
	  "url=http://b:81/x.dat\nchecksum_url=http://b:81/sysrcd.md5\ncheck=default\niface.*=dhcp\ncache=no\n" },
	{ "four mirrors", "netboot=tftp://a/x,tftp://b/x,tftp://c/x,tftp://d/x nocheck",
	  "source=tftp\nurl=tftp://a/x\nurl=tftp://b/x\nurl=tftp://c/x\nurl=tftp://d/x\ncheck=skip\n"
	  "iface.*=dhcp\ncache=no\n" },
	{ "eth0= and gw", "eth0=192.168.1.10/24 gw=192.168.1.254 " NB,
	  HTTP_SRC "iface.*=off\niface.eth0=static 192.168.1.10/24 gw 192.168.1.254\ngateway=192.168.1.254\ncache=no\n" },
	{ "ethx= dotted mask, gateway=, dns=", "ethx=10.0.0.5/255.255.0.0 gateway=10.0.0.1 dns=10.0.0.2,8.8.8.8",
	  NONE "iface.*=static 10.0.0.5/16 gw 10.0.0.1\ngateway=10.0.0.1\ndns=10.0.0.2,8.8.8.8\ncache=no\n" },
	{ "eth0= beats ethx=", "ethx=10.0.0.2 eth1=10.1.0.3/8 " NB,
	  HTTP_SRC "iface.*=static 10.0.0.2/24\niface.eth1=static 10.1.0.3/8\ncache=no\n" },
	{ "dodhcp=eth0,eth2", "dodhcp=eth0,eth2,eth0 " NB,
	  HTTP_SRC "iface.*=off\niface.eth0=dhcp\niface.eth2=dhcp\ncache=no\n" },
	{ "dodhcp=list beats ethx", "ethx=10.0.0.2 dodhcp=eth0", NONE "iface.*=static 10.0.0.2/24\niface.eth0=dhcp\ncache=no\n" },
	{ "nodhcp", "nodhcp " NB, HTTP_SRC "iface.*=off\ncache=no\n" },
	{ "nodhcp then dodhcp: last wins", "nodhcp dodhcp", NONE "iface.*=dhcp\ncache=no\n" },
	{ "dodhcp then nodhcp: last wins", "dodhcp=eth0 nodhcp", NONE "iface.*=off\ncache=no\n" },
	{ "the small options",
	  "dhcphostname=rescue-01 nameif=eth0!00:11:22:33:44:55,eth1!BOOTIF setkmap=fr docache docheck "
	  "subdir=sysrcd-4 scandelay minishell",
	  "source=none\ncheck=force\ndhcp_hostname=rescue-01\nnameif.eth0=00:11:22:33:44:55\n"
	  "nameif.eth1=BOOTIF\nkeymap=fr\ncache=yes\nsubdir=sysrcd-4\nscandelay=10\nminishell=yes\n" },
	{ "nameif BOOTIF resolved", "nameif=eth1!BOOTIF,eth0!00-11-22-33-44-5F BOOTIF=01-aa-bb-cc-dd-ee-ff",
	  NONE "bootif=aa:bb:cc:dd:ee:ff\nnameif.eth1=aa:bb:cc:dd:ee:ff\nnameif.eth0=00:11:22:33:44:5f\ncache=no\n" },
	{ "net.ifnames=0 keeps kernel names", "net.ifnames=0", NONE "cache=no\nifnames=kernel\n" },
	{ "net.ifnames=1, last wins", "net.ifnames=0 net.ifnames=true", NONE "cache=no\n" },
	{ "BOOTIF without 01-", "BOOTIF=AA-BB-CC-DD-EE-0F", NONE "bootif=aa:bb:cc:dd:ee:0f\ncache=no\n" },
	{ "netboot.jitter=N", "netboot.jitter=30 " NB,
	  "source=http\nurl=http://10.0.2.2:8080/sysrcd.dat\nchecksum_url=http://10.0.2.2:8080/sysrcd.md5\ncheck=default\niface.*=dhcp\ncache=no\njitter=30\n" },
	{ "jitter=N, last wins", "netboot.jitter=30 jitter=600 nocheck " NB,
	  "source=http\nurl=http://10.0.2.2:8080/sysrcd.dat\ncheck=skip\niface.*=dhcp\ncache=no\njitter=600\n" },
	{ "jitter=0 is none", "jitter=0 nocheck " NB,
	  "source=http\nurl=http://10.0.2.2:8080/sysrcd.dat\ncheck=skip\niface.*=dhcp\ncache=no\n" },
	{ "bare jitter belongs to others", "jitter nocheck " NB,
	  "source=http\nurl=http://10.0.2.2:8080/sysrcd.dat\ncheck=skip\niface.*=dhcp\ncache=no\n" },
	{ "scandelay=N nocheck", "scandelay=5 nocheck " NB,
	  "source=http\nurl=http://10.0.2.2:8080/sysrcd.dat\ncheck=skip\niface.*=dhcp\ncache=no\nscandelay=5\n" },
	{ "nbdtimeout=N", "nbdtimeout=8 " NB,
	  "source=http\nurl=http://10.0.2.2:8080/sysrcd.dat\nchecksum_url=http://10.0.2.2:8080/sysrcd.md5\n"
	  "check=default\niface.*=dhcp\ncache=no\nnbdtimeout=8\n" },
	{ "checksum= proxy= init=", NB " checksum=sha256:" H64 " proxy=http://proxy.lan:3128 init=/sbin/init2",
	  "source=http\nurl=http://10.0.2.2:8080/sysrcd.dat\nchecksum=sha256:" H64 "\ncheck=default\n"
	  "proxy=http://proxy.lan:3128\niface.*=dhcp\ncache=no\ninit=/sbin/init2\n" },
	{ "checksum=md5", "checksum=md5:0123456789ABCDEF0123456789abcdef",
	  "source=none\nchecksum=md5:0123456789ABCDEF0123456789abcdef\ncheck=default\ncache=no\n" },
	{ "checksum=verity: the root hash, verity on", "nfsboot=10.0.2.2:/srv checksum=verity:" H64,
	  "source=nfs\nurl=nfs://10.0.2.2:/srv\nchecksum_url=nfs://10.0.2.2:/srv/sysrcd.md5\nimage_path=sysrcd.dat\n"
	  "verity=" H64 "\ncheck=default\niface.*=dhcp\ncache=no\n" },
	{ "verity: the root from the server", "nfsboot=10.0.2.2:/srv netboot.verity",
	  "source=nfs\nurl=nfs://10.0.2.2:/srv\nchecksum_url=nfs://10.0.2.2:/srv/sysrcd.md5\nimage_path=sysrcd.dat\n"
	  "verity=server\ncheck=default\niface.*=dhcp\ncache=no\n" },
	{ "checksum=sha512", "checksum=sha512:" H64 H64, "source=none\nchecksum=sha512:" H64 H64 "\ncheck=default\ncache=no\n" },
	/* ip= */
	{ "ip=dhcp", "ip=dhcp", NONE "iface.*=dhcp\ncache=no\n" },
	{ "ip=on", "ip=on", NONE "iface.*=dhcp\ncache=no\n" },
	{ "ip=any", "ip=any", NONE "iface.*=dhcp\ncache=no\n" },
	{ "ip=both", "ip=both", NONE "iface.*=dhcp\ncache=no\n" },
	{ "ip=bootp", "ip=bootp", NONE "iface.*=dhcp\ncache=no\n" },
	{ "ip=off", "ip=off " NB, HTTP_SRC "iface.*=off\ncache=no\n" },
	{ "ip=none", "ip=none", NONE "iface.*=off\ncache=no\n" },
	{ "ip=:: (archiso wiki)", "ip=::", NONE "iface.*=dhcp\ncache=no\n" },
	{ "ip=:::::eth0:dhcp", "ip=:::::eth0:dhcp", NONE "iface.eth0=dhcp\ncache=no\n" },
	{ "ip= static, device, hostname", "ip=192.0.2.10::192.0.2.1:255.255.255.0:myhost:eth0:off",
	  NONE "iface.eth0=static 192.0.2.10/24 gw 192.0.2.1 hostname myhost\ncache=no\n" },
	{ "ip= prefix mask, no device", "ip=192.0.2.10::192.0.2.1:22:::",
	  NONE "iface.*=static 192.0.2.10/22 gw 192.0.2.1\ncache=no\n" },
	{ "ip= pxelinux IPAPPEND 1", "ip=192.168.1.10:192.168.1.5:192.168.1.254:255.255.255.0 " NB,
	  HTTP_SRC "iface.*=static 192.168.1.10/24 gw 192.168.1.254\ncache=no\n" },
	{ "ip= client, no mask: /24", "ip=10.9.8.7::::::none", NONE "iface.*=static 10.9.8.7/24\ncache=no\n" },
	{ "ip= dhcp wins over client", "ip=10.9.8.7:::::eth3:dhcp", NONE "iface.eth3=dhcp\ncache=no\n" },
	{ "ip= dns0 dns1 ntp", "ip=:::::eth1:dhcp:10.0.0.53:10.0.0.54:10.0.0.1 dns=10.0.0.53,1.1.1.1",
	  NONE "iface.eth1=dhcp\ndns=10.0.0.53,10.0.0.54,1.1.1.1\ncache=no\n" },
	{ "ip= dracut mtu:mac", "ip=10.0.0.9:::255.255.255.0::eth0:none:1500:52:54:00:12:34:56",
	  NONE "iface.eth0=static 10.0.0.9/24\ncache=no\n" },
	{ "ip=eth0:dhcp (dracut)", "ip=eth0:dhcp ip=eth1:off", NONE "iface.eth0=dhcp\niface.eth1=off\ncache=no\n" },
	/* dracut */
	{ "root=live:http", "root=live:http://10.0.2.2/live/squashfs.img rd.live.image",
	  "source=http\nurl=http://10.0.2.2/live/squashfs.img\ncheck=default\niface.*=dhcp\ncache=no\n" },
	{ "root=live:tftp", "root=live:tftp://10.0.2.2/squashfs.img",
	  "source=tftp\nurl=tftp://10.0.2.2/squashfs.img\ncheck=default\niface.*=dhcp\ncache=no\n" },
	{ "root=nbd:srv:port", "root=nbd:10.0.2.2:2000", "source=nbd\nurl=nbd://10.0.2.2:2000/\ncheck=default\niface.*=dhcp\ncache=no\n" },
	{ "root=nbd:srv:export:fstype", "root=nbd:10.0.2.2:rootfs:squashfs:ro",
	  "source=nbd\nurl=nbd://10.0.2.2/rootfs\nnbd_export=rootfs\ncheck=default\niface.*=dhcp\ncache=no\n" },
	{ "root=nfs:srv:/path:opts", "root=nfs:10.0.2.2:/srv/root:ro,vers=3",
	  "source=nfs\nurl=nfs://10.0.2.2:/srv/root\ncheck=default\niface.*=dhcp\ncache=no\n" },
	/* archiso */
	{ "archiso_http_srv", "archiso_http_srv=http://10.0.2.2/ archisobasedir=sysresccd",
	  "source=http\nurl=http://10.0.2.2/sysresccd/x86_64/airootfs.sfs\n"
	  "checksum_url=http://10.0.2.2/sysresccd/x86_64/airootfs.sha512\ncheck=default\niface.*=dhcp\ncache=no\n" },
	{ "archiso_http_srv without slash", "archisobasedir=arch archiso_http_srv=http://10.0.2.2/iso",
	  "source=http\nurl=http://10.0.2.2/iso/arch/x86_64/airootfs.sfs\n"
	  "checksum_url=http://10.0.2.2/iso/arch/x86_64/airootfs.sha512\ncheck=default\niface.*=dhcp\ncache=no\n" },
	{ "archiso_nbd_srv + name", "archiso_nbd_srv=10.0.2.2 archiso_nbd_name=sysrcd",
	  "source=nbd\nurl=nbd://10.0.2.2/sysrcd\nimage_path=arch/x86_64/airootfs.sfs\nnbd_export=sysrcd\n"
	  "check=default\niface.*=dhcp\ncache=no\n" },
	{ "archiso_nbd_srv ${pxeserver} checksum verify", "archiso_nbd_srv=${pxeserver} checksum verify",
	  "source=nbd\nurl=nbd://pxeserver/archiso\nimage_path=arch/x86_64/airootfs.sfs\nnbd_export=archiso\n"
	  "server=dhcp\ncheck=force\niface.*=dhcp\ncache=no\n" },
	{ "archiso_nfs_srv", "archiso_nfs_srv=${pxeserver}:/run/archiso/bootmnt checksum=y copytoram=auto",
	  "source=nfs\nurl=nfs://pxeserver:/run/archiso/bootmnt\n"
	  "checksum_url=nfs://pxeserver:/run/archiso/bootmnt/arch/x86_64/airootfs.sha512\n"
	  "image_path=arch/x86_64/airootfs.sfs\nserver=dhcp\ncheck=force\niface.*=dhcp\ncache=no\n" },
	/* found by cmdline_fuzz: a leading / made the NFS image path absolute */
	{ "archisobasedir=//sysresccd/ slashes dropped", "archiso_nfs_srv=10.0.2.2:/srv archisobasedir=//sysresccd/",
	  "source=nfs\nurl=nfs://10.0.2.2:/srv\n"
	  "checksum_url=nfs://10.0.2.2:/srv/sysresccd/x86_64/airootfs.sha512\n"
	  "image_path=sysresccd/x86_64/airootfs.sfs\ncheck=default\niface.*=dhcp\ncache=no\n" },
	/* not ours */
	{ "casper netboot=nfs ignored", "boot=casper netboot=nfs nfsroot=10.0.0.1:/srv/ubuntu ip=dhcp",
	  NONE "iface.*=dhcp\ncache=no\n" },
	{ "live-boot netboot=cifs ignored", "boot=live netboot=cifs nfsroot=//10.0.0.1/live", NONE "cache=no\n" },
	{ "unknown args ignored",
	  "quiet splash foo=bar root=/dev/sda1 root=live:CDLABEL=SYSRCD console=ttyS0,115200 =x \"\" ip init "
	  "rd.neednet=1 eth=1.2.3 ethernet=x eth99999=x",
	  NONE "cache=no\n" },
	{ "empty line", "", NONE "cache=no\n" },
	{ "only blanks", " \t\n ", NONE "cache=no\n" },
	/* the kernel's quoting and separators */
	{ "quoted values", "\"dhcphostname=my-host\" setkmap=\"fr\" proxy=\"http://p:3128\"",
	  NONE "proxy=http://p:3128\ndhcp_hostname=my-host\nkeymap=fr\ncache=no\n" },
	{ "quotes hide blanks", "foo=\"bar " NB "\" setkmap=de", NONE "keymap=de\ncache=no\n" },
	{ "tabs and newlines", "ethx=10.0.0.2\tnetboot=http://10.0.2.2:8080/sysrcd.dat\n",
	  HTTP_SRC "iface.*=static 10.0.0.2/24\ncache=no\n" },
	{ "stops at --", "setkmap=fr -- setkmap=de ethx=bad", NONE "keymap=fr\ncache=no\n" },
	{ "repeat: last wins", "setkmap=us setkmap=fr ethx=10.0.0.1 ethx=10.0.0.2/16 gw=10.0.0.9 gw=10.0.0.254",
	  NONE "iface.*=static 10.0.0.2/16 gw 10.0.0.254\ngateway=10.0.0.254\nkeymap=fr\ncache=no\n" },
};

static void test_plans(void)
{
	for (size_t i = 0; i < sizeof(plans) / sizeof(plans[0]); i++) {
		char name[160], *text;
		int rc = parse(plans[i].line);
		snprintf(name, sizeof(name), "plan: %s", plans[i].name);
		if (rc != 0) {
			printf("FAIL: %s: rc %d: %s\n", name, rc, err.msg);
			check_failures++;
			continue;
		}
		text = plan();
		CHECK_STR(name, text, plans[i].want);
		free(text);
	}
}

/* Bad values: -EINVAL, and the message starts with the argument as given
 * (or contains the given text). */
static const struct { const char *line, *want; } bad[] = {
	{ "ethx=300.1.2.3/24", "ethx=300.1.2.3/24: expected an IPv4 address like 192.168.1.10/24" },
	{ "ethx=1.2.3.4/33", "ethx=1.2.3.4/33: expected an IPv4 address" },
	{ "ethx=1.2.3.4/0", "ethx=1.2.3.4/0:" },
	{ "ethx=1.2.3.4/255.0.255.0", "ethx=1.2.3.4/255.0.255.0:" },
	{ "ethx=1.2.3", "ethx=1.2.3:" },
	{ "net.ifnames=2", "net.ifnames=2: expected net.ifnames=0 (kernel names such as eth0)" },
	{ "ethx=01.2.3.4", "ethx=01.2.3.4:" },
	{ "ethx=0.0.0.0", "ethx=0.0.0.0:" },
	{ "ethx=", "ethx=:" },
	{ "ethx", "ethx: expected ethx=VALUE" },
	{ "eth0=10.0.0.1/x", "eth0=10.0.0.1/x:" },
	{ "netboot=htp://x", "netboot=htp://x: URL 'htp://x': unknown scheme 'htp', expected http, https, tftp, nbd or nfs" },
	{ "netboot=http://", "netboot=http://:" },
	{ "netboot=http:/x/sysrcd.dat", "netboot=http:/x/sysrcd.dat: URL" },
	{ "netboot=192.168.1.5:/tftpboot", "netboot=192.168.1.5:/tftpboot: URL" },
	{ "netboot=http://10.0.0.1/", "netboot=http://10.0.0.1/: expected the image's URL" },
	{ "netboot=http://a/x.dat,tftp://b/x.dat", "netboot=http://a/x.dat,tftp://b/x.dat: all mirrors must use one scheme" },
	{ "netboot=http://a/x.dat,", "netboot=http://a/x.dat,:" },
	{ "netboot=http://a/x.dat nfsboot=1.2.3.4:/x", "nfsboot=1.2.3.4:/x: all mirrors must use one scheme" },
	{ "netboot=http://a/x,http://b/x,http://c/x,http://d/x netboot=http://e/x", "netboot=http://e/x: too many mirrors" },
	{ "netboot=http://a/sysrcd.dat root=live:http://b/img", "root=live:http://b/img: mixes boot source forms" },
	{ "httpboot=10.0.0.1/sysrcd.dat", "httpboot=10.0.0.1/sysrcd.dat:" },
	{ "nbdboot=host:99999", "nbdboot=host:99999: " },
	{ "nbdboot=", "nbdboot=:" },
	{ "nfsboot=1.2.3.4/tftpboot", "nfsboot=1.2.3.4/tftpboot: expected nfsboot=SERVER:/DIR" },
	{ "nfsboot=1.2.3.4:", "nfsboot=1.2.3.4:: expected nfsboot=SERVER:/DIR" },
	{ "nfsboot=[2001:db8::1]/x", "nfsboot=[2001:db8::1]/x: expected nfsboot=SERVER:/DIR" },
	{ "nfsboot=[2001:db8::zz]:/x", "nfsboot=[2001:db8::zz]:/x: URL 'nfs://[2001:db8::zz]:/x': '[2001:db8::zz]' is not an IPv6 address" },
	{ "nbdboot=[2001:db8::1:2000", "nbdboot=[2001:db8::1:2000: URL 'nbd://[2001:db8::1:2000': unclosed '['" },
	{ "BOOTIF=zz", "BOOTIF=zz: expected BOOTIF=01-aa-bb-cc-dd-ee-ff" },
	{ "BOOTIF=01-aa-bb-cc-dd", "BOOTIF=01-aa-bb-cc-dd: expected BOOTIF=" },
	{ "BOOTIF=20-aa-bb-cc-dd-ee-ff", "BOOTIF=20-aa-bb-cc-dd-ee-ff: expected BOOTIF=" },
	{ "BOOTIF=01-aa:bb-cc-dd-ee-ff", "BOOTIF=01-aa:bb-cc-dd-ee-ff:" },
	{ "checksum=sha256:abc", "checksum=sha256:abc: a sha256 checksum is 64 hex digits" },
	{ "checksum=sha256:" "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg", "checksum=sha256:" },
	{ "checksum=crc32:abcd", "checksum=crc32:abcd: expected checksum=md5:HEX" },
	{ "checksum=verity:abc", "checksum=verity:abc: a verity root hash is 64 hex digits (SHA-256)" },
	{ "checksum=maybe", "checksum=maybe:" },
	{ "dns=1.2.3", "dns=1.2.3: expected up to 3 IPv4 addresses" },
	{ "dns=1.1.1.1,2.2.2.2,3.3.3.3,4.4.4.4", "dns=1.1.1.1,2.2.2.2,3.3.3.3,4.4.4.4: at most 3 DNS servers" },
	{ "gw=10.0.0", "gw=10.0.0: expected an IPv4 address" },
	{ "gateway=x", "gateway=x:" },
	{ "gw", "gw: expected gw=VALUE" },
	{ "ip=10.0.0.2::10.0.0.1:255.0.255.0::eth0:off", "ip=10.0.0.2::10.0.0.1:255.0.255.0::eth0:off: netmask field" },
	{ "ip=10.0.0.2:::33", "ip=10.0.0.2:::33: netmask field" },
	{ "ip=10.0.0.256::::::off", "ip=10.0.0.256::::::off: client field" },
	{ "ip=10.0.0.2::x", "ip=10.0.0.2::x: gateway field" },
	{ "ip=10.0.0.2:x", "ip=10.0.0.2:x: server field" },
	{ "ip=::::bad_host!:eth0:dhcp", "ip=::::bad_host!:eth0:dhcp: hostname field" },
	{ "ip=10.0.0.2::::::dhcp7", "ip=10.0.0.2::::::dhcp7: autoconf must be" },
	{ "ip=dhcp,", "ip=dhcp,: autoconf must be" },
	{ "ip=eth0:auto7", "ip=eth0:auto7: autoconf must be" },
	{ "ip=2001:db8::5::::eth0:none", "ip=2001:db8::5::::eth0:none: autoconf must be off, none, dhcp, on, any, both, bootp, dhcp6 or auto6, or a list like dhcp,dhcp6 (iBFT is not supported; IPv6 addresses go in brackets" },
	{ "ip=[2001:db8::zz]::::eth0:none", "ip=[2001:db8::zz]::::eth0:none: client field: expected an IPv6 address in brackets" },
	{ "ip=[2001:db8::5::::eth0:none", "ip=[2001:db8::5::::eth0:none: client field: expected an IPv6 address in brackets" },
	{ "ip=[2001:db8::5]::[fe80::zz]:64::eth0:none", "ip=[2001:db8::5]::[fe80::zz]:64::eth0:none: gateway field: expected an IPv6 address" },
	{ "ip=[2001:db8::5]:::129::eth0:none", "ip=[2001:db8::5]:::129::eth0:none: netmask field: expected a prefix length 1..128" },
	{ "ip=[2001:db8::5]:::::eth0:none:[x]", "ip=[2001:db8::5]:::::eth0:none:[x]: dns0 field: expected an IPv6 address in brackets" },
	{ "ethx=2001:db8::zz/64", "ethx=2001:db8::zz/64: expected an IPv6 address like 2001:db8::10/64 (prefix length 1..128)" },
	{ "eth0=2001:db8::5/129", "eth0=2001:db8::5/129: expected an IPv6 address like" },
	{ "eth0=ff02::1/64", "eth0=ff02::1/64: expected an IPv6 address like" },
	{ "ethx=::/64", "ethx=::/64: expected an IPv6 address like" },
	{ "gw=2001:db8:::1", "gw=2001:db8:::1: expected an IPv6 address like 2001:db8::1" },
	{ "dns=2001:db8::53,2001:db8::g", "dns=2001:db8::53,2001:db8::g: expected IPv6 addresses like 2001:db8::53" },
	{ "dns=::1,::2,::3,::4", "dns=::1,::2,::3,::4: at most 3 IPv6 DNS servers" },
	{ "ip=:::::eth0:dhcp:1.2.3", "ip=:::::eth0:dhcp:1.2.3: dns0 field" },
	{ "ip=:::::eth0:dhcp::x", "ip=:::::eth0:dhcp::x: dns1 field" },
	{ "ip=:::::a/b:dhcp", "ip=:::::a/b:dhcp: 'a/b' is not an interface name" },
	{ "ip=:::::averyveryverylongname0:dhcp", "ip=:::::averyveryverylongname0:dhcp: 'averyveryverylongname0' is not" },
	{ "nameif=eth0!zz", "nameif=eth0!zz: expected nameif=eth0!00:11:22:33:44:55,eth1!BOOTIF" },
	{ "nameif=eth0", "nameif=eth0: expected nameif=" },
	{ "nameif=!00:11:22:33:44:55", "nameif=!00:11:22:33:44:55:" },
	{ "dodhcp=eth/0", "dodhcp=eth/0: expected dodhcp or dodhcp=eth0,eth2" },
	{ "dodhcp=eth0,,eth1", "dodhcp=eth0,,eth1:" },
	{ "docache=yes", "docache=yes: docache takes no value" },
	{ "nodhcp=1", "nodhcp=1: nodhcp takes no value" },
	{ "scandelay=abc", "scandelay=abc: expected scandelay=SECONDS" },
	{ "nbdtimeout=1", "nbdtimeout=1: expected nbdtimeout=SECONDS, 2 to 3600" },
	{ "nbdtimeout=", "nbdtimeout=: expected nbdtimeout=SECONDS, 2 to 3600" },
	{ "scandelay=3601", "scandelay=3601:" },
	{ "netboot.jitter=601", "netboot.jitter=601: expected netboot.jitter=SECONDS, 0 to 600" },
	{ "jitter=-1", "jitter=-1: expected jitter=SECONDS, 0 to 600" },
	{ "jitter=5s", "jitter=5s: expected jitter=SECONDS" },
	{ "netboot.jitter", "netboot.jitter: expected netboot.jitter=VALUE" },
	{ "setkmap=", "setkmap=: expected a keymap name" },
	{ "setkmap=fr;rm", "setkmap=fr;rm:" },
	{ "setkmap=\"f r\"", "setkmap=f r:" },
	{ "setkmap=f\001r", "setkmap=f?r: expected a keymap name" },
	{ "dhcphostname=\"bad host\"", "dhcphostname=bad host:" },
	{ "subdir=../etc", "subdir=../etc:" },
	{ "nfsboot=a:/b subdir=" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "the image's path in the NFS folder would be longer than 127 characters" },
	{ "init=sbin/init", "init=sbin/init: expected init=/absolute/path" },
	{ "proxy=ftp://x", "proxy=ftp://x:" },
	{ "proxy=tftp://x:69", "proxy=tftp://x:69: expected proxy=http://HOST:PORT" },
	{ "root=live:ftp://x/y", "root=live:ftp://x/y: expected root=live:http://" },
	{ "proxy=https://p:3128", "proxy=https://p:3128: expected proxy=http://HOST:PORT" },
	{ "root=nbd:srv", "root=nbd:srv: expected root=nbd:SERVER:PORT" },
	{ "root=nbd:srv:99999", "root=nbd:srv:99999: expected root=nbd:SERVER:PORT" },
	{ "root=nbd::2000", "root=nbd::2000: expected root=nbd:SERVER:PORT" },
	{ "root=nfs:/srv/root", "root=nfs:/srv/root: expected root=nfs:SERVER:/PATH" },
	{ "archiso_http_srv=ftp://x/", "archiso_http_srv=ftp://x/arch/x86_64/airootfs.sfs:" },
	{ "archiso_http_srv=http://a/ archiso_nfs_srv=b:/c", "archiso_nfs_srv=nfs://b:/c: all mirrors must use one scheme" },
	{ "archiso_nbd_srv=", "archiso_nbd_srv=: expected a server" },
	{ "archisobasedir=../x archiso_http_srv=http://a/", "archisobasedir=../x:" },
	{ "archisobasedir=/ archiso_http_srv=http://a/", "archisobasedir=/: expected a directory name" },
	{ "eth0=1.1.1.1 eth1=1.1.1.1 eth2=1.1.1.1 eth3=1.1.1.1 eth4=1.1.1.1 eth5=1.1.1.1 eth6=1.1.1.1 "
	  "eth7=1.1.1.1 eth8=1.1.1.1 eth9=1.1.1.1 eth10=1.1.1.1 eth11=1.1.1.1 eth12=1.1.1.1 eth13=1.1.1.1 "
	  "eth14=1.1.1.1 eth15=1.1.1.1 eth16=1.1.1.1", "eth16=1.1.1.1: too many interfaces (at most 16)" },
	/* a valid argument before the bad one does not hide it */
	{ NB " ethx=1.2.3.4/99 setkmap=fr", "ethx=1.2.3.4/99:" },
};

static void test_bad(void)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char name[200];
		int rc = parse(bad[i].line);
		snprintf(name, sizeof(name), "bad: %.150s", bad[i].line);
		for (char *p = name; *p; p++)
			if ((unsigned char)*p < 0x20)
				*p = '?';
		if (rc == -EINVAL && strstr(err.msg, bad[i].want))
			printf("PASS: %s\n", name);
		else {
			printf("FAIL: %s: rc %d, message '%s', want '%s'\n", name, rc, err.msg, bad[i].want);
			check_failures++;
		}
	}
}

/* Values one character too long for their field are refused by name. */
static void test_too_long(void)
{
	static const struct { const char *key, *prefix; size_t len; } longs[] = {
		{ "setkmap", "", 32 },
		{ "dhcphostname", "", 64 },
		{ "subdir", "", 128 },
		{ "init", "/", 256 },
		{ "proxy", "http://", 300 },
		{ "netboot", "http://", 300 },		/* host name over 255 */
		{ "netboot", "http://h/", 1100 },	/* path over 1023 */
		{ "netboot", "nbd://h/", 100 },		/* export name over 63 */
		{ "archisobasedir", "", 64 },
		{ "archiso_http_srv", "http://", 300 },
		{ "ip", ":::::", 16 },			/* interface name over 15 */
		{ "dodhcp", "", 16 },
		{ "BOOTIF", "01-", 3000 },
	};
	char line[4000], name[64], want[32];

	for (size_t i = 0; i < sizeof(longs) / sizeof(longs[0]); i++) {
		int n = snprintf(line, sizeof(line), "%s=%s", longs[i].key, longs[i].prefix);
		memset(line + n, 'a', longs[i].len);
		line[n + longs[i].len] = '\0';
		if (!strcmp(longs[i].key, "init") || !strcmp(longs[i].key, "netboot"))
			memcpy(line + strlen(line) - 4, ".dat", 4);
		snprintf(name, sizeof(name), "too long: %s= (%zu)", longs[i].key, longs[i].len);
		snprintf(want, sizeof(want), "%s=", longs[i].key);
		CHECK(name, parse(line) == -EINVAL && strncmp(err.msg, want, strlen(want)) == 0 &&
			    strlen(err.msg) < sizeof(err.msg) - 1);
	}
	CHECK("too long: message shortened with ...", parse(line) == -EINVAL && strstr(err.msg, "aaa...: "));
}

static uint32_t ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return htonl((uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d);
}

/* The typed fields behind the text. */
static void test_fields(void)
{
	const struct iface_plan *p;

	CHECK("fields: seed http parses", parse("ethx=192.168.157.100 netboot=http://192.168.157.1:8080/sysrcd.dat") == 0);
	CHECK("fields: source http", cfg.source == SOURCE_HTTP && cfg.nurls == 1);
	CHECK("fields: url parts", cfg.urls[0].scheme == URL_HTTP && cfg.urls[0].port == 8080 &&
				   !strcmp(cfg.urls[0].host, "192.168.157.1") && !strcmp(cfg.urls[0].path, "/sysrcd.dat"));
	CHECK("fields: ethx network byte order", cfg.all.addr == ip4(192, 168, 157, 100) && cfg.all.prefix == 24 &&
						 cfg.all.method == NET_STATIC && cfg.all.name[0] == '\0');
	CHECK("fields: ethx applies to eth3", cmdline_iface_method(&cfg, "eth3", &p) == NET_STATIC && p == &cfg.all);
	CHECK("fields: sum_name", !strcmp(cfg.sum_name, "sysrcd.md5") && cfg.image_path[0] == '\0');

	CHECK("fields: nfs seed parses", parse("setkmap=uk ethx=192.168.52.2 nfsboot=192.168.52.1:/tftpboot gw=192.168.52.1") == 0);
	CHECK("fields: nfs url", cfg.source == SOURCE_NFS && !strcmp(cfg.urls[0].host, "192.168.52.1") &&
				 !strcmp(cfg.urls[0].path, "/tftpboot") && !strcmp(cfg.image_path, "sysrcd.dat"));
	CHECK("fields: gateway byte order", cfg.gateway == ip4(192, 168, 52, 1) && !strcmp(cfg.keymap, "uk"));

	CHECK("fields: nbd seed parses", parse("dodhcp netboot=nbd://192.168.157.1:2000") == 0);
	CHECK("fields: nbd", cfg.source == SOURCE_NBD && cfg.urls[0].port == 2000 && cfg.nbd_export[0] == '\0' &&
			     cfg.dodhcp && cfg.sum_name[0] == '\0');
	CHECK("fields: dodhcp means dhcp, no plan", cmdline_iface_method(&cfg, "eth0", &p) == NET_DHCP && p == NULL);

	CHECK("fields: ip= parses", parse("ip=192.0.2.10::192.0.2.1:255.255.252.0:myhost:eth0:off:9.9.9.9") == 0);
	CHECK("fields: ip= plan", cfg.nifaces == 1 && !strcmp(cfg.ifaces[0].name, "eth0") &&
				  cfg.ifaces[0].addr == ip4(192, 0, 2, 10) && cfg.ifaces[0].prefix == 22 &&
				  cfg.ifaces[0].gateway == ip4(192, 0, 2, 1) && !strcmp(cfg.ifaces[0].hostname, "myhost"));
	CHECK("fields: ip= dns", cfg.ndns == 1 && cfg.dns[0] == ip4(9, 9, 9, 9));
	CHECK("fields: ip= eth0 static", cmdline_iface_method(&cfg, "eth0", &p) == NET_STATIC && p == &cfg.ifaces[0]);
	CHECK("fields: no source, eth1 unset", cmdline_iface_method(&cfg, "eth1", NULL) == NET_UNSET);
	CHECK("fields: NULL ifname is the unnamed NICs", cmdline_iface_method(&cfg, NULL, NULL) == NET_UNSET);

	static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 5 }, g6[16] = { 0xfe, 0x80, [15] = 1 };
	CHECK("fields: ip=[v6] parses", parse("ip=[2001:db8::5]::[fe80::1]:56::eth1:none") == 0);
	CHECK("fields: ip=[v6] plan", cmdline_iface_method6(&cfg, "eth1", &p) == NET6_STATIC && p == &cfg.ifaces[0] &&
				      !memcmp(p->addr6, a6, 16) && p->prefix6 == 56 && !memcmp(p->gateway6, g6, 16));
	CHECK("fields: ip=[v6] leaves IPv4 off", cmdline_iface_method(&cfg, "eth1", NULL) == NET_OFF);
	CHECK("fields: other NICs unset for IPv6", cmdline_iface_method6(&cfg, "eth0", &p) == NET6_UNSET && p == NULL);
	CHECK("fields: plain dhcp leaves IPv6 unset", parse("ip=dhcp") == 0 &&
		cmdline_iface_method6(&cfg, "eth0", NULL) == NET6_UNSET && cmdline_iface_method(&cfg, "eth0", NULL) == NET_DHCP);
	CHECK("fields: ip=off turns IPv6 off", parse("ip=off") == 0 && cmdline_iface_method6(&cfg, "eth0", NULL) == NET6_OFF);
	CHECK("fields: gw= v6 kept apart", parse("gw=2001:db8::1 gw=192.0.2.1") == 0 && cfg.gateway == ip4(192, 0, 2, 1) &&
		cfg.gateway6[0] == 0x20 && cfg.gateway6[15] == 1);

	CHECK("fields: BOOTIF parses", parse("BOOTIF=01-00-1A-2b-3c-4d-5e nameif=eth1!BOOTIF") == 0);
	CHECK("fields: BOOTIF bytes", cfg.bootif_set && cfg.bootif[0] == 0x00 && cfg.bootif[1] == 0x1a &&
				      cfg.bootif[5] == 0x5e && cfg.nnameif == 1 && cfg.nameif[0].bootif);

	CHECK("fields: dodhcp list parses", parse("dodhcp=eth0,eth2 netboot=http://h/x.dat") == 0);
	CHECK("fields: dodhcp list", cfg.ndhcp_only == 2 && !strcmp(cfg.dhcp_only[1], "eth2") &&
				     cmdline_iface_method(&cfg, "eth0", NULL) == NET_DHCP &&
				     cmdline_iface_method(&cfg, "eth1", NULL) == NET_OFF);
	CHECK("fields: static elsewhere turns DHCP off", parse("eth1=10.0.0.2 netboot=http://h/x.dat") == 0 &&
		cmdline_iface_method(&cfg, "eth0", NULL) == NET_OFF &&
		cmdline_iface_method(&cfg, "eth1", NULL) == NET_STATIC);
	CHECK("fields: source alone means DHCP", parse("netboot=http://h/x.dat") == 0 &&
		cmdline_iface_method(&cfg, "eth5", NULL) == NET_DHCP);
	CHECK("fields: checksum and check", parse("checksum=sha256:" H64 " nocheck") == 0 &&
		!strcmp(cfg.checksum_arg, "sha256:" H64) && cfg.check == CHECK_SKIP);
	CHECK("fields: scandelay, minishell, init", parse("scandelay=7 minishell init=/bin/sh") == 0 &&
		cfg.scandelay == 7 && cfg.minishell && !strcmp(cfg.init, "/bin/sh"));
	CHECK("fields: archiso server_from_dhcp", parse("archiso_http_srv=http://${pxeserver}/") == 0 &&
		cfg.server_from_dhcp && !strcmp(cfg.urls[0].host, "pxeserver") &&
		!strcmp(cfg.sum_name, "airootfs.sha512"));
	CHECK("fields: root=nfs is the root itself", parse("root=nfs:10.0.0.1:/srv/root") == 0 &&
		cfg.source == SOURCE_NFS && cfg.image_path[0] == '\0' && cfg.sum_name[0] == '\0');
}

/* The parser reads (buf, len), not a C string. */
static void test_buffer(void)
{
	CHECK("buffer: NULL, 0", cmdline_parse(NULL, 0, &cfg, &err) == 0 && cfg.source == SOURCE_NONE);
	CHECK("buffer: stops at len", parse_n("setkmap=fr setkmap=de", 10) == 0 && !strcmp(cfg.keymap, "fr"));
	CHECK("buffer: cut inside a value", parse_n("ethx=10.0.0.1/24", 13) == 0 && cfg.all.addr == ip4(10, 0, 0, 1) &&
					   cfg.all.prefix == 24);
	CHECK("buffer: NUL separates", parse_n("setkmap=fr\0setkmap=de", 21) == 0 && !strcmp(cfg.keymap, "de"));
	CHECK("buffer: unterminated quote runs to the end", parse("foo=\"a setkmap=de") == 0 && cfg.keymap[0] == '\0');
	CHECK("buffer: NULL errbuf", cmdline_parse("ethx=1", 6, &cfg, NULL) == -EINVAL);
}

int main(void)
{
	test_plans();
	test_bad();
	test_too_long();
	test_fields();
	test_buffer();
	return CHECK_DONE();
}
