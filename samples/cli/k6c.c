/*
 * k6c.c - the `k6c` command: `k6c run script.js` with k6's flags, K6_*
 * environment variables, summary and exit codes. It uses only the public
 * API, so anything it needs is available to embedders too.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <k6c.h>
#include <k6c/plugin.h>

#include "sql.h"

#define EXIT_INVALID_CONFIG 104
#define EXIT_OTHER 255

static k6c_test *g_test;
static volatile sig_atomic_t g_signals;
static volatile sig_atomic_t g_pause_req;   /* 1 pause, 2 resume (SIGUSR2 / SIGUSR1) */
static struct timespec g_start;
static int g_verbose;
static const char *g_script;

static const char usage[] =
	"Usage:\n"
	"  k6c run [flags] script.js   run a k6 test script\n"
	"  k6c inspect [flags] script.js  print the consolidated options as JSON\n"
	"  k6c version                 print the version\n"
	"  k6c help                    print this help\n"
	"\n"
	"Flags of run (as k6 run):\n"
	"  -u, --vus N                      number of virtual users\n"
	"  -d, --duration D                 test duration, e.g. 30s, 1m30s\n"
	"  -i, --iterations N               total iterations shared among the VUs\n"
	"  -s, --stage D:T                  a ramping stage, e.g. 30s:10 (repeatable)\n"
	"  -c, --config FILE                a k6 JSON config file (the lowest options tier)\n"
	"      --execution-segment SEG      this instance's segment, e.g. 1/3:2/3\n"
	"      --execution-segment-sequence SEQ  all segments, e.g. 0,1/3,2/3,1\n"
	"  -p, --paused                     start paused; SIGUSR1 resumes, SIGUSR2 pauses\n"
	"      --summary-export FILE        write the summary as JSON (k6's export shape)\n"
	"  -e, --env KEY=VALUE              add an environment variable to __ENV\n"
	"  -o, --out NAME[=ARG]             send the samples to a named output (repeatable;\n"
	"                                   default: K6_OUT, a comma-separated list)\n"
	"      --include-system-env-vars B  pass the process environment to __ENV (default true)\n"
	"      --summary-trend-stats LIST   trend columns, e.g. avg,p(95),p(99.9)\n"
	"      --summary-time-unit U        s, ms or us\n"
	"      --summary-mode M             compact (default), full, legacy or disabled\n"
	"      --system-tags LIST           system tags to emit, e.g. status,method,url\n"
	"      --no-summary                 no end-of-test summary, handleSummary() or export\n"
	"      --no-color                   no colours in the summary\n"
	"      --no-setup, --no-teardown    skip setup() / teardown()\n"
	"      --no-thresholds              do not evaluate thresholds\n"
	"      --tag-sets-warn N            warn when a metric passes N tag sets (default 10000, 0: never)\n"
	"      --user-agent UA              User-Agent header of HTTP requests\n"
	"      --discard-response-bodies    responseType \"none\" by default (no bodies kept)\n"
	"      --batch N                    requests of one http.batch in flight (default 20)\n"
	"      --batch-per-host N           ... to one host (default 6, 0: no cap)\n"
	"      --max-redirects N            follow at most N redirects (default 10)\n"
	"  -q, --quiet                      no banner and no progress output\n"
	"  -v, --verbose                    print debug log lines\n"
	"      --workers N                  worker threads (default: K6C_WORKERS or CPUs)\n"
	"      --plugin PATH[=ARG]          load a libk6c plugin (repeatable; after K6C_PLUGINS)\n"
	"\n"
	"Environment: K6C_PLUGINS=a.so:b.so loads plugins before any --plugin.\n"
	"Built in: k6/x/sql (SQLite).\n";

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

	/* The run header comes once the outputs are known, as in k6. */
	if (level == K6C_LOG_DEBUG && !strncmp(message, "output:", 7)) {
		if (!quiet)
			printf("\n  execution: local\n     script: %s\n     %s\n\n", g_script, message);
		return;
	}
	if (level == K6C_LOG_DEBUG && !strncmp(message, "scenarios:", 10)) {
		if (!quiet)
			printf("     %s\n\n", message);
		return;
	}
	if (level == K6C_LOG_DEBUG && !g_verbose)
		return;
	fprintf(stderr, "%s[%04d] %s\n", names[level], (int)elapsed_s(), message);
}

/* The first SIGINT/SIGTERM stops the test gracefully (teardown and
 * handleSummary run, the summary is printed); the second interrupts those
 * too, and what was measured is still summarised; a third exits at once. */
static void on_signal(int sig)
{
	(void)sig;
	if (g_signals++ > 1)
		_exit(105);
	k6c_test_abort(g_test);
}

static void on_pause_signal(int sig)
{
	g_pause_req = sig == SIGUSR2 ? 1 : 2;
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

/* Appends {"duration":"30s","target":10} for a --stage value "30s:10". */
static int stage_add(char *stages, size_t cap, const char *v)
{
	const char *colon = strrchr(v, ':');
	char dur[256];
	size_t n = strlen(stages);

	if (!colon || colon == v || !is_uint(colon + 1) || (size_t)(colon - v) >= sizeof(dur))
		return -1;
	snprintf(dur, sizeof(dur), "%.*s", (int)(colon - v), v);
	for (const char *c = dur; *c; c++) {
		if (*c == '"' || *c == '\\')
			return -1;
	}
	snprintf(stages + n, cap - n, "%s{\"duration\":\"%s\",\"target\":%s}", n > 1 ? "," : "", dur, colon + 1);
	return 0;
}

/* What the flags of run and inspect set. */
typedef struct cli_args {
	char opts[8192];
	char stages[4096];
	const char *script;
	const char *config;
	const char *outs[64];          /* -o values, in order */
	int nouts;
	int quiet, no_summary, no_color, sysenv;
	unsigned workers;
	const char *plugins[64];       /* --plugin values, in order */
	size_t nplugins;
} cli_args;

static int parse_args(int argc, char **argv, cli_args *ca)
{
	char q[2048];

	memset(ca, 0, sizeof(*ca));
	strcpy(ca->opts, "{");
	strcpy(ca->stages, "[");
	ca->sysenv = 1;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *v = NULL;
		const char *eq = strchr(a, '=');
		char flag[64];

		if (a[0] != '-' || !a[1]) {
			if (ca->script)
				return fail_config("unexpected argument", a);
			ca->script = a;
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
#define OPT_STRING(key) do { NEED_VALUE(); json_quote(q, sizeof(q), v); opt_add(ca->opts, sizeof(ca->opts), key, q); } while (0)
		if (TAKES("-q", "--quiet")) {
			ca->quiet = 1;
		} else if (TAKES("-v", "--verbose")) {
			g_verbose = 1;
		} else if (TAKES("--no-color", "--no-color")) {
			ca->no_color = 1;
		} else if (TAKES("--no-summary", "--no-summary")) {
			/* As in k6 1.x: summaryMode "disabled", so neither
			 * handleSummary() nor --summary-export runs either. */
			ca->no_summary = 1;
			opt_add(ca->opts, sizeof(ca->opts), "noSummary", "true");
		} else if (TAKES("--no-setup", "--no-setup")) {
			opt_add(ca->opts, sizeof(ca->opts), "noSetup", "true");
		} else if (TAKES("--no-teardown", "--no-teardown")) {
			opt_add(ca->opts, sizeof(ca->opts), "noTeardown", "true");
		} else if (TAKES("--no-thresholds", "--no-thresholds")) {
			opt_add(ca->opts, sizeof(ca->opts), "noThresholds", "true");
		} else if (TAKES("-p", "--paused")) {
			opt_add(ca->opts, sizeof(ca->opts), "paused", "true");
		} else if (TAKES("-u", "--vus")) {
			NEED_VALUE();
			if (!is_uint(v))
				return fail_config("invalid value of --vus", v);
			opt_add(ca->opts, sizeof(ca->opts), "vus", v);
		} else if (TAKES("-i", "--iterations")) {
			NEED_VALUE();
			if (!is_uint(v))
				return fail_config("invalid value of --iterations", v);
			opt_add(ca->opts, sizeof(ca->opts), "iterations", v);
		} else if (TAKES("-d", "--duration")) {
			OPT_STRING("duration");
		} else if (TAKES("-s", "--stage")) {
			NEED_VALUE();
			if (stage_add(ca->stages, sizeof(ca->stages), v) != 0)
				return fail_config("invalid value of --stage, expected DURATION:TARGET such as 30s:10", v);
		} else if (TAKES("-c", "--config")) {
			NEED_VALUE();
			ca->config = v;
		} else if (TAKES("--execution-segment", "--execution-segment")) {
			OPT_STRING("executionSegment");
		} else if (TAKES("--execution-segment-sequence", "--execution-segment-sequence")) {
			OPT_STRING("executionSegmentSequence");
		} else if (TAKES("--summary-export", "--summary-export")) {
			OPT_STRING("summaryExport");
		} else if (TAKES("--summary-trend-stats", "--summary-trend-stats")) {
			/* The comma-separated list is split by the option parser. */
			char list[2100];
			NEED_VALUE();
			json_quote(q, sizeof(q), v);
			snprintf(list, sizeof(list), "[%s]", q);
			opt_add(ca->opts, sizeof(ca->opts), "summaryTrendStats", list);
		} else if (TAKES("--system-tags", "--system-tags")) {
			/* The comma-separated list is split by the option parser. */
			OPT_STRING("systemTags");
		} else if (TAKES("--summary-time-unit", "--summary-time-unit")) {
			OPT_STRING("summaryTimeUnit");
		} else if (TAKES("--summary-mode", "--summary-mode")) {
			OPT_STRING("summaryMode");
		} else if (TAKES("--user-agent", "--user-agent")) {
			OPT_STRING("userAgent");
		} else if (TAKES("--max-redirects", "--max-redirects")) {
			NEED_VALUE();
			if (!is_uint(v))
				return fail_config("invalid value of --max-redirects", v);
			opt_add(ca->opts, sizeof(ca->opts), "maxRedirects", v);
		} else if (TAKES("--tag-sets-warn", "--tag-sets-warn")) {
			NEED_VALUE();
			if (!is_uint(v))
				return fail_config("invalid value of --tag-sets-warn", v);
			opt_add(ca->opts, sizeof(ca->opts), "tagSetsWarn", v);
		} else if (TAKES("--discard-response-bodies", "--discard-response-bodies")) {
			opt_add(ca->opts, sizeof(ca->opts), "discardResponseBodies", "true");
		} else if (TAKES("--batch", "--batch") || TAKES("--batch-per-host", "--batch-per-host")) {
			int all = !strcmp(flag, "--batch");

			NEED_VALUE();
			if (!is_uint(v))
				return fail_config(all ? "invalid value of --batch" : "invalid value of --batch-per-host", v);
			opt_add(ca->opts, sizeof(ca->opts), all ? "batch" : "batchPerHost", v);
		} else if (TAKES("--include-system-env-vars", "--include-system-env-vars")) {
			ca->sysenv = !v || strcmp(v, "false") != 0;
		} else if (TAKES("--workers", "--workers")) {
			NEED_VALUE();
			if (!is_uint(v))
				return fail_config("invalid value of --workers", v);
			ca->workers = (unsigned)atoi(v);
		} else if (TAKES("-o", "--out")) {
			NEED_VALUE();
			if (!*v || *v == '=')
				return fail_config("invalid value of --out, expected NAME[=ARG]", v);
			if (ca->nouts == (int)(sizeof(ca->outs) / sizeof(ca->outs[0])))
				return fail_config("too many --out flags", v);
			ca->outs[ca->nouts++] = v;
		} else if (TAKES("--plugin", "--plugin")) {
			NEED_VALUE();
			if (!v[0] || v[0] == '=')
				return fail_config("invalid value of --plugin, expected PATH or PATH=ARG", v);
			if (ca->nplugins == sizeof(ca->plugins) / sizeof(ca->plugins[0]))
				return fail_config("too many --plugin flags", v);
			ca->plugins[ca->nplugins++] = v;
		} else if (TAKES("-e", "--env")) {
			/* Stored after the test exists (set_env_flags); validate now. */
			NEED_VALUE();
			if (!strchr(v, '=') || v[0] == '=')
				return fail_config("invalid value of --env, expected KEY=VALUE", v);
		} else {
			return fail_config("unknown flag", a);
		}
#undef OPT_STRING
#undef TAKES
#undef NEED_VALUE
	}
	if (!ca->script) {
		fputs(usage, stderr);
		return EXIT_OTHER;
	}
	if (strlen(ca->stages) > 1) {
		strcat(ca->stages, "]");
		opt_add(ca->opts, sizeof(ca->opts), "stages", ca->stages);
	}
	/* The library never colours by default; a terminal gets k6's colours. */
	if (!ca->no_color && isatty(STDOUT_FILENO) && !getenv("K6_NO_COLOR") && !getenv("NO_COLOR"))
		opt_add(ca->opts, sizeof(ca->opts), "noColor", "false");
	strcat(ca->opts, "}");
	return 0;
}

/* The -o flags, or else K6_OUT's comma-separated list (flags win over the
 * environment, as in k6). Return 0 or an API error. */
static int add_outputs(const cli_args *ca)
{
	const char *env = getenv("K6_OUT");
	char item[4096];

	for (int i = 0; i < ca->nouts; i++) {
		if (k6c_test_add_output(g_test, ca->outs[i]) != 0)
			return -1;
	}
	if (ca->nouts > 0 || !env)
		return 0;
	while (*env) {
		size_t n = strcspn(env, ",");
		if (n > 0 && n < sizeof(item)) {
			snprintf(item, sizeof(item), "%.*s", (int)n, env);
			if (k6c_test_add_output(g_test, item) != 0)
				return -1;
		}
		env += n;
		if (*env == ',')
			env++;
	}
	return 0;
}

/* Loads one plugin into g_test; prints the error. Return 0 or -1. */
static int load_plugin(const char *spec)
{
	const k6c_error *e;

	if (k6c_test_load_plugin(g_test, spec) == 0)
		return 0;
	e = k6c_error_last();
	fprintf(stderr, "ERRO[0000] %s\n", e ? e->message : "cannot load plugin");
	return -1;
}

/* The plugins of K6C_PLUGINS (a ':'-separated list, empty entries skipped),
 * then those of --plugin. A plugin that cannot load ends the command with
 * exit code 255, k6's code for an error it does not classify (as a k6
 * binary that cannot start). Return 0 or that exit code. */
static int load_plugins(const cli_args *ca)
{
	const char *env = getenv("K6C_PLUGINS");

	while (env && *env) {
		const char *end = strchr(env, ':');
		size_t n = end ? (size_t)(end - env) : strlen(env);

		if (n > 0) {
			char *spec = strndup(env, n);
			int bad = !spec || load_plugin(spec);

			free(spec);
			if (bad)
				return EXIT_OTHER;
		}
		env = end ? end + 1 : NULL;
	}
	for (size_t i = 0; i < ca->nplugins; i++) {
		if (load_plugin(ca->plugins[i]))
			return EXIT_OTHER;
	}
	return 0;
}

/* Creates g_test from the parsed flags. Return 0 or an exit code. */
static int make_test(int argc, char **argv, cli_args *ca)
{
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &g_start);
	if (k6c_test_new(&g_test) != 0)
		return EXIT_OTHER;
	if (ca->sysenv)
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
	k6c_test_set_log_callback(g_test, on_log, &ca->quiet, NULL);
	g_script = ca->script;
	if ((rc = load_plugins(ca))) {
		k6c_test_free(g_test);
		g_test = NULL;
		return rc;
	}
	if (k6c_test_set_script_file(g_test, ca->script) != 0 || k6c_test_set_options(g_test, ca->opts) != 0 ||
	    add_outputs(ca) != 0 ||
	    (ca->config && k6c_test_set_config_file(g_test, ca->config) != 0) ||
	    (ca->workers && k6c_test_set_workers(g_test, ca->workers) != 0)) {
		const k6c_error *e = k6c_error_last();
		fprintf(stderr, "ERRO[0000] %s\n", e ? e->message : "invalid arguments");
		k6c_test_free(g_test);
		g_test = NULL;
		return EXIT_INVALID_CONFIG;
	}
	return 0;
}

/* ---- live progress ---- */

typedef struct progress_state {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int done;
	int tty;                       /* redraw in place on a terminal */
	int quiet;
	int lines;                     /* lines drawn last time (tty) */
} progress_state;

static void fmt_elapsed(char *out, size_t cap, double ms)
{
	long tenths = (long)(ms / 100.0);
	snprintf(out, cap, "%ldm%02ld.%lds", tenths / 600, (tenths / 10) % 60, tenths % 10);
}

/* Draws k6's "running (...)" line and one bar per scenario. */
static void progress_draw(progress_state *ps, int final)
{
	k6c_scenario_progress p;
	unsigned active = 0, max = 0;
	unsigned long long complete = 0, interrupted = 0;
	size_t n = 0;
	char line[4096], buf[65536], el[32];
	size_t off = 0;
	double elapsed = elapsed_s() * 1000.0;

	buf[0] = '\0';
	while (k6c_test_progress(g_test, n, &p) == 0) {
		active += p.vus_active;
		max += p.vus_max;
		complete += p.iterations_complete;
		interrupted += p.iterations_interrupted;
		n++;
	}
	if (n == 0)
		return;
	fmt_elapsed(el, sizeof(el), elapsed);
	off += (size_t)snprintf(buf + off, sizeof(buf) - off,
		"%s (%s), %02u/%02u VUs, %llu complete and %llu interrupted iterations\n",
		final ? "finished" : "running",
		el, active, max, complete, interrupted);
	for (size_t i = 0; i < n && off < sizeof(buf) - 512; i++) {
		char bar[41];
		if (k6c_test_progress(g_test, i, &p) != 0)
			break;
		int fill = (int)(p.progress * 40.0 + 0.5);
		if (fill > 40)
			fill = 40;
		for (int k = 0; k < 40; k++)
			bar[k] = k < fill ? '=' : (k == fill ? '>' : '-');
		if (fill == 40)
			bar[39] = '=';
		bar[40] = '\0';
		fmt_elapsed(el, sizeof(el), p.elapsed_ms);
		int len = snprintf(line, sizeof(line), "%-10s [%s] %3.0f%% %u/%u VUs  %s  %llu complete",
			p.name, bar, p.progress * 100.0, p.vus_active, p.vus_max, el,
			(unsigned long long)p.iterations_complete);
		if (p.iterations_interrupted && len > 0 && (size_t)len < sizeof(line))
			len += snprintf(line + len, sizeof(line) - (size_t)len, ", %llu interrupted",
				(unsigned long long)p.iterations_interrupted);
		if (p.iterations_dropped && len > 0 && (size_t)len < sizeof(line))
			snprintf(line + len, sizeof(line) - (size_t)len, ", %llu dropped",
				(unsigned long long)p.iterations_dropped);
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s\n", line);
	}
	if (ps->tty) {
		/* Back over the previous drawing, clearing each line. */
		for (int k = 0; k < ps->lines; k++)
			fputs("\x1b[1A\x1b[2K", stdout);
		fputs(buf, stdout);
		fflush(stdout);
		ps->lines = (int)(n + 1);
	} else {
		fputs(buf, stderr);
		fflush(stderr);
	}
}

static void *progress_main(void *arg)
{
	progress_state *ps = arg;
	/* A terminal is redrawn ten times a second; a log gets a line block
	 * every ten seconds. */
	long interval_ms = ps->tty ? 100 : 10000;
	pthread_mutex_lock(&ps->mu);
	while (!ps->done) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += (interval_ms % 1000) * 1000000L;
		until.tv_sec += interval_ms / 1000 + until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		/* Pause requests come from signal handlers, which cannot call
		 * the library; a short wait keeps them responsive. */
		if (!ps->tty) {
			struct timespec soon;
			clock_gettime(CLOCK_REALTIME, &soon);
			soon.tv_nsec += 200000000L;
			soon.tv_sec += soon.tv_nsec / 1000000000L;
			soon.tv_nsec %= 1000000000L;
			for (;;) {
				pthread_cond_timedwait(&ps->cv, &ps->mu, &soon);
				if (ps->done || g_pause_req)
					break;
				struct timespec now;
				clock_gettime(CLOCK_REALTIME, &now);
				if (now.tv_sec > until.tv_sec || (now.tv_sec == until.tv_sec && now.tv_nsec >= until.tv_nsec))
					break;
				soon = now;
				soon.tv_nsec += 200000000L;
				soon.tv_sec += soon.tv_nsec / 1000000000L;
				soon.tv_nsec %= 1000000000L;
			}
		} else {
			pthread_cond_timedwait(&ps->cv, &ps->mu, &until);
		}
		if (g_pause_req) {
			/* The run may have started paused through any options tier,
			 * so every request is passed on. */
			int want = g_pause_req == 1;
			g_pause_req = 0;
			k6c_test_set_paused(g_test, want);
			fprintf(stderr, "INFO[%04d] test %s\n", (int)elapsed_s(), want ? "paused" : "resumed");
		}
		if (ps->done)
			break;
		if (!ps->quiet) {
			pthread_mutex_unlock(&ps->mu);
			progress_draw(ps, 0);
			pthread_mutex_lock(&ps->mu);
		}
	}
	pthread_mutex_unlock(&ps->mu);
	return NULL;
}

static int cmd_run(int argc, char **argv)
{
	cli_args ca;
	progress_state ps;
	pthread_t progress;
	int rc, have_progress;
	struct sigaction sa;

	if ((rc = parse_args(argc, argv, &ca)))
		return rc;
	if ((rc = make_test(argc, argv, &ca)))
		return rc;
	fflush(stdout);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_pause_signal;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);

	memset(&ps, 0, sizeof(ps));
	pthread_mutex_init(&ps.mu, NULL);
	pthread_cond_init(&ps.cv, NULL);
	ps.tty = isatty(STDOUT_FILENO);
	ps.quiet = ca.quiet;
	if (k6c_test_start(g_test) != 0) {
		const k6c_error *e = k6c_error_last();
		fprintf(stderr, "ERRO[%04d] %s\n", (int)elapsed_s(), e ? e->message : "run failed");
	} else {
		have_progress = pthread_create(&progress, NULL, progress_main, &ps) == 0;
		if (k6c_test_wait(g_test) != 0) {
			const k6c_error *e = k6c_error_last();
			fprintf(stderr, "ERRO[%04d] %s\n", (int)elapsed_s(), e ? e->message : "run failed");
		}
		if (have_progress) {
			pthread_mutex_lock(&ps.mu);
			ps.done = 1;
			pthread_cond_signal(&ps.cv);
			pthread_mutex_unlock(&ps.mu);
			pthread_join(progress, NULL);
		}
		if (!ca.quiet)
			progress_draw(&ps, 1);
	}
	pthread_cond_destroy(&ps.cv);
	pthread_mutex_destroy(&ps.mu);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if (!ca.no_summary && k6c_test_summary_stderr(g_test))
		fprintf(stderr, "%s", k6c_test_summary_stderr(g_test));
	if (!ca.no_summary && k6c_test_summary_text(g_test))
		printf("%s\n", k6c_test_summary_text(g_test));
	rc = k6c_test_exit_code(g_test);
	k6c_test_free(g_test);
	g_test = NULL;
	return rc < 0 ? EXIT_OTHER : rc;
}

/* `k6c inspect script.js`: the consolidated options as JSON, as k6 inspect. */
static int cmd_inspect(int argc, char **argv)
{
	cli_args ca;
	int rc;

	if ((rc = parse_args(argc, argv, &ca)))
		return rc;
	ca.quiet = 1;
	if ((rc = make_test(argc, argv, &ca)))
		return rc;
	if (k6c_test_inspect(g_test) != 0) {
		const k6c_error *e = k6c_error_last();
		fprintf(stderr, "ERRO[0000] %s\n", e ? e->message : "inspect failed");
		rc = EXIT_OTHER;
	} else {
		rc = k6c_test_exit_code(g_test);
		if (rc == 0 && k6c_test_options_json(g_test))
			printf("%s\n", k6c_test_options_json(g_test));
	}
	k6c_test_free(g_test);
	g_test = NULL;
	return rc < 0 ? EXIT_OTHER : rc;
}

int main(int argc, char **argv)
{
	/* k6/x/sql is built in: every script run by this command can import
	 * it, as if k6 had been built with xk6-sql. */
	if (k6c_sql_register() != 0) {
		const k6c_error *e = k6c_error_last();
		fprintf(stderr, "ERRO[0000] %s\n", e ? e->message : "cannot register k6/x/sql");
		return EXIT_OTHER;
	}
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
	if (!strcmp(argv[1], "inspect"))
		return cmd_inspect(argc - 2, argv + 2);
	fprintf(stderr, "unknown command \"%s\"\n\n%s", argv[1], usage);
	return EXIT_OTHER;
}
