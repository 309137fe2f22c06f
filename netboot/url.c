#include "netboot/url.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include "netboot/hex.h"

static size_t strspn_n(const char *s, size_t n, const char *set)
{
	size_t i = 0;

	while (i < n && strchr(set, s[i]))
		i++;
	return i;
}

static const struct { const char *name; enum url_scheme scheme; uint16_t port; bool tls; } schemes[] = {
	{ "http", URL_HTTP, 80, false },
	{ "tftp", URL_TFTP, 69, false },
	{ "nbd", URL_NBD, 10809, false },
	{ "nfs", URL_NFS, 2049, false },
	{ "https", URL_HTTP, 443, true },	/* after http: the lookups by scheme find http */
};

uint16_t url_default_port(enum url_scheme s)
{
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (schemes[i].scheme == s)
			return schemes[i].port;
	return 0;
}

const char *url_name(const struct url *u)
{
	return u->tls ? "https" : url_scheme_name(u->scheme);
}

static uint16_t url_port_of(const struct url *u)
{
	return u->tls ? 443 : url_default_port(u->scheme);
}

const char *url_scheme_name(enum url_scheme s)
{
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (schemes[i].scheme == s)
			return schemes[i].name;
	return "?";
}

/* A registered name or dotted quad, up to ':' (the port) or host_end. */
static int host_name(const char *p, const char *host_end, const char *shown, struct url *out,
		     const char **colon, struct errbuf *e)
{
	size_t n, i;

	*colon = memchr(p, ':', (size_t)(host_end - p));
	n = (size_t)((*colon ? *colon : host_end) - p);
	if (n == 0)
		return nb_fail(e, -EINVAL, "URL '%s': expected a host name or address after '://'", shown);
	if (n >= sizeof(out->host))
		return nb_fail(e, -EINVAL, "URL '%s': host name longer than %zu characters", shown, sizeof(out->host) - 1);
	for (i = 0; i < n; i++) {
		char c = p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_'))
			return nb_fail(e, -EINVAL, "URL '%s': character '%c' not allowed in a host name", shown, c);
	}
	memcpy(out->host, p, n);
	return 0;
}

/* RFC 3986 IP-literal "[IPv6]", with RFC 6874's zone "%25ifname" for a
 * link-local server; the host keeps the address without brackets and the
 * zone as getaddrinfo() reads it ("fe80::1%eth0"). */
static int host_v6(const char *p, const char *host_end, const char *shown, struct url *out,
		   const char **colon, struct errbuf *e)
{
	const char *close = memchr(p, ']', (size_t)(host_end - p)), *zone;
	char addr[INET6_ADDRSTRLEN];
	struct in6_addr a;
	size_t n, zn = 0;

	if (!close)
		return nb_fail(e, -EINVAL, "URL '%s': unclosed '[': expected an IPv6 address as [2001:db8::1]", shown);
	n = (size_t)(close - p - 1);
	zone = memmem(p + 1, n, "%25", 3);
	if (zone) {
		zn = (size_t)(close - zone - 3);
		n = (size_t)(zone - p - 1);
	}
	if (n == 0 || n >= sizeof(addr) || (memcpy(addr, p + 1, n), addr[n] = '\0', inet_pton(AF_INET6, addr, &a) != 1))
		return nb_fail(e, -EINVAL, "URL '%s': '%.*s' is not an IPv6 address: expected [2001:db8::1]", shown,
			       (int)(close - p + 1 > 64 ? 64 : close - p + 1), p);
	if (zone && (zn == 0 || zn >= IF_NAMESIZE || strspn_n(zone + 3, zn, "abcdefghijklmnopqrstuvwxyz"
			"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != zn))
		return nb_fail(e, -EINVAL, "URL '%s': bad zone after '%%25': expected an interface name, like "
			       "[fe80::1%%25eth0]", shown);
	if (close + 1 < host_end && close[1] != ':')
		return nb_fail(e, -EINVAL, "URL '%s': expected ':port' or '/' after ']', found '%c'", shown, close[1]);
	*colon = close + 1 < host_end ? close + 1 : NULL;
	snprintf(out->host, sizeof(out->host), "%s%s%.*s", addr, zone ? "%" : "", (int)zn, zone ? zone + 3 : "");
	return 0;
}

int url_parse(const char *s, size_t len, struct url *out, struct errbuf *e)
{
	char shown[128];
	const char *end, *p, *sep, *host_end, *colon = NULL;
	size_t i, n;
	int rc;

	nb_sanitize(shown, sizeof(shown), s, len);
	memset(out, 0, sizeof(*out));
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return nb_fail(e, -EINVAL, "URL '%s': control character or space at offset %zu", shown, i);
	end = s + len;
	sep = len >= 3 ? memmem(s, len, "://", 3) : NULL;
	if (!sep)
		return nb_fail(e, -EINVAL, "URL '%s': expected scheme://host[:port]/path", shown);
	n = (size_t)(sep - s);
	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (strlen(schemes[i].name) == n && strncasecmp(s, schemes[i].name, n) == 0)
			break;
	if (i == sizeof(schemes) / sizeof(schemes[0]))
		return nb_fail(e, -EINVAL, "URL '%s': unknown scheme '%.*s', expected http, https, tftp, nbd or nfs",
			       shown, (int)(n > 16 ? 16 : n), s);
	out->scheme = schemes[i].scheme;
	out->port = schemes[i].port;
	out->tls = schemes[i].tls;
	p = sep + 3;
	host_end = memchr(p, '/', (size_t)(end - p));
	if (!host_end)
		host_end = end;
	/* forms a host name never takes, said as such rather than as the first
	 * character the host check would trip on */
	const char *at = memrchr(p, '@', (size_t)(host_end - p));
	if (at)	/* the password is not echoed: it would reach the console */
		return nb_fail(e, -EINVAL, "URL '%.*s://...@%.*s': credentials in URLs (user:password@host) are not "
			       "supported: serve the image without authentication", (int)(sep - s > 16 ? 16 : sep - s), s,
			       (int)(end - at - 1 > 100 ? 100 : end - at - 1), at + 1);
	/* nfs://host:/path: the ':' before '/' belongs to the server:/path form */
	if (out->scheme == URL_NFS && host_end > p && host_end[-1] == ':')
		host_end--;
	if (p < host_end && *p == '[')
		rc = host_v6(p, host_end, shown, out, &colon, e);
	else
		rc = host_name(p, host_end, shown, out, &colon, e);
	if (rc < 0)
		return rc;
	if (colon) {
		unsigned long port = 0;
		const char *q = colon + 1;
		if (q == host_end)
			return nb_fail(e, -EINVAL, "URL '%s': expected a port number after ':'", shown);
		for (; q < host_end; q++) {
			if (*q < '0' || *q > '9' || port > 65535)
				return nb_fail(e, -EINVAL, "URL '%s': port must be a number from 1 to 65535", shown);
			port = port * 10 + (unsigned long)(*q - '0');
		}
		if (port == 0 || port > 65535)
			return nb_fail(e, -EINVAL, "URL '%s': port must be a number from 1 to 65535", shown);
		out->port = (uint16_t)port;
	}
	p = host_end;
	if (p < end && *p == ':')	/* nfs host:/path */
		p++;
	n = (size_t)(end - p);
	if (n >= sizeof(out->path))
		return nb_fail(e, -EINVAL, "URL '%s': path longer than %zu characters", shown, sizeof(out->path) - 1);
	if (n == 0)
		strcpy(out->path, "/");
	else
		memcpy(out->path, p, n);
	return 0;
}

const char *url_host_text(const char *host, char *buf, size_t len)
{
	const char *zone = strchr(host, '%');

	if (!strchr(host, ':'))
		return host;
	if (zone)
		snprintf(buf, len, "[%.*s%%25%s]", (int)(zone - host), host, zone + 1);
	else
		snprintf(buf, len, "[%s]", host);
	return buf;
}

int url_format(const struct url *u, char *buf, size_t len)
{
	char h[sizeof(u->host) + 8];
	const char *host = url_host_text(u->host, h, sizeof(h));

	if (u->port == url_port_of(u))
		return snprintf(buf, len, "%s://%s%s%s", url_name(u), host,
				u->scheme == URL_NFS ? ":" : "", u->path);
	return snprintf(buf, len, "%s://%s:%u%s%s", url_name(u), host, u->port,
			u->scheme == URL_NFS ? ":" : "", u->path);
}

int url_sibling(const struct url *u, const char *name, struct url *out)
{
	char *slash;
	size_t keep;

	*out = *u;
	slash = strrchr(out->path, '/');
	keep = slash ? (size_t)(slash - out->path) + 1 : 0;
	if (keep + strlen(name) >= sizeof(out->path))
		return -ENAMETOOLONG;
	snprintf(out->path + keep, sizeof(out->path) - keep, "%s", name);
	return 0;
}

int url_decode_path(const char *in, char *out, size_t cap)
{
	size_t o = 0;
	for (; *in; in++) {
		char c = *in;
		if (c == '%') {
			int hi = hex_digit(in[1]), lo = hi < 0 ? -1 : hex_digit(in[2]);
			if (lo < 0 || (hi | lo) == 0)
				return -EINVAL;
			c = (char)(hi << 4 | lo);
			in += 2;
		}
		if (o + 1 >= cap)
			return -ENAMETOOLONG;
		out[o++] = c;
	}
	if (!cap)
		return -ENAMETOOLONG;
	out[o] = '\0';
	return 0;
}

const char *url_base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash && slash[1] ? slash + 1 : path;
}
