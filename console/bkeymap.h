/* busybox's binary keymap ("bkeymap", what kbd's `loadkeys -b` writes and
 * busybox loadkmap reads): the 7 bytes "bkeymap", then one flag byte for each
 * of the kernel's 256 keymaps (tables: plain, shift, altgr, ... by modifier
 * bits), 1 if the table follows, then each present table in order as 128
 * (busybox's NR_KEYS) u16 entries, K(type, value) as KDSKBENT takes them, in
 * the byte order of the machine that wrote it (the build host: same arch). */
#ifndef CONSOLE_BKEYMAP_H
#define CONSOLE_BKEYMAP_H
#include <stddef.h>
#include <stdint.h>
#include "netboot/errbuf.h"

#define BKEYMAP_MAGIC "bkeymap"
#define BKEYMAP_MAGIC_LEN 7
#define BKEYMAP_TABLES 256
#define BKEYMAP_KEYS 128
#define BKEYMAP_TABLE_BYTES (BKEYMAP_KEYS * 2)
#define BKEYMAP_HEADER (BKEYMAP_MAGIC_LEN + BKEYMAP_TABLES)

struct bkeymap {
	const uint8_t *table[BKEYMAP_TABLES];	/* into the caller's buffer; NULL: absent */
	int ntables;
};

/* Parses buf[0..len) (the file called name, for messages).  Pure: checks the
 * magic, that every flag is 0 or 1, that at least one table is present and
 * that the length is exactly the header plus the tables the flags announce.
 * Returns 0, or -EINVAL with err naming the file and what was expected.  km
 * points into buf, which must outlive it. */
int bkeymap_parse(const char *name, const uint8_t *buf, size_t len, struct bkeymap *km, struct errbuf *err);

/* Entry key (0..127) of a present table. */
uint16_t bkeymap_entry(const struct bkeymap *km, int table, int key);
#endif
