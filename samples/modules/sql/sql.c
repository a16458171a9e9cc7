/*
 * sql.c - `k6/x/sql` on SQLite: xk6-sql's JavaScript API (sql.open,
 * db.query, db.exec, db.close and the older sql.query/sql.exec) as a libk6c
 * native module, plus `k6/x/sql/driver/sqlite3` for the newer
 * `sql.open(driver, dsn)` style.
 *
 * Sharing. The per-test state keeps one SQLite connection per data source
 * name, opened with SQLITE_OPEN_FULLMUTEX (so every VU thread may use it),
 * in WAL mode with a 5 s busy timeout, and counted by the Database objects
 * that use it: `sql.open` in the init code of 1000 VUs is one connection,
 * and a db.close() in one VU only drops that VU's reference. The last
 * reference closes the connection; test_free closes any left.
 *
 * Threads. SQLite is synchronous, so a query runs on the VU's worker thread
 * and holds it (and the other VUs of that worker) until it is done. Each
 * call holds the connection's mutex for its whole duration, so the
 * statements of one call, its rowsAffected() and lastInsertId() are never
 * interleaved with another VU's; calls on one connection are serialised.
 * A statement running when the VU is cancelled (the end of a gracefulStop,
 * an abort) is interrupted through SQLite's progress handler.
 *
 * Errors. Everything SQLite reports is turned into a message in a buffer on
 * the C stack, the statement is finalized and the mutex released, and only
 * then is the JavaScript exception thrown (a throw longjmps). Rows are
 * copied out of SQLite into memory owned by a finalizer-owned object before
 * any JavaScript value is built, for the same reason.
 *
 * Copyright (c) libk6c developers. MIT licence, see LICENSE.
 */
#include "sql.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

/* The id the driver module exports: a global Symbol, as
 * Symbol.for("k6/x/sql/driver/sqlite3") (Duktape spells a global symbol
 * as its key after a 0x80 byte). */
#define DRIVER_KEY "k6/x/sql/driver/sqlite3"
#define DRIVER_SYMBOL "\x80" DRIVER_KEY
#define BUSY_TIMEOUT_MS 5000
#define HANDLE_MAGIC 0x6b367371u /* "k6sq": marks our Database objects */

typedef struct sql_conn {
	struct sql_conn *next;
	char *dsn;
	sqlite3 *db;
	unsigned refs;
} sql_conn;

/* Per test: the open connections, guarded by mu (VUs open and close
 * Database objects from several worker threads). */
typedef struct sql_state {
	pthread_mutex_t mu;
	sql_conn *conns;
} sql_state;

/* What a Database object owns; conn is NULL once closed. */
typedef struct sql_handle {
	unsigned magic;
	sql_state *st;
	sql_conn *conn;
} sql_handle;

/* One bound argument, read from the Duktape stack before anything is
 * acquired; text and blob point into values that stay on the stack. */
enum { ARG_NULL, ARG_INT, ARG_FLOAT, ARG_TEXT, ARG_BLOB };
typedef struct sql_arg {
	int type;
	int64_t i;
	double d;
	const void *p;
	size_t n;
} sql_arg;

/* A value copied out of a result row. */
typedef struct sql_val {
	int type; /* SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB, SQLITE_NULL */
	int64_t i;
	double d;
	char *p;
	size_t n;
} sql_val;

/* The rows of a query, row-major; freed by the finalizer of the object
 * that owns it while the JavaScript rows are built. */
typedef struct sql_rows {
	size_t ncols;
	char **names;
	sql_val *vals;
	size_t nrows, cap;
} sql_rows;

/* ---- Connections ------------------------------------------------------- */

static void conn_close(sql_conn *c)
{
	sqlite3_close_v2(c->db);
	free(c->dsn);
	free(c);
}

/* Finds or opens the connection for dsn and takes a reference; on failure
 * writes SQLite's message into err and returns NULL. */
static sql_conn *conn_acquire(sql_state *st, const char *dsn, char *err, size_t errlen)
{
	sql_conn *c;
	sqlite3 *db = NULL;
	int rc;

	pthread_mutex_lock(&st->mu);
	for (c = st->conns; c; c = c->next) {
		if (!strcmp(c->dsn, dsn)) {
			c->refs++;
			pthread_mutex_unlock(&st->mu);
			return c;
		}
	}
	rc = sqlite3_open_v2(dsn, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
		SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_URI, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "sql.open: cannot open \"%s\": %s", dsn,
			db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
	/* WAL lets readers of other connections (other processes, another
	 * DSN naming the same file) run while this one writes. Best effort: a
	 * read-only database (file:x.db?mode=ro) keeps its journal mode, and a
	 * file that is not a database fails at its first statement with
	 * SQLite's own message. */
	sqlite3_exec(db, "PRAGMA journal_mode=WAL;", NULL, NULL, NULL);
	if (!(c = calloc(1, sizeof(*c))) || !(c->dsn = strdup(dsn))) {
		free(c);
		snprintf(err, errlen, "sql.open: out of memory");
		goto fail;
	}
	c->db = db;
	c->refs = 1;
	c->next = st->conns;
	st->conns = c;
	pthread_mutex_unlock(&st->mu);
	return c;
fail:
	pthread_mutex_unlock(&st->mu);
	sqlite3_close_v2(db);
	return NULL;
}

static void conn_release(sql_state *st, sql_conn *c)
{
	sql_conn **pp;

	pthread_mutex_lock(&st->mu);
	if (--c->refs == 0) {
		for (pp = &st->conns; *pp; pp = &(*pp)->next) {
			if (*pp == c) {
				*pp = c->next;
				break;
			}
		}
		conn_close(c);
	}
	pthread_mutex_unlock(&st->mu);
}

/* ---- Running SQL ----------------------------------------------------------- */

static void rows_free(void *p)
{
	sql_rows *r = p;

	if (!r)
		return;
	for (size_t i = 0; i < r->ncols; i++)
		free(r->names[i]);
	free(r->names);
	for (size_t i = 0; i < r->nrows * r->ncols; i++)
		free(r->vals[i].p);
	free(r->vals);
	free(r);
}

/* Drops the rows of an earlier statement: the rows of the last statement
 * of a query are its result, as with Go's SQLite driver. */
static void rows_reset(sql_rows *r)
{
	for (size_t i = 0; i < r->ncols; i++)
		free(r->names[i]);
	free(r->names);
	for (size_t i = 0; i < r->nrows * r->ncols; i++)
		free(r->vals[i].p);
	r->names = NULL;
	r->ncols = 0;
	r->nrows = 0;
}

static int rows_columns(sql_rows *r, sqlite3_stmt *s)
{
	int n = sqlite3_column_count(s);

	rows_reset(r);
	if (n <= 0)
		return 0;
	if (!(r->names = calloc((size_t)n, sizeof(char *))))
		return -1;
	r->ncols = (size_t)n;
	for (int i = 0; i < n; i++) {
		const char *name = sqlite3_column_name(s, i);

		if (!(r->names[i] = strdup(name ? name : "")))
			return -1;
	}
	return 0;
}

static int rows_add(sql_rows *r, sqlite3_stmt *s)
{
	sql_val *row;

	if (r->ncols == 0)
		return 0;
	if (r->nrows == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 16;
		sql_val *v = realloc(r->vals, cap * r->ncols * sizeof(*v));

		if (!v)
			return -1;
		r->vals = v;
		r->cap = cap;
	}
	row = r->vals + r->nrows * r->ncols;
	memset(row, 0, r->ncols * sizeof(*row));
	r->nrows++;
	for (size_t i = 0; i < r->ncols; i++) {
		sql_val *v = &row[i];
		const void *p;

		v->type = sqlite3_column_type(s, (int)i);
		switch (v->type) {
		case SQLITE_INTEGER:
			v->i = sqlite3_column_int64(s, (int)i);
			break;
		case SQLITE_FLOAT:
			v->d = sqlite3_column_double(s, (int)i);
			break;
		case SQLITE_TEXT:
		case SQLITE_BLOB:
			p = v->type == SQLITE_TEXT ? (const void *)sqlite3_column_text(s, (int)i) :
				sqlite3_column_blob(s, (int)i);
			v->n = (size_t)sqlite3_column_bytes(s, (int)i);
			if (!(v->p = malloc(v->n + 1)))
				return -1;
			if (v->n)
				memcpy(v->p, p, v->n);
			v->p[v->n] = '\0';
			break;
		default:
			v->type = SQLITE_NULL;
		}
	}
	return 0;
}

/* The argument number (1-based) a parameter takes: "?NNN", "$NNN", ":NNN"
 * and "@NNN" name it (xk6-sql's examples use $1), any other parameter
 * takes the argument of its own position. */
static long param_arg(sqlite3_stmt *s, int idx)
{
	const char *name = sqlite3_bind_parameter_name(s, idx);
	char *end;
	long n;

	if (!name || name[1] < '0' || name[1] > '9')
		return idx;
	n = strtol(name + 1, &end, 10);
	return *end ? idx : n;
}

static int bind_args(sqlite3_stmt *s, const sql_arg *args, size_t nargs, size_t *used,
	const char *fn, char *err, size_t errlen)
{
	int count = sqlite3_bind_parameter_count(s);
	long need = 0;

	for (int p = 1; p <= count; p++) {
		long k = param_arg(s, p);

		if (k < 1) {
			snprintf(err, errlen, "%s: parameter %s: numbering starts at 1", fn,
				sqlite3_bind_parameter_name(s, p));
			return -1;
		}
		if (k > need)
			need = k;
	}
	if ((size_t)need > nargs - *used) {
		snprintf(err, errlen, "%s: expected %ld arguments, got %zu", fn, need + (long)*used,
			nargs);
		return -1;
	}
	for (int p = 1; p <= count; p++) {
		const sql_arg *a = &args[*used + (size_t)param_arg(s, p) - 1];
		int rc;

		switch (a->type) {
		case ARG_INT:
			rc = sqlite3_bind_int64(s, p, a->i);
			break;
		case ARG_FLOAT:
			rc = sqlite3_bind_double(s, p, a->d);
			break;
		case ARG_TEXT:
			/* The value stays on the Duktape stack until the statement
			 * is finalized: no copy needed. */
			rc = sqlite3_bind_text64(s, p, a->p, a->n, SQLITE_STATIC, SQLITE_UTF8);
			break;
		case ARG_BLOB:
			rc = a->n ? sqlite3_bind_blob64(s, p, a->p, a->n, SQLITE_STATIC) :
				sqlite3_bind_zeroblob(s, p, 0);
			break;
		default:
			rc = sqlite3_bind_null(s, p);
		}
		if (rc != SQLITE_OK) {
			snprintf(err, errlen, "%s: argument %ld: %s", fn, param_arg(s, p),
				sqlite3_errstr(rc));
			return -1;
		}
	}
	*used += (size_t)need;
	return 0;
}

/* SQLite's progress handler: a nonzero return interrupts the statement, so
 * a long query ends with the VU when the test stops or is aborted. */
static int progress_cb(void *arg)
{
	return arg && k6c_vu_cancelled(arg);
}

/* Runs every statement of sql (each taking the next arguments, as Go's
 * SQLite driver does), collecting the rows of the last one into rows when
 * not NULL; returns 0, or -1 with the message in err. Holds the
 * connection's mutex throughout, so the progress handler is this call's. */
static int run_sql(sqlite3 *db, k6c_vu *vu, const char *fn, const char *sql, size_t len, const sql_arg *args,
	size_t nargs, sql_rows *rows, int64_t *changes, int64_t *last_id, char *err, size_t errlen)
{
	sqlite3_mutex *mu = sqlite3_db_mutex(db);
	const char *p = sql, *end = sql + len;
	size_t used = 0;
	int ret = 0;

	sqlite3_mutex_enter(mu);
	sqlite3_progress_handler(db, 10000, progress_cb, vu);
	while (p < end && ret == 0) {
		sqlite3_stmt *s = NULL;
		const char *tail = NULL;
		int rc = sqlite3_prepare_v2(db, p, (int)(end - p), &s, &tail);

		if (rc != SQLITE_OK) {
			snprintf(err, errlen, "%s: %s", fn, sqlite3_errmsg(db));
			ret = -1;
			break;
		}
		p = tail ? tail : end;
		if (!s) /* only white space or a comment was left */
			continue;
		if (bind_args(s, args, nargs, &used, fn, err, errlen) ||
		    (rows && rows_columns(rows, s))) {
			if (rows && !err[0])
				snprintf(err, errlen, "%s: out of memory", fn);
			ret = -1;
		}
		while (ret == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
			if (rows && rows_add(rows, s)) {
				snprintf(err, errlen, "%s: out of memory", fn);
				ret = -1;
			}
		}
		if (ret == 0 && rc != SQLITE_DONE) {
			snprintf(err, errlen, "%s: %s", fn, sqlite3_errmsg(db));
			ret = -1;
		}
		sqlite3_finalize(s);
	}
	if (ret == 0 && used != nargs) {
		snprintf(err, errlen, "%s: expected %zu arguments, got %zu", fn, used, nargs);
		ret = -1;
	}
	if (changes)
		*changes = sqlite3_changes64(db);
	if (last_id)
		*last_id = sqlite3_last_insert_rowid(db);
	sqlite3_progress_handler(db, 0, NULL, NULL);
	sqlite3_mutex_leave(mu);
	return ret;
}

/* ---- JavaScript --------------------------------------------------------------- */

/* Reads the arguments from index first to the top into args (at most max);
 * throws a TypeError for a value SQLite cannot take. */
static size_t read_args(duk_context *ctx, duk_idx_t first, const char *fn, sql_arg *args,
	size_t max)
{
	duk_idx_t top = duk_get_top(ctx);
	size_t n = 0;

	if (top - first > (duk_idx_t)max)
		k6c_mod_throw(ctx, "%s: too many arguments (at most %zu)", fn, max);
	for (duk_idx_t i = first; i < top; i++, n++) {
		sql_arg *a = &args[n];
		double d;

		memset(a, 0, sizeof(*a));
		switch (duk_get_type(ctx, i)) {
		case DUK_TYPE_UNDEFINED:
		case DUK_TYPE_NULL:
			a->type = ARG_NULL;
			break;
		case DUK_TYPE_BOOLEAN:
			a->type = ARG_INT;
			a->i = duk_get_boolean(ctx, i) ? 1 : 0;
			break;
		case DUK_TYPE_NUMBER:
			d = duk_get_number(ctx, i);
			/* Integral numbers bind as INTEGER so `id = $1` matches an
			 * INTEGER column the way xk6-sql's int64 does. */
			if (isfinite(d) && floor(d) == d && d >= -9223372036854775808.0 &&
			    d < 9223372036854775808.0) {
				a->type = ARG_INT;
				a->i = (int64_t)d;
			} else {
				a->type = ARG_FLOAT;
				a->d = d;
			}
			break;
		case DUK_TYPE_STRING:
			if (duk_is_symbol(ctx, i))
				goto bad;
			a->type = ARG_TEXT;
			a->p = k6c_mod_arg_string(ctx, i, fn, "argument", &a->n);
			break;
		case DUK_TYPE_OBJECT:
		case DUK_TYPE_BUFFER:
			if (!duk_is_buffer_data(ctx, i))
				goto bad;
			a->type = ARG_BLOB;
			a->p = duk_get_buffer_data(ctx, i, &a->n);
			break;
		default:
			goto bad;
		}
		continue;
bad:
		k6c_mod_throw_type(ctx, "%s: argument %ld cannot be bound: expected a number, string, "
			"boolean, null, undefined, ArrayBuffer or typed array", fn, (long)(i - first + 1));
	}
	return n;
}

/* The Database at idx (DUK_INVALID_INDEX: this); throws if it is not one
 * or was closed. */
static sql_handle *get_db(duk_context *ctx, duk_idx_t idx, const char *fn)
{
	sql_handle *h = k6c_mod_object_data(ctx, idx, "Database");

	if (!h || h->magic != HANDLE_MAGIC)
		k6c_mod_throw_type(ctx, "%s: not a Database", fn);
	if (!h->conn)
		k6c_mod_throw(ctx, "%s: the database is closed", fn);
	return h;
}

#define MAX_ARGS 256

/* query(sql, ...args) on h: pushes the array of row objects. */
static duk_ret_t do_query(duk_context *ctx, sql_handle *h, duk_idx_t sql_idx, const char *fn)
{
	sql_arg args[MAX_ARGS];
	char err[1024] = "";
	size_t len, nargs;
	const char *sql = k6c_mod_arg_string(ctx, sql_idx, fn, "query", &len);
	duk_idx_t owner, arr;
	sql_rows *rows;

	nargs = read_args(ctx, sql_idx + 1, fn, args, MAX_ARGS);
	if (!(rows = calloc(1, sizeof(*rows))))
		k6c_mod_throw(ctx, "%s: out of memory", fn);
	/* From here the rows belong to a JavaScript object, so a throw while
	 * building the result frees them. */
	k6c_mod_push_object(ctx, rows, rows_free);
	owner = duk_get_top_index(ctx);
	if (run_sql(h->conn->db, k6c_vu_from_ctx(ctx), fn, sql, len, args, nargs, rows, NULL, NULL,
		    err, sizeof(err)))
		k6c_mod_throw(ctx, "%s", err);
	arr = duk_push_array(ctx);
	for (size_t r = 0; r < rows->nrows; r++) {
		duk_push_object(ctx);
		for (size_t c = 0; c < rows->ncols; c++) {
			const sql_val *v = &rows->vals[r * rows->ncols + c];

			switch (v->type) {
			case SQLITE_INTEGER:
				duk_push_number(ctx, (double)v->i);
				break;
			case SQLITE_FLOAT:
				duk_push_number(ctx, v->d);
				break;
			case SQLITE_TEXT:
				k6c_mod_push_string(ctx, v->p, v->n);
				break;
			case SQLITE_BLOB:
				k6c_mod_push_arraybuffer(ctx, v->p, v->n);
				break;
			default:
				duk_push_null(ctx);
			}
			k6c_mod_push_string(ctx, rows->names[c], strlen(rows->names[c]));
			duk_swap_top(ctx, -2);
			duk_put_prop(ctx, -3);
		}
		duk_put_prop_index(ctx, arr, (duk_uarridx_t)r);
	}
	duk_remove(ctx, owner);
	return 1;
}

static duk_ret_t result_rows_affected(duk_context *ctx)
{
	duk_push_this(ctx);
	duk_get_prop_string(ctx, -1, DUK_HIDDEN_SYMBOL("rowsAffected"));
	return 1;
}

static duk_ret_t result_last_insert_id(duk_context *ctx)
{
	duk_push_this(ctx);
	duk_get_prop_string(ctx, -1, DUK_HIDDEN_SYMBOL("lastInsertId"));
	return 1;
}

static const k6c_mod_fn result_fns[] = {
	{ "rowsAffected", result_rows_affected, 0 },
	{ "lastInsertId", result_last_insert_id, 0 },
	{ NULL, NULL, 0 }
};

/* exec(sql, ...args) on h: pushes the Result (Go's sql.Result: methods). */
static duk_ret_t do_exec(duk_context *ctx, sql_handle *h, duk_idx_t sql_idx, const char *fn)
{
	sql_arg args[MAX_ARGS];
	char err[1024] = "";
	size_t len, nargs;
	const char *sql = k6c_mod_arg_string(ctx, sql_idx, fn, "query", &len);
	int64_t changes = 0, last_id = 0;

	nargs = read_args(ctx, sql_idx + 1, fn, args, MAX_ARGS);
	if (run_sql(h->conn->db, k6c_vu_from_ctx(ctx), fn, sql, len, args, nargs, NULL, &changes,
		    &last_id, err, sizeof(err)))
		k6c_mod_throw(ctx, "%s", err);
	duk_push_object(ctx);
	duk_push_number(ctx, (double)changes);
	duk_put_prop_string(ctx, -2, DUK_HIDDEN_SYMBOL("rowsAffected"));
	duk_push_number(ctx, (double)last_id);
	duk_put_prop_string(ctx, -2, DUK_HIDDEN_SYMBOL("lastInsertId"));
	k6c_mod_put_functions(ctx, -1, result_fns, NULL);
	return 1;
}

static duk_ret_t db_query(duk_context *ctx)
{
	return do_query(ctx, get_db(ctx, DUK_INVALID_INDEX, "Database.query"), 0,
		"Database.query");
}

static duk_ret_t db_exec(duk_context *ctx)
{
	return do_exec(ctx, get_db(ctx, DUK_INVALID_INDEX, "Database.exec"), 0, "Database.exec");
}

/* close() drops this object's reference; other VUs' Database objects on
 * the same connection go on working. A second close() is an error, as
 * any use after close. */
static duk_ret_t db_close(duk_context *ctx)
{
	sql_handle *h = get_db(ctx, DUK_INVALID_INDEX, "Database.close");
	sql_conn *c = h->conn;

	h->conn = NULL;
	conn_release(h->st, c);
	return 0;
}

static const k6c_mod_fn db_fns[] = {
	{ "query", db_query, DUK_VARARGS },
	{ "exec", db_exec, DUK_VARARGS },
	{ "close", db_close, 0 },
	{ NULL, NULL, 0 }
};

/* The finalizer of a Database object (garbage collection or the end of
 * the VU's heap). */
static void handle_free(void *p)
{
	sql_handle *h = p;

	if (h->conn)
		conn_release(h->st, h->conn);
	free(h);
}

/* sql.open(driver, dsn[, options]): driver is "sqlite3" or the driver
 * module's Symbol. options (xk6-sql's pool settings) is accepted and
 * ignored: there is one connection per dsn. */
static duk_ret_t sql_open(duk_context *ctx)
{
	sql_state *st = k6c_mod_data(ctx);
	const char *dsn;
	char err[1024] = "";
	sql_handle *h;
	sql_conn *c;
	size_t n;

	if (duk_is_symbol(ctx, 0)) {
		const char *sym = duk_get_lstring(ctx, 0, &n);

		if (n != sizeof(DRIVER_SYMBOL) - 1 || memcmp(sym, DRIVER_SYMBOL, n))
			k6c_mod_throw(ctx, "sql.open: unknown driver symbol: this build has "
				"the sqlite3 driver only (import driver from '" DRIVER_KEY "')");
	} else {
		const char *drv = k6c_mod_arg_string(ctx, 0, "sql.open", "driver", NULL);

		if (strcmp(drv, "sqlite3"))
			k6c_mod_throw(ctx, "sql.open: unsupported driver \"%s\": this build has "
				"the sqlite3 driver only", drv);
	}
	dsn = k6c_mod_arg_string(ctx, 1, "sql.open", "dataSourceName", &n);
	if (n == 0 || strlen(dsn) != n)
		k6c_mod_throw_type(ctx, "sql.open: dataSourceName must be a non-empty string "
			"without NUL characters");
	if (!duk_is_undefined(ctx, 2) && !duk_is_object(ctx, 2))
		k6c_mod_throw_type(ctx, "sql.open: options must be an object");
	if (!st)
		k6c_mod_throw(ctx, "sql.open: the module has no per-test state");
	if (!(c = conn_acquire(st, dsn, err, sizeof(err))))
		k6c_mod_throw(ctx, "%s", err);
	if (!(h = calloc(1, sizeof(*h)))) {
		conn_release(st, c);
		k6c_mod_throw(ctx, "sql.open: out of memory");
	}
	h->magic = HANDLE_MAGIC;
	h->st = st;
	h->conn = c;
	/* The object owns h (and so the reference) from here, also if a later
	 * step throws. */
	k6c_mod_push_object(ctx, h, handle_free);
	k6c_mod_put_functions(ctx, -1, db_fns, NULL);
	return 1;
}

static duk_ret_t sql_query(duk_context *ctx)
{
	return do_query(ctx, get_db(ctx, 0, "sql.query"), 1, "sql.query");
}

static duk_ret_t sql_exec(duk_context *ctx)
{
	return do_exec(ctx, get_db(ctx, 0, "sql.exec"), 1, "sql.exec");
}

static const k6c_mod_fn sql_fns[] = {
	{ "open", sql_open, 3 },
	{ "query", sql_query, DUK_VARARGS },
	{ "exec", sql_exec, DUK_VARARGS },
	{ NULL, NULL, 0 }
};

/* ---- Module callbacks -------------------------------------------------------- */

static int sql_test_init(void *payload, void **test_state)
{
	sql_state *st = calloc(1, sizeof(*st));

	(void)payload;
	if (!st) {
		k6c_mod_set_error("k6/x/sql: out of memory");
		return -1;
	}
	pthread_mutex_init(&st->mu, NULL);
	*test_state = st;
	return 0;
}

/* After every VU is freed every Database object was finalized, so no
 * connection should be left; close any anyway. */
static void sql_test_free(void *payload, void *test_state)
{
	sql_state *st = test_state;

	(void)payload;
	if (!st)
		return;
	while (st->conns) {
		sql_conn *c = st->conns;

		st->conns = c->next;
		conn_close(c);
	}
	pthread_mutex_destroy(&st->mu);
	free(st);
}

static void sql_vu_init(duk_context *ctx, k6c_vu *vu, void *payload, void *test_state,
	void **vu_state)
{
	(void)vu, (void)payload, (void)vu_state;
	duk_push_object(ctx);
	k6c_mod_put_functions(ctx, -1, sql_fns, test_state);
}

const k6c_module_def k6c_sql_module = {
	.abi = K6C_MODULE_ABI,
	.name = "k6/x/sql",
	.test_init = sql_test_init,
	.test_free = sql_test_free,
	.vu_init = sql_vu_init,
};

static void driver_vu_init(duk_context *ctx, k6c_vu *vu, void *payload, void *test_state,
	void **vu_state)
{
	(void)vu, (void)payload, (void)test_state, (void)vu_state;
	duk_push_object(ctx);
	duk_push_lstring(ctx, DRIVER_SYMBOL, sizeof(DRIVER_SYMBOL) - 1);
	duk_put_prop_string(ctx, -2, "default");
}

const k6c_module_def k6c_sql_driver_module = {
	.abi = K6C_MODULE_ABI,
	.name = "k6/x/sql/driver/sqlite3",
	.vu_init = driver_vu_init,
};

int k6c_sql_register(void)
{
	int rc = k6c_module_register(&k6c_sql_module, NULL);

	return rc ? rc : k6c_module_register(&k6c_sql_driver_module, NULL);
}
