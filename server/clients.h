/* Every client the server has seen, keyed by MAC (by IP until a DHCP
 * packet names its MAC): what it is, how far its boot got, and its stage-3
 * transfer.  The log and the status page (/, /status.json) read it. */
#ifndef SERVER_CLIENTS_H
#define SERVER_CLIENTS_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define CLIENTS_MAX 1024

/* How far a client got, in boot order; a client only moves forward. */
enum client_stage {
	STAGE_NONE,
	STAGE_DHCP_OFFER,	/* firmware asked, we offered */
	STAGE_DHCP_ACK,		/* address (or boot information) acknowledged */
	STAGE_LOADER,		/* pxelinux.0 / syslinux.efi fetched */
	STAGE_KERNEL,		/* kernel or initrd fetched */
	STAGE_AGENT_DHCP,	/* our /init asked for its lease */
	STAGE_IMAGE,		/* stage 3 started: sysrcd.dat requested */
	STAGE_IMAGE_DONE,	/* the whole image served */
};
#define CLIENT_STAGES (STAGE_IMAGE_DONE + 1)

struct client {
	uint8_t mac[6];
	bool has_mac;
	uint32_t ip;		/* network order, 0 = not known */
	int arch;		/* option 93, -1 = not sent */
	char vendor[48];	/* option 60, sanitized (printable, not yet HTML-safe) */
	char hostname[64];	/* option 12, sanitized */
	enum client_stage stage;
	long long first_ms, last_ms;	/* wall clock, unix ms */
	/* stage 3 */
	uint64_t image_bytes;	/* served so far */
	uint64_t image_size;
	long long image_start_ms;	/* monotonic */
	double image_rate;	/* bytes/s over the transfer so far */
	char image_via[8];	/* "http", "tftp", "nbd" */
	uint64_t *stage_reached;	/* the table's, see below */
	char ip6[46];		/* the DHCPv6 address bound (server/dhcp6.c), "" = none */
};

struct clients {
	struct client c[CLIENTS_MAX];
	int n;
	/* CLIENT_STAGES counters (the server's metrics): each stage a client
	 * moves to is counted once there; NULL = not counted */
	uint64_t *stage_reached;
};

/* The client with this MAC, created when new (the oldest is reused when
 * full).  Never NULL. */
struct client *clients_by_mac(struct clients *t, const uint8_t mac[6]);
/* The client with this IP, NULL when none (nothing is created: a refused
 * stranger must not push real clients out of the table). */
struct client *clients_find_ip(struct clients *t, uint32_t ip);
/* The client with this IP, created (MAC unknown) when new.  Never NULL. */
struct client *clients_by_ip(struct clients *t, uint32_t ip);
/* Records the IP a MAC now has, merging an IP-only entry into it.  The
 * merge may move c: use the pointer returned. */
struct client *clients_set_ip(struct clients *t, struct client *c, uint32_t ip);
/* Moves a client forward (never back) and stamps it. */
void clients_advance(struct client *c, enum client_stage st);
/* Stage-3 progress: bytes more were served to c over via. */
void clients_image_progress(struct client *c, const char *via, uint64_t bytes, uint64_t size);
const char *client_stage_name(enum client_stage st);
/* "BIOS", "UEFI x64", ... for option 93. */
const char *client_arch_name(int arch);

/* The wall clock in unix ms: what first_ms and last_ms hold. */
long long clients_wall_ms(void);
/* The status page bodies; now_ms is the wall clock (unix ms) the "ago"
 * columns count from.  The HTML escapes every string it prints. */
void clients_write_json(const struct clients *t, FILE *out);
void clients_write_html(const struct clients *t, long long now_ms, long long uptime_ms, FILE *out);
/* s with & < > " ' as entities. */
void html_escape(FILE *out, const char *s);
#endif
