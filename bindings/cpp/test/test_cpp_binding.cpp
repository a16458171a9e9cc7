/*
 * test_cpp_binding.cpp - the C++ binding (k6c/k6c.hpp) against a local
 * httpbin: typed and raw module functions (results, TypeErrors naming the
 * function and parameter, C++ exceptions as JavaScript errors), sinks as
 * lambdas (counts equal the summary's; a throwing sink fails the run),
 * k6c::Error for refused calls, abort from another std::thread, move
 * semantics and shared module ownership (meant to run under ASan too), and
 * the sample program. A plain C++ program: each case reports its failed
 * expectations and the exit status is nonzero if any failed.
 *
 * Usage: test_cpp_binding [PATH-OF-k6c_cpp_sample]
 */
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <vector>

#include <k6c/k6c.hpp>

extern "C" {
#include "server.h"
#include "tjson.h"
}

/* ---- a minimal harness --------------------------------------------------------- */

static int failures;
static const char *current_case = "?";

#define EXPECT(cond)                                                                \
	do {                                                                        \
		if (!(cond)) {                                                      \
			std::fprintf(stderr, "%s:%d: [%s] expected %s\n", __FILE__, \
				__LINE__, current_case, #cond);                      \
			failures++;                                                 \
		}                                                                   \
	} while (0)

#define EXPECT_EQ(a, b)                                                             \
	do {                                                                        \
		auto va_ = (a);                                                     \
		auto vb_ = (b);                                                     \
		if (!(va_ == vb_)) {                                                \
			std::fprintf(stderr, "%s:%d: [%s] expected %s == %s, got %s and %s\n", \
				__FILE__, __LINE__, current_case, #a, #b,           \
				show(va_).c_str(), show(vb_).c_str());               \
			failures++;                                                 \
		}                                                                   \
	} while (0)

static std::string show(const std::string &s)
{
	return '"' + s + '"';
}

template <class T> static std::string show(T v)
{
	return std::to_string(v);
}

static ts_server httpbin;

/* Log lines, from any thread. */
struct log_capture {
	std::mutex mu;
	std::vector<std::string> lines;

	k6c::LogFn fn()
	{
		return [this](k6c_log_level, std::string_view line) {
			std::lock_guard<std::mutex> lock(mu);
			lines.emplace_back(line);
		};
	}

	bool has(const std::string &needle)
	{
		std::lock_guard<std::mutex> lock(mu);
		for (const auto &l : lines)
			if (l.find(needle) != std::string::npos)
				return true;
		return false;
	}

	void dump()
	{
		std::lock_guard<std::mutex> lock(mu);
		for (const auto &l : lines)
			std::fprintf(stderr, "  log: %s\n", l.c_str());
	}
};

/* A summary value: metrics.<metric>.values.<field>, NaN if absent. */
static double metric(const k6c::Test &t, const char *name, const char *field)
{
	std::string json = t.summary_json();
	char err[128];
	tj *doc = tj_parse(json.c_str(), err, sizeof(err));
	double v;

	if (doc == nullptr)
		return NAN;
	v = tj_num(tj_getv(doc, "metrics", name, "values", field, nullptr), NAN);
	tj_free(doc);
	return v;
}

/* Runs and checks the exit code, showing the log and summary if it differs. */
static void run_expect(k6c::Test &t, log_capture &cap, int want)
{
	int got = t.run();

	if (got != want) {
		std::fprintf(stderr, "[%s] exit code %d, expected %d\n", current_case, got, want);
		cap.dump();
		std::fprintf(stderr, "%s\n", t.summary_text().c_str());
	}
	EXPECT_EQ(got, want);
}

/* ---- typed module functions ------------------------------------------------------ */

/* calc: the typed conversions, each checked by the script (a failed check
 * fails the checks threshold: exit code 99). */
static const char calc_script[] = R"(
import http from 'k6/http';
import { check } from 'k6';
import calc from 'k6/x/calc';

export const options = {
  vus: 2, iterations: 10,
  thresholds: { checks: ['rate==1'], 'cpp_bumps{source:cpp}': ['count==20'] },
};

export default function () {
  http.get(`${__ENV.TARGET}/get`);
  calc.bump(2);
  check(null, {
    'add': () => calc.add(1.5, 2.25) === 3.75,
    'neg': () => calc.neg(-7) === 7,
    'big': () => calc.twice(2 ** 40) === 2 ** 41,
    'unsigned': () => calc.uns(4294967295) === 4294967295,
    'bool': () => calc.not(false) === true,
    'string': () => calc.greet('wörld 😀') === 'hello, wörld 😀',
    'view': () => calc.len('wörld') === 6,
    'cstr': () => calc.cstr(true) === 'yes' && calc.cstr(false) === null,
    'optional given': () => calc.opt(5) === 5,
    'optional missing': () => calc.opt() === -1 && calc.opt(null) === -1,
    'optional result': () => calc.maybe('x') === 'x' && calc.maybe('') === null,
    'vector': () => JSON.stringify(calc.range(3)) === '[0,1,2]',
    'float': () => calc.half(3) === 1.5,
    'void': () => calc.nothing() === undefined,
    'vu': () => calc.vu() >= 1 && calc.vu() <= 2,
  });
}
)";

static k6c::Module make_calc(std::atomic<long> &bumped)
{
	k6c::Module calc("calc");
	k6c::Metric bumps = calc.metric("cpp_bumps", K6C_METRIC_COUNTER);

	calc.function("add", [](double a, double b) { return a + b; }, { "a", "b" })
		.function("neg", [](int v) { return -v; })
		.function("twice", [](int64_t v) { return v * 2; })
		.function("uns", [](unsigned v) { return v; })
		.function("not", [](bool b) { return !b; })
		.function("greet", [](const std::string &who) { return "hello, " + who; })
		.function("len", [](std::string_view s) { return s.size(); })
		.function("cstr", [](bool yes) -> const char * { return yes ? "yes" : nullptr; })
		.function("opt", [](std::optional<int> v) { return v.value_or(-1); })
		.function("maybe", [](std::string s) -> std::optional<std::string> {
			if (s.empty())
				return std::nullopt;
			return s;
		})
		.function("range", [](unsigned n) {
			std::vector<double> v;
			for (unsigned i = 0; i < n; i++)
				v.push_back(i);
			return v;
		})
		.function("half", [](float f) { return f / 2; })
		.function("nothing", []() {})
		.function("vu", []() { return k6c_vu_id(k6c::current_vu()); })
		.function("bump", [&bumped, bumps](long n) {
			bumped += n;
			bumps.add(static_cast<double>(n), { { "source", "cpp" } });
		});
	return calc;
}

static void test_typed_functions()
{
	current_case = "typed functions";
	std::atomic<long> bumped{0};
	log_capture cap;
	k6c::Test t;

	t.script_source("calc.js", calc_script)
		.env("TARGET", httpbin.base_url)
		.on_log(cap.fn())
		.add_module(make_calc(bumped));   /* the Module itself dies here */
	run_expect(t, cap, 0);
	/* 10 iterations of bump(2), from both VUs' threads. */
	EXPECT_EQ(bumped.load(), 20L);
	EXPECT_EQ(metric(t, "iterations", "count"), 10.0);
	EXPECT_EQ(metric(t, "checks", "passes"), 150.0);
	EXPECT_EQ(metric(t, "checks", "fails"), 0.0);
	/* Samples of the module's metric, with their tag (the threshold). */
	EXPECT_EQ(metric(t, "cpp_bumps", "count"), 20.0);
}

/* Wrong argument types: TypeErrors naming the function and the parameter,
 * and the callable not called. C++ exceptions: Errors with what(). */
static const char errors_script[] = R"(
import { check } from 'k6';
import calc from 'k6/x/calc';

export const options = { iterations: 1, thresholds: { checks: ['rate==1'] } };

function thrown(f) {
  try { f(); } catch (e) { console.log(`caught ${e.name}: ${e.message}`); return e; }
  return null;
}

// Samples cannot be added in the init context: Metric::add() throws.
const initErr = thrown(() => calc.hit());

export default function () {
  const a = thrown(() => calc.add('x', 1));
  const b = thrown(() => calc.add(1));
  const c = thrown(() => calc.neg(1.5));
  const d = thrown(() => calc.neg(2 ** 31));
  const e = thrown(() => calc.not(1));
  const f = thrown(() => calc.greet(42));
  const g = thrown(() => calc.fail('it broke'));
  const h = thrown(() => calc.weird());
  const i = thrown(() => calc.uns(-1));
  const j = thrown(() => calc.big());
  check(null, {
    'string for number': () => a instanceof TypeError &&
      a.message === 'add: a must be a number, not a string',
    'missing': () => b instanceof TypeError &&
      b.message === 'add: b must be a number, not undefined',
    'fraction for int': () => c instanceof TypeError &&
      c.message === 'neg: argument 1 must be an integer from -2147483648 to 2147483647, not 1.5',
    'int range': () => d instanceof TypeError && d.message.startsWith('neg: argument 1 must be an integer'),
    'bool': () => e instanceof TypeError &&
      e.message === 'not: argument 1 must be a boolean, not a number',
    'string': () => f instanceof TypeError &&
      f.message === 'greet: argument 1 must be a string, not a number',
    'C++ exception': () => g instanceof Error && !(g instanceof TypeError) &&
      g.message === 'fail: it broke',
    'not a std exception': () => h instanceof Error && h.message === 'weird: unknown C++ exception',
    'unsigned range': () => i instanceof TypeError &&
      i.message === 'uns: argument 1 must be an integer from 0 to 4294967295, not -1',
    'no samples in init': () => initErr instanceof Error &&
      initErr.message.startsWith('hit: k6c_vu_emit: samples cannot be added in the init'),
    'samples outside init': () => calc.hit() === undefined,
    'long message truncated': () => j instanceof Error && j.message === 'big: ' + 'x'.repeat(511),
    'still usable': () => calc.add(1, 1) === 2,
  });
}
)";

static void test_errors_in_functions()
{
	current_case = "errors in functions";
	std::atomic<int> calls{0};
	log_capture cap;
	k6c::Test t;
	k6c::Module calc("k6/x/calc");
	k6c::Metric hits = calc.metric("cpp_hits", K6C_METRIC_COUNTER);

	calc.function("hit", [hits]() { hits.add(1); })
		.function("add", [&calls](double a, double b) { calls++; return a + b; }, { "a", "b" })
		.function("neg", [&calls](int v) { calls++; return -v; })
		.function("not", [&calls](bool b) { calls++; return !b; })
		.function("greet", [&calls](std::string s) { calls++; return s; })
		.function("uns", [&calls](unsigned v) { calls++; return v; })
		.function("fail", [](std::string why) -> int { throw std::runtime_error(why); })
		.function("weird", []() { throw 42; })
		.function("big", []() -> int { throw std::length_error(std::string(2000, 'x')); });
	t.script_source("errors.js", errors_script).on_log(cap.fn()).add_module(calc);
	run_expect(t, cap, 0);
	/* Only 'still usable' reached a callable. */
	EXPECT_EQ(calls.load(), 1);
	EXPECT_EQ(metric(t, "checks", "passes"), 13.0);
	EXPECT_EQ(metric(t, "cpp_hits", "count"), 1.0);
	EXPECT(cap.has("caught TypeError: add: a must be a number, not a string"));
	EXPECT(cap.has("caught Error: fail: it broke"));

	/* Outside a module function there is no VU to add a sample from. */
	try {
		hits.add(1);
		EXPECT(!"Metric::add() outside a module function threw");
	} catch (const k6c::Error &e) {
		EXPECT_EQ(e.code(), static_cast<int>(K6C_ESTATE));
	}

	/* A module added to a test is frozen. */
	try {
		calc.function("late", []() {});
		EXPECT(!"function() on a frozen module threw");
	} catch (const k6c::Error &e) {
		EXPECT_EQ(e.code(), static_cast<int>(K6C_ESTATE));
	}

	/* A metric the library refuses makes the import, an init error, fail. */
	current_case = "bad metric";
	log_capture cap2;
	k6c::Test t2;
	k6c::Module bad("bad");
	bad.metric("no spaces allowed", K6C_METRIC_TREND, K6C_CONTAINS_TIME);
	bad.function("f", []() {});
	t2.script_source("bad.js", "import bad from 'k6/x/bad';\n"
		"export default function () { bad.f(); }\n").on_log(cap2.fn()).add_module(bad);
	run_expect(t2, cap2, 107);
	EXPECT(cap2.has("k6/x/bad: Invalid metric name: 'no spaces allowed'"));
}

/* ---- raw functions ------------------------------------------------------------- */

static const char raw_script[] = R"(
import { check } from 'k6';
import raw from 'k6/x/raw';

export const options = { iterations: 3, thresholds: { checks: ['rate==1'] } };

export default function () {
  let typeErr = null, cppErr = null;
  try { raw.point('no'); } catch (e) { typeErr = e; }
  try { raw.boom(); } catch (e) { cppErr = e; }
  check(raw.point(3), {
    'object': (p) => p.x === 3 && p.y === 6,
    'type error': () => typeErr instanceof TypeError && typeErr.message === 'point: x must be a number, not a string',
    'c++ error': () => cppErr instanceof Error && cppErr.message === 'boom: raw failure',
  });
}
)";

static void test_raw_functions()
{
	current_case = "raw functions";
	log_capture cap;
	k6c::Test t;
	k6c::Module raw("raw");
	std::atomic<int> calls{0};

	raw.raw_function("point", [&calls](duk_context *ctx) -> duk_ret_t {
		/* Only plain data alive here: k6c_mod_arg_number may longjmp. */
		double x = k6c_mod_arg_number(ctx, 0, "point", "x");

		calls++;
		duk_push_object(ctx);
		duk_push_number(ctx, x);
		duk_put_prop_string(ctx, -2, "x");
		duk_push_number(ctx, 2 * x);
		duk_put_prop_string(ctx, -2, "y");
		return 1;
	}, 1);
	raw.raw_function("boom", [](duk_context *) -> duk_ret_t {
		throw std::logic_error("raw failure");
	}, 0);
	t.script_source("raw.js", raw_script).on_log(cap.fn()).add_module(raw);
	run_expect(t, cap, 0);
	EXPECT_EQ(metric(t, "checks", "passes"), 9.0);
	/* The TypeError was thrown before the count. */
	EXPECT_EQ(calls.load(), 3);
}

/* ---- sinks ----------------------------------------------------------------------- */

static const char http_script[] = R"(
import http from 'k6/http';
export const options = { vus: 2, iterations: 12 };
export default function () {
  http.get(`${__ENV.TARGET}/get`);
  http.get(`${__ENV.TARGET}/status/404`);
}
)";

static const char long_script[] = R"(
import http from 'k6/http';
import { sleep } from 'k6';
export const options = { vus: 2, duration: '60s' };
export default function () { http.get(`${__ENV.TARGET}/get`); sleep(0.1); }
)";

static void test_sink_counts()
{
	current_case = "sink counts";
	log_capture cap;
	k6c::Test t;
	/* Output thread only: plain counters, read after run() returned. */
	long reqs = 0, not_found = 0, iterations = 0, batches = 0, raw_samples = 0;
	int starts = 0, stops = 0, stop_code = -2;
	bool stop_summary = false;
	size_t start_metrics = 0;

	k6c::Sink counting([&](k6c::Samples batch) {
		batches++;
		EXPECT(!batch.empty());
		for (const k6c_sample &s : batch) {
			std::string_view name = s.metric->name;
			if (name == "http_reqs") {
				reqs++;
				const char *status = k6c::tag(s, "status");
				if (status != nullptr && std::strcmp(status, "404") == 0)
					not_found++;
			} else if (name == "iterations") {
				iterations++;
			}
		}
	});
	counting.on_start([&](const k6c_sink_start_info &info) {
		starts++;
		start_metrics = info.nmetrics;
	}).on_stop([&](int code, const char *summary) {
		stops++;
		stop_code = code;
		stop_summary = summary != nullptr && std::strstr(summary, "\"http_reqs\"") != nullptr;
	}).description("counting (test)");
	t.script_source("http.js", http_script)
		.env("TARGET", httpbin.base_url)
		.on_log(cap.fn())
		.add_sink(std::move(counting))
		/* The other form: a pointer and a count. */
		.add_sink([&](const k6c_sample *, size_t n) { raw_samples += static_cast<long>(n); });
	run_expect(t, cap, 0);
	EXPECT_EQ(static_cast<double>(reqs), metric(t, "http_reqs", "count"));
	EXPECT_EQ(reqs, 24L);
	EXPECT_EQ(not_found, 12L);
	EXPECT_EQ(static_cast<double>(iterations), metric(t, "iterations", "count"));
	EXPECT_EQ(iterations, 12L);
	EXPECT(batches >= 1);
	EXPECT(raw_samples > reqs + iterations);
	EXPECT_EQ(starts, 1);
	EXPECT_EQ(stops, 1);
	EXPECT_EQ(stop_code, 0);
	EXPECT(stop_summary);
	EXPECT(start_metrics > 0);
	/* The run header names the sink by its description. */
	EXPECT(cap.has("counting (test)"));
}

static void test_sink_throws()
{
	current_case = "sink throws";
	log_capture cap;
	k6c::Test t;
	int stops = 0;

	t.script_source("long.js", long_script)
		.env("TARGET", httpbin.base_url)
		.on_log(cap.fn())
		.add_sink(k6c::Sink([](k6c::Samples) {
			throw std::runtime_error("sink exploded");
		}).on_stop([&](int, const char *) { stops++; }));
	auto t0 = std::chrono::steady_clock::now();
	run_expect(t, cap, 255);
	/* It stopped the test instead of letting it run its 60 s. */
	EXPECT(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(30));
	EXPECT(cap.has("sink exploded"));
	EXPECT_EQ(stops, 1);

	/* From on_start: the run fails before it executes. */
	current_case = "sink start throws";
	log_capture cap2;
	k6c::Test t2;
	long batches = 0;
	t2.script_source("http.js", http_script)
		.env("TARGET", httpbin.base_url)
		.on_log(cap2.fn())
		.add_sink(k6c::Sink([&](k6c::Samples) { batches++; }).on_start(
			[](const k6c_sink_start_info &) { throw std::runtime_error("cannot connect"); }));
	run_expect(t2, cap2, 255);
	EXPECT(cap2.has("cannot connect"));
	EXPECT_EQ(batches, 0L);
}

/* ---- errors of the API ------------------------------------------------------------ */


static void test_api_errors()
{
	current_case = "api errors";
	k6c::Test t;

	try {
		t.run();
		EXPECT(!"run() without a script threw");
	} catch (const k6c::Error &e) {
		EXPECT_EQ(e.code(), static_cast<int>(K6C_EINVAL));
		EXPECT_EQ(std::string(e.name()), std::string("K6C_EINVAL"));
		EXPECT(std::strlen(e.what()) > 0);
	}
	try {
		t.options("[1, 2]");
		EXPECT(!"options() with a non-object threw");
	} catch (const k6c::Error &e) {
		EXPECT_EQ(e.code(), static_cast<int>(K6C_EINVAL));
	}
	try {
		t.wait();
		EXPECT(!"wait() before start() threw");
	} catch (const k6c::Error &e) {
		EXPECT_EQ(e.code(), static_cast<int>(K6C_ESTATE));
	}
	/* Modules: a bad name, a duplicate. */
	try {
		t.add_module(k6c::Module("k6/x/bad name"));
		EXPECT(!"a bad module name threw");
	} catch (const k6c::Error &e) {
		EXPECT_EQ(e.code(), static_cast<int>(K6C_EINVAL));
	}
	k6c::Module one("dup");
	one.function("f", []() { return 1; });
	t.add_module(one);
	try {
		t.add_module(k6c::Module("dup"));
		EXPECT(!"a duplicate module threw");
	} catch (const k6c::Error &e) {
		EXPECT_EQ(e.code(), static_cast<int>(K6C_ECONFIG));
		EXPECT(std::string(e.what()).find("dup") != std::string::npos);
	}
	EXPECT_EQ(t.exit_code(), -1);
	EXPECT_EQ(t.summary_json(), std::string());
	EXPECT(!t.progress(0).has_value());
}

/* start(), calls refused while running, abort() from another thread. */
static void test_abort_from_thread()
{
	current_case = "abort from a thread";
	log_capture cap;
	k6c::Test t;

	t.script_source("long.js", long_script).env("TARGET", httpbin.base_url).on_log(cap.fn());
	t.start();
	try {
		t.script_file("/nonexistent.js");
		EXPECT(!"script_file() while running threw");
	} catch (const k6c::Error &e) {
		EXPECT_EQ(e.code(), static_cast<int>(K6C_ESTATE));
	}
	try {
		t.run();
		EXPECT(!"run() while running threw");
	} catch (const k6c::Error &e) {
		EXPECT_EQ(e.code(), static_cast<int>(K6C_ESTATE));
	}
	auto t0 = std::chrono::steady_clock::now();
	std::thread stopper([&t]() {
		/* Wait until the scenario runs, then abort. */
		for (int i = 0; i < 200; i++) {
			auto p = t.progress(0);
			if (p && p->state == K6C_SCENARIO_RUNNING && p->iterations_complete > 0)
				break;
			std::this_thread::sleep_for(std::chrono::milliseconds(50));
		}
		t.abort();
	});
	int code = t.wait();
	stopper.join();
	EXPECT_EQ(code, 105);
	EXPECT(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(30));
	EXPECT(metric(t, "http_reqs", "count") > 0);
	auto p = t.progress(0);
	EXPECT(p.has_value());
	if (p)
		EXPECT_EQ(std::string(p->executor), std::string("constant-vus"));
}

/* inspect(), then scale() and paused() on an externally-controlled scenario. */
static const char ext_script[] = R"(
import { sleep } from 'k6';
export const options = {
  scenarios: { ext: { executor: 'externally-controlled', vus: 1, maxVUs: 3, duration: '60s' } },
};
export default function () { sleep(0.05); }
)";

static bool wait_for(const std::function<bool()> &cond)
{
	for (int i = 0; i < 400; i++) {
		if (cond())
			return true;
		std::this_thread::sleep_for(std::chrono::milliseconds(25));
	}
	return false;
}

static void test_inspect_and_scale()
{
	current_case = "inspect and scale";
	log_capture cap;
	k6c::Test t;

	t.script_source("ext.js", ext_script).on_log(cap.fn());
	EXPECT_EQ(t.inspect(), 0);
	EXPECT(t.options_json().find("externally-controlled") != std::string::npos);
	try {
		t.scale(2);
		EXPECT(!"scale() before the run threw");
	} catch (const k6c::Error &e) {
		EXPECT_EQ(e.code(), static_cast<int>(K6C_ESTATE));
	}
	t.start();
	EXPECT(wait_for([&t]() {
		auto p = t.progress(0);
		return p && p->state == K6C_SCENARIO_RUNNING && p->iterations_complete > 0;
	}));
	t.scale(3);
	EXPECT(wait_for([&t]() {
		auto p = t.progress(0);
		return p && p->vus_active == 3;
	}));
	try {
		t.scale(4);
		EXPECT(!"scale() above maxVUs threw");
	} catch (const k6c::Error &e) {
		EXPECT_EQ(e.code(), static_cast<int>(K6C_EINVAL));
	}
	/* Paused, the iteration count stands still. */
	t.paused(true);
	std::this_thread::sleep_for(std::chrono::milliseconds(300));
	auto before = t.progress(0);
	std::this_thread::sleep_for(std::chrono::milliseconds(300));
	auto after = t.progress(0);
	EXPECT(before && after && before->iterations_complete == after->iterations_complete);
	t.paused(false);
	EXPECT(wait_for([&t, &after]() {
		auto p = t.progress(0);
		return p && after && p->iterations_complete > after->iterations_complete;
	}));
	t.abort();
	EXPECT_EQ(t.wait(), 105);
}

/* ---- ownership ------------------------------------------------------------------ */

static k6c::Test make_test(std::atomic<long> &bumped)
{
	k6c::Test t;
	t.script_source("calc.js", calc_script).env("TARGET", httpbin.base_url).add_module(
		make_calc(bumped));
	return t;
}

static void test_moves()
{
	current_case = "moves";
	std::atomic<long> bumped{0};
	k6c::Test a = make_test(bumped);
	k6c::Test b(std::move(a));

	EXPECT(a.get() == nullptr);
	EXPECT(b.get() != nullptr);
	try {
		a.script_source("x.js", "export default function () {}");
		EXPECT(!"a moved-from Test threw");
	} catch (const k6c::Error &e) {
		EXPECT_EQ(e.code(), static_cast<int>(K6C_EINVAL));
	}
	a.abort();   /* a no-op */
	EXPECT_EQ(a.exit_code(), -1);

	/* Move-assign over a configured test: the old one is freed. */
	k6c::Test c;
	std::atomic<long> other{0};
	c = make_test(other);
	c = std::move(b);
	EXPECT(b.get() == nullptr);
	log_capture cap;
	c.on_log(cap.fn());
	run_expect(c, cap, 0);
	EXPECT_EQ(bumped.load(), 20L);
	EXPECT_EQ(other.load(), 0L);

	/* Tests in a growing vector are moved, never copied. */
	std::vector<k6c::Test> many;
	for (int i = 0; i < 5; i++)
		many.emplace_back(make_test(other));
	many.erase(many.begin() + 1);
	log_capture cap2;
	many.back().on_log(cap2.fn());
	run_expect(many.back(), cap2, 0);
	EXPECT_EQ(other.load(), 20L);

	/* A log callback that throws does not take the run down. */
	current_case = "throwing logger";
	k6c::Test d;
	std::atomic<int> lines{0};
	d.script_source("log.js", "export const options = { iterations: 2 };\n"
		"export default function () { console.log('hi'); }\n")
		.on_log([&lines](k6c_log_level, std::string_view) {
			lines++;
			throw std::runtime_error("logger failed");
		});
	EXPECT_EQ(d.run(), 0);
	EXPECT(lines.load() >= 2);
}

/* ---- the sample ------------------------------------------------------------------- */

static void test_sample(const char *path)
{
	current_case = "sample";
	std::string cmd = std::string("'") + path + "' '" + httpbin.base_url + "/get' 2>&1";
	std::string out;
	char buf[4096];
	FILE *f = popen(cmd.c_str(), "r");

	EXPECT(f != nullptr);
	if (f == nullptr)
		return;
	size_t n;
	while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0)
		out.append(buf, n);
	int status = pclose(f);
	if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		std::fprintf(stderr, "%s\n", out.c_str());
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT(out.find("status 200: 10 by the module, 10 by the sink") != std::string::npos);
}

int main(int argc, char **argv)
{
	if (ts_httpbin_start(&httpbin) != 0) {
		std::fprintf(stderr, "cannot start httpbin\n");
		return 1;
	}
	std::printf("libk6c %s, httpbin at %s\n", k6c::version(), httpbin.base_url);
	try {
		test_typed_functions();
		test_errors_in_functions();
		test_raw_functions();
		test_sink_counts();
		test_sink_throws();
		test_api_errors();
		test_abort_from_thread();
		test_inspect_and_scale();
		test_moves();
		if (argc > 1)
			test_sample(argv[1]);
	} catch (const std::exception &e) {
		std::fprintf(stderr, "[%s] unexpected exception: %s\n", current_case, e.what());
		failures++;
	}
	ts_server_stop(&httpbin);
	std::printf("%d failed expectation(s)\n", failures);
	return failures == 0 ? 0 : 1;
}
