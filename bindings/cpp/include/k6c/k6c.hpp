/*
 * k6c/k6c.hpp - a header-only C++17 wrapper of libk6c.
 *
 * k6c::Test owns a k6c_test (RAII, move-only); every failing C call throws
 * k6c::Error with the library's code and message; k6c::Module turns C++
 * callables into the functions of a `k6/x/<name>` JavaScript module, with
 * custom metrics (k6c::Metric) they add samples to; sinks are C++
 * callables receiving the test's samples. Link with libk6c only
 * (pkg-config libk6c); nothing here needs a library of its own.
 *
 * Two worlds meet here and must not cross. Duktape, the JavaScript engine,
 * reports errors with longjmp; C++ reports them with exceptions. A longjmp
 * that skips a frame holding an object with a destructor is undefined
 * behaviour, and an exception that unwinds into C code (Duktape's or
 * libk6c's) terminates the program at best. So every callback libk6c calls
 * (module functions, sinks, the log callback) catches all C++ exceptions,
 * and the module trampolines only call Duktape functions that can throw
 * while no C++ object with a destructor is alive in their frames (see
 * detail::typed_fn).
 *
 * Threads: as the C API's (doc/bindings.md): one thread at a time per
 * k6c::Test, except abort(), paused(), scale() and progress(), which any
 * thread may call while another runs or waits. Module functions run on the
 * VUs' worker threads, concurrently; sinks run on the test's output thread.
 *
 * Copyright (c) libk6c developers. MIT licence, see LICENSE.
 */
#ifndef K6C_K6C_HPP
#define K6C_K6C_HPP

#if __cplusplus < 201703L
#error "k6c/k6c.hpp needs C++17 or later"
#endif

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <k6c.h>
#include <k6c/module.h>

namespace k6c {

/**
 * k6c::Error - a failed libk6c call, as an exception.
 *
 * what() is the library's message for the failure (k6c_error_last() on the
 * thread that made the call), or k6c_strerror() of the code when the
 * library recorded none.
 *
 * Thread: any; an Error is a plain value.
 * Since: 0.1
 */
class Error : public std::runtime_error {
public:
	/**
	 * Error() - an error with a code and a message.
	 * @code: a negative k6c_error_code (K6C_EINVAL, ...).
	 * @message: the text what() returns; copied.
	 *
	 * Throws std::bad_alloc if the message cannot be copied.
	 * Since: 0.1
	 */
	Error(int code, const std::string &message) : std::runtime_error(message), code_(code) {}

	/**
	 * Error::from_last() - the error a C call that returned @code left on
	 * the calling thread.
	 * @code: the negative code the call returned.
	 *
	 * Return: an Error with k6c_error_last()'s message if it is for
	 * @code, else with k6c_strerror(@code).
	 * Since: 0.1
	 */
	static Error from_last(int code)
	{
		const k6c_error *e = k6c_error_last();

		if (e != nullptr && e->code == code && e->message != nullptr)
			return Error(code, e->message);
		return Error(code, k6c_strerror(code));
	}

	/**
	 * Error::code() - the library's code.
	 *
	 * Return: a negative k6c_error_code, e.g. K6C_ESTATE.
	 * Since: 0.1
	 */
	int code() const noexcept { return code_; }

	/**
	 * Error::name() - the code's symbolic name, e.g. "K6C_ESTATE".
	 *
	 * Return: a static string, never NULL.
	 * Since: 0.1
	 */
	const char *name() const noexcept { return k6c_error_name(code_); }

private:
	int code_;
};

namespace detail {

/* Throws the Error of a failed call; returns rc otherwise. */
inline int check(int rc)
{
	if (rc < 0)
		throw Error::from_last(rc);
	return rc;
}

/* The text of a C string that may be NULL, as a std::string ("" for NULL). */
inline std::string str_or_empty(const char *s)
{
	return s != nullptr ? std::string(s) : std::string();
}

/* Which VU runs the typed module function on this thread (current_vu()). */
inline thread_local k6c_vu *tls_vu = nullptr;

} /* namespace detail */

/**
 * k6c::current_vu() - the VU whose module function runs on this thread.
 *
 * Inside a function added with Module::function() this is the VU that
 * called it (for k6c_vu_id(), k6c_vu_emit(), k6c_vu_env(), ...); in a
 * Module::raw_function() use k6c_vu_from_ctx() instead.
 *
 * Return: the VU, borrowed (valid during the call), or nullptr outside a
 * typed module function.
 * Thread: the VU's worker thread.
 * Since: 0.1
 */
inline k6c_vu *current_vu() noexcept
{
	return detail::tls_vu;
}

/* ---- Modules: C++ callables as JavaScript functions ------------------------ */

namespace detail {

/* An argument as read from the Duktape stack before any C++ object exists:
 * plain data only, so the frames holding it may be longjmp'ed over. */
struct raw_arg {
	const char *s;
	size_t len;
	double num;
	bool b;
	bool present;
};
static_assert(std::is_trivially_destructible<raw_arg>::value, "raw_arg must stay plain data");

/* A C++ exception's message, copied out of the catch block into the
 * trampoline's frame so that it outlives every C++ object there. */
struct failure {
	bool failed;
	char msg[512];

	void set(const char *what) noexcept
	{
		failed = true;
		std::snprintf(msg, sizeof(msg), "%s",
			what != nullptr ? what : "unknown C++ exception");
	}
};
static_assert(std::is_trivially_destructible<failure>::value, "failure must stay plain data");

/* The JavaScript type of a value, for TypeError messages; never throws. */
inline const char *js_type(duk_context *ctx, duk_idx_t idx) noexcept
{
	if (duk_is_array(ctx, idx))
		return "an array";
	switch (duk_get_type(ctx, idx)) {
	case DUK_TYPE_NONE:
	case DUK_TYPE_UNDEFINED:
		return "undefined";
	case DUK_TYPE_NULL:
		return "null";
	case DUK_TYPE_BOOLEAN:
		return "a boolean";
	case DUK_TYPE_NUMBER:
		return "a number";
	case DUK_TYPE_STRING:
		return duk_is_symbol(ctx, idx) ? "a symbol" : "a string";
	case DUK_TYPE_OBJECT:
		return duk_is_function(ctx, idx) ? "a function" : "an object";
	default:
		return "a value of another type";
	}
}

template <class T> struct dependent_false : std::false_type {};

/*
 * arg<T>: one parameter type of a typed module function.
 *   read(): phase 1, in the trampoline before any C++ object exists. Checks
 *           the JavaScript value and copies what is needed into a raw_arg;
 *           throws a JavaScript TypeError (longjmp) when the value does not
 *           fit. Only plain data may be alive in its frames.
 *   make(): phase 2, inside the trampoline's try block. Builds the C++
 *           value; may throw C++ exceptions (std::bad_alloc).
 */
template <class T, class Enable = void> struct arg {
	static_assert(dependent_false<T>::value,
		"k6c::Module::function(): unsupported parameter type; use bool, an arithmetic "
		"type, std::string, std::string_view, const char *, std::optional of one of "
		"them, or Module::raw_function()");
};

template <> struct arg<bool> {
	static void read(duk_context *ctx, duk_idx_t i, const char *fn, const char *param,
		raw_arg &out)
	{
		if (!duk_is_boolean(ctx, i))
			k6c_mod_throw_type(ctx, "%s: %s must be a boolean, not %s", fn, param,
				js_type(ctx, i));
		out.b = duk_get_boolean(ctx, i) != 0;
	}
	static bool make(const raw_arg &r) { return r.b; }
};

template <class T>
struct arg<T, std::enable_if_t<std::is_floating_point<T>::value>> {
	static void read(duk_context *ctx, duk_idx_t i, const char *fn, const char *param,
		raw_arg &out)
	{
		out.num = k6c_mod_arg_number(ctx, i, fn, param);
	}
	static T make(const raw_arg &r)
	{
		/* A double outside float's range becomes an infinity explicitly:
		 * the plain conversion would be undefined. */
		if (std::is_same<T, float>::value && std::isfinite(r.num) &&
		    std::fabs(r.num) > static_cast<double>(std::numeric_limits<float>::max()))
			return static_cast<T>(r.num > 0 ? HUGE_VAL : -HUGE_VAL);
		return static_cast<T>(r.num);
	}
};

template <class T>
struct arg<T, std::enable_if_t<std::is_integral<T>::value && !std::is_same<T, bool>::value>> {
	static void read(duk_context *ctx, duk_idx_t i, const char *fn, const char *param,
		raw_arg &out)
	{
		double v = k6c_mod_arg_number(ctx, i, fn, param);
		/* [lo, hi): hi is max + 1, exact in a double even where max is
		 * not (2^63, 2^64). NaN fails every comparison. */
		double lo = static_cast<double>(std::numeric_limits<T>::min());
		double hi = static_cast<double>(std::numeric_limits<T>::max() / 2 + 1) * 2.0;

		if (!(v >= lo && v < hi && std::trunc(v) == v)) {
			if (std::is_signed<T>::value)
				k6c_mod_throw_type(ctx, "%s: %s must be an integer from %lld to %lld, not %g",
					fn, param, static_cast<long long>(std::numeric_limits<T>::min()),
					static_cast<long long>(std::numeric_limits<T>::max()), v);
			k6c_mod_throw_type(ctx, "%s: %s must be an integer from 0 to %llu, not %g", fn,
				param, static_cast<unsigned long long>(std::numeric_limits<T>::max()), v);
		}
		out.num = v;
	}
	static T make(const raw_arg &r) { return static_cast<T>(r.num); }
};

/* Strings come as UTF-8 (k6c_mod_arg_string() converts Duktape's CESU-8,
 * leaving the converted copy on the value stack, where it stays until the
 * function returns). */
struct arg_text {
	static void read(duk_context *ctx, duk_idx_t i, const char *fn, const char *param,
		raw_arg &out)
	{
		out.s = k6c_mod_arg_string(ctx, i, fn, param, &out.len);
	}
};

template <> struct arg<std::string> : arg_text {
	static std::string make(const raw_arg &r) { return std::string(r.s, r.len); }
};

template <> struct arg<std::string_view> : arg_text {
	static std::string_view make(const raw_arg &r) { return std::string_view(r.s, r.len); }
};

template <> struct arg<const char *> : arg_text {
	static const char *make(const raw_arg &r) { return r.s; }
};

template <class T> struct arg<std::optional<T>> {
	static void read(duk_context *ctx, duk_idx_t i, const char *fn, const char *param,
		raw_arg &out)
	{
		out.present = !duk_is_null_or_undefined(ctx, i);
		if (out.present)
			arg<T>::read(ctx, i, fn, param, out);
	}
	static std::optional<T> make(const raw_arg &r)
	{
		if (!r.present)
			return std::nullopt;
		return std::optional<T>(arg<T>::make(r));
	}
};

/*
 * ret<T>: one return type. push() runs inside duk_safe_call(), so a
 * Duktape error it raises (out of memory) is caught there and rethrown by
 * the trampoline only after every C++ object is gone.
 */
template <class T, class Enable = void> struct ret {
	static_assert(dependent_false<T>::value,
		"k6c::Module::function(): unsupported return type; use void, bool, an arithmetic "
		"type, std::string, std::string_view, const char *, std::optional or std::vector "
		"of one of them");
};

template <> struct ret<bool> {
	static void push(duk_context *ctx, bool v) { duk_push_boolean(ctx, v); }
};

template <class T>
struct ret<T, std::enable_if_t<std::is_arithmetic<T>::value && !std::is_same<T, bool>::value>> {
	/* JavaScript numbers are doubles: integers beyond 2^53 are rounded. */
	static void push(duk_context *ctx, T v) { duk_push_number(ctx, static_cast<double>(v)); }
};

template <> struct ret<std::string> {
	static void push(duk_context *ctx, const std::string &v)
	{
		k6c_mod_push_string(ctx, v.data(), v.size());
	}
};

template <> struct ret<std::string_view> {
	static void push(duk_context *ctx, std::string_view v)
	{
		k6c_mod_push_string(ctx, v.data(), v.size());
	}
};

template <> struct ret<const char *> {
	static void push(duk_context *ctx, const char *v)
	{
		if (v == nullptr)
			duk_push_null(ctx);
		else
			k6c_mod_push_string(ctx, v, std::strlen(v));
	}
};

template <> struct ret<char *> : ret<const char *> {};

template <class T> struct ret<std::optional<T>> {
	static void push(duk_context *ctx, const std::optional<T> &v)
	{
		if (v.has_value())
			ret<T>::push(ctx, *v);
		else
			duk_push_null(ctx);
	}
};

template <class T> struct ret<std::vector<T>> {
	static void push(duk_context *ctx, const std::vector<T> &v)
	{
		duk_idx_t arr = duk_push_array(ctx);

		for (size_t i = 0; i < v.size(); i++) {
			ret<T>::push(ctx, v[i]);
			duk_put_prop_index(ctx, arr, static_cast<duk_uarridx_t>(i));
		}
	}
};

/* The duk_safe_call() body pushing a return value; udata is the value. */
template <class R> duk_ret_t push_safe(duk_context *ctx, void *udata)
{
	ret<R>::push(ctx, *static_cast<const R *>(udata));
	return 1;
}

/* The signature of a callable: lambdas (not generic ones), function
 * pointers and function objects with one operator(). */
template <class T, class = void> struct has_call_operator : std::false_type {};
template <class T>
struct has_call_operator<T, std::void_t<decltype(&T::operator())>> : std::true_type {};

template <class T, class = void> struct fn_traits {
	static_assert(dependent_false<T>::value,
		"k6c::Module::function(): the callable needs one fixed signature (a lambda "
		"without auto parameters, a function pointer)");
	using result = void;
	using args = std::tuple<>;
};
template <class T>
struct fn_traits<T, std::enable_if_t<has_call_operator<T>::value>>
	: fn_traits<decltype(&T::operator())> {};
template <class R, class... A> struct fn_traits<R(A...)> {
	using result = R;
	using args = std::tuple<A...>;
};
template <class R, class... A> struct fn_traits<R (*)(A...)> : fn_traits<R(A...)> {};
template <class R, class... A> struct fn_traits<R (*)(A...) noexcept> : fn_traits<R(A...)> {};
template <class C, class R, class... A>
struct fn_traits<R (C::*)(A...)> : fn_traits<R(A...)> {};
template <class C, class R, class... A>
struct fn_traits<R (C::*)(A...) const> : fn_traits<R(A...)> {};
template <class C, class R, class... A>
struct fn_traits<R (C::*)(A...) noexcept> : fn_traits<R(A...)> {};
template <class C, class R, class... A>
struct fn_traits<R (C::*)(A...) const noexcept> : fn_traits<R(A...)> {};

/* One exported function. Owned by the module's state; read-only while a
 * test runs (its VUs call it from several threads). */
struct fn_entry {
	std::string name;                 /* the JavaScript name */
	std::vector<std::string> params;  /* parameter names for TypeErrors */
	duk_c_function c_fn;              /* the trampoline */
	duk_idx_t nargs;

	virtual ~fn_entry() = default;
};

/*
 * A typed function: F called with A... converted from the JavaScript
 * arguments, its R converted back.
 *
 * The trampoline works in three phases, so that a Duktape longjmp never
 * skips a C++ destructor and a C++ exception never reaches Duktape:
 *  1. read every argument with arg<>::read(): Duktape may throw (a
 *     TypeError naming the function and the parameter, out of memory), and
 *     only plain data (raw_arg, failure) is alive in this frame;
 *  2. in an inner scope, build the C++ arguments, call F inside try/catch,
 *     and push its result with duk_safe_call(), which catches any Duktape
 *     error itself: nothing can longjmp out of this scope, and every C++
 *     exception is caught and its message copied into the plain `fail`;
 *  3. with every C++ object destroyed, throw the JavaScript error (a C++
 *     exception's message, or the error duk_safe_call() caught) or return.
 */
template <class F, class R, class... A> struct typed_fn final : fn_entry {
	F f;

	explicit typed_fn(F fn) : f(std::move(fn)) {}

	static duk_ret_t trampoline(duk_context *ctx)
	{
		/* Phase 0: k6c_mod_data() may throw on out of memory; the frame
		 * holds nothing yet. */
		auto *self = static_cast<typed_fn *>(static_cast<fn_entry *>(k6c_mod_data(ctx)));

		return call(ctx, self, std::index_sequence_for<A...>{});
	}

	template <size_t... I>
	static duk_ret_t call(duk_context *ctx, typed_fn *self, std::index_sequence<I...>)
	{
		raw_arg raw[sizeof...(A) + 1] = {};
		failure fail = {};
		duk_int_t rc = DUK_EXEC_SUCCESS;
		k6c_vu *vu = k6c_vu_from_ctx(ctx);
		k6c_vu *outer_vu = tls_vu;

		/* Phase 1: may longjmp; only plain data is alive. */
		(arg<std::decay_t<A>>::read(ctx, static_cast<duk_idx_t>(I), self->name.c_str(),
			self->params[I].c_str(), raw[I]), ...);
		(void)raw;
		/* duk_safe_call() itself throws only when the value stack has no
		 * room for its result; make the room now, while that is harmless. */
		duk_require_stack(ctx, 1);

		/* Phase 2: nothing in here may longjmp out. */
		tls_vu = vu;
		{
			try {
				if constexpr (std::is_void<R>::value) {
					self->f(arg<std::decay_t<A>>::make(raw[I])...);
				} else {
					using V = std::decay_t<R>;
					V result = self->f(arg<std::decay_t<A>>::make(raw[I])...);

					rc = duk_safe_call(ctx, push_safe<V>, &result, 0, 1);
				}
			} catch (const std::exception &e) {
				fail.set(e.what());
			} catch (...) {
				fail.set(nullptr);
			}
		}
		tls_vu = outer_vu;

		/* Phase 3: every C++ object is gone; throwing is safe again. */
		if (fail.failed)
			k6c_mod_throw(ctx, "%s: %s", self->name.c_str(), fail.msg);
		if (rc != DUK_EXEC_SUCCESS)
			(void)duk_throw_raw(ctx);   /* duk_throw without its C cast */
		return std::is_void<R>::value ? 0 : 1;
	}
};

template <class F, class R, class Tuple> struct typed_fn_of;
template <class F, class R, class... A> struct typed_fn_of<F, R, std::tuple<A...>> {
	using type = typed_fn<F, R, A...>;
};

/*
 * A raw function: F(duk_context *) -> duk_ret_t, with the Duktape API.
 * Duktape errors it raises unwind through this trampoline, which holds only
 * plain data then; a C++ exception it throws is caught and rethrown as a
 * JavaScript Error after the try block.
 */
template <class F> struct raw_fn final : fn_entry {
	F f;

	explicit raw_fn(F fn) : f(std::move(fn)) {}

	static duk_ret_t trampoline(duk_context *ctx)
	{
		auto *self = static_cast<raw_fn *>(static_cast<fn_entry *>(k6c_mod_data(ctx)));
		failure fail = {};
		duk_ret_t n = 0;

		try {
			n = self->f(ctx);
		} catch (const std::exception &e) {
			fail.set(e.what());
		} catch (...) {
			fail.set(nullptr);
		}
		if (fail.failed)
			k6c_mod_throw(ctx, "%s: %s", self->name.c_str(), fail.msg);
		return n;
	}
};

/* A custom metric of a module: defined in every VU's init (k6c_vu_metric()
 * gives the same id in each), read by Metric::add() on any worker thread. */
struct metric_state {
	std::string name;
	k6c_metric_type type;
	k6c_metric_contains contains;
	std::atomic<int> id{-1};
};

/* A module's state: shared by the k6c::Module and every k6c::Test it was
 * added to, so it lives as long as the longest of them. */
struct module_state {
	std::string name;
	std::vector<std::unique_ptr<fn_entry>> fns;
	std::vector<std::shared_ptr<metric_state>> metrics;
	k6c_module_def def;
	bool frozen = false;

	/* vu_init: defines the metrics and builds the exports object. Only C
	 * calls and plain data here, so a Duktape longjmp (a refused metric,
	 * out of memory) skips no destructor. */
	static void vu_init(duk_context *ctx, k6c_vu *vu, void *payload, void *test_state,
		void **vu_state)
	{
		auto *m = static_cast<module_state *>(payload);

		(void)test_state, (void)vu_state;
		for (size_t i = 0; i < m->metrics.size(); i++) {
			metric_state *ms = m->metrics[i].get();
			int id = -1;

			if (k6c_vu_metric(vu, ms->name.c_str(), ms->type, ms->contains, &id) < 0) {
				const k6c_error *e = k6c_error_last();

				k6c_mod_throw(ctx, "%s: %s", m->name.c_str(),
					e != nullptr ? e->message : "cannot define a metric");
			}
			ms->id.store(id, std::memory_order_release);
		}

		duk_idx_t obj = duk_push_object(ctx);

		for (size_t i = 0; i < m->fns.size(); i++) {
			fn_entry *e = m->fns[i].get();
			k6c_mod_fn one[2] = { { e->name.c_str(), e->c_fn, e->nargs },
				{ nullptr, nullptr, 0 } };

			k6c_mod_put_functions(ctx, obj, one, e);
		}
	}
};

} /* namespace detail */

/**
 * k6c::Metric - a custom metric of a k6c::Module (Module::metric()), to add
 * samples to from the module's typed functions, as k6's metrics.Counter
 * .add() and friends.
 *
 * Copyable (copies share the metric); capture it by value in the lambdas.
 *
 * Since: 0.1
 */
class Metric {
public:
	/**
	 * Metric::name() - the metric's name.
	 *
	 * Return: the name, owned by the metric.
	 * Since: 0.1
	 */
	const std::string &name() const noexcept { return st_->name; }

	/**
	 * Metric::add() - add a sample from the VU that runs the current
	 * typed module function (k6c_vu_emit()): the VU's tags plus @tags,
	 * the current time, into the summary, thresholds and sinks.
	 * @value: the value (1 for a counter's hit, 0 or 1 for a rate,
	 *         milliseconds for a time trend).
	 * @tags: extra tags, e.g. {{"kind", "hit"}}; the strings are copied.
	 *
	 * Throws k6c::Error: K6C_ESTATE outside a typed module function, in
	 * the init context (k6 adds no samples there), or before the module
	 * was imported. Inside a module function such an error becomes a
	 * JavaScript exception like any other.
	 * Thread: the VU's (inside a typed module function).
	 * Since: 0.1
	 */
	void add(double value, std::initializer_list<k6c_tag> tags = {}) const
	{
		k6c_vu *vu = current_vu();
		int id = st_->id.load(std::memory_order_acquire);

		if (vu == nullptr)
			throw Error(K6C_ESTATE, "k6c::Metric " + st_->name +
				": add() outside a typed module function");
		if (id < 0)
			throw Error(K6C_ESTATE, "k6c::Metric " + st_->name + ": not defined yet");
		detail::check(k6c_vu_emit(vu, id, value, tags.size() != 0 ? tags.begin() : nullptr,
			tags.size()));
	}

private:
	friend class Module;

	explicit Metric(std::shared_ptr<detail::metric_state> st) : st_(std::move(st)) {}

	std::shared_ptr<detail::metric_state> st_;
};

/**
 * k6c::Module - a native JavaScript module, `k6/x/<name>`, whose functions
 * are C++ callables.
 *
 * Build it, add functions, then give it to Test::add_module(). The module
 * is shared, not copied: a Module and the tests it was added to co-own its
 * functions, so the Module object may be destroyed first. Once added to a
 * test it is frozen (function() then throws), because running VUs read it.
 *
 * The functions are called on the VUs' worker threads, several at once
 * when the test has more than one worker: callables must be thread-safe.
 *
 * Copyable (copies share the module); thread: the owner's, until added.
 * Since: 0.1
 */
class Module {
public:
	/**
	 * Module() - an empty module.
	 * @name: "k6/x/<name>", or just "<name>" (the prefix is added). The
	 *        library checks it when the module is added to a test.
	 *
	 * Throws std::bad_alloc.
	 * Since: 0.1
	 */
	explicit Module(std::string name) : st_(std::make_shared<detail::module_state>())
	{
		if (name.compare(0, 5, "k6/x/") != 0)
			name.insert(0, "k6/x/");
		st_->name = std::move(name);
		st_->def = k6c_module_def{};
		st_->def.abi = K6C_MODULE_ABI;
		st_->def.name = st_->name.c_str();
		st_->def.vu_init = &detail::module_state::vu_init;
	}

	/**
	 * Module::name() - the module's full name, "k6/x/<name>".
	 *
	 * Return: the name, owned by the module.
	 * Since: 0.1
	 */
	const std::string &name() const noexcept { return st_->name; }

	/**
	 * Module::function() - export a typed C++ callable.
	 * @js_name: the function's JavaScript name.
	 * @fn: a callable with a fixed signature (a lambda, not a generic one;
	 *      a function pointer). Parameters: bool, any arithmetic type,
	 *      std::string, std::string_view and const char * (UTF-8, valid
	 *      during the call only), std::optional of those (undefined or
	 *      null give std::nullopt). Return: void, bool, arithmetic,
	 *      std::string, std::string_view, const char * (NULL gives null),
	 *      std::optional (null) or std::vector (an array) of those.
	 *      Copied or moved into the module.
	 * @params: names of the parameters for error messages; missing ones
	 *          are "argument 1", "argument 2", ...
	 *
	 * In JavaScript: a missing argument is undefined; extra ones are
	 * ignored. A value that does not fit its parameter (a string for a
	 * number, 1.5 or 2^40 for an int) throws a TypeError
	 * "<js_name>: <param> must be ..., not ..." without calling @fn. A C++
	 * exception from @fn becomes a JavaScript Error "<js_name>: <what()>";
	 * so does a failure to convert the result. Numbers come back as
	 * doubles: 64-bit integers beyond 2^53 are rounded.
	 *
	 * Return: *this, to chain calls.
	 * Throws k6c::Error (K6C_ESTATE) once the module was added to a test;
	 * std::bad_alloc.
	 * Thread: the module's owner. @fn runs on the VUs' worker threads,
	 * concurrently; k6c::current_vu() tells which VU calls it.
	 * Since: 0.1
	 */
	template <class F>
	Module &function(std::string js_name, F fn, std::vector<std::string> params = {})
	{
		using traits = detail::fn_traits<std::decay_t<F>>;
		using entry = typename detail::typed_fn_of<std::decay_t<F>, typename traits::result,
			typename traits::args>::type;
		constexpr size_t n = std::tuple_size<typename traits::args>::value;

		thaw_check();
		auto e = std::make_unique<entry>(std::move(fn));
		e->params = std::move(params);
		for (size_t i = e->params.size(); i < n; i++)
			e->params.push_back("argument " + std::to_string(i + 1));
		add(std::move(e), std::move(js_name), &entry::trampoline, static_cast<duk_idx_t>(n));
		return *this;
	}

	/**
	 * Module::raw_function() - export a function written with the Duktape
	 * API (k6c/module.h), for what typed functions cannot express:
	 * objects, arrays, callbacks, promises, variable arguments.
	 * @js_name: the function's JavaScript name.
	 * @fn: a callable `duk_ret_t (duk_context *ctx)`, as a duk_c_function:
	 *      its arguments are at indexes 0..nargs-1; it returns 1 with a
	 *      value pushed, or 0 for undefined. Copied or moved in.
	 * @nargs: the argument count Duktape gives it, or DUK_VARARGS.
	 *
	 * Rules, because Duktape errors longjmp through @fn: do not call a
	 * Duktape function that can throw (k6c_mod_arg_*, k6c_mod_throw, most
	 * duk_* calls on out of memory) while an object with a destructor is
	 * alive in @fn (a std::string, a container): read the arguments first
	 * into plain data, or use duk_safe_call(). A C++ exception from @fn is
	 * caught and becomes a JavaScript Error "<js_name>: <what()>".
	 *
	 * Return: *this.
	 * Throws k6c::Error (K6C_ESTATE) once the module was added to a test;
	 * std::bad_alloc.
	 * Thread: as function().
	 * Since: 0.1
	 */
	template <class F> Module &raw_function(std::string js_name, F fn, duk_idx_t nargs)
	{
		using entry = detail::raw_fn<std::decay_t<F>>;

		thaw_check();
		add(std::make_unique<entry>(std::move(fn)), std::move(js_name), &entry::trampoline,
			nargs);
		return *this;
	}

	/**
	 * Module::metric() - a custom metric the module defines in every VU's
	 * init context (k6c_vu_metric()), for its typed functions to add
	 * samples to with Metric::add().
	 * @metric_name: k6's rule: ^[a-zA-Z_][a-zA-Z0-9_]{1,128}$.
	 * @type: counter, gauge, rate or trend.
	 * @contains: what the values are (default numbers, time, data).
	 *
	 * The name is checked when a VU imports the module: a bad one, or one
	 * that exists with another type, makes the import throw (the run ends
	 * with exit code 107, an init error).
	 *
	 * Return: the metric, shared with the module.
	 * Throws k6c::Error (K6C_ESTATE) once the module was added to a test;
	 * std::bad_alloc.
	 * Since: 0.1
	 */
	Metric metric(std::string metric_name, k6c_metric_type type,
		k6c_metric_contains contains = K6C_CONTAINS_DEFAULT)
	{
		thaw_check();
		auto ms = std::make_shared<detail::metric_state>();
		ms->name = std::move(metric_name);
		ms->type = type;
		ms->contains = contains;
		st_->metrics.push_back(ms);
		return Metric(std::move(ms));
	}

private:
	friend class Test;

	void thaw_check() const
	{
		if (st_->frozen)
			throw Error(K6C_ESTATE, "k6c::Module " + st_->name +
				": functions cannot be added once the module was added to a test");
	}

	void add(std::unique_ptr<detail::fn_entry> e, std::string js_name, duk_c_function c_fn,
		duk_idx_t nargs)
	{
		e->name = std::move(js_name);
		e->c_fn = c_fn;
		e->nargs = nargs;
		st_->fns.push_back(std::move(e));
	}

	std::shared_ptr<detail::module_state> st_;
};

/* ---- Sinks: C++ callables receiving samples ---------------------------------- */

/**
 * k6c::Samples - a batch of samples, as a sink receives it: a read-only
 * view over a k6c_sample array (begin/end/size/operator[]).
 *
 * Borrowed: valid during the sink call only, as are the samples' tags and
 * metadata (the metric info lives until the sink's stop). Copy what you
 * keep.
 *
 * Since: 0.1
 */
class Samples {
public:
	/**
	 * Samples() - a view of @n samples at @p.
	 * Since: 0.1
	 */
	Samples(const k6c_sample *p, size_t n) noexcept : p_(p), n_(n) {}
	/** Samples::begin() - the first sample. Return: a pointer. Since: 0.1 */
	const k6c_sample *begin() const noexcept { return p_; }
	/** Samples::end() - one past the last sample. Return: a pointer. Since: 0.1 */
	const k6c_sample *end() const noexcept { return p_ + n_; }
	/** Samples::data() - the array. Return: a pointer. Since: 0.1 */
	const k6c_sample *data() const noexcept { return p_; }
	/** Samples::size() - how many samples (at least 1). Return: the count. Since: 0.1 */
	size_t size() const noexcept { return n_; }
	/** Samples::empty() - never true for a batch. Return: size() == 0. Since: 0.1 */
	bool empty() const noexcept { return n_ == 0; }
	/** Samples::operator[]() - sample @i (unchecked). Return: a reference. Since: 0.1 */
	const k6c_sample &operator[](size_t i) const noexcept { return p_[i]; }

private:
	const k6c_sample *p_;
	size_t n_;
};

/**
 * k6c::tag() - the value of one of a sample's tags.
 * @s: the sample.
 * @key: the tag's name.
 *
 * Return: the value (borrowed as the sample's tags), or nullptr.
 * Thread: the sink's.
 * Since: 0.1
 */
inline const char *tag(const k6c_sample &s, std::string_view key) noexcept
{
	for (size_t i = 0; i < s.ntags; i++)
		if (key == s.tags[i].key)
			return s.tags[i].value;
	return nullptr;
}

/**
 * k6c::Sink - a sink made of C++ callables, for Test::add_sink().
 *
 * Every callable runs on the test's output thread, one call at a time
 * (never two of one sink, nor of two sinks, at once); see k6c/sink.h for
 * the order (start, batches, stop). An exception thrown by one of them is
 * caught: from on_start or on_samples it stops the test (exit code 255,
 * what() becomes the error logged and the reason, as k6c_sink_fail() with
 * abort); from on_stop it is logged.
 *
 * Movable; thread: the owner's until added.
 * Since: 0.1
 */
class Sink {
public:
	/**
	 * k6c::Sink::SamplesFn - receives a batch.
	 * Since: 0.1
	 */
	using SamplesFn = std::function<void(Samples)>;
	/**
	 * k6c::Sink::StartFn - called once before the first batch, with the
	 * start info (borrowed for the call; its metrics live until stop).
	 * Since: 0.1
	 */
	using StartFn = std::function<void(const k6c_sink_start_info &)>;
	/**
	 * k6c::Sink::StopFn - called once after the last batch, with the
	 * test's exit code as it stands and the summary JSON (k6c_sink_summary_json();
	 * nullptr when the run ended before its summary).
	 * Since: 0.1
	 */
	using StopFn = std::function<void(int exit_code, const char *summary_json)>;

	/**
	 * Sink() - a sink whose batches go to @on_samples.
	 * @on_samples: a callable taking k6c::Samples, or
	 *              (const k6c_sample *, size_t); copied or moved in.
	 *
	 * Throws std::bad_alloc.
	 * Since: 0.1
	 */
	template <class F,
		class = std::enable_if_t<!std::is_same<std::decay_t<F>, Sink>::value>>
	explicit Sink(F &&on_samples)
	{
		if constexpr (std::is_invocable<F &, Samples>::value) {
			samples_ = SamplesFn(std::forward<F>(on_samples));
		} else {
			static_assert(std::is_invocable<F &, const k6c_sample *, size_t>::value,
				"k6c::Sink: on_samples must take k6c::Samples or "
				"(const k6c_sample *, size_t)");
			samples_ = [f = std::forward<F>(on_samples)](Samples s) mutable {
				f(s.data(), s.size());
			};
		}
	}

	/**
	 * Sink::on_start() - set the start callable.
	 * @fn: see StartFn; replaces an earlier one.
	 *
	 * Return: *this.
	 * Since: 0.1
	 */
	Sink &on_start(StartFn fn)
	{
		start_ = std::move(fn);
		return *this;
	}

	/**
	 * Sink::on_stop() - set the stop callable.
	 * @fn: see StopFn; replaces an earlier one.
	 *
	 * Return: *this.
	 * Since: 0.1
	 */
	Sink &on_stop(StopFn fn)
	{
		stop_ = std::move(fn);
		return *this;
	}

	/**
	 * Sink::description() - the text of the run header's "output:" line.
	 * @text: e.g. "counts (stdout)"; "" (the default) for the library's.
	 *
	 * Return: *this.
	 * Since: 0.1
	 */
	Sink &description(std::string text)
	{
		desc_ = std::move(text);
		return *this;
	}

private:
	friend class Test;

	/* The C side: the vtable's callbacks, each a catch-all barrier. The
	 * payload is a heap Sink the test owns (freed by sink_free). */
	static const char *c_description(k6c_sink *, void *payload)
	{
		return static_cast<Sink *>(payload)->desc_.c_str();
	}

	static int c_start(k6c_sink *sink, void *payload, const k6c_sink_start_info *info)
	{
		auto *s = static_cast<Sink *>(payload);

		try {
			if (s->start_)
				s->start_(*info);
			return 0;
		} catch (const std::exception &e) {
			k6c_sink_fail(sink, 1, e.what());
		} catch (...) {
			k6c_sink_fail(sink, 1, "unknown C++ exception");
		}
		return -1;
	}

	static int c_add(k6c_sink *sink, void *payload, const k6c_sample *samples, size_t n)
	{
		auto *s = static_cast<Sink *>(payload);

		try {
			s->samples_(Samples(samples, n));
			return 0;
		} catch (const std::exception &e) {
			k6c_sink_fail(sink, 1, e.what());
		} catch (...) {
			k6c_sink_fail(sink, 1, "unknown C++ exception");
		}
		return -1;
	}

	static int c_stop(k6c_sink *sink, void *payload, int exit_code)
	{
		auto *s = static_cast<Sink *>(payload);

		try {
			if (s->stop_)
				s->stop_(exit_code, k6c_sink_summary_json(sink));
			return 0;
		} catch (const std::exception &e) {
			k6c_sink_fail(sink, 0, e.what());
		} catch (...) {
			k6c_sink_fail(sink, 0, "unknown C++ exception");
		}
		return -1;
	}

	static void c_free(void *payload) { delete static_cast<Sink *>(payload); }

	/* Two vtables: the description callback is only set when there is a
	 * description, so that the library's default applies otherwise. */
	const k6c_sink_vtable *vtable() const noexcept
	{
		static const k6c_sink_vtable plain = { K6C_SINK_VERSION, nullptr, &Sink::c_start,
			&Sink::c_add, &Sink::c_stop, &Sink::c_free };
		static const k6c_sink_vtable described = { K6C_SINK_VERSION, &Sink::c_description,
			&Sink::c_start, &Sink::c_add, &Sink::c_stop, &Sink::c_free };
		return desc_.empty() ? &plain : &described;
	}

	SamplesFn samples_;
	StartFn start_;
	StopFn stop_;
	std::string desc_;
};

/* ---- The test ------------------------------------------------------------------- */

/**
 * k6c::LogFn - receives one log line (console.* output and engine
 * messages): its level and text (borrowed for the call).
 *
 * Called from the thread running the test, the VUs' worker threads and
 * the metrics thread, possibly concurrently: it must be thread-safe. An
 * exception it throws is swallowed (the line is lost).
 *
 * Since: 0.1
 */
using LogFn = std::function<void(k6c_log_level level, std::string_view message)>;

/**
 * k6c::Test - one load test: owns a k6c_test.
 *
 * Move-only; the destructor frees the test, aborting and waiting for it
 * first if it still runs (so destroy it on a thread that may block). Every
 * method that wraps a fallible C call throws k6c::Error on failure with the
 * library's code and message; a moved-from Test throws k6c::Error
 * (K6C_EINVAL) from every method but abort().
 *
 * Thread: one thread at a time, except abort(), paused(), scale() and
 * progress(), which any thread may call, also while run() or wait() blocks
 * another.
 * Since: 0.1
 */
class Test {
public:
	/**
	 * Test() - a new, empty test.
	 *
	 * Throws k6c::Error (K6C_ENOMEM).
	 * Since: 0.1
	 */
	Test()
	{
		detail::check(k6c_test_new(&t_));
	}

	/**
	 * ~Test() - free the test (k6c_test_free()), then the modules it used.
	 * Since: 0.1
	 */
	~Test() { k6c_test_free(t_); }

	Test(const Test &) = delete;
	Test &operator=(const Test &) = delete;

	/**
	 * Test(Test &&) - take over @o's test; @o is left empty.
	 * Since: 0.1
	 */
	Test(Test &&o) noexcept : t_(std::exchange(o.t_, nullptr)), modules_(std::move(o.modules_)) {}

	/**
	 * operator=(Test &&) - free this test, then take over @o's.
	 *
	 * Return: *this.
	 * Since: 0.1
	 */
	Test &operator=(Test &&o) noexcept
	{
		if (this != &o) {
			k6c_test_free(t_);
			t_ = std::exchange(o.t_, nullptr);
			modules_ = std::move(o.modules_);
		}
		return *this;
	}

	/**
	 * Test::get() - the C handle, for calls this wrapper does not cover.
	 *
	 * Return: the k6c_test, still owned by this object; nullptr if moved
	 * from.
	 * Since: 0.1
	 */
	k6c_test *get() const noexcept { return t_; }

	/**
	 * Test::script_file() - use the script at @path (k6c_test_set_script_file()).
	 * @path: copied; read when the test runs.
	 *
	 * Return: *this. Throws k6c::Error: K6C_ESTATE (running), K6C_EINVAL,
	 * K6C_ENOMEM.
	 * Since: 0.1
	 */
	Test &script_file(const std::string &path)
	{
		detail::check(k6c_test_set_script_file(h(), path.c_str()));
		return *this;
	}

	/**
	 * Test::script_source() - use an in-memory script (k6c_test_set_script_source()).
	 * @name: the file name for messages and relative imports; copied.
	 * @source: the script; copied.
	 *
	 * Return: *this. Throws k6c::Error: K6C_ESTATE, K6C_EINVAL, K6C_ENOMEM.
	 * Since: 0.1
	 */
	Test &script_source(const std::string &name, std::string_view source)
	{
		detail::check(k6c_test_set_script_source(h(), name.c_str(), source.data(),
			source.size()));
		return *this;
	}

	/**
	 * Test::options() - override the script's options with a JSON object
	 * (k6c_test_set_options(); precedence of command-line flags).
	 * @json: e.g. R"({"vus":2,"iterations":10})"; replaces an earlier call's.
	 *
	 * Return: *this. Throws k6c::Error: K6C_EINVAL (not a JSON object),
	 * K6C_ESTATE, K6C_ENOMEM.
	 * Since: 0.1
	 */
	Test &options(const std::string &json)
	{
		detail::check(k6c_test_set_options(h(), json.c_str()));
		return *this;
	}

	/**
	 * Test::env() - set `__ENV[key]` (k6c_test_set_env()).
	 * @key, @value: copied.
	 *
	 * Return: *this. Throws k6c::Error: K6C_EINVAL, K6C_ESTATE, K6C_ENOMEM.
	 * Since: 0.1
	 */
	Test &env(const std::string &key, const std::string &value)
	{
		detail::check(k6c_test_set_env(h(), key.c_str(), value.c_str()));
		return *this;
	}

	/**
	 * Test::unset_env() - remove `__ENV[key]`.
	 * @key: the name.
	 *
	 * Return: *this. Throws k6c::Error: K6C_EINVAL, K6C_ESTATE, K6C_ENOMEM.
	 * Since: 0.1
	 */
	Test &unset_env(const std::string &key)
	{
		detail::check(k6c_test_set_env(h(), key.c_str(), nullptr));
		return *this;
	}

	/**
	 * Test::system_env() - copy the process environment into `__ENV` and
	 * read `K6_*` options from it, as `k6 run` (k6c_test_set_system_env()).
	 *
	 * Return: *this. Throws k6c::Error: K6C_ESTATE, K6C_ENOMEM.
	 * Since: 0.1
	 */
	Test &system_env()
	{
		detail::check(k6c_test_set_system_env(h()));
		return *this;
	}

	/**
	 * Test::workers() - worker threads running VUs (k6c_test_set_workers()).
	 * @n: 1 to 1024; 0 for the default ($K6C_WORKERS, else the CPUs).
	 *
	 * Return: *this. Throws k6c::Error: K6C_EINVAL, K6C_ESTATE.
	 * Since: 0.1
	 */
	Test &workers(unsigned n)
	{
		detail::check(k6c_test_set_workers(h(), n));
		return *this;
	}

	/**
	 * Test::cache_dir() - where lowered scripts are cached (k6c_test_set_cache_dir()).
	 * @dir: a directory; "" disables the cache.
	 *
	 * Return: *this. Throws k6c::Error: K6C_EINVAL, K6C_ESTATE, K6C_ENOMEM.
	 * Since: 0.1
	 */
	Test &cache_dir(const std::string &dir)
	{
		detail::check(k6c_test_set_cache_dir(h(), dir.c_str()));
		return *this;
	}

	/**
	 * Test::config_file() - read options from a k6 JSON config file, the
	 * lowest tier (k6c_test_set_config_file()).
	 * @path: copied; read when the test runs.
	 *
	 * Return: *this. Throws k6c::Error: K6C_EINVAL, K6C_ESTATE, K6C_ENOMEM.
	 * Since: 0.1
	 */
	Test &config_file(const std::string &path)
	{
		detail::check(k6c_test_set_config_file(h(), path.c_str()));
		return *this;
	}

	/**
	 * Test::on_log() - receive the test's log lines (k6c_test_set_log_callback()).
	 * @fn: see k6c::LogFn; an empty function drops the lines (the default).
	 *       Moved into the test, which destroys it when replaced or freed.
	 *
	 * Return: *this. Throws k6c::Error: K6C_ESTATE; std::bad_alloc.
	 * Since: 0.1
	 */
	Test &on_log(LogFn fn)
	{
		if (!fn) {
			detail::check(k6c_test_set_log_callback(h(), nullptr, nullptr, nullptr));
			return *this;
		}
		auto owned = std::make_unique<LogFn>(std::move(fn));

		detail::check(k6c_test_set_log_callback(h(), &Test::c_log, owned.get(),
			&Test::c_log_free));
		owned.release();
		return *this;
	}

	/**
	 * Test::add_module() - make a module importable by this test's script
	 * (k6c_test_register_module()).
	 * @m: the module; shared with the test from now on, and frozen.
	 *
	 * Return: *this. Throws k6c::Error: K6C_EINVAL (a bad name), K6C_ECONFIG
	 * (already registered, for the test or the process), K6C_ESTATE
	 * (running), K6C_ENOMEM; std::bad_alloc.
	 * Since: 0.1
	 */
	Test &add_module(const Module &m)
	{
		modules_.push_back(m.st_);
		int rc = k6c_test_register_module(h(), &m.st_->def, m.st_.get());

		if (rc < 0) {
			modules_.pop_back();
			throw Error::from_last(rc);
		}
		m.st_->frozen = true;
		return *this;
	}

	/**
	 * Test::add_sink() - attach a sink (k6c_test_add_sink()).
	 * @s: the sink; moved into the test, which destroys it when freed.
	 *
	 * Return: *this. Throws k6c::Error: K6C_ESTATE (running), K6C_ENOMEM;
	 * std::bad_alloc.
	 * Thread: the test's; the sink's callables run on the output thread.
	 * Since: 0.1
	 */
	Test &add_sink(Sink s)
	{
		k6c_test *t = h();
		auto *owned = new Sink(std::move(s));

		/* The test owns the payload from here, even when the call fails. */
		detail::check(k6c_test_add_sink(t, owned->vtable(), owned));
		return *this;
	}

	/**
	 * Test::add_sink() - attach a sink made of one callable.
	 * @on_samples: as for Sink::Sink().
	 *
	 * Return: *this. Throws as add_sink(Sink).
	 * Since: 0.1
	 */
	template <class F,
		class = std::enable_if_t<!std::is_same<std::decay_t<F>, Sink>::value>>
	Test &add_sink(F &&on_samples)
	{
		return add_sink(Sink(std::forward<F>(on_samples)));
	}

	/**
	 * Test::add_output() - select a named output, as `k6 run --out`
	 * (k6c_test_add_output()).
	 * @spec: "name" or "name=arg", e.g. "json=results.json".
	 *
	 * Return: *this. Throws k6c::Error: K6C_EINVAL, K6C_ESTATE, K6C_ENOMEM.
	 * Since: 0.1
	 */
	Test &add_output(const std::string &spec)
	{
		detail::check(k6c_test_add_output(h(), spec.c_str()));
		return *this;
	}

	/**
	 * Test::run() - run the test to the end on this thread (k6c_test_run()).
	 *
	 * Script errors, failed thresholds and aborts are results, not
	 * exceptions: see the exit code.
	 *
	 * Return: the exit code, as exit_code().
	 * Throws k6c::Error: K6C_EINVAL (no script), K6C_ESTATE (running),
	 * K6C_ENOMEM, K6C_EIO.
	 * Since: 0.1
	 */
	int run()
	{
		detail::check(k6c_test_run(h()));
		return k6c_test_exit_code(t_);
	}

	/**
	 * Test::start() - start the test on a runner thread and return at once
	 * (k6c_test_start()); pair with wait().
	 *
	 * Throws k6c::Error: K6C_EINVAL, K6C_ESTATE, K6C_ENOMEM, K6C_EIO.
	 * Since: 0.1
	 */
	void start() { detail::check(k6c_test_start(h())); }

	/**
	 * Test::wait() - wait for a started test to end (k6c_test_wait()).
	 *
	 * Return: the exit code. Throws k6c::Error: K6C_ESTATE (not started),
	 * or what run() throws.
	 * Since: 0.1
	 */
	int wait()
	{
		detail::check(k6c_test_wait(h()));
		return k6c_test_exit_code(t_);
	}

	/**
	 * Test::abort() - stop a running test early (exit code 105), as
	 * Ctrl-C (k6c_test_abort()); a no-op when it does not run or was
	 * moved from.
	 *
	 * Thread: any.
	 * Since: 0.1
	 */
	void abort() noexcept { k6c_test_abort(t_); }

	/**
	 * Test::paused() - pause or resume the test (k6c_test_set_paused()).
	 * @on: true to pause.
	 *
	 * Throws k6c::Error (K6C_EINVAL when moved from).
	 * Thread: any.
	 * Since: 0.1
	 */
	void paused(bool on) { detail::check(k6c_test_set_paused(h(), on ? 1 : 0)); }

	/**
	 * Test::scale() - change an externally-controlled scenario's VUs, as
	 * `k6 scale` (k6c_test_scale()).
	 * @vus: the VUs that run iterations from now on.
	 * @max_vus: the most VUs; 0 keeps the current maximum.
	 * @scenario: the scenario's name; "" for the only externally-controlled one.
	 *
	 * Throws k6c::Error: K6C_EINVAL (vus above the maximum), K6C_ENOTFOUND,
	 * K6C_ESTATE (not running), K6C_ENOMEM.
	 * Thread: any.
	 * Since: 0.1
	 */
	void scale(unsigned vus, unsigned max_vus = 0, const std::string &scenario = std::string())
	{
		detail::check(k6c_test_scale(h(), scenario.empty() ? nullptr : scenario.c_str(), vus,
			max_vus));
	}

	/**
	 * Test::progress() - a snapshot of scenario @index (k6c_test_progress()).
	 * @index: 0-based, in the consolidated options' order.
	 *
	 * Return: the snapshot (its name is owned by the test, valid until the
	 * next run), or std::nullopt past the last scenario or before the run
	 * reached its scenarios.
	 * Throws k6c::Error (K6C_EINVAL when moved from).
	 * Thread: any.
	 * Since: 0.1
	 */
	std::optional<k6c_scenario_progress> progress(size_t index)
	{
		k6c_scenario_progress p{};
		int rc = k6c_test_progress(h(), index, &p);

		if (rc == K6C_ENOTFOUND)
			return std::nullopt;
		detail::check(rc);
		return p;
	}

	/**
	 * Test::inspect() - load the script and consolidate its options only,
	 * as `k6 inspect` (k6c_test_inspect()); see options_json().
	 *
	 * Return: the exit code: 0, 104 (invalid options) or 107 (script error).
	 * Throws k6c::Error: K6C_EINVAL (no script), K6C_ESTATE, K6C_ENOMEM.
	 * Since: 0.1
	 */
	int inspect()
	{
		detail::check(k6c_test_inspect(h()));
		return k6c_test_exit_code(t_);
	}

	/**
	 * Test::exit_code() - the last run's verdict as `k6 run`'s exit code.
	 *
	 * Return: 0, 99, 100, 101, 104, 105, 107, 108, 110, 255 (see
	 * k6c_test_exit_code()); -1 before a run or when moved from.
	 * Since: 0.1
	 */
	int exit_code() const noexcept { return t_ != nullptr ? k6c_test_exit_code(t_) : -1; }

	/**
	 * Test::summary_json() - the end-of-test summary as JSON, the shape of
	 * handleSummary()'s argument (k6c_test_summary_json()).
	 *
	 * Return: a copy; "" before a run or when no summary was built.
	 * Throws std::bad_alloc.
	 * Since: 0.1
	 */
	std::string summary_json() const
	{
		return t_ != nullptr ? detail::str_or_empty(k6c_test_summary_json(t_)) : std::string();
	}

	/**
	 * Test::summary_text() - the end-of-test summary as k6 prints it
	 * (k6c_test_summary_text()).
	 *
	 * Return: a copy; "" when none was built. Throws std::bad_alloc.
	 * Since: 0.1
	 */
	std::string summary_text() const
	{
		return t_ != nullptr ? detail::str_or_empty(k6c_test_summary_text(t_)) : std::string();
	}

	/**
	 * Test::options_json() - the consolidated options as JSON, after
	 * inspect() or a run (k6c_test_options_json()).
	 *
	 * Return: a copy; "" before, or when the options were invalid.
	 * Throws std::bad_alloc.
	 * Since: 0.1
	 */
	std::string options_json() const
	{
		return t_ != nullptr ? detail::str_or_empty(k6c_test_options_json(t_)) : std::string();
	}

private:
	k6c_test *h() const
	{
		if (t_ == nullptr)
			throw Error(K6C_EINVAL, "k6c::Test: used after it was moved from");
		return t_;
	}

	/* The log callback's barrier: no exception may reach libk6c. */
	static void c_log(k6c_log_level level, const char *message, void *payload)
	{
		try {
			(*static_cast<LogFn *>(payload))(level, message != nullptr ? message : "");
		} catch (...) {
			/* Dropped: there is nobody to report a failing logger to. */
		}
	}

	static void c_log_free(void *payload) { delete static_cast<LogFn *>(payload); }

	k6c_test *t_ = nullptr;
	/* Declared after t_ and released after the destructor's
	 * k6c_test_free(), which runs the modules' last callbacks. */
	std::vector<std::shared_ptr<detail::module_state>> modules_;
};

/**
 * k6c::version() - the version of the libk6c actually loaded, e.g. "0.1.0"
 * (k6c_version_string()).
 *
 * Return: a static string.
 * Thread: any.
 * Since: 0.1
 */
inline const char *version() noexcept
{
	return k6c_version_string();
}

} /* namespace k6c */

#endif /* K6C_K6C_HPP */
