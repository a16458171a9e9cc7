/*
 * plugin.c - k6c_test_load_plugin(): a shared object that registers native
 * modules and named outputs into one test (k6c/plugin.h). The object is
 * opened with RTLD_NOW (a missing symbol fails the load, not a later call)
 * and RTLD_LOCAL (two plugins may use the same internal names), its ABI
 * version is checked before any of its code runs, and it stays loaded
 * until the test is freed: the test calls into it (module and sink
 * callbacks, the payloads' free functions) until then.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k6c.h"
#include "k6c/sink.h"

#include "api/api_int.h"
#include "engine/engine.h"
#include "util/util.h"

/* Declared in k6c/plugin.h, which is not included here: through
 * k6c/module.h it exposes Duktape, whose headers only lib/engine uses. */
typedef struct k6c_plugin k6c_plugin;
typedef int (*k6c_plugin_init_fn)(k6c_plugin *plugin, const char *arg);
K6C_EXTERN(int) k6c_test_register_module(k6c_test *t, const struct k6c_module_def *def,
	void *payload);
K6C_EXTERN(int) k6c_plugin_add_module(k6c_plugin *plugin, const struct k6c_module_def *def,
	void *payload);
K6C_EXTERN(int) k6c_plugin_add_output(k6c_plugin *plugin, const char *name,
	k6c_output_factory factory, void *factory_payload);
K6C_EXTERN(int) k6c_test_load_plugin(k6c_test *test, const char *spec);

struct k6c_plugin {
	k6c_test *test;
	const char *path;
	/* The first registration that failed during the init: its code and
	 * message (registrations report through k6c_error_last(), which later
	 * calls may overwrite). */
	int reg_rc;
	char *reg_msg;
};

static void plugin_reg_failed(k6c_plugin *p, int rc)
{
	const k6c_error *e;

	if (rc == 0 || p->reg_rc)
		return;
	e = k6c_error_last();
	p->reg_rc = rc;
	p->reg_msg = k6c__strdup(e && e->message ? e->message : k6c_strerror(rc));
}

K6C_EXTERN(int) k6c_plugin_add_module(k6c_plugin *plugin, const struct k6c_module_def *def,
	void *payload)
{
	int rc;

	if (!plugin)
		return k6c__error(K6C_EINVAL, "k6c_plugin_add_module: plugin is NULL");
	rc = k6c_test_register_module(plugin->test, def, payload);
	plugin_reg_failed(plugin, rc);
	return rc;
}

K6C_EXTERN(int) k6c_plugin_add_output(k6c_plugin *plugin, const char *name,
	k6c_output_factory factory, void *factory_payload)
{
	int rc;

	if (!plugin)
		return k6c__error(K6C_EINVAL, "k6c_plugin_add_output: plugin is NULL");
	rc = k6c_test_register_output(plugin->test, name, factory, factory_payload);
	plugin_reg_failed(plugin, rc);
	return rc;
}

/* Calls the plugin's init and turns its outcome into our return code:
 * a failed registration's own code, else K6C_ESCRIPT with the message the
 * plugin set. */
static int plugin_init(k6c_test *test, const char *path, k6c_plugin_init_fn init,
	const char *arg)
{
	k6c_plugin p = { .test = test, .path = path };
	const char *msg;
	int rc;

	(void)k6c__mod_error_take();
	if (init(&p, arg) == 0) {
		k6c__free(p.reg_msg);
		return 0;
	}
	if (p.reg_rc) {
		rc = k6c__error(p.reg_rc, "%s: plugin init failed: %s", path,
			p.reg_msg ? p.reg_msg : k6c_strerror(p.reg_rc));
		k6c__free(p.reg_msg);
		return rc;
	}
	msg = k6c__mod_error_take();
	if (msg && !msg[0])
		msg = NULL;
	return k6c__error(K6C_ESCRIPT, "%s: plugin init failed%s%s", path, msg ? ": " : "",
		msg ? msg : " (it set no message)");
}

K6C_EXTERN(int) k6c_test_load_plugin(k6c_test *test, const char *spec)
{
	const unsigned *abi;
	k6c_plugin_init_fn init;
	const char *eq, *arg = "";
	char *path;
	void *h;
	int rc;

	if (!test)
		return k6c__error(K6C_EINVAL, "k6c_test_load_plugin: test is NULL");
	if (!spec || !spec[0] || spec[0] == '=')
		return k6c__error(K6C_EINVAL, "k6c_test_load_plugin: empty plugin path");
	if ((rc = k6c__test_check_idle(test, "k6c_test_load_plugin")))
		return rc;
	eq = strchr(spec, '=');
	if (eq)
		arg = eq + 1;
	path = eq ? k6c__strndup(spec, (size_t)(eq - spec)) : k6c__strdup(spec);
	if (!path)
		return k6c__error(K6C_ENOMEM, "k6c_test_load_plugin: out of memory");
	/* Reserve the slot first, so that once the plugin's init has
	 * registered things (which may call into it until the test is freed)
	 * keeping the handle cannot fail. */
	if ((rc = k6c__test_reserve_plugin(test))) {
		k6c__free(path);
		return rc;
	}
	dlerror();
	if (!(h = dlopen(path, RTLD_NOW | RTLD_LOCAL))) {
		const char *e = dlerror();

		size_t n = strlen(path);

		/* glibc's message usually starts with the path: name it once. */
		if (e && !strncmp(e, path, n) && e[n] == ':' && e[n + 1] == ' ')
			e += n + 2;
		rc = k6c__error(K6C_EIO, "%s: cannot load plugin: %s", path,
			e ? e : "unknown error");
		k6c__free(path);
		return rc;
	}
	if (!(abi = dlsym(h, "k6c_plugin_abi"))) {
		rc = k6c__error(K6C_ENOTFOUND, "%s: not a libk6c plugin: no k6c_plugin_abi symbol "
			"(K6C_PLUGIN_DECLARE)", path);
		goto fail;
	}
	if (*abi != k6c__module_abi()) {
		rc = k6c__error(K6C_ENOTSUP, "%s: plugin built for module ABI %u, this libk6c "
			"has ABI %u: rebuild the plugin against this libk6c's headers", path, *abi,
			k6c__module_abi());
		goto fail;
	}
	/* A data pointer to function pointer conversion, as POSIX allows for
	 * dlsym(). */
	*(void **)&init = dlsym(h, "k6c_plugin_init");
	if (!init) {
		rc = k6c__error(K6C_ENOTFOUND, "%s: not a libk6c plugin: no k6c_plugin_init symbol",
			path);
		goto fail;
	}
	rc = plugin_init(test, path, init, arg);
	/* Even a failed init may have registered something before failing,
	 * whose callbacks live in the object: keep it loaded either way. */
	k6c__test_keep_plugin(test, h);
	k6c__free(path);
	return rc;
fail:
	dlclose(h);
	k6c__free(path);
	return rc;
}

void k6c__plugins_unload(void **handles, size_t n)
{
	/* Last loaded, first unloaded: a plugin may use one loaded before it. */
	while (n > 0)
		dlclose(handles[--n]);
}
