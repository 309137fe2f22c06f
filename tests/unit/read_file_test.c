/* read_file_alloc, the lease files' reader: the whole file with a NUL
 * after it, or an errno naming why not. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "netboot/read_file.h"
#include "tests/unit/check.h"

int main(void)
{
	char path[] = "/tmp/jitter_test.XXXXXX", *buf = NULL;
	int fd = mkstemp(path);
	CHECK("temp file", fd >= 0 && write(fd, "abc\n", 4) == 4);
	close(fd);
	CHECK("read_file_alloc: the bytes, NUL after them", read_file_alloc(path, 4, &buf) == 4 && !strcmp(buf, "abc\n"));
	free(buf);
	CHECK("read_file_alloc: larger than max", read_file_alloc(path, 3, &buf) == -EFBIG);
	CHECK("read_file_alloc: not a regular file", read_file_alloc("/tmp", 1 << 20, &buf) == -EINVAL);
	unlink(path);
	CHECK("read_file_alloc: missing", read_file_alloc(path, 4, &buf) == -ENOENT);
	return CHECK_DONE();
}
