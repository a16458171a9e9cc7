/*
 * sql_plugin.c - the entry point that makes sql.c the k6c-sql plugin
 * (k6c-sql.so): `k6c_test_load_plugin(test, "k6c-sql.so")` registers
 * `k6/x/sql` and `k6/x/sql/driver/sqlite3` into that test. The k6c CLI has
 * them built in; the plugin is for other hosts.
 *
 * Copyright (c) libk6c developers. MIT licence, see LICENSE.
 */
#include <k6c/plugin.h>

#include "sql.h"

K6C_PLUGIN_DECLARE

int k6c_plugin_init(k6c_plugin *plugin, const char *arg)
{
	int rc;

	if (arg[0]) {
		k6c_mod_set_error("k6c-sql takes no argument (got \"%s\")", arg);
		return -1;
	}
	rc = k6c_plugin_add_module(plugin, &k6c_sql_module, NULL);
	return rc ? rc : k6c_plugin_add_module(plugin, &k6c_sql_driver_module, NULL);
}
