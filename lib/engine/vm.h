/*
 * vm.h - internal to lib/engine: the loaded program (modules as bytecode) and
 * one VU's JavaScript state (a Duktape heap), shared by program.c, vm.c,
 * console.c and the native modules (mod_*.c).
 */
#ifndef K6C_ENGINE_VM_H
#define K6C_ENGINE_VM_H

#include <pthread.h>

#include "duktape.h"
#include "engine/duk_hooks.h"
#include "engine/engine.h"

/* ---- Native modules ---------------------------------------------------- */

/* The number of entries of k6c__native_modules (without the NULL end):
 * native module index ni >= this is the program's k6/x/ module
 * ni - k6c__native_count(). */
int k6c__native_count(void);

/* Pushes a native module's object (marked __esModule, with `default`). */
typedef void (*k6c__native_push_fn)(duk_context *ctx);

typedef struct k6c__native_module {
	const char *name;            /* the specifier, e.g. "k6/http" */
	k6c__native_push_fn push;    /* NULL: a k6 module this release lacks */
} k6c__native_module;

/* The table of built-in module specifiers, ended by a NULL name. */
extern const k6c__native_module k6c__native_modules[];

void k6c__mod_k6_push(duk_context *ctx);
void k6c__mod_http_push(duk_context *ctx);
void k6c__mod_metrics_push(duk_context *ctx);
void k6c__mod_execution_push(duk_context *ctx);
void k6c__mod_summary_push(duk_context *ctx);
void k6c__mod_data_push(duk_context *ctx);
void k6c__mod_encoding_push(duk_context *ctx);
void k6c__mod_crypto_push(duk_context *ctx);
void k6c__mod_timers_push(duk_context *ctx);
/* Puts k6/timers' functions on the global object too, as k6 has them. */
void k6c__timers_register(duk_context *ctx);

/* Bytes of the value at idx for k6/encoding and k6/crypto (mod_encoding.c):
 * a string as UTF-8, an ArrayBuffer, typed array or DataView as its bytes.
 * Borrowed from the value, or from a buffer pushed on the value stack when
 * a string needs converting, so valid while the call's stack lives.
 * Anything else throws a TypeError naming fn and param. */
const void *k6c__enc_bytes(duk_context *ctx, duk_idx_t idx, const char *fn, const char *param,
	size_t *len);
/* [ ... ] -> [ ... ArrayBuffer ] holding a copy of p[0..n). */
void k6c__enc_push_arraybuffer(duk_context *ctx, const void *p, size_t n);

/* The index in k6c__native_modules of a specifier naming a built-in module
 * (a supported one: push not NULL), or -1. Besides the table's names it
 * maps jslib's summary URLs (https://jslib.k6.io/k6-summary/<version>/
 * index.js) to "k6c/summary", so a script written for k6 runs without a
 * network fetch. */
int k6c__engine_native_index(const char *spec);

/* A native function for k6c__vm_put_functions: pushed as a Duktape
 * lightfunc (no heap object at all), so a module costs a VU almost nothing.
 * nargs: 0..14 or DUK_VARARGS; magic: -128..127. */
typedef struct k6c__vm_fn {
	const char *name;
	duk_c_function fn;
	duk_idx_t nargs;
	int magic;
} k6c__vm_fn;

/* Puts each function of fns (ended by a NULL name) on the object at obj. */
void k6c__vm_put_functions(duk_context *ctx, duk_idx_t obj, const k6c__vm_fn *fns);

/* Installs the global `console`. */
void k6c__console_register(duk_context *ctx);

/* Duktape allocation functions that go through the library's allocator. */
void *k6c__engine_duk_alloc(void *udata, duk_size_t size);
void *k6c__engine_duk_realloc(void *udata, void *ptr, duk_size_t size);
void k6c__engine_duk_free(void *udata, void *ptr);

/* ---- The program ------------------------------------------------------- */

/* A k6/x/ module as one program sees it (module.c). */
typedef struct k6c__xmod_state {
	const struct k6c_module_def *def;
	void *payload;
	void *test_state;
	bool used;                   /* the module graph imports it */
	bool test_inited;            /* its test_init ran (test_free is due) */
} k6c__xmod_state;

/* The index in p->xmods of the module named spec, or -1. */
int k6c__xmods_find(const k6c__program *p, const char *spec);
/* The index of the program's k6/x/ module named spec that the module
 * graph imports, as a native module index (>= k6c__native_count()), or
 * -1. */
int k6c__program_xmod_index(const k6c__program *p, const char *spec);
/* Takes the snapshot of the process-wide registry plus the config's own
 * modules into p->xmods. Return 0, K6C_ECONFIG (a name in both), K6C_ENOMEM. */
int k6c__xmods_load(k6c__program *p, const k6c__engine_config *cfg);
/* Runs test_init of each module the graph imports. Return 0, or
 * K6C_ESCRIPT with the module's message. */
int k6c__xmods_test_init(k6c__program *p);
/* test_free of each module whose test_init ran; frees p->xmods. */
void k6c__xmods_free(k6c__program *p);

/* A require() edge: target >= 0 is a file module index, target < 0 is
 * native module -(target + 1). */
typedef struct k6c__module_dep {
	char *spec;
	int target;
} k6c__module_dep;

typedef struct k6c__module {
	char *path;                  /* absolute, normalised */
	char *dir;                   /* its directory, with a trailing '/' */
	k6c__module_dep *deps;
	size_t ndeps;
	void *bytecode;              /* duk_dump_function output */
	size_t bytecode_len;
} k6c__module;

struct k6c__program {
	k6c__module *mods;           /* mods[0] is the entry module */
	size_t nmods;
	void *prelude_bc;            /* NULL when no prelude chunk is needed */
	size_t prelude_len;
	char *options_json;
	char **functions;            /* exported function names of the entry module */
	size_t nfunctions;
	char **env;                  /* __ENV pairs (copied) */
	size_t nenv;
	k6c__log_fn log;
	void *log_arg;
	k6c__metrics *metrics;       /* VU 0 registers custom metrics here; may be NULL */

	/* Options the VUs apply themselves: from `export const options` at
	 * load, then from the consolidated options (k6c__program_set_options). */
	bool discard_bodies;         /* discardResponseBodies */
	bool throw_errors;           /* throw */
	int max_redirects;           /* maxRedirects; -1: k6's default */
	unsigned batch;              /* batch: http.batch's requests in flight; 0: no cap */
	unsigned batch_per_host;     /* batchPerHost: ... to one host; 0: no cap */
	int http_debug;              /* httpDebug: K6C__HTTP_DEBUG_* */
	bool no_cookies_reset;       /* noCookiesReset: a VU keeps its cookie jar across iterations */
	/* From k6c__program_set_options; written before any VU starts. */
	char *test_options_json;     /* exec.test.options (NULL: the script's options) */
	char **tags;                 /* the `tags` option: key, value, ... (every sample) */
	size_t ntags;                /* pairs */

	/* Everything below is shared by VUs on several workers. */
	pthread_mutex_t lock;
	bool setup_done;             /* setup() ran (setup_json may be NULL: undefined) */
	char *setup_json;
	k6c__map *files;             /* open(): absolute path -> k6c__buf * */
	/* k6/data's SharedArrays (mod_data.c) and k6/crypto's OpenSSL state
	 * (mod_crypto.c): created on first use under `lock`, read by every
	 * VU, freed with the program by k6c__mod_*_free. */
	struct k6c__shared_arrays *shared_arrays;
	struct k6c__crypto *crypto;

	/* Native k6/x/ modules (k6c/module.h): the process-wide ones at load,
	 * then the test's own. */
	k6c__xmod_state *xmods;
	size_t nxmods;
};

void k6c__mod_data_free(k6c__program *p);
void k6c__mod_crypto_free(k6c__program *p);

/* An absolute, lexically normalised path: path itself if absolute, else
 * joined to base_dir (ending in '/') or the current directory. */
int k6c__engine_path_absolute(char **out, const char *base_dir, const char *path);

/* Reads path once per test (cached in the program, thread-safe). The buffer
 * stays valid until k6c__program_free. Return 0, K6C_EIO, K6C_ENOMEM. */
int k6c__program_file(k6c__program *p, const char *path, const k6c__buf **out);

/* ---- One VU's heap ------------------------------------------------------ */

typedef struct k6c__vm_kv {
	char *key;
	char *value;
} k6c__vm_kv;

typedef struct k6c__vm {
	/* First member: Duktape hands the heap udata back to the hooks and the
	 * allocator, and k6c__vm_get() casts it back to the VM. */
	struct k6c__duk_udata udata;
	duk_context *ctx;
	k6c__program *prog;
	k6c__vu *vu;                 /* NULL for the options-reading VU 0 */
	int vu_id;
	bool in_init;                /* running the init context */
	bool aborted;                /* a sleep or request was cut short by a hard stop */
	/* exec.test.abort() ran in this heap: the interrupt hook then stops the
	 * JavaScript at once, so the abort cannot be caught. Cleared when the
	 * next VU operation starts. */
	bool test_aborted;
	char *abort_message;         /* "test aborted[: reason]" (owned) */
	char *abort_log;             /* ... and where abort() was called (owned) */
	bool discard_samples;        /* handleSummary: samples are dropped, as in k6 */
	int loading;                 /* module whose top level runs (open() resolves against it) */

	k6c__buf group;              /* current group path, "" or "::a::b" */
	uint64_t bytes_sent, bytes_received;   /* for data_sent/received */

	uint64_t rng;                /* randomSeed() state (splitmix64) */

	/* Heap pointers of objects kept reachable from the heap stash. */
	void *mod_cache;             /* array: module objects by index */
	void *native_cache;          /* array: native module objects */
	void *exports;               /* the entry module's module.exports at init end */
	void *resp_proto;            /* k6/http Response prototype (lazily) */
	k6c__http_resp resp;         /* the last response (freed on the next request) */
	/* Property keys mod_http.c interns once per heap with its Response
	 * prototype (kept alive from the stash), pushed with duk_push_heapptr
	 * so a request never looks a key up in the string table. */
	void *http_keys[32];
	/* k6/http's cookie jar and response callback (mod_http_cookies.c,
	 * mod_http_expect.c); the jar and the callback's statuses belong to
	 * objects kept in the heap stash. */
	void *http_ext_keys[8];      /* property keys those files intern once */
	void *http_jar;              /* the VU's active k6c__cookie_jar; NULL until needed */
	bool http_jar_exposed;       /* http.cookieJar() handed its object to the script */
	bool http_jar_stale;         /* an iteration began since: k6 starts it with a new jar */
	signed char http_callback;   /* 0: k6's default (200-399), 1: http_expected, -1: none */
	const int *http_expected;    /* the callback's [min, max] pairs */
	size_t http_nexpected;
	void *drain;                 /* the prelude's __k6c_drain_jobs, or NULL */
	void *take_unhandled;        /* its __k6c_take_unhandled, once looked up */
	/* The VU's event loop (eventloop.h): native operations that are
	 * live (timers, asynchronous requests), those done and waiting for
	 * their JavaScript, the JavaScript values they hold (a stash object
	 * indexed by reference number) and k6/timers' next id. */
	struct k6c__vm_op *ops;
	struct k6c__vm_op *ready_head, *ready_tail;
	unsigned nalive;             /* ops that keep the loop running */
	bool woken;                  /* an op completed since the VU last waited */
	void *loop_refs;
	uint32_t next_ref;
	double next_timer_id;
	/* Keys of the per-iteration path, interned once (kept in the stash). */
	void *key_default, *key_iter, *key_data;
	bool data_ready;             /* the setup data was parsed into the stash */
	void *data;                  /* ... and its heap pointer when it is an object or string */
	bool data_undefined;         /* ... or it is undefined (no setup(), or it returned nothing) */
	int promise_state;           /* 0 pending, 1 fulfilled, 2 rejected */

	/* The scenario of the last iteration (its definition, owned by the
	 * scheduler): __ENV, the scenario's tags and exec.vu.tags follow it. */
	const k6c__scenario *scenario;
	/* exec.vu.tags / exec.vu.metrics.tags changes made since the VU entered
	 * its scenario, applied over the base tags of every sample: value NULL
	 * removes the key. And exec.vu.metrics.metadata, the metadata of every
	 * later sample (value NULL: removed). Strings owned. */
	k6c__vm_kv *user_tags;
	size_t nuser_tags, user_tags_cap;
	k6c__vm_kv *metadata;
	size_t nmetadata, metadata_cap;
	/* Read from the registry once, when the VU is made: the systemTags
	 * mask (which opt-in tags and metadata to add) and whether any
	 * consumer reads metadata (without one, samples carry none). */
	uint32_t system_tags;
	bool want_metadata;
	char md_vu[24], md_iter[24]; /* the vu and iter metadata values */
	k6c__tag *md;                /* a sample's metadata being built */
	size_t md_cap;

	/* Scratch space reused by every native call, so a Duktape error that
	 * unwinds with longjmp never leaks memory. */
	k6c__buf scratch;
	k6c__buf scratch2;
	k6c__tag *tags;
	size_t tags_cap;
	const char **ptrs;
	size_t ptrs_cap;

	/* The VU's instances of the program's k6/x/ modules (prog->nxmods
	 * entries, NULL when there are none): whether vu_init returned
	 * normally, and its per-VU state. */
	struct k6c__xmod_vu {
		bool inited;
		void *vu_state;
	} *xinst;
	/* Metric ids below this are known to be valid targets for
	 * k6c_vu_emit() (module.c), so it checks the registry only above. */
	int metric_limit;
} k6c__vm;

/* The VM owning ctx. */
k6c__vm *k6c__vm_get(duk_context *ctx);
/* The VM owning ctx, or NULL when ctx is not a VU heap's (any Duktape
 * context a native module might be handed). */
k6c__vm *k6c__vm_from_ctx(duk_context *ctx);

/* [ ... ] -> [ ... exports ]: VU instance of the program's k6/x/ module i,
 * made by its vu_init on first use (module.c). */
void k6c__xmod_push(duk_context *ctx, k6c__vm *vm, size_t i);
/* vu_free of each module instance of the VU (before its heap goes). */
void k6c__xmod_vu_free(k6c__vm *vm);

/* Defines (or finds) a custom metric for k6/metrics' constructors and
 * k6c_vu_metric(): in the init context only, k6's name rule, registered
 * with the VU's registry (VU 0: the program's, if any; else *id is -1).
 * Return 0; K6C_ESTATE (not in init), K6C_EINVAL (a bad name, k6's
 * message), K6C_ECONFIG (the name exists with another type or contains),
 * K6C_ENOMEM. */
int k6c__vm_metric_define(k6c__vm *vm, const char *name, k6c__metric_type type,
	k6c__metric_contains contains, int *id);

/* k6/http: the VU begins an iteration (or setup, teardown, handleSummary);
 * no Duktape call (mod_http_cookies.c). */
void k6c__mod_http_vu_begin(k6c__vm *vm);

/* Creates a VU heap and runs the init context. vu is NULL for the VU 0 that
 * reads options at load. On an exception in init returns K6C_ESCRIPT with
 * the formatted error as the message (not logged here). */
int k6c__vm_new(k6c__vm **out, k6c__program *p, k6c__vu *vu);
void k6c__vm_free(k6c__vm *vm);

/* Logs through the VU (or the program's log when there is no VU). */
void k6c__vm_log(k6c__vm *vm, int level, const char *fmt, ...) K6C__PRINTF(3, 4);

/* Formats the error at idx as k6 does: its string, then "\n\tat fn
 * (file:line)" per JavaScript frame. */
void k6c__vm_format_error(duk_context *ctx, duk_idx_t idx, k6c__buf *out);

/* Throws k6's "<what> in the init context is not supported" if in init. */
void k6c__vm_check_not_init(duk_context *ctx, k6c__vm *vm, const char *what);
/* Throws the error that unwinds an iteration interrupted by a hard stop. */
void k6c__vm_throw_aborted(duk_context *ctx, k6c__vm *vm) __attribute__((noreturn));
/* exec.test.abort(): records the abort (through the scheduler when there is
 * a VU) and throws the error that unwinds the heap; reason may be NULL. */
void k6c__vm_abort_test(duk_context *ctx, k6c__vm *vm, const char *reason)
	__attribute__((noreturn));

/* Sets a key of vm->user_tags or vm->metadata (both copied); value NULL
 * marks the key removed (for tags: removed from the base tags too).
 * Return 0 or K6C_ENOMEM. */
int k6c__vm_kv_set(k6c__vm_kv **arr, size_t *n, size_t *cap, const char *key, const char *value);

/* Tag list building in vm->tags. Strings are borrowed until the samples are
 * added. k6c__vm_tag_set replaces the value of an existing key. */
void k6c__vm_tags_reset(k6c__vm *vm, size_t *n);
/* Makes room for n tags in vm->tags (throws on out-of-memory), so that
 * code which must not allocate (a hop callback) can add up to that many. */
void k6c__vm_tags_reserve(duk_context *ctx, k6c__vm *vm, size_t n);
void k6c__vm_tag_set(duk_context *ctx, k6c__vm *vm, size_t *n, const char *key, const char *value);
/* Removes key from the tag list. */
void k6c__vm_tag_del(k6c__vm *vm, size_t *n, const char *key);
/* Adds the base tags of a sample: the `tags` option, the scenario's tags,
 * scenario (its name), the VU's exec.vu.tags changes and group (the
 * current path). */
void k6c__vm_tags_base(duk_context *ctx, k6c__vm *vm, size_t *n);
/* Adds an object's own properties as tags; the value strings are left on
 * the value stack (so they stay alive) above the current top. A value that
 * is not a string, number or boolean throws k6's TypeError. */
void k6c__vm_tags_from_object(duk_context *ctx, k6c__vm *vm, size_t *n, duk_idx_t obj);

/* Adds samples to the VU's buffer (dropped when there is no VU), with the
 * tags in vm->tags or, for k6c__vm_emit_tags, in tags, and the VU's
 * metadata when a consumer wants it (vu and iter as systemTags says, then
 * exec.vu.metrics.metadata). */
void k6c__vm_emit(k6c__vm *vm, int64_t time_us, size_t ntags, const int *metrics,
	const double *values, size_t n);
void k6c__vm_emit_tags(k6c__vm *vm, int64_t time_us, const k6c__tag *tags, size_t ntags,
	const int *metrics, const double *values, size_t n);

/* Converts text in Duktape's internal encoding (CESU-8: a character
 * outside the BMP is two 3-byte surrogates) to UTF-8, appending to out; a
 * lone surrogate becomes U+FFFD, as Go's conversion of a JavaScript string.
 * Return 0 or K6C_ENOMEM. */
int k6c__vm_to_utf8(const char *s, size_t len, k6c__buf *out);
/* [ ... ] -> [ ... string ]: bytes taken as UTF-8 text, as Go's string
 * conversion into JavaScript does: a character outside the BMP becomes a
 * surrogate pair, each byte that is not valid UTF-8 becomes U+FFFD. */
void k6c__vm_push_text(duk_context *ctx, const char *s, size_t len);

/* Makes sure vm->ptrs holds at least n entries (throws on out-of-memory). */
void k6c__vm_ptrs_reserve(duk_context *ctx, k6c__vm *vm, size_t n);
/* k6c__buf_put that throws a Duktape error on out-of-memory. */
void k6c__vm_put(duk_context *ctx, k6c__buf *b, const void *data, size_t n);

#endif /* K6C_ENGINE_VM_H */
