/*
 * k6c/metric.h - the types that describe metrics, tags and samples, shared
 * by native modules (k6c/module.h) and sinks (k6c/sink.h).
 *
 * Copyright (c) libk6c developers. MIT licence, see LICENSE.
 */
#ifndef K6C_METRIC_H
#define K6C_METRIC_H

#include "common.h"

K6C_BEGIN_DECL

/**
 * k6c_metric_type - a metric's type, as k6's: counter, gauge, rate, trend.
 *
 * Since: 0.1
 */
typedef enum k6c_metric_type {
	K6C_METRIC_COUNTER = 0,
	K6C_METRIC_GAUGE = 1,
	K6C_METRIC_RATE = 2,
	K6C_METRIC_TREND = 3
} k6c_metric_type;

/**
 * k6c_metric_contains - what a metric's values are, as k6's `contains`:
 * plain numbers ("default"), milliseconds ("time") or bytes ("data").
 *
 * Since: 0.1
 */
typedef enum k6c_metric_contains {
	K6C_CONTAINS_DEFAULT = 0,
	K6C_CONTAINS_TIME = 1,
	K6C_CONTAINS_DATA = 2
} k6c_metric_contains;

/**
 * k6c_metric_info - a metric as sinks and modules see it.
 * @id: the metric's number in its test, from 0; the same metric has the same
 *      id in every sample of the test.
 * @name: e.g. "http_req_duration"; owned by the test, valid until the test
 *        run ends (after the sinks' stop).
 * @type: its type.
 * @contains: what its values are.
 *
 * Since: 0.1
 */
typedef struct k6c_metric_info {
	int id;
	const char *name;
	k6c_metric_type type;
	k6c_metric_contains contains;
} k6c_metric_info;

/**
 * k6c_tag - one tag (or one metadata entry): a key and its value, both
 * NUL-terminated UTF-8.
 *
 * Who owns the strings is stated where a k6c_tag is passed.
 *
 * Since: 0.1
 */
typedef struct k6c_tag {
	const char *key;
	const char *value;
} k6c_tag;

/**
 * k6c_metric_type_name() - k6's name of a metric type.
 * @type: the type.
 *
 * Return: "counter", "gauge", "rate" or "trend" (static), or NULL for a
 * value outside the enum.
 * Thread: any.
 *
 * Since: 0.1
 */
K6C_EXTERN(const char *) k6c_metric_type_name(k6c_metric_type type);

/**
 * k6c_metric_contains_name() - k6's name of a value kind.
 * @contains: the kind.
 *
 * Return: "default", "time" or "data" (static), or NULL for a value outside
 * the enum.
 * Thread: any.
 *
 * Since: 0.1
 */
K6C_EXTERN(const char *) k6c_metric_contains_name(k6c_metric_contains contains);

K6C_END_DECL

#endif /* K6C_METRIC_H */
