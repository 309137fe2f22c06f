/* The gen_init_cpio list line parser mkcpio uses, pure over (buffer, len):
 * no I/O, the environment reached only through a callback. */
#ifndef CPIOLIST_H
#define CPIOLIST_H
#include <stddef.h>

#define CPIOLIST_LINE_MAX 4096	/* mkcpio reads lines in chunks of this size - 1 */

enum cpio_kind { CPIO_FILE, CPIO_DIR, CPIO_NOD, CPIO_SLINK, CPIO_PIPE, CPIO_SOCK };

struct cpio_entry {
	enum cpio_kind kind;
	char name[1024];
	char arg[2048];		/* file: location; slink: target */
	unsigned mode, uid, gid;
	char dtype;		/* nod: 'b' or 'c' */
	unsigned maj, min;	/* nod */
};

/* ${VAR}'s value, or NULL when unset. */
typedef const char *(*cpiolist_env_fn)(const char *var, void *ctx);

/* Parses one line (the text up to '#' or '\n', at most CPIOLIST_LINE_MAX - 1
 * bytes; a NUL ends it early).  Returns 1 with *out filled, 0 for a blank or
 * comment line, -1 with *why set to a constant message. */
int cpiolist_parse_line(const char *line, size_t len, cpiolist_env_fn env, void *ctx,
			struct cpio_entry *out, const char **why);
#endif
