/* The address pool and the lease file: see leases.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "netboot/ipv4.h"
#include "netboot/mac.h"
#include "netboot/read_file.h"
#include "server/leases.h"

#define LEASE_FILE_MAX (16u * 1024 * 1024)

int lease_pool_init(struct lease_pool *p, uint32_t start, uint32_t end, const uint32_t *exclude, int nexclude,
		    struct errbuf *e)
{
	uint32_t a = ntohl(start), b = ntohl(end);
	char s1[16], s2[16];

	memset(p, 0, sizeof(*p));
	if (!start || a > b || b - a >= LEASE_POOL_MAX)
		return nb_fail(e, -EINVAL, "DHCP range %s - %s: expected 1 to %d addresses", ipv4_ntoa(start, s1),
			       ipv4_ntoa(end, s2), LEASE_POOL_MAX);
	p->first = a;
	p->count = b - a + 1;
	p->l = calloc(p->count, sizeof(*p->l));
	if (!p->l)
		return nb_fail(e, -ENOMEM, "DHCP pool: out of memory");
	for (int i = 0; i < nexclude; i++) {
		struct lease *l = lease_at(p, exclude[i]);
		if (l)
			l->state = LEASE_EXCLUDED;
	}
	return 0;
}

void lease_pool_free(struct lease_pool *p)
{
	free(p->l);
	p->l = NULL;
	p->count = 0;
}

struct lease *lease_at(const struct lease_pool *p, uint32_t ip)
{
	uint32_t h = ntohl(ip);

	if (!p->l || h < p->first || h - p->first >= p->count)
		return NULL;
	return &p->l[h - p->first];
}

static uint32_t addr_of(const struct lease_pool *p, uint32_t i)
{
	return htonl(p->first + i);
}

uint32_t lease_of_mac(const struct lease_pool *p, const uint8_t mac[6])
{
	for (uint32_t i = 0; i < p->count; i++)
		if (p->l[i].has_mac && !memcmp(p->l[i].mac, mac, 6))
			return addr_of(p, i);
	return 0;
}

bool lease_active(const struct lease *l, long long now)
{
	if (l->state == LEASE_EXCLUDED)
		return true;
	return (l->state == LEASE_OFFERED || l->state == LEASE_BOUND || l->state == LEASE_DECLINED) && l->expiry > now;
}

/* Free for mac: not active, or active for mac itself (not declined). */
static bool usable_by(const struct lease *l, const uint8_t mac[6], long long now)
{
	if (!lease_active(l, now))
		return l->state != LEASE_EXCLUDED;
	return l->state != LEASE_DECLINED && l->state != LEASE_EXCLUDED && l->has_mac && !memcmp(l->mac, mac, 6);
}

int lease_pick(const struct lease_pool *p, const uint8_t mac[6], uint32_t requested, long long now, uint32_t *ip)
{
	uint32_t own = lease_of_mac(p, mac);
	const struct lease *l;

	if (own && usable_by(lease_at(p, own), mac, now)) {
		*ip = own;
		return 0;
	}
	l = lease_at(p, requested);
	if (l && usable_by(l, mac, now)) {
		*ip = requested;
		return 0;
	}
	/* Never used first, so that expired leases stay with their MAC as long as possible. */
	long long oldest = 0;
	int64_t best = -1;
	for (uint32_t i = 0; i < p->count; i++) {
		l = &p->l[i];
		if (lease_active(l, now))
			continue;
		if (!l->has_mac) {
			*ip = addr_of(p, i);
			return 0;
		}
		if (best < 0 || l->expiry < oldest)
			best = i, oldest = l->expiry;
	}
	if (best < 0)
		return -ENOSPC;
	*ip = addr_of(p, (uint32_t)best);
	return 0;
}

/* Gives ip to mac in state st until now + secs. */
static int assign(struct lease_pool *p, const uint8_t mac[6], uint32_t ip, long long now, uint32_t secs,
		  enum lease_state st)
{
	struct lease *l = lease_at(p, ip);

	if (!l || l->state == LEASE_EXCLUDED)
		return -ERANGE;
	if (!usable_by(l, mac, now))
		return -EADDRINUSE;
	for (uint32_t i = 0; i < p->count; i++)	/* one address per MAC */
		if (&p->l[i] != l && p->l[i].has_mac && !memcmp(p->l[i].mac, mac, 6)) {
			p->l[i].has_mac = false;
			if (p->l[i].state != LEASE_DECLINED)
				p->l[i].state = LEASE_FREE;
		}
	memcpy(l->mac, mac, 6);
	l->has_mac = true;
	l->state = st;
	l->expiry = now + secs;
	return 0;
}

int lease_offer(struct lease_pool *p, const uint8_t mac[6], uint32_t ip, long long now, uint32_t secs)
{
	struct lease *l = lease_at(p, ip);

	/* An offer never shortens a lease the client already holds. */
	if (l && l->state == LEASE_BOUND && l->has_mac && !memcmp(l->mac, mac, 6) && l->expiry > now)
		return 0;
	return assign(p, mac, ip, now, secs, LEASE_OFFERED);
}

int lease_bind(struct lease_pool *p, const uint8_t mac[6], uint32_t ip, long long now, uint32_t secs)
{
	return assign(p, mac, ip, now, secs, LEASE_BOUND);
}

int lease_release(struct lease_pool *p, const uint8_t mac[6], uint32_t ip, long long now)
{
	struct lease *l = lease_at(p, ip);

	if (!l || !l->has_mac || memcmp(l->mac, mac, 6) || (l->state != LEASE_BOUND && l->state != LEASE_OFFERED))
		return -ENOENT;
	l->state = LEASE_FREE;
	l->expiry = now;
	return 0;
}

int lease_decline(struct lease_pool *p, uint32_t ip, long long now, uint32_t secs)
{
	struct lease *l = lease_at(p, ip);

	if (!l || l->state == LEASE_EXCLUDED)
		return -ERANGE;
	l->has_mac = false;
	l->state = LEASE_DECLINED;
	l->expiry = now + secs;
	return 0;
}

/* --- the file --- */

static const char *const state_names[] = { "free", "offered", "bound", "declined", "excluded" };

/* Splits line into at most max space-separated fields, NUL-terminated in
 * place; returns how many. */
static int split(char *line, char **f, int max)
{
	int n = 0;
	char *save = NULL;

	for (char *t = strtok_r(line, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		if (n == max)
			return max + 1;
		f[n++] = t;
	}
	return n;
}

/* One line into l and *ip: NULL on success, else what is wrong. */
static const char *parse_line(char *line, struct lease *l, uint32_t *ip)
{
	char *f[4], *end;
	struct in_addr a;

	if (split(line, f, 4) != 4)
		return "expected 4 fields: mac ip expiry state";
	memset(l, 0, sizeof(*l));
	if (strcmp(f[0], "-")) {
		if (!mac_parse(f[0], strlen(f[0]), l->mac))
			return "bad MAC address";
		l->has_mac = true;
	}
	if (inet_pton(AF_INET, f[1], &a) != 1)
		return "bad IPv4 address";
	*ip = a.s_addr;
	errno = 0;
	long long exp = strtoll(f[2], &end, 10);
	if (errno || *end || end == f[2] || exp < 0)
		return "bad expiry time";
	l->expiry = exp;
	if (!strcmp(f[3], "bound") && l->has_mac)
		l->state = LEASE_BOUND;
	else if (!strcmp(f[3], "free") && l->has_mac)
		l->state = LEASE_FREE;
	else if (!strcmp(f[3], "declined"))
		l->state = LEASE_DECLINED, l->has_mac = false;
	else
		return "bad state (bound or free with a MAC, or declined)";
	return NULL;
}

static void warn_line(lease_warn_fn warn, void *ctx, const char *name, int lineno, const char *why)
{
	char msg[256];

	if (!warn)
		return;
	snprintf(msg, sizeof(msg), "%s line %d: %s: skipped", name, lineno, why);
	warn(ctx, msg);
}

/* Stores a parsed line into the pool unless its address is outside it or
 * its MAC already has one (the first line wins). */
static const char *store(struct lease_pool *p, const struct lease *in, uint32_t ip)
{
	struct lease *l = lease_at(p, ip);

	if (!l)
		return "address outside the DHCP range";
	if (l->state == LEASE_EXCLUDED)
		return "address is reserved (the server's own, the router's or a host's fixed address)";
	if (l->has_mac || l->state != LEASE_FREE)
		return "address listed twice";
	if (in->has_mac && lease_of_mac(p, in->mac))
		return "MAC listed twice";
	*l = *in;
	return NULL;
}

int leases_parse(struct lease_pool *p, const char *buf, size_t len, const char *name, lease_warn_fn warn,
		 void *ctx)
{
	char line[256];
	int lineno = 0, loaded = 0;
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		const char *why = NULL;
		struct lease l;
		uint32_t ip;

		lineno++;
		if (n >= sizeof(line))
			why = "line too long";
		else if (memchr(buf + pos, '\0', n))
			why = "NUL byte in line";
		if (!why) {
			memcpy(line, buf + pos, n);
			line[n] = '\0';
			if (n && line[n - 1] == '\r')
				line[n - 1] = '\0';
			if (line[strspn(line, " \t")] == '\0' || line[strspn(line, " \t")] == '#')
				goto next;
			why = parse_line(line, &l, &ip);
			if (!why)
				why = store(p, &l, ip);
		}
		if (why)
			warn_line(warn, ctx, name, lineno, why);
		else
			loaded++;
next:
		pos += n + 1;
	}
	return loaded;
}

int leases_write(const struct lease_pool *p, FILE *f)
{
	char mac[18], ip[16];

	fprintf(f, "# netboot serve DHCP leases: mac ip expiry-unix-time state\n");
	for (uint32_t i = 0; i < p->count; i++) {
		const struct lease *l = &p->l[i];
		enum lease_state st = l->state;
		if (st == LEASE_EXCLUDED || (!l->has_mac && st != LEASE_DECLINED))
			continue;
		if (st == LEASE_OFFERED)	/* an offer is not a lease: keep only the MAC's preference */
			st = LEASE_FREE;
		fprintf(f, "%s %s %lld %s\n", l->has_mac ? mac_format(l->mac, mac) : "-", ipv4_ntoa(addr_of(p, i), ip),
			l->expiry, state_names[st]);
	}
	return ferror(f) ? -EIO : 0;
}

/* mkdir -p of path's folder. */
static int make_parent(const char *path)
{
	char dir[PATH_MAX];

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return -ENAMETOOLONG;
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return mkdir(dir, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

int leases_load(struct lease_pool *p, const char *path, lease_warn_fn warn, void *ctx, struct errbuf *e)
{
	int rc = make_parent(path);
	if (rc < 0)
		return nb_fail(e, rc, "lease file %s: cannot create its folder: %s", path, strerror(-rc));
	char *buf;
	ssize_t n = read_file_alloc(path, LEASE_FILE_MAX, &buf);
	if (n == -ENOENT)
		return 0;
	if (n == -EINVAL || n == -EFBIG)
		return nb_fail(e, -EINVAL, "lease file %s: not a regular file of at most %u bytes", path,
			       LEASE_FILE_MAX);
	if (n < 0)
		return nb_fail(e, (int)n, "lease file %s: %s", path, strerror((int)-n));
	leases_parse(p, buf, (size_t)n, path, warn, ctx);
	free(buf);
	return 0;
}

int leases_save(const struct lease_pool *p, const char *path, struct errbuf *e)
{
	char tmp[PATH_MAX + 8];
	int rc = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return nb_fail(e, -ENAMETOOLONG, "lease file %s: name too long", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return nb_fail(e, -errno, "lease file %s: %s", tmp, strerror(errno));
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return nb_fail(e, -errno, "lease file %s: %s", tmp, strerror(errno));
	}
	if (leases_write(p, f) < 0 || fflush(f) != 0 || fsync(fd) < 0)
		rc = -EIO;
	if (fclose(f) != 0 && !rc)
		rc = -EIO;
	if (!rc && rename(tmp, path) < 0)
		rc = -errno;
	if (rc < 0) {
		unlink(tmp);
		return nb_fail(e, rc, "lease file %s: cannot write: %s", path, strerror(-rc));
	}
	/* The rename itself must reach the disk too. */
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash)
		slash == dir ? (void)(dir[1] = '\0') : (void)(*slash = '\0');
	int dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}
