/* Splitting the command line into arguments, as the kernel's next_arg()
 * does, so we see the same arguments the kernel and other tools see:
 *   - blanks separate arguments, except inside double quotes;
 *   - a leading quote on the argument or on its value is dropped, and so is
 *     the closing quote at the end of the argument;
 *   - quotes elsewhere stay, and the first '=' splits key from value.
 * NUL also separates (the kernel would stop there; we read on, so a stray
 * NUL in the buffer never hides what follows from a fuzzer). */
#include "cmdline/internal.h"

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\v' || ch == '\f';
}

/* Finds the end of the argument starting at s; *eq gets its first '='. */
static const char *arg_end(const char *s, const char *end, bool in_quote, const char **eq)
{
	*eq = NULL;
	for (; s < end && *s; s++) {
		if (is_blank(*s) && !in_quote)
			break;
		if (*s == '=' && !*eq)
			*eq = s;
		if (*s == '"')
			in_quote = !in_quote;
	}
	return s;
}

bool cl_next_arg(const char *buf, size_t len, size_t *pos, struct cl_arg *a)
{
	const char *end = buf + len, *s, *e, *eq;
	bool quoted = false, strip_close;

	if (!buf)
		return false;
	s = buf + (*pos < len ? *pos : len);
	while (s < end && (is_blank(*s) || *s == '\0'))
		s++;
	if (s == end) {
		*pos = len;
		return false;
	}
	if (*s == '"') {
		s++;
		quoted = true;
	}
	e = arg_end(s, end, quoted, &eq);
	*pos = (size_t)(e - buf);
	a->key = s;
	a->has_val = eq != NULL;
	a->klen = (size_t)((eq ? eq : e) - s);
	a->val = eq ? eq + 1 : e;
	strip_close = quoted;
	if (eq && a->val < e && *a->val == '"') {
		a->val++;
		strip_close = true;
	}
	/* The closing quote, unless it is the opening one just skipped. */
	if (strip_close && e > (eq ? a->val : s) && e[-1] == '"')
		e--;
	if (eq)
		a->vlen = (size_t)(e - a->val);
	else {
		a->vlen = 0;
		a->klen = (size_t)(e - s);
	}
	return true;
}
