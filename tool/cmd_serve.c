/* netboot serve: the PXE boot server (server/). */
#include <stdio.h>
#include <string.h>
#include "server/server.h"
#include "tool/tool.h"

static void warn_line(void *ctx, const char *msg)
{
	srv_line(ctx, LOG_PRIO_WARNING, "netboot serve: warning: %s", msg);
}

static const char usage_text[] =
	"usage: netboot serve --boot-dir DIR [--config FILE] [--interface IF] [--leases FILE] [options]\n"
	"  --config FILE         SystemRescueCd's /etc/conf.d/pxebootsrv (flags win over it)\n"
	"  --proxy-dhcp          boot information only, beside the LAN's DHCP server (the default)\n"
	"  --dhcp                be the DHCP server (needs a range)   --no-dhcp  no DHCP at all\n"
	"  --dhcp-range A B      hand out A..B (implies --dhcp)       --lease-time SECS\n"
	"  --listen IP           TFTP, HTTP, NBD on this address only; DHCP on its interface\n"
	"  --local-ip IP --subnet IP --netmask MASK --router IP --dns IP (repeatable)\n"
	"  --tftp-server IP      next-server handed out (default: --local-ip)\n"
	"  --stage3 http|tftp|nbd|nfs   what the default boot entry uses (default http)\n"
	"  --http-url URL --nfs-url nfs://host:/dir   stage-3 sources served elsewhere\n"
	"  --mirrors CIDR URL[,URL...]   clients in CIDR boot from these mirrors (repeatable)\n"
	"  --status-allow CIDR   who may read /, /status.json, /metrics (repeatable;\n"
	"                        default loopback, the served subnet and the local address's)\n"
	"  --timeout SECS --extra 'ARGS'              boot menu wait, extra kernel arguments\n"
	"  --kernel NAME --initrd NAME --image NAME   file names in DIR (and in DIR/images/NAME/)\n"
	"  --default-image NAME  boot DIR/images/NAME by default (else DIR's own image)\n"
	"  --hosts FILE          per host: MAC [address] [name] [image=NAME] [args=\"...\"] a line\n"
	"                        (default /etc/netboot/hosts if it exists; --no-hosts: none)\n"
	"  --dhcp-port N --proxy-port N --tftp-port N --http-port N --nbd-port N (--nbd-port enables NBD)\n"
	"  --no-tftp --no-http --no-nbd   --user NAME (drop root after binding)\n"
	"  --ipxe                chain plain PXE ROMs to iPXE (kernel and initramfs over HTTP)\n"
	"  --no-ipxe             pxelinux for every client, iPXE and UEFI HTTP boot clients too\n"
	"  --print-config        print the effective settings and exit\n"
	"SIGHUP reloads the config file and rescans the boot folder; transfers in flight go on.\n";

int cmd_serve(int argc, char **argv)
{
	struct serve_config cfg;
	struct errbuf e = { "" };
	bool print_only;
	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(usage_text, stdout);
		return 0;
	}
	serve_config_defaults(&cfg);
	int rc;
	if (serve_config_from_args(argc - 1, argv + 1, &cfg, &print_only, warn_line, stderr, &e) < 0) {
		srv_line(stderr, LOG_PRIO_ERR, "netboot serve: %s", e.msg);
		rc = 2;
	} else if (server_preflight(&cfg, print_only ? NULL : stdout, &e) < 0 ||
		   serve_config_check_hosts(&cfg, warn_line, stderr, &e) < 0) {
		/* checked before --print-config prints, so what it prints will run */
		srv_line(stderr, LOG_PRIO_ERR, "netboot serve: %s", e.msg);
		rc = 2;
	} else if (print_only) {
		serve_config_print(&cfg, stdout);
		boot_images_print(&cfg, stdout);
		rc = 0;
	} else {
		/* the log on standard output; errors that stop the server on standard error */
		rc = server_run(&cfg, argc - 1, argv + 1, stdout);
	}
	hosts_free(&cfg.hosts);	/* the server's copy of cfg shares it */
	return rc;
}
