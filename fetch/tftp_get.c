/* tftp:// for stage 3: netboot/tftp_client.c writing into a sink.
 * RFC 3617: the URL path after the host's '/' is the file name requested,
 * so tftp://10.0.2.2/sysrcd.dat asks for "sysrcd.dat", as busybox tftp -r
 * did in the old init. */
#include <errno.h>
#include <string.h>
#include "fetch/transport.h"
#include "netboot/tftp_client.h"

static int tg_size(void *ctx, uint64_t size, struct errbuf *e)
{
	return sink_begin(ctx, size, e);
}

static int tg_deliver(void *ctx, const uint8_t *data, size_t len, struct errbuf *e)
{
	return sink_write(ctx, data, len, e);
}

int tftp_get(const struct url *u, struct sink *s, const struct transport_opts *o, struct errbuf *e)
{
	char url[URL_TEXT_MAX], path[sizeof(u->path)];
	const char *file = path, *label;

	url_format(u, url, sizeof(url));
	if (u->scheme != URL_TFTP)
		return nb_fail(e, -EINVAL, "%s: not a tftp:// URL", url);
	if (url_decode_path(u->path, path, sizeof(path)) < 0)	/* RFC 3617: the name is percent-decoded */
		return nb_fail(e, -EINVAL, "%s: bad %%-escape in the file name (expected %%XX, not %%00)", url);
	if (*file == '/')
		file++;
	label = url_base_name(path);
	if (!*file || !*label || label[strlen(label) - 1] == '/')
		return nb_fail(e, -EINVAL, "%s: no file name after the host", url);

	struct tftp_client_cfg c = {
		.host = u->host,
		.port = u->port,
		.file = file,
		.label = label,
		.url = url,
		.timeout_ms = o ? o->timeout_ms : 0,
		.max_tries = o ? o->max_tries : 0,
		.log = o ? o->log : NULL,
		.size_known = tg_size,
		.deliver = tg_deliver,
		.ctx = s,
	};
	return tftp_client_get(&c, NULL, e);
}
