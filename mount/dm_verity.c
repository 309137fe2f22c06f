/* dm-verity through /dev/mapper/control: DM_DEV_CREATE, DM_TABLE_LOAD with
 * one "verity" target, DM_DEV_SUSPEND (which, without the suspend flag,
 * resumes: the table goes live). */
#include "mount/dm_verity.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/dm-ioctl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <unistd.h>

int dm_verity_table(const char *data_dev, const char *hash_dev, const struct verity_params *p,
		    const uint8_t root[VERITY_DIGEST], char *out, size_t outlen)
{
	char root_hex[2 * VERITY_DIGEST + 1], salt_hex[2 * VERITY_MAX_SALT + 1] = "-";
	verity_root_hex(root, root_hex);
	for (size_t i = 0; i < p->salt_size; i++)
		snprintf(salt_hex + 2 * i, 3, "%02x", p->salt[i]);
	int n = snprintf(out, outlen, "1 %s %s %u %u %llu 1 sha256 %s %s", data_dev, hash_dev, p->data_block_size,
			 p->hash_block_size, (unsigned long long)p->data_blocks, root_hex, salt_hex);
	return n > 0 && (size_t)n < outlen ? 0 : -ENAMETOOLONG;
}

/* One ioctl buffer: the header, then (for a table) one target spec and its
 * parameter string. */
struct dm_request {
	struct dm_ioctl io;
	struct dm_target_spec spec;
	char params[1024];
};

static void request_init(struct dm_request *r, const char *name, uint32_t flags)
{
	memset(r, 0, sizeof(*r));
	r->io.version[0] = DM_VERSION_MAJOR;	/* 4: the minor and patch we need are 0 */
	r->io.data_size = sizeof(*r);
	r->io.data_start = sizeof(r->io);
	r->io.flags = flags;
	snprintf(r->io.name, sizeof(r->io.name), "%s", name);
}

static int dm_remove(int ctl, const char *name)
{
	struct dm_request r;
	request_init(&r, name, 0);
	return ioctl(ctl, DM_DEV_REMOVE, &r.io);
}

int dm_verity_remove(const char *name)
{
	int ctl = open("/dev/mapper/control", O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		return 0;
	int rc = dm_remove(ctl, name) == 0 || errno == ENXIO ? 0 : -errno;
	close(ctl);
	return rc;
}

int dm_verity_create(const char *name, const char *data_dev, const char *hash_dev, const struct verity_params *p,
		     const uint8_t root[VERITY_DIGEST], char *dev, size_t devlen, struct errbuf *e)
{
	struct dm_request r;
	int ctl = open("/dev/mapper/control", O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		return nb_fail(e, -errno, "dm-verity: /dev/mapper/control: %s (is dm-mod loaded?)", strerror(errno));
	request_init(&r, name, DM_READONLY_FLAG);
	if (ioctl(ctl, DM_DEV_CREATE, &r.io) < 0) {
		int err = errno;
		close(ctl);
		return nb_fail(e, -err, "dm-verity: creating %s: %s", name, strerror(err));
	}
	unsigned minor_nr = minor((dev_t)r.io.dev);

	request_init(&r, name, DM_READONLY_FLAG);
	r.io.target_count = 1;
	r.spec.sector_start = 0;
	r.spec.length = p->data_blocks * (p->data_block_size / 512);
	snprintf(r.spec.target_type, sizeof(r.spec.target_type), "verity");
	if (dm_verity_table(data_dev, hash_dev, p, root, r.params, sizeof(r.params)) < 0) {
		dm_remove(ctl, name);
		close(ctl);
		return nb_fail(e, -ENAMETOOLONG, "dm-verity: the table for %s does not fit", name);
	}
	int rc = 0;
	const char *step = "loading the verity table";
	if (ioctl(ctl, DM_TABLE_LOAD, &r.io) < 0)
		rc = -errno;
	if (rc == 0) {
		step = "resuming";
		request_init(&r, name, 0);
		if (ioctl(ctl, DM_DEV_SUSPEND, &r.io) < 0)
			rc = -errno;
	}
	if (rc < 0) {
		dm_remove(ctl, name);
		close(ctl);
		return nb_fail(e, rc, "dm-verity: %s of %s over %s: %s (the kernel's log says why: is dm-verity loaded?)",
			       step, name, data_dev, strerror(-rc));
	}
	close(ctl);
	snprintf(dev, devlen, "/dev/dm-%u", minor_nr);
	return 0;
}
