/* placeholder until the dhcp subcommand lands */
#include <stdio.h>
#include "tool/tool.h"
int cmd_dhcp(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "netboot: dhcp: not built yet\n");
	return 1;
}
