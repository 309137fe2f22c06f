/* server/log.c: the per-kind cap of srv_log and its summary line. */
#include <stdlib.h>
#include <unistd.h>
#include "netboot/clock.h"
#include "server/server.h"
#include "tests/unit/check.h"

static int count(const char *text, const char *needle)
{
	int n = 0;
	for (const char *p = text; p && (p = strstr(p, needle)); p++)
		n++;
	return n;
}

int main(void)
{
	struct server *s = calloc(1, sizeof(*s));
	char *text = NULL;
	size_t len = 0;
	if (!s)
		return 1;
	s->log = open_memstream(&text, &len);
	/* start early in a second: the 25 lines below must fall into one */
	while (monotonic_ms() % 1000 > 200)
		usleep(10000);
	long long t0 = monotonic_ms();
	for (int i = 0; i < 25; i++)
		srv_log(s, NULL, 0, "dhcp", "offer %d", i);
	srv_log(s, NULL, 0, "dhcp", "ack %d", 1);	/* another kind: not held back */
	srv_log(s, NULL, 0, "tftp", "offer %d", 99);	/* the same format, another service */
	fflush(s->log);
	CHECK("20 lines of one kind a second", count(text, "dhcp: offer ") == 20);
	CHECK("the first 20 are the ones written", strstr(text, "offer 19\n") && !strstr(text, "offer 20\n"));
	CHECK("another kind is written", strstr(text, "dhcp: ack 1\n") != NULL);
	CHECK("the same format for another service is another kind", strstr(text, "tftp: offer 99\n") != NULL);
	CHECK("no summary within the second", !strstr(text, "suppressed"));
	long wait = srv_log_tick(s, t0);
	CHECK("the timer asks to run when the second ends", wait > 0 && wait <= 1000);
	srv_log_tick(s, t0 - t0 % 1000 + 1000);
	fflush(s->log);
	CHECK("the summary: count and the last line held back",
	      strstr(text, "netboot-serve: - dhcp: 5 similar lines suppressed in the last second (the last: - offer 24)\n") != NULL);
	CHECK("one summary", count(text, "suppressed") == 1);
	CHECK("nothing more pending", srv_log_tick(s, t0 - t0 % 1000 + 1000) == -1);
	fclose(s->log);
	free(text);
	free(s);
	return CHECK_DONE();
}
