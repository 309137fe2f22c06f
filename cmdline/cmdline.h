/* The kernel command line -> one typed boot plan.
 * Accepts the SystemRescueCd forms (netboot=, nfsboot=, nbdboot=, httpboot=,
 * boothttp=, tftpboot=, boottftp=, ethx=, ethN=, dodhcp[=list], nodhcp,
 * dhcphostname=, nameif=, gw=/gateway=, dns=, setkmap=, docache, docheck,
 * nocheck, subdir=, scandelay[=N], nbdtimeout=, minishell; ethx=/ethN=/gw=/dns= take IPv6
 * addresses too) and the standard ones (ip= in all its forms, dracut's
 * dhcp6/auto6 and [IPv6] static form included, BOOTIF=, init=, plus dracut root=live:/nbd:/nfs: and archiso
 * archiso_*_srv=).  Our own options are checksum=, proxy=.
 * Unknown arguments are ignored: the line is shared with other software
 * (so is a bare netboot=nfs, casper's, and root= values that are not
 * network sources).  Parsing stops at "--", as the kernel's does.
 * A malformed value of ours is an error naming the argument and what was
 * expected.  Pure function over (buffer, length); fuzzed by cmdline_fuzz.c. */
#ifndef CMDLINE_CMDLINE_H
#define CMDLINE_CMDLINE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "netboot/errbuf.h"
#include "netboot/netmethod.h"	/* enum net_method */
#include "netboot/url.h"

#define CMDLINE_MAX_IFACES 16
#define CMDLINE_MAX_URLS 4
#define CMDLINE_MAX_DNS 3

/* IPv6 per interface.  UNSET: nothing said (with DHCPv4, /init also tries
 * SLAAC/DHCPv6 in the background, bounded); OFF: ip=off/none; AUTO:
 * ip=auto6 (RA, then DHCPv6 if M is set); DHCP: ip=dhcp6; STATIC: ip=[a]..
 * or ethx=/ethN= with an IPv6 address. */
enum net6_method { NET6_UNSET, NET6_OFF, NET6_AUTO, NET6_DHCP, NET6_STATIC };

/* Addresses are in network byte order; 0 = not given (IPv6: all zero). */
struct iface_plan {
	char name[16];		/* "eth0"; "" = every Ethernet interface (ethx=, ip= without device) */
	enum net_method method;
	uint32_t addr;
	uint8_t prefix;		/* 0..32; default from the address class is NOT guessed: 24 */
	uint32_t gateway;	/* from ip=; falls back to boot_config.gateway */
	char hostname[64];	/* from ip= */
	enum net6_method method6;
	uint8_t addr6[16];	/* NET6_STATIC */
	uint8_t prefix6;	/* 1..128, 64 when not given */
	uint8_t gateway6[16];	/* from ip=; falls back to boot_config.gateway6 */
};

struct nameif_rule {
	char name[16];
	uint8_t mac[6];
	bool bootif;		/* ethN!BOOTIF: the MAC of BOOTIF= */
};

enum source_kind { SOURCE_NONE, SOURCE_HTTP, SOURCE_TFTP, SOURCE_NBD, SOURCE_NFS };
enum check_mode { CHECK_DEFAULT, CHECK_FORCE, CHECK_SKIP };

struct boot_config {
	/* stage 3 */
	enum source_kind source;
	struct url urls[CMDLINE_MAX_URLS];	/* mirrors, tried in order (same scheme) */
	int nurls;
	char nbd_export[64];		/* nbd export name of the first mirror; "" = default export */
	/* Where the image sits, by the form that named the source:
	 *   image_path: inside the NFS directory or NBD export.  nfsboot= and
	 *     netboot=nfs:// say "sysrcd.dat"; archiso says
	 *     "<archisobasedir>/x86_64/airootfs.sfs" (its NBD export is then an
	 *     ISO 9660 image holding that file); "" = the URL or export is the
	 *     image itself, or, for dracut's root=nfs:, the directory is the
	 *     root filesystem itself.
	 *   sum_name: the checksum file beside the image ("sysrcd.md5", archiso
	 *     "airootfs.sha512"); "" = the form has none (NBD, dracut). */
	char image_path[128];
	char sum_name[32];
	bool server_from_dhcp;		/* archiso ${pxeserver}: each url's host is the
					 * placeholder "pxeserver", to be replaced by the
					 * DHCP server (siaddr) once the network is up */
	char checksum_arg[160];		/* checksum=algo:hex as given, "" if none;
					 * algo md5|sha256|sha512, hex length checked */
	enum check_mode check;		/* docheck / nocheck / archiso's bare checksum */
	bool verity;			/* `verity` or checksum=verity:HEX: the image behind
					 * dm-verity, every block checked as it is read,
					 * with the tree <stem>.verity beside the image */
	char verity_root[65];		/* checksum=verity:HEX's root hash, "" = the server's
					 * <stem>.roothash (signed, when keys are built in) */
	bool stream;			/* `stream`: an http(s) image served to the kernel by the
					 * supervisor while it is copied into RAM; implies verity */
	char proxy[256];		/* proxy=http://host:port */
	char subdir[128];		/* as given; cl_finish_subdir folds it into image_path (NFS) */
	bool docache;

	/* network */
	struct iface_plan all;		/* ethx= / ip= without device; method NET_UNSET if absent */
	struct iface_plan ifaces[CMDLINE_MAX_IFACES];	/* ethN=, ip=...:dev:... */
	int nifaces;
	bool dodhcp;			/* dodhcp given */
	char dhcp_only[CMDLINE_MAX_IFACES][16];	/* dodhcp=eth0,eth2 */
	int ndhcp_only;
	bool nodhcp;
	char dhcp_hostname[64];
	uint32_t gateway;
	uint32_t dns[CMDLINE_MAX_DNS];
	int ndns;
	uint8_t gateway6[16];		/* gw= with an IPv6 address */
	uint8_t dns6[CMDLINE_MAX_DNS][16];	/* dns= (and ip='s dns fields) with IPv6 addresses */
	int ndns6;
	bool bootif_set;
	uint8_t bootif[6];		/* BOOTIF=01-aa-bb-... */
	struct nameif_rule nameif[CMDLINE_MAX_IFACES];
	int nnameif;
	bool kernel_ifnames;		/* net.ifnames=0: keep eth0, else name NICs as udev would */

	/* the rest */
	char keymap[32];		/* setkmap=: /lib/kmaps/<keymap>.bmap, loaded by init/keymap.c */
	int scandelay;			/* seconds; scandelay alone = 10 */
	int nbd_timeout;		/* nbdtimeout=: seconds an NBD read may go unanswered
					 * before the supervisor reconnects; 0 = 30 */
	int jitter;			/* netboot.jitter=/jitter=: random start delay of
					 * up to this many seconds before stage 3, 0..600 */
	bool minishell;
	char init[256];			/* init=; "" = /sbin/init */
};

/* Fills cfg from the command line (cfg is zeroed first; after an error it
 * holds what was parsed so far).  Returns 0, or -EINVAL with e naming the
 * argument (e.g. "ethx=300.1.2.3/24: expected an IPv4 address like
 * 192.168.1.10/24").  Repeated options: the last one wins, except netboot=
 * (and its aliases), dns= and nameif= which add to the list. */
int cmdline_parse(const char *buf, size_t len, struct boot_config *cfg, struct errbuf *e);

/* What makes /init stop after a clean parse: no stage-3 source (a typo such
 * as netbot=, or only network options).  0, or -EINVAL with e saying what
 * was expected; `netboot cmdline` uses it to fail where /init would. */
int cmdline_require_source(const struct boot_config *cfg, struct errbuf *e);

/* Prints the resolved plan, one key=value a line, in this order (the output
 * of `netboot cmdline`): source=, then url= and its checksum_url= for each
 * mirror, image_path=, nbd_export=, server=dhcp, checksum=, check=, proxy=,
 * iface.*= and iface.<name>=dhcp|off|static <addr>/<prefix>[ gw <addr>]
 * [ hostname <name>], each followed by iface6.<name>=dhcp6|auto6|static
 * <addr>/<len>[ gw <addr>] when IPv6 is asked for, gateway=, gateway6=,
 * dns=a,b, dns6=a,b, dhcp_hostname=, bootif=,
 * nameif.<name>=<mac>|BOOTIF, keymap=, cache=, subdir=, scandelay=,
 * jitter=, minishell=yes, init=.  Only what is set, but always source=, check= and
 * cache=.  checksum_url= is left out when checksum= gives the hash, under
 * nocheck, and when the source has no checksum file (see sum_name). */
void cmdline_print(const struct boot_config *cfg, FILE *out);

/* The interface method for ifname after ethx=/ethN=/ip=/dodhcp/nodhcp and
 * the "any network source without a static address means DHCP" rule.
 * Precedence: ethN= or ip=...:ifname:... > dodhcp=<list naming ifname> >
 * ethx= or ip= without device > dodhcp (NET_OFF for NICs not in its list) >
 * nodhcp > a source given: DHCP if no NIC is static, else NET_OFF.
 * NET_UNSET if nothing applies.  *plan (if plan is non-NULL) gets the
 * iface_plan that decided, or NULL when a flag did; the gateway of a static
 * plan falls back to cfg->gateway when 0.  ifname "" asks about NICs no
 * option names. */
enum net_method cmdline_iface_method(const struct boot_config *cfg, const char *ifname,
				     const struct iface_plan **plan);

/* The IPv6 method for ifname: ethN=/ip=..:ifname: that says something of
 * IPv6 > ethx=/ip= without device > NET6_UNSET.  *plan as above; the
 * gateway of a static plan falls back to cfg->gateway6. */
enum net6_method cmdline_iface_method6(const struct boot_config *cfg, const char *ifname,
				       const struct iface_plan **plan);
#endif
