/* DHCPv6 bindings and their file: see leases6.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "netboot/hex.h"
#include "netboot/mac.h"
#include "netboot/read_file.h"
#include "server/leases6.h"
#include "server/write_atomic.h"

#define LEASE6_FILE_MAX (4u << 20)

static uint32_t offset_of(const struct lease6_pool *p, const uint8_t a[16])
{
	return (uint32_t)((a[14] << 8 | a[15]) - (p->start[14] << 8 | p->start[15]));
}

bool lease6_in_range(const struct lease6_pool *p, const uint8_t a[16])
{
	return !memcmp(a, p->start, 14) && (a[14] << 8 | a[15]) >= (p->start[14] << 8 | p->start[15]) &&
	       offset_of(p, a) < p->count;
}

static void addr_at(const struct lease6_pool *p, uint32_t off, uint8_t out[16])
{
	uint32_t v = (uint32_t)(p->start[14] << 8 | p->start[15]) + off;
	memcpy(out, p->start, 14);
	out[14] = (uint8_t)(v >> 8);
	out[15] = (uint8_t)v;
}

int lease6_pool_init(struct lease6_pool *p, const uint8_t start[16], const uint8_t end[16], struct errbuf *e)
{
	memset(p, 0, sizeof(*p));
	if (memcmp(start, end, 14) || memcmp(start + 14, end + 14, 2) > 0)
		return nb_fail(e, -EINVAL, "DHCPv6 range: start and end not in one /112 with start <= end");
	memcpy(p->start, start, 16);
	p->count = (uint32_t)((end[14] << 8 | end[15]) - (start[14] << 8 | start[15])) + 1;
	return 0;
}

/* One more binding at the end (the table grows by doubling up to
 * LEASE6_MAX): NULL when full or out of memory. */
static struct lease6 *append(struct lease6_pool *p)
{
	if (p->n == p->cap) {
		int cap = p->cap ? p->cap * 2 : 16;
		if (cap > LEASE6_MAX)
			cap = LEASE6_MAX;
		struct lease6 *l = cap > p->cap ? realloc(p->l, (size_t)cap * sizeof(*l)) : NULL;
		if (!l)
			return NULL;
		p->l = l;
		p->cap = cap;
	}
	memset(&p->l[p->n], 0, sizeof(p->l[0]));
	return &p->l[p->n++];
}

void lease6_pool_free(struct lease6_pool *p)
{
	free(p->l);
	p->l = NULL;
	p->n = p->cap = 0;
}

static bool same_client(const struct lease6 *l, const uint8_t *duid, size_t len, uint32_t iaid)
{
	return len && l->duid_len == len && l->iaid == iaid && !memcmp(l->duid, duid, len);	/* len 0: declined, no one's */
}

struct lease6 *lease6_find(const struct lease6_pool *p, const uint8_t *duid, size_t len, uint32_t iaid)
{
	for (int i = 0; i < p->n; i++)
		if (same_client(&p->l[i], duid, len, iaid))
			return &p->l[i];
	return NULL;
}

static bool active(const struct lease6 *l, long long now)
{
	return l->state != LEASE6_FREE && l->expiry > now;
}

/* The binding on addr other than (duid, iaid)'s, active at now. */
static const struct lease6 *taken_by_other(const struct lease6_pool *p, const uint8_t addr[16], const uint8_t *duid,
					   size_t len, uint32_t iaid, long long now)
{
	for (int i = 0; i < p->n; i++)
		if (!memcmp(p->l[i].addr, addr, 16) && active(&p->l[i], now) && !same_client(&p->l[i], duid, len, iaid))
			return &p->l[i];
	return NULL;
}

int lease6_pick(const struct lease6_pool *p, const uint8_t *duid, size_t len, uint32_t iaid, long long now,
		uint8_t addr[16])
{
	const struct lease6 *own = lease6_find(p, duid, len, iaid);
	if (own && lease6_in_range(p, own->addr) && !taken_by_other(p, own->addr, duid, len, iaid, now)) {
		memcpy(addr, own->addr, 16);
		return 0;
	}
	uint32_t h = 2166136261u ^ iaid;	/* FNV-1a over the DUID: a stable first try */
	for (size_t i = 0; i < len; i++)
		h = (h ^ duid[i]) * 16777619u;
	for (uint32_t k = 0; k < p->count; k++) {
		addr_at(p, (h + k) % p->count, addr);
		bool held = false;	/* another client's, even expired: kept for it while others are free */
		for (int i = 0; i < p->n && !held; i++)
			held = !memcmp(p->l[i].addr, addr, 16) && !same_client(&p->l[i], duid, len, iaid);
		if (!held)
			return 0;
	}
	for (uint32_t k = 0; k < p->count; k++) {	/* all held once: an expired one */
		addr_at(p, (h + k) % p->count, addr);
		if (!taken_by_other(p, addr, duid, len, iaid, now))
			return 0;
	}
	return -ENOSPC;
}

/* A slot for a new binding: a free one, else the longest expired. */
static struct lease6 *new_slot(struct lease6_pool *p, long long now)
{
	struct lease6 *best = p->n < LEASE6_MAX ? append(p) : NULL;
	if (best || p->n < LEASE6_MAX)
		return best;
	for (int i = 0; i < p->n; i++)
		if (!active(&p->l[i], now) && (!best || p->l[i].expiry < best->expiry))
			best = &p->l[i];
	return best;
}

int lease6_set(struct lease6_pool *p, const uint8_t *duid, size_t len, uint32_t iaid, const uint8_t addr[16],
	       const uint8_t *mac, enum lease6_state st, long long now, uint32_t secs)
{
	if (!lease6_in_range(p, addr))
		return -ERANGE;
	if (len == 0 || len > LEASE6_DUID_MAX)
		return -EINVAL;
	if (taken_by_other(p, addr, duid, len, iaid, now))
		return -EADDRINUSE;
	struct lease6 *l = lease6_find(p, duid, len, iaid);
	if (!l && !(l = new_slot(p, now)))
		return -ENOSPC;
	/* the address leaves any expired binding of another client */
	for (int i = 0; i < p->n; i++)
		if (&p->l[i] != l && !memcmp(p->l[i].addr, addr, 16))
			memset(p->l[i].addr, 0, 16), p->l[i].state = LEASE6_FREE;
	memcpy(l->duid, duid, len);
	l->duid_len = len;
	l->iaid = iaid;
	memcpy(l->addr, addr, 16);
	l->state = st;
	l->expiry = now + secs;
	if (mac) {
		l->has_mac = true;
		memcpy(l->mac, mac, 6);
	}
	return 0;
}

int lease6_release(struct lease6_pool *p, const uint8_t *duid, size_t len, uint32_t iaid, const uint8_t addr[16],
		   long long now)
{
	struct lease6 *l = lease6_find(p, duid, len, iaid);
	if (!l || memcmp(l->addr, addr, 16) || l->state == LEASE6_FREE)
		return -ENOENT;
	l->state = LEASE6_FREE;
	l->expiry = now;
	return 0;
}

int lease6_decline(struct lease6_pool *p, const uint8_t *duid, size_t len, uint32_t iaid, const uint8_t addr[16],
		   long long now, uint32_t secs)
{
	struct lease6 *l = lease6_find(p, duid, len, iaid);
	if (!l || memcmp(l->addr, addr, 16) || l->state == LEASE6_FREE)
		return -ENOENT;
	/* the client's binding becomes no one's: its next Solicit gets another address */
	memset(l->duid, 0, sizeof(l->duid));
	l->duid_len = 0;
	l->iaid = 0;
	l->has_mac = false;
	l->state = LEASE6_DECLINED;
	l->expiry = now + secs;
	return 0;
}

/* --- the file --- */

static const char *state_name(enum lease6_state s)
{
	static const char *const names[] = { "free", "offered", "bound", "declined" };
	return names[s];
}

int leases6_write(const struct lease6_pool *p, FILE *f)
{
	char a[INET6_ADDRSTRLEN], m[18];
	static const uint8_t zero[16];

	for (int i = 0; i < p->n; i++) {
		const struct lease6 *l = &p->l[i];
		if (!memcmp(l->addr, zero, 16))
			continue;
		for (size_t k = 0; k < l->duid_len; k++)
			fprintf(f, "%02x", l->duid[k]);
		if (!l->duid_len)
			fputc('-', f);	/* declined: no one's */
		fprintf(f, " %u %s %lld %s %s\n", l->iaid, inet_ntop(AF_INET6, l->addr, a, sizeof(a)), l->expiry,
			state_name(l->state), l->has_mac ? mac_format(l->mac, m) : "-");
	}
	return ferror(f) ? -EIO : 0;
}

/* The fields of one line, NUL-terminated in place by the caller's copy. */
static const char *parse_line(char *s, struct lease6 *l)
{
	char *f[6], *save = NULL;
	int n = 0;
	for (char *t = strtok_r(s, " \t", &save); t && n < 7; t = strtok_r(NULL, " \t", &save))
		if (n < 6)
			f[n++] = t;
		else
			return "more than 6 fields";
	if (n != 6)
		return "6 fields: duid-hex iaid address expiry state mac";
	size_t hl = strcmp(f[0], "-") ? strlen(f[0]) : 0;	/* - : a declined address, no one's */
	if (hl && (hl < 6 || hl % 2 || hl / 2 > LEASE6_DUID_MAX))
		return "a DUID of 3..130 bytes in hex";
	for (size_t k = 0; k < hl; k += 2) {
		int hi = hex_digit(f[0][k]), lo = hex_digit(f[0][k + 1]);
		if (hi < 0 || lo < 0)
			return "a DUID in hex";
		l->duid[k / 2] = (uint8_t)(hi << 4 | lo);
	}
	l->duid_len = hl / 2;
	char *end;
	errno = 0;
	unsigned long iaid = strtoul(f[1], &end, 10);
	if (*end || errno || iaid > UINT32_MAX || f[1][0] == '-')
		return "an IAID (a number)";
	l->iaid = (uint32_t)iaid;
	if (inet_pton(AF_INET6, f[2], l->addr) != 1)
		return "an IPv6 address";
	long long exp = strtoll(f[3], &end, 10);
	if (*end || errno || exp < 0)
		return "an expiry (unix seconds)";
	l->expiry = exp;
	if (!strcmp(f[4], "bound"))
		l->state = LEASE6_BOUND;
	else if (!strcmp(f[4], "free") || !strcmp(f[4], "offered"))
		l->state = LEASE6_FREE;	/* an offer does not outlive the server */
	else if (!strcmp(f[4], "declined"))
		l->state = LEASE6_DECLINED;
	else
		return "a state: bound, offered, free or declined";
	if ((l->state == LEASE6_DECLINED) != !l->duid_len)
		return "a DUID, or - with the state declined";
	l->has_mac = strcmp(f[5], "-") != 0;
	if (l->has_mac && !mac_parse(f[5], strlen(f[5]), l->mac))
		return "a MAC or -";
	return NULL;
}

int leases6_parse(struct lease6_pool *p, const char *buf, size_t len, const char *name, lease6_warn_fn warn,
		  void *ctx)
{
	int loaded = 0;
	unsigned line = 0;
	char s[512], msg[256];

	for (size_t i = 0; i < len;) {
		size_t j = i;
		while (j < len && buf[j] != '\n')
			j++;
		line++;
		size_t n = j - i;
		const char *why = NULL;
		struct lease6 l = { 0 };
		if (n == 0 || buf[i] == '#') {
			i = j + 1;
			continue;
		}
		if (n >= sizeof(s) || memchr(buf + i, 0, n))
			why = "a line of at most 511 bytes";
		else {
			memcpy(s, buf + i, n);
			s[n] = 0;
			why = parse_line(s, &l);
		}
		if (!why && !lease6_in_range(p, l.addr))
			why = "an address inside PXEBOOTSRV_DHCP6RANGE";
		if (!why && l.duid_len && lease6_find(p, l.duid, l.duid_len, l.iaid))
			why = "one line per DUID and IAID";
		if (!why && p->n >= LEASE6_MAX)
			why = "at most " "4096" " bindings";
		if (why) {
			if (warn) {
				snprintf(msg, sizeof(msg), "%s line %u: expected %s; skipped", name, line, why);
				warn(ctx, msg);
			}
		} else {
			bool dup = false;	/* an address twice: the first line keeps it */
			for (int k = 0; k < p->n && !dup; k++)
				dup = !memcmp(p->l[k].addr, l.addr, 16);
			struct lease6 *slot = dup ? NULL : append(p);
			if (slot) {
				*slot = l;
				loaded++;
			}
		}
		i = j + 1;
	}
	return loaded;
}

static int make_parent(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return 0;
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	return mkdir(dir, 0755) == 0 || errno == EEXIST ? 0 : -errno;
}

int leases6_load(struct lease6_pool *p, const char *path, lease6_warn_fn warn, void *ctx, struct errbuf *e)
{
	int rc = make_parent(path);
	if (rc < 0)
		return nb_fail(e, rc, "lease file %s: cannot create its folder: %s", path, strerror(-rc));
	char *buf;
	ssize_t n = read_file_alloc(path, LEASE6_FILE_MAX, &buf);
	if (n == -ENOENT)
		return 0;
	if (n == -EINVAL || n == -EFBIG)
		return nb_fail(e, -EINVAL, "lease file %s: not a regular file of at most %u bytes", path, LEASE6_FILE_MAX);
	if (n < 0)
		return nb_fail(e, (int)n, "lease file %s: %s", path, strerror((int)-n));
	leases6_parse(p, buf, (size_t)n, path, warn, ctx);
	free(buf);
	return 0;
}

int leases6_save(const struct lease6_pool *p, const char *path, struct errbuf *e)
{
	char *text = NULL, dir[PATH_MAX];
	size_t tlen = 0;
	const char *slash = strrchr(path, '/');
	FILE *f = open_memstream(&text, &tlen);

	if (!f)
		return nb_fail(e, -ENOMEM, "lease file %s: out of memory", path);
	int rc = leases6_write(p, f);
	if (fclose(f) != 0 || rc < 0) {
		free(text);
		return nb_fail(e, -EIO, "lease file %s: cannot format", path);
	}
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
	if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		free(text);
		return nb_fail(e, -errno, "lease file %s: folder %s: %s", path, dir, strerror(errno));
	}
	rc = write_atomic(dfd, slash ? slash + 1 : path, text, e);
	close(dfd);
	free(text);
	return rc;
}
