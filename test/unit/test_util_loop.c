/*
 * test_util_loop.c - unit tests of the event loop: timer ordering, stop and
 * re-arm, self-re-arming timers, fd watches on pipes, unwatching from inside
 * a callback, disarmed watches, cross-thread wake-ups, tasks posted from
 * other threads and a large timer heap.
 */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/loop.h"

#define MS 1000000ULL

/* Runs the loop until *flag becomes true, failing after 5 s (a bound for
 * "it finished", not a timing assertion). */
static void run_until(k6c__loop *loop, const int *flag)
{
	uint64_t deadline = k6c__now_ns() + 5000 * MS;

	while (!*flag) {
		ck_assert_int_ge(k6c__loop_run_once(loop, 50), 0);
		ck_assert_msg(k6c__now_ns() < deadline, "loop did not finish in 5 s");
	}
}

/* ---- timers ---------------------------------------------------------- */

typedef struct order_log {
	int ids[64];
	int n;
	int done_at;
	int done;
} order_log;

typedef struct ord_timer {
	k6c__timer t;
	int id;
	order_log *log;
} ord_timer;

static void ord_cb(k6c__loop *loop, k6c__timer *t)
{
	ord_timer *o = (ord_timer *)t;

	ck_assert(!k6c__timer_armed(t));   /* unarmed while its callback runs */
	o->log->ids[o->log->n++] = o->id;
	if (o->log->n == o->log->done_at)
		o->log->done = 1;
}

START_TEST(test_util_loop_timer__order)
{
	k6c__loop *loop;
	order_log log = { .done_at = 5 };
	ord_timer t[5];
	uint64_t now = k6c__now_ns();
	/* Due offsets; 3 and 4 share one due time and must fire in start order. */
	static const int offs[5] = { 30, 10, 20, 15, 15 };
	int i;

	ck_assert_int_eq(k6c__loop_new(&loop), 0);
	for (i = 0; i < 5; i++) {
		t[i].id = i;
		t[i].log = &log;
		k6c__timer_init(&t[i].t, ord_cb, NULL);
		ck_assert(!k6c__timer_armed(&t[i].t));
		k6c__timer_start(loop, &t[i].t, now + (uint64_t)offs[i] * MS);
		ck_assert(k6c__timer_armed(&t[i].t));
	}
	run_until(loop, &log.done);
	ck_assert_int_eq(log.ids[0], 1);
	ck_assert_int_eq(log.ids[1], 3);
	ck_assert_int_eq(log.ids[2], 4);
	ck_assert_int_eq(log.ids[3], 2);
	ck_assert_int_eq(log.ids[4], 0);
	/* Nothing fires before its due time. */
	ck_assert_uint_ge(k6c__now_ns(), now + 30 * MS);
	k6c__loop_free(loop);
}
END_TEST

START_TEST(test_util_loop_timer__stop_and_rearm)
{
	k6c__loop *loop;
	order_log log = { .done_at = 2 };
	ord_timer a = { .id = 1, .log = &log }, b = { .id = 2, .log = &log }, c = { .id = 3, .log = &log };
	uint64_t now = k6c__now_ns();

	ck_assert_int_eq(k6c__loop_new(&loop), 0);
	k6c__timer_init(&a.t, ord_cb, NULL);
	k6c__timer_init(&b.t, ord_cb, NULL);
	k6c__timer_init(&c.t, ord_cb, NULL);
	k6c__timer_stop(loop, &a.t);   /* not armed: no-op */
	k6c__timer_start(loop, &a.t, now + 1 * MS);
	k6c__timer_start(loop, &b.t, now + 2 * MS);
	k6c__timer_start(loop, &c.t, now + 3 * MS);
	k6c__timer_stop(loop, &a.t);
	ck_assert(!k6c__timer_armed(&a.t));
	/* Re-arming an armed timer moves it: b now fires after c. */
	k6c__timer_start(loop, &b.t, now + 20 * MS);
	ck_assert_uint_eq(b.t.due_ns, now + 20 * MS);
	run_until(loop, &log.done);
	ck_assert_int_eq(log.n, 2);
	ck_assert_int_eq(log.ids[0], 3);
	ck_assert_int_eq(log.ids[1], 2);
	/* An already-due timer fires on the next pass without waiting. */
	k6c__timer_start(loop, &a.t, 0);
	ck_assert_int_eq(k6c__loop_run_once(loop, 0), 1);
	ck_assert_int_eq(log.ids[2], 1);
	ck_assert_int_eq(k6c__loop_run_once(loop, 0), 0);
	k6c__loop_free(loop);
}
END_TEST

typedef struct rearm_timer {
	k6c__timer t;
	int count;
	int limit;
	int done;
	uint64_t interval;
} rearm_timer;

static void rearm_cb(k6c__loop *loop, k6c__timer *t)
{
	rearm_timer *r = (rearm_timer *)t;

	if (++r->count < r->limit)
		k6c__timer_start(loop, t, k6c__now_ns() + r->interval);
	else
		r->done = 1;
}

START_TEST(test_util_loop_timer__rearm_in_callback)
{
	k6c__loop *loop;
	rearm_timer r = { .limit = 10, .interval = 1 * MS };
	rearm_timer z = { .limit = 1000000, .interval = 0 };

	ck_assert_int_eq(k6c__loop_new(&loop), 0);
	k6c__timer_init(&r.t, rearm_cb, NULL);
	k6c__timer_start(loop, &r.t, k6c__now_ns());
	run_until(loop, &r.done);
	ck_assert_int_eq(r.count, 10);
	ck_assert(!k6c__timer_armed(&r.t));
	/* A timer that re-arms itself for "now" runs once per pass rather than
	 * trapping run_once in an endless loop. */
	k6c__timer_init(&z.t, rearm_cb, NULL);
	k6c__timer_start(loop, &z.t, 0);
	ck_assert_int_eq(k6c__loop_run_once(loop, 0), 1);
	ck_assert_int_eq(k6c__loop_run_once(loop, 0), 1);
	ck_assert_int_eq(z.count, 2);
	ck_assert(k6c__timer_armed(&z.t));
	k6c__timer_stop(loop, &z.t);
	k6c__loop_free(loop);
}
END_TEST

typedef struct pair_timer {
	k6c__timer t;
	struct pair_timer *other;
	int fired;
} pair_timer;

static void stop_other_cb(k6c__loop *loop, k6c__timer *t)
{
	pair_timer *p = (pair_timer *)t;

	p->fired++;
	k6c__timer_stop(loop, &p->other->t);
}

START_TEST(test_util_loop_timer__stop_other_in_callback)
{
	k6c__loop *loop;
	pair_timer a = { 0 }, b = { 0 };

	ck_assert_int_eq(k6c__loop_new(&loop), 0);
	a.other = &b;
	b.other = &a;
	k6c__timer_init(&a.t, stop_other_cb, NULL);
	k6c__timer_init(&b.t, stop_other_cb, NULL);
	k6c__timer_start(loop, &a.t, 1);
	k6c__timer_start(loop, &b.t, 1);   /* both due in the same pass */
	ck_assert_int_eq(k6c__loop_run_once(loop, 0), 1);
	ck_assert_int_eq(a.fired, 1);
	ck_assert_int_eq(b.fired, 0);
	ck_assert(!k6c__timer_armed(&b.t));
	/* Freeing the loop with armed timers leaves them unarmed. */
	k6c__timer_start(loop, &b.t, k6c__now_ns() + 1000 * MS);
	k6c__loop_free(loop);
	ck_assert(!k6c__timer_armed(&b.t));
}
END_TEST

typedef struct many_state {
	uint64_t last_due;
	int fired;
	int expected;
	int done;
	int out_of_order;
} many_state;

static void many_cb(k6c__loop *loop, k6c__timer *t)
{
	many_state *st = t->arg;

	if (t->due_ns < st->last_due)
		st->out_of_order++;
	st->last_due = t->due_ns;
	if (++st->fired == st->expected)
		st->done = 1;
}

START_TEST(test_util_loop_timer__many_ordered)
{
	enum { N = 10000 };
	k6c__timer *ts = calloc(N, sizeof(*ts));
	many_state st = { 0 };
	k6c__loop *loop;
	uint64_t base = k6c__now_ns();
	int i, stopped = 0;

	ck_assert_int_eq(k6c__loop_new(&loop), 0);
	srand(42);
	for (i = 0; i < N; i++) {
		k6c__timer_init(&ts[i], many_cb, &st);
		/* Spread over 50 ms, many sharing a due time. */
		k6c__timer_start(loop, &ts[i], base + (uint64_t)(rand() % 5000) * 10000);
	}
	/* Move some, stop some: the heap must stay consistent. */
	for (i = 0; i < N; i += 7)
		k6c__timer_start(loop, &ts[i], base + (uint64_t)(rand() % 5000) * 10000);
	for (i = 0; i < N; i += 3) {
		k6c__timer_stop(loop, &ts[i]);
		stopped++;
	}
	st.expected = N - stopped;
	run_until(loop, &st.done);
	ck_assert_int_eq(st.fired, N - stopped);
	ck_assert_int_eq(st.out_of_order, 0);
	for (i = 0; i < N; i++)
		ck_assert(!k6c__timer_armed(&ts[i]));
	ck_assert_int_eq(k6c__loop_run_once(loop, 0), 0);
	k6c__loop_free(loop);
	free(ts);
}
END_TEST

/* ---- file descriptors ------------------------------------------------ */

typedef struct io_state {
	int calls;
	unsigned events;
	int last_fd;
	char data[16];
	ssize_t got;
} io_state;

static void read_cb(k6c__loop *loop, int fd, unsigned events, void *arg)
{
	io_state *s = arg;

	s->calls++;
	s->events = events;
	s->last_fd = fd;
	if (events & K6C__IO_READ)
		s->got = read(fd, s->data, sizeof(s->data));
}

START_TEST(test_util_loop_io__pipe)
{
	k6c__loop *loop;
	io_state rs = { 0 }, ws = { 0 };
	int p[2];

	ck_assert_int_eq(k6c__loop_new(&loop), 0);
	ck_assert_int_eq(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
	ck_assert_int_eq(k6c__loop_watch(loop, p[0], K6C__IO_READ, read_cb, &rs), 0);
	/* Nothing to read yet: the wait times out with no callback. */
	ck_assert_int_eq(k6c__loop_run_once(loop, 10), 0);
	ck_assert_int_eq(rs.calls, 0);
	ck_assert_int_eq(write(p[1], "hello", 5), 5);
	ck_assert_int_eq(k6c__loop_run_once(loop, 1000), 1);
	ck_assert_int_eq(rs.calls, 1);
	ck_assert_uint_eq(rs.events, K6C__IO_READ);
	ck_assert_int_eq(rs.last_fd, p[0]);
	ck_assert_int_eq(rs.got, 5);
	ck_assert_int_eq(memcmp(rs.data, "hello", 5), 0);
	/* The write end of an empty pipe is writable at once. */
	ck_assert_int_eq(k6c__loop_watch(loop, p[1], K6C__IO_WRITE, read_cb, &ws), 0);
	ck_assert_int_eq(k6c__loop_run_once(loop, 1000), 1);
	ck_assert_uint_eq(ws.events, K6C__IO_WRITE);
	ck_assert_int_eq(k6c__loop_watch(loop, p[1], 0, NULL, NULL), 0);
	/* Stopping a read watch: data stays unread and no callback comes. */
	ck_assert_int_eq(k6c__loop_watch(loop, p[0], 0, NULL, NULL), 0);
	ck_assert_int_eq(write(p[1], "x", 1), 1);
	ck_assert_int_eq(k6c__loop_run_once(loop, 10), 0);
	/* Watching again, then hang-up reports both directions. */
	ck_assert_int_eq(k6c__loop_watch(loop, p[0], K6C__IO_READ, read_cb, &rs), 0);
	ck_assert_int_eq(k6c__loop_run_once(loop, 1000), 1);
	ck_assert_int_eq(rs.got, 1);
	close(p[1]);
	ck_assert_int_eq(k6c__loop_run_once(loop, 1000), 1);
	ck_assert_uint_eq(rs.events, K6C__IO_READ | K6C__IO_WRITE);
	ck_assert_int_eq(rs.got, 0);   /* EOF */
	ck_assert_int_eq(k6c__loop_watch(loop, p[0], 0, NULL, NULL), 0);
	close(p[0]);
	/* Unwatching something never watched, or a huge fd, is harmless. */
	ck_assert_int_eq(k6c__loop_watch(loop, 100000, 0, NULL, NULL), 0);
	ck_assert_int_eq(k6c__loop_watch(loop, -1, K6C__IO_READ, read_cb, NULL), K6C_EINVAL);
	k6c__loop_free(loop);
}
END_TEST

typedef struct unwatch_state {
	int fds[2];       /* read ends of two pipes */
	int calls[2];
	int close_other;  /* also close the other fd and reuse its number */
	int reused_fd;
	int reused_calls;
} unwatch_state;

static void reused_cb(k6c__loop *loop, int fd, unsigned events, void *arg)
{
	unwatch_state *s = arg;

	s->reused_calls++;
}

static void unwatch_other_cb(k6c__loop *loop, int fd, unsigned events, void *arg)
{
	unwatch_state *s = arg;
	int me = fd == s->fds[0] ? 0 : 1, other = 1 - me;
	char c;

	s->calls[me]++;
	ck_assert_int_eq(read(fd, &c, 1), 1);
	ck_assert_int_eq(k6c__loop_watch(loop, s->fds[other], 0, NULL, NULL), 0);
	if (s->close_other) {
		int p[2];

		/* Free the number and take it again with a new, readable pipe:
		 * the stale event from this batch must not reach the new watch. */
		close(s->fds[other]);
		ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
		ck_assert_int_eq(write(p[1], "y", 1), 1);
		if (p[0] != s->fds[other]) {
			/* Move it onto the freed number so the reuse really happens. */
			ck_assert_int_eq(dup2(p[0], s->fds[other]), s->fds[other]);
			close(p[0]);
		}
		close(p[1]);
		s->reused_fd = s->fds[other];
		ck_assert_int_eq(k6c__loop_watch(loop, s->reused_fd, K6C__IO_READ, reused_cb, s), 0);
	}
}

static void unwatch_case(int close_other)
{
	unwatch_state s = { .close_other = close_other, .reused_fd = -1 };
	int a[2], b[2];
	k6c__loop *loop;

	ck_assert_int_eq(k6c__loop_new(&loop), 0);
	ck_assert_int_eq(pipe2(a, O_NONBLOCK | O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(b, O_NONBLOCK | O_CLOEXEC), 0);
	s.fds[0] = a[0];
	s.fds[1] = b[0];
	ck_assert_int_eq(k6c__loop_watch(loop, a[0], K6C__IO_READ, unwatch_other_cb, &s), 0);
	ck_assert_int_eq(k6c__loop_watch(loop, b[0], K6C__IO_READ, unwatch_other_cb, &s), 0);
	/* Both readable before the wait, so both come back in one batch. */
	ck_assert_int_eq(write(a[1], "a", 1), 1);
	ck_assert_int_eq(write(b[1], "b", 1), 1);
	ck_assert_int_eq(k6c__loop_run_once(loop, 1000), 1);
	ck_assert_int_eq(s.calls[0] + s.calls[1], 1);
	if (close_other) {
		/* The new watch is readable, yet the old batch's event for the
		 * same fd number did not reach it; the next pass does. */
		ck_assert_int_eq(s.reused_calls, 0);
		ck_assert_int_eq(k6c__loop_run_once(loop, 1000), 1);
		ck_assert_int_eq(s.reused_calls, 1);
		ck_assert_int_eq(k6c__loop_watch(loop, s.reused_fd, 0, NULL, NULL), 0);
		close(s.reused_fd);
		close(s.fds[s.calls[0] ? 0 : 1]);
	} else {
		close(a[0]);
		close(b[0]);
	}
	close(a[1]);
	close(b[1]);
	k6c__loop_free(loop);
}

START_TEST(test_util_loop_io__unwatch_in_callback)
{
	unwatch_case(0);
}
END_TEST

START_TEST(test_util_loop_io__unwatch_close_reuse_in_callback)
{
	unwatch_case(1);
}
END_TEST

static void unwatch_self_cb(k6c__loop *loop, int fd, unsigned events, void *arg)
{
	int *calls = arg;

	(*calls)++;
	ck_assert_int_eq(k6c__loop_watch(loop, fd, 0, NULL, NULL), 0);
}

START_TEST(test_util_loop_io__unwatch_self)
{
	k6c__loop *loop;
	int p[2], calls = 0;

	ck_assert_int_eq(k6c__loop_new(&loop), 0);
	ck_assert_int_eq(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
	ck_assert_int_eq(write(p[1], "z", 1), 1);
	ck_assert_int_eq(k6c__loop_watch(loop, p[0], K6C__IO_READ, unwatch_self_cb, &calls), 0);
	ck_assert_int_eq(k6c__loop_run_once(loop, 1000), 1);
	/* Level-triggered and unread, but no longer watched. */
	ck_assert_int_eq(k6c__loop_run_once(loop, 10), 0);
	ck_assert_int_eq(calls, 1);
	close(p[0]);
	close(p[1]);
	k6c__loop_free(loop);
}
END_TEST

/* Whether some epoll set of this process has fd registered, from the
 * "tfd:" lines of /proc/self/fdinfo (the only epoll set here is the loop's). */
static bool epoll_has(int fd)
{
	DIR *d = opendir("/proc/self/fdinfo");
	struct dirent *e;
	bool found = false;

	ck_assert_ptr_nonnull(d);
	while (!found && (e = readdir(d)) != NULL) {
		char path[300], line[256];
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/fdinfo/%s", e->d_name);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		while (fgets(line, sizeof(line), f)) {
			int tfd;

			if (sscanf(line, "tfd: %d", &tfd) == 1 && tfd == fd) {
				found = true;
				break;
			}
		}
		fclose(f);
	}
	closedir(d);
	return found;
}

START_TEST(test_util_loop_io__disarm)
{
	k6c__loop *loop;
	io_state rs = { 0 }, ws = { 0 };
	int p[2], q[2];

	ck_assert_int_eq(k6c__loop_new(&loop), 0);
	ck_assert_int_eq(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
	ck_assert_int_eq(k6c__loop_watch(loop, p[0], K6C__IO_READ, read_cb, &rs), 0);
	/* Disarmed: still registered with the kernel, but silent. */
	k6c__loop_disarm(loop, p[0]);
	ck_assert(epoll_has(p[0]));
	ck_assert_int_eq(k6c__loop_run_once(loop, 10), 0);
	/* Armed again with the same events: it is delivered as before. */
	ck_assert_int_eq(k6c__loop_watch(loop, p[0], K6C__IO_READ, read_cb, &rs), 0);
	ck_assert_int_eq(write(p[1], "a", 1), 1);
	ck_assert_int_eq(k6c__loop_run_once(loop, 1000), 1);
	ck_assert_int_eq(rs.calls, 1);
	ck_assert_int_eq(rs.got, 1);
	/* An event for a disarmed fd runs no callback and removes the
	 * registration; watching again registers it anew. */
	k6c__loop_disarm(loop, p[0]);
	ck_assert_int_eq(write(p[1], "b", 1), 1);
	ck_assert_int_eq(k6c__loop_run_once(loop, 1000), 0);
	ck_assert_int_eq(rs.calls, 1);
	ck_assert(!epoll_has(p[0]));
	ck_assert_int_eq(k6c__loop_watch(loop, p[0], K6C__IO_READ, read_cb, &rs), 0);
	ck_assert(epoll_has(p[0]));
	ck_assert_int_eq(k6c__loop_run_once(loop, 1000), 1);
	ck_assert_int_eq(rs.calls, 2);
	ck_assert_int_eq(rs.got, 1);
	/* Disarmed, then armed for other events (and another callback). */
	k6c__loop_disarm(loop, p[1]);   /* never watched: harmless */
	k6c__loop_disarm(loop, 100000);
	k6c__loop_disarm(loop, p[0]);
	ck_assert_int_eq(k6c__loop_watch(loop, p[1], K6C__IO_WRITE, read_cb, &ws), 0);
	k6c__loop_disarm(loop, p[1]);
	ck_assert_int_eq(k6c__loop_watch(loop, p[1], K6C__IO_READ | K6C__IO_WRITE, read_cb, &ws), 0);
	ck_assert_int_eq(k6c__loop_run_once(loop, 1000), 1);
	ck_assert_int_eq(ws.calls, 1);
	ck_assert_uint_eq(ws.events, K6C__IO_WRITE);
	ck_assert_int_eq(k6c__loop_watch(loop, p[1], 0, NULL, NULL), 0);
	/* Unwatching a disarmed fd removes it, so its number can be closed
	 * and reused by a file that is then watched properly. */
	ck_assert(epoll_has(p[0]));
	ck_assert_int_eq(k6c__loop_watch(loop, p[0], 0, NULL, NULL), 0);
	ck_assert(!epoll_has(p[0]));
	close(p[0]);
	ck_assert_int_eq(pipe2(q, O_NONBLOCK | O_CLOEXEC), 0);
	if (q[0] != p[0]) {
		ck_assert_int_eq(dup2(q[0], p[0]), p[0]);
		close(q[0]);
		q[0] = p[0];
	}
	ck_assert_int_eq(write(q[1], "c", 1), 1);
	ck_assert_int_eq(k6c__loop_watch(loop, q[0], K6C__IO_READ, read_cb, &rs), 0);
	ck_assert_int_eq(k6c__loop_run_once(loop, 1000), 1);
	ck_assert_int_eq(rs.calls, 3);
	ck_assert_int_eq(rs.data[0], 'c');
	ck_assert_int_eq(k6c__loop_watch(loop, q[0], 0, NULL, NULL), 0);
	close(q[0]);
	close(q[1]);
	close(p[1]);
	k6c__loop_free(loop);
}
END_TEST

/* ---- wake-ups -------------------------------------------------------- */

typedef struct wake_state {
	k6c__loop *loop;
	int woken;
} wake_state;

static void wake_cb(k6c__loop *loop, void *arg)
{
	wake_state *w = arg;

	ck_assert_ptr_eq(loop, w->loop);
	w->woken++;
}

static void *wake_thread(void *arg)
{
	wake_state *w = arg;

	usleep(20000);
	k6c__loop_wakeup(w->loop);
	return NULL;
}

START_TEST(test_util_loop_wakeup__from_thread)
{
	wake_state w = { 0 };
	uint64_t start;
	pthread_t th;
	int rc;

	ck_assert_int_eq(k6c__loop_new(&w.loop), 0);
	k6c__loop_set_wakeup_cb(w.loop, wake_cb, &w);
	/* A wake-up before the wait is not lost, and several coalesce. */
	k6c__loop_wakeup(w.loop);
	k6c__loop_wakeup(w.loop);
	ck_assert_int_eq(k6c__loop_run_once(w.loop, 1000), 1);
	ck_assert_int_eq(w.woken, 1);
	ck_assert_int_eq(k6c__loop_run_once(w.loop, 0), 0);
	/* An infinite wait ends when another thread wakes the loop. */
	ck_assert_int_eq(pthread_create(&th, NULL, wake_thread, &w), 0);
	start = k6c__now_ns();
	rc = k6c__loop_run_once(w.loop, -1);
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	ck_assert_int_eq(rc, 1);
	ck_assert_int_eq(w.woken, 2);
	ck_assert_uint_lt(k6c__now_ns() - start, 5000 * MS);
	k6c__loop_free(w.loop);
}
END_TEST

/* k6c__loop_post: tasks from several threads all run on the loop thread,
 * each thread's in its order; what is still queued runs at free. */
#define POSTERS 4
#define POSTS 200

typedef struct post_task {
	k6c__loop_task task;         /* first: the callback casts back */
	int thread, seq;
	int *ran;                    /* per-thread count; loop thread only */
	int *order_ok;
} post_task;

typedef struct poster {
	k6c__loop *loop;
	post_task tasks[POSTS];
} poster;

static void post_run(k6c__loop_task *task)
{
	post_task *t = (post_task *)task;

	if (t->ran[t->thread] != t->seq)
		*t->order_ok = 0;
	t->ran[t->thread]++;
}

static void *post_thread(void *arg)
{
	poster *p = arg;

	for (int i = 0; i < POSTS; i++)
		k6c__loop_post(p->loop, &p->tasks[i].task);
	return NULL;
}

START_TEST(test_util_loop_post__from_threads)
{
	static poster posters[POSTERS];
	pthread_t th[POSTERS];
	int ran[POSTERS] = { 0 }, order_ok = 1, total = 0;
	k6c__loop *loop;
	post_task extra[2];

	ck_assert_int_eq(k6c__loop_new(&loop), 0);
	for (int t = 0; t < POSTERS; t++) {
		posters[t].loop = loop;
		for (int i = 0; i < POSTS; i++) {
			post_task *pt = &posters[t].tasks[i];

			pt->task.fn = post_run;
			pt->thread = t;
			pt->seq = i;
			pt->ran = ran;
			pt->order_ok = &order_ok;
		}
	}
	for (int t = 0; t < POSTERS; t++)
		ck_assert_int_eq(pthread_create(&th[t], NULL, post_thread, &posters[t]), 0);
	/* Every post wakes the loop: an infinite wait always returns. */
	for (int guard = 0; total < POSTERS * POSTS && guard < 100000; guard++) {
		ck_assert_int_ge(k6c__loop_run_once(loop, -1), 0);
		total = 0;
		for (int t = 0; t < POSTERS; t++)
			total += ran[t];
	}
	for (int t = 0; t < POSTERS; t++)
		ck_assert_int_eq(pthread_join(th[t], NULL), 0);
	ck_assert_int_eq(total, POSTERS * POSTS);
	ck_assert_int_eq(order_ok, 1);

	/* Queued but never run by the loop: k6c__loop_free runs them. */
	for (int i = 0; i < 2; i++) {
		extra[i].task.fn = post_run;
		extra[i].thread = 0;
		extra[i].seq = POSTS + i;
		extra[i].ran = ran;
		extra[i].order_ok = &order_ok;
		k6c__loop_post(loop, &extra[i].task);
	}
	k6c__loop_free(loop);
	ck_assert_int_eq(ran[0], POSTS + 2);
	ck_assert_int_eq(order_ok, 1);
}
END_TEST

static Suite *loop_suite(void)
{
	Suite *s = suite_create("util_loop");
	TCase *tc = tcase_create("loop");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_util_loop_timer__order);
	tcase_add_test(tc, test_util_loop_timer__stop_and_rearm);
	tcase_add_test(tc, test_util_loop_timer__rearm_in_callback);
	tcase_add_test(tc, test_util_loop_timer__stop_other_in_callback);
	tcase_add_test(tc, test_util_loop_timer__many_ordered);
	tcase_add_test(tc, test_util_loop_io__pipe);
	tcase_add_test(tc, test_util_loop_io__unwatch_in_callback);
	tcase_add_test(tc, test_util_loop_io__unwatch_close_reuse_in_callback);
	tcase_add_test(tc, test_util_loop_io__unwatch_self);
	tcase_add_test(tc, test_util_loop_io__disarm);
	tcase_add_test(tc, test_util_loop_wakeup__from_thread);
	tcase_add_test(tc, test_util_loop_post__from_threads);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(loop_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
