/*
 * loop.c - the per-worker event loop: epoll for file descriptors, a binary
 * min-heap of intrusive timers and an eventfd for cross-thread wake-ups.
 *
 * Callbacks may watch and unwatch descriptors, start and stop timers (the
 * running one included) and free the objects that embed them. Two things keep
 * that safe: every watch carries a generation number that is stored in the
 * epoll event, so an event fetched before its watch was removed (or replaced
 * by a new watch on a reused fd number) is dropped; and the loop never holds
 * a pointer into its tables across a callback.
 *
 * A disarmed watch (k6c__loop_disarm) stays in the epoll set with its old
 * events but no interest: the HTTP layer's sockets go idle after every
 * request and are wanted again for the next, and keeping them registered
 * saves two epoll_ctl calls per request. An event that still arrives for a
 * disarmed descriptor removes it for real.
 */
#include "loop.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

/* epoll data value of the wake-up eventfd; watches never use it because
 * their generation is at most UINT32_MAX - 1 (see next_gen). */
#define WAKEUP_TAG UINT64_MAX
#define MAX_EVENTS 64

typedef struct watch {
	k6c__io_cb cb;
	void *arg;
	unsigned events;     /* wanted now; 0 while disarmed */
	unsigned armed;      /* what the epoll registration asks for */
	uint32_t gen;        /* 0: not in the epoll set */
} watch;

/* Heap entries copy the due time next to the pointer so sifting does not
 * chase pointers; seq breaks ties so equal due times fire in start order
 * (what setTimeout(f, 0); setTimeout(g, 0) needs). */
typedef struct heap_entry {
	uint64_t due;
	uint64_t seq;
	k6c__timer *t;
} heap_entry;

struct k6c__loop {
	int epfd;
	int wakefd;
	watch *watches;      /* indexed by fd */
	size_t nwatches;
	uint32_t next_gen;
	heap_entry *heap;
	size_t heap_len;
	size_t heap_cap;
	uint64_t next_seq;
	void (*wakeup_cb)(k6c__loop *loop, void *arg);
	void *wakeup_arg;
	/* Tasks other threads posted (k6c__loop_post), oldest first. */
	pthread_mutex_t post_mu;
	k6c__loop_task *post_head, *post_tail;
};

int k6c__loop_new(k6c__loop **out)
{
	struct epoll_event ev;
	k6c__loop *loop;

	*out = NULL;
	loop = k6c__calloc(1, sizeof(*loop));
	if (loop == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory creating an event loop");
	loop->wakefd = -1;
	loop->next_gen = 1;
	pthread_mutex_init(&loop->post_mu, NULL);
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0) {
		int e = errno;

		k6c__free(loop);
		return k6c__error(K6C_EIO, "epoll_create1: %s", strerror(e));
	}
	loop->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (loop->wakefd < 0) {
		int e = errno;

		k6c__loop_free(loop);
		return k6c__error(K6C_EIO, "eventfd: %s", strerror(e));
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u64 = WAKEUP_TAG;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, loop->wakefd, &ev) < 0) {
		int e = errno;

		k6c__loop_free(loop);
		return k6c__error(K6C_EIO, "epoll_ctl(eventfd): %s", strerror(e));
	}
	*out = loop;
	return 0;
}

/* Loop thread: runs the posted tasks, taking the whole queue at once so
 * that a task posted meanwhile waits for the next pass (its wake-up is
 * pending then). */
static int run_posted(k6c__loop *loop)
{
	k6c__loop_task *t;
	int ran = 0;

	pthread_mutex_lock(&loop->post_mu);
	t = loop->post_head;
	loop->post_head = loop->post_tail = NULL;
	pthread_mutex_unlock(&loop->post_mu);
	while (t != NULL) {
		k6c__loop_task *next = t->next;

		t->next = NULL;
		t->fn(t);
		t = next;
		ran++;
	}
	return ran;
}

void k6c__loop_free(k6c__loop *loop)
{
	size_t i;

	if (loop == NULL)
		return;
	/* A posted task may own a reference (a promise's handle): it runs
	 * rather than leaks. */
	run_posted(loop);
	pthread_mutex_destroy(&loop->post_mu);
	/* Timers outlive the loop (they are embedded elsewhere); mark them
	 * unarmed so a later k6c__timer_stop on them is a harmless no-op. */
	for (i = 0; i < loop->heap_len; i++)
		loop->heap[i].t->heap_index = SIZE_MAX;
	if (loop->wakefd >= 0)
		close(loop->wakefd);
	if (loop->epfd >= 0)
		close(loop->epfd);
	k6c__free(loop->watches);
	k6c__free(loop->heap);
	k6c__free(loop);
}

/* ---- file descriptors ------------------------------------------------ */

static uint32_t next_gen(k6c__loop *loop)
{
	uint32_t g = loop->next_gen++;

	/* Wrap past 0 (unwatched) and UINT32_MAX (keeps WAKEUP_TAG unique). */
	if (loop->next_gen == UINT32_MAX)
		loop->next_gen = 1;
	return g;
}

static uint32_t to_epoll(unsigned events)
{
	return ((events & K6C__IO_READ) ? EPOLLIN : 0u) | ((events & K6C__IO_WRITE) ? EPOLLOUT : 0u);
}

int k6c__loop_watch(k6c__loop *loop, int fd, unsigned events, k6c__io_cb cb, void *arg)
{
	struct epoll_event ev;
	watch *w;
	int op;

	if (fd < 0)
		return k6c__error(K6C_EINVAL, "cannot watch fd %d", fd);
	events &= K6C__IO_READ | K6C__IO_WRITE;
	if ((size_t)fd >= loop->nwatches) {
		size_t n = loop->nwatches ? loop->nwatches : 64;
		watch *ws;

		if (events == 0)
			return 0;  /* never watched */
		while (n <= (size_t)fd)
			n *= 2;
		ws = k6c__realloc(loop->watches, n * sizeof(*ws));
		if (ws == NULL)
			return k6c__error(K6C_ENOMEM, "out of memory watching fd %d", fd);
		memset(ws + loop->nwatches, 0, (n - loop->nwatches) * sizeof(*ws));
		loop->watches = ws;
		loop->nwatches = n;
	}
	w = &loop->watches[fd];
	if (events == 0) {
		if (w->gen != 0) {
			/* The caller may already have closed fd, which removed it
			 * from the epoll set; EBADF/ENOENT are then expected. */
			epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
			memset(w, 0, sizeof(*w));
		}
		return 0;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = to_epoll(events);
	if (w->gen != 0) {
		/* Still registered, perhaps disarmed: a system call only if
		 * the kernel must look for other events. */
		if (events != w->armed) {
			ev.data.u64 = (uint64_t)w->gen << 32 | (uint32_t)fd;
			if (epoll_ctl(loop->epfd, EPOLL_CTL_MOD, fd, &ev) < 0) {
				int e = errno;

				return k6c__error(K6C_EIO, "epoll_ctl(MOD, fd %d): %s", fd, strerror(e));
			}
		}
	} else {
		uint32_t gen = next_gen(loop);

		ev.data.u64 = (uint64_t)gen << 32 | (uint32_t)fd;
		op = EPOLL_CTL_ADD;
		if (epoll_ctl(loop->epfd, op, fd, &ev) < 0) {
			int e = errno;

			/* Still registered: fd was closed and reused without an
			 * unwatch while a dup kept the old file open. Take it over. */
			if (e == EEXIST && epoll_ctl(loop->epfd, EPOLL_CTL_MOD, fd, &ev) == 0)
				e = 0;
			if (e != 0)
				return k6c__error(K6C_EIO, "epoll_ctl(ADD, fd %d): %s", fd, strerror(e));
		}
		w->gen = gen;
	}
	w->events = events;
	w->armed = events;
	w->cb = cb;
	w->arg = arg;
	return 0;
}

void k6c__loop_disarm(k6c__loop *loop, int fd)
{
	if (fd >= 0 && (size_t)fd < loop->nwatches && loop->watches[fd].gen != 0)
		loop->watches[fd].events = 0;
}

/* Removes a registration for real: an event came for a disarmed fd. The fd
 * is still open (its owner unwatches it before closing), so the delete
 * works; should it fail, the next event simply comes here again. */
static void drop_disarmed(k6c__loop *loop, int fd)
{
	epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
	memset(&loop->watches[fd], 0, sizeof(loop->watches[fd]));
}

/* ---- timers ---------------------------------------------------------- */

static bool entry_less(const heap_entry *a, const heap_entry *b)
{
	return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

static void heap_set(k6c__loop *loop, size_t i, heap_entry e)
{
	loop->heap[i] = e;
	e.t->heap_index = i;
}

static void sift_up(k6c__loop *loop, size_t i)
{
	heap_entry e = loop->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!entry_less(&e, &loop->heap[parent]))
			break;
		heap_set(loop, i, loop->heap[parent]);
		i = parent;
	}
	heap_set(loop, i, e);
}

static void sift_down(k6c__loop *loop, size_t i)
{
	heap_entry e = loop->heap[i];
	size_t n = loop->heap_len;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && entry_less(&loop->heap[c + 1], &loop->heap[c]))
			c++;
		if (!entry_less(&loop->heap[c], &e))
			break;
		heap_set(loop, i, loop->heap[c]);
		i = c;
	}
	heap_set(loop, i, e);
}

static void heap_remove(k6c__loop *loop, size_t i)
{
	k6c__timer *t = loop->heap[i].t;

	loop->heap_len--;
	if (i < loop->heap_len) {
		heap_set(loop, i, loop->heap[loop->heap_len]);
		sift_down(loop, i);
		sift_up(loop, i);
	}
	t->heap_index = SIZE_MAX;
}

void k6c__timer_init(k6c__timer *t, k6c__timer_cb cb, void *arg)
{
	t->due_ns = 0;
	t->heap_index = SIZE_MAX;
	t->cb = cb;
	t->arg = arg;
}

bool k6c__timer_armed(const k6c__timer *t)
{
	return t->heap_index != SIZE_MAX;
}

void k6c__timer_start(k6c__loop *loop, k6c__timer *t, uint64_t due_ns)
{
	heap_entry e = { due_ns, loop->next_seq++, t };
	size_t i;

	t->due_ns = due_ns;
	if (t->heap_index != SIZE_MAX) {
		i = t->heap_index;
		loop->heap[i] = e;
		sift_down(loop, i);
		sift_up(loop, t->heap_index);
		return;
	}
	if (loop->heap_len == loop->heap_cap) {
		size_t cap = loop->heap_cap ? loop->heap_cap * 2 : 64;
		heap_entry *h = k6c__realloc(loop->heap, cap * sizeof(*h));

		/* The API has no error path here (timers are embedded so starting
		 * one "cannot fail"); without memory the timer stays unarmed and
		 * the error is recorded for whoever looks. */
		if (h == NULL) {
			k6c__error(K6C_ENOMEM, "out of memory arming a timer");
			return;
		}
		loop->heap = h;
		loop->heap_cap = cap;
	}
	loop->heap_len++;
	loop->heap[loop->heap_len - 1] = e;
	sift_up(loop, loop->heap_len - 1);
}

void k6c__timer_stop(k6c__loop *loop, k6c__timer *t)
{
	if (t->heap_index == SIZE_MAX)
		return;
	heap_remove(loop, t->heap_index);
}

/* ---- running --------------------------------------------------------- */

void k6c__loop_wakeup(k6c__loop *loop)
{
	uint64_t one = 1;
	ssize_t r;

	/* Only write(2): this must stay async-signal-safe. EAGAIN means the
	 * counter is saturated, i.e. a wake-up is already pending. */
	r = write(loop->wakefd, &one, sizeof(one));
	(void)r;
}

void k6c__loop_set_wakeup_cb(k6c__loop *loop, void (*cb)(k6c__loop *loop, void *arg), void *arg)
{
	loop->wakeup_cb = cb;
	loop->wakeup_arg = arg;
}

void k6c__loop_post(k6c__loop *loop, k6c__loop_task *task)
{
	task->next = NULL;
	pthread_mutex_lock(&loop->post_mu);
	if (loop->post_tail != NULL)
		loop->post_tail->next = task;
	else
		loop->post_head = task;
	loop->post_tail = task;
	pthread_mutex_unlock(&loop->post_mu);
	k6c__loop_wakeup(loop);
}

static int wait_ms(const k6c__loop *loop, int timeout_ms)
{
	uint64_t now, delta, ms;

	if (loop->heap_len == 0 || timeout_ms == 0)
		return timeout_ms;
	now = k6c__now_ns();
	if (loop->heap[0].due <= now)
		return 0;
	/* Round up: waking a little late is fine, waking early would spin. */
	delta = loop->heap[0].due - now;
	ms = delta / 1000000 + (delta % 1000000 != 0);
	if (ms > INT_MAX)
		ms = INT_MAX;
	if (timeout_ms >= 0 && (uint64_t)timeout_ms < ms)
		return timeout_ms;
	return (int)ms;
}

static unsigned from_epoll(uint32_t ev)
{
	if (ev & (EPOLLERR | EPOLLHUP))
		return K6C__IO_READ | K6C__IO_WRITE;
	return ((ev & EPOLLIN) ? (unsigned)K6C__IO_READ : 0u) |
	       ((ev & EPOLLOUT) ? (unsigned)K6C__IO_WRITE : 0u);
}

int k6c__loop_run_once(k6c__loop *loop, int timeout_ms)
{
	struct epoll_event evs[MAX_EVENTS];
	bool woken = false;
	uint64_t now, seq_limit;
	int n, i, ran = 0;

	n = epoll_wait(loop->epfd, evs, MAX_EVENTS, wait_ms(loop, timeout_ms));
	if (n < 0) {
		if (errno != EINTR)
			return k6c__error(K6C_EIO, "epoll_wait: %s", strerror(errno));
		n = 0;
	}
	for (i = 0; i < n; i++) {
		uint64_t tag = evs[i].data.u64;
		int fd = (int)(uint32_t)tag;
		uint32_t gen = (uint32_t)(tag >> 32);
		unsigned events;
		watch *w;

		if (tag == WAKEUP_TAG) {
			uint64_t count;
			ssize_t r = read(loop->wakefd, &count, sizeof(count));

			(void)r;
			woken = true;
			continue;
		}
		/* An earlier callback in this batch may have unwatched fd, or
		 * unwatched it and watched a new file under the same number. */
		if ((size_t)fd >= loop->nwatches)
			continue;
		w = &loop->watches[fd];
		if (w->gen != gen || w->cb == NULL)
			continue;
		if (w->events == 0) {
			drop_disarmed(loop, fd);
			continue;
		}
		events = from_epoll(evs[i].events);
		if (!(evs[i].events & (EPOLLERR | EPOLLHUP)))
			events &= w->events;
		if (events == 0)
			continue;
		w->cb(loop, fd, events, w->arg);
		ran++;
	}
	/* Run the timers that are due now, but only those started before this
	 * pass: a callback that re-arms itself for "now" runs on the next pass
	 * instead of looping here forever. */
	now = k6c__now_ns();
	seq_limit = loop->next_seq;
	while (loop->heap_len > 0 && loop->heap[0].due <= now && loop->heap[0].seq < seq_limit) {
		k6c__timer *t = loop->heap[0].t;

		heap_remove(loop, 0);
		t->cb(loop, t);
		ran++;
	}
	if (woken)
		ran += run_posted(loop);
	if (woken && loop->wakeup_cb != NULL) {
		loop->wakeup_cb(loop, loop->wakeup_arg);
		ran++;
	}
	return ran;
}
