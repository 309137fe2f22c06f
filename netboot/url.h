/* URLs of the stage-3 sources: http://, https://, tftp://, nbd://, nfs://.
 * Pure parser over (buffer, length); fuzzed by url_fuzz.c. */
#ifndef NETBOOT_URL_H
#define NETBOOT_URL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "netboot/errbuf.h"

enum url_scheme { URL_HTTP, URL_TFTP, URL_NBD, URL_NFS };

/* Room for any struct url as text: scheme, host, port, path. */
#define URL_TEXT_MAX 1400

struct url {
	enum url_scheme scheme;	/* https:// is URL_HTTP with tls set: one family, so mirrors may mix them */
	bool tls;
	char host[256];		/* name, dotted quad or IPv6 address ("fe80::1%eth0" with a zone), no brackets */
	uint16_t port;		/* scheme default when absent */
	char path[1024];	/* starts with '/', "/" when absent; for nfs "host:/dir" the dir */
};

/* Parses "scheme://host[:port][/path]"; nfs also accepts "nfs://host:/path";
 * host may be "[IPv6]" (RFC 3986, zone as RFC 6874's "%25ifname").
 * Rejects unknown schemes, empty hosts, bad ports, control characters and
 * over-long parts, naming the input in e. */
int url_parse(const char *s, size_t len, struct url *out, struct errbuf *e);

/* The host as a URL or a Host: header writes it: an IPv6 address in
 * brackets (into buf, its zone as "%25"), anything else as it is. */
const char *url_host_text(const char *host, char *buf, size_t len);

/* Writes the URL back as text (an IPv6 host in brackets); returns
 * snprintf's result. */
int url_format(const struct url *u, char *buf, size_t len);

/* The URL of a file beside u's file: the last path segment replaced by
 * name (the seed's rule: sysrcd.dat -> sysrcd.md5).  -ENAMETOOLONG if the
 * result would not fit. */
int url_sibling(const struct url *u, const char *name, struct url *out);

/* Percent-decodes a path (RFC 3986) into out: what a TFTP file name or a
 * file system path means (HTTP sends the path as it is).  -EINVAL for a
 * bad or NUL escape, -ENAMETOOLONG when out is too small. */
int url_decode_path(const char *in, char *out, size_t cap);

/* The last segment of a path ("sysrcd.dat"), for messages. */
const char *url_base_name(const char *path);

uint16_t url_default_port(enum url_scheme s);
const char *url_scheme_name(enum url_scheme s);
/* "https" for a TLS URL, else url_scheme_name(u->scheme). */
const char *url_name(const struct url *u);
#endif
