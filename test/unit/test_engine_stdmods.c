/*
 * test_engine_stdmods.c - the standard modules k6/encoding, k6/crypto and
 * k6/data, run by the real scheduler: the .js fixtures (test/unit/js/
 * stdmods_*.js) check values in JavaScript and log one "FAIL" line per
 * wrong one; here we assert there is none, that each fixture got to its
 * end, how many times each SharedArray function ran across the VUs, and
 * that a SharedArray costs its memory once, not once per VU. Also the
 * base64 codec of lib/util directly (Go's decoding rules).
 */
#include <check.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "http/http.h"
#include "k6c/test.h"
#include "metrics/metrics.h"
#include "sched/sched.h"
#include "server.h"
#include "util/base64.h"
#include "util/util.h"

/* ---- Running a fixture ---------------------------------------------------- */

typedef struct collect {
	pthread_mutex_t lock;
	k6c__buf logs;       /* one "<level>|<line>" per line */
} collect;

static void on_log(int level, const char *msg, void *arg)
{
	collect *c = arg;

	pthread_mutex_lock(&c->lock);
	k6c__buf_printf(&c->logs, "%d|%s\n", level, msg);
	pthread_mutex_unlock(&c->lock);
}

static const char *logs_of(const collect *c)
{
	return c->logs.ptr != NULL ? c->logs.ptr : "";
}

/* Lines of the log containing needle. */
static int count_lines(const collect *c, const char *needle)
{
	const char *p = logs_of(c);
	int n = 0;

	while (*p != '\0') {
		const char *eol = strchr(p, '\n');
		size_t len = eol != NULL ? (size_t)(eol - p) : strlen(p);
		char *line = strndup(p, len);

		if (strstr(line, needle) != NULL)
			n++;
		free(line);
		p = eol != NULL ? eol + 1 : p + len;
	}
	return n;
}

static char fixture[PATH_MAX + 64];

static const char *fixture_path(const char *name)
{
	char dir[PATH_MAX];

	if (realpath(ts_srcdir(), dir) == NULL)
		snprintf(dir, sizeof(dir), "%s", ts_srcdir());
	snprintf(fixture, sizeof(fixture), "%s/unit/js/%s", dir, name);
	return fixture;
}

static int load(k6c__program **out, const char *name, const char *src, collect *c)
{
	k6c__engine_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.cache_dir = getenv("K6C_CACHE_DIR");
	cfg.log = on_log;
	cfg.log_arg = c;
	return k6c__program_new(out, name, src, src != NULL ? strlen(src) : 0, &cfg);
}

/* Loads the fixture and runs it: vus VUs, one iteration each, 2 workers. */
static void run_fixture(const char *name, unsigned vus, collect *c)
{
	k6c__program *prog = NULL;
	k6c__metrics *m = NULL;
	k6c__metrics_config mcfg;
	k6c__sched_config scfg;
	k6c__scenario sc;
	k6c__sched *s = NULL;
	k6c__sched_result res;
	int rc;

	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
	rc = load(&prog, fixture_path(name), NULL, c);
	ck_assert_msg(rc == 0, "load %s: %s\n%s", name,
		k6c_error_last() ? k6c_error_last()->message : "?", logs_of(c));

	memset(&mcfg, 0, sizeof(mcfg));
	ck_assert_int_eq(k6c__metrics_new(&m, &mcfg), 0);
	ck_assert_int_eq(k6c__metrics_start(m), 0);
	memset(&sc, 0, sizeof(sc));
	sc.name = "default";
	sc.executor = K6C__EXEC_PER_VU_ITERATIONS;
	sc.vus = vus;
	sc.iterations = 1;
	sc.graceful_stop_ms = -1;
	memset(&scfg, 0, sizeof(scfg));
	scfg.workers = 2;
	scfg.ops = &k6c__engine_vu_ops;
	scfg.ops_ctx = prog;
	scfg.metrics = m;
	scfg.log = on_log;
	scfg.log_arg = c;
	scfg.scenarios = &sc;
	scfg.nscenarios = 1;
	ck_assert_int_eq(k6c__sched_new(&s, &scfg), 0);
	memset(&res, 0, sizeof(res));
	ck_assert_int_eq(k6c__sched_run(s, &res), 0);
	k6c__sched_free(s);
	k6c__metrics_stop(m);
	k6c__metrics_free(m);
	k6c__program_free(prog);
}

static void collect_free(collect *c)
{
	k6c__buf_free(&c->logs);
	pthread_mutex_destroy(&c->lock);
}

/* The fixture's checks all passed in each of its n runs (VUs). */
static void assert_all_passed(const collect *c, const char *tag, int n)
{
	char done[64];

	snprintf(done, sizeof(done), "DONE %s: ", tag);
	ck_assert_msg(count_lines(c, "FAIL ") == 0, "failed checks:\n%s", logs_of(c));
	ck_assert_msg(count_lines(c, done) == n, "%s: %d of %d runs finished:\n%s", tag,
		count_lines(c, done), n, logs_of(c));
	ck_assert_msg(count_lines(c, " 0 failed") >= n, "%s", logs_of(c));
}

/* ---- lib/util base64 ----------------------------------------------------------- */

static const char *b64(k6c__buf *b, const char *data, size_t n, k6c__b64 v)
{
	k6c__buf_clear(b);
	ck_assert_int_eq(k6c__b64_encode(b, data, n, v), 0);
	return b->ptr != NULL ? b->ptr : "";
}

START_TEST(test_util_base64__rfc4648_vectors)
{
	static const char *const vec[][3] = {
		{ "", "", "" }, { "f", "Zg==", "Zg" }, { "fo", "Zm8=", "Zm8" },
		{ "foo", "Zm9v", "Zm9v" }, { "foob", "Zm9vYg==", "Zm9vYg" },
		{ "fooba", "Zm9vYmE=", "Zm9vYmE" }, { "foobar", "Zm9vYmFy", "Zm9vYmFy" },
	};
	k6c__buf b = K6C__BUF_INIT;
	size_t bad;

	for (size_t i = 0; i < K6C__ARRAY_LEN(vec); i++) {
		size_t n = strlen(vec[i][0]);

		ck_assert_str_eq(b64(&b, vec[i][0], n, K6C__B64_STD), vec[i][1]);
		ck_assert_str_eq(b64(&b, vec[i][0], n, K6C__B64_URL), vec[i][1]);
		ck_assert_str_eq(b64(&b, vec[i][0], n, K6C__B64_RAWSTD), vec[i][2]);
		ck_assert_str_eq(b64(&b, vec[i][0], n, K6C__B64_RAWURL), vec[i][2]);
		k6c__buf_clear(&b);
		ck_assert_int_eq(k6c__b64_decode(&b, vec[i][1], strlen(vec[i][1]), K6C__B64_STD,
			&bad), 0);
		ck_assert_uint_eq(b.len, n);
		ck_assert(n == 0 || memcmp(b.ptr, vec[i][0], n) == 0);
		k6c__buf_clear(&b);
		ck_assert_int_eq(k6c__b64_decode(&b, vec[i][2], strlen(vec[i][2]),
			K6C__B64_RAWURL, &bad), 0);
		ck_assert_uint_eq(b.len, n);
		ck_assert(n == 0 || memcmp(b.ptr, vec[i][0], n) == 0);
	}
	ck_assert_str_eq(b64(&b, "\xfb\xff\xbf", 3, K6C__B64_STD), "+/+/");
	ck_assert_str_eq(b64(&b, "\xfb\xff\xbf", 3, K6C__B64_URL), "-_-_");
	ck_assert_int_eq(k6c__b64_variant("rawurl"), K6C__B64_RAWURL);
	ck_assert_int_eq(k6c__b64_variant("RAWURL"), -1);
	/* Every byte value round-trips in every variant. */
	{
		char all[256];

		for (int i = 0; i < 256; i++)
			all[i] = (char)i;
		for (int v = K6C__B64_STD; v <= K6C__B64_RAWURL; v++) {
			k6c__buf d = K6C__BUF_INIT;

			for (size_t n = 0; n <= 256; n += 37) {
				b64(&b, all, n, (k6c__b64)v);
				k6c__buf_clear(&d);
				ck_assert_int_eq(k6c__b64_decode(&d, b.ptr, b.len, (k6c__b64)v, &bad), 0);
				ck_assert_uint_eq(d.len, n);
				ck_assert(n == 0 || memcmp(d.ptr, all, n) == 0);
			}
			k6c__buf_free(&d);
		}
	}
	k6c__buf_free(&b);
}
END_TEST

START_TEST(test_util_base64__go_decoding_rules)
{
	static const struct {
		k6c__b64 v;
		const char *in;
		long bad;          /* -1: valid */
		const char *out;
	} cases[] = {
		{ K6C__B64_STD, "Zm9v\r\nYmFy\n", -1, "foobar" },
		{ K6C__B64_STD, "Zg=\n=", -1, "f" },
		{ K6C__B64_STD, "Zh==", -1, "f" },          /* unused bits need not be 0 */
		{ K6C__B64_STD, "\n", -1, "" },
		{ K6C__B64_STD, "aGVsbG8gd29ybGQ", 12, NULL },
		{ K6C__B64_STD, "Zm9v!", 4, NULL },
		{ K6C__B64_STD, "Zg=", 3, NULL },
		{ K6C__B64_STD, "Zg=x", 2, NULL },
		{ K6C__B64_STD, "Zg==Zg==", 4, NULL },
		{ K6C__B64_STD, "Zg==\n\nx", 6, NULL },
		{ K6C__B64_STD, "Z===", 1, NULL },
		{ K6C__B64_STD, "=", 0, NULL },
		{ K6C__B64_STD, "Z", 0, NULL },
		{ K6C__B64_STD, "Zm9vZ", 4, NULL },
		{ K6C__B64_STD, "-_8=", 0, NULL },
		{ K6C__B64_URL, "+/8=", 0, NULL },
		{ K6C__B64_RAWSTD, "Zg==", 2, NULL },
		{ K6C__B64_RAWSTD, "Zm8", -1, "fo" },
		{ K6C__B64_RAWURL, "Z", 0, NULL },
		{ K6C__B64_RAWURL, "Zm9vZ", 4, NULL },
	};
	k6c__buf b = K6C__BUF_INIT;

	for (size_t i = 0; i < K6C__ARRAY_LEN(cases); i++) {
		size_t bad = 12345;
		int rc;

		k6c__buf_clear(&b);
		rc = k6c__b64_decode(&b, cases[i].in, strlen(cases[i].in), cases[i].v, &bad);
		if (cases[i].bad < 0) {
			ck_assert_msg(rc == 0, "case %zu: rc %d", i, rc);
			ck_assert_uint_eq(b.len, strlen(cases[i].out));
			ck_assert(b.len == 0 || memcmp(b.ptr, cases[i].out, b.len) == 0);
		} else {
			ck_assert_msg(rc == K6C_EINVAL, "case %zu: rc %d", i, rc);
			ck_assert_msg(bad == (size_t)cases[i].bad, "case %zu (%s): at %zu, want %ld", i,
				cases[i].in, bad, cases[i].bad);
		}
	}
	k6c__buf_free(&b);
}
END_TEST

/* ---- The modules ------------------------------------------------------------------- */

START_TEST(test_engine_stdmods__encoding)
{
	collect c;

	run_fixture("stdmods_encoding.js", 1, &c);
	assert_all_passed(&c, "encoding", 1);
	collect_free(&c);
}
END_TEST

START_TEST(test_engine_stdmods__crypto)
{
	collect c;

	/* Two VUs on two workers: the OpenSSL state is shared by threads. */
	run_fixture("stdmods_crypto.js", 2, &c);
	assert_all_passed(&c, "crypto", 2);
	collect_free(&c);
}
END_TEST

/* Without OpenSSL's legacy provider md4 throws a message saying why, and
 * the module's other functions still work. The init code (run while the
 * program loads) does the checks. */
START_TEST(test_engine_stdmods__crypto_without_legacy_provider)
{
	static const char src[] =
		"import crypto from 'k6/crypto';\n"
		"import { eq, throws, done } from './lib/stdmods_assert.js';\n"
		"eq('md5', crypto.md5('abc', 'hex'), '900150983cd24fb0d6963f7d28e17f72');\n"
		"eq('hmac sha1', crypto.hmac('sha1', 'Jefe', 'what do ya want for nothing?', 'hex'),\n"
		"  'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79');\n"
		"throws('md4', () => crypto.md4('abc', 'hex'), \"md4 is not available: OpenSSL's legacy "
		"provider could not be loaded: \");\n"
		"throws('md4 names the file', () => crypto.md4('abc', 'hex'), '/nonexistent/k6c-test');\n"
		"throws('hmac md4', () => crypto.hmac('md4', 'k', 'd', 'hex'), 'md4 is not available');\n"
		"throws('createHash md4', () => crypto.createHash('md4'), 'md4 is not available');\n"
		"done('no-legacy');\n"
		"export default function () {}\n";
	k6c__program *prog = NULL;
	collect c;

	memset(&c, 0, sizeof(c));
	pthread_mutex_init(&c.lock, NULL);
	/* Read when the test's library context loads its providers. */
	setenv("OPENSSL_MODULES", "/nonexistent/k6c-test", 1);
	ck_assert_msg(load(&prog, fixture_path("stdmods_nolegacy.js"), src, &c) == 0, "%s",
		k6c_error_last() != NULL ? k6c_error_last()->message : "?");
	unsetenv("OPENSSL_MODULES");
	k6c__program_free(prog);
	assert_all_passed(&c, "no-legacy", 1);
	collect_free(&c);
}
END_TEST

START_TEST(test_engine_stdmods__shared_array)
{
	enum { VUS = 12 };
	collect c;
	const char *p;
	long late = -1;

	run_fixture("stdmods_data.js", VUS, &c);
	assert_all_passed(&c, "data", VUS);
	assert_all_passed(&c, "data-init", 1);
	/* Each function ran once for the whole test, at load (VU 0) or in
	 * the one VU that built "late"; "users" again never ran. */
	ck_assert_msg(count_lines(&c, "BUILD users") == 1, "%s", logs_of(&c));
	ck_assert_int_eq(count_lines(&c, "BUILD users again"), 0);
	ck_assert_int_eq(count_lines(&c, "BUILD mixed"), 1);
	ck_assert_int_eq(count_lines(&c, "BUILD empty"), 1);
	ck_assert_msg(count_lines(&c, "BUILD late") == 1, "%s", logs_of(&c));
	/* ... and every VU saw the builder's value. */
	ck_assert_int_eq(count_lines(&c, "LATE "), VUS);
	for (p = strstr(logs_of(&c), "LATE "); p != NULL; p = strstr(p + 1, "LATE ")) {
		long v = strtol(p + 5, NULL, 10);

		if (late < 0)
			late = v;
		ck_assert_int_eq(v, late);
	}
	ck_assert_int_gt(late, 0);
	ck_assert_int_le(late, VUS);
	collect_free(&c);
}
END_TEST

static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/* A 4 MB SharedArray is kept once: 100 VUs that each read it in their init
 * code cost a few hundred KiB each, not 4 MB each. */
START_TEST(test_engine_stdmods__shared_array_memory)
{
	static const char src[] =
		"import { SharedArray } from 'k6/data';\n"
		"const big = new SharedArray('big', () => {\n"
		"  const a = [];\n"
		"  for (let i = 0; i < 20000; i++) a.push({ id: i, pad: 'x'.repeat(200) });\n"
		"  return a;\n"
		"});\n"
		"if (big.length !== 20000 || big[19999].id !== 19999) throw new Error('bad data');\n"
		"export default function () { return big[__ITER % big.length].id; }\n";
	enum { N = 100 };
	k6c__program *prog = NULL;
	collect c;
	void *states[N];
	long before, after;
	size_t live;

	memset(&c, 0, sizeof(c));
	pthread_mutex_init(&c.lock, NULL);
	ck_assert_msg(load(&prog, fixture_path("stdmods_mem.js"), src, &c) == 0, "%s",
		k6c_error_last() != NULL ? k6c_error_last()->message : "?");
	malloc_trim(0);
	before = rss_kib();
	live = mallinfo2().uordblks;
	for (int i = 0; i < N; i++)
		ck_assert_int_eq(k6c__engine_vu_ops.init(prog, NULL, &states[i]), 0);
	after = rss_kib();
	live = mallinfo2().uordblks - live;
	printf("engine_stdmods: %d VUs with a 4.4 MB SharedArray: %.1f KiB RSS, %.1f KiB "
		"allocated per VU after init\n", N, (double)(after - before) / N,
		(double)live / 1024.0 / N);
	/* A copy per VU would be over 4000 KiB each. */
	ck_assert_int_lt((long)(live / 1024 / N), 1024);
	ck_assert_int_lt((after - before) / N, 2048);
	for (int i = 0; i < N; i++)
		k6c__engine_vu_ops.free(states[i]);
	k6c__program_free(prog);
	collect_free(&c);
}
END_TEST

static Suite *engine_stdmods_suite(void)
{
	Suite *s = suite_create("engine_stdmods");
	TCase *util_tc = tcase_create("base64");
	TCase *mods_tc = tcase_create("modules");

	tcase_add_test(util_tc, test_util_base64__rfc4648_vectors);
	tcase_add_test(util_tc, test_util_base64__go_decoding_rules);
	suite_add_tcase(s, util_tc);

	tcase_set_timeout(mods_tc, 180);
	tcase_add_test(mods_tc, test_engine_stdmods__encoding);
	tcase_add_test(mods_tc, test_engine_stdmods__crypto);
	tcase_add_test(mods_tc, test_engine_stdmods__crypto_without_legacy_provider);
	tcase_add_test(mods_tc, test_engine_stdmods__shared_array);
	tcase_add_test(mods_tc, test_engine_stdmods__shared_array_memory);
	suite_add_tcase(s, mods_tc);
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	k6c__http_global_init();
	sr = srunner_create(engine_stdmods_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	k6c__http_global_cleanup();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
