#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kd.h>
#include <linux/keyboard.h>
#include "console/kmap_load.h"

int kmap_open_vt(const char **dev, struct errbuf *err)
{
	static const char *const names[] = { "/dev/tty0", "/dev/console", "/dev/tty1" };
	char type;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int fd = open(names[i], O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (ioctl(fd, KDGKBTYPE, &type) == 0) {
			*dev = names[i];
			return fd;
		}
		close(fd);
	}
	return nb_fail(err, -ENOTTY, "no virtual terminal: /dev/tty0, /dev/console and /dev/tty1 are absent or not VTs (kernel without CONFIG_VT?)");
}

static int set_entry(int fd, int table, int key, unsigned short value)
{
	struct kbentry e = { .kb_table = (unsigned char)table, .kb_index = (unsigned char)key, .kb_value = value };
	return ioctl(fd, KDSKBENT, &e) == 0 ? 0 : -errno;
}

int kmap_load(int fd, const struct bkeymap *km, int *refused, struct errbuf *err)
{
	*refused = 0;
	for (int t = 0; t < BKEYMAP_TABLES; t++) {
		if (!km->table[t]) {
			if (t)	/* the kernel never frees table 0 */
				set_entry(fd, t, 0, K_NOSUCHMAP);
			continue;
		}
		for (int k = 0; k < BKEYMAP_KEYS; k++) {
			int rc = set_entry(fd, t, k, bkeymap_entry(km, t, k));
			if (rc == -EINVAL) {
				(*refused)++;
			} else if (rc < 0) {
				return nb_fail(err, rc, "KDSKBENT (table %d, key %d): %s", t, k, strerror(-rc));
			}
		}
	}
	return 0;
}
