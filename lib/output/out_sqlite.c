/*
 * out_sqlite.c - the built-in `sqlite=results.db` output (libk6c's own; k6
 * has none): every sample in an SQLite database that plain SQL can query,
 * several runs to a file.
 *
 * Schema (version 1, in PRAGMA user_version; doc/outputs.md explains it):
 *   runs       one row per run: times, script, options, exit code, status
 *   metrics    (run, id) -> name, type, contains
 *   tag_sets   id -> the tags as a JSON object, each set once per file
 *   samples    run, time_us, metric, tag_set, value, metadata (JSON or NULL)
 *   thresholds run, metric (the threshold's key), source, ok
 * and a view, sample_view, joining samples with their metric names and tags.
 *
 * Durability: WAL mode, and one transaction per add_samples() batch (about
 * every 100 ms), so a run that is aborted or interrupted keeps everything
 * committed, stop() commits nothing more than the run's end (time, exit
 * code, status), and a process that dies loses at most the batch it was
 * writing: SQLite rolls the uncommitted transaction back on the next open.
 * Everything runs on the output thread; the connection is used by no other.
 */
#include "output/builtin.h"
#include "output/outfile.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define SCHEMA_VERSION 1
/* How long a write waits for another process's transaction on the same
 * file (two runs sharing it at once) before the batch fails. */
#define BUSY_TIMEOUT_MS 10000

static const char *const schema =
	"CREATE TABLE IF NOT EXISTS runs ("
	" id INTEGER PRIMARY KEY,"
	" started_us INTEGER NOT NULL,"
	" ended_us INTEGER,"
	" script TEXT NOT NULL,"
	" options TEXT NOT NULL,"
	" exit_code INTEGER,"
	" status TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS metrics ("
	" run INTEGER NOT NULL REFERENCES runs(id),"
	" id INTEGER NOT NULL,"
	" name TEXT NOT NULL,"
	" type TEXT NOT NULL,"
	" contains TEXT NOT NULL,"
	" PRIMARY KEY (run, id));"
	"CREATE TABLE IF NOT EXISTS tag_sets ("
	" id INTEGER PRIMARY KEY,"
	" tags TEXT NOT NULL UNIQUE);"
	"CREATE TABLE IF NOT EXISTS samples ("
	" run INTEGER NOT NULL REFERENCES runs(id),"
	" time_us INTEGER NOT NULL,"
	" metric INTEGER NOT NULL,"
	" tag_set INTEGER NOT NULL REFERENCES tag_sets(id),"
	" value REAL,"
	" metadata TEXT);"
	"CREATE INDEX IF NOT EXISTS samples_run_metric ON samples (run, metric);"
	"CREATE TABLE IF NOT EXISTS thresholds ("
	" run INTEGER NOT NULL REFERENCES runs(id),"
	" metric TEXT NOT NULL,"
	" source TEXT NOT NULL,"
	" ok INTEGER);"
	"CREATE VIEW IF NOT EXISTS sample_view AS"
	" SELECT s.run, s.time_us, m.name AS metric, m.type, t.tags, s.value, s.metadata"
	" FROM samples s JOIN metrics m ON m.run = s.run AND m.id = s.metric"
	" JOIN tag_sets t ON t.id = s.tag_set;";

typedef struct sqlite_out {
	char *path;
	char *desc;
	sqlite3 *db;
	sqlite3_stmt *ins_sample, *ins_metric, *ins_tags, *get_tags;
	int64_t run;
	k6c__map *tag_ids;        /* the tags' JSON -> (intptr_t) id, this run */
	k6c__map *metrics_seen;   /* metric name -> 1, those in the metrics table */
	k6c__buf tags, meta;      /* scratch */
} sqlite_out;

static void finalize_all(sqlite_out *o)
{
	sqlite3_finalize(o->ins_sample);
	sqlite3_finalize(o->ins_metric);
	sqlite3_finalize(o->ins_tags);
	sqlite3_finalize(o->get_tags);
	o->ins_sample = o->ins_metric = o->ins_tags = o->get_tags = NULL;
	sqlite3_close(o->db);
	o->db = NULL;
}

static void sqlite_free(void *payload)
{
	sqlite_out *o = payload;

	if (!o)
		return;
	finalize_all(o);
	k6c__map_free(o->tag_ids, NULL);
	k6c__map_free(o->metrics_seen, NULL);
	k6c__buf_free(&o->tags);
	k6c__buf_free(&o->meta);
	k6c__free(o->path);
	k6c__free(o->desc);
	k6c__free(o);
}

static const char *sqlite_description(k6c_sink *sink, void *payload)
{
	(void)sink;
	return ((sqlite_out *)payload)->desc;
}

/* Reports SQLite's error for what was being done; returns -1. */
static int fail(k6c_sink *sink, sqlite_out *o, const char *what)
{
	char msg[512];

	snprintf(msg, sizeof(msg), "%s %s: %s", what, o->path,
		o->db ? sqlite3_errmsg(o->db) : "cannot open");
	k6c__sink_fail(sink, 0, msg);
	return -1;
}

static int exec(sqlite_out *o, const char *sql)
{
	return sqlite3_exec(o->db, sql, NULL, NULL, NULL);
}

/* exec, retried while another connection holds the lock: switching a new
 * file to WAL needs it exclusively, and SQLite answers SQLITE_BUSY there
 * without calling the busy handler, so two runs starting on one file at
 * once would otherwise fail. Waits BUSY_TIMEOUT_MS at most. */
static int exec_busy(sqlite_out *o, const char *sql)
{
	int rc;

	for (int waited = 0;; waited += 10) {
		rc = exec(o, sql);
		if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || waited >= BUSY_TIMEOUT_MS)
			return rc;
		sqlite3_sleep(10);
	}
}

static int prepare(sqlite_out *o, const char *sql, sqlite3_stmt **st)
{
	return sqlite3_prepare_v3(o->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
}

static int insert_metric(sqlite_out *o, const k6c_metric_info *m)
{
	int rc;

	sqlite3_reset(o->ins_metric);
	sqlite3_bind_int64(o->ins_metric, 1, o->run);
	sqlite3_bind_int(o->ins_metric, 2, m->id);
	sqlite3_bind_text(o->ins_metric, 3, m->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(o->ins_metric, 4, k6c__out_type_name(m->type), -1, SQLITE_STATIC);
	sqlite3_bind_text(o->ins_metric, 5, k6c__out_contains_name(m->contains), -1, SQLITE_STATIC);
	rc = sqlite3_step(o->ins_metric);
	sqlite3_reset(o->ins_metric);
	if (rc != SQLITE_DONE)
		return rc;
	return k6c__map_set(o->metrics_seen, m->name, strlen(m->name), (void *)1) ? SQLITE_NOMEM
	                                                                          : SQLITE_OK;
}

/* thresholds: {"metric": ["source", {"threshold": "source", ...}], ...}:
 * one row per source, its verdict (ok) NULL until the run stops. */
static int insert_thresholds(sqlite_out *o, const k6c__json *opts)
{
	const k6c__json *th = k6c__json_get(opts, "thresholds");
	sqlite3_stmt *st = NULL;
	int rc;

	if (!th || th->type != K6C__JSON_OBJECT || th->len == 0)
		return SQLITE_OK;
	if ((rc = prepare(o, "INSERT INTO thresholds (run, metric, source, ok) VALUES (?, ?, ?, NULL)",
	                  &st)) != SQLITE_OK)
		return rc;
	for (size_t i = 0; i < th->len && rc == SQLITE_OK; i++) {
		const k6c__json *v = th->items[i];
		size_t n = v->type == K6C__JSON_ARRAY ? v->len : 1;

		for (size_t k = 0; k < n && rc == SQLITE_OK; k++) {
			const k6c__json *t = v->type == K6C__JSON_ARRAY ? v->items[k] : v;
			const k6c__json *src = t->type == K6C__JSON_OBJECT ? k6c__json_get(t, "threshold") : t;

			if (!src || src->type != K6C__JSON_STRING)
				continue;
			sqlite3_reset(st);
			sqlite3_bind_int64(st, 1, o->run);
			sqlite3_bind_text(st, 2, th->keys[i], -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, src->string, (int)src->len, SQLITE_STATIC);
			rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(o->db);
		}
	}
	sqlite3_finalize(st);
	return rc;
}

static int sqlite_start(k6c_sink *sink, void *payload, const k6c_sink_start_info *info)
{
	sqlite_out *o = payload;
	sqlite3_stmt *st = NULL;
	k6c__json *opts;
	char err[512];
	int version = 0, rc;

	if (!(opts = k6c__out_options_parse(info->options_json, err, sizeof(err)))) {
		k6c__sink_fail(sink, 0, err);
		return -1;
	}
	if (sqlite3_open_v2(o->path, &o->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		fail(sink, o, "open");
		goto fail;
	}
	sqlite3_busy_timeout(o->db, BUSY_TIMEOUT_MS);
	/* WAL: readers (a query while the test runs) never block the writer,
	 * and a commit is one append. NORMAL syncs at checkpoints only: a
	 * process that dies loses nothing committed (a power cut may lose the
	 * last commits, never the file). */
	if (exec_busy(o, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;") != SQLITE_OK) {
		fail(sink, o, "set WAL mode on");
		goto fail;
	}
	if (prepare(o, "PRAGMA user_version", &st) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		fail(sink, o, "read");
		goto fail;
	}
	version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (version != 0 && version != SCHEMA_VERSION) {
		snprintf(err, sizeof(err), "%s has schema version %d; this libk6c writes version %d",
			o->path, version, SCHEMA_VERSION);
		k6c__sink_fail(sink, 0, err);
		goto fail;
	}
	if (exec_busy(o, "BEGIN IMMEDIATE") != SQLITE_OK) {
		fail(sink, o, "write to");
		goto fail;
	}
	if (exec(o, schema) != SQLITE_OK || exec(o, "PRAGMA user_version=1") != SQLITE_OK) {
		fail(sink, o, "create the tables of");
		goto rollback;
	}
	if (prepare(o, "INSERT INTO runs (started_us, script, options, status) "
	               "VALUES (?, ?, ?, 'running')", &st) != SQLITE_OK) {
		fail(sink, o, "write to");
		goto rollback;
	}
	sqlite3_bind_int64(st, 1, info->start_us);
	sqlite3_bind_text(st, 2, info->script_path ? info->script_path : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, info->options_json ? info->options_json : "{}", -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE) {
		fail(sink, o, "write to");
		goto rollback;
	}
	o->run = sqlite3_last_insert_rowid(o->db);
	if (prepare(o, "INSERT INTO samples (run, time_us, metric, tag_set, value, metadata) "
	               "VALUES (?, ?, ?, ?, ?, ?)", &o->ins_sample) != SQLITE_OK ||
	    prepare(o, "INSERT OR IGNORE INTO metrics (run, id, name, type, contains) "
	               "VALUES (?, ?, ?, ?, ?)", &o->ins_metric) != SQLITE_OK ||
	    prepare(o, "INSERT OR IGNORE INTO tag_sets (tags) VALUES (?)", &o->ins_tags) != SQLITE_OK ||
	    prepare(o, "SELECT id FROM tag_sets WHERE tags = ?", &o->get_tags) != SQLITE_OK) {
		fail(sink, o, "write to");
		goto rollback;
	}
	for (size_t i = 0; i < info->nmetrics; i++) {
		if (insert_metric(o, &info->metrics[i]) != SQLITE_OK) {
			fail(sink, o, "write to");
			goto rollback;
		}
	}
	if (insert_thresholds(o, opts) != SQLITE_OK || exec(o, "COMMIT") != SQLITE_OK) {
		fail(sink, o, "write to");
		goto rollback;
	}
	k6c__json_free(opts);
	return 0;
rollback:
	exec(o, "ROLLBACK");
fail:
	sqlite3_finalize(st);
	k6c__json_free(opts);
	finalize_all(o);
	return -1;
}

/* The id of a tag set (the tags as a JSON object, keys sorted as they
 * come), inserting it on first sight; cached for the run. 0 on error. */
static int64_t tag_set_id(sqlite_out *o, const k6c_sample *s)
{
	k6c__buf *b = &o->tags;
	void *cached;
	int64_t id = 0;
	int rc = 0;

	k6c__buf_clear(b);
	rc = k6c__buf_putc(b, '{');
	for (size_t i = 0; i < s->ntags && rc == 0; i++) {
		if ((i > 0 && (rc = k6c__buf_putc(b, ','))) ||
		    (rc = k6c__json_write_string(b, s->tags[i].key, strlen(s->tags[i].key))) ||
		    (rc = k6c__buf_putc(b, ':')) ||
		    (rc = k6c__json_write_string(b, s->tags[i].value, strlen(s->tags[i].value))))
			break;
	}
	if (rc || (rc = k6c__buf_putc(b, '}')))
		return 0;
	if ((cached = k6c__map_get(o->tag_ids, b->ptr, b->len)) != NULL)
		return (int64_t)(intptr_t)cached;
	sqlite3_reset(o->ins_tags);
	sqlite3_bind_text(o->ins_tags, 1, b->ptr, (int)b->len, SQLITE_STATIC);
	if (sqlite3_step(o->ins_tags) != SQLITE_DONE) {
		sqlite3_reset(o->ins_tags);
		return 0;
	}
	sqlite3_reset(o->ins_tags);
	if (sqlite3_changes(o->db) > 0) {
		id = sqlite3_last_insert_rowid(o->db);
	} else {
		sqlite3_reset(o->get_tags);
		sqlite3_bind_text(o->get_tags, 1, b->ptr, (int)b->len, SQLITE_STATIC);
		if (sqlite3_step(o->get_tags) == SQLITE_ROW)
			id = sqlite3_column_int64(o->get_tags, 0);
		sqlite3_reset(o->get_tags);
	}
	if (id > 0 && k6c__map_set(o->tag_ids, b->ptr, b->len, (void *)(intptr_t)id))
		return 0;
	return id;
}

static int insert_sample(sqlite_out *o, const k6c_sample *s)
{
	int64_t tags;
	int rc;

	if (!k6c__map_get(o->metrics_seen, s->metric->name, strlen(s->metric->name)) &&
	    (rc = insert_metric(o, s->metric)) != SQLITE_OK)
		return rc;
	if ((tags = tag_set_id(o, s)) <= 0)
		return SQLITE_ERROR;
	sqlite3_reset(o->ins_sample);
	sqlite3_bind_int64(o->ins_sample, 1, o->run);
	sqlite3_bind_int64(o->ins_sample, 2, s->time_us);
	sqlite3_bind_int(o->ins_sample, 3, s->metric->id);
	sqlite3_bind_int64(o->ins_sample, 4, tags);
	/* SQLite stores a NaN (a custom metric's) as NULL. */
	sqlite3_bind_double(o->ins_sample, 5, s->value);
	if (s->nmetadata > 0) {
		k6c__buf *b = &o->meta;
		k6c__buf_clear(b);
		rc = k6c__buf_putc(b, '{');
		for (size_t i = 0; i < s->nmetadata && rc == 0; i++) {
			const k6c_tag *t = &s->metadata[i];
			if ((i > 0 && (rc = k6c__buf_putc(b, ','))) ||
			    (rc = k6c__json_write_string(b, t->key, strlen(t->key))) ||
			    (rc = k6c__buf_putc(b, ':')) ||
			    (rc = k6c__json_write_string(b, t->value, strlen(t->value))))
				break;
		}
		if (rc || k6c__buf_putc(b, '}'))
			return SQLITE_NOMEM;
		sqlite3_bind_text(o->ins_sample, 6, b->ptr, (int)b->len, SQLITE_STATIC);
	} else {
		sqlite3_bind_null(o->ins_sample, 6);
	}
	rc = sqlite3_step(o->ins_sample);
	sqlite3_reset(o->ins_sample);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int sqlite_add(k6c_sink *sink, void *payload, const k6c_sample *samples, size_t n)
{
	sqlite_out *o = payload;

	if (!o->db)
		return 0;
	/* One transaction per batch: a batch is in the file whole or not at
	 * all. */
	if (exec(o, "BEGIN IMMEDIATE") != SQLITE_OK)
		return fail(sink, o, "write to");
	for (size_t i = 0; i < n; i++) {
		if (insert_sample(o, &samples[i]) != SQLITE_OK) {
			fail(sink, o, "write to");
			exec(o, "ROLLBACK");
			return -1;
		}
	}
	if (exec(o, "COMMIT") != SQLITE_OK) {
		fail(sink, o, "write to");
		exec(o, "ROLLBACK");
		return -1;
	}
	return 0;
}

/* k6's exit codes (errext/exitcodes) as a word for queries. */
static const char *status_of(int exit_code)
{
	switch (exit_code) {
	case 0:
		return "finished";
	case 99:
		return "thresholds_failed";
	case 103:
	case 105:
	case 108:
		return "aborted";
	default:
		return "failed";
	}
}

/* The verdicts of the run's thresholds, from the summary data (metrics ->
 * name -> thresholds -> source -> ok); rows whose threshold the summary
 * does not mention keep NULL. */
static int update_verdicts(sqlite_out *o, const char *summary_json)
{
	const k6c__json *metrics;
	k6c__json *sum = NULL;
	sqlite3_stmt *st = NULL;
	int rc;

	if (!summary_json || k6c__json_parse(&sum, summary_json, strlen(summary_json)) != 0)
		return SQLITE_OK;
	metrics = k6c__json_get(sum, "metrics");
	rc = prepare(o, "UPDATE thresholds SET ok = ? WHERE run = ? AND metric = ? AND source = ?",
	             &st);
	for (size_t i = 0; rc == SQLITE_OK && metrics && metrics->type == K6C__JSON_OBJECT &&
	     i < metrics->len; i++) {
		const k6c__json *th = k6c__json_get(metrics->items[i], "thresholds");

		for (size_t k = 0; rc == SQLITE_OK && th && th->type == K6C__JSON_OBJECT &&
		     k < th->len; k++) {
			const k6c__json *ok = k6c__json_get(th->items[k], "ok");

			if (!ok || ok->type != K6C__JSON_BOOL)
				continue;
			sqlite3_reset(st);
			sqlite3_bind_int(st, 1, ok->boolean ? 1 : 0);
			sqlite3_bind_int64(st, 2, o->run);
			sqlite3_bind_text(st, 3, metrics->keys[i], -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 4, th->keys[k], -1, SQLITE_STATIC);
			rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(o->db);
		}
	}
	sqlite3_finalize(st);
	k6c__json_free(sum);
	return rc;
}

static int sqlite_stop(k6c_sink *sink, void *payload, int exit_code)
{
	sqlite_out *o = payload;
	sqlite3_stmt *st = NULL;
	int rc;

	if (!o->db)
		return 0;
	rc = prepare(o, "UPDATE runs SET ended_us = ?, exit_code = ?, status = ? WHERE id = ?", &st);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, k6c__wall_us());
		sqlite3_bind_int(st, 2, exit_code);
		sqlite3_bind_text(st, 3, status_of(exit_code), -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, o->run);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_OK)
		rc = update_verdicts(o, k6c__sink_summary_json(sink));
	if (rc != SQLITE_OK)
		fail(sink, o, "write to");
	/* Fold the WAL into the database so the file stands alone once the
	 * run is over (best effort: a reader may hold it). */
	sqlite3_wal_checkpoint_v2(o->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	finalize_all(o);
	return rc == SQLITE_OK ? 0 : -1;
}

static const k6c_sink_vtable sqlite_vt = {
	K6C_SINK_VERSION, sqlite_description, sqlite_start, sqlite_add, sqlite_stop, sqlite_free
};

int k6c__out_sqlite_factory(const k6c_output_params *params, void *factory_payload,
	const k6c_sink_vtable **vt, void **payload, char *err, size_t errlen)
{
	k6c__buf d = K6C__BUF_INIT;
	sqlite_out *o;

	(void)factory_payload;
	if (!*params->arg) {
		snprintf(err, errlen, "the database file is missing: use -o sqlite=results.db");
		return 1;
	}
	if (!(o = k6c__calloc(1, sizeof(*o))) || !(o->path = k6c__strdup(params->arg)) ||
	    k6c__map_new(&o->tag_ids) || k6c__map_new(&o->metrics_seen) ||
	    k6c__buf_printf(&d, "sqlite (%s)", params->arg)) {
		k6c__buf_free(&d);
		sqlite_free(o);
		snprintf(err, errlen, "out of memory");
		return 1;
	}
	o->desc = k6c__buf_detach(&d);
	*vt = &sqlite_vt;
	*payload = o;
	return 0;
}
