/* SystemRescueCd's /etc/conf.d/pxebootsrv, read unchanged (shell-style
 * assignments, quotes, $VAR and ${VAR}, comments) into a serve_config.
 * A pure function over (buffer, length), fuzzed by pxebootsrv_fuzz.c; it
 * calls only mirror_map.c above the codecs (config.c calls it, not the
 * other way round). */
#ifndef SERVER_PXEBOOTSRV_H
#define SERVER_PXEBOOTSRV_H
#include <stddef.h>
#include "netboot/errbuf.h"
#include "server/config.h"

/* Reads a pxebootsrv file from (buf, len) into c (on top of what c holds).
 * An unknown PXEBOOTSRV_ key is a warning naming it; a malformed value is
 * -EINVAL with e saying "<name> line N: KEY=<value>: expected ...".  name
 * labels the input in messages (the file's path). */
int serve_config_parse(const char *buf, size_t len, const char *name, struct serve_config *c,
		       config_warn_fn warn, void *warn_ctx, struct errbuf *e);
#endif
