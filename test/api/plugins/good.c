/*
 * good.c - a working plugin for test_api_plugin.c and the CLI tests: it
 * registers the module `k6/x/plugtest` (whose `arg()` returns the argument
 * the plugin was loaded with, and `add(a, b)` a sum) and the named output
 * `plugtest`, whose sink counts the samples it receives and writes the count
 * to the file named by the output's argument when it stops.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <k6c/plugin.h>

K6C_PLUGIN_DECLARE

/* The argument of the last load; tests load this plugin into one test at a
 * time. */
static char g_arg[256];

static duk_ret_t pt_arg(duk_context *ctx)
{
	duk_push_string(ctx, g_arg);
	return 1;
}

static duk_ret_t pt_add(duk_context *ctx)
{
	double a = k6c_mod_arg_number(ctx, 0, "add", "a");
	double b = k6c_mod_arg_number(ctx, 1, "add", "b");

	duk_push_number(ctx, a + b);
	return 1;
}

static const k6c_mod_fn pt_fns[] = {
	{ "arg", pt_arg, 0 },
	{ "add", pt_add, 2 },
	{ NULL, NULL, 0 }
};

static void pt_vu_init(duk_context *ctx, k6c_vu *vu, void *payload, void *test_state,
	void **vu_state)
{
	(void)vu, (void)payload, (void)test_state, (void)vu_state;
	duk_push_object(ctx);
	k6c_mod_put_functions(ctx, -1, pt_fns, NULL);
}

static const k6c_module_def pt_module = {
	.abi = K6C_MODULE_ABI,
	.name = "k6/x/plugtest",
	.vu_init = pt_vu_init,
};

typedef struct pt_sink {
	char *path;
	unsigned long count;
} pt_sink;

static int pt_add_samples(k6c_sink *sink, void *payload, const k6c_sample *samples, size_t n)
{
	(void)sink, (void)samples;
	((pt_sink *)payload)->count += n;
	return 0;
}

static int pt_stop(k6c_sink *sink, void *payload, int exit_code)
{
	pt_sink *s = payload;
	FILE *f = fopen(s->path, "w");

	(void)sink, (void)exit_code;
	if (!f)
		return -1;
	fprintf(f, "%lu\n", s->count);
	return fclose(f) ? -1 : 0;
}

static void pt_free(void *payload)
{
	pt_sink *s = payload;

	free(s->path);
	free(s);
}

static const k6c_sink_vtable pt_vtable = {
	.version = K6C_SINK_VERSION,
	.add_samples = pt_add_samples,
	.stop = pt_stop,
	.free = pt_free,
};

static int pt_factory(const k6c_output_params *params, void *factory_payload,
	const k6c_sink_vtable **vt, void **payload, char *err, size_t errlen)
{
	pt_sink *s;

	(void)factory_payload;
	if (!params->arg[0]) {
		snprintf(err, errlen, "plugtest: give a file: -o plugtest=FILE");
		return -1;
	}
	if (!(s = calloc(1, sizeof(*s))) || !(s->path = strdup(params->arg))) {
		free(s);
		snprintf(err, errlen, "plugtest: out of memory");
		return -1;
	}
	*vt = &pt_vtable;
	*payload = s;
	return 0;
}

int k6c_plugin_init(k6c_plugin *plugin, const char *arg)
{
	int rc;

	snprintf(g_arg, sizeof(g_arg), "%s", arg);
	if ((rc = k6c_plugin_add_module(plugin, &pt_module, NULL)))
		return rc;
	return k6c_plugin_add_output(plugin, "plugtest", pt_factory, NULL);
}
