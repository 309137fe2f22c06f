/* Internals of the command-line parser, shared by the files of cmdline/:
 *   token.c   splits the line into arguments the way the kernel does
 *   value.c   typed value parsers (IPv4, masks, MACs, names) with no messages
 *   fail.c    cl_fail(), the message that names the argument
 *   cmdline.c the option table, cmdline_parse()
 *   opt_net.c / opt_ip.c / opt_source.c   the option handlers
 *   print.c   cmdline_print(), cmdline_iface_method()
 * Calls go one way: cmdline.c -> opt_*.c -> value.c, fail.c.  Value parsers
 * only say yes or no; handlers turn a no into a message that names the
 * argument, through cl_fail(). */
#ifndef CMDLINE_INTERNAL_H
#define CMDLINE_INTERNAL_H
#include "cmdline/cmdline.h"

/* One argument, pointing into the caller's buffer (not NUL-terminated). */
struct cl_arg {
	const char *key;
	size_t klen;
	const char *val;	/* after '=' with kernel-style quotes removed */
	size_t vlen;
	bool has_val;		/* "key=..." rather than a bare word */
};

/* Next argument of buf from *pos; false at the end of the line. */
bool cl_next_arg(const char *buf, size_t len, size_t *pos, struct cl_arg *a);

/* archiso's options only make a URL once archisobasedir= is known, which may
 * come later on the line: they are kept here and resolved at the end. */
struct cl_archiso {
	char http_srv[256];
	char nbd_srv[256];
	char nbd_name[64];
	char nfs_srv[256];
	char basedir[64];
};

struct cl_ctx {
	struct boot_config *cfg;
	struct errbuf *e;
	const struct cl_arg *arg;	/* the argument being handled, for messages */
	struct cl_archiso archiso;
};

typedef int (*cl_handler)(struct cl_ctx *c, const struct cl_arg *a);

/* fail.c: writes "<arg as given>: <fmt...>" into c->e and returns -EINVAL. */
int cl_fail(struct cl_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* --- value.c: pure checks over (s, n); true/0 on success --- */
bool cl_eq(const char *s, size_t n, const char *word);
bool cl_host_ipv4(const char *s, size_t n, uint32_t *out);	/* also not 0.0.0.0 / 255.255.255.255 */
bool cl_netmask(const char *s, size_t n, uint8_t *prefix);	/* "255.255.255.0" or "24" */
bool cl_addr_prefix(const char *s, size_t n, uint32_t *addr, uint8_t *prefix); /* IP[/len|/mask] */
bool cl_ipv6(const char *s, size_t n, uint8_t out[16]);	/* unicast text, no brackets */
bool cl_addr6_prefix(const char *s, size_t n, uint8_t addr[16], uint8_t *prefix); /* IP6[/len], len 64 if absent */
bool cl_is_ipv6_text(const char *s, size_t n);	/* has a ':': meant as IPv6 */
bool cl_uint(const char *s, size_t n, unsigned long max, unsigned long *out);
bool cl_ifname(const char *s, size_t n);			/* fits IFNAMSIZ, no '/' or space */
bool cl_hostname(const char *s, size_t n, size_t max);	/* letters, digits, '.', '-', '_' */
bool cl_printable(const char *s, size_t n);			/* 0x21..0x7e only */
/* Next field of s separated by sep, starting at *pos (SIZE_MAX once done). */
bool cl_field(const char *s, size_t n, char sep, size_t *pos, const char **f, size_t *flen);
/* Copies (s, n) into dst as a C string if it fits and is printable. */
bool cl_copy(char *dst, size_t dstlen, const char *s, size_t n);

/* --- handlers (one per option, see the table in cmdline.c) --- */
int cl_opt_ethx(struct cl_ctx *c, const struct cl_arg *a);
int cl_opt_ethn(struct cl_ctx *c, const struct cl_arg *a);
int cl_opt_gateway(struct cl_ctx *c, const struct cl_arg *a);
int cl_opt_dns(struct cl_ctx *c, const struct cl_arg *a);
int cl_opt_dodhcp(struct cl_ctx *c, const struct cl_arg *a);
int cl_opt_nodhcp(struct cl_ctx *c, const struct cl_arg *a);
int cl_opt_dhcphostname(struct cl_ctx *c, const struct cl_arg *a);
int cl_opt_nameif(struct cl_ctx *c, const struct cl_arg *a);
int cl_opt_bootif(struct cl_ctx *c, const struct cl_arg *a);
int cl_opt_ip(struct cl_ctx *c, const struct cl_arg *a);
int cl_opt_netboot(struct cl_ctx *c, const struct cl_arg *a);
int cl_opt_bootalias(struct cl_ctx *c, const struct cl_arg *a);
int cl_opt_nfsboot(struct cl_ctx *c, const struct cl_arg *a);
int cl_opt_nbdboot(struct cl_ctx *c, const struct cl_arg *a);
int cl_opt_root(struct cl_ctx *c, const struct cl_arg *a);
int cl_opt_archiso(struct cl_ctx *c, const struct cl_arg *a);
int cl_opt_checksum(struct cl_ctx *c, const struct cl_arg *a);
int cl_opt_proxy(struct cl_ctx *c, const struct cl_arg *a);

/* opt_net.c: the plan for ifname, added if new; NULL after cl_fail(). */
struct iface_plan *cl_iface(struct cl_ctx *c, const char *name, size_t n);
/* opt_net.c: appends a DNS server unless already listed. */
int cl_add_dns(struct cl_ctx *c, uint32_t addr);
int cl_add_dns6(struct cl_ctx *c, const uint8_t addr[16]);
/* opt_source.c: turns the archiso_* options into mirrors, after the line. */
int cl_finish_archiso(struct cl_ctx *c);
int cl_finish_subdir(struct cl_ctx *c);	/* after the sources: subdir= moves the NFS image */
#endif
