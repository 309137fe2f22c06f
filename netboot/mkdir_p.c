/* mkdir -p: see mkdir_p.h. */
#include "netboot/mkdir_p.h"
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

int mkdir_p(const char *path, unsigned mode)
{
	char p[PATH_MAX];
	size_t len = strlen(path);

	if (!len)
		return -EINVAL;
	if (len >= sizeof(p))
		return -ENAMETOOLONG;
	memcpy(p, path, len + 1);
	for (char *s = p + 1;; s++) {
		if (*s == '/' || !*s) {
			char c = *s;
			*s = '\0';
			if (mkdir(p, (mode_t)mode) < 0 && errno != EEXIST)
				return -errno;
			if (!c)
				return 0;
			*s = c;
		}
	}
}
