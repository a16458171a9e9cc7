/*
 * metric.c - the names of k6c/metric.h's enums.
 *
 * Copyright (c) libk6c developers. MIT licence, see LICENSE.
 */
#include "k6c/metric.h"

K6C_EXTERN(const char *) k6c_metric_type_name(k6c_metric_type type)
{
	switch (type) {
	case K6C_METRIC_COUNTER: return "counter";
	case K6C_METRIC_GAUGE: return "gauge";
	case K6C_METRIC_RATE: return "rate";
	case K6C_METRIC_TREND: return "trend";
	}
	return NULL;
}

K6C_EXTERN(const char *) k6c_metric_contains_name(k6c_metric_contains contains)
{
	switch (contains) {
	case K6C_CONTAINS_DEFAULT: return "default";
	case K6C_CONTAINS_TIME: return "time";
	case K6C_CONTAINS_DATA: return "data";
	}
	return NULL;
}
