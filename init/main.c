/* /init: the netboot agent, PID 1 of the initramfs.  It reads as the list
 * of stages; any failure goes to rescue(), which names the stage and the
 * cause and offers a shell.  PID 1 never exits. */
#include <string.h>
#include <unistd.h>
#include "init/boot.h"
#include "fetch/progress.h"
#include "mount/nbd_supervisor.h"

#define STAGE(name, call) do { \
	if ((call) < 0) \
		rescue(&b, name); \
	timeline_mark(&b.timeline, name, monotonic_ns()); \
} while (0)

int main(int argc, char **argv)
{
	static struct boot b;	/* static: keeps the large config off PID 1's stack */

	if (argc > 0 && argv[0][0] == '@')	/* stage 3 re-ran us as the NBD supervisor */
		return nbd_supervisor_main(argc, argv);
	if (argc > 0 && !strcmp(argv[0], "/shutdown"))	/* systemd-shutdown handed back to us */
		shutdown_main(argc, argv);
	if (getpid() != 1 && argc == 3 && !strcmp(argv[1], NBD_SHUTDOWN_VERB))	/* the booted system's unit */
		return nbd_supervisor_shutting_down(argv[2]) < 0;

	b.t0_ns = monotonic_ns();
	timeline_start(&b.timeline, b.t0_ns);
	STAGE("mounts", early_mounts(&b));		/* /dev /proc /sys /run */
	STAGE("cmdline", read_cmdline(&b));		/* /proc/cmdline -> b.cfg */
	STAGE("keymap", load_keymap(&b));		/* setkmap=: before anything waits for a key */
	STAGE("modules", load_modules(&b));		/* NIC driver, loop, squashfs */
	STAGE("network", bring_up_network(&b));		/* DHCP or static, resolv.conf, handover */
	STAGE("stage3", fetch_root_image(&b));		/* HTTP/TFTP into tmpfs, verified; NBD/NFS attached (docache: copied) */
	STAGE("mount", mount_root_image(&b));		/* loop + squashfs + overlay */
	STAGE("switch_root", enter_root(&b));		/* exec the image's init */
	rescue(&b, "switch_root");
}
