/* Test helper (not part of the agent): prints a keymap as text lines
 *   kmap <table>: <hex entry of key 1> ... <key 127>
 * from the kernel's tables (no argument: KDGKBENT on /dev/tty0, inside the
 * test root) or from a bkeymap file (argument: on the host, what loadkeys -b
 * wrote), so the QEMU test compares the two with diff.  Key 0 is left out:
 * the kernel keeps no entry for keycode 0 on x86 (KDSKBENT there only checks
 * the value) and reads back K_ALLOCATED or K_HOLE.  Written apart from
 * console/bkeymap.c on purpose, so the test does not trust the code it tests. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define KDGKBENT 0x4B46			/* <linux/kd.h> */
#define K_NOSUCHMAP 0x027f		/* <linux/keyboard.h>: K(KT_SPEC, 127) */
struct kbentry { unsigned char table, index; unsigned short value; };

static unsigned char file[7 + 256 + 256 * 256];

static int from_kernel(void)
{
	int fd = open("/dev/tty0", O_RDONLY);
	if (fd < 0) {
		perror("kmapdump: /dev/tty0");
		return 1;
	}
	for (int t = 0; t < 256; t++) {
		struct kbentry e = { (unsigned char)t, 0, 0 };
		if (ioctl(fd, KDGKBENT, &e) < 0) {
			perror("kmapdump: KDGKBENT");
			return 1;
		}
		if (e.value == K_NOSUCHMAP)
			continue;
		printf("kmap %d:", t);
		for (int k = 1; k < 128; k++) {
			e.index = (unsigned char)k;
			if (ioctl(fd, KDGKBENT, &e) < 0) {
				perror("kmapdump: KDGKBENT");
				return 1;
			}
			printf(" %04x", e.value);
		}
		printf("\n");
	}
	return 0;
}

static int from_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	size_t len = f ? fread(file, 1, sizeof(file), f) : 0;
	if (len < 263 || memcmp(file, "bkeymap", 7)) {
		fprintf(stderr, "kmapdump: %s: not a bkeymap file\n", path);
		return 1;
	}
	size_t off = 263;
	for (int t = 0; t < 256; t++) {
		if (!file[7 + t])
			continue;
		if (off + 256 > len) {
			fprintf(stderr, "kmapdump: %s: short\n", path);
			return 1;
		}
		printf("kmap %d:", t);
		for (int k = 1; k < 128; k++)
			printf(" %04x", file[off + 2 * k] | file[off + 2 * k + 1] << 8);
		printf("\n");
		off += 256;
	}
	return 0;
}

int main(int argc, char **argv)
{
	return argc > 1 ? from_file(argv[1]) : from_kernel();
}
