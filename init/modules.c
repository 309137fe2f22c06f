/* Kernel modules: the NIC drivers for the hardware present (device modalias
 * matched against modules.alias), then what stage 3 needs (loop, squashfs,
 * overlay; nbd or NFS for those sources).  Loaded with finit_module, their
 * dependencies first, from modules.dep.  The buses in order: PCI (NICs and
 * USB host controllers), ACPI (Hyper-V's VMBus), then the devices those
 * drivers bring: virtio, vmbus, xen, and USB, rescanned while the host
 * controllers enumerate (bounded).  Then two checks that name a cause the
 * user can act on: modules built for another kernel than the running one,
 * and firmware a driver asked for and did not find (read from /dev/kmsg). */
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
#include "netboot/read_file.h"
#include "init/modules.h"

struct alias {
	const char *pattern, *module;
	size_t literal;		/* the pattern's prefix before its first wildcard */
};

struct modules {
	char dir[128];		/* /lib/modules/<release> */
	char *dep, *alias;	/* file contents, NUL-terminated */
	struct alias *aliases;	/* parsed from alias (which it points into) */
	size_t n_aliases;
	int loaded;
	char names[512];	/* loaded by name, for the console line */
};

/* Splits modules.alias ("alias PATTERN MODULE" lines) in place. */
static void parse_aliases(struct modules *m)
{
	size_t cap = 1;
	for (const char *p = m->alias; *p; p++)
		cap += *p == '\n';
	if (!(m->aliases = calloc(cap, sizeof(*m->aliases))))
		return;
	for (char *line = m->alias; line && *line && m->n_aliases < cap;) {
		char *eol = strchr(line, '\n'), *pat, *mod, *save;
		if (eol)
			*eol = 0;
		if ((pat = strtok_r(line, " \t", &save)) && !strcmp(pat, "alias") &&
		    (pat = strtok_r(NULL, " \t", &save)) && (mod = strtok_r(NULL, " \t", &save))) {
			struct alias *a = &m->aliases[m->n_aliases++];
			a->pattern = pat;
			a->module = mod;
			a->literal = strcspn(pat, "*?[\\");
		}
		line = eol ? eol + 1 : NULL;
	}
}

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
	/* already in (a dependency of an earlier one, or a rescan): the kernel
	 * would read the whole file before saying EEXIST */
	char live[128];
	const char *base = strrchr(full, '/') + 1;
	size_t n = strcspn(base, ".");
	if (n < 64) {
		int k = snprintf(live, sizeof(live), "/sys/module/%.*s/initstate", (int)n, base);
		for (char *c = live + 12; c < live + k - 10; c++)
			if (*c == '-')
				*c = '_';
		if (access(live, F_OK) == 0)
			return 0;
	}
	int fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nb_fail(e, -errno, "module %s: %s", full, strerror(errno));
	long rc = syscall(SYS_finit_module, fd, "", 0);
	int err = errno;
	close(fd);
	if (rc < 0 && err == ENOEXEC)
		return nb_fail(e, -err, "loading module %.*s: %s: built for another kernel than the running one? "
			       "rebuild with make initramfs KERNEL=<the kernel you boot>", (int)len, path, strerror(err));
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
	char word[80];
	snprintf(word, sizeof(word), " %s ", name);
	char have[sizeof(m->names) + 2];
	snprintf(have, sizeof(have), " %s ", m->names);
	if (rc == 0 && !strstr(have, word) && strlen(m->names) + strlen(name) + 2 < sizeof(m->names)) {
		if (m->names[0])
			strcat(m->names, " ");
		strcat(m->names, name);
	}
	return rc;
}

/* Loads the drivers whose modules.alias pattern matches a device on bus;
 * with seen (a rescan), only for devices not in it, which are added.
 * Returns how many devices were new. */
static int load_for_bus(struct modules *m, const char *bus, char *seen, size_t seen_len, struct errbuf *e)
{
	char path[300], alias[256];
	DIR *d;
	struct dirent *ent;
	int fresh = 0;
	snprintf(path, sizeof(path), "/sys/bus/%s/devices", bus);
	if (!(d = opendir(path)))
		return 0;
	while ((ent = readdir(d))) {
		if (ent->d_name[0] == '.')
			continue;
		if (seen) {	/* " a b c " */
			char key[280];
			snprintf(key, sizeof(key), " %s ", ent->d_name);
			if (strstr(seen, key))
				continue;
			if (strlen(seen) + strlen(key) < seen_len)
				strcat(seen[0] ? seen : strcpy(seen, " "), key + 1);
		}
		fresh++;
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
		for (size_t i = 0; i < m->n_aliases; i++) {
			const struct alias *a = &m->aliases[i];
			if (strncmp(a->pattern, alias, a->literal) || fnmatch(a->pattern, alias, 0))
				continue;
			if (load_by_name(m, a->module, true, e) < 0)	/* another NIC may still work */
				say("modules", "%s (for %s %s): %s", a->module, bus, ent->d_name, e->msg);
		}
	}
	closedir(d);
	return fresh;
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

/* Is there an interface with BOOTIF='s MAC (pxelinux's boot NIC)? */
static bool has_mac(const uint8_t mac[6])
{
	DIR *d = opendir("/sys/class/net");
	struct dirent *ent;
	bool found = false;
	char want[18], path[300], got[32];
	snprintf(want, sizeof(want), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	while (d && !found && (ent = readdir(d))) {
		snprintf(path, sizeof(path), "/sys/class/net/%.64s/address", ent->d_name);
		found = ent->d_name[0] != '.' && read_file_up_to(path, got, sizeof(got)) >= 17 && !strncmp(got, want, 17);
	}
	if (d)
		closedir(d);
	return found;
}

/* The module folders under /lib/modules other than the running kernel's,
 * comma-separated into out: what this initramfs was built for. */
static void other_kernels(const char *release, char *out, size_t len)
{
	DIR *d = opendir("/lib/modules");
	struct dirent *ent;
	out[0] = 0;
	if (!d)
		return;
	while ((ent = readdir(d))) {
		if (ent->d_name[0] == '.' || !strcmp(ent->d_name, release))
			continue;
		size_t used = strlen(out), need = strlen(ent->d_name) + (used ? 2 : 0);
		if (used + need < len)
			strcat(strcat(out, used ? ", " : ""), ent->d_name);
	}
	closedir(d);
}

/* Firmware: "Direct firmware load for X failed with error -2" in the kernel
 * log, from the firmware loader on behalf of a driver ("r8169 0000:00:03.0: ").
 * A /dev/kmsg read returns one record ("6,812,2313813,-;text\n" and
 * " KEY=value" continuation lines); every line of what is read is looked at,
 * so a plain file of such lines reads the same.  Without blocking, at most
 * 20000 reads; one console line per missing file.  Returns how many. */
int firmware_report_from(const char *path)
{
	static const char marker[] = "Direct firmware load for ";
	char rec[4096], done[1024] = " ";
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), found = 0;
	if (fd < 0)
		return 0;
	for (int i = 0; i < 20000; i++) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)	/* records overwritten under us: go on */
			continue;
		if (n <= 0)	/* EAGAIN: the end of the log */
			break;
		rec[n] = 0;
		for (char *line = rec, *next; line; line = next) {
			if ((next = strchr(line, '\n')))
				*next++ = 0;
			char *msg = strchr(line, ';'), *at, *file, *end;
			if (!msg || !(at = strstr(++msg, marker)))
				continue;
			file = at + sizeof(marker) - 1;
			if (!(end = strstr(file, " failed")))
				continue;
			*end = 0;
			char key[300];
			snprintf(key, sizeof(key), " %s ", file);
			if (strstr(done, key))
				continue;
			if (strlen(done) + strlen(key) < sizeof(done))
				strcat(done, key + 1);
			/* the device prefix: "<driver> <device>: " */
			char driver[64] = "a driver", dev[64] = "";
			char prefix[160];
			snprintf(prefix, sizeof(prefix), "%.*s", (int)(at - msg), msg);
			if (sscanf(prefix, "%63s %63s", driver, dev) == 2) {
				size_t dl = strlen(dev);	/* "0000:00:03.0:" */
				if (dl && dev[dl - 1] == ':')
					dev[dl - 1] = 0;
			} else {	/* "name: " alone: no device */
				driver[strcspn(driver, ":")] = 0;
				if (!driver[0])
					strcpy(driver, "a driver");
			}
			say("modules", "firmware: %s%s%s%s asked for %s, which is not in the initramfs: rebuild it with "
			    "make initramfs FIRMWARE=/lib/firmware (on a system with the firmware installed, e.g. Debian's "
			    "firmware-* packages from non-free-firmware)", driver, dev[0] ? " (" : "", dev, dev[0] ? ")" : "", file);
			found++;
		}
	}
	close(fd);
	return found;
}

int firmware_report(void)
{
	return firmware_report_from("/dev/kmsg");
}

/* USB: the host controller drivers (loaded by PCI class) enumerate their
 * ports in the background; a USB NIC shows up 0.3-1.5 s later (behind a
 * hub or a dock, later still).  Rescanned every 50 ms until no new device
 * for USB_QUIET_MS, at least USB_MIN_MS after the controllers came up,
 * but only while no other NIC is there (or not BOOTIF's): a USB NIC beside
 * a PCI one needs BOOTIF= or scandelay= to be waited for. */
#define USB_MIN_MS 1500
#define USB_QUIET_MS 800

static bool has_usb_drivers(const struct modules *m)
{
	for (size_t i = 0; i < m->n_aliases; i++)
		if (!strncmp(m->aliases[i].pattern, "usb:", 4))
			return true;
	return false;
}

/* The drivers of the devices present, bus by bus, then what stage 3 needs.
 * Returns whether USB devices are there to wait for, or a negative errno. */
static int load_drivers(struct modules *m, struct boot *b, char *usb_seen, size_t usb_len)
{
	int rc;
	load_for_bus(m, "pci", NULL, 0, &b->err);	/* NICs, USB host controllers, virtio_pci */
	load_for_bus(m, "acpi", NULL, 0, &b->err);	/* Hyper-V's VMBus */
	load_for_bus(m, "virtio", NULL, 0, &b->err);	/* appear once virtio_pci is in */
	load_for_bus(m, "vmbus", NULL, 0, &b->err);	/* hv_netvsc */
	load_for_bus(m, "xen", NULL, 0, &b->err);	/* xen-netfront */
	bool usb = has_usb_drivers(m) && load_for_bus(m, "usb", usb_seen, usb_len, &b->err) > 0;
	static const char *const always[] = { "af_packet", "loop", "squashfs", "overlay" };
	for (size_t i = 0; i < sizeof(always) / sizeof(always[0]); i++)
		if ((rc = load_by_name(m, always[i], false, &b->err)) < 0)
			return rc;
	if ((b->cfg.source == SOURCE_NBD || (b->cfg.stream && b->cfg.source == SOURCE_HTTP)) && (rc = load_by_name(m, "nbd", true, &b->err)) < 0)
		return rc;
	if (b->cfg.source == SOURCE_NFS && (rc = load_by_name(m, "nfsv3", true, &b->err)) < 0)
		return rc;
	if (b->cfg.verity && (rc = load_by_name(m, "dm_verity", true, &b->err)) < 0)
		return rc;
	/* SHA-NI / AVX2 SHA-256 for dm-verity's reads, ahead of sha256-generic;
	 * on a CPU without them it refuses to load (ENODEV), which is no failure */
	struct errbuf no_fast_sha;
	if (b->cfg.verity)
		load_by_name(m, "sha256_ssse3", false, &no_fast_sha);
	return usb;
}

/* Drivers register their interfaces asynchronously on some hardware, and
 * USB devices keep appearing while the host controllers enumerate: waits
 * (at most 5 s) until an interface is there and USB, if needed, settled. */
static void wait_for_interfaces(struct modules *m, struct boot *b, bool usb, char *usb_seen, size_t usb_len)
{
	uint64_t t_usb = monotonic_ns(), last_new = t_usb;
	for (int waited = 0; waited < 5000; waited += 50) {
		if (usb && load_for_bus(m, "usb", usb_seen, usb_len, &b->err) > 0)
			last_new = monotonic_ns();
		/* USB is waited for only when the NIC it may bring is needed: no
		 * interface yet, or not the one BOOTIF names; a PCI NIC's machine
		 * would otherwise pay USB_MIN_MS on every boot */
		bool usb_needed = usb && (count_ethernet() == 0 || (b->cfg.bootif_set && !has_mac(b->cfg.bootif)));
		bool settled = !usb_needed ||
			       (seconds_since(t_usb) * 1000 >= USB_MIN_MS && seconds_since(last_new) * 1000 >= USB_QUIET_MS);
		if (settled && count_ethernet() > 0)
			break;
		struct timespec ts = { 0, 50 * 1000000L };
		nanosleep(&ts, NULL);
	}
	if (b->cfg.scandelay) {
		say("modules", "scandelay: waiting %d s for slow devices", b->cfg.scandelay);
		sleep((unsigned)b->cfg.scandelay);
		if (usb)
			load_for_bus(m, "usb", usb_seen, usb_len, &b->err);
	}
}

/* No modules for the running kernel: the initramfs was built for another
 * one (say so), or the kernel has its drivers built in. */
static void no_modules(struct boot *b, const char *dir, char *others, size_t len)
{
	other_kernels(b->kernel_release, others, len);
	if (others[0])	/* the modules of another kernel: finit_module would refuse them all */
		say("modules", "this initramfs was built for kernel %s but the running kernel is %s: "
		    "rebuild with make initramfs KERNEL=<the kernel you boot> (a .deb, /lib/modules/%s or its build folder)",
		    others, b->kernel_release, b->kernel_release);
	else	/* a kernel with everything built in needs no modules */
		say("modules", "no %s/modules.dep or modules.alias: assuming built-in drivers", dir);
}

int load_modules(struct boot *b)
{
	struct modules m = { .dep = NULL };
	static char usb_seen[4096];
	uint64_t t0 = monotonic_ns();
	char others[256] = "", path[200];
	int rc = 0;

	snprintf(m.dir, sizeof(m.dir), "/lib/modules/%s", b->kernel_release);
	snprintf(path, sizeof(path), "%s/modules.dep", m.dir);
	m.dep = slurp(path);
	snprintf(path, sizeof(path), "%s/modules.alias", m.dir);
	m.alias = slurp(path);
	if (m.alias)
		parse_aliases(&m);
	if (!m.dep || !m.alias)
		no_modules(b, m.dir, others, sizeof(others));
	else if ((rc = load_drivers(&m, b, usb_seen, sizeof(usb_seen))) < 0)
		goto out;
	wait_for_interfaces(&m, b, rc > 0, usb_seen, sizeof(usb_seen));
	firmware_report();
	if (count_ethernet() == 0) {
		if (others[0])
			rc = nb_fail(&b->err, -ENODEV, "no network interface appeared: the initramfs has the modules of kernel %s, "
				     "not of the running %s: rebuild with make initramfs KERNEL=<the kernel you boot>",
				     others, b->kernel_release);
		else
			rc = nb_fail(&b->err, -ENODEV, "no network interface appeared (drivers loaded: %s); is the NIC's driver in the initramfs?",
				     m.names[0] ? m.names : "none");
		goto out;
	}
	say("modules", "%d loaded (%s) in %.2f s", m.loaded, m.names[0] ? m.names : "none", seconds_since(t0));
	rc = 0;
out:
	free(m.aliases);
	free(m.dep);
	free(m.alias);
	return rc;
}
