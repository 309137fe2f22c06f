/* The kernel command line -> one typed boot plan.
 * Accepts the SystemRescueCd forms (netboot=, nfsboot=, nbdboot=, httpboot=,
 * boothttp=, tftpboot=, boottftp=, ethx=, ethN=, dodhcp[=list], nodhcp,
 * dhcphostname=, nameif=, gw=/gateway=, dns=, setkmap=, docache, docheck,
 * nocheck, subdir=, scandelay[=N], minishell) and the standard ones (ip= in
 * all its forms, BOOTIF=, init=, plus dracut root=live:/nbd:/nfs: and archiso
 * archiso_*_srv=).  Our own options are checksum=, proxy=.
 * Unknown arguments are ignored: the line is shared with other software.
 * A malformed value of ours is an error naming the argument and what was
 * expected.  Pure function over (buffer, length); fuzzed by cmdline_fuzz.c. */
#ifndef CMDLINE_CMDLINE_H
#define CMDLINE_CMDLINE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "netboot/errbuf.h"
#include "netboot/url.h"

#define CMDLINE_MAX_IFACES 16
#define CMDLINE_MAX_URLS 4
#define CMDLINE_MAX_DNS 3

enum net_method {
	NET_UNSET,	/* nothing said: DHCP if a network source is given */
	NET_DHCP,
	NET_STATIC,
	NET_OFF,
};

/* Addresses are in network byte order; 0 = not given. */
struct iface_plan {
	char name[16];		/* "eth0"; "" = every Ethernet interface (ethx=, ip= without device) */
	enum net_method method;
	uint32_t addr;
	uint8_t prefix;		/* 0..32; default from the address class is NOT guessed: 24 */
	uint32_t gateway;	/* from ip=; falls back to boot_config.gateway */
	char hostname[64];	/* from ip= */
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
	char nbd_export[64];		/* nbd export name; "" = default export */
	char checksum_arg[160];		/* checksum=algo:hex as given, "" if none */
	enum check_mode check;		/* docheck / nocheck */
	char proxy[256];		/* proxy=http://host:port */
	char subdir[128];
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
	bool bootif_set;
	uint8_t bootif[6];		/* BOOTIF=01-aa-bb-... */
	struct nameif_rule nameif[CMDLINE_MAX_IFACES];
	int nnameif;

	/* the rest */
	char keymap[32];
	int scandelay;			/* seconds; scandelay alone = 10 */
	bool minishell;
	char init[256];			/* init=; "" = /sbin/init */
};

/* Fills cfg from the command line.  Returns 0, or -EINVAL with e naming the
 * argument (e.g. "ethx=300.1.2.3/24: expected an IPv4 address like
 * 192.168.1.10/24"). */
int cmdline_parse(const char *buf, size_t len, struct boot_config *cfg, struct errbuf *e);

/* Prints the resolved plan, one key=value a line, stable order (the output
 * of `netboot cmdline`): source=, url=, checksum_url=, checksum=, check=,
 * iface.<name>=dhcp|static <addr>/<prefix>|off, gateway=, dns=, keymap=,
 * cache=, bootif=, init= ... */
void cmdline_print(const struct boot_config *cfg, FILE *out);

/* The interface method for ifname after ethx=/ethN=/ip=/dodhcp/nodhcp and
 * the "any network source without a static address means DHCP" rule. */
enum net_method cmdline_iface_method(const struct boot_config *cfg, const char *ifname,
				     const struct iface_plan **plan);
#endif
