/* dm-verity's superblock and tree geometry: a round trip, veritysetup's own
 * layout for known sizes (checked against cryptsetup in
 * tests/integration/verity.sh), and every refusal naming what is wrong. */
#include <errno.h>
#include "fetch/verity.h"
#include "mount/dm_verity.h"
#include "check.h"

static struct verity_params params(uint64_t blocks)
{
	struct verity_params p = { .data_block_size = 4096, .hash_block_size = 4096, .data_blocks = blocks, .salt_size = 4 };
	memcpy(p.salt, "\x00\x11\x22\x33", 4);
	for (int i = 0; i < 16; i++)
		p.uuid[i] = (uint8_t)i;
	return p;
}

int main(void)
{
	struct verity_params p = params(300), q;
	struct verity_geometry g;
	struct errbuf e;
	uint8_t sb[VERITY_SB_SIZE];

	verity_sb_encode(&p, sb);
	CHECK("superblock: signature, version 1, sha256, 300 blocks, salt at 88",
	      !memcmp(sb, "verity\0\0", 8) && sb[8] == 1 && !memcmp(sb + 32, "sha256", 7) && sb[72] == 0x2c && sb[73] == 1 &&
	      sb[80] == 4 && !memcmp(sb + 88, "\x00\x11\x22\x33", 4));
	CHECK("superblock: round trip", verity_sb_parse(sb, sizeof(sb), &q, &e) == 0 && q.data_blocks == 300 &&
	      q.salt_size == 4 && !memcmp(q.salt, p.salt, 4) && !memcmp(q.uuid, p.uuid, 16) && q.hash_block_size == 4096);

	/* 300 blocks: 3 leaf blocks under one top block, after the superblock's */
	CHECK("geometry: 300 blocks, 2 levels", verity_geometry(&p, &g, &e) == 0 && g.levels == 2 && g.blocks[0] == 3 &&
	      g.blocks[1] == 1 && g.offset[1] == 4096 && g.offset[0] == 8192 && g.file_size == 20480);
	p = params(1);
	CHECK("geometry: 1 block, no level (the block is its own root)",
	      verity_geometry(&p, &g, &e) == 0 && g.levels == 0 && g.file_size == 4096);
	p = params(128);
	CHECK("geometry: 128 blocks, one level of one block", verity_geometry(&p, &g, &e) == 0 && g.levels == 1 &&
	      g.blocks[0] == 1 && g.file_size == 8192);
	p = params(16385);
	CHECK("geometry: 16385 blocks, 3 levels: 129, 2, 1", verity_geometry(&p, &g, &e) == 0 && g.levels == 3 &&
	      g.blocks[0] == 129 && g.blocks[1] == 2 && g.blocks[2] == 1 && g.offset[2] == 4096 && g.offset[1] == 8192 &&
	      g.offset[0] == 16384);
	p = params(0);
	CHECK("geometry: no blocks refused", verity_geometry(&p, &g, &e) == -EINVAL && strstr(e.msg, "empty image"));
	p = params(8);
	p.hash_block_size = 3000;
	CHECK("geometry: a block size not a power of two refused",
	      verity_geometry(&p, &g, &e) == -EINVAL && strstr(e.msg, "powers of two"));

	p = params(300);
	verity_sb_encode(&p, sb);
	CHECK("parse: short", verity_sb_parse(sb, 100, &q, &e) == -EPROTO && strstr(e.msg, "100 bytes, expected 512"));
	sb[0] = 'V';
	CHECK("parse: no signature", verity_sb_parse(sb, sizeof(sb), &q, &e) == -EPROTO && strstr(e.msg, "signature"));
	sb[0] = 'v';
	sb[12] = 0;
	CHECK("parse: hash type 0 (Chrome OS) refused", verity_sb_parse(sb, sizeof(sb), &q, &e) == -EPROTO &&
	      strstr(e.msg, "hash type 0"));
	sb[12] = 1;
	memcpy(sb + 32, "sha1\0\0", 6);
	CHECK("parse: sha1 refused by name", verity_sb_parse(sb, sizeof(sb), &q, &e) == -EPROTO && strstr(e.msg, "\"sha1\""));
	memcpy(sb + 32, "sha256", 6);
	sb[80] = 0x01, sb[81] = 0x02;
	CHECK("parse: salt too long", verity_sb_parse(sb, sizeof(sb), &q, &e) == -EPROTO && strstr(e.msg, "513 bytes"));

	uint8_t root[VERITY_DIGEST];
	char hex[65];
	const char *h = "  3cabce8133bc1a522404563cdefa9a4322ad966bfcf539e5b9522357735c3f3c\n";
	CHECK("root hash: parsed with white space around", verity_root_parse(h, strlen(h), root, &e) == 0 && root[0] == 0x3c);
	verity_root_hex(root, hex);
	CHECK_STR("root hash: hex again", hex, "3cabce8133bc1a522404563cdefa9a4322ad966bfcf539e5b9522357735c3f3c");
	CHECK("root hash: too short", verity_root_parse("abcd", 4, root, &e) == -EINVAL && strstr(e.msg, "4 characters"));
	h = "3cabce8133bc1a522404563cdefa9a4322ad966bfcf539e5b9522357735c3f3g";
	CHECK("root hash: not hex, position named", verity_root_parse(h, strlen(h), root, &e) == -EINVAL &&
	      strstr(e.msg, "character 64"));
	char table[1024], side[64];
	p = params(300);
	dm_verity_table("/dev/loop1", "/dev/loop2", &p, root, table, sizeof(table));
	CHECK_STR("dm table: version 1, devices, block sizes, blocks, hash start 1, sha256, root, salt", table,
		  "1 /dev/loop1 /dev/loop2 4096 4096 300 1 sha256 "
		  "3cabce8133bc1a522404563cdefa9a4322ad966bfcf539e5b9522357735c3f3c 00112233");
	p.salt_size = 0;
	dm_verity_table("/dev/loop1", "/dev/loop2", &p, root, table, sizeof(table));
	CHECK_STR("dm table: no salt is -", strrchr(table, ' '), " -");
	CHECK("dm table: too long refused", dm_verity_table("/dev/loop1", "/dev/loop2", &p, root, table, 40) == -ENAMETOOLONG);
	verity_sidecar("/run/nfs/v4/sysrcd.dat", ".verity", side, sizeof(side));
	CHECK_STR("sidecar: extension replaced", side, "/run/nfs/v4/sysrcd.verity");
	verity_sidecar("/srv/v1.2/image", ".roothash", side, sizeof(side));
	CHECK_STR("sidecar: a dot in a folder name is not an extension", side, "/srv/v1.2/image.roothash");

	uint64_t block = 0;
	char dev[16];
	const char *rec = "3,1042,36001234,-;device-mapper: verity: 43:0: data block 293 is corrupted\n";
	CHECK("kmsg: dm-verity's data block line", verity_kmsg_corrupt(rec, strlen(rec), &block, dev, sizeof(dev)) == 1 &&
	      block == 293 && !strcmp(dev, "43:0"));
	rec = "[   12.5] device-mapper: verity: 7:2: data block 18446744073 is corrupted";
	CHECK("kmsg: a console line, a big block", verity_kmsg_corrupt(rec, strlen(rec), &block, dev, sizeof(dev)) == 1 &&
	      block == 18446744073ull && !strcmp(dev, "7:2"));
	rec = "3,1,1,-;device-mapper: verity: 43:0: metadata block 7 is corrupted";
	CHECK("kmsg: a metadata block is not an image offset", verity_kmsg_corrupt(rec, strlen(rec), &block, dev, sizeof(dev)) == 0);
	rec = "3,1,1,-;device-mapper: verity: 43:0: data block 293";
	CHECK("kmsg: cut short", verity_kmsg_corrupt(rec, strlen(rec), &block, dev, sizeof(dev)) == 0);
	rec = "6,2,2,-;nbd: something else";
	CHECK("kmsg: another line", verity_kmsg_corrupt(rec, strlen(rec), &block, dev, sizeof(dev)) == 0);
	return CHECK_DONE();
}
