/* A dm-verity device over an image and its hash tree, set up with the
 * device-mapper ioctls (no libdevmapper in /init): every block the kernel
 * reads from it is checked against the tree, and a block that fails is an
 * I/O error for that read only. */
#ifndef MOUNT_DM_VERITY_H
#define MOUNT_DM_VERITY_H
#include <stddef.h>
#include "fetch/verity.h"
#include "netboot/errbuf.h"

#define DM_VERITY_ROOT_NAME "netboot-root"	/* the root image's device */

/* The dm-verity table line (Documentation/admin-guide/device-mapper/verity.rst):
 * "1 DATA HASH DBS HBS BLOCKS 1 sha256 ROOT SALT", the tree starting one hash
 * block in (after veritysetup's superblock).  -ENAMETOOLONG if out is short. */
int dm_verity_table(const char *data_dev, const char *hash_dev, const struct verity_params *p,
		    const uint8_t root[VERITY_DIGEST], char *out, size_t outlen);
/* Creates the read-only device `name` with that table through
 * /dev/mapper/control, resumes it, and writes "/dev/dm-N" into dev. */
int dm_verity_create(const char *name, const char *data_dev, const char *hash_dev, const struct verity_params *p,
		     const uint8_t root[VERITY_DIGEST], char *dev, size_t devlen, struct errbuf *e);
/* Removes device `name`: 0 when gone (or never there, or no device-mapper
 * at all), -EBUSY while something still holds it. */
int dm_verity_remove(const char *name);
#endif
