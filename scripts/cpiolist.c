/* gen_init_cpio list lines: see cpiolist.h and mkcpio.c for the syntax. */
#include "scripts/cpiolist.h"
#include <stdio.h>
#include <string.h>

/* ${VAR} replaced through env; values are cut to fit, literal text is not. */
static const char *expand(const char *in, char *out, size_t len, cpiolist_env_fn env, void *ctx)
{
	size_t o = 0;
	while (*in) {
		if (in[0] == '$' && in[1] == '{') {
			const char *end = strchr(in, '}');
			char var[128];
			if (!end || (size_t)(end - in - 2) >= sizeof(var))
				return "unterminated ${VAR}";
			memcpy(var, in + 2, (size_t)(end - in - 2));
			var[end - in - 2] = 0;
			const char *val = env ? env(var, ctx) : NULL;
			if (!val)
				return "variable not set in the environment";
			for (; *val && o + 1 < len; val++)
				out[o++] = *val;
			in = end + 1;
		} else if (o + 1 < len) {
			out[o++] = *in++;
		} else {
			return "path too long";
		}
	}
	out[o] = 0;
	return NULL;
}

int cpiolist_parse_line(const char *line, size_t len, cpiolist_env_fn env, void *ctx,
			struct cpio_entry *out, const char **why)
{
	char raw[CPIOLIST_LINE_MAX], l[CPIOLIST_LINE_MAX], type[16];
	struct cpio_entry *x = out;

	if (len >= sizeof(raw)) {
		*why = "line too long";
		return -1;
	}
	memcpy(raw, line, len);
	raw[len] = 0;
	raw[strcspn(raw, "#\n")] = 0;
	if (sscanf(raw, "%15s", type) != 1)
		return 0;
	if ((*why = expand(raw, l, sizeof(l), env, ctx)))
		return -1;
	memset(x, 0, sizeof(*x));
	if (!strcmp(type, "file")) {
		x->kind = CPIO_FILE;
		if (sscanf(l, "%*s %1023s %2047s %o %u %u", x->name, x->arg, &x->mode, &x->uid, &x->gid) != 5)
			goto bad;
	} else if (!strcmp(type, "dir")) {
		x->kind = CPIO_DIR;
		if (sscanf(l, "%*s %1023s %o %u %u", x->name, &x->mode, &x->uid, &x->gid) != 4)
			goto bad;
	} else if (!strcmp(type, "nod")) {
		x->kind = CPIO_NOD;
		if (sscanf(l, "%*s %1023s %o %u %u %c %u %u", x->name, &x->mode, &x->uid, &x->gid, &x->dtype,
			   &x->maj, &x->min) != 7 || (x->dtype != 'b' && x->dtype != 'c'))
			goto bad;
	} else if (!strcmp(type, "slink")) {
		x->kind = CPIO_SLINK;
		if (sscanf(l, "%*s %1023s %2047s %o %u %u", x->name, x->arg, &x->mode, &x->uid, &x->gid) != 5)
			goto bad;
	} else if (!strcmp(type, "pipe") || !strcmp(type, "sock")) {
		x->kind = type[0] == 'p' ? CPIO_PIPE : CPIO_SOCK;
		if (sscanf(l, "%*s %1023s %o %u %u", x->name, &x->mode, &x->uid, &x->gid) != 4)
			goto bad;
	} else {
		*why = "unknown entry type (file, dir, nod, slink, pipe, sock)";
		return -1;
	}
	return 1;
bad:
	switch (x->kind) {
	case CPIO_FILE: *why = "expected: file <name> <location> <mode> <uid> <gid>"; break;
	case CPIO_DIR: *why = "expected: dir <name> <mode> <uid> <gid>"; break;
	case CPIO_NOD: *why = "expected: nod <name> <mode> <uid> <gid> <b|c> <maj> <min>"; break;
	case CPIO_SLINK: *why = "expected: slink <name> <target> <mode> <uid> <gid>"; break;
	default: *why = "expected: pipe|sock <name> <mode> <uid> <gid>"; break;
	}
	return -1;
}
