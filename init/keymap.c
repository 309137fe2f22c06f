/* The keymap stage: setkmap=NAME loads /lib/kmaps/NAME.bmap (built by
 * scripts/make-kmaps.sh) into the kernel's keyboard tables before anything
 * can wait for a key, so the rescue shell and the booted system's consoles
 * type as the user's keyboard is labelled.  A missing or bad keymap is a
 * warning: the boot goes on with the kernel's default (us). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "console/bkeymap.h"
#include "console/kmap_load.h"
#include "init/boot.h"
#include "netboot/read_file.h"

#define KMAP_DIR "/lib/kmaps"
#define KMAP_HANDOVER RUN_DIR "/keymap"

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "azerty be bg ..." from KMAP_DIR's *.bmap, sorted; "none" if empty. */
static void list_keymaps(char *out, size_t len)
{
	static char names[128][40];
	char *sorted[128];
	int n = 0;
	DIR *d = opendir(KMAP_DIR);
	struct dirent *e;

	while (d && n < 128 && (e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l > 5 && l - 5 < sizeof(names[0]) && !strcmp(e->d_name + l - 5, ".bmap")) {
			memcpy(names[n], e->d_name, l - 5);
			names[n][l - 5] = '\0';
			sorted[n] = names[n];
			n++;
		}
	}
	if (d)
		closedir(d);
	qsort(sorted, (size_t)n, sizeof(sorted[0]), by_name);
	snprintf(out, len, "%s", n ? "" : "none");
	for (int i = 0; i < n; i++) {
		size_t used = strlen(out);
		snprintf(out + used, len - used, "%s%s", i ? " " : "", sorted[i]);
	}
}

/* RUN_DIR/keymap: KEYMAP=<as asked> and STATUS=loaded|unknown|failed; when
 * loaded, RUN_DIR/keymap.bmap is the file itself (busybox loadkmap reads it). */
static void handover(const char *name, const char *status, const uint8_t *bmap, size_t len)
{
	FILE *f = fopen(KMAP_HANDOVER, "we");
	if (!f) {
		say("keymap", "%s: %s", KMAP_HANDOVER, strerror(errno));
		return;
	}
	fprintf(f, "# netboot keymap handover, see docs/handover.md\nKEYMAP=%s\nSTATUS=%s\n", name, status);
	fclose(f);
	if (!bmap)
		return;
	int fd = open(KMAP_HANDOVER ".bmap", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, bmap, len) != (ssize_t)len)
		say("keymap", "%s.bmap: %s", KMAP_HANDOVER, strerror(errno));
	if (fd >= 0)
		close(fd);
}

/* Reads path into buf (at most cap bytes); returns the length or -errno. */
int load_keymap(struct boot *b)
{
	/* one byte over the largest valid file, so an oversized one is told apart */
	static uint8_t buf[BKEYMAP_HEADER + BKEYMAP_TABLES * BKEYMAP_TABLE_BYTES + 1];
	static char avail[1024];
	const char *name = b->cfg.keymap, *dev;
	char path[sizeof(KMAP_DIR) + sizeof(b->cfg.keymap) + 8];
	struct bkeymap km;
	struct errbuf err = { "" };
	int refused, fd;

	if (!name[0])
		return 0;
	snprintf(path, sizeof(path), "%s/%s.bmap", KMAP_DIR, name);
	ssize_t len = read_file_up_to(path, buf, sizeof(buf));
	if (len < 0) {
		list_keymaps(avail, sizeof(avail));
		say("keymap", "WARNING: setkmap=%s: no such keymap (%s); available: %s; keeping the kernel's default (us)",
		    name, strerror((int)-len), avail);
		handover(name, "unknown", NULL, 0);
		return 0;
	}
	if (bkeymap_parse(path, buf, (size_t)len, &km, &err) < 0 ||
	    (fd = kmap_open_vt(&dev, &err)) < 0) {
		say("keymap", "WARNING: setkmap=%s not loaded: %s", name, err.msg);
		handover(name, "failed", NULL, 0);
		return 0;
	}
	int rc = kmap_load(fd, &km, &refused, &err);
	close(fd);
	if (rc < 0) {
		say("keymap", "WARNING: setkmap=%s not loaded: %s", name, err.msg);
		handover(name, "failed", NULL, 0);
		return 0;
	}
	if (refused)
		say("keymap", "WARNING: %s loaded on %s (%d tables), but the kernel refused %d of its entries",
		    name, dev, km.ntables, refused);
	else
		say("keymap", "%s loaded on %s (%d tables)", name, dev, km.ntables);
	handover(name, "loaded", buf, (size_t)len);
	return 0;
}
