/* udp_delay: a UDP relay for one TFTP transfer at a time that holds every
 * packet DELAY_US microseconds in each direction, so bench/tftp_bench.sh can
 * compare TFTP clients at a LAN-like round-trip time, and faults_delay_tftp.sh
 * can put 200 ms each way under a TFTP fetch, on a machine without netem.
 * Loopback only.  On SIGTERM or SIGINT it prints how many datagrams went
 * each way (a client or server that floods shows there) and exits.
 *   udp_delay LISTEN_PORT SERVER_PORT DELAY_US
 * Clients talk to 127.0.0.1:LISTEN_PORT.  A request (RRQ/WRQ) goes to the
 * server's SERVER_PORT; everything else from the client goes to the port the
 * server last answered from (its transfer ID); the server's packets go back
 * to the client from LISTEN_PORT.  Packets keep their order. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define QMAX 8192

struct pkt {
	uint64_t due;
	int to_client;
	struct sockaddr_in to;	/* chosen on arrival */
	size_t len;
	uint8_t *data;
};

static struct pkt q[QMAX];
static unsigned qhead, qlen;
static unsigned long sent[2], dropped;	/* sent[1]: to the client */
static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int bound(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), big = 8 << 20;

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("udp_delay: bind");
		exit(1);
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big));
	return fd;
}

int main(int argc, char **argv)
{
	static uint8_t buf[65536];
	struct sockaddr_in client = { 0 }, server = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) }, tid;
	int cfd, sfd;
	uint64_t delay;

	if (argc != 4) {
		fprintf(stderr, "usage: udp_delay LISTEN_PORT SERVER_PORT DELAY_US\n");
		return 2;
	}
	cfd = bound((uint16_t)atoi(argv[1]));
	sfd = bound(0);
	server.sin_port = htons((uint16_t)atoi(argv[2]));
	tid = server;
	delay = (uint64_t)atoll(argv[3]) * 1000u;
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);	/* wake on time, not 50 us late */
	signal(SIGPIPE, SIG_IGN);
	/* the stop signals get through only inside ppoll: none is lost between
	 * the check of stop and the wait */
	sigset_t stops, in_wait;
	struct sigaction sa = { .sa_handler = on_stop };
	sigemptyset(&stops);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGINT);
	sigprocmask(SIG_BLOCK, &stops, &in_wait);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	while (!stop) {
		struct pollfd pfd[2] = { { .fd = cfd, .events = POLLIN }, { .fd = sfd, .events = POLLIN } };
		uint64_t t = now_ns();
		struct timespec ts, *tsp = NULL;

		/* send what is due */
		while (qlen && q[qhead].due <= t) {
			struct pkt *p = &q[qhead];
			sendto(p->to_client ? cfd : sfd, p->data, p->len, 0, (struct sockaddr *)&p->to, sizeof(p->to));
			sent[p->to_client]++;
			free(p->data);
			qhead = (qhead + 1) % QMAX;
			qlen--;
		}
		if (qlen) {
			uint64_t w = q[qhead].due - t;
			ts.tv_sec = (time_t)(w / 1000000000u);
			ts.tv_nsec = (long)(w % 1000000000u);
			tsp = &ts;
		}
		if (ppoll(pfd, 2, tsp, &in_wait) <= 0)
			continue;
		for (int i = 0; i < 2; i++) {
			while (pfd[i].revents & POLLIN) {
				struct sockaddr_in from;
				socklen_t sl = sizeof(from);
				ssize_t n = recvfrom(pfd[i].fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &sl);
				if (n < 0)
					break;
				if (qlen == QMAX) {
					dropped++;	/* full: a drop, as a real queue would */
					continue;
				}
				if (i == 0) {
					client = from;
					/* the request starts a transfer: the server answers from a new port */
					if (n >= 2 && buf[0] == 0 && (buf[1] == 1 || buf[1] == 2))
						tid = server;
				} else {
					tid = from;
				}
				struct pkt *p = &q[(qhead + qlen) % QMAX];
				p->due = now_ns() + delay;
				p->to_client = i == 1;
				p->to = i == 1 ? client : tid;
				p->len = (size_t)n;
				p->data = malloc((size_t)n);
				if (!p->data)
					continue;
				memcpy(p->data, buf, (size_t)n);
				qlen++;
			}
		}
	}
	printf("udp_delay: to_server=%lu to_client=%lu dropped=%lu\n", sent[0], sent[1], dropped);
	return 0;
}
