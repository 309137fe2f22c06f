/* build/netboot: the host side of the agent.  Each subcommand runs the same
 * code /init runs, so every stage can be tried and tested without a VM. */
#include <stdio.h>
#include <string.h>
#include "tool/tool.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
} commands[] = {
	{ "cmdline", cmd_cmdline, "cmdline '<kernel args>'      print the boot plan the agent would follow" },
	{ "fetch", cmd_fetch, "fetch URL -o FILE [opts]     download and verify an image as /init does" },
	{ "dhcp", cmd_dhcp, "dhcp IFACE... [opts]         acquire a DHCP lease as /init does" },
	{ "nbd", cmd_nbd, "nbd nbd://HOST[:PORT][/EXPORT] [opts]  NBD handshake, reads, export copy" },
	{ "check", cmd_check, "check --interface IF [--full] [opts]  walk a PXE boot as a client, name the broken step" },
	{ "verity", cmd_verity, "verity IMAGE [opts]          write IMAGE's dm-verity hash tree and root hash beside it" },
	{ "serve", cmd_serve, "serve --boot-dir DIR [--config FILE] [opts]  the PXE boot server (DHCP, TFTP, HTTP, NBD)" },
};

static int usage(FILE *out)
{
	fprintf(out, "usage: netboot <command> [args]\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  netboot %s\n", commands[i].usage);
	return out == stderr ? 2 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help"))
		return usage(stdout);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "netboot: unknown command '%s'\n", argv[1]);
	return usage(stderr);
}
