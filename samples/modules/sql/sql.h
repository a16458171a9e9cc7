/*
 * sql.h - the `k6/x/sql` module on SQLite (xk6-sql's API), as a library a
 * host links in: the k6c CLI registers it for the whole process, the
 * k6c-sql plugin (sql_plugin.c) registers it into the test loading it.
 *
 * Copyright (c) libk6c developers. MIT licence, see LICENSE.
 */
#ifndef K6C_SAMPLES_SQL_H
#define K6C_SAMPLES_SQL_H

#include <k6c/module.h>

/* `k6/x/sql`: open, query, exec; Database objects. The per-test state
 * holds the connections, one per data source name. */
extern const k6c_module_def k6c_sql_module;

/* `k6/x/sql/driver/sqlite3`: its default export is the driver's id (a
 * Symbol) that `sql.open(driver, dsn)` accepts, as xk6-sql's driver
 * modules. */
extern const k6c_module_def k6c_sql_driver_module;

/* Registers both modules for every test of the process (k6c_module_register).
 * Returns 0 or the first registration's error code (message in
 * k6c_error_last()). */
int k6c_sql_register(void);

#endif /* K6C_SAMPLES_SQL_H */
