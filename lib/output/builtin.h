/*
 * builtin.h - libk6c's own named outputs (out_<name>.c): their factories,
 * which registry.c's table of built-ins finds by name. Each parses its arg
 * and K6_* environment with k6's names and defaults, and fails with a
 * message naming the bad value.
 */
#ifndef K6C_OUTPUT_BUILTIN_H
#define K6C_OUTPUT_BUILTIN_H

#include "output/output.h"

/* json[=file]: k6's NDJSON (out_json.c). */
int k6c__out_json_factory(const k6c_output_params *params, void *factory_payload,
	const k6c_sink_vtable **vt, void **payload, char *err, size_t errlen);

/* csv[=file | fileName=..,timeFormat=..,saveInterval=..]: k6's CSV
 * (out_csv.c). */
int k6c__out_csv_factory(const k6c_output_params *params, void *factory_payload,
	const k6c_sink_vtable **vt, void **payload, char *err, size_t errlen);

/* influxdb[=URL]: k6's InfluxDB v1 output (out_influxdb.c). */
int k6c__out_influxdb_factory(const k6c_output_params *params, void *factory_payload,
	const k6c_sink_vtable **vt, void **payload, char *err, size_t errlen);

/* statsd: k6's StatsD output over UDP (out_statsd.c). */
int k6c__out_statsd_factory(const k6c_output_params *params, void *factory_payload,
	const k6c_sink_vtable **vt, void **payload, char *err, size_t errlen);

/* sqlite=file: every sample in an SQLite database (out_sqlite.c). */
int k6c__out_sqlite_factory(const k6c_output_params *params, void *factory_payload,
	const k6c_sink_vtable **vt, void **payload, char *err, size_t errlen);

/* experimental-prometheus-rw and output-prometheus-remote: Prometheus
 * remote write (out_prometheus_rw.c). */
int k6c__out_prometheus_rw_factory(const k6c_output_params *params, void *factory_payload,
	const k6c_sink_vtable **vt, void **payload, char *err, size_t errlen);

#endif /* K6C_OUTPUT_BUILTIN_H */
