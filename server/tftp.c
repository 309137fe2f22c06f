/* Placeholder until the tftp service lands. */
#include <errno.h>
#include "server/server.h"

int tftp_service_start(struct server *s, struct errbuf *e)
{
	(void)s;
	return nb_fail(e, -ENOSYS, "not built yet");
}

void tftp_service_stop(struct server *s)
{
	(void)s;
}
