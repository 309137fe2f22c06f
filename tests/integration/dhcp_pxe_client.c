/* A PXE ROM's DHCP as far as the server tests need it, built on the
 * project's codec (netboot/dhcp_wire.c):
 *   dhcp_pxe_client discover IF ARCH [SECS [KIND]]   broadcast a PXE DISCOVER
 *       (options 60 "PXEClient:Arch:0000N:UNDI:003016", 93 = ARCH, 97, 55) and
 *       print every reply for it within SECS (default 2), one line each.
 *       KIND pxe (default), ipxe (also option 77 "iPXE" and 175, as iPXE
 *       sends them) or http (UEFI HTTP boot: 60 "HTTPClient:Arch:...")
 *   dhcp_pxe_client request IF SERVER CIADDR ARCH   a proxy-DHCP REQUEST to
 *       SERVER:4011 from CIADDR, print the reply
 *   dhcp_pxe_client garbage IF COUNT   broadcast COUNT malformed datagrams
 *       (random, truncated, wrong op, bad options) to port 67
 * A reply line: "reply type=OFFER from=A yiaddr=A siaddr=A file=F sid=A
 * opt60=S opt43=HEX opt97=HEX opt67=S".  Exit 0 when at least one reply came (or
 * garbage was sent), 1 otherwise. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "netboot/clock.h"
#include "netboot/dhcp_wire.h"
#include "netboot/ipv4.h"
#include "netboot/mac.h"

static const uint8_t UUID[17] = { 0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
				  0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x42 };

static int sock(const char *ifname, uint16_t port)
{
	int one = 1, fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("dhcp_pxe_client: socket");
		exit(2);
	}
	return fd;
}

static void read_mac(const char *ifname, uint8_t mac[6])
{
	char path[128], text[32] = "";
	snprintf(path, sizeof(path), "/sys/class/net/%s/address", ifname);
	FILE *f = fopen(path, "r");
	if (!f || !fgets(text, sizeof(text), f) || !mac_parse(text, 17, mac)) {
		fprintf(stderr, "dhcp_pxe_client: cannot read %s\n", path);
		exit(2);
	}
	fclose(f);
}

static const char *kind = "pxe";

static void pxe_request(struct dhcp_msg *m, uint8_t type, uint32_t xid, const uint8_t mac[6], int arch)
{
	char vendor[64];
	uint8_t a[2] = { (uint8_t)(arch >> 8), (uint8_t)arch };
	static const uint8_t params[] = { 1, 3, 6, 43, 60, 66, 67, 97, 128 };
	uint8_t mms[2] = { 0x04, 0xec };	/* 1260, like iPXE and many ROMs */
	uint8_t ndi[3] = { 1, 2, 1 };

	dhcp_msg_init(m, DHCP_BOOTREQUEST, type, xid, mac);
	m->flags = DHCP_FLAG_BROADCAST;
	snprintf(vendor, sizeof(vendor), "%s:Arch:%05d:UNDI:003016", strcmp(kind, "http") ? "PXEClient" : "HTTPClient",
		 arch);
	if (!strcmp(kind, "ipxe")) {
		static const uint8_t encap[] = { 19, 1, 1, 17, 1, 1 };	/* 175: bus id, http: what iPXE sends */
		dhcp_opt_add(m, 77, "iPXE", 4);
		dhcp_opt_add(m, 175, encap, sizeof(encap));
	}
	dhcp_opt_add(m, DHCP_OPT_MAX_SIZE, mms, 2);
	dhcp_opt_add(m, DHCP_OPT_PARAM_LIST, params, sizeof(params));
	dhcp_opt_add(m, DHCP_OPT_CLIENT_ARCH, a, 2);
	dhcp_opt_add(m, DHCP_OPT_CLIENT_NDI, ndi, 3);
	dhcp_opt_add(m, DHCP_OPT_UUID, UUID, sizeof(UUID));
	dhcp_opt_add(m, DHCP_OPT_VENDOR_CLASS, vendor, strlen(vendor));
}

static void hex(const struct dhcp_msg *m, uint8_t code, char *out, size_t cap)
{
	uint8_t b[256];
	size_t len;
	out[0] = '-', out[1] = '\0';
	if (dhcp_opt_get(m, code, b, sizeof(b), &len) < 0)
		return;
	for (size_t i = 0; i < len && 2 * i + 3 <= cap; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

static void print_reply(const struct dhcp_msg *m, uint32_t from)
{
	char f[16], y[16], s[16], sid[16] = "-", v60[64] = "-", o43[80], o97[80], file[130], o67[256] = "-";
	uint32_t a;
	if (dhcp_opt_addr(m, DHCP_OPT_SERVER_ID, &a) == 0)
		ipv4_ntoa(a, sid);
	dhcp_opt_str(m, DHCP_OPT_VENDOR_CLASS, v60, sizeof(v60));
	dhcp_opt_str(m, DHCP_OPT_BOOTFILE, o67, sizeof(o67));
	hex(m, DHCP_OPT_VENDOR_SPECIFIC, o43, sizeof(o43));
	hex(m, DHCP_OPT_UUID, o97, sizeof(o97));
	memcpy(file, m->file, 128);
	file[128] = '\0';
	printf("reply type=%s from=%s yiaddr=%s siaddr=%s file=%s sid=%s opt60=%s opt43=%s opt97=%s opt67=%s\n",
	       dhcp_type_name(dhcp_msg_type(m)), ipv4_ntoa(from, f), ipv4_ntoa(m->yiaddr, y),
	       ipv4_ntoa(m->siaddr, s), file[0] ? file : "-", sid, v60, o43, o97, o67);
	fflush(stdout);
}

/* Prints replies for xid/mac until secs pass; returns how many. */
static int collect(int fd, uint32_t xid, const uint8_t mac[6], int secs)
{
	long long end = monotonic_ms() + secs * 1000LL;
	int n = 0;
	for (long long now; (now = monotonic_ms()) < end;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, (int)(end - now)) <= 0)
			continue;
		uint8_t buf[DHCP_MSG_MAX];
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t len = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		struct dhcp_msg m;
		struct errbuf e;
		if (len < 0 || dhcp_parse(buf, (size_t)len, &m, &e) < 0 || dhcp_check_reply(&m, xid, mac, &e) < 0)
			continue;
		print_reply(&m, from.sin_addr.s_addr);
		n++;
	}
	return n;
}

static int send_msg(int fd, const struct dhcp_msg *m, uint32_t ip, uint16_t port)
{
	uint8_t buf[DHCP_MSG_MAX];
	struct errbuf e;
	int len = dhcp_encode(m, buf, sizeof(buf), &e);
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = ip };
	if (len < 0 || sendto(fd, buf, (size_t)len, 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
		perror("dhcp_pxe_client: send");
		return -1;
	}
	return len;
}

/* Malformed datagrams of several kinds, seeded so a failure repeats. */
static int garbage(const char *ifname, int count)
{
	int fd = sock(ifname, 0);
	uint8_t mac[6] = { 2, 0, 0, 0, 0xde, 0xad };
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(DHCP_SERVER_PORT),
				  .sin_addr.s_addr = INADDR_BROADCAST };
	srandom(12345);
	for (int i = 0; i < count; i++) {
		uint8_t buf[DHCP_MSG_MAX];
		struct dhcp_msg m;
		struct errbuf e;
		size_t len;
		dhcp_msg_init(&m, DHCP_BOOTREQUEST, DHCPDISCOVER, (uint32_t)random(), mac);
		int good = dhcp_encode(&m, buf, sizeof(buf), &e);
		switch (i % 6) {
		case 0:	/* random bytes, random length */
			len = (size_t)random() % 700;
			for (size_t j = 0; j < len; j++)
				buf[j] = (uint8_t)random();
			break;
		case 1:	/* a DISCOVER cut short */
			len = (size_t)random() % 240;
			break;
		case 2:	/* a reply (op 2) */
			buf[0] = 2;
			len = (size_t)good;
			break;
		case 3:	/* an option running past the end */
			buf[240] = 53, buf[241] = 1, buf[242] = 1, buf[243] = 60, buf[244] = 200;
			len = 250;
			break;
		case 4:	/* no magic cookie */
			buf[236] = 0;
			len = (size_t)good;
			break;
		default:	/* BOOTP without a message type, or a bad one */
			buf[240] = (i & 1) ? 255 : 53, buf[241] = 1, buf[242] = 99;
			len = (size_t)good;
			break;
		}
		sendto(fd, buf, len, 0, (struct sockaddr *)&to, sizeof(to));
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	uint8_t mac[6];
	struct dhcp_msg m;
	uint32_t xid;

	if (argc >= 4 && !strcmp(argv[1], "garbage"))
		return garbage(argv[2], atoi(argv[3]));
	if (argc < 4)
		goto usage;
	read_mac(argv[2], mac);
	srandom((unsigned)getpid());
	xid = (uint32_t)random();
	if (!strcmp(argv[1], "discover")) {
		int fd = sock(argv[2], DHCP_CLIENT_PORT);
		if (argc > 5)
			kind = argv[5];
		pxe_request(&m, DHCPDISCOVER, xid, mac, atoi(argv[3]));
		if (send_msg(fd, &m, INADDR_BROADCAST, DHCP_SERVER_PORT) < 0)
			return 2;
		return collect(fd, xid, mac, argc > 4 ? atoi(argv[4]) : 2) > 0 ? 0 : 1;
	}
	if (!strcmp(argv[1], "request") && argc >= 6) {
		int fd = sock(argv[2], 0);
		pxe_request(&m, DHCPREQUEST, xid, mac, atoi(argv[5]));
		m.flags = 0;
		m.ciaddr = inet_addr(argv[4]);
		if (send_msg(fd, &m, inet_addr(argv[3]), 4011) < 0)
			return 2;
		return collect(fd, xid, mac, 2) > 0 ? 0 : 1;
	}
usage:
	fprintf(stderr, "usage: dhcp_pxe_client discover IF ARCH [SECS [pxe|ipxe|http]] | request IF SERVER CIADDR ARCH | garbage IF COUNT\n");
	return 2;
}
