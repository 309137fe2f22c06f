/* Placeholder until the http service lands. */
#include <errno.h>
#include "server/server.h"

int http_service_start(struct server *s, struct errbuf *e)
{
	(void)s;
	return nb_fail(e, -ENOSYS, "not built yet");
}

void http_service_stop(struct server *s)
{
	(void)s;
}
