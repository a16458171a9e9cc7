/*
 * api_int.h - what the files of lib/api share about a k6c_test beyond the
 * public headers: the plugin loader (plugin.c) keeps its handles in the
 * test (test.c), which unloads them last when it is freed.
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

/* dlclose()s the handles, last first (plugin.c). */
void k6c__plugins_unload(void **handles, size_t n);

#endif /* K6C_API_INT_H */
