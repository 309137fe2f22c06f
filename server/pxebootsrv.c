/* Placeholder until the pxebootsrv parser lands. */
#include <errno.h>
#include "server/config.h"

int serve_config_parse(const char *buf, size_t len, const char *name, struct serve_config *c,
		       config_warn_fn warn, void *warn_ctx, struct errbuf *e)
{
	(void)buf, (void)len, (void)c, (void)warn, (void)warn_ctx;
	return nb_fail(e, -ENOSYS, "%s: not built yet", name);
}
