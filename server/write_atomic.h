/* The server's small files (checksums, root hashes) written through a
 * temporary file, fsync and rename(2), so a client never reads half of one. */
#ifndef SERVER_WRITE_ATOMIC_H
#define SERVER_WRITE_ATOMIC_H
#include "netboot/errbuf.h"

/* text to dir_fd/name; 0, or a negative errno with e naming the file. */
int write_atomic(int dir_fd, const char *name, const char *text, struct errbuf *e);
#endif
