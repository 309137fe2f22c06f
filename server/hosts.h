/* The hosts file of netboot serve (--hosts FILE, PXEBOOTSRV_HOSTS, default
 * /etc/netboot/hosts): one line per known machine, keyed by MAC as in
 * /etc/ethers, with what dnsmasq's dhcp-host= gives (a fixed address, a
 * host name) and what a boot server adds (the image, kernel arguments):
 *
 *	# MAC              [address]   [name]  [key=value ...]
 *	52:54:00:12:34:56  192.0.2.50  web1    image=debian args="console=ttyS0 quiet"
 *	52-54-00-ab-cd-ef  name=db1 ip=192.0.2.51
 *
 * The parser is pure over (buffer, length), fuzzed by hosts_fuzz.c; it
 * knows nothing of the subnet or of the images in the boot folder: those
 * checks need the settings (hosts_check_config, in config.c's validation)
 * and the folder (files.c). */
#ifndef SERVER_HOSTS_H
#define SERVER_HOSTS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "netboot/errbuf.h"

#define HOSTS_MAX 4096		/* lines with a host in one file */
#define HOSTS_DEFAULT_FILE "/etc/netboot/hosts"

struct host {
	uint8_t mac[6];
	uint32_t ip;		/* network order; 0 = an address from the pool */
	char name[64];		/* DHCP option 12; "" = none */
	char image[64];		/* DIR/images/<image>; "" = the default image */
	char args[512];		/* kernel arguments after the server's --extra */
	unsigned line;		/* where it was read, for messages */
};

struct host_table {
	struct host *h;		/* malloc'd, n entries */
	int n;
};

typedef void (*hosts_warn_fn)(void *ctx, const char *msg);

/* Reads a hosts file from (buf, len) into t (empty before: call
 * hosts_free to reuse).  A malformed line, a MAC or a fixed address given
 * twice is -EINVAL with e saying "<name> line N: <text>: expected ...";
 * a host name given twice is a warning.  name labels the input. */
int hosts_parse(const char *buf, size_t len, const char *name, struct host_table *t, hosts_warn_fn warn,
		void *warn_ctx, struct errbuf *e);
void hosts_free(struct host_table *t);

/* An image's folder name under DIR/images: letters, digits, '.', '_',
 * '-', at most 63 bytes, not starting with '.' (never "." or ".."). */
bool hosts_image_name_ok(const char *s, size_t n);

/* The host with this MAC, or NULL. */
const struct host *hosts_find(const struct host_table *t, const uint8_t mac[6]);
#endif
