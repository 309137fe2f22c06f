#include "netboot/read_file.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

ssize_t read_fd_up_to(int fd, void *buf, size_t cap)
{
	char *p = buf;
	size_t got = 0;
	while (got < cap) {
		ssize_t r = read(fd, p + got, cap - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

ssize_t read_file_up_to(const char *path, void *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read_fd_up_to(fd, buf, cap);
	close(fd);
	return n;
}

ssize_t read_file_alloc(const char *path, size_t max, char **out)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = fstat(fd, &st) < 0 ? -errno : !S_ISREG(st.st_mode) ? -EINVAL
		    : (unsigned long long)st.st_size > max ? -EFBIG : 0;
	char *buf = n < 0 ? NULL : malloc((size_t)st.st_size + 1);
	if (n == 0 && !buf)
		n = -ENOMEM;
	if (n == 0)	/* a file that shrank since fstat reads shorter, one that grew is cut at its size then */
		n = read_fd_up_to(fd, buf, (size_t)st.st_size);
	close(fd);
	if (n < 0) {
		free(buf);
		return n;
	}
	buf[n] = 0;
	*out = buf;
	return n;
}
