/* mkdir -p: the one implementation (the network stage's run folder, the
 * handover files, /init's mount points). */
#ifndef NETBOOT_MKDIR_P_H
#define NETBOOT_MKDIR_P_H

/* Creates path and its missing parents with mode; an existing folder is
 * fine.  Returns 0, -EINVAL for an empty path, -ENAMETOOLONG, or the
 * negative errno of the mkdir that failed. */
int mkdir_p(const char *path, unsigned mode);
#endif
