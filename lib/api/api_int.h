/*
 * api_int.h - what the files of lib/api share about a k6c_test beyond the
 * public headers: the plugin loader (plugin.c) keeps its handles in the
 * test (test.c), which unloads them last when it is freed; JSON modules
 * (jsonmod.c) are modules the test owns and frees.
 */
#ifndef K6C_API_INT_H
#define K6C_API_INT_H

#include <stddef.h>

#include "k6c/test.h"

/* 0, or K6C_ESTATE (with fn in the message) if the test is running. */
int k6c__test_check_idle(k6c_test *t, const char *fn);

/* Makes room for one more plugin handle, so keeping it cannot fail later:
 * 0 or K6C_ENOMEM. */
int k6c__test_reserve_plugin(k6c_test *t);

/* Keeps a dlopen() handle until the test is freed (after a successful
 * k6c__test_reserve_plugin()). */
void k6c__test_keep_plugin(k6c_test *t, void *handle);

/* Adds a module to the test's own list, as k6c_test_register_module()
 * does (messages start with fn), for a module the library made: the test
 * takes payload, which def points into, and frees it with free_payload
 * when the test is freed, or at once if the add fails. Return as
 * k6c_test_register_module(); the caller has checked that the test is
 * not running. */
struct k6c_module_def;
int k6c__test_add_owned_xmod(k6c_test *t, const char *fn, const struct k6c_module_def *def,
	void *payload, void (*free_payload)(void *payload));

/* dlclose()s the handles, last first (plugin.c). */
void k6c__plugins_unload(void **handles, size_t n);

#endif /* K6C_API_INT_H */
