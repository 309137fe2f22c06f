/* server/log.c: srv_log's limit and summary line, and the line format
 * (timestamp, or the journal's priority prefix). */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
	long long t0 = monotonic_ms();
	for (int i = 0; i < 25; i++)
		srv_log(s, NULL, 0, "dhcp", "offer %d", i);
	srv_log(s, NULL, 0, "dhcp", "ack %d", 1);	/* another kind: not held back */
	srv_log(s, NULL, 0, "tftp", "offer %d", 99);	/* the same format, another service */
	fflush(s->log);
	/* 25 calls take far less than the 1 s window */
	CHECK("20 lines of one kind a second", count(text, "dhcp: offer ") == 20);
	CHECK("the first 20 are the ones written", strstr(text, "offer 19\n") && !strstr(text, "offer 20\n"));
	CHECK("another kind is written", strstr(text, "dhcp: ack 1\n") != NULL);
	CHECK("the same format for another service is another kind", strstr(text, "tftp: offer 99\n") != NULL);
	CHECK("a timestamp first: 2026-12-06T18:40:12.345Z", len > 25 && text[4] == '-' && text[10] == 'T' &&
	      text[19] == '.' && text[23] == 'Z' && text[24] == ' ');
	CHECK("no summary within the window", !strstr(text, "more like this"));
	long wait = srv_log_tick(s, t0);
	CHECK("the timer asks to run when the window ends", wait > 0 && wait <= 1000);
	srv_log_tick(s, t0 + 1000);
	fflush(s->log);
	CHECK("the summary: count and the last line held back",
	      strstr(text, "netboot-serve: - dhcp: 5 more like this in the last 1.0 s (the last: - offer 24)\n") != NULL);
	CHECK("one summary", count(text, "more like this") == 1);
	CHECK("nothing more pending", srv_log_tick(s, t0 + 1000) == -1);
	fclose(s->log);
	free(text);
	/* the journal: JOURNAL_STREAM names the file's device and inode */
	char path[] = "/tmp/serve_log_testXXXXXX", env[64], buf[512] = "";
	int fd = mkstemp(path);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		return 1;
	snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", env, 1);
	FILE *j = fdopen(fd, "w+");
	srv_line(j, LOG_PRIO_WARNING, "netboot-serve: two\nlines");
	rewind(j);
	size_t n = fread(buf, 1, sizeof(buf) - 1, j);
	buf[n] = '\0';
	CHECK("journal: a priority on each line, no time", !strcmp(buf, "<4>netboot-serve: two\n<4>lines\n"));
	fclose(j);
	unlink(path);
	free(s);
	return CHECK_DONE();
}
