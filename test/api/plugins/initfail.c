/*
 * initfail.c - a plugin for test_api_plugin.c whose init fails with a
 * message (k6c_mod_set_error), which libk6c must pass on with the file's
 * name.
 */
#include <k6c/plugin.h>

K6C_PLUGIN_DECLARE

int k6c_plugin_init(k6c_plugin *plugin, const char *arg)
{
	(void)plugin;
	k6c_mod_set_error("initfail refuses to start (arg \"%s\")", arg);
	return 1;
}
