/*
 * embed_minimal.c - the smallest program that embeds libk6c: it runs an
 * in-memory k6 script with 2 VUs for 4 iterations, prints the summary and
 * exits with k6's exit code. Usage: embed_minimal [URL] (with a URL, each
 * iteration GETs it; without, it only logs). Public API only.
 */
#include <stdio.h>
#include <string.h>

#include <k6c.h>

static const char script_http[] =
	"import http from 'k6/http';\n"
	"import { check } from 'k6';\n"
	"export default function () {\n"
	"  const res = http.get(__ENV.TARGET);\n"
	"  check(res, { 'status is 200': (r) => r.status === 200 });\n"
	"}\n";

static const char script_log[] =
	"export default function () { console.log(`VU ${__VU}, iteration ${__ITER}`); }\n";

/* Called from worker threads too: one fprintf per line keeps lines whole. */
static void on_log(k6c_log_level level, const char *message, void *payload)
{
	static const char *const names[] = { "debug", "info", "warn", "error" };

	(void)payload;
	fprintf(stderr, "[%s] %s\n", names[level & 3], message);
}

int main(int argc, char **argv)
{
	const char *script = argc > 1 ? script_http : script_log;
	k6c_test *test = NULL;
	int code, rc = k6c_test_new(&test);

	if (rc == 0)
		rc = k6c_test_set_script_source(test, "embed.js", script, strlen(script));
	if (rc == 0 && argc > 1)
		rc = k6c_test_set_env(test, "TARGET", argv[1]);
	if (rc == 0)
		rc = k6c_test_set_options(test, "{\"vus\":2,\"iterations\":4}");
	if (rc == 0)
		rc = k6c_test_set_log_callback(test, on_log, NULL, NULL);
	if (rc == 0)
		rc = k6c_test_run(test);
	if (rc != 0) {
		const k6c_error *e = k6c_error_last();
		fprintf(stderr, "embed_minimal: %s\n", e ? e->message : k6c_strerror(rc));
		k6c_test_free(test);
		return 255;
	}
	if (k6c_test_summary_text(test))
		puts(k6c_test_summary_text(test));
	code = k6c_test_exit_code(test);
	k6c_test_free(test);
	return code;
}
