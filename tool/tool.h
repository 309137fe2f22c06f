/* Subcommands of the host tool build/netboot, one file each. */
#ifndef TOOL_TOOL_H
#define TOOL_TOOL_H
#include <stdbool.h>
int cmd_cmdline(int argc, char **argv);	/* tool/cmd_cmdline.c */
int cmd_fetch(int argc, char **argv);	/* tool/cmd_fetch.c */
int cmd_dhcp(int argc, char **argv);	/* tool/cmd_dhcp.c */
int cmd_dhcp6(int argc, char **argv);	/* tool/cmd_dhcp6.c */
int cmd_nbd(int argc, char **argv);	/* tool/cmd_nbd.c */
int cmd_serve(int argc, char **argv);	/* tool/cmd_serve.c */
int cmd_check(int argc, char **argv);	/* tool/cmd_check.c */
int cmd_verity(int argc, char **argv);	/* tool/cmd_verity.c */
/* -h or --help: main() hands a command ["NAME", "--help"] when its
 * arguments hold either; the command prints its usage on stdout, exits 0 */
bool tool_is_help(const char *arg);	/* tool/main.c */
#endif
