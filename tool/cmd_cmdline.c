/* netboot cmdline ['<kernel args>'...]: the boot plan /init would follow.
 * The arguments are joined with spaces, so both `netboot cmdline 'a b'` and
 * `netboot cmdline a b` work; with none, /proc/cmdline is read. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmdline/cmdline.h"
#include "tool/tool.h"

#define MAX_CMDLINE 65536	/* well above the kernel's COMMAND_LINE_SIZE */

/* Joins argv[1..] with spaces into a new buffer; NULL if too long. */
static char *join_args(int argc, char **argv, size_t *len)
{
	size_t total = 0;
	char *buf;

	for (int i = 1; i < argc; i++)
		total += strlen(argv[i]) + 1;
	if (total > MAX_CMDLINE || !(buf = malloc(total + 1)))
		return NULL;
	*len = 0;
	for (int i = 1; i < argc; i++) {
		size_t n = strlen(argv[i]);
		if (i > 1)
			buf[(*len)++] = ' ';
		memcpy(buf + *len, argv[i], n);
		*len += n;
	}
	buf[*len] = '\0';
	return buf;
}

static char *read_proc_cmdline(size_t *len)
{
	FILE *f = fopen("/proc/cmdline", "r");
	char *buf = malloc(MAX_CMDLINE);

	if (!f || !buf) {
		if (f)
			fclose(f);
		free(buf);
		return NULL;
	}
	*len = fread(buf, 1, MAX_CMDLINE, f);
	fclose(f);
	return buf;
}

int cmd_cmdline(int argc, char **argv)
{
	struct boot_config *cfg;
	struct errbuf e = { "" };
	size_t len = 0;
	char *buf;
	int rc;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: netboot cmdline ['<kernel args>'...]   (default: /proc/cmdline)\n");
		return 0;
	}
	buf = argc > 1 ? join_args(argc, argv, &len) : read_proc_cmdline(&len);
	if (!buf) {
		fprintf(stderr, "netboot: cmdline: %s\n",
			argc > 1 ? "arguments too long" : "cannot read /proc/cmdline");
		return 1;
	}
	cfg = malloc(sizeof(*cfg));	/* about 10 KiB: keep it off the stack */
	rc = cfg ? cmdline_parse(buf, len, cfg, &e) : -ENOMEM;
	if (rc == 0)
		rc = cmdline_require_source(cfg, &e);	/* where /init stops too */
	free(buf);
	if (rc < 0) {
		fprintf(stderr, "netboot: %s\n", cfg ? e.msg : "out of memory");
		free(cfg);
		return 1;
	}
	cmdline_print(cfg, stdout);
	free(cfg);
	return 0;
}
