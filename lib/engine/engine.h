/*
 * engine.h - the JavaScript side of a test: loads the script graph (lowered
 * once per test, compiled once to bytecode), and gives the scheduler the VU
 * operations (one Duktape heap per VU, loading that bytecode).
 */
#ifndef K6C_ENGINE_H
#define K6C_ENGINE_H

#include "sched/sched.h"
#include "util/util.h"

typedef struct k6c__program k6c__program;

/* A native module (k6c/module.h) and the payload it was registered with:
 * an entry of the process-wide registry or of a test's own list. The
 * definition is the module's (borrowed). */
struct k6c_module_def;
typedef struct k6c__xmod {
	const struct k6c_module_def *def;
	void *payload;
} k6c__xmod;

/* Appends def to a test's own list (*arr, *n; grown with k6c__realloc)
 * after checking it as k6c_test_register_module() documents: its name,
 * ABI and callbacks, and that neither the list nor the process-wide
 * registry has a module of its name. Return 0, K6C_EINVAL, K6C_ENOTSUP,
 * K6C_ECONFIG or K6C_ENOMEM; the message names the module and starts with
 * fn, the public function called. Thread: any. */
int k6c__xmod_list_add(const char *fn, k6c__xmod **arr, size_t *n,
	const struct k6c_module_def *def, void *payload);

/* The message the calling thread's last k6c_mod_set_error() left, or NULL
 * if none was set since the last call; clears it (the string stays valid
 * until the thread's next k6c_mod_set_error()). For whoever calls a
 * module's or plugin's init function: clear it before the call (by taking
 * it), take it after a failure. */
const char *k6c__mod_error_take(void);

/* K6C_MODULE_ABI, for code outside lib/engine that must not include
 * k6c/module.h (it exposes Duktape): the plugin loader. */
unsigned k6c__module_abi(void);

typedef struct k6c__engine_config {
	const char *cache_dir;              /* see k6c__lowerer_new */
	const char *const *env;             /* __ENV pairs: env[2i] = key, env[2i+1] = value */
	size_t nenv;
	k6c__log_fn log;
	void *log_arg;
	/* Custom metrics the init code of the options-reading VU 0 declares are
	 * registered here, so thresholds can be validated against them before
	 * the VUs start (as k6 does). NULL: VU 0 registers nothing. */
	k6c__metrics *metrics;
	/* The test's own native modules (k6c_test_register_module), besides
	 * the process-wide ones the program takes a snapshot of at load;
	 * borrowed for the call. */
	const k6c__xmod *xmods;
	size_t nxmods;
} k6c__engine_config;

/* Loads filename (source NULL: read the file; otherwise source[0..len) is the
 * entry module's text and filename names it), lowers it and every module it
 * imports, compiles them to bytecode and runs the init code once as VU 0 to
 * read `options` and the exports.
 * Return 0; K6C_EIO if a file cannot be read (message names it); K6C_ESCRIPT
 * for a syntax error ("file:line:col: SyntaxError: ...") or an exception in
 * init ("file:line" and the stack), an import of a k6/x/ module that is
 * not registered or a native module's failed test_init (the message names
 * the module), the k6 exit code 107; K6C_ECONFIG when a test's module has
 * the name of a process-wide one registered later; K6C_ENOMEM.
 * The native modules the graph imports get their test_init here, before
 * any init code runs, and their test_free in k6c__program_free. */
int k6c__program_new(k6c__program **out, const char *filename, const char *source, size_t len,
	const k6c__engine_config *cfg);
void k6c__program_free(k6c__program *p);

/* JSON of the script's `options` export ("{}" if none); borrowed. */
const char *k6c__program_options_json(const k6c__program *p);
/* Whether the entry module exports a function of that name. */
bool k6c__program_has_function(const k6c__program *p, const char *name);

/* Sets the consolidated options (k6c__options.json) that exec.test.options
 * returns, and the per-run facts VUs read; call before the scheduler starts
 * the VUs. json is copied. Return 0 or K6C_ENOMEM. */
int k6c__program_set_options(k6c__program *p, const char *json);
/* The JSON of setup()'s return value once setup ran, or NULL (no setup, it
 * returned undefined, or it has not run); borrowed, valid until the program
 * is freed. For the summary data's setup_data. */
const char *k6c__program_setup_json(const k6c__program *p);

/* The VU operations for k6c__sched_config.ops; ops_ctx is the program. */
extern const k6c__vu_ops k6c__engine_vu_ops;

#endif /* K6C_ENGINE_H */
