/*
 * rawsrv.c - a tiny HTTP/1.1 server on 127.0.0.1 for the transport tests:
 * connection numbers and peer addresses (connection reuse, localIPs), an
 * echo that keeps the request's Content-Encoding (compression both ways),
 * and the misbehaviours httpbin cannot show (reset, EOF, garbage, a body
 * that is not what its Content-Encoding says). See server.h for the paths.
 *
 * It runs in a process of its own (its own process group, stopped by
 * ts_server_stop) that forks one child per connection, so a keep-alive
 * connection never holds up another.
 */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void respond(int fd, const char *extra, const char *body, size_t len)
{
	char head[512];
	int n = snprintf(head, sizeof(head),
		"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n%s\r\n", len,
		extra ? extra : "");

	if (write_all(fd, head, (size_t)n) == 0)
		write_all(fd, body, len);
}

/* The value of header name in the block head[0..n), or NULL; *len set. */
static const char *header(const char *head, const char *name, size_t *len)
{
	size_t nl = strlen(name);

	for (const char *p = head; p && *p;) {
		const char *e = strstr(p, "\r\n");

		if (e == NULL)
			e = p + strlen(p);   /* the block's last line (its CRLF was cut off) */
		if (e == p)
			break;
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			const char *v = p + nl + 1;

			while (*v == ' ')
				v++;
			*len = (size_t)(e - v);
			return v;
		}
		p = *e ? e + 2 : e;
	}
	return NULL;
}

/* Serves one connection until the client closes it or a path ends it. */
static void serve(int fd, unsigned conn_no, const char *peer)
{
	static char buf[1 << 20];
	size_t have = 0;

	for (;;) {
		char *end, *path_end;
		const char *v;
		size_t hlen, clen = 0, vlen;
		char line[256], path[200];

		while ((end = memmem(buf, have, "\r\n\r\n", 4)) == NULL) {
			ssize_t r = recv(fd, buf + have, sizeof(buf) - 1 - have, 0);

			if (r <= 0)
				return;
			have += (size_t)r;
			buf[have] = '\0';
			if ((unsigned char)buf[0] == 0x16) {
				/* A TLS handshake: answer in plain HTTP, as a
				 * server that does not speak TLS would. */
				static const char no[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";

				write_all(fd, no, sizeof(no) - 1);
				return;
			}
		}
		hlen = (size_t)(end + 4 - buf);
		*end = '\0';
		if ((v = header(strstr(buf, "\r\n") + 2, "Content-Length", &vlen)) != NULL)
			clen = strtoul(v, NULL, 10);
		while (have < hlen + clen) {
			ssize_t r = recv(fd, buf + have, sizeof(buf) - 1 - have, 0);

			if (r <= 0)
				return;
			have += (size_t)r;
		}
		path_end = strchr(buf, ' ');
		snprintf(path, sizeof(path), "%.*s", path_end ? (int)strcspn(path_end + 1, " ") : 0,
			path_end ? path_end + 1 : "");
		if (strcmp(path, "/conn") == 0) {
			snprintf(line, sizeof(line), "conn %u", conn_no);
			respond(fd, NULL, line, strlen(line));
		} else if (strcmp(path, "/peer") == 0) {
			respond(fd, NULL, peer, strlen(peer));
		} else if (strncmp(path, "/echo", 5) == 0) {
			const char *cut = strstr(path, "cut=");
			size_t n = clen, drop = cut ? strtoul(cut + 4, NULL, 10) : 0;
			const char *enc = header(strstr(buf, "\r\n") + 2, "Content-Encoding", &vlen);

			line[0] = '\0';
			if (enc)
				snprintf(line, sizeof(line), "Content-Encoding: %.*s\r\n", (int)vlen, enc);
			respond(fd, line, buf + hlen, drop < n ? n - drop : 0);
		} else if (strcmp(path, "/corrupt-gzip") == 0) {
			respond(fd, "Content-Encoding: gzip\r\n", "this is not gzip", 16);
		} else if (strcmp(path, "/reset") == 0) {
			struct linger lg = { 1, 0 };

			setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
			return;
		} else if (strcmp(path, "/eof") == 0) {
			return;
		} else if (strcmp(path, "/garbage") == 0) {
			write_all(fd, "garbage\r\n\r\n", 11);
			return;
		} else {
			static const char nf[] = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";

			write_all(fd, nf, sizeof(nf) - 1);
		}
		memmove(buf, buf + hlen + clen, have - hlen - clen);
		have -= hlen + clen;
	}
}

int ts_raw_start(ts_server *out)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	pid_t pid;
	int lfd, one = 1;

	memset(out, 0, sizeof(*out));
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0)
		return -1;
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 128) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &len) < 0) {
		fprintf(stderr, "ts_raw_start: %s\n", strerror(errno));
		close(lfd);
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(lfd);
		return -1;
	}
	if (pid == 0) {
		unsigned n = 0;

		setpgid(0, 0);
		signal(SIGCHLD, SIG_IGN);   /* connection children reap themselves */
		for (;;) {
			struct sockaddr_in peer;
			socklen_t plen = sizeof(peer);
			int fd = accept(lfd, (struct sockaddr *)&peer, &plen);
			char ip[INET_ADDRSTRLEN];

			if (fd < 0) {
				if (errno == EINTR)
					continue;
				_exit(1);
			}
			n++;
			inet_ntop(AF_INET, &peer.sin_addr, ip, sizeof(ip));
			if (fork() == 0) {
				close(lfd);
				serve(fd, n, ip);
				close(fd);
				_exit(0);
			}
			close(fd);
		}
	}
	setpgid(pid, pid);
	close(lfd);
	ts__remember(pid);
	out->pid = pid;
	out->port = ntohs(sa.sin_port);
	snprintf(out->base_url, sizeof(out->base_url), "http://127.0.0.1:%d", out->port);
	return 0;
}
