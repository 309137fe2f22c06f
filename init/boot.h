/* The state /init carries from stage to stage (a single-threaded PID 1, so
 * one instance lives in main()), and the stage functions in the order main()
 * calls them.  Each returns 0 or a negative errno with b->err set. */
#ifndef INIT_BOOT_H
#define INIT_BOOT_H
#include <stdbool.h>
#include <stdint.h>
#include "cmdline/cmdline.h"
#include "netboot/errbuf.h"
#include "init/timeline.h"
#include "fetch/sigverify.h"

#define RUN_DIR "/run/netboot"			/* handover files for the booted system */
/* Stage 3's mounts live under /run/initramfs: systemd leaves mounts there
 * alone until it hands back to /run/initramfs/shutdown (init/shutdown.c);
 * RUN_DIR has a symlink to each under its old name. */
#define MOUNT_DIR "/run/initramfs/netboot"
#define IMAGE_DIR MOUNT_DIR "/image"		/* tmpfs sized to the image */
#define LOWER_DIR MOUNT_DIR "/lower"		/* the squashfs, read-only */
#define RW_DIR MOUNT_DIR "/rw"			/* overlay upper layer */
#define NFS_DIR MOUNT_DIR "/nfs"		/* nfs:// sources */
#define NEWROOT "/newroot"

struct boot {
	struct boot_config cfg;
	char kernel_release[65];
	uint32_t boot_server;	/* next-server, else the DHCP server: archiso's ${pxeserver} */
	char image_path[256];	/* the root image as a file (tmpfs copy or NFS) */
	char image_dev[64];	/* the block device holding it (loop or nbd) */
	uint64_t t0_ns;
	struct sig_keys keys;	/* built into the initramfs: then only signed images boot */
	struct timeline timeline;	/* stage durations, printed before switch_root */
	struct errbuf err;
};

int early_mounts(struct boot *b);		/* init/early.c */
int read_cmdline(struct boot *b);		/* init/early.c */
int load_keymap(struct boot *b);		/* init/keymap.c: never fails */
int load_modules(struct boot *b);		/* init/modules.c */
int bring_up_network(struct boot *b);		/* init/network.c */
int fetch_root_image(struct boot *b);		/* init/stage3.c */
int mount_root_image(struct boot *b);
int stream_root(struct boot *b);			/* init/stream.c: `stream` */
/* init/stage3.c, for stream.c: the tmpfs sized to the image (RAM checked)
 * with b->image_path opened for writing, and its undoing; the supervisor's
 * mirrors from URL `first` on (export: NBD's name, NULL for HTTP); the nbd
 * device on a socketpair served by the supervisor (w's descriptors are
 * handed over), b->image_dev set. */
int image_tmpfs_open(struct boot *b, uint64_t size, struct errbuf *e);
void image_tmpfs_drop(struct boot *b);
struct nbd_watch;
int supervisor_mirrors(struct boot *b, struct nbd_watch *w, int first, const char *export);
int attach_served(struct boot *b, struct nbd_watch *w);		/* init/stage3.c */
int enter_root(struct boot *b);			/* init/stage3.c: returns only on failure */
/* init/verity.c: image (a file, or the NBD device) behind dm-verity with the
 * tree at tree_path (copied to VERITY_TREE_COPY unless it is that file;
 * tree_name: what messages call it) and
 * the root from checksum=verity: or roothash_path (signed when keys are
 * built in); sets b->image_dev to the dm device. */
#define VERITY_TREE_COPY MOUNT_DIR "/verity-tree"
int verity_attach(struct boot *b, const char *image, const char *tree_path, const char *tree_name,
		  const char *roothash_path, const char *shown);

/* init/shutdown.c: /run/initramfs/shutdown, a copy of /init that systemd
 * runs at power-off (its initrd interface) to release stage 3's mounts and
 * devices; shutdown_main is /init run under that name. */
int shutdown_prepare(struct boot *b);
/* With an NBD root: systemd units that tell the supervisor the system is
 * shutting down and how, by running "/run/initramfs/shutdown nbd-shutdown VERB". */
#define NBD_SHUTDOWN_VERB "nbd-shutdown"
int shutdown_nbd_units(struct boot *b);
int shutdown_main(int argc, char **argv) __attribute__((noreturn));

/* init/signed.c: the keys in SIG_KEY_DIR (a bad one stops the boot), and
 * the console line and handover files of a verified signature. */
int load_signing_keys(struct boot *b);
void signature_verified(const char *image, const char *source, const char *keyid, const char *comment);

/* Console output: "netboot: <stage>: <text>" (init/log.c). */
void say(const char *stage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
double seconds_since(uint64_t t0_ns);
/* Prints the cause and runs a rescue shell; never returns (init/rescue.c). */
void rescue(struct boot *b, const char *stage) __attribute__((noreturn));
/* Runs a shell on the console and returns when it exits; false if there
 * is no shell (init/rescue.c). */
bool run_shell(const char *banner);
#endif
