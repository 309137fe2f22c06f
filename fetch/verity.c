/* dm-verity's hash file: the superblock codec, the tree's geometry (the same
 * level arithmetic as the kernel's dm-verity and cryptsetup, so the three
 * agree on where every digest lives) and the levels above the leaves. */
#include "fetch/verity.h"
#include "fetch/hash.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

static const uint8_t verity_magic[8] = "verity\0";

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* cryptsetup's struct verity_sb, little-endian, packed */
enum {
	SB_VERSION = 8, SB_HASH_TYPE = 12, SB_UUID = 16, SB_ALGORITHM = 32, SB_DATA_BS = 64,
	SB_HASH_BS = 68, SB_DATA_BLOCKS = 72, SB_SALT_SIZE = 80, SB_SALT = 88,
};

void verity_sb_encode(const struct verity_params *p, uint8_t out[VERITY_SB_SIZE])
{
	memset(out, 0, VERITY_SB_SIZE);
	memcpy(out, verity_magic, sizeof(verity_magic));
	put32(out + SB_VERSION, 1);
	put32(out + SB_HASH_TYPE, 1);
	memcpy(out + SB_UUID, p->uuid, sizeof(p->uuid));
	memcpy(out + SB_ALGORITHM, "sha256", 6);
	put32(out + SB_DATA_BS, p->data_block_size);
	put32(out + SB_HASH_BS, p->hash_block_size);
	put64(out + SB_DATA_BLOCKS, p->data_blocks);
	out[SB_SALT_SIZE] = (uint8_t)p->salt_size;
	out[SB_SALT_SIZE + 1] = (uint8_t)(p->salt_size >> 8);
	memcpy(out + SB_SALT, p->salt, p->salt_size);
}

static bool block_size_ok(uint32_t bs)
{
	return bs >= 512 && bs <= 65536 && (bs & (bs - 1)) == 0;
}

int verity_sb_parse(const uint8_t *buf, size_t len, struct verity_params *p, struct errbuf *e)
{
	if (len < VERITY_SB_SIZE)
		return nb_fail(e, -EPROTO, "verity superblock: %zu bytes, expected %d", len, VERITY_SB_SIZE);
	if (memcmp(buf, verity_magic, sizeof(verity_magic)) != 0)
		return nb_fail(e, -EPROTO, "verity superblock: no \"verity\" signature at its start (not a veritysetup hash file)");
	uint32_t version = get32(buf + SB_VERSION), type = get32(buf + SB_HASH_TYPE);
	if (version != 1 || type != 1)
		return nb_fail(e, -EPROTO, "verity superblock: version %u, hash type %u; expected 1 and 1 (veritysetup's default)",
			       version, type);
	char algo[33];
	nb_sanitize(algo, sizeof(algo), (const char *)buf + SB_ALGORITHM, strnlen((const char *)buf + SB_ALGORITHM, 32));
	if (strcmp(algo, "sha256") != 0)
		return nb_fail(e, -EPROTO, "verity superblock: hash algorithm \"%s\"; only sha256 is accepted", algo);
	memset(p, 0, sizeof(*p));
	memcpy(p->uuid, buf + SB_UUID, sizeof(p->uuid));
	p->data_block_size = get32(buf + SB_DATA_BS);
	p->hash_block_size = get32(buf + SB_HASH_BS);
	p->data_blocks = get64(buf + SB_DATA_BLOCKS);
	p->salt_size = (uint16_t)(buf[SB_SALT_SIZE] | buf[SB_SALT_SIZE + 1] << 8);
	if (!block_size_ok(p->data_block_size) || !block_size_ok(p->hash_block_size))
		return nb_fail(e, -EPROTO, "verity superblock: block sizes %u and %u; expected powers of two from 512 to 65536",
			       p->data_block_size, p->hash_block_size);
	if (p->salt_size > VERITY_MAX_SALT)
		return nb_fail(e, -EPROTO, "verity superblock: salt of %u bytes; at most %d", p->salt_size, VERITY_MAX_SALT);
	memcpy(p->salt, buf + SB_SALT, p->salt_size);
	return 0;
}

static int log2_of(uint32_t v)
{
	int n = 0;
	while (v > 1) {
		v >>= 1;
		n++;
	}
	return n;
}

int verity_geometry(const struct verity_params *p, struct verity_geometry *g, struct errbuf *e)
{
	memset(g, 0, sizeof(*g));
	if (!block_size_ok(p->data_block_size) || !block_size_ok(p->hash_block_size))
		return nb_fail(e, -EINVAL, "verity: block sizes %u and %u; expected powers of two from 512 to 65536",
			       p->data_block_size, p->hash_block_size);
	if (p->data_blocks == 0)
		return nb_fail(e, -EINVAL, "verity: an empty image has no tree");
	/* bounded so no offset below can overflow */
	if (p->data_blocks > VERITY_MAX_BYTES / p->data_block_size)
		return nb_fail(e, -EINVAL, "verity: %llu blocks of %u bytes: beyond the %llu-byte limit",
			       (unsigned long long)p->data_blocks, p->data_block_size, (unsigned long long)VERITY_MAX_BYTES);
	int bits = log2_of(p->hash_block_size / VERITY_DIGEST);
	/* levels until one block covers all: the kernel's own loop, so a
	 * single data block has no level at all and is its own root */
	while (bits * g->levels < 64 && (p->data_blocks - 1) >> (bits * g->levels))
		g->levels++;
	if (g->levels > VERITY_MAX_LEVELS)
		return nb_fail(e, -EINVAL, "verity: %d levels, at most %d", g->levels, VERITY_MAX_LEVELS);
	uint64_t at = p->hash_block_size;	/* the superblock's block */
	for (int i = g->levels - 1; i >= 0; i--) {
		int shift = bits * (i + 1);
		g->blocks[i] = shift >= 64 ? 1 : ((p->data_blocks - 1) >> shift) + 1;
		g->offset[i] = at;
		at += g->blocks[i] * p->hash_block_size;
	}
	g->file_size = at;
	return 0;
}

void verity_salted(const struct verity_params *p, struct hash_ctx *salted)
{
	hash_init(salted, HASH_SHA256);
	hash_update(salted, p->salt, p->salt_size);
}

void verity_digest_from(const struct hash_ctx *salted, const uint8_t *data, size_t len, uint8_t out[VERITY_DIGEST])
{
	struct hash_ctx h = *salted;
	uint8_t d[HASH_MAX_DIGEST];
	hash_update(&h, data, len);
	hash_final(&h, d);
	memcpy(out, d, VERITY_DIGEST);
}

void verity_digest(const struct verity_params *p, const uint8_t *data, size_t len, uint8_t out[VERITY_DIGEST])
{
	struct hash_ctx salted;
	verity_salted(p, &salted);
	verity_digest_from(&salted, data, len, out);
}

/* Where the digest of entry k of a level goes, from the level's start. */
static uint64_t entry_at(const struct verity_params *p, uint64_t k)
{
	uint64_t per = p->hash_block_size / VERITY_DIGEST;
	return k / per * p->hash_block_size + k % per * VERITY_DIGEST;
}

void verity_build_upper(const struct verity_params *p, const struct verity_geometry *g, uint8_t *tree,
			uint8_t root[VERITY_DIGEST])
{
	uint64_t base = g->levels ? g->offset[g->levels - 1] : 0;
	struct hash_ctx salted;
	verity_salted(p, &salted);
	for (int i = 1; i < g->levels; i++) {
		const uint8_t *below = tree + (g->offset[i - 1] - base);
		uint8_t *level = tree + (g->offset[i] - base);
		for (uint64_t b = 0; b < g->blocks[i - 1]; b++)
			verity_digest_from(&salted, below + b * p->hash_block_size, p->hash_block_size, level + entry_at(p, b));
	}
	if (g->levels)
		verity_digest(p, tree + (g->offset[g->levels - 1] - base), p->hash_block_size, root);
}

void verity_root_hex(const uint8_t root[VERITY_DIGEST], char out[2 * VERITY_DIGEST + 1])
{
	hash_hex(root, VERITY_DIGEST, out);
}

static int hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int verity_root_parse(const char *s, size_t len, uint8_t root[VERITY_DIGEST], struct errbuf *e)
{
	while (len && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
		s++, len--;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	if (len != 2 * VERITY_DIGEST) {
		char shown[80];
		nb_sanitize(shown, sizeof(shown), s, len < 70 ? len : 70);
		return nb_fail(e, -EINVAL, "verity root hash '%s': %zu characters, expected 64 hex digits (SHA-256)",
			       shown, len);
	}
	for (size_t i = 0; i < VERITY_DIGEST; i++) {
		int hi = hex_nibble(s[2 * i]), lo = hex_nibble(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return nb_fail(e, -EINVAL, "verity root hash: character %zu is not a hex digit", hi < 0 ? 2 * i + 1 : 2 * i + 2);
		root[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int verity_sidecar(const char *image, const char *ext, char *out, size_t outlen)
{
	const char *slash = strrchr(image, '/'), *dot = strrchr(image, '.');
	size_t stem = dot && (!slash || dot > slash + 1) ? (size_t)(dot - image) : strlen(image);
	int n = snprintf(out, outlen, "%.*s%s", (int)stem, image, ext);
	return n > 0 && (size_t)n < outlen ? 0 : -ENAMETOOLONG;
}

int verity_kmsg_corrupt(const char *rec, size_t len, uint64_t *block, char *dev, size_t cap)
{
	static const char tag[] = "device-mapper: verity: ", what[] = ": data block ", end[] = " is corrupted";
	const char *p = NULL;
	for (size_t i = 0; i + sizeof(tag) - 1 <= len; i++)
		if (!memcmp(rec + i, tag, sizeof(tag) - 1)) {
			p = rec + i + sizeof(tag) - 1;
			break;
		}
	if (!p)
		return 0;
	const char *stop = rec + len, *d = p;
	while (p < stop && *p != ':' && *p != ' ' && *p != '\n')	/* "43:0": digits and one colon */
		p++;
	if (p < stop && *p == ':')
		for (p++; p < stop && *p >= '0' && *p <= '9'; p++)
			;
	size_t dlen = (size_t)(p - d);
	if ((size_t)(stop - p) < sizeof(what) - 1 || memcmp(p, what, sizeof(what) - 1))
		return 0;
	p += sizeof(what) - 1;
	uint64_t n = 0;
	const char *digits = p;
	for (; p < stop && *p >= '0' && *p <= '9' && p - digits < 19; p++)
		n = n * 10 + (uint64_t)(*p - '0');
	if (p == digits || (size_t)(stop - p) < sizeof(end) - 1 || memcmp(p, end, sizeof(end) - 1))
		return 0;
	if (cap) {
		size_t k = dlen < cap - 1 ? dlen : cap - 1;
		memcpy(dev, d, k);
		dev[k] = '\0';
	}
	*block = n;
	return 1;
}
