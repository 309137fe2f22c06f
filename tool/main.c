/* build/netboot: the host side of the agent.  Each subcommand runs the same
 * code /init runs, so every stage can be tried and tested without a VM. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "tool/tool.h"

/* build/version.h (-include'd by the Makefile) names the release and the
 * commit; a build outside the Makefile says so */
#ifndef NETBOOT_VERSION
#define NETBOOT_VERSION "unknown"
#define NETBOOT_COMMIT "unknown"
#endif

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
} commands[] = {
	{ "cmdline", cmd_cmdline, "cmdline '<kernel args>'      print the boot plan the agent would follow" },
	{ "fetch", cmd_fetch, "fetch URL -o FILE [opts]     download and verify an image as /init does" },
	{ "dhcp", cmd_dhcp, "dhcp IFACE... [opts]         acquire a DHCP lease as /init does" },
	{ "dhcp6", cmd_dhcp6, "dhcp6 IFACE [opts]           IPv6: router advertisements, SLAAC, DHCPv6, as /init will" },
	{ "nbd", cmd_nbd, "nbd nbd://HOST[:PORT][/EXPORT] [opts]  NBD handshake, reads, export copy" },
	{ "check", cmd_check, "check --interface IF [--full] [opts]  walk a PXE boot as a client, name the broken step" },
	{ "verity", cmd_verity, "verity IMAGE [opts]          write IMAGE's dm-verity hash tree and root hash beside it" },
	{ "serve", cmd_serve, "serve --boot-dir DIR [--config FILE] [opts]  the PXE boot server (DHCP, TFTP, HTTP, NBD)" },
};

static int usage(FILE *out)
{
	fprintf(out, "usage: netboot <command> [args]   (netboot <command> --help: its options)\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  netboot %s\n", commands[i].usage);
	fprintf(out, "  netboot --version            the version and the commit it was built from\n");
	return out == stderr ? 2 : 0;
}

bool tool_is_help(const char *arg)
{
	return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr);
	if (tool_is_help(argv[1]) || (!strcmp(argv[1], "help") && argc == 2))
		return usage(stdout);
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("netboot %s (commit %s)\n", NETBOOT_VERSION, NETBOOT_COMMIT);
		return 0;
	}
	/* `netboot help CMD` is `netboot CMD --help` */
	bool help = !strcmp(argv[1], "help");
	const char *name = argv[help ? 2 : 1];
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(name, commands[i].name))
			continue;
		/* --help anywhere asks for the usage (stdout, exit 0): each
		 * command answers it as its first argument */
		for (int a = 2; a < argc && !help; a++)
			help = tool_is_help(argv[a]);
		char *help_argv[] = { (char *)commands[i].name, "--help", NULL };
		return help ? commands[i].run(2, help_argv) : commands[i].run(argc - 1, argv + 1);
	}
	fprintf(stderr, "netboot: unknown command '%s'\n", name);
	return usage(stderr);
}
