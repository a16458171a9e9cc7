/*
 * k6c/plugin.h - plugins: shared objects loaded at run time that register
 * native modules (k6c/module.h) and named outputs (k6c/sink.h) into a test,
 * as `k6c run --plugin ./libfoo.so` and `K6C_PLUGINS` do.
 *
 * A plugin is built against this header and links with libk6c; it exports
 * k6c_plugin_init (see k6c_plugin_init_fn) and declares its ABI with
 * K6C_PLUGIN_DECLARE. Like k6c/module.h it exposes Duktape, so it is not
 * part of the umbrella k6c.h.
 *
 * Copyright (c) libk6c developers. MIT licence, see LICENSE.
 */
#ifndef K6C_PLUGIN_H
#define K6C_PLUGIN_H

#include "common.h"
#include "module.h"
#include "sink.h"
#include "test.h"

K6C_BEGIN_DECL

/* ---- Plugins --------------------------------------------------------- */

/**
 * k6c_plugin - what a plugin's entry point registers into (one test's).
 *
 * Opaque; valid during the k6c_plugin_init() call only.
 *
 * Since: 0.1
 */
typedef struct k6c_plugin k6c_plugin;

/**
 * K6C_PLUGIN_DECLARE - declares the plugin's ABI version; put it once in
 * the shared object, next to its k6c_plugin_init().
 *
 * Exports `k6c_plugin_abi`, which libk6c reads before calling anything in
 * the plugin: a plugin built against another K6C_MODULE_ABI is refused
 * with a message naming both versions. It also declares k6c_plugin_init
 * (a k6c_plugin_init_fn) with default visibility, so the plugin's
 * definition is exported even when it is compiled with
 * -fvisibility=hidden.
 *
 * Since: 0.1
 */
#define K6C_PLUGIN_DECLARE \
	K6C_BEGIN_DECL \
	__attribute__((visibility("default"))) extern const unsigned k6c_plugin_abi; \
	__attribute__((visibility("default"))) const unsigned k6c_plugin_abi = K6C_MODULE_ABI; \
	__attribute__((visibility("default"))) int k6c_plugin_init(k6c_plugin *plugin, \
		const char *arg); \
	K6C_END_DECL

/**
 * k6c_plugin_init_fn - the type of the entry point a plugin exports under
 * the name `k6c_plugin_init`.
 * @plugin: where to register modules and outputs.
 * @arg: the text after the first '=' of the plugin's path in
 *       `--plugin path=arg`, or "" (owned by libk6c, valid during the call).
 *
 * Register with k6c_plugin_add_module() and k6c_plugin_add_output();
 * anything it registers belongs to the test loading the plugin.
 *
 * Return: 0, or nonzero to fail the load (with k6c_mod_set_error()'s
 * message if set).
 * Thread: the thread calling k6c_test_load_plugin().
 *
 * Since: 0.1
 */
typedef int (*k6c_plugin_init_fn)(k6c_plugin *plugin, const char *arg);

/**
 * k6c_plugin_add_module() - register a module for the test loading the
 * plugin (as k6c_test_register_module()).
 * @plugin: the plugin handle.
 * @def: the module; static data of the plugin.
 * @payload: passed to its callbacks; owned by the plugin.
 *
 * Return: as k6c_test_register_module(). Thread: the plugin init's.
 *
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_plugin_add_module(k6c_plugin *plugin, const k6c_module_def *def,
	void *payload);

/**
 * k6c_plugin_add_output() - register a named output for the test loading
 * the plugin (as k6c_test_register_output()).
 * @plugin: the plugin handle.
 * @name, @factory, @factory_payload: as for k6c_test_register_output().
 *
 * Return: as k6c_test_register_output(). Thread: the plugin init's.
 *
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_plugin_add_output(k6c_plugin *plugin, const char *name,
	k6c_output_factory factory, void *factory_payload);

/**
 * k6c_test_load_plugin() - load a plugin into a test.
 * @test: the test (not running).
 * @spec: "path" or "path=arg": the shared object (a path with a '/' is used
 *        as is; a bare name is searched as dlopen() does) and the argument
 *        for its init; copied.
 *
 * The shared object stays loaded until @test is freed.
 *
 * Return: 0; K6C_EINVAL (NULL/empty @spec); K6C_ESTATE (running); K6C_EIO
 * (the file cannot be loaded: dlopen's message); K6C_ENOTFOUND (no
 * k6c_plugin_abi or k6c_plugin_init symbol); K6C_ENOTSUP (an ABI version
 * other than K6C_MODULE_ABI); K6C_ESCRIPT (its init returned nonzero);
 * errors of its registrations. The message, naming the file, is in
 * k6c_error_last().
 * Thread: the test's owner thread.
 *
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_test_load_plugin(k6c_test *test, const char *spec);

K6C_END_DECL

#endif /* K6C_PLUGIN_H */
