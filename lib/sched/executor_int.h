/*
 * executor_int.h - what the executor files (executor*.c) share among
 * themselves: defaults, validation helpers and the executor tables.
 */
#ifndef K6C_SCHED_EXECUTOR_INT_H
#define K6C_SCHED_EXECUTOR_INT_H

#include "k6c/test.h"
#include "sched/sched_int.h"

#define K6C__DEFAULT_MAX_DURATION_MS (10.0 * 60 * 1000)
#define K6C__DEFAULT_GRACEFUL_STOP_MS (30.0 * 1000)
#define K6C__DEFAULT_TIME_UNIT_MS 1000.0

/* K6C_ECONFIG with k6's "scenario X has configuration errors: ..." */
int k6c__exec_config_error(const k6c__exec *e, const char *fmt, ...) K6C__PRINTF(2, 3);
/* gracefulStop and the default iteration stripe. */
void k6c__exec_init_common(k6c__exec *e);
/* (complete + interrupted) / total, at most 1. */
double k6c__exec_iter_progress(const k6c__exec *e, uint64_t total);

/* Stages: k6's checks (at least one, no negative duration or target), and
 * their total duration. */
int k6c__exec_validate_stages(const k6c__exec *e);
double k6c__exec_stages_duration(const k6c__scenario *sc);
/* ramping-vus: the test-wide VU count at t ms of the stages. */
double k6c__ramp_count_at(double start, const k6c__stage *stages, size_t n, double t);

extern const k6c__executor k6c__exec_ramping_vus;
extern const k6c__executor k6c__exec_constant_arrival_rate;
extern const k6c__executor k6c__exec_ramping_arrival_rate;
extern const k6c__executor k6c__exec_externally_controlled;

#endif /* K6C_SCHED_EXECUTOR_INT_H */
