/*
 * badabi.c - a broken plugin for test_api_plugin.c: built for the next
 * module ABI (K6C_MODULE_ABI + 1), as a plugin built against newer headers
 * would be; libk6c must refuse it without calling its init.
 */
#include <stdlib.h>

#include <k6c/plugin.h>

__attribute__((visibility("default"))) extern const unsigned k6c_plugin_abi;
const unsigned k6c_plugin_abi = K6C_MODULE_ABI + 1;

__attribute__((visibility("default"))) int k6c_plugin_init(k6c_plugin *plugin, const char *arg);

int k6c_plugin_init(k6c_plugin *plugin, const char *arg)
{
	(void)plugin, (void)arg;
	abort(); /* must never be called */
}
