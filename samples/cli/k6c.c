/*
 * k6c.c - the `k6c` command: `k6c run script.js` with k6's flags, K6_*
 * environment variables, summary and exit codes. It uses only the public
 * API, so anything it needs is available to embedders too.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <k6c.h>

#define EXIT_INVALID_CONFIG 104
#define EXIT_OTHER 255

static k6c_test *g_test;
static volatile sig_atomic_t g_signals;
static struct timespec g_start;
static int g_verbose;

static const char usage[] =
	"Usage:\n"
	"  k6c run [flags] script.js   run a k6 test script\n"
	"  k6c version                 print the version\n"
	"  k6c help                    print this help\n"
	"\n"
	"Flags of run (as k6 run):\n"
	"  -u, --vus N                      number of virtual users\n"
	"  -d, --duration D                 test duration, e.g. 30s, 1m30s\n"
	"  -i, --iterations N               total iterations shared among the VUs\n"
	"  -e, --env KEY=VALUE              add an environment variable to __ENV\n"
	"      --include-system-env-vars B  pass the process environment to __ENV (default true)\n"
	"      --summary-trend-stats LIST   trend columns, e.g. avg,p(95),p(99.9)\n"
	"      --summary-time-unit U        s, ms or us\n"
	"      --no-summary                 do not print the end-of-test summary\n"
	"      --no-color                   no colours in the summary\n"
	"      --no-setup, --no-teardown    skip setup() / teardown()\n"
	"      --no-thresholds              do not evaluate thresholds\n"
	"      --user-agent UA              User-Agent header of HTTP requests\n"
	"  -q, --quiet                      print only the summary and errors\n"
	"  -v, --verbose                    print debug log lines\n"
	"      --workers N                  worker threads (default: K6C_WORKERS or CPUs)\n";

static double elapsed_s(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - g_start.tv_sec) + (double)(now.tv_nsec - g_start.tv_nsec) / 1e9;
}

/* Log lines in k6's text format: LEVEL[seconds] message. */
static void on_log(k6c_log_level level, const char *message, void *payload)
{
	static const char *names[] = { "DEBU", "INFO", "WARN", "ERRO" };
	int quiet = *(int *)payload;

	if (level == K6C_LOG_DEBUG && !strncmp(message, "scenarios:", 10)) {
		if (!quiet)
			printf("     %s\n\n", message);
		return;
	}
	if (level == K6C_LOG_DEBUG && !g_verbose)
		return;
	if (level == K6C_LOG_INFO && quiet)
		return;
	fprintf(stderr, "%s[%04d] %s\n", names[level], (int)elapsed_s(), message);
}

static void on_signal(int sig)
{
	(void)sig;
	if (g_signals++ > 0)
		_exit(105);   /* A second signal forces the exit, as in k6. */
	k6c_test_abort(g_test);
}

/* Appends "key":value to the options JSON being built. value_json is already
 * JSON (a number or a quoted string). */
static void opt_add(char *buf, size_t cap, const char *key, const char *value_json)
{
	size_t n = strlen(buf);

	snprintf(buf + n, cap - n, "%s\"%s\":%s", n > 1 ? "," : "", key, value_json);
}

/* Quotes s as a JSON string into out. */
static void json_quote(char *out, size_t cap, const char *s)
{
	size_t o = 0;

	out[o++] = '"';
	for (; *s && o + 8 < cap; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c < 0x20) {
			o += (size_t)snprintf(out + o, cap - o, "\\u%04x", c);
		} else {
			out[o++] = (char)c;
		}
	}
	out[o++] = '"';
	out[o] = '\0';
}

static int is_uint(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
	}
	return 1;
}

static int fail_config(const char *msg, const char *arg)
{
	fprintf(stderr, "ERRO[0000] %s: \"%s\"\n", msg, arg);
	return EXIT_INVALID_CONFIG;
}

static int cmd_run(int argc, char **argv)
{
	char opts[8192] = "{", q[2048];
	const char *script = NULL;
	int quiet = 0, no_summary = 0, no_color = 0, sysenv = 1, rc;
	unsigned workers = 0;
	struct sigaction sa;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *v = NULL;
		const char *eq = strchr(a, '=');
		char flag[64];

		if (a[0] != '-' || !a[1]) {
			if (script)
				return fail_config("unexpected argument", a);
			script = a;
			continue;
		}
		/* Accept both "--flag value" and "--flag=value". */
		if (a[1] == '-' && eq) {
			snprintf(flag, sizeof(flag), "%.*s", (int)(eq - a), a);
			v = eq + 1;
		} else {
			snprintf(flag, sizeof(flag), "%s", a);
		}
#define TAKES(s, l) (!strcmp(flag, s) || !strcmp(flag, l))
#define NEED_VALUE() do { if (!v) { if (i + 1 >= argc) return fail_config("flag needs a value", flag); v = argv[++i]; } } while (0)
		if (TAKES("-q", "--quiet")) {
			quiet = 1;
		} else if (TAKES("-v", "--verbose")) {
			g_verbose = 1;
		} else if (TAKES("--no-color", "--no-color")) {
			no_color = 1;
		} else if (TAKES("--no-summary", "--no-summary")) {
			no_summary = 1;
		} else if (TAKES("--no-setup", "--no-setup")) {
			opt_add(opts, sizeof(opts), "noSetup", "true");
		} else if (TAKES("--no-teardown", "--no-teardown")) {
			opt_add(opts, sizeof(opts), "noTeardown", "true");
		} else if (TAKES("--no-thresholds", "--no-thresholds")) {
			opt_add(opts, sizeof(opts), "noThresholds", "true");
		} else if (TAKES("-u", "--vus")) {
			NEED_VALUE();
			if (!is_uint(v))
				return fail_config("invalid value of --vus", v);
			opt_add(opts, sizeof(opts), "vus", v);
		} else if (TAKES("-i", "--iterations")) {
			NEED_VALUE();
			if (!is_uint(v))
				return fail_config("invalid value of --iterations", v);
			opt_add(opts, sizeof(opts), "iterations", v);
		} else if (TAKES("-d", "--duration")) {
			NEED_VALUE();
			json_quote(q, sizeof(q), v);
			opt_add(opts, sizeof(opts), "duration", q);
		} else if (TAKES("--summary-trend-stats", "--summary-trend-stats")) {
			/* The comma-separated list is split by the option parser. */
			char list[2100];
			NEED_VALUE();
			json_quote(q, sizeof(q), v);
			snprintf(list, sizeof(list), "[%s]", q);
			opt_add(opts, sizeof(opts), "summaryTrendStats", list);
		} else if (TAKES("--summary-time-unit", "--summary-time-unit")) {
			NEED_VALUE();
			json_quote(q, sizeof(q), v);
			opt_add(opts, sizeof(opts), "summaryTimeUnit", q);
		} else if (TAKES("--user-agent", "--user-agent")) {
			NEED_VALUE();
			json_quote(q, sizeof(q), v);
			opt_add(opts, sizeof(opts), "userAgent", q);
		} else if (TAKES("--include-system-env-vars", "--include-system-env-vars")) {
			sysenv = !v || strcmp(v, "false") != 0;
		} else if (TAKES("--workers", "--workers")) {
			NEED_VALUE();
			if (!is_uint(v))
				return fail_config("invalid value of --workers", v);
			workers = (unsigned)atoi(v);
		} else if (TAKES("-e", "--env")) {
			/* Stored after the test exists, below; validate now. */
			NEED_VALUE();
			if (!strchr(v, '=') || v[0] == '=')
				return fail_config("invalid value of --env, expected KEY=VALUE", v);
		} else {
			return fail_config("unknown flag", a);
		}
#undef TAKES
#undef NEED_VALUE
	}
	if (!script) {
		fputs(usage, stderr);
		return EXIT_OTHER;
	}
	/* The library never colours by default; a terminal gets k6's colours. */
	if (!no_color && isatty(STDOUT_FILENO) && !getenv("K6_NO_COLOR") && !getenv("NO_COLOR"))
		opt_add(opts, sizeof(opts), "noColor", "false");
	strcat(opts, "}");

	clock_gettime(CLOCK_MONOTONIC, &g_start);
	if (k6c_test_new(&g_test) != 0)
		return EXIT_OTHER;
	if (sysenv)
		k6c_test_set_system_env(g_test);
	/* -e values go in after the system environment so they win. */
	for (int i = 0; i < argc; i++) {
		const char *v = NULL;
		if (!strcmp(argv[i], "-e") || !strcmp(argv[i], "--env"))
			v = i + 1 < argc ? argv[++i] : NULL;
		else if (!strncmp(argv[i], "--env=", 6))
			v = argv[i] + 6;
		if (v) {
			char key[1024];
			const char *eq = strchr(v, '=');
			snprintf(key, sizeof(key), "%.*s", (int)(eq - v), v);
			k6c_test_set_env(g_test, key, eq + 1);
		}
	}
	k6c_test_set_log_callback(g_test, on_log, &quiet, NULL);
	if (k6c_test_set_script_file(g_test, script) != 0 || k6c_test_set_options(g_test, opts) != 0 ||
	    (workers && k6c_test_set_workers(g_test, workers) != 0)) {
		const k6c_error *e = k6c_error_last();
		fprintf(stderr, "ERRO[0000] %s\n", e ? e->message : "invalid arguments");
		k6c_test_free(g_test);
		return EXIT_INVALID_CONFIG;
	}
	if (!quiet)
		printf("\n  execution: local\n     script: %s\n     output: -\n\n", script);
	fflush(stdout);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (k6c_test_start(g_test) != 0 || k6c_test_wait(g_test) != 0) {
		const k6c_error *e = k6c_error_last();
		fprintf(stderr, "ERRO[%04d] %s\n", (int)elapsed_s(), e ? e->message : "run failed");
	}
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if (!no_summary && k6c_test_summary_text(g_test))
		printf("%s\n", k6c_test_summary_text(g_test));
	rc = k6c_test_exit_code(g_test);
	k6c_test_free(g_test);
	g_test = NULL;
	return rc < 0 ? EXIT_OTHER : rc;
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_OTHER : 0;
	}
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
		printf("k6c v%s (libk6c %s, k6-compatible)\n", K6C_VERSION_STRING, k6c_version_string());
		return 0;
	}
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 2, argv + 2);
	fprintf(stderr, "unknown command \"%s\"\n\n%s", argv[1], usage);
	return EXIT_OTHER;
}
