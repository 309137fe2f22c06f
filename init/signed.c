/* Signed images in /init: the keys `make initramfs PUBKEY=...` built in, and
 * what the booted system learns about the signature.  With a key inside,
 * nothing unsigned is mounted: no kernel argument can turn that off, since
 * the command line comes over the same network as the image. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "init/boot.h"
#include "netboot/netup.h"

int load_signing_keys(struct boot *b)
{
	char ids[SIG_KEYS_MAX * 18 + 1];
	/* a key that does not parse stops the boot: skipping it would boot unsigned images */
	int rc = sig_keys_load_dir(&b->keys, SIG_KEY_DIR, &b->err);

	if (rc < 0)
		return rc;
	if (b->keys.n) {
		sig_keys_list(&b->keys, ids, sizeof(ids));
		say("stage3", "%d signing key%s built in (%s): only an image with a good minisign signature is booted",
		    b->keys.n, b->keys.n > 1 ? "s" : "", ids);
	}
	return 0;
}

static void write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t len = strlen(text);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len)
		say("stage3", "%s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
}

void signature_verified(const char *image, const char *source, const char *keyid, const char *comment)
{
	char text[3 * 1500], s_image[256], s_source[1400];

	say("stage3", "%s: minisign signature good, key %s, trusted comment: %s", image, keyid, comment);
	/* only net_shell_safe's bytes reach the KEY=value file, as in the
	 * network handover (docs/handover.md): it stays safe to source */
	net_shell_safe(s_image, sizeof(s_image), image);
	net_shell_safe(s_source, sizeof(s_source), source);
	snprintf(text, sizeof(text), "# netboot image signature, see docs/handover.md\nIMAGE=%s\nSIGNATURE=%s\nKEYID=%s\n",
		 s_image, s_source, keyid);
	write_text(RUN_DIR "/signature", text);
	snprintf(text, sizeof(text), "%s\n", comment);	/* printable ASCII, verified: as signed */
	write_text(RUN_DIR "/trusted-comment", text);
}
