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
#include "server/loglimit.h"
#include "server/loop.h"
#include "server/metrics.h"

struct dhcp_service;
struct tftp_service;
struct http_service;
struct nbd_service;
struct ra_service;
struct dhcp6_service;

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
	struct dhcp6_service *dhcp6;	/* DHCPv6 (server/dhcp6.c), NULL when off */
	long long started_ms;
	int argc;			/* the flags after "serve": read again on SIGHUP */
	char **argv;
	struct loglim loglim;		/* the log's one flood limit (server/loglimit.c) */
	struct loop_timer log_timer;	/* writes its summaries when a window closes */
};

/* Syslog priorities a log line carries (in the journal: "<4>" first). */
enum { LOG_PRIO_ERR = 3, LOG_PRIO_WARNING = 4, LOG_PRIO_INFO = 6, LOG_PRIO_DEBUG = 7 };

/* How a kind of line is limited: at most per_sec lines a second per key
 * (the call site's format, per service, and per client when by_peer);
 * the rest are counted and one summary "N more like this [from IP] in the
 * last S s (the last: ...)" follows when the second is over (loglimit.h). */
struct log_rule {
	int prio;
	unsigned per_sec;
	bool by_peer;
};
/* Client events: 20 a second per kind (a lab booting stays far below). */
extern const struct log_rule LOG_EVENT;

/* One log line "netboot-serve: <mac or ip> <service>: <text>", flushed,
 * under LOG_EVENT.  mac may be NULL (then ip, then "-" names the peer). */
void srv_log(struct server *s, const uint8_t *mac, uint32_t ip, const char *service, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* The same for a wrapper that takes its own format and arguments: fmt stays
 * the kind of line, so pass the caller's format, not "%s". */
void srv_vlog(struct server *s, const uint8_t *mac, uint32_t ip, const char *service, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));
/* The same under another rule (junk, refusals: lower caps, other priorities). */
void srv_logr(struct server *s, const struct log_rule *r, const uint8_t *mac, uint32_t ip, const char *service,
	      const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void srv_vlogr(struct server *s, const struct log_rule *r, const uint8_t *mac, uint32_t ip, const char *service,
	       const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));
/* The same with the peer named by who: an IPv6 peer's address (ip 0). */
void srv_vlogw(struct server *s, const struct log_rule *r, const char *who, uint32_t ip, const char *service,
	       const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
/* The loop timer's work: writes the summaries of windows closed; ms until
 * it should run again, or -1.  srv_log_end: every summary (the exit). */
long srv_log_tick(struct server *s, long long now_ms);
void srv_log_end(struct server *s);

/* One line on f as every log line is written: "<prio>" first when f is
 * the systemd journal (JOURNAL_STREAM names its device and inode), else
 * an ISO 8601 UTC timestamp with milliseconds ("2026-12-06T18:40:12.345Z ").
 * Unlimited: for the server's own lines (start, reload, warnings, errors). */
void srv_line(FILE *f, int prio, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void srv_vline(FILE *f, int prio, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));

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
int dhcp6_service_start(struct server *s, struct errbuf *e);
void dhcp6_service_stop(struct server *s);

/* Everything the server would refuse short of binding its ports: the
 * settings (serve_config_validate), this machine's address (filled in when
 * not given; one line to log saying so unless log is NULL), the kernel and initrd in the boot
 * folder (the kernel's name filled in).  0 or -errno with e set. */
int server_preflight(struct serve_config *c, FILE *log, struct errbuf *e);

/* Runs until SIGINT/SIGTERM: prepares the boot folder, starts the services
 * the config enables, drops privileges, loops.  SIGHUP reads the settings
 * again from argv (the flags after "serve", --config FILE among them) and
 * rescans the boot folder; transfers in flight go on.  Returns an exit
 * status. */
int server_run(const struct serve_config *cfg, int argc, char **argv, FILE *log);
#endif
