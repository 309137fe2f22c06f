/* libFuzzer harness: any bytes through hosts_parse(), from an exact-size
 * copy so ASan sees any read past the end.  Every message must be one
 * printable line naming the input's line; what was kept must hold the
 * table's invariants (valid fields, no MAC or fixed address twice). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "server/hosts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_line(const char *msg, size_t cap)
{
	size_t n = strnlen(msg, cap);
	if (n == 0 || n >= cap || strncmp(msg, "fuzz line ", 10) != 0)
		__builtin_trap();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)msg[i] < 0x20 || (unsigned char)msg[i] >= 0x7f)
			__builtin_trap();
}

static void on_warn(void *ctx, const char *msg)
{
	check_line(msg, 1024);
	++*(int *)ctx;
}

#define TERMINATED(f) (memchr((f), '\0', sizeof(f)) != NULL)

static void check_table(const struct host_table *t)
{
	if (t->n < 0 || t->n > HOSTS_MAX)
		__builtin_trap();
	for (int i = 0; i < t->n; i++) {
		const struct host *h = &t->h[i];
		if (!TERMINATED(h->name) || !TERMINATED(h->image) || !TERMINATED(h->args))
			__builtin_trap();
		if (h->image[0] && !hosts_image_name_ok(h->image, strlen(h->image)))
			__builtin_trap();
		for (const char *a = h->args; *a; a++)
			if ((unsigned char)*a < 0x20 || (unsigned char)*a > 0x7e)
				__builtin_trap();	/* it lands on an APPEND line */
		if (hosts_find(t, h->mac) != h)
			__builtin_trap();	/* each MAC once */
		for (int j = 0; j < i; j++)
			if (h->ip && t->h[j].ip == h->ip)
				__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct host_table t = { 0 };
	char *copy = malloc(size ? size : 1);
	struct errbuf e = { "" };
	int warnings = 0;
	if (!copy)
		abort();
	memcpy(copy, data, size);
	int rc = hosts_parse(copy, size, "fuzz", &t, on_warn, &warnings, &e);
	if (rc < 0)
		check_line(e.msg, sizeof(e.msg));
	else if (rc != 0)
		__builtin_trap();
	check_table(&t);
	hosts_free(&t);
	free(copy);
	return 0;
}
