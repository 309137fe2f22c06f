/* libFuzzer harness for mkcpio's list parser (scripts/cpiolist.c): each
 * line of the input through cpiolist_parse_line(), ${A} set, others unset.
 * What parses is a known kind with a terminated, non-empty name; a failure
 * says why.  Each line is copied to a heap buffer of its exact size. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "scripts/cpiolist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *env(const char *var, void *ctx)
{
	(void)ctx;
	return strcmp(var, "A") ? NULL : "/some/build/dir";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cpio_entry x;
	const char *why;

	while (size) {
		const uint8_t *nl = memchr(data, '\n', size);
		size_t n = nl ? (size_t)(nl - data) + 1 : size;
		char *line = malloc(n ? n : 1);
		if (!line)
			return 0;
		memcpy(line, data, n);
		why = NULL;
		int rc = cpiolist_parse_line(line, n, env, NULL, &x, &why);
		free(line);
		if (rc < 0 && (!why || !*why))
			abort();
		if (rc == 1 && (x.kind > CPIO_SOCK || !x.name[0] || strnlen(x.name, sizeof(x.name)) == sizeof(x.name) ||
				strnlen(x.arg, sizeof(x.arg)) == sizeof(x.arg) ||
				(x.kind == CPIO_NOD && x.dtype != 'b' && x.dtype != 'c') ||
				((x.kind == CPIO_FILE || x.kind == CPIO_SLINK) && !x.arg[0])))
			abort();
		if (rc < -1 || rc > 1)
			abort();
		data += n;
		size -= n;
	}
	return 0;
}
