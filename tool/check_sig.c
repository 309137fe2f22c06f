/* Step 8 of netboot check: the minisign signature beside the image, as an
 * initramfs built with PUBKEY= needs it.  With --pubkey it is fetched and
 * checked as /init checks it before the download (key id, algorithm,
 * trusted comment); without, the step says whether one is there.  Step 8,
 * after the image, so the exit codes of steps 1-7 stay as they were; with
 * --full and --pubkey step 7 already verifies the whole signed image. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "fetch/fetch.h"
#include "tool/check.h"

int check_signature(struct check_ctx *c, struct errbuf *what)
{
	const struct url *img = &c->boot.urls[0];
	const char *image = url_base_name(img->path);
	struct transport_opts o = { .timeout_ms = c->timeout_ms, .max_tries = 1, .proxy = c->boot.proxy };
	char shown[URL_TEXT_MAX], id[2 * MINISIG_KEYID_LEN + 1];
	char comment[MINISIG_COMMENT_MAX + 1];
	struct minisig sig;
	int rc;

	if (c->boot.source == SOURCE_NBD)
		return c->keys.n ? check_fail(what, -ENOTSUP, "NBD: an initramfs with a key refuses NBD (it cannot be verified); "
					      "serve the image over HTTP, TFTP or NFS")
				 : check_fail(what, 1, "NBD: no signature is used");
	if (c->boot.source == SOURCE_NFS)
		return check_fail(what, 1, "NFS: the agent reads %s" SIG_SUFFIX " from the export; not fetched here", image);
	rc = signature_get(img, &o, &sig, shown, sizeof(shown), what);
	if (rc == -ENOENT)
		return c->keys.n ? check_fail(what, rc, "%s: not found: an initramfs with a key refuses the image; sign it: "
					      "minisign -S -s KEY -m %s", shown, image)
				 : check_fail(what, 1, "no --pubkey given; %s not there (needed only by an initramfs built with PUBKEY=)",
					      shown);
	if (rc < 0)
		return rc;
	minisig_keyid_hex(sig.keyid, id);
	sig_comment(&sig, comment, sizeof(comment));
	if (!c->keys.n)
		return check_fail(what, 1, "no --pubkey given; %s is there, by key %s, trusted comment: %.200s", shown, id, comment);
	if ((rc = sig_check_header(&c->keys, &sig, shown, what)) < 0)
		return rc;
	return check_fail(what, 0, "%s: key %s, trusted comment: %.200s%s", shown, id, comment,
			  c->full ? "" : " (--full checks it covers the image)");
}
