/* Placeholder until the dhcp service lands. */
#include <errno.h>
#include "server/server.h"

int dhcp_service_start(struct server *s, struct errbuf *e)
{
	(void)s;
	return nb_fail(e, -ENOSYS, "not built yet");
}

void dhcp_service_stop(struct server *s)
{
	(void)s;
}
