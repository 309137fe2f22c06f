/* netboot serve: the companion PXE boot server.  One process, one epoll
 * loop (server/loop.c), one file per service: DHCP and proxy-DHCP
 * (dhcp.c, leases in leases.c), TFTP (tftp.c, with tftp_send.c and
 * tftp_hosts.c), HTTP with the status page (http.c, the page from
 * clients.c), NBD (nbd.c); HTTP and NBD on the TCP skeleton in
 * tcp_listen.c.  The services speak through the codecs in netboot/ that the
 * agent uses too.  Settings come from the pxebootsrv file and flags
 * (config.c); the files served come from the boot folder plus Debian's
 * loaders and a generated pxelinux.cfg/default (files.c). */
#ifndef SERVER_SERVER_H
#define SERVER_SERVER_H
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "netboot/errbuf.h"
#include "server/clients.h"
#include "server/config.h"
#include "server/files.h"
#include "server/loop.h"
#include "server/metrics.h"

struct dhcp_service;
struct tftp_service;
struct http_service;
struct nbd_service;
struct ra_service;

/* One kind of log line (a call site's format string): what srv_log wrote
 * and held back in the current second. */
struct log_kind {
	const char *service, *fmt;	/* the key, compared as pointers */
	long long sec;			/* monotonic second counted */
	unsigned used, held;
	char last[192];			/* the last line held back (its first 160 bytes), for the summary */
};

/* More than the call sites ever active in one second (about 70 in all). */
#define LOG_KINDS 64

struct server {
	struct serve_config cfg;
	struct loop loop;
	struct clients clients;		/* every client seen, for the log and the status page */
	struct boot_files files;	/* what TFTP and HTTP may serve */
	FILE *log;			/* one line per client event */
	struct dhcp_service *dhcp;	/* NULL when the service is off */
	struct tftp_service *tftp;
	struct http_service *http;
	struct nbd_service *nbd;
	struct metrics metrics;		/* counters for /metrics, bumped where events happen */
	struct ra_service *ra;		/* the empty RA for iPXE (server/ra.h) */
	long long started_ms;
	struct log_kind log_kinds[LOG_KINDS];	/* srv_log's flood limit (server/log.c) */
	struct loop_timer log_timer;		/* writes its summaries when a flood stops */
};

/* One log line "netboot-serve: <mac or ip> <service>: <text>", flushed.
 * mac may be NULL (then ip, then "-" names the peer).  Each call site (fmt)
 * writes at most a few tens of lines a second; the rest are counted and one
 * line "N similar lines suppressed in the last second" follows (log.c). */
void srv_log(struct server *s, const uint8_t *mac, uint32_t ip, const char *service, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* The same for a wrapper that takes its own format and arguments: fmt stays
 * the kind of line, so pass the caller's format, not "%s". */
void srv_vlog(struct server *s, const uint8_t *mac, uint32_t ip, const char *service, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));
/* The loop timer's work: writes the summaries of seconds past; ms until
 * it should run again, or -1. */
long srv_log_tick(struct server *s, long long now_ms);

/* A flood-proof log: at most per_sec lines a second; the lines held back
 * are counted and the next line written says how many. */
struct log_budget {
	long long sec;
	unsigned used, quiet;
};

/* Whether a line may be written now; if so, *held_back is how many were
 * not written since the last one (then reset). */
bool log_budget_take(struct log_budget *b, unsigned per_sec, unsigned *held_back);

/* The MAC DHCP saw for ip, or NULL: the key of a TCP/UDP peer's log line. */
const uint8_t *srv_mac_of(struct server *s, uint32_t ip);

/* Each service: start binds its sockets and registers them with s->loop
 * (0 or a negative errno with e saying which port and why); stop closes
 * everything and frees the service. */
int dhcp_service_start(struct server *s, struct errbuf *e);
void dhcp_service_stop(struct server *s);
int tftp_service_start(struct server *s, struct errbuf *e);
void tftp_service_stop(struct server *s);
int http_service_start(struct server *s, struct errbuf *e);
void http_service_stop(struct server *s);
int nbd_service_start(struct server *s, struct errbuf *e);
void nbd_service_stop(struct server *s);
int ra_service_start(struct server *s, struct errbuf *e);
void ra_service_stop(struct server *s);

/* Everything the server would refuse short of binding its ports: the
 * settings (serve_config_validate), this machine's address (filled in when
 * not given; one line to log saying so unless log is NULL), the kernel and initrd in the boot
 * folder (the kernel's name filled in).  0 or -errno with e set. */
int server_preflight(struct serve_config *c, FILE *log, struct errbuf *e);

/* Runs until SIGINT/SIGTERM: prepares the boot folder, starts the services
 * the config enables, drops privileges, loops.  Returns an exit status. */
int server_run(const struct serve_config *cfg, FILE *log);
#endif
