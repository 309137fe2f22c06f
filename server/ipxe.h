/* iPXE and UEFI HTTP boot: what a DHCP client is told to boot, and the
 * iPXE script served as boot.ipxe.
 *   - iPXE (option 77 user class "iPXE", or option 175 present): the URL
 *     of boot.ipxe, which loads the kernel and initramfs over HTTP with the
 *     pxelinux menu's append line (BOOTIF from ${netX/mac});
 *   - UEFI HTTP Boot (option 60 "HTTPClient..."): option 60 "HTTPClient"
 *     echoed and the URL of iPXE (snponly.efi), which then DHCPs as iPXE;
 *   - plain PXE ROMs: pxelinux/syslinux.efi as before, or with --ipxe
 *     (PXEBOOTSRV_IPXE=yes) iPXE itself (undionly.kpxe, snponly.efi).
 * Pure functions over their inputs: no sockets, no files, no globals. */
#ifndef SERVER_IPXE_H
#define SERVER_IPXE_H
#include <stddef.h>
#include <stdint.h>
#include "netboot/dhcp_wire.h"
#include "server/config.h"
#include "server/entries.h"

#define IPXE_SCRIPT_NAME "boot.ipxe"
#define IPXE_BIOS_LOADER "undionly.kpxe"	/* Debian's ipxe: iPXE over the ROM's UNDI */
#define IPXE_EFI_LOADER "snponly.efi"		/* iPXE over the firmware's own NIC driver (SNP) */
#define HTTP_VENDOR_CLASS "HTTPClient"

enum boot_client { BOOT_CLIENT_OTHER, BOOT_CLIENT_PXE, BOOT_CLIENT_IPXE, BOOT_CLIENT_HTTP };

/* What goes into a reply's file field (and option 67), and option 60. */
struct boot_offer {
	enum boot_client kind;
	char file[128];			/* "" = nothing to boot for this client */
	const char *vendor_class;	/* option 60 to send, or NULL */
	const char *how;		/* for the log: "pxelinux", "iPXE script", ... */
};

/* "boot-01-aa-bb-cc-dd-ee-ff.ipxe": the script of a known host with an
 * image or kernel arguments of its own (as pxelinux.cfg/01-<mac>), which
 * server/files.c generates when asked for. */
void ipxe_host_script_name(const uint8_t mac[6], char *out, size_t cap);

/* The kind of client a DHCP request comes from. */
enum boot_client boot_client_kind(const struct dhcp_msg *req);

/* Decides what req's client boots.  server_ip (network order) is the
 * address put into URLs (the HTTP service's, port cfg->http_port). */
void boot_offer_for(const struct dhcp_msg *req, const struct serve_config *cfg, uint32_t server_ip,
		    struct boot_offer *o);

/* The iPXE script for entries (server/entries.h; the first is the default) into buf: a
 * menu with timeout_secs (0 = boot the default at once), each entry
 * kernel + initrd by names relative to the script's URL, BOOTIF appended
 * as pxelinux's IPAPPEND 2 does.  Its length, or -ENOSPC. */
int ipxe_script(const struct boot_entry *e, int n, unsigned timeout_secs, char *buf, size_t cap);
#endif
