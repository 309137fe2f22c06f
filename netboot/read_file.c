#include "netboot/read_file.h"
#include <errno.h>
#include <fcntl.h>
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
