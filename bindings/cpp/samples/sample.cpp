/*
 * sample.cpp - libk6c from C++ (k6c/k6c.hpp): a module function and a sink
 * written as lambdas. The script GETs a URL with 2 VUs for 10 iterations
 * and asks the module `k6/x/tally` to count each response's status; a sink
 * counts the http_reqs samples per status tag. At the end both tallies and
 * the summary are printed; they agree.
 *
 * Usage: k6c_cpp_sample [URL]   (default: $TARGET, else http://127.0.0.1:8080/get)
 * Exit code: the test's (k6's exit codes), 3 if the tallies disagree, 255
 * on an API error.
 */
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>

#include <k6c/k6c.hpp>

static const char script[] = R"(
import http from 'k6/http';
import tally from 'k6/x/tally';

export const options = { vus: 2, iterations: 10 };

export default function () {
  const res = http.get(__ENV.TARGET);
  tally.count(res.status);
}
)";

int main(int argc, char **argv)
{
	const char *env = std::getenv("TARGET");
	std::string target = argc > 1 ? argv[1] : env != nullptr ? env : "http://127.0.0.1:8080/get";
	/* Called from the VUs' worker threads at once: a lock guards the map. */
	std::mutex mu;
	std::map<int, long> by_module;
	/* Called on the output thread only, one batch at a time: no lock. */
	std::map<std::string, long> by_sink;

	try {
		k6c::Module tally("tally");
		tally.function("count", [&](int status) {
			std::lock_guard<std::mutex> lock(mu);
			return ++by_module[status];
		}, { "status" });

		k6c::Test test;
		test.script_source("sample.js", script)
			.env("TARGET", target)
			.on_log([](k6c_log_level, std::string_view line) {
				std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
			})
			.add_module(tally)
			.add_sink(k6c::Sink([&](k6c::Samples batch) {
				for (const k6c_sample &s : batch)
					if (std::string_view(s.metric->name) == "http_reqs") {
						const char *status = k6c::tag(s, "status");
						by_sink[status != nullptr ? status : "?"]++;
					}
			}).description("status tally (printed at the end)"));

		int code = test.run();
		std::printf("%s\n", test.summary_text().c_str());
		bool agree = by_module.size() == by_sink.size();
		for (const auto &[status, n] : by_module) {
			std::printf("status %d: %ld by the module, %ld by the sink\n", status, n,
				by_sink[std::to_string(status)]);
			agree = agree && by_sink[std::to_string(status)] == n;
		}
		return code != 0 ? code : agree ? 0 : 3;
	} catch (const k6c::Error &e) {
		std::fprintf(stderr, "k6c_cpp_sample: %s (%s)\n", e.what(), e.name());
		return 255;
	}
}
