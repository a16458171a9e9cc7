/*
 * server.c - test harness: start real local servers (httpbin under gunicorn,
 * nginx as a TLS front with its own test PKI) on a free 127.0.0.1 port for the
 * lifetime of one test executable, probe them over a raw loopback socket until they answer, and
 * stop them again.
 *
 * Every server runs in its own process group so that stopping it also stops
 * gunicorn's workers. Started servers are remembered in a small table and an
 * atexit() handler stops any that a failing test left running; Check runs
 * tests in forked children by default, so the handler only acts in the
 * process that started the server (it records its pid).
 */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TS_MAX_SERVERS 16
#define TS_START_TIMEOUT_MS 20000
#define TS_STOP_GRACE_MS 5000

/* Servers not yet stopped, with the pid of the process that started them
 * and the scratch directory to remove with them ("" if none). */
static struct {
	pid_t pid;
	pid_t owner;
	char dir[200];
} live[TS_MAX_SERVERS];
static int atexit_registered;

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int bound_port(int *fd_out)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = 0;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		close(fd);
		return -1;
	}
	*fd_out = fd;
	return ntohs(sa.sin_port);
}

int ts_free_port(void)
{
	int fd;
	int port = bound_port(&fd);
	if (port > 0)
		close(fd);
	return port;
}

int ts_closed_port(void)
{
	/* A port the kernel just handed out and that nobody listens on; a
	 * bound-but-not-listening socket would refuse too, but closing it keeps
	 * the helper free of state and the port is unlikely to be reused soon. */
	return ts_free_port();
}

const char *ts_srcdir(void)
{
	const char *d = getenv("K6C_TEST_SRCDIR");
	return d && *d ? d : ".";
}

/* Kills a process group: SIGTERM, then SIGKILL if it outlives the grace. */
static void stop_pid(pid_t pid)
{
	long long deadline;
	int status;

	if (pid <= 0)
		return;
	kill(-pid, SIGTERM);
	deadline = now_ms() + TS_STOP_GRACE_MS;
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid || (r < 0 && errno != EINTR))
			break;
		if (now_ms() >= deadline) {
			kill(-pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			break;
		}
		sleep_ms(20);
	}
	/* Workers may outlive the master for a moment; make sure the group
	 * is gone so the next test does not inherit busy servers. */
	kill(-pid, SIGKILL);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static void remove_tree(const char *dir)
{
	if (dir[0])
		nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void forget(pid_t pid)
{
	for (int i = 0; i < TS_MAX_SERVERS; i++) {
		if (live[i].pid == pid) {
			remove_tree(live[i].dir);
			live[i].dir[0] = '\0';
			live[i].pid = 0;
		}
	}
}

static void stop_all_at_exit(void)
{
	pid_t self = getpid();
	for (int i = 0; i < TS_MAX_SERVERS; i++) {
		if (live[i].pid > 0 && live[i].owner == self) {
			stop_pid(live[i].pid);
			forget(live[i].pid);
		}
	}
}

static void remember(pid_t pid, const char *dir)
{
	if (!atexit_registered) {
		atexit(stop_all_at_exit);
		atexit_registered = 1;
	}
	for (int i = 0; i < TS_MAX_SERVERS; i++) {
		if (live[i].pid == 0) {
			live[i].pid = pid;
			live[i].owner = getpid();
			snprintf(live[i].dir, sizeof(live[i].dir), "%s", dir ? dir : "");
			return;
		}
	}
}

/* One GET over a fresh loopback connection; returns the status code or -1. */
static int probe_status(int port, const char *path)
{
	struct sockaddr_in sa;
	struct timeval tv = { 1, 0 };
	char req[256], buf[64];
	size_t got = 0;
	int fd, n, status = -1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((unsigned short)port);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto out;
	n = snprintf(req, sizeof(req),
		"GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n",
		path, port);
	if (send(fd, req, (size_t)n, MSG_NOSIGNAL) != n)
		goto out;
	while (got < sizeof(buf) - 1) {
		ssize_t r = recv(fd, buf + got, sizeof(buf) - 1 - got, 0);
		if (r <= 0)
			break;
		got += (size_t)r;
		if (memchr(buf, '\n', got))
			break;
	}
	buf[got] = '\0';
	if (strncmp(buf, "HTTP/1.", 7) == 0 && got >= 12)
		status = atoi(buf + 9);
out:
	close(fd);
	return status;
}

static const char *gunicorn_path(void)
{
	/* Debian's gunicorn runs under /usr/bin/python3, where python3-httpbin
	 * is installed; a python3 earlier on PATH (pyenv, venv) may lack it. */
	const char *env = getenv("K6C_TEST_GUNICORN");
	if (env && *env)
		return env;
	if (access("/usr/bin/gunicorn", X_OK) == 0)
		return "/usr/bin/gunicorn";
	return "gunicorn";
}

int ts_httpbin_start(ts_server *out)
{
	char bind_arg[64];
	long long deadline;
	pid_t pid;
	int port, status;

	memset(out, 0, sizeof(*out));
	port = ts_free_port();
	if (port <= 0) {
		fprintf(stderr, "ts_httpbin_start: no free port: %s\n", strerror(errno));
		return -1;
	}
	snprintf(bind_arg, sizeof(bind_arg), "127.0.0.1:%d", port);

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "ts_httpbin_start: fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		const char *gpath = gunicorn_path();
		char *argv[] = {
			(char *)gpath, "-b", bind_arg, "-w", "2", "-k", "gthread",
			"--threads", "8", "--log-level", "warning", "httpbin:app", NULL,
		};
		int devnull;
		setpgid(0, 0);
		/* The server's stdout is noise in test logs; keep stderr for
		 * its warnings and start-up failures. */
		devnull = open("/dev/null", O_RDWR);
		if (devnull >= 0) {
			dup2(devnull, STDIN_FILENO);
			dup2(devnull, STDOUT_FILENO);
			close(devnull);
		}
		execvp(gpath, argv);
		fprintf(stderr, "ts_httpbin_start: exec %s: %s\n", gpath, strerror(errno));
		_exit(127);
	}
	/* Set the group from both sides so a kill(-pid) right after fork()
	 * cannot race the child's own setpgid(). */
	setpgid(pid, pid);
	remember(pid, NULL);

	deadline = now_ms() + TS_START_TIMEOUT_MS;
	for (;;) {
		if (probe_status(port, "/get") == 200)
			break;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			fprintf(stderr, "ts_httpbin_start: gunicorn exited (status %d)\n", status);
			forget(pid);
			kill(-pid, SIGKILL);
			return -1;
		}
		if (now_ms() >= deadline) {
			fprintf(stderr, "ts_httpbin_start: httpbin did not answer on port %d within 20 s\n",
				port);
			stop_pid(pid);
			forget(pid);
			return -1;
		}
		sleep_ms(50);
	}
	out->pid = pid;
	out->port = port;
	snprintf(out->base_url, sizeof(out->base_url), "http://127.0.0.1:%d", port);
	return 0;
}

/* Runs a program to completion with its output discarded; 0 if it exited 0. */
static int run_quiet(char *const argv[])
{
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);
		if (devnull >= 0) {
			dup2(devnull, STDIN_FILENO);
			dup2(devnull, STDOUT_FILENO);
			dup2(devnull, STDERR_FILENO);
			close(devnull);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static void dump_file(const char *path)
{
	char buf[512];
	size_t n;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stderr);
	fclose(f);
}

static int tcp_accepts(int port)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int ok;

	if (fd < 0)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((unsigned short)port);
	ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return ok;
}

/* The test's PKI in dir: a CA; the server's certificate (IP 127.0.0.1 only,
 * serial 0x1001) signed by it with a "good" OCSP response for nginx to
 * staple; a client certificate signed by it (its key also encrypted with
 * TS_CLIENT_KEY_PASSWORD); and a self-signed "rogue" client certificate. */
static int make_pki(const char *dir, ts_server *out)
{
	char ca[256], ca_key[256], key[256], csr[256], ext[256], cert[256], ckey[256], ccsr[256];
	char cext[256], index[256], req[256], ocsp[256], pass[64];
	char exp[32];
	time_t t = time(NULL) + 7 * 86400;
	struct tm tm;
	FILE *f;

#define P(var, name) snprintf(var, sizeof(var), "%s/" name, dir)
	P(ca, "ca.pem");
	P(ca_key, "ca.key");
	P(key, "key.pem");
	P(csr, "server.csr");
	P(ext, "server.ext");
	P(cert, "cert.pem");
	P(ckey, "client.key");
	P(ccsr, "client.csr");
	P(cext, "client.ext");
	P(index, "index.txt");
	P(req, "ocsp-req.der");
	P(ocsp, "ocsp.der");
	P(out->client_cert, "client.pem");
	P(out->client_key, "client.key");
	P(out->client_key_enc, "client-enc.key");
	P(out->rogue_cert, "rogue.pem");
	P(out->rogue_key, "rogue.key");
#undef P
	snprintf(out->cert_file, sizeof(out->cert_file), "%s", ca);
	snprintf(pass, sizeof(pass), "pass:%s", TS_CLIENT_KEY_PASSWORD);
	gmtime_r(&t, &tm);
	strftime(exp, sizeof(exp), "%y%m%d%H%M%SZ", &tm);
	if ((f = fopen(ext, "w")) == NULL)
		return -1;
	fputs("subjectAltName=IP:127.0.0.1\n", f);
	fclose(f);
	if ((f = fopen(cext, "w")) == NULL)
		return -1;
	fputs("extendedKeyUsage=clientAuth\n", f);
	fclose(f);
	if ((f = fopen(index, "w")) == NULL)
		return -1;
	fprintf(f, "V\t%s\t\t1001\tunknown\t/CN=k6c-test\n", exp);
	fclose(f);
	{
		char *steps[][24] = {
			{ "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
			  "-nodes", "-keyout", ca_key, "-out", ca, "-days", "7", "-subj", "/CN=k6c-test-ca",
			  "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
			  "keyUsage=critical,keyCertSign,cRLSign", NULL },
			{ "openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
			  "-keyout", key, "-out", csr, "-subj", "/CN=k6c-test", NULL },
			{ "openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-set_serial",
			  "4097", "-days", "7", "-out", cert, "-extfile", ext, NULL },
			{ "openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
			  "-keyout", ckey, "-out", ccsr, "-subj", "/CN=k6c-client", NULL },
			{ "openssl", "x509", "-req", "-in", ccsr, "-CA", ca, "-CAkey", ca_key, "-set_serial",
			  "4098", "-days", "7", "-out", out->client_cert, "-extfile", cext, NULL },
			{ "openssl", "pkcs8", "-topk8", "-in", ckey, "-out", out->client_key_enc, "-v2",
			  "aes-256-cbc", "-passout", pass, NULL },
			{ "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
			  "-nodes", "-keyout", out->rogue_key, "-out", out->rogue_cert, "-days", "7", "-subj",
			  "/CN=k6c-rogue", NULL },
			{ "openssl", "ocsp", "-issuer", ca, "-cert", cert, "-reqout", req, "-no_nonce", NULL },
			{ "openssl", "ocsp", "-index", index, "-rsigner", ca, "-rkey", ca_key, "-CA", ca,
			  "-reqin", req, "-respout", ocsp, "-ndays", "7", NULL },
		};

		for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
			if (run_quiet(steps[i]) != 0) {
				fprintf(stderr, "ts_nginx_tls_start: openssl %s failed\n", steps[i][1]);
				return -1;
			}
		}
	}
	return 0;
}

int ts_nginx_tls_start(ts_server *out, const ts_server *upstream)
{
	char dir[] = "/tmp/k6c-nginx-XXXXXX";
	char conf[200], err_log[200], prefix[210];
	FILE *f;
	long long deadline;
	pid_t pid;
	int port, status;

	memset(out, 0, sizeof(*out));
	if (mkdtemp(dir) == NULL) {
		fprintf(stderr, "ts_nginx_tls_start: mkdtemp: %s\n", strerror(errno));
		return -1;
	}
	/* nginx's workers drop root for "nobody" and must reach their temp
	 * directories inside. */
	chmod(dir, 0711);
	snprintf(conf, sizeof(conf), "%s/nginx.conf", dir);
	snprintf(err_log, sizeof(err_log), "%s/error.log", dir);
	snprintf(prefix, sizeof(prefix), "%s/", dir);
	if (make_pki(dir, out) != 0) {
		remove_tree(dir);
		return -1;
	}
	port = ts_free_port();
	out->mtls_port = ts_free_port();
	out->tls12_port = ts_free_port();
	f = fopen(conf, "w");
	if (port <= 0 || out->mtls_port <= 0 || out->tls12_port <= 0 || f == NULL) {
		fprintf(stderr, "ts_nginx_tls_start: cannot write %s\n", conf);
		if (f)
			fclose(f);
		remove_tree(dir);
		return -1;
	}
	fprintf(f,
		"daemon off;\n"
		"worker_processes 1;\n"
		"pid %s/nginx.pid;\n"
		"error_log %s warn;\n"
		"events { worker_connections 1024; }\n"
		"http {\n"
		"  access_log off;\n"
		"  client_body_temp_path %s/client_body;\n"
		"  proxy_temp_path %s/proxy;\n"
		"  fastcgi_temp_path %s/fastcgi;\n"
		"  uwsgi_temp_path %s/uwsgi;\n"
		"  scgi_temp_path %s/scgi;\n"
		"  client_max_body_size 64m;\n"
		"  ssl_certificate %s/cert.pem;\n"
		"  ssl_certificate_key %s/key.pem;\n"
		"  upstream up { server 127.0.0.1:%d; keepalive 16; }\n"
		"  server {\n"
		"    listen 127.0.0.1:%d ssl http2;\n"
		"    ssl_protocols TLSv1.2 TLSv1.3;\n"
		"    ssl_stapling on;\n"
		"    ssl_stapling_file %s/ocsp.der;\n"
		"    location / {\n"
		"      proxy_pass http://up;\n"
		"      proxy_http_version 1.1;\n"
		"      proxy_set_header Connection \"\";\n"
		"      proxy_set_header Host $http_host;\n"
		"    }\n"
		"  }\n"
		"  server {\n"
		"    listen 127.0.0.1:%d ssl;\n"
		"    ssl_protocols TLSv1.2 TLSv1.3;\n"
		"    ssl_client_certificate %s/ca.pem;\n"
		"    ssl_verify_client on;\n"
		"    location / { return 200 \"client $ssl_client_s_dn\"; }\n"
		"  }\n"
		"  server {\n"
		"    listen 127.0.0.1:%d ssl;\n"
		"    ssl_protocols TLSv1.2;\n"
		"    ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384;\n"
		"    location / {\n"
		"      proxy_pass http://up;\n"
		"      proxy_http_version 1.1;\n"
		"      proxy_set_header Connection \"\";\n"
		"      proxy_set_header Host $http_host;\n"
		"    }\n"
		"  }\n"
		"}\n",
		dir, err_log, dir, dir, dir, dir, dir, dir, dir, upstream->port, port, dir,
		out->mtls_port, dir, out->tls12_port);
	fclose(f);

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		remove_tree(dir);
		return -1;
	}
	if (pid == 0) {
		char *argv[] = { "nginx", "-p", prefix, "-e", err_log, "-c", conf, NULL };
		const char *path = access("/usr/sbin/nginx", X_OK) == 0 ? "/usr/sbin/nginx" : "nginx";
		int devnull = open("/dev/null", O_RDWR);

		setpgid(0, 0);
		if (devnull >= 0) {
			dup2(devnull, STDIN_FILENO);
			dup2(devnull, STDOUT_FILENO);
			close(devnull);
		}
		execvp(path, argv);
		fprintf(stderr, "ts_nginx_tls_start: exec nginx: %s\n", strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	remember(pid, dir);

	deadline = now_ms() + TS_START_TIMEOUT_MS;
	while (!tcp_accepts(port) || !tcp_accepts(out->mtls_port) || !tcp_accepts(out->tls12_port)) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			fprintf(stderr, "ts_nginx_tls_start: nginx exited (status %d)\n", status);
			dump_file(err_log);
			forget(pid);
			kill(-pid, SIGKILL);
			return -1;
		}
		if (now_ms() >= deadline) {
			fprintf(stderr, "ts_nginx_tls_start: nginx did not listen on port %d\n", port);
			stop_pid(pid);
			forget(pid);
			return -1;
		}
		sleep_ms(20);
	}
	out->pid = pid;
	out->port = port;
	snprintf(out->base_url, sizeof(out->base_url), "https://127.0.0.1:%d", port);
	return 0;
}

void ts__remember(pid_t pid)
{
	remember(pid, NULL);
}

void ts_server_stop(ts_server *s)
{
	if (!s || s->pid <= 0)
		return;
	stop_pid(s->pid);
	forget(s->pid);
	s->pid = 0;
	s->cert_file[0] = '\0';
}
