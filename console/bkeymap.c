#include <errno.h>
#include <string.h>
#include "console/bkeymap.h"

int bkeymap_parse(const char *name, const uint8_t *buf, size_t len, struct bkeymap *km, struct errbuf *err)
{
	memset(km, 0, sizeof(*km));
	if (len < BKEYMAP_MAGIC_LEN || memcmp(buf, BKEYMAP_MAGIC, BKEYMAP_MAGIC_LEN))
		return nb_fail(err, -EINVAL, "%s: not a binary keymap: expected it to start with \"bkeymap\" (loadkeys -b)", name);
	if (len < BKEYMAP_HEADER)
		return nb_fail(err, -EINVAL, "%s: %zu bytes: expected at least %d (magic and %d table flags)",
			       name, len, BKEYMAP_HEADER, BKEYMAP_TABLES);
	const uint8_t *flags = buf + BKEYMAP_MAGIC_LEN;
	for (int i = 0; i < BKEYMAP_TABLES; i++) {
		if (flags[i] > 1)
			return nb_fail(err, -EINVAL, "%s: flag of table %d is %u: expected 0 or 1", name, i, flags[i]);
		km->ntables += flags[i];
	}
	if (km->ntables == 0)
		return nb_fail(err, -EINVAL, "%s: no table present: expected at least the plain one", name);
	size_t want = BKEYMAP_HEADER + (size_t)km->ntables * BKEYMAP_TABLE_BYTES;
	if (len != want)
		return nb_fail(err, -EINVAL, "%s: %zu bytes: expected %zu for its %d tables of %d keys",
			       name, len, want, km->ntables, BKEYMAP_KEYS);
	const uint8_t *p = buf + BKEYMAP_HEADER;
	for (int i = 0; i < BKEYMAP_TABLES; i++)
		if (flags[i]) {
			km->table[i] = p;
			p += BKEYMAP_TABLE_BYTES;
		}
	return 0;
}

uint16_t bkeymap_entry(const struct bkeymap *km, int table, int key)
{
	uint16_t v;
	memcpy(&v, km->table[table] + 2 * key, sizeof(v));	/* host order, maybe unaligned */
	return v;
}
