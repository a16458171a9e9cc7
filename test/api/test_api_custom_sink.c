/*
 * test_api_custom_sink.c - runs samples/custom_sink (its path is argv[1])
 * against a local httpbin, as a user would, and checks what it prints: one
 * line per second of the test, numbered from 0 without gaps, whose counts
 * add up to its total, which equals the summary's http_reqs count.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "server.h"

static const char *sample_path;
static ts_server httpbin;

/* The number after "http_reqs" and its dots in the summary text, or -1. */
static long summary_count(const char *text)
{
	const char *p = strstr(text, "http_reqs");

	if (!p)
		return -1;
	p += strlen("http_reqs");
	while (*p == '.' || *p == ':' || *p == ' ')
		p++;
	return strtol(p, NULL, 10);
}

START_TEST(test_api_custom_sink__counts)
{
	char cmd[1024], line[1024], *all = NULL;
	size_t len = 0;
	long second, count, sum = 0, total = -1, next = 0;
	FILE *f;
	int status;

	snprintf(cmd, sizeof(cmd), "'%s' '%s/get' 2s", sample_path, httpbin.base_url);
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(line);
		char *grown = realloc(all, len + n + 1);
		ck_assert_ptr_nonnull(grown);
		all = grown;
		memcpy(all + len, line, n + 1);
		len += n;
		if (sscanf(line, "%ld %ld", &second, &count) == 2) {
			ck_assert_msg(second == next, "second %ld after %ld:\n%s", second, next - 1, all);
			next++;
			sum += count;
		} else if (sscanf(line, "total: %ld requests", &total) == 1) {
			continue;
		}
	}
	status = pclose(f);
	fprintf(stderr, "%s", all ? all : "(no output)\n");
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "custom_sink exited %d", status);
	ck_assert_ptr_nonnull(all);
	ck_assert_int_gt(total, 0);
	ck_assert_int_ge(next, 2);
	ck_assert_int_eq(sum, total);
	ck_assert_int_eq(summary_count(all), total);
	free(all);
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("api_custom_sink");
	TCase *tc = tcase_create("custom_sink");
	SRunner *sr;
	int failed;

	if (argc < 2) {
		fprintf(stderr, "usage: test_api_custom_sink PATH-OF-custom_sink\n");
		return EXIT_FAILURE;
	}
	sample_path = argv[1];
	if (ts_httpbin_start(&httpbin) != 0)
		return EXIT_FAILURE;
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_api_custom_sink__counts);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_VERBOSE);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	ts_server_stop(&httpbin);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
