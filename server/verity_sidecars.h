/* The dm-verity sidecars netboot serve writes beside each image, as it
 * writes its checksum files: <stem>.verity (veritysetup's tree) and
 * <stem>.roothash, what the agent's `verity` reads (docs/trust.md). */
#ifndef SERVER_VERITY_SIDECARS_H
#define SERVER_VERITY_SIDECARS_H
#include <stdbool.h>
#include <stddef.h>
#include "netboot/errbuf.h"

/* For the image `image` in the folder dir_fd: writes both (through
 * temporary files and renames) when either is missing or older than the
 * image, or always with force.  Returns 1 when written, 0 when up to date
 * or not possible for this image (an image that is not a whole number of
 * 4 KiB blocks: note says so), a negative errno with e set.  note gets one
 * line for the log either way ("" when there is nothing to say). */
int verity_sidecars_write(int dir_fd, const char *image, bool force, char *note, size_t notelen, struct errbuf *e);
#endif
