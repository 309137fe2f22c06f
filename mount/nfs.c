#include "mount/nfs.h"
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include "netboot/mkdir_p.h"

int nfs_mount_v3(const char *server_ip, uint16_t port, const char *dir, const char *target, struct errbuf *e)
{
	char source[1100], opts[256];

	if (mkdir_p(target, 0755) < 0)
		return nb_fail(e, -errno, "nfs: cannot create %s", target);
	bool v6 = strchr(server_ip, ':') != NULL;
	/* an IPv6 server: "[addr]:/dir" and the tcp6 transports (nfs(5)) */
	snprintf(source, sizeof(source), v6 ? "[%s]:%s" : "%s:%s", server_ip, dir);
	/* addr= because the kernel does no name lookup; mountd is found through
	 * the server's rpcbind.  hard: I/O waits through a server restart, never
	 * fails.  timeo=100,retrans=3: a lost answer is asked again after 10 s
	 * (default 60), and the kernel derives its TCP keepalive and user timeout
	 * from them: a silent server is noticed after ~40 s, not ~3 min. */
	snprintf(opts, sizeof(opts), "vers=3,proto=%s,mountproto=%s,nolock,hard,timeo=%d,retrans=%d,port=%u,addr=%s",
		 v6 ? "tcp6" : "tcp", v6 ? "tcp6" : "tcp", NFS_TIMEO_DS, NFS_RETRANS, port, server_ip);
	if (mount(source, target, "nfs", MS_RDONLY, opts) < 0) {
		int err = errno;
		return nb_fail(e, -err, "nfs: mounting %s (NFSv3, %s): %s%s", source, opts, strerror(err),
			       err == EACCES ? " (is the folder exported to this client?)"
			       : err == EIO || err == ETIMEDOUT ? " (is an NFSv3 server and its rpcbind reachable?)" : "");
	}
	return 0;
}

void nfs_unmount(const char *target)
{
	(void)umount2(target, MNT_DETACH);
}
