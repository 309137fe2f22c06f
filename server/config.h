/* The settings of `netboot serve`: SystemRescueCd's /etc/conf.d/pxebootsrv
 * read unchanged (pxebootsrv.h), then the command-line flags on top.  The
 * calls go one way: config.c (defaults, flags, checks, --print-config)
 * reads a file with pxebootsrv.c, and both parse mirror maps with
 * mirror_map.c; neither of those calls back up here. */
#ifndef SERVER_CONFIG_H
#define SERVER_CONFIG_H
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include "netboot/errbuf.h"
#include "server/hosts.h"
#include "server/mirror_map.h"
#include "server/status_allow.h"

#define SERVE_MAX_DNS 3
#define SERVE_MAX_MIRROR_MAPS 16	/* PXEBOOTSRV_MIRRORS_1.._16 */

enum stage3_kind { STAGE3_HTTP, STAGE3_TFTP, STAGE3_NBD, STAGE3_NFS };
/* PXEBOOTSRV_IPXE: auto (unset) = iPXE clients get boot.ipxe over HTTP;
 * yes (--ipxe) = plain PXE ROMs are chained to iPXE too; no (--no-ipxe) =
 * pxelinux for every client, as before (server/ipxe.h). */
enum ipxe_mode { IPXE_AUTO, IPXE_CHAIN, IPXE_OFF };

/* Addresses in network byte order, 0 = unset. */
struct serve_config {
	/* services (PXEBOOTSRV_DO*) */
	bool do_dhcp;		/* full DHCP server: hands out addresses */
	bool proxy_dhcp;	/* boot information only, beside another DHCP server */
	bool do_tftp, do_http, do_nbd, do_nfs;
	/* the segment (PXEBOOTSRV_SUBNET, _NETMASK, _DEFROUTE, _DNS, _DHCPRANGE) */
	uint32_t subnet, netmask, router;
	uint32_t dns[SERVE_MAX_DNS];
	int ndns;
	uint32_t range_start, range_end;
	uint32_t lease_secs;
	/* this machine (PXEBOOTSRV_LOCALIP, _TFTPSERVER, _HTTPSERVER) */
	uint32_t local_ip;
	uint32_t listen_ip;	/* PXEBOOTSRV_LISTEN, --listen: every service on this address; 0 = all */
	uint32_t tftp_server;	/* next-server handed to clients */
	char http_url[512];	/* the image URL put on the append line; "" = http://LOCALIP[:port]/sysrcd.dat */
	char nfs_url[512];	/* nfs://host:/dir for the NFS entry (_DONFSD) */
	enum stage3_kind stage3;	/* what the default boot entry uses */
	bool stage3_set;	/* chosen explicitly (flag or PXEBOOTSRV_STAGE3) */
	/* the boot menu (PXEBOOTSRV_TIMEOUT seconds, _EXTRA kernel arguments) */
	unsigned timeout_secs;
	char extra[1024];
	enum ipxe_mode ipxe;	/* iPXE and UEFI HTTP boot (PXEBOOTSRV_IPXE, --ipxe, --no-ipxe) */
	/* where and how */
	char interface[16];	/* "" = every interface */
	char boot_dir[PATH_MAX];
	char leases_file[PATH_MAX];	/* "" = /var/lib/netboot/leases */
	char kernel[128];	/* kernel file name in boot_dir; "" = found at start */
	char initrd[128];	/* "initram.igz" */
	char image[128];	/* "sysrcd.dat" */
	char user[64];		/* drop to this user after binding; "" = stay */
	uint16_t dhcp_port;	/* 67 */
	uint16_t proxy_port;	/* 4011 */
	uint16_t tftp_port;	/* 69 */
	uint16_t http_port;	/* 80 */
	uint16_t nbd_port;	/* 10809 */
	/* per-subnet stage-3 mirrors (PXEBOOTSRV_MIRRORS_N, --mirrors) */
	struct mirror_map mirrors[SERVE_MAX_MIRROR_MAPS];
	/* per host (--hosts FILE, PXEBOOTSRV_HOSTS; /etc/netboot/hosts when it
	 * exists and no file is named) and several images (DIR/images/NAME) */
	char hosts_file[PATH_MAX];	/* "" = HOSTS_DEFAULT_FILE if it exists */
	bool no_hosts;			/* --no-hosts: not even the default file */
	struct host_table hosts;	/* read by serve_config_from_args; shared by copies of the struct */
	char default_image[64];		/* --default-image, PXEBOOTSRV_DEFAULT_IMAGE; "" = the top level */
	/* who may read /, /status.json, /metrics (PXEBOOTSRV_STATUS_ALLOW,
	 * --status-allow); empty = loopback, the served subnet and the local
	 * address's interface subnet (status_allow_default) */
	struct status_allow status_allow;
	/* DHCPv6 (PXEBOOTSRV_DODHCP6, _DHCP6RANGE, _DNS6, _LOCALIP6; server/dhcp6.c):
	 * addresses from the range unless DHCP is proxy-DHCP, else (proxy) only
	 * the boot options; 16-byte addresses, in network order */
	bool do_dhcp6;
	bool has_range6;
	uint8_t range6_start[16], range6_end[16];
	uint8_t dns6[SERVE_MAX_DNS][16];
	int ndns6;
	uint8_t local_ip6[16];	/* put into boot URLs; all zero = the interface's global address */
	bool ipv6_only;		/* found at start: no IPv4 address, and nothing needs one (local_ip 0) */
	bool ra_send;		/* PXEBOOTSRV_RA: RAs with M set (server/ra.c) */
	uint8_t ra_prefix[16];	/* PXEBOOTSRV_RA=PREFIX/LEN: announced on-link */
	uint8_t ra_prefix_len;	/* 0 = no prefix option */
};

/* Defaults: proxy-DHCP (never hands out addresses unless told to), TFTP and
 * HTTP on, NBD and NFS off, stage 3 over HTTP, standard ports. */
void serve_config_defaults(struct serve_config *c);

/* Warnings (unknown keys) go here: one line each. */
typedef void (*config_warn_fn)(void *ctx, const char *msg);

/* Reads argv's flags (after "serve") on top of c, loading --config FILE
 * first wherever it appears.  Sets *print_only for --print-config.
 * Returns 0, or -EINVAL with e naming the flag and what it expected. */
int serve_config_from_args(int argc, char **argv, struct serve_config *c, bool *print_only,
			   config_warn_fn warn, void *warn_ctx, struct errbuf *e);

/* Checks the whole: a range inside the subnet, a local address when
 * serving DHCP, a boot folder, ... -EINVAL with e saying what is missing. */
int serve_config_validate(const struct serve_config *c, struct errbuf *e);
/* The hosts against the segment: with --dhcp a fixed address outside the
 * subnet, or the server's, the router's, the network's or the broadcast
 * address, is -EINVAL naming the hosts file's line; one inside the
 * dynamic range is a warning (it is taken out of the pool); in proxy mode
 * fixed addresses are one warning (the LAN's DHCP server gives addresses).
 * warn may be NULL. */
int serve_config_check_hosts(const struct serve_config *c, config_warn_fn warn, void *warn_ctx, struct errbuf *e);

/* The effective settings, one "key = value" a line (--print-config). */
void serve_config_print(const struct serve_config *c, FILE *out);

/* Room for serve_url_host's answer: a bracketed IPv6 address. */
#define SERVE_HOST_MAX 64
/* The host this server's URLs name for a client that reached it at local
 * (getsockname of its connection, a request's destination; NULL =
 * unknown): over IPv4 (an IPv4-mapped address counts) LOCALIP (found at
 * start when not given), else the TFTP server, else that address; over
 * IPv6 PXEBOOTSRV_LOCALIP6, else that address, bracketed
 * ("[2001:db8::1]").  Unknown: the IPv4 one, as before.  Pure. */
const char *serve_url_host(const struct serve_config *c, const struct sockaddr *local, char buf[SERVE_HOST_MAX]);

/* The stage-3 kernel argument the default entry carries, e.g.
 * "netboot=http://192.0.2.1/sysrcd.dat"; host is what the URL names
 * (serve_url_host), NULL = serve_url_host(c, NULL).  Explicit URLs
 * (--http-url, --nfs-url) are as given. */
int serve_config_stage3_arg(const struct serve_config *c, enum stage3_kind k, const char *host, char *buf, size_t cap);
/* "http" <-> STAGE3_HTTP ... (case-insensitive); -EINVAL for others. */
int stage3_parse(const char *s, enum stage3_kind *k);
const char *stage3_name(enum stage3_kind k);
#endif
