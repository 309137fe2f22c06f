/* libFuzzer harness: any bytes through serve_config_parse(), from an
 * exact-size copy so ASan sees any read past the end.  Every error and
 * warning must be one printable line naming the input, and whatever was
 * stored (also before an error) must keep the struct's invariants. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "netboot/ipv4.h"
#include "server/pxebootsrv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_line(const char *msg, size_t cap)
{
	size_t n = strnlen(msg, cap);

	if (n == 0 || n >= cap || strncmp(msg, "fuzz line ", 10) != 0)
		__builtin_trap();	/* every message says where */
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)msg[i] < 0x20 || (unsigned char)msg[i] >= 0x7f)
			__builtin_trap();	/* messages are sanitized */
}

static void on_warn(void *ctx, const char *msg)
{
	check_line(msg, 1024);
	++*(int *)ctx;
}

#define TERMINATED(f) (memchr((f), '\0', sizeof(f)) != NULL)

static void check_config(const struct serve_config *c)
{
	if (c->ndns < 0 || c->ndns > SERVE_MAX_DNS)
		__builtin_trap();
	if (ntohl(c->range_start) > ntohl(c->range_end))
		__builtin_trap();
	if (c->netmask && ipv4_mask_prefix(c->netmask) < 0)
		__builtin_trap();
	if (!TERMINATED(c->http_url) || !TERMINATED(c->nfs_url) || !TERMINATED(c->extra) ||
	    !TERMINATED(c->interface))
		__builtin_trap();
	if (c->http_url[0] && strncasecmp(c->http_url, "http://", 7) != 0)
		__builtin_trap();
	if (c->nfs_url[0] && strncasecmp(c->nfs_url, "nfs://", 6) != 0)
		__builtin_trap();
	if (c->timeout_secs > 3600 || (c->lease_secs && c->lease_secs < 60))
		__builtin_trap();
	if (c->do_dhcp && c->proxy_dhcp)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct serve_config *c = calloc(1, sizeof(*c));
	char *copy = malloc(size ? size : 1);
	struct errbuf e = { "" };
	int warnings = 0, rc;

	if (!c || !copy)
		abort();
	memcpy(copy, data, size);
	rc = serve_config_parse(copy, size, "fuzz", c, on_warn, &warnings, &e);
	if (rc < 0)
		check_line(e.msg, sizeof(e.msg));
	else if (rc != 0)
		__builtin_trap();
	check_config(c);
	free(copy);
	free(c);
	return 0;
}
