#include <errno.h>
#include "fetch/transport.h"

int transport_get(const struct url *u, struct sink *s, const struct transport_opts *o, struct errbuf *e)
{
	switch (u->scheme) {
	case URL_HTTP:
		return http_get(u, s, o, e);
	case URL_TFTP:
		return tftp_get(u, s, o, e);
	default:
		return nb_fail(e, -EINVAL, "%s:// is not a download transport (it is mounted, not copied)",
			       url_scheme_name(u->scheme));
	}
}
