/* Kernel modules: the NIC drivers for the hardware present (device modalias
 * matched against modules.alias), then what stage 3 needs (loop, squashfs,
 * overlay; nbd or NFS for those sources).  Loaded with finit_module, their
 * dependencies first, from modules.dep. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "fetch/progress.h"
#include "init/boot.h"

struct modules {
	char dir[128];		/* /lib/modules/<release> */
	char *dep, *alias;	/* file contents, NUL-terminated */
	int loaded;
	char names[512];	/* loaded by name, for the console line */
};

static char *slurp(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf = NULL;
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && st.st_size < (64 << 20) && (buf = malloc((size_t)st.st_size + 1))) {
		ssize_t n = read(fd, buf, (size_t)st.st_size);
		buf[n > 0 ? n : 0] = 0;
	}
	close(fd);
	return buf;
}

/* Finds the modules.dep line of a module by name (file name without .ko,
 * '-' and '_' equal). */
static const char *dep_line(const struct modules *m, const char *name)
{
	for (const char *line = m->dep; line && *line;) {
		const char *colon = strchr(line, ':'), *eol = strchr(line, '\n');
		if (!eol)
			eol = line + strlen(line);
		if (colon && colon < eol) {
			const char *base = colon;
			while (base > line && base[-1] != '/')
				base--;
			size_t i = 0;
			for (; name[i] && base + i < colon; i++) {
				char a = name[i] == '-' ? '_' : name[i], c = base[i] == '-' ? '_' : base[i];
				if (a != c)
					break;
			}
			if (!name[i] && base + i + 3 <= colon && !strncmp(base + i, ".ko", 3))
				return line;
		}
		line = *eol ? eol + 1 : eol;
	}
	return NULL;
}

/* finit_module on one file, given its path relative to the module folder. */
static int insert(struct modules *m, const char *path, size_t len, struct errbuf *e)
{
	char full[512];
	if (len >= sizeof(full) - strlen(m->dir) - 2)
		return nb_fail(e, -ENAMETOOLONG, "modules.dep: module path longer than %zu bytes", len);
	snprintf(full, sizeof(full), "%s/%.*s", m->dir, (int)len, path);
	int fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nb_fail(e, -errno, "module %s: %s", full, strerror(errno));
	long rc = syscall(SYS_finit_module, fd, "", 0);
	int err = errno;
	close(fd);
	if (rc < 0 && err != EEXIST)
		return nb_fail(e, -err, "loading module %.*s: %s", (int)len, path, strerror(err));
	if (rc == 0)
		m->loaded++;
	return 0;
}

/* A modules.dep line lists every dependency, the deepest last: load them
 * from the end, then the module itself. */
static int load_line(struct modules *m, const char *line, struct errbuf *e)
{
	const char *colon = strchr(line, ':'), *eol = strchr(line, '\n'), *p;
	int rc;
	if (!eol)
		eol = line + strlen(line);
	for (p = eol; p > colon + 1;) {
		const char *end = p;
		while (end > colon + 1 && end[-1] == ' ')
			end--;
		const char *start = end;
		while (start > colon + 1 && start[-1] != ' ')
			start--;
		if (start < end && (rc = insert(m, start, (size_t)(end - start), e)) < 0)
			return rc;
		p = start;
	}
	return insert(m, line, (size_t)(colon - line), e);
}

static int load_by_name(struct modules *m, const char *name, bool required, struct errbuf *e)
{
	const char *line = dep_line(m, name);
	if (!line)	/* built into the kernel, or not shipped */
		return required ? nb_fail(e, -ENOENT, "module %s is not in %s/modules.dep", name, m->dir) : 0;
	int rc = load_line(m, line, e);
	if (rc == 0 && strlen(m->names) + strlen(name) + 2 < sizeof(m->names)) {
		if (m->names[0])
			strcat(m->names, " ");
		strcat(m->names, name);
	}
	return rc;
}

/* Loads the drivers whose modules.alias pattern matches a device on bus. */
static int load_for_bus(struct modules *m, const char *bus, struct errbuf *e)
{
	char path[300], alias[256];
	DIR *d;
	struct dirent *ent;
	snprintf(path, sizeof(path), "/sys/bus/%s/devices", bus);
	if (!(d = opendir(path)))
		return 0;
	while ((ent = readdir(d))) {
		if (ent->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/bus/%s/devices/%s/modalias", bus, ent->d_name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t n = read(fd, alias, sizeof(alias) - 1);
		close(fd);
		if (n <= 0)
			continue;
		alias[n] = 0;
		alias[strcspn(alias, "\n")] = 0;
		for (char *line = m->alias; line && *line;) {
			char *eol = strchr(line, '\n'), pattern[256], module[64];
			if (eol)
				*eol = 0;
			if (sscanf(line, "alias %255s %63s", pattern, module) == 2 && !fnmatch(pattern, alias, 0) &&
			    load_by_name(m, module, true, e) < 0)	/* another NIC may still work */
				say("modules", "%s (for %s): %s", module, ent->d_name, e->msg);
			if (eol)
				*eol = '\n';
			line = eol ? eol + 1 : NULL;
		}
	}
	closedir(d);
	return 0;
}

static int count_ethernet(void)
{
	DIR *d = opendir("/sys/class/net");
	struct dirent *ent;
	int n = 0;
	if (!d)
		return 0;
	while ((ent = readdir(d)))
		if (ent->d_name[0] != '.' && strcmp(ent->d_name, "lo"))
			n++;
	closedir(d);
	return n;
}

int load_modules(struct boot *b)
{
	struct modules m = { .dep = NULL };
	uint64_t t0 = monotonic_ns();
	int rc;

	snprintf(m.dir, sizeof(m.dir), "/lib/modules/%s", b->kernel_release);
	char path[200];
	snprintf(path, sizeof(path), "%s/modules.dep", m.dir);
	m.dep = slurp(path);
	snprintf(path, sizeof(path), "%s/modules.alias", m.dir);
	m.alias = slurp(path);
	if (!m.dep || !m.alias) {
		/* a kernel with everything built in needs no modules */
		say("modules", "no %s/modules.dep or modules.alias: assuming built-in drivers", m.dir);
	} else {
		if ((rc = load_for_bus(&m, "pci", &b->err)) < 0 ||
		    (rc = load_for_bus(&m, "virtio", &b->err)) < 0)	/* virtio devices appear once virtio_pci is in */
			goto out;
		static const char *const always[] = { "af_packet", "loop", "squashfs", "overlay" };
		for (size_t i = 0; i < sizeof(always) / sizeof(always[0]); i++)
			if ((rc = load_by_name(&m, always[i], false, &b->err)) < 0)
				goto out;
		if (b->cfg.source == SOURCE_NBD && (rc = load_by_name(&m, "nbd", true, &b->err)) < 0)
			goto out;
		if (b->cfg.source == SOURCE_NFS && (rc = load_by_name(&m, "nfsv3", true, &b->err)) < 0)
			goto out;
	}
	/* drivers register their interfaces asynchronously on some hardware */
	int wait_ms = 5000;
	for (int waited = 0; count_ethernet() == 0 && waited < wait_ms; waited += 50) {
		struct timespec ts = { 0, 50 * 1000000L };
		nanosleep(&ts, NULL);
	}
	if (b->cfg.scandelay) {
		say("modules", "scandelay: waiting %d s for slow devices", b->cfg.scandelay);
		sleep((unsigned)b->cfg.scandelay);
	}
	if (count_ethernet() == 0) {
		rc = nb_fail(&b->err, -ENODEV, "no network interface appeared (drivers loaded: %s); is the NIC's driver in the initramfs?",
			     m.names[0] ? m.names : "none");
		goto out;
	}
	say("modules", "%d loaded (%s) in %.2f s", m.loaded, m.names[0] ? m.names : "none", seconds_since(t0));
	rc = 0;
out:
	free(m.dep);
	free(m.alias);
	return rc;
}
