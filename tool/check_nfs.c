/* Step 5 for nfs:// sources: mount the export as the agent's kernel client
 * would (NFSv3 over TCP) and look for the image in it, with libnfs in user
 * space: no root, no kernel module.  Built without libnfs (musl, or a host
 * without libnfs-dev) it only checks that something listens on port 2049. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "netboot/tcp.h"
#include "tool/check.h"

#if defined(__GLIBC__) && defined(__has_include)
#if __has_include(<nfsc/libnfs.h>)
#define HAVE_LIBNFS 1
#include <nfsc/libnfs.h>
#endif
#endif

#ifdef HAVE_LIBNFS
int check_nfs(const struct check_ctx *c, const struct url *u, const char *image, struct errbuf *what)
{
	struct nfs_context *nfs = nfs_init_context();
	struct nfs_stat_64 st;
	char path[1200];
	int rc;

	if (!nfs)
		return check_fail(what, -ENOMEM, "libnfs: out of memory");
	nfs_set_timeout(nfs, c->timeout_ms);
	if (nfs_mount(nfs, u->host, u->path) != 0) {
		rc = check_fail(what, -ENOENT, "nfs://%s:%s: mount refused: %.200s: export the folder (e.g. /etc/exports, "
			     "or ganesha) to this client", u->host, u->path, nfs_get_error(nfs));
		goto out;
	}
	snprintf(path, sizeof(path), "/%s", image);
	if (nfs_stat64(nfs, path, &st) != 0) {
		rc = check_fail(what, -ENOENT, "nfs://%s:%s: no %s in the export (%.150s): the folder must hold the image",
			     u->host, u->path, image, nfs_get_error(nfs));
		goto out;
	}
	rc = check_fail(what, 0, "nfs://%s:%s mounted (NFSv3, libnfs): %s, %llu bytes", u->host, u->path, image,
		     (unsigned long long)st.nfs_size);
out:
	nfs_destroy_context(nfs);
	return rc;
}
#else
int check_nfs(const struct check_ctx *c, const struct url *u, const char *image, struct errbuf *what)
{
	int fd = tcp_connect(u->host, u->port ? u->port : 2049, c->timeout_ms, what);
	if (fd < 0)
		return check_fail(what, fd, "nfs://%s:%s: %.200s: is an NFS server running?", u->host, u->path, what->msg);
	close(fd);
	return check_fail(what, 0, "nfs://%s:%s: port %u answers (built without libnfs: %s not looked for)", u->host,
		       u->path, u->port ? u->port : 2049, image);
}
#endif
