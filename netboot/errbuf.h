/* One error convention for the whole project: functions return 0 or a
 * negative errno, and write a one-line, human-readable cause into an errbuf
 * that names the input and what was expected.  Distinct errnos let callers
 * tell failures apart: -ENOENT not found, -EBADMSG checksum mismatch,
 * -ETIMEDOUT no answer, -EPROTO peer spoke garbage, -EINVAL bad user input,
 * -EHOSTUNREACH a host name that does not resolve.  A function taking a
 * struct errbuf * needs it non-NULL unless its comment says otherwise. */
#ifndef NETBOOT_ERRBUF_H
#define NETBOOT_ERRBUF_H
#include <stddef.h>

struct errbuf {
	char msg[384];
};

/* Formats the cause into e (if e is non-NULL) and returns rc, so callers can
 * write `return nb_fail(e, -EINVAL, "...", ...);`. */
int nb_fail(struct errbuf *e, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Copies untrusted bytes (peer strings, file names) into dst as printable
 * ASCII, replacing anything else with '?', always NUL-terminated. */
void nb_sanitize(char *dst, size_t dstlen, const char *src, size_t srclen);

#endif
