/*
 * noabi.c - a broken plugin for test_api_plugin.c: it has an entry point but
 * no k6c_plugin_abi (it forgot K6C_PLUGIN_DECLARE), so libk6c must refuse it
 * without calling anything in it.
 */
#include <stdlib.h>

#include <k6c/plugin.h>

__attribute__((visibility("default"))) int k6c_plugin_init(k6c_plugin *plugin, const char *arg);

int k6c_plugin_init(k6c_plugin *plugin, const char *arg)
{
	(void)plugin, (void)arg;
	abort(); /* must never be called */
}
