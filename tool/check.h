/* netboot check: the steps of a PXE boot seen from a client, one file per
 * group (check_dhcp.c, check_boot.c, check_stage3.c), run in order by
 * tool/cmd_check.c.  Each step reads what the steps before it learned from
 * struct check_ctx and adds its own. */
#ifndef TOOL_CHECK_H
#define TOOL_CHECK_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "cmdline/cmdline.h"
#include "netboot/errbuf.h"
#include "netboot/pxecfg.h"
#include "fetch/sigverify.h"

#define CHECK_CFG_MAX (64 * 1024)	/* a pxelinux config larger than this is not one */

struct check_ctx {
	/* what the user asked */
	const char *ifname;
	bool mac_given;
	uint8_t mac[6];
	uint16_t arch;		/* RFC 4578: 0 BIOS, 7 UEFI x64 */
	bool full;
	int timeout_ms;		/* listening after the first offer; each transfer's no-answer limit */
	FILE *out;		/* step lines and notes */
	struct sig_keys keys;	/* --pubkey: check as an initramfs with these keys */

	/* step 1 */
	uint32_t offered;	/* the address offered (network order) */
	uint32_t next_server;
	char bootfile[128];
	/* step 3 */
	bool pxelinux;		/* the loader reads pxelinux.cfg/ */
	char cfg_name[PXECFG_NAME_MAX];
	struct pxecfg_entry entry;
	/* step 4 */
	struct boot_config boot;
};

/* A step: 0 with `what` saying what holds, 1 when it does not apply (what
 * says why), or a negative errno with `what` naming the cause and the fix. */
typedef int check_step_fn(struct check_ctx *c, struct errbuf *what);

check_step_fn check_dhcp;	/* tool/check_dhcp.c */
check_step_fn check_loader, check_config, check_append;	/* tool/check_boot.c */
check_step_fn check_stage3, check_checksum, check_image;	/* tool/check_stage3.c */
check_step_fn check_signature;	/* tool/check_sig.c */
/* NFS export probe: libnfs when the host has it, else TCP port 2049. */
int check_nfs(const struct check_ctx *c, const struct url *u, const char *image, struct errbuf *what);

/* nb_fail whose arguments may quote what->msg itself (the cause below). */
int check_fail(struct errbuf *what, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A line under the current step ("check:   ..."). */
void check_note(const struct check_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "12.3 MB/s" for bytes in seconds. */
const char *check_rate(uint64_t bytes, double seconds, char buf[32]);
#endif
