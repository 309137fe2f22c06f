/* console/bkeymap.c: busybox's binary keymap format, built by hand and read
 * from a real `loadkeys -b` file (the fuzz seed, console-data's fr-latin1). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "console/bkeymap.h"
#include "tests/unit/check.h"

#define FULL (BKEYMAP_HEADER + BKEYMAP_TABLES * BKEYMAP_TABLE_BYTES)
static uint8_t buf[FULL + 16];
static struct bkeymap km;
static struct errbuf err;

/* magic, tables t[0..n) flagged, entry k of table t = t << 8 | k */
static size_t build(const int *t, int n)
{
	size_t len = BKEYMAP_HEADER;
	memset(buf, 0, sizeof(buf));
	memcpy(buf, BKEYMAP_MAGIC, BKEYMAP_MAGIC_LEN);
	for (int i = 0; i < n; i++)
		buf[BKEYMAP_MAGIC_LEN + t[i]] = 1;
	for (int tab = 0; tab < BKEYMAP_TABLES; tab++) {
		if (!buf[BKEYMAP_MAGIC_LEN + tab])
			continue;
		for (int k = 0; k < BKEYMAP_KEYS; k++, len += 2) {
			uint16_t v = (uint16_t)(tab << 8 | k);
			memcpy(buf + len, &v, 2);
		}
	}
	return len;
}

static int parse(size_t len)
{
	err.msg[0] = '\0';
	return bkeymap_parse("fr.bmap", buf, len, &km, &err);
}

static void bad(const char *name, size_t len, const char *want)
{
	int rc = parse(len);
	if (rc == 0 || !strstr(err.msg, want) || strncmp(err.msg, "fr.bmap: ", 9))
		printf("FAIL: %s: rc %d, message '%s', want it to name fr.bmap and say '%s'\n", name, rc, err.msg, want), check_failures++;
	else
		printf("PASS: %s\n", name);
}

static void real_file(void)
{
	FILE *f = fopen("tests/fuzz-corpus/bkeymap_fuzz/fr.bmap", "rb");
	size_t len = f ? fread(buf, 1, sizeof(buf), f) : 0;
	if (f)
		fclose(f);
	if (!len) {
		printf("FAIL: real fr.bmap: tests/fuzz-corpus/bkeymap_fuzz/fr.bmap unreadable (run from the source tree)\n");
		check_failures++;
		return;
	}
	CHECK("real fr.bmap: parses", parse(len) == 0);
	/* fr-latin1 has plain, shift, altgr, control, shift+control, alt, control+alt */
	static const int tabs[] = { 0, 1, 2, 4, 6, 8, 12 };
	int ok = km.ntables == 7;
	for (size_t i = 0; i < sizeof(tabs) / sizeof(tabs[0]); i++)
		ok = ok && km.table[tabs[i]];
	CHECK("real fr.bmap: tables 0 1 2 4 6 8 12", ok && !km.table[3] && !km.table[5]);
	/* AZERTY: keycode 16 (Q on a US keyboard) types a, 30 types q, 2 is & */
	CHECK("real fr.bmap: key 16 is letter a", bkeymap_entry(&km, 0, 16) == 0x0b61);
	CHECK("real fr.bmap: key 30 is letter q", bkeymap_entry(&km, 0, 30) == 0x0b71);
	CHECK("real fr.bmap: key 2 is &", bkeymap_entry(&km, 0, 2) == 0x0026);
}

int main(void)
{
	static const int two[] = { 0, 1 }, all_last[] = { 255 };
	size_t len = build(two, 2);

	CHECK("two tables: parse", parse(len) == 0 && km.ntables == 2);
	CHECK("two tables: present and absent", km.table[0] && km.table[1] && !km.table[2] && !km.table[255]);
	CHECK("two tables: entries in order", bkeymap_entry(&km, 0, 0) == 0 && bkeymap_entry(&km, 0, 127) == 127 &&
	      bkeymap_entry(&km, 1, 5) == 0x105 && bkeymap_entry(&km, 1, 127) == 0x17f);
	len = build(all_last, 1);
	CHECK("only table 255: parse", parse(len) == 0 && km.ntables == 1 && bkeymap_entry(&km, 255, 1) == 0xff01);
	static int every[BKEYMAP_TABLES];
	for (int i = 0; i < BKEYMAP_TABLES; i++)
		every[i] = i;
	len = build(every, BKEYMAP_TABLES);
	CHECK("all 256 tables: parse", len == FULL && parse(len) == 0 && km.ntables == 256 &&
	      bkeymap_entry(&km, 200, 100) == (200 << 8 | 100));

	len = build(two, 2);
	bad("empty file", 0, "not a binary keymap: expected it to start with \"bkeymap\"");
	bad("magic cut short", 5, "expected it to start with \"bkeymap\"");
	buf[0] = 'B';
	bad("wrong magic", len, "not a binary keymap");
	buf[0] = 'b';
	bad("flags cut short", BKEYMAP_MAGIC_LEN + 10, "17 bytes: expected at least 263");
	buf[BKEYMAP_MAGIC_LEN + 5] = 2;
	bad("flag neither 0 nor 1", len, "flag of table 5 is 2: expected 0 or 1");
	build(two, 0);
	bad("no table", BKEYMAP_HEADER, "no table present");
	len = build(two, 2);
	bad("last table cut by one byte", len - 1, "774 bytes: expected 775 for its 2 tables of 128 keys");
	bad("one byte too many", len + 1, "776 bytes: expected 775");
	bad("header only, tables missing", BKEYMAP_HEADER, "263 bytes: expected 775");

	real_file();
	return CHECK_DONE();
}
