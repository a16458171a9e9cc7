/*
 * loop.h - one event loop per worker thread: epoll for file descriptors, a
 * binary min-heap of intrusive timers and an eventfd to wake the loop from
 * other threads. Only the owning thread may call anything but
 * k6c__loop_wakeup() and k6c__loop_post().
 */
#ifndef K6C_UTIL_LOOP_H
#define K6C_UTIL_LOOP_H

#include "util.h"

typedef struct k6c__loop k6c__loop;

enum { K6C__IO_READ = 1, K6C__IO_WRITE = 2 };

/* events: K6C__IO_READ/WRITE that are ready (errors and hang-ups report both). */
typedef void (*k6c__io_cb)(k6c__loop *loop, int fd, unsigned events, void *arg);

typedef struct k6c__timer k6c__timer;
typedef void (*k6c__timer_cb)(k6c__loop *loop, k6c__timer *t);
struct k6c__timer {            /* embed it; the loop never allocates for timers */
	uint64_t due_ns;           /* k6c__now_ns() time it fires at */
	size_t heap_index;         /* private; SIZE_MAX when not armed */
	k6c__timer_cb cb;
	void *arg;
};

int k6c__loop_new(k6c__loop **out);
void k6c__loop_free(k6c__loop *loop);

/* Watches fd for events (0 stops watching). One callback per fd. */
int k6c__loop_watch(k6c__loop *loop, int fd, unsigned events, k6c__io_cb cb, void *arg);

/* Stops delivering fd's events without a system call: the kernel keeps the
 * registration, so watching fd again with the same events is free (for a
 * socket that goes idle between requests). Should an event arrive while it is
 * disarmed, the loop drops it and removes the registration then. Only for
 * descriptors whose closing the caller sees: unwatch (events 0) before closing
 * a disarmed fd, or a new file under the same number would never be watched. */
void k6c__loop_disarm(k6c__loop *loop, int fd);

void k6c__timer_init(k6c__timer *t, k6c__timer_cb cb, void *arg);
void k6c__timer_start(k6c__loop *loop, k6c__timer *t, uint64_t due_ns);  /* re-arms if armed */
void k6c__timer_stop(k6c__loop *loop, k6c__timer *t);                    /* no-op if not armed */
bool k6c__timer_armed(const k6c__timer *t);

/* Waits for at most timeout_ms (-1: until something happens), then runs the
 * ready I/O callbacks, the due timers and, if woken, the wakeup callback.
 * Returns the number of callbacks run, or a negative code. */
int k6c__loop_run_once(k6c__loop *loop, int timeout_ms);

/* Thread-safe: makes the loop's current or next wait return and the wakeup
 * callback run on the loop thread. Async-signal-safe (a write to an eventfd). */
void k6c__loop_wakeup(k6c__loop *loop);
void k6c__loop_set_wakeup_cb(k6c__loop *loop, void (*cb)(k6c__loop *loop, void *arg), void *arg);

/* A function another thread hands to the loop's thread (k6c__loop_post).
 * Embed it; the loop never allocates for tasks. */
typedef struct k6c__loop_task k6c__loop_task;
struct k6c__loop_task {
	k6c__loop_task *next;        /* private */
	void (*fn)(k6c__loop_task *task);
};

/* Thread-safe: queues task (fn set, not already queued) and wakes the loop;
 * its fn runs on the loop thread after the next wait, in posting order, or
 * when the loop is freed (k6c__loop_free runs what is still queued). The
 * caller must know the loop is not being freed meanwhile. */
void k6c__loop_post(k6c__loop *loop, k6c__loop_task *task);

#endif /* K6C_UTIL_LOOP_H */
