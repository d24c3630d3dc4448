#define _GNU_SOURCE
/* echo: the minimal C epoll echo server the suite measures against.
 * One thread, level-triggered epoll, non-blocking sockets; each readable
 * connection is read into one shared 64 KiB buffer and written back. A
 * short write (rare with 1 KiB ping-pong) keeps the rest in a per-connection
 * buffer and waits for EPOLLOUT, so no byte is lost.
 * Usage: echo PORT   (listens on 127.0.0.1; prints "listening 127.0.0.1:PORT") */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

struct pending { char *buf; size_t len; };

static struct pending *pend; /* indexed by fd */
static int npend;

static void drop(int ep, int fd) {
	epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
	close(fd);
	if (fd < npend) { free(pend[fd].buf); pend[fd].buf = NULL; pend[fd].len = 0; }
}

/* keep remembers bytes not yet written and waits for the socket to drain. */
static int keep(int ep, int fd, const char *p, size_t n) {
	if (fd >= npend) {
		int m = fd * 2 + 16;
		pend = realloc(pend, m * sizeof *pend);
		memset(pend + npend, 0, (m - npend) * sizeof *pend);
		npend = m;
	}
	struct pending *q = &pend[fd];
	q->buf = realloc(q->buf, q->len + n);
	memcpy(q->buf + q->len, p, n);
	q->len += n;
	struct epoll_event ev = { .events = EPOLLOUT, .data.fd = fd };
	return epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
}

int main(int argc, char **argv) {
	if (argc != 2) { fprintf(stderr, "usage: echo PORT\n"); return 2; }
	signal(SIGPIPE, SIG_IGN);
	int ln = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int one = 1;
	setsockopt(ln, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[1])) };
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (bind(ln, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(ln, 4096) < 0) {
		perror("echo: listen"); return 1;
	}
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = ln };
	epoll_ctl(ep, EPOLL_CTL_ADD, ln, &ev);
	printf("listening 127.0.0.1:%s\n", argv[1]);
	fflush(stdout);
	static char buf[65536];
	struct epoll_event evs[256];
	for (;;) {
		int n = epoll_wait(ep, evs, 256, -1);
		if (n < 0 && errno == EINTR) continue;
		if (n < 0) { perror("echo: epoll_wait"); return 1; }
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			if (fd == ln) {
				int c;
				while ((c = accept4(ln, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
					setsockopt(c, IPPROTO_TCP, 1 /* TCP_NODELAY */, &one, sizeof one);
					struct epoll_event cev = { .events = EPOLLIN, .data.fd = c };
					epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
				}
				continue;
			}
			if (evs[i].events & EPOLLOUT) {
				struct pending *q = &pend[fd];
				ssize_t w = write(fd, q->buf, q->len);
				if (w < 0 && errno != EAGAIN) { drop(ep, fd); continue; }
				if (w > 0) { memmove(q->buf, q->buf + w, q->len - w); q->len -= w; }
				if (q->len == 0) {
					struct epoll_event cev = { .events = EPOLLIN, .data.fd = fd };
					epoll_ctl(ep, EPOLL_CTL_MOD, fd, &cev);
				}
				continue;
			}
			ssize_t r = read(fd, buf, sizeof buf);
			if (r == 0 || (r < 0 && errno != EAGAIN)) { drop(ep, fd); continue; }
			if (r < 0) continue;
			ssize_t w = write(fd, buf, r);
			if (w < 0 && errno != EAGAIN) { drop(ep, fd); continue; }
			if (w < 0) w = 0;
			if (w < r && keep(ep, fd, buf + w, r - w) < 0) drop(ep, fd);
		}
	}
}
