/*
 * module.c - native `k6/x/<name>` modules (include/k6c/module.h): the
 * process-wide registry and a program's snapshot of it, the modules' life
 * cycle (test_init/test_free per program, vu_init/vu_free per VU heap), the
 * k6c_vu accessors over a VU's k6c__vm, metrics from C, suspending a VU on
 * a file descriptor or a timer, promises settled from any thread, and the
 * helpers native functions use.
 *
 * A k6c_vu is the VU's k6c__vm (the struct is never defined: the pointer
 * is only cast back), so no allocation is made per VU for it.
 *
 * Promises cross threads: a k6c_promise is shared by the VU (which owns
 * its JavaScript side as an operation of the VU's event loop) and whoever
 * settles it, possibly on a thread of its own. Its mutex orders the two;
 * a reference count frees it once both are done. A settle posts a task to
 * the worker's loop (k6c__loop_post), which queues the operation on the
 * VU, so Duktape is only ever touched on the VU's thread.
 */
#include "engine/eventloop.h"
#include "engine/vm.h"

#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k6c/module.h"

/* ---- Registration ------------------------------------------------------- */

/* The process-wide registry: the only process state of this file, behind
 * its own lock. Entries are never removed. */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static k6c__xmod *registry;
static size_t nregistry;

/* "k6/x/" then 1 to 100 bytes of letters, digits and "-_./", not starting
 * or ending with '/'. */
static bool valid_name(const char *name)
{
	size_t n;

	if (strncmp(name, "k6/x/", 5) != 0)
		return false;
	name += 5;
	n = strlen(name);
	if (n < 1 || n > 100 || name[0] == '/' || name[n - 1] == '/')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			c == '-' || c == '_' || c == '.' || c == '/'))
			return false;
	}
	return true;
}

static int check_def(const char *fn, const k6c_module_def *def)
{
	if (def == NULL)
		return k6c__error(K6C_EINVAL, "%s: no module definition", fn);
	if (def->name == NULL)
		return k6c__error(K6C_EINVAL, "%s: the module has no name", fn);
	if (def->abi != K6C_MODULE_ABI)
		return k6c__error(K6C_ENOTSUP, "%s: module %s was built for module ABI %u, this "
			"libk6c has ABI %u", fn, def->name, def->abi, (unsigned)K6C_MODULE_ABI);
	if (!valid_name(def->name))
		return k6c__error(K6C_EINVAL, "%s: invalid module name \"%s\": it must be "
			"\"k6/x/\" followed by 1 to 100 letters, digits or \"-_./\", not starting "
			"or ending with '/'", fn, def->name);
	if (def->vu_init == NULL)
		return k6c__error(K6C_EINVAL, "%s: module %s has no vu_init", fn, def->name);
	return 0;
}

static bool list_has(const k6c__xmod *arr, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(arr[i].def->name, name) == 0)
			return true;
	return false;
}

static int list_append(k6c__xmod **arr, size_t *n, const k6c_module_def *def, void *payload)
{
	k6c__xmod *a = k6c__realloc(*arr, (*n + 1) * sizeof(*a));

	if (a == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory registering module %s", def->name);
	a[*n].def = def;
	a[*n].payload = payload;
	*arr = a;
	(*n)++;
	return 0;
}

K6C_EXTERN(int) k6c_module_register(const k6c_module_def *def, void *payload)
{
	int rc = check_def("k6c_module_register", def);

	if (rc != 0)
		return rc;
	pthread_mutex_lock(&registry_lock);
	if (list_has(registry, nregistry, def->name))
		rc = k6c__error(K6C_ECONFIG, "k6c_module_register: module %s is already registered",
			def->name);
	else
		rc = list_append(&registry, &nregistry, def, payload);
	pthread_mutex_unlock(&registry_lock);
	return rc;
}

int k6c__xmod_list_add(const char *fn, k6c__xmod **arr, size_t *n, const k6c_module_def *def,
	void *payload)
{
	int rc = check_def(fn, def);
	bool process_wide;

	if (rc != 0)
		return rc;
	pthread_mutex_lock(&registry_lock);
	process_wide = list_has(registry, nregistry, def->name);
	pthread_mutex_unlock(&registry_lock);
	if (process_wide)
		return k6c__error(K6C_ECONFIG, "%s: module %s is already registered for the "
			"whole process", fn, def->name);
	if (list_has(*arr, *n, def->name))
		return k6c__error(K6C_ECONFIG, "%s: module %s is already registered for this "
			"test", fn, def->name);
	return list_append(arr, n, def, payload);
}

/* ---- A program's modules --------------------------------------------------- */

int k6c__xmods_load(k6c__program *p, const k6c__engine_config *cfg)
{
	size_t ntest = cfg != NULL ? cfg->nxmods : 0;
	int rc = 0;

	pthread_mutex_lock(&registry_lock);
	if (nregistry + ntest > 0) {
		p->xmods = k6c__calloc(nregistry + ntest, sizeof(*p->xmods));
		if (p->xmods == NULL)
			rc = k6c__error(K6C_ENOMEM, "out of memory");
	}
	for (size_t i = 0; rc == 0 && i < nregistry; i++) {
		p->xmods[i].def = registry[i].def;
		p->xmods[i].payload = registry[i].payload;
	}
	if (rc == 0)
		p->nxmods = nregistry;
	pthread_mutex_unlock(&registry_lock);
	for (size_t i = 0; rc == 0 && i < ntest; i++) {
		const k6c__xmod *m = &cfg->xmods[i];

		/* k6c_test_register_module refused a process-wide name; this is
		 * one registered for the process after that. */
		if (k6c__xmods_find(p, m->def->name) >= 0) {
			rc = k6c__error(K6C_ECONFIG, "module %s is registered both for the process "
				"and for the test", m->def->name);
			break;
		}
		p->xmods[p->nxmods].def = m->def;
		p->xmods[p->nxmods].payload = m->payload;
		p->nxmods++;
	}
	return rc;
}

int k6c__xmods_find(const k6c__program *p, const char *spec)
{
	for (size_t i = 0; i < p->nxmods; i++)
		if (strcmp(p->xmods[i].def->name, spec) == 0)
			return (int)i;
	return -1;
}

int k6c__program_xmod_index(const k6c__program *p, const char *spec)
{
	int i;

	if (strncmp(spec, "k6/x/", 5) != 0)
		return -1;
	i = k6c__xmods_find(p, spec);
	if (i < 0 || !p->xmods[i].used)
		return -1;
	return k6c__native_count() + i;
}

unsigned k6c__module_abi(void)
{
	return K6C_MODULE_ABI;
}

/* The message a module's init left with k6c_mod_set_error(), per thread. */
static _Thread_local char mod_error[1024];
static _Thread_local bool mod_error_set;

const char *k6c__mod_error_take(void)
{
	if (!mod_error_set)
		return NULL;
	mod_error_set = false;
	return mod_error;
}

K6C_EXTERN(int) k6c_mod_set_error(const char *fmt, ...)
{
	va_list ap;

	if (fmt == NULL)
		fmt = "";
	va_start(ap, fmt);
	vsnprintf(mod_error, sizeof(mod_error), fmt, ap);
	va_end(ap);
	mod_error_set = true;
	return 0;
}

int k6c__xmods_test_init(k6c__program *p)
{
	for (size_t i = 0; i < p->nxmods; i++) {
		k6c__xmod_state *m = &p->xmods[i];
		const char *msg;

		if (!m->used || m->def->test_init == NULL)
			continue;
		(void)k6c__mod_error_take();
		m->test_inited = true;
		if (m->def->test_init(m->payload, &m->test_state) == 0)
			continue;
		msg = k6c__mod_error_take();
		return k6c__error(K6C_ESCRIPT, "module %s failed to initialise: %s", m->def->name,
			msg != NULL && msg[0] != '\0' ? msg : "its test_init returned an error");
	}
	return 0;
}

void k6c__xmods_free(k6c__program *p)
{
	for (size_t i = 0; i < p->nxmods; i++) {
		k6c__xmod_state *m = &p->xmods[i];

		if (m->test_inited && m->def->test_free != NULL)
			m->def->test_free(m->payload, m->test_state);
	}
	k6c__free(p->xmods);
	p->xmods = NULL;
	p->nxmods = 0;
}

/* ---- A VU's instances ------------------------------------------------------- */

void k6c__xmod_push(duk_context *ctx, k6c__vm *vm, size_t i)
{
	const k6c__xmod_state *m = &vm->prog->xmods[i];
	struct k6c__xmod_vu *inst = &vm->xinst[i];
	duk_idx_t top = duk_get_top(ctx);

	/* vu_init returned but its exports were refused: a second call would
	 * lose the per-VU state the first one made. */
	if (inst->inited)
		(void)duk_error(ctx, DUK_ERR_ERROR, "module %s failed to initialise in this VU",
			m->def->name);
	m->def->vu_init(ctx, (k6c_vu *)vm, m->payload, m->test_state, &inst->vu_state);
	inst->inited = true;
	if (duk_get_top(ctx) != top + 1 || !duk_is_object(ctx, -1))
		(void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "module %s: vu_init must leave exactly "
			"one value, the exports object, on the stack", m->def->name);
}

void k6c__xmod_vu_free(k6c__vm *vm)
{
	if (vm->xinst == NULL)
		return;
	for (size_t i = 0; i < vm->prog->nxmods; i++) {
		const k6c__xmod_state *m = &vm->prog->xmods[i];
		struct k6c__xmod_vu *inst = &vm->xinst[i];

		if (!inst->inited)
			continue;
		inst->inited = false;
		if (m->def->vu_free != NULL)
			m->def->vu_free((k6c_vu *)vm, m->payload, m->test_state, inst->vu_state);
	}
}

/* ---- The VU -------------------------------------------------------------- */

#define VM(vu) ((k6c__vm *)(vu))
#define CVM(vu) ((const k6c__vm *)(vu))

K6C_EXTERN(k6c_vu *) k6c_vu_from_ctx(duk_context *ctx)
{
	return (k6c_vu *)k6c__vm_from_ctx(ctx);
}

K6C_EXTERN(duk_context *) k6c_vu_ctx(k6c_vu *vu)
{
	return vu != NULL ? VM(vu)->ctx : NULL;
}

K6C_EXTERN(int) k6c_vu_in_init(const k6c_vu *vu)
{
	return vu != NULL && CVM(vu)->in_init;
}

K6C_EXTERN(uint64_t) k6c_vu_id(const k6c_vu *vu)
{
	if (vu == NULL || CVM(vu)->vu == NULL)
		return 0;
	return (uint64_t)k6c__vu_id(CVM(vu)->vu);
}

K6C_EXTERN(uint64_t) k6c_vu_id_in_test(const k6c_vu *vu)
{
	if (vu == NULL || CVM(vu)->vu == NULL)
		return 0;
	return k6c__vu_id_in_test(CVM(vu)->vu);
}

K6C_EXTERN(uint64_t) k6c_vu_iteration(const k6c_vu *vu)
{
	if (vu == NULL || CVM(vu)->vu == NULL || CVM(vu)->in_init)
		return 0;
	return k6c__vu_iteration(CVM(vu)->vu);
}

K6C_EXTERN(const char *) k6c_vu_scenario(const k6c_vu *vu)
{
	const char *name;

	if (vu == NULL || CVM(vu)->vu == NULL || CVM(vu)->in_init)
		return "";
	name = k6c__vu_scenario(CVM(vu)->vu);
	return name != NULL ? name : "";
}

K6C_EXTERN(const char *) k6c_vu_env(const k6c_vu *vu, const char *key)
{
	const k6c__vm *vm = CVM(vu);
	const k6c__scenario *sc;

	if (vm == NULL || key == NULL)
		return NULL;
	/* As __ENV: the scenario's env entries win over the test's. */
	sc = vm->scenario;
	for (size_t i = 0; sc != NULL && i < sc->nenv; i++)
		if (sc->env[2 * i] != NULL && strcmp(sc->env[2 * i], key) == 0)
			return sc->env[2 * i + 1] != NULL ? sc->env[2 * i + 1] : "";
	for (size_t i = 0; i < vm->prog->nenv; i++)
		if (strcmp(vm->prog->env[2 * i], key) == 0)
			return vm->prog->env[2 * i + 1];
	return NULL;
}

K6C_EXTERN(size_t) k6c_vu_tags(k6c_vu *vu, const k6c_tag **out)
{
	k6c__vm *vm = VM(vu);
	size_t n;

	if (out == NULL)
		return 0;
	*out = NULL;
	if (vm == NULL)
		return 0;
	/* Without a context an allocation failure leaves tags out instead of
	 * throwing out of a C API call. k6c__tag and k6c_tag are the same
	 * pair of borrowed strings. */
	k6c__vm_tags_reset(vm, &n);
	k6c__vm_tags_base(NULL, vm, &n);
	if (n > 0)
		*out = (const k6c_tag *)(const void *)vm->tags;
	return n;
}

K6C_EXTERN(int) k6c_vu_tag_set(k6c_vu *vu, const char *key, const char *value)
{
	k6c__vm *vm = VM(vu);

	if (vm == NULL || key == NULL)
		return k6c__error(K6C_EINVAL, "k6c_vu_tag_set: NULL VU or key");
	return k6c__vm_kv_set(&vm->user_tags, &vm->nuser_tags, &vm->user_tags_cap, key, value);
}

K6C_EXTERN(int) k6c_vu_metadata_set(k6c_vu *vu, const char *key, const char *value)
{
	k6c__vm *vm = VM(vu);

	if (vm == NULL || key == NULL)
		return k6c__error(K6C_EINVAL, "k6c_vu_metadata_set: NULL VU or key");
	return k6c__vm_kv_set(&vm->metadata, &vm->nmetadata, &vm->metadata_cap, key, value);
}

K6C_EXTERN(void) k6c_vu_log(k6c_vu *vu, k6c_log_level level, const char *message)
{
	if (vu == NULL || message == NULL)
		return;
	k6c__vm_log(VM(vu), (int)level, "%s", message);
}

K6C_EXTERN(int) k6c_vu_cancelled(const k6c_vu *vu)
{
	const k6c__vm *vm = CVM(vu);

	if (vm == NULL)
		return 0;
	return vm->test_aborted || (vm->vu != NULL && k6c__vu_should_stop(vm->vu));
}

/* ---- Metrics ----------------------------------------------------------------- */

K6C_EXTERN(int) k6c_vu_metric(k6c_vu *vu, const char *name, k6c_metric_type type,
	k6c_metric_contains contains, int *id)
{
	k6c__vm *vm = VM(vu);
	int rc;

	if (vm == NULL || name == NULL || id == NULL)
		return k6c__error(K6C_EINVAL, "k6c_vu_metric: NULL argument");
	if ((unsigned)type > K6C_METRIC_TREND || (unsigned)contains > K6C_CONTAINS_DATA)
		return k6c__error(K6C_EINVAL, "k6c_vu_metric: metric '%s': invalid type or "
			"contains", name);
	/* The public enums have the registry's values (k6c/metric.h). */
	rc = k6c__vm_metric_define(vm, name, (k6c__metric_type)type,
		(k6c__metric_contains)contains, id);
	if (rc == 0 && *id >= vm->metric_limit)
		vm->metric_limit = *id + 1;
	return rc;
}

/* Whether id is a metric (not a submetric) of the VU's registry; ids only
 * grow, so a valid one stays valid. */
static bool metric_known(k6c__vm *vm, int id)
{
	k6c__metric_info info;

	if (id < 0)
		return false;
	if (id < vm->metric_limit)
		return true;
	if (k6c__metrics_info(k6c__vu_metrics(vm->vu), id, &info) != 0 || info.parent >= 0)
		return false;
	vm->metric_limit = id + 1;
	return true;
}

K6C_EXTERN(int) k6c_vu_emit(k6c_vu *vu, int metric, double value, const k6c_tag *tags,
	size_t ntags)
{
	k6c__vm *vm = VM(vu);
	size_t n;

	if (vm == NULL || (tags == NULL && ntags > 0))
		return k6c__error(K6C_EINVAL, "k6c_vu_emit: NULL VU or tags");
	if (vm->in_init || vm->vu == NULL)
		return k6c__error(K6C_ESTATE, "k6c_vu_emit: samples cannot be added in the init "
			"context");
	if (!metric_known(vm, metric))
		return k6c__error(K6C_EINVAL, "k6c_vu_emit: no metric with id %d", metric);
	k6c__vm_tags_reset(vm, &n);
	k6c__vm_tags_base(NULL, vm, &n);
	for (size_t i = 0; i < ntags; i++)
		if (tags[i].key != NULL && tags[i].value != NULL)
			k6c__vm_tag_set(NULL, vm, &n, tags[i].key, tags[i].value);
	k6c__vm_emit(vm, k6c__wall_us(), n, &metric, &value, 1);
	return 0;
}

/* ---- Waiting ----------------------------------------------------------------- */

typedef struct fd_wait {
	k6c__vu *vu;
	k6c__timer timer;
	unsigned revents;
	bool done;
} fd_wait;

/* Loop thread (the VU's own, while it is suspended). */
static void fd_ready(k6c__loop *loop, int fd, unsigned events, void *arg)
{
	fd_wait *w = arg;

	K6C__UNUSED(loop);
	K6C__UNUSED(fd);
	w->revents = ((events & K6C__IO_READ) ? K6C_WAIT_READ : 0u) |
		((events & K6C__IO_WRITE) ? K6C_WAIT_WRITE : 0u);
	w->done = true;
	k6c__vu_resume(w->vu);
}

static void fd_timeout(k6c__loop *loop, k6c__timer *t)
{
	fd_wait *w = t->arg;

	K6C__UNUSED(loop);
	w->done = true;
	k6c__vu_resume(w->vu);
}

/* A VU that can suspend: one with a coroutine, inside a native call. */
static int check_suspend(k6c__vm *vm, const char *fn)
{
	if (vm == NULL)
		return k6c__error(K6C_EINVAL, "%s: no VU", fn);
	if (vm->vu == NULL)
		return k6c__error(K6C_ESTATE, "%s: the options-reading VU 0 cannot wait", fn);
	if (vm->test_aborted || k6c__vu_should_stop(vm->vu))
		return k6c__error(K6C_EABORTED, "%s: the VU is stopping", fn);
	return 0;
}

K6C_EXTERN(int) k6c_vu_wait_fd(k6c_vu *vu, int fd, unsigned events, int64_t timeout_ms,
	unsigned *revents)
{
	k6c__vm *vm = VM(vu);
	k6c__loop *loop;
	fd_wait w;
	unsigned io;
	int rc;

	if (revents != NULL)
		*revents = 0;
	if (fd < 0 || events == 0 || (events & ~(K6C_WAIT_READ | K6C_WAIT_WRITE)) != 0)
		return k6c__error(K6C_EINVAL, "k6c_vu_wait_fd: bad descriptor %d or events %u", fd,
			events);
	if ((rc = check_suspend(vm, "k6c_vu_wait_fd")) != 0)
		return rc;
	memset(&w, 0, sizeof(w));
	w.vu = vm->vu;
	loop = k6c__vu_loop(vm->vu);
	io = ((events & K6C_WAIT_READ) ? (unsigned)K6C__IO_READ : 0u) |
		((events & K6C_WAIT_WRITE) ? (unsigned)K6C__IO_WRITE : 0u);
	rc = k6c__loop_watch(loop, fd, io, fd_ready, &w);
	if (rc != 0)
		return rc == K6C_ENOMEM ? rc : k6c__error(K6C_EINVAL, "k6c_vu_wait_fd: cannot "
			"watch descriptor %d", fd);
	k6c__timer_init(&w.timer, fd_timeout, &w);
	if (timeout_ms >= 0) {
		uint64_t ms = (uint64_t)timeout_ms > 1000000000000ull ? 1000000000000ull :
			(uint64_t)timeout_ms;

		k6c__timer_start(loop, &w.timer, k6c__now_ns() + ms * 1000000ull);
	}
	/* The VU's event loop may resume it too (an operation completing):
	 * it then finds vm->woken set at its next wait, so nothing is lost. */
	while (!w.done && rc == 0)
		rc = k6c__vu_suspend(vm->vu);
	k6c__timer_stop(loop, &w.timer);
	k6c__loop_watch(loop, fd, 0, NULL, NULL);
	if (rc != 0)
		return k6c__error(K6C_EABORTED, "k6c_vu_wait_fd: the VU is stopping");
	if (w.revents == 0)
		return k6c__error(K6C_EIO, "k6c_vu_wait_fd: timed out after %lld ms",
			(long long)timeout_ms);
	if (revents != NULL)
		*revents = w.revents;
	return 0;
}

K6C_EXTERN(int) k6c_vu_sleep(k6c_vu *vu, double ms)
{
	k6c__vm *vm = VM(vu);
	int rc;

	if (!(ms >= 0))
		return k6c__error(K6C_EINVAL, "k6c_vu_sleep: bad duration");
	if ((rc = check_suspend(vm, "k6c_vu_sleep")) != 0)
		return rc;
	return k6c__vu_sleep(vm->vu, ms);
}

/* ---- Promises ---------------------------------------------------------------- */

struct k6c_promise {
	k6c__vm_op op;               /* first: the VU side, an op of its event loop */
	atomic_int refs;             /* the VU side's and the settler's */
	k6c__loop_task task;         /* posted to the worker's loop by the settle */
	k6c__loop *loop;             /* the VU's worker's loop; valid until abandoned */
	pthread_mutex_t lock;        /* orders the rest between the two threads */
	bool settled;                /* fn and arg are set */
	bool abandoned;              /* the VU side is gone (run or dropped) */
	bool consumed;               /* fn was called */
	k6c_promise_fn fn;
	void *arg;
};

static void promise_unref(k6c_promise *p)
{
	if (atomic_fetch_sub(&p->refs, 1) == 1) {
		pthread_mutex_destroy(&p->lock);
		k6c__free(p);
	}
}

typedef struct promise_call {
	k6c_promise_fn fn;
	void *arg;
	bool rejected;
} promise_call;

static duk_ret_t promise_call_safe(duk_context *ctx, void *udata)
{
	promise_call *c = udata;
	duk_idx_t top = duk_get_top(ctx);

	c->rejected = c->fn(ctx, c->arg) != 0;
	if (duk_get_top(ctx) != top + 1)
		return duk_error(ctx, DUK_ERR_ERROR, "a k6c_promise_fn must push exactly one "
			"value");
	return 1;
}

/* VU coroutine: the settled promise's outcome, then its resolution. */
static void promise_run(duk_context *ctx, k6c__vm *vm, k6c__vm_op *op)
{
	k6c_promise *p = (k6c_promise *)op;
	promise_call c;

	pthread_mutex_lock(&p->lock);
	c.fn = p->fn;
	c.arg = p->arg;
	c.rejected = false;
	p->abandoned = true;
	p->consumed = true;
	pthread_mutex_unlock(&p->lock);
	k6c__evloop_push_ref(ctx, vm, op->ref);                 /* [ resolvers ] */
	k6c__evloop_unref(ctx, vm, op->ref);
	k6c__evloop_del(vm, op);
	promise_unref(p);
	if (duk_safe_call(ctx, promise_call_safe, &c, 0, 1) != 0)
		c.rejected = true;                                 /* [ resolvers value ] */
	duk_get_prop_index(ctx, -2, c.rejected ? 1 : 0);
	duk_dup(ctx, -2);
	duk_call(ctx, 1);
	duk_pop_3(ctx);
}

/* The VU operation ended with the promise pending, or the VM is freed:
 * no JavaScript. A settle that came meanwhile gets its fn called here,
 * without a context. */
static void promise_drop(k6c__vm *vm, k6c__vm_op *op, bool interrupted)
{
	k6c_promise *p = (k6c_promise *)op;
	k6c_promise_fn fn = NULL;
	void *arg = NULL;

	K6C__UNUSED(vm);
	K6C__UNUSED(interrupted);
	pthread_mutex_lock(&p->lock);
	p->abandoned = true;
	if (p->settled && !p->consumed) {
		p->consumed = true;
		fn = p->fn;
		arg = p->arg;
	}
	pthread_mutex_unlock(&p->lock);
	if (fn != NULL)
		(void)fn(NULL, arg);
	promise_unref(p);
}

static const k6c__op_vt promise_vt = { promise_run, promise_drop };

/* Loop thread: the settle's task. */
static void promise_posted(k6c__loop_task *task)
{
	k6c_promise *p = (k6c_promise *)(void *)((char *)task - offsetof(k6c_promise, task));

	pthread_mutex_lock(&p->lock);
	if (!p->abandoned)
		k6c__evloop_ready(&p->op);
	pthread_mutex_unlock(&p->lock);
	promise_unref(p);
}

K6C_EXTERN(k6c_promise *) k6c_promise_new(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_from_ctx(ctx);
	k6c_promise *p;
	uint32_t ref;

	if (vm == NULL)
		return NULL;
	k6c__evloop_push_promise(ctx, "k6c_promise_new");       /* [ ... promise resolvers ] */
	ref = k6c__evloop_ref(ctx, vm, -1);
	duk_pop(ctx);
	p = k6c__calloc(1, sizeof(*p));
	if (p == NULL) {
		k6c__evloop_unref(ctx, vm, ref);
		(void)duk_error(ctx, DUK_ERR_ERROR, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&p->lock, NULL);
	p->task.fn = promise_posted;
	if (vm->vu == NULL) {
		/* The options-reading VU 0 has no event loop: the promise
		 * stays pending and its settle only frees the argument. */
		k6c__evloop_unref(ctx, vm, ref);
		atomic_init(&p->refs, 1);
		p->abandoned = true;
		return p;
	}
	atomic_init(&p->refs, 2);
	p->loop = k6c__vu_loop(vm->vu);
	k6c__evloop_add(vm, &p->op, &promise_vt, true);
	p->op.ref = ref;
	return p;
}

K6C_EXTERN(int) k6c_promise_settle(k6c_promise *p, k6c_promise_fn fn, void *arg)
{
	bool abandoned;

	if (p == NULL || fn == NULL)
		return k6c__error(K6C_EINVAL, "k6c_promise_settle: NULL promise or function");
	pthread_mutex_lock(&p->lock);
	abandoned = p->abandoned;
	if (!abandoned) {
		p->settled = true;
		p->fn = fn;
		p->arg = arg;
		/* Under the lock: the VU cannot drop the promise, so its worker
		 * and loop cannot go, until the task is queued. */
		k6c__loop_post(p->loop, &p->task);
	} else {
		p->consumed = true;
	}
	pthread_mutex_unlock(&p->lock);
	if (abandoned) {
		(void)fn(NULL, arg);
		promise_unref(p);
	}
	return 0;
}

/* ---- Functions and objects ----------------------------------------------------- */

#define DATA_KEY DUK_HIDDEN_SYMBOL("k6cModData")
#define OBJ_KEY DUK_HIDDEN_SYMBOL("k6cModObject")

K6C_EXTERN(void) k6c_mod_put_functions(duk_context *ctx, duk_idx_t obj, const k6c_mod_fn *fns,
	void *data)
{
	obj = duk_require_normalize_index(ctx, obj);
	for (size_t i = 0; fns != NULL && fns[i].name != NULL; i++) {
		duk_push_c_function(ctx, fns[i].fn, fns[i].nargs);
		duk_push_pointer(ctx, data);
		duk_put_prop_string(ctx, -2, DATA_KEY);
		duk_put_prop_string(ctx, obj, fns[i].name);
	}
}

K6C_EXTERN(void *) k6c_mod_data(duk_context *ctx)
{
	void *data;

	duk_push_current_function(ctx);
	duk_get_prop_string(ctx, -1, DATA_KEY);
	data = duk_get_pointer(ctx, -1);
	duk_pop_2(ctx);
	return data;
}

/* What an object of k6c_mod_push_object holds, behind a hidden pointer. */
typedef struct mod_object {
	void *data;
	void (*finalize)(void *data);
} mod_object;

static duk_ret_t object_finalizer(duk_context *ctx)
{
	mod_object *o;

	duk_get_prop_string(ctx, 0, OBJ_KEY);
	o = duk_get_pointer(ctx, -1);
	duk_pop(ctx);
	if (o == NULL)
		return 0;
	duk_push_pointer(ctx, NULL);
	duk_put_prop_string(ctx, 0, OBJ_KEY);
	if (o->finalize != NULL)
		o->finalize(o->data);
	k6c__free(o);
	return 0;
}

static duk_ret_t push_object_safe(duk_context *ctx, void *udata)
{
	duk_push_object(ctx);
	duk_push_pointer(ctx, udata);
	duk_put_prop_string(ctx, -2, OBJ_KEY);
	duk_push_c_function(ctx, object_finalizer, 2);
	duk_set_finalizer(ctx, -2);
	return 1;
}

K6C_EXTERN(void) k6c_mod_push_object(duk_context *ctx, void *data, void (*finalize)(void *data))
{
	mod_object *o = k6c__malloc(sizeof(*o));

	if (o == NULL) {
		if (finalize != NULL)
			finalize(data);
		(void)duk_error(ctx, DUK_ERR_ERROR, "out of memory");
		return;
	}
	o->data = data;
	o->finalize = finalize;
	if (duk_safe_call(ctx, push_object_safe, o, 0, 1) != 0) {
		/* The object may exist without its finalizer: it must not
		 * find the pointer either way. */
		k6c__free(o);
		if (finalize != NULL)
			finalize(data);
		(void)duk_throw(ctx);
	}
}

/* The mod_object of the value at idx (`this` for DUK_INVALID_INDEX), or
 * NULL; the value is left pushed. */
static mod_object *object_get(duk_context *ctx, duk_idx_t idx)
{
	mod_object *o = NULL;

	if (idx == DUK_INVALID_INDEX)
		duk_push_this(ctx);
	else
		duk_dup(ctx, idx);
	if (duk_is_object(ctx, -1)) {
		duk_get_prop_string(ctx, -1, OBJ_KEY);
		o = duk_get_pointer(ctx, -1);
		duk_pop(ctx);
	}
	return o;
}

K6C_EXTERN(void *) k6c_mod_object_data(duk_context *ctx, duk_idx_t idx, const char *what)
{
	mod_object *o = object_get(ctx, idx);

	duk_pop(ctx);
	if (o == NULL)
		(void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "%s expected (or it was closed)",
			what != NULL ? what : "an object of this module");
	return o->data;
}

K6C_EXTERN(void *) k6c_mod_object_clear(duk_context *ctx, duk_idx_t idx)
{
	mod_object *o = object_get(ctx, idx);
	void *data;

	if (o == NULL) {
		duk_pop(ctx);
		return NULL;
	}
	duk_push_pointer(ctx, NULL);
	duk_put_prop_string(ctx, -2, OBJ_KEY);
	duk_pop(ctx);
	data = o->data;
	k6c__free(o);
	return data;
}

/* ---- Arguments and values -------------------------------------------------------- */

static const char *type_name(duk_context *ctx, duk_idx_t idx)
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
	case DUK_TYPE_BUFFER:
		return "a buffer";
	default:
		return "a value of another type";
	}
}

K6C_EXTERN(const char *) k6c_mod_arg_string(duk_context *ctx, duk_idx_t idx, const char *fn,
	const char *param, size_t *len)
{
	duk_size_t n;
	const char *s;
	const void *bytes;
	size_t blen;
	char *out;

	if (!duk_is_string(ctx, idx) || duk_is_symbol(ctx, idx))
		(void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "%s: %s must be a string, not %s",
			fn != NULL ? fn : "?", param != NULL ? param : "argument",
			type_name(ctx, idx));
	s = duk_get_lstring(ctx, idx, &n);
	/* Without a surrogate pair Duktape's string is UTF-8 already. */
	if (memchr(s, 0xED, n) == NULL) {
		if (len != NULL)
			*len = n;
		return s;
	}
	bytes = k6c__enc_bytes(ctx, idx, fn, param, &blen);
	out = duk_push_fixed_buffer(ctx, blen + 1);
	memcpy(out, bytes, blen);
	out[blen] = '\0';
	if (len != NULL)
		*len = blen;
	return out;
}

K6C_EXTERN(double) k6c_mod_arg_number(duk_context *ctx, duk_idx_t idx, const char *fn,
	const char *param)
{
	if (!duk_is_number(ctx, idx))
		(void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "%s: %s must be a number, not %s",
			fn != NULL ? fn : "?", param != NULL ? param : "argument",
			type_name(ctx, idx));
	return duk_get_number(ctx, idx);
}

K6C_EXTERN(const void *) k6c_mod_arg_bytes(duk_context *ctx, duk_idx_t idx, const char *fn,
	const char *param, size_t *len)
{
	size_t n = 0;
	const void *p = k6c__enc_bytes(ctx, idx, fn != NULL ? fn : "?",
		param != NULL ? param : "argument", &n);

	if (len != NULL)
		*len = n;
	return p;
}

K6C_EXTERN(void) k6c_mod_push_string(duk_context *ctx, const char *s, size_t len)
{
	k6c__vm_push_text(ctx, s != NULL ? s : "", s != NULL ? len : 0);
}

K6C_EXTERN(void) k6c_mod_push_arraybuffer(duk_context *ctx, const void *p, size_t len)
{
	k6c__enc_push_arraybuffer(ctx, p != NULL ? p : "", p != NULL ? len : 0);
}

K6C_EXTERN(void) k6c_mod_throw(duk_context *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)duk_error_va(ctx, DUK_ERR_ERROR, fmt, ap);
	va_end(ap);
	/* Not reached: Duktape's error calls longjmp, but its header does not
	 * say so to the compiler. */
	abort();
}

K6C_EXTERN(void) k6c_mod_throw_type(duk_context *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)duk_error_va(ctx, DUK_ERR_TYPE_ERROR, fmt, ap);
	va_end(ap);
	/* Not reached: Duktape's error calls longjmp, but its header does not
	 * say so to the compiler. */
	abort();
}
