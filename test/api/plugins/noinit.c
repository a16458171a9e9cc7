/*
 * noinit.c - a broken plugin for test_api_plugin.c: it declares its ABI
 * but has no k6c_plugin_init.
 */
#include <k6c/plugin.h>

K6C_PLUGIN_DECLARE
