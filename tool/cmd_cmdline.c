/* placeholder until the cmdline subcommand lands */
#include <stdio.h>
#include "tool/tool.h"
int cmd_cmdline(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "netboot: cmdline: not built yet\n");
	return 1;
}
