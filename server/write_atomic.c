/* One small file written whole or not at all: see write_atomic.h. */
#include "server/write_atomic.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int write_atomic(int dir_fd, const char *name, const char *text, struct errbuf *e)
{
	char tmp[160];
	snprintf(tmp, sizeof(tmp), ".%s.tmp", name);
	int fd = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return nb_fail(e, -errno, "%s: cannot write: %s", name, strerror(errno));
	size_t len = strlen(text);
	int rc = write(fd, text, len) == (ssize_t)len && fsync(fd) == 0 ? 0 : -EIO;
	close(fd);
	if (!rc && renameat(dir_fd, tmp, dir_fd, name) < 0)
		rc = -errno;
	if (rc) {
		unlinkat(dir_fd, tmp, 0);
		return nb_fail(e, rc, "%s: cannot write: %s", name, strerror(-rc));
	}
	return 0;
}
