/* dm-verity hash trees in the on-disk format of `veritysetup format`
 * (cryptsetup's "verity" superblock, hash type 1, SHA-256): the layout the
 * kernel's dm-verity target reads, so an image with its tree can be checked
 * block by block as it is read.
 *
 * The hash file is: a 512-byte superblock padded to one hash block, then the
 * tree's levels from the top (one block, whose digest is the root hash) down
 * to level 0 (one digest per data block).  Each digest is
 * SHA-256(salt || block); each hash block holds hash_block_size / 32
 * digests, zero-padded. */
#ifndef FETCH_VERITY_H
#define FETCH_VERITY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "netboot/errbuf.h"

#define VERITY_SB_SIZE 512
#define VERITY_DIGEST 32		/* SHA-256, the only algorithm accepted */
#define VERITY_MAX_SALT 256
#define VERITY_MAX_BYTES (1ull << 50)	/* 1 PiB of image */
#define VERITY_MAX_LEVELS 16		/* 4 KiB blocks: 2^(12+7*16) bytes, beyond any image */

struct verity_params {
	uint8_t uuid[16];
	uint32_t data_block_size, hash_block_size;
	uint64_t data_blocks;
	uint8_t salt[VERITY_MAX_SALT];
	uint16_t salt_size;
};

/* Where each level lives in the hash file, level 0 (the leaves) first in
 * the array; offsets count from the start of the file, superblock included. */
struct verity_geometry {
	int levels;
	uint64_t blocks[VERITY_MAX_LEVELS];	/* hash blocks in the level */
	uint64_t offset[VERITY_MAX_LEVELS];	/* byte offset of the level */
	uint64_t file_size;			/* the whole hash file */
};

/* The superblock's 512 bytes for p. */
void verity_sb_encode(const struct verity_params *p, uint8_t out[VERITY_SB_SIZE]);
/* Reads a superblock: 0, or -EINVAL/-EPROTO naming what is wrong (not a
 * verity superblock, a version, hash type or algorithm other than 1/1/sha256,
 * block sizes that are not powers of two from 512 to 64 KiB, a salt too long). */
int verity_sb_parse(const uint8_t *buf, size_t len, struct verity_params *p, struct errbuf *e);
/* The levels of a tree over p's data blocks; -EINVAL if the sizes are bad. */
int verity_geometry(const struct verity_params *p, struct verity_geometry *g, struct errbuf *e);
/* SHA-256(salt || data[0..len)) */
void verity_digest(const struct verity_params *p, const uint8_t *data, size_t len, uint8_t out[VERITY_DIGEST]);
/* The same from a context that has hashed the salt already (verity_salted):
 * a tree hashes millions of blocks, each with the same salt in front. */
struct hash_ctx;
void verity_salted(const struct verity_params *p, struct hash_ctx *salted);
void verity_digest_from(const struct hash_ctx *salted, const uint8_t *data, size_t len, uint8_t out[VERITY_DIGEST]);
/* Fills the levels above 0 and the root hash: `tree` is the hash area (the
 * file from offset g->offset[top], i.e. file_size - hash_block_size bytes,
 * laid out as on disk) with level 0 already written at its place. */
void verity_build_upper(const struct verity_params *p, const struct verity_geometry *g, uint8_t *tree,
			uint8_t root[VERITY_DIGEST]);
/* Lower-case hex root hash "…" (65 bytes) from its digest. */
void verity_root_hex(const uint8_t root[VERITY_DIGEST], char out[2 * VERITY_DIGEST + 1]);
/* Parses a hex root hash (a sysrcd.roothash file's content or a
 * checksum=verity:<hex> value, surrounding white space allowed). */
int verity_root_parse(const char *s, size_t len, uint8_t root[VERITY_DIGEST], struct errbuf *e);

/* A sidecar's path: image's path with its extension replaced by ext, in
 * systemd's naming: ("/srv/sysrcd.dat", ".verity") -> "/srv/sysrcd.verity".
 * -ENAMETOOLONG if out is short. */
/* One record of /dev/kmsg ("6,123,456,-;text\n") or a kernel log line:
 * 1 if it is dm-verity's "device-mapper: verity: DEV: data block N is
 * corrupted", with *block = N and DEV (the data device, "43:0") copied into
 * dev (NUL-terminated, truncated to cap); 0 for any other line. */
int verity_kmsg_corrupt(const char *rec, size_t len, uint64_t *block, char *dev, size_t cap);
int verity_sidecar(const char *image, const char *ext, char *out, size_t outlen);

/* Builds the whole hash file for the image open at data_fd (its size a
 * multiple of p->data_block_size, p->data_blocks set from it) into hash_fd,
 * hashing level 0 on `threads` threads (0: one per online CPU).  Returns 0
 * and the root, or a negative errno with the cause in e. */
int verity_build_file(int data_fd, int hash_fd, struct verity_params *p, int threads,
		      uint8_t root[VERITY_DIGEST], struct errbuf *e);
#endif
