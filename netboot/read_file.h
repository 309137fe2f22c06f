/* Bounded reads of small files (checksum, signature, key, keymap and CA
 * files): short reads are read on, EINTR is retried, and a failure comes
 * back as an errno for the caller's message, never as a silently shorter
 * file.  Ask for one byte more than allowed to tell "too large". */
#ifndef NETBOOT_READ_FILE_H
#define NETBOOT_READ_FILE_H
#include <stddef.h>
#include <sys/types.h>

/* Up to cap bytes of fd: the count (< cap only at the end of the file), or
 * a negative errno. */
ssize_t read_fd_up_to(int fd, void *buf, size_t cap);
/* The same for the file at path: a negative errno also when it cannot be
 * opened. */
ssize_t read_file_up_to(const char *path, void *buf, size_t cap);
/* The whole regular file at path, at most max bytes, into a malloc'd
 * buffer with a NUL after it (*out; the caller frees it): its length, or
 * -ENOENT, -EINVAL (not a regular file), -EFBIG (larger than max),
 * -ENOMEM, or open's or read's errno. */
ssize_t read_file_alloc(const char *path, size_t max, char **out);
#endif
