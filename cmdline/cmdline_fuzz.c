/* libFuzzer harness: any bytes through cmdline_parse(), then the printer
 * and the per-NIC resolver over whatever was parsed (also after an error,
 * when cfg holds a partial plan). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "cmdline/cmdline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	static struct boot_config cfg;
	struct errbuf e = { "" };
	int rc;

	if (!devnull && !(devnull = fopen("/dev/null", "w")))
		return 0;
	rc = cmdline_parse((const char *)data, size, &cfg, &e);
	if (rc < 0 && (strlen(e.msg) == 0 || strlen(e.msg) >= sizeof(e.msg)))
		__builtin_trap();	/* every error must say why */
	for (size_t i = 0; rc < 0 && e.msg[i]; i++)
		if ((unsigned char)e.msg[i] < 0x20 || (unsigned char)e.msg[i] >= 0x7f)
			__builtin_trap();	/* messages are sanitized */
	/* subdir= may move the NFS image, never out of the folder nor past the buffer */
	if (rc == 0 && cfg.source == SOURCE_NFS && cfg.image_path[0] &&
	    (cfg.image_path[0] == '/' || strstr(cfg.image_path, "..") ||
	     strnlen(cfg.image_path, sizeof(cfg.image_path)) == sizeof(cfg.image_path)))
		__builtin_trap();
	cmdline_print(&cfg, devnull);
	cmdline_iface_method(&cfg, "", NULL);
	cmdline_iface_method(&cfg, "eth0", NULL);
	return 0;
}
