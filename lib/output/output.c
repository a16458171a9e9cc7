/*
 * output.c - sinks and the output thread of a run (output.h).
 *
 * Pushed samples are copied into one block per push and queued under the
 * output's mutex; nothing else happens on the pushing thread. The output
 * thread wakes every flush interval and turns the queued blocks into runs of
 * entries {time, arrival number, sample}, one run per block (a producer's
 * batch, nearly always in time order already, so sorting is rarely needed),
 * and merges the runs with the holdback buffer in one pass. The buffer is
 * kept sorted by (time, arrival), so equal times keep their arrival order.
 * Entries at or below the watermark leave it as one batch that every
 * started sink receives in turn; a block is freed when the last of its
 * samples has been delivered.
 */
#include "output/output.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_FLUSH_MS 100
/* The samples the output holds at most by default (queued, or held back
 * for order): about 200 MiB, two seconds of a test at full speed on two
 * cores. A sink slower than that (a stalled disk) makes new samples be
 * dropped and counted, not the memory grow without bound; the VUs never
 * wait. */
#define DEFAULT_QUEUE_MAX 2000000
/* The lag never grows past this: a sample later than that (a worker stuck
 * in a long busy loop) only has its time raised. */
#define MAX_LAG_US 5000000
/* Distinct error messages logged per sink and run; more are counted. */
#define MAX_LOGGED 64

/* ---- sinks ------------------------------------------------------------- */

struct k6c_sink {
	const k6c_sink_vtable *vt;
	void *payload;
	char *name;
	pthread_mutex_t mu;
	k6c__output *out;           /* (mu) the run it serves, NULL between runs */
	bool in_start;              /* (mu) k6c_sink_fail now gives start()'s reason */
	char *start_msg;            /* (mu) */
	bool call_failed;           /* (mu) k6c_sink_fail during the current callback */
	char **logged;              /* (mu) messages logged this run */
	size_t nlogged;
	bool log_capped;            /* (mu) MAX_LOGGED reached and said so */
	bool started;               /* output thread: start() succeeded this run */
	const char *summary_json;   /* output thread: set during stop() only */
};

int k6c__sink_new(k6c_sink **out, const k6c_sink_vtable *vt, void *payload, const char *name)
{
	k6c_sink *s;

	*out = NULL;
	if (!vt || !vt->add_samples) {
		/* A vtable without add_samples cannot free safely either way:
		 * its free is still called, as promised. */
		if (vt && vt->free)
			vt->free(payload);
		return k6c__error(K6C_EINVAL, "k6c_test_add_sink: %s",
			vt ? "the vtable has no add_samples" : "vt is NULL");
	}
	if (vt->version != K6C_SINK_VERSION) {
		/* Vtables only grow at the end, so free sits where it does
		 * in every version: the payload is still handed back. */
		if (vt->free)
			vt->free(payload);
		return k6c__error(K6C_ENOTSUP, "k6c_test_add_sink: sink vtable version %u is not "
			"supported (this libk6c knows version %d)", vt->version, K6C_SINK_VERSION);
	}
	if (!(s = k6c__calloc(1, sizeof(*s))) || !(s->name = k6c__strdup(name ? name : "sink"))) {
		k6c__free(s);
		if (vt->free)
			vt->free(payload);
		return k6c__error(K6C_ENOMEM, "k6c_test_add_sink: out of memory");
	}
	s->vt = vt;
	s->payload = payload;
	pthread_mutex_init(&s->mu, NULL);
	*out = s;
	return 0;
}

static void logged_clear(k6c_sink *s)
{
	for (size_t i = 0; i < s->nlogged; i++)
		k6c__free(s->logged[i]);
	k6c__free(s->logged);
	s->logged = NULL;
	s->nlogged = 0;
	s->log_capped = false;
}

void k6c__sink_free(k6c_sink *s)
{
	if (!s)
		return;
	if (s->vt->free)
		s->vt->free(s->payload);
	logged_clear(s);
	k6c__free(s->start_msg);
	k6c__free(s->name);
	pthread_mutex_destroy(&s->mu);
	k6c__free(s);
}

const char *k6c__sink_description(k6c_sink *s)
{
	const char *d = s->vt->description ? s->vt->description(s, s->payload) : NULL;

	return d && *d ? d : s->name;
}

const char *k6c__sink_name(const k6c_sink *s)
{
	return s->name;
}

const char *k6c__sink_summary_json(const k6c_sink *s)
{
	return s->summary_json;
}

/* ---- the output -------------------------------------------------------- */

/* One push: the samples, then their metadata entries, then the strings. */
typedef struct push_blk {
	struct push_blk *next;
	size_t n;
	size_t remaining;           /* output thread: samples not yet delivered */
	k6c_sample s[];
} push_blk;

/* A held sample: sorted by (time, seq). */
typedef struct held {
	int64_t time_us;
	uint64_t seq;
	k6c_sample *s;
	push_blk *b;
} held;

enum out_state { OS_NEW, OS_STARTING, OS_RUNNING, OS_STOPPING, OS_STOPPED };

struct k6c__output {
	k6c__output_config cfg;
	k6c_sink **sinks;
	size_t nsinks;
	const k6c_sink_start_info *info;
	int64_t flush_us;
	size_t queue_max;
	_Atomic int64_t lag_us;

	pthread_mutex_t mu;
	pthread_cond_t cv;
	enum out_state state;       /* (mu) */
	bool start_done;            /* (mu) */
	char *start_err;            /* (mu) why a start() failed */
	push_blk *pending, *pending_tail; /* (mu) */
	int exit_code;              /* (mu) for stop() */
	const char *summary_json;   /* (mu) for stop(); borrowed from the caller of stop */
	bool thread_started;
	pthread_t thread;
	bool aborted;               /* (mu) */
	char *abort_sink, *abort_msg; /* (mu) */

	/* The output thread's own. */
	held *held, *scratch;       /* held[hhead..nheld) sorted; scratch for merges */
	size_t hhead, nheld, capheld, capscratch;
	held *fresh;                /* this tick's arrivals, one sorted run per push */
	size_t capfresh;
	size_t *runs;               /* where each run of fresh starts, plus the end */
	size_t capruns;
	k6c_sample *batch;
	size_t capbatch;
	uint64_t seq;
	int64_t last_time;
	bool any_delivered;
	uint64_t clamped;

	atomic_uint_fast64_t dropped;
	atomic_uint_fast64_t delivered;
	atomic_uint_fast64_t queued;    /* pushed, not yet delivered or dropped */
	atomic_uint_fast64_t full;      /* dropped because queue_max was reached */
};

static void out_log(k6c__output *o, int level, const char *fmt, ...) K6C__PRINTF(3, 4);
static void out_log(k6c__output *o, int level, const char *fmt, ...)
{
	k6c__buf b = K6C__BUF_INIT;
	va_list ap;

	if (!o->cfg.log)
		return;
	va_start(ap, fmt);
	if (k6c__buf_vprintf(&b, fmt, ap) == 0)
		o->cfg.log(level, b.ptr, o->cfg.log_arg);
	va_end(ap);
	k6c__buf_free(&b);
}

/* Logs "output \"name\": msg" at error level unless this sink logged the
 * same message before in this run. */
static void sink_log_once(k6c__output *o, k6c_sink *s, const char *msg)
{
	bool log = true, capped = false;

	pthread_mutex_lock(&s->mu);
	for (size_t i = 0; i < s->nlogged; i++) {
		if (!strcmp(s->logged[i], msg)) {
			log = false;
			break;
		}
	}
	if (log && s->nlogged >= MAX_LOGGED) {
		log = false;
		capped = !s->log_capped;
		s->log_capped = true;
	} else if (log) {
		char **v = k6c__realloc(s->logged, (s->nlogged + 1) * sizeof(*v));
		char *copy = v ? k6c__strdup(msg) : NULL;
		if (v)
			s->logged = v;
		if (copy)
			s->logged[s->nlogged++] = copy;
	}
	pthread_mutex_unlock(&s->mu);
	if (log)
		out_log(o, K6C_LOG_ERROR, "output \"%s\": %s", s->name, msg);
	else if (capped)
		out_log(o, K6C_LOG_ERROR, "output \"%s\": more than %d different errors; "
			"the others are not logged", s->name, MAX_LOGGED);
}

int k6c__sink_fail(k6c_sink *s, int abort, const char *message)
{
	const char *msg = message ? message : "output error";
	k6c__output *o;
	bool first = false, after_stop = false;

	pthread_mutex_lock(&s->mu);
	o = s->out;
	if (o && s->in_start) {
		/* start()'s reason: the run fails with it if start() fails. */
		if (!s->start_msg)
			s->start_msg = k6c__strdup(msg);
		if (!abort) {
			pthread_mutex_unlock(&s->mu);
			return 0;
		}
	}
	s->call_failed = true;
	pthread_mutex_unlock(&s->mu);
	if (!o)
		return 0;           /* no run: nobody to tell */
	if (!abort) {
		sink_log_once(o, s, msg);
		return 0;
	}
	pthread_mutex_lock(&o->mu);
	if (o->state >= OS_STOPPING) {
		after_stop = true;
	} else if (!o->aborted) {
		o->aborted = first = true;
		o->abort_sink = k6c__strdup(s->name);
		o->abort_msg = k6c__strdup(msg);
	}
	pthread_mutex_unlock(&o->mu);
	if (after_stop)
		sink_log_once(o, s, msg);  /* the test is over: nothing to abort */
	else if (first && o->cfg.on_abort)
		o->cfg.on_abort(o->cfg.on_abort_arg);
	return 0;
}

void k6c__sink_log(k6c_sink *s, int level, const char *message)
{
	k6c__output *o;

	pthread_mutex_lock(&s->mu);
	o = s->out;
	pthread_mutex_unlock(&s->mu);
	if (o)
		out_log(o, level, "output \"%s\": %s", s->name, message ? message : "");
}

int k6c__output_new(k6c__output **out, const k6c__output_config *cfg, k6c_sink *const *sinks,
	size_t nsinks)
{
	k6c__output *o;
	pthread_condattr_t ca;

	*out = NULL;
	if (!(o = k6c__calloc(1, sizeof(*o))))
		return k6c__error(K6C_ENOMEM, "out of memory creating the output");
	if (nsinks && !(o->sinks = k6c__malloc(nsinks * sizeof(*o->sinks)))) {
		k6c__free(o);
		return k6c__error(K6C_ENOMEM, "out of memory creating the output");
	}
	o->cfg = *cfg;
	o->flush_us = (int64_t)(cfg->flush_interval_ms ? cfg->flush_interval_ms : DEFAULT_FLUSH_MS) * 1000;
	atomic_init(&o->lag_us, 2 * o->flush_us);
	o->queue_max = cfg->queue_max ? cfg->queue_max : DEFAULT_QUEUE_MAX;
	atomic_init(&o->dropped, 0);
	atomic_init(&o->queued, 0);
	atomic_init(&o->full, 0);
	atomic_init(&o->delivered, 0);
	pthread_mutex_init(&o->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&o->cv, &ca);
	pthread_condattr_destroy(&ca);
	for (size_t i = 0; i < nsinks; i++) {
		k6c_sink *s = sinks[i];
		o->sinks[i] = s;
		pthread_mutex_lock(&s->mu);
		s->out = o;
		s->started = false;
		s->in_start = false;
		s->call_failed = false;
		k6c__free(s->start_msg);
		s->start_msg = NULL;
		logged_clear(s);
		pthread_mutex_unlock(&s->mu);
	}
	o->nsinks = nsinks;
	*out = o;
	return 0;
}

static int cmp_held(const void *a, const void *b)
{
	const held *x = a, *y = b;

	if (x->time_us != y->time_us)
		return x->time_us < y->time_us ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static bool reserve_held(held **v, size_t *cap, size_t need)
{
	size_t n = *cap ? *cap : 1024;
	held *p;

	if (need <= *cap)
		return true;
	while (n < need)
		n *= 2;
	if (!(p = k6c__realloc(*v, n * sizeof(*p))))
		return false;
	*v = p;
	*cap = n;
	return true;
}

static void blk_release(push_blk *b, size_t n)
{
	b->remaining -= n;
	if (b->remaining == 0)
		k6c__free(b);
}

/* Drops a list of pushed blocks (out of memory). */
static void drop_blocks(k6c__output *o, push_blk *list)
{
	while (list) {
		push_blk *b = list;
		list = b->next;
		atomic_fetch_add(&o->dropped, b->n);
		atomic_fetch_sub(&o->queued, b->n);
		k6c__free(b);
	}
}

/* Merges sorted runs into o->scratch, then makes the result the held
 * buffer. Each output entry takes the smallest head: a linear look at a few
 * heads beats a heap for the handful of runs a tick brings (one per
 * producer batch). Keys are unique (seq), so the result does not depend on
 * the order of the runs. */
static void merge_runs(k6c__output *o, held *const *in, const size_t *len, size_t k)
{
	size_t pos[16] = { 0 }, m = 0;

	for (;;) {
		size_t best = k;
		for (size_t i = 0; i < k; i++) {
			if (pos[i] < len[i] && (best == k || cmp_held(&in[i][pos[i]], &in[best][pos[best]]) < 0))
				best = i;
		}
		if (best == k)
			break;
		o->scratch[m++] = in[best][pos[best]++];
	}
	held *t = o->held;
	size_t tc = o->capheld;
	o->held = o->scratch;
	o->capheld = o->capscratch;
	o->scratch = t;
	o->capscratch = tc;
	o->hhead = 0;
	o->nheld = m;
}

/* Moves a list of pushed blocks into the sorted holdback buffer. */
static void absorb(k6c__output *o, push_blk *list)
{
	int64_t now = k6c__wall_us();
	size_t total = 0, nblk = 0, k = 0, nruns = 0, live = o->nheld - o->hhead;

	for (push_blk *b = list; b; b = b->next) {
		total += b->n;
		nblk++;
	}
	if (total == 0)
		return;
	if (!reserve_held(&o->fresh, &o->capfresh, total) ||
	    !reserve_held(&o->held, &o->capheld, live + total) ||
	    !reserve_held(&o->scratch, &o->capscratch, live + total)) {
		drop_blocks(o, list);
		return;
	}
	if (nblk + 1 > o->capruns) {
		size_t *r = k6c__realloc(o->runs, (nblk + 1) * sizeof(*r));
		if (!r) {
			drop_blocks(o, list);
			return;
		}
		o->runs = r;
		o->capruns = nblk + 1;
	}
	while (list) {
		push_blk *b = list;
		size_t start = k;
		bool sorted = true;

		list = b->next;
		b->remaining = b->n;
		o->runs[nruns++] = start;
		for (size_t i = 0; i < b->n; i++) {
			k6c_sample *s = &b->s[i];
			if (o->any_delivered && s->time_us < o->last_time) {
				/* Later than the lag: the batches before already went
				 * out, so it takes their last time to stay in order,
				 * and the lag grows to cover such a delay next time. */
				int64_t late = now - s->time_us + o->flush_us;
				if (late > MAX_LAG_US)
					late = MAX_LAG_US;
				if (late > atomic_load(&o->lag_us))
					atomic_store(&o->lag_us, late);
				s->time_us = o->last_time;
				o->clamped++;
			}
			o->fresh[k].time_us = s->time_us;
			o->fresh[k].seq = o->seq++;
			o->fresh[k].s = s;
			o->fresh[k].b = b;
			if (k > start && o->fresh[k - 1].time_us > s->time_us)
				sorted = false;
			k++;
		}
		/* A producer's batch is in time order nearly always. */
		if (!sorted)
			qsort(o->fresh + start, b->n, sizeof(*o->fresh), cmp_held);
	}
	o->runs[nruns] = k;
	/* The held run and up to 15 new ones per pass. */
	for (size_t r = 0; r < nruns;) {
		held *in[16];
		size_t len[16], g = nruns - r < 15 ? nruns - r : 15;
		in[0] = o->held + o->hhead;
		len[0] = o->nheld - o->hhead;
		for (size_t i = 0; i < g; i++) {
			in[i + 1] = o->fresh + o->runs[r + i];
			len[i + 1] = o->runs[r + i + 1] - o->runs[r + i];
		}
		merge_runs(o, in, len, g + 1);
		r += g;
	}
}

/* Hands every held sample at or below watermark to the started sinks. */
static void deliver(k6c__output *o, int64_t watermark)
{
	size_t lo = o->hhead, hi = o->nheld;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (o->held[mid].time_us <= watermark)
			lo = mid + 1;
		else
			hi = mid;
	}
	held *h = o->held + o->hhead;
	size_t total = lo - o->hhead, done = 0;
	if (total == 0)
		return;
	if (total > o->capbatch) {
		k6c_sample *p = k6c__realloc(o->batch, total * sizeof(*p));
		if (p) {
			o->batch = p;
			o->capbatch = total;
		}
	}
	o->last_time = h[total - 1].time_us;
	o->any_delivered = true;
	while (done < total) {
		/* Out of memory for the whole batch: smaller ones, in order. */
		size_t n = total - done < o->capbatch ? total - done : o->capbatch;
		if (n == 0) {
			atomic_fetch_add(&o->dropped, total - done);
			for (size_t i = done; i < total; i++)
				blk_release(h[i].b, 1);
			break;
		}
		for (size_t i = 0; i < n; i++)
			o->batch[i] = *h[done + i].s;
		for (size_t k = 0; k < o->nsinks; k++) {
			k6c_sink *s = o->sinks[k];
			if (!s->started)
				continue;
			pthread_mutex_lock(&s->mu);
			s->call_failed = false;
			pthread_mutex_unlock(&s->mu);
			if (s->vt->add_samples(s, s->payload, o->batch, n) != 0) {
				bool said;
				pthread_mutex_lock(&s->mu);
				said = s->call_failed;
				pthread_mutex_unlock(&s->mu);
				if (!said)
					sink_log_once(o, s, "add_samples() failed");
			}
		}
		for (size_t i = done; i < done + n; i++)
			blk_release(h[i].b, 1);
		done += n;
	}
	atomic_fetch_add(&o->delivered, total);
	atomic_fetch_sub(&o->queued, total);
	/* The delivered prefix is skipped, not moved: the next merge drops it. */
	o->hhead += total;
	if (o->hhead == o->nheld)
		o->hhead = o->nheld = 0;
}

static void run_starts(k6c__output *o)
{
	char *err = NULL;

	for (size_t i = 0; i < o->nsinks; i++) {
		k6c_sink *s = o->sinks[i];
		char *why;
		int rc = 0;

		if (s->vt->start) {
			pthread_mutex_lock(&s->mu);
			s->in_start = true;
			pthread_mutex_unlock(&s->mu);
			rc = s->vt->start(s, s->payload, o->info);
			pthread_mutex_lock(&s->mu);
			s->in_start = false;
			why = s->start_msg;
			s->start_msg = NULL;
			pthread_mutex_unlock(&s->mu);
			if (rc != 0) {
				k6c__buf b = K6C__BUF_INIT;
				if (k6c__buf_printf(&b, "could not start output \"%s\": %s", s->name,
					why ? why : "start() failed") == 0)
					err = k6c__buf_detach(&b);
				k6c__buf_free(&b);
				k6c__free(why);
				if (!err)
					err = k6c__strdup("could not start an output");
				break;
			}
			k6c__free(why);
		}
		s->started = true;
	}
	pthread_mutex_lock(&o->mu);
	o->start_done = true;
	o->start_err = err;
	if (!err && o->state == OS_STARTING)
		o->state = OS_RUNNING;
	pthread_cond_broadcast(&o->cv);
	pthread_mutex_unlock(&o->mu);
}

static void deadline_after(struct timespec *ts, int64_t us)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	int64_t ns = (int64_t)ts->tv_nsec + us * 1000;
	ts->tv_sec += (time_t)(ns / 1000000000);
	ts->tv_nsec = (long)(ns % 1000000000);
}

static void *output_main(void *arg)
{
	k6c__output *o = arg;
	struct timespec until;
	const char *summary_json;
	int exit_code, rc;

	run_starts(o);
	pthread_mutex_lock(&o->mu);
	deadline_after(&until, o->flush_us);
	for (;;) {
		/* Pushes do not wake the thread: it looks every flush interval,
		 * and at once when told to stop. */
		while (o->state != OS_STOPPING &&
		       pthread_cond_timedwait(&o->cv, &o->mu, &until) == 0)
			;
		bool last = o->state == OS_STOPPING;
		push_blk *list = o->pending;
		o->pending = o->pending_tail = NULL;
		pthread_mutex_unlock(&o->mu);

		deadline_after(&until, o->flush_us);
		absorb(o, list);
		deliver(o, last ? INT64_MAX : k6c__wall_us() - atomic_load(&o->lag_us));
		pthread_mutex_lock(&o->mu);
		if (last)
			break;
	}
	exit_code = o->exit_code;
	summary_json = o->summary_json;
	pthread_mutex_unlock(&o->mu);

	for (size_t i = 0; i < o->nsinks; i++) {
		k6c_sink *s = o->sinks[i];
		if (!s->started || !s->vt->stop)
			continue;
		pthread_mutex_lock(&s->mu);
		s->call_failed = false;
		pthread_mutex_unlock(&s->mu);
		s->summary_json = summary_json;
		rc = s->vt->stop(s, s->payload, exit_code);
		s->summary_json = NULL;
		if (rc != 0) {
			bool said;
			pthread_mutex_lock(&s->mu);
			said = s->call_failed;
			pthread_mutex_unlock(&s->mu);
			if (!said)
				sink_log_once(o, s, "stop() failed");
		}
	}
	return NULL;
}

int k6c__output_start(k6c__output *o, const k6c_sink_start_info *info)
{
	int err, rc = 0;

	pthread_mutex_lock(&o->mu);
	if (o->state != OS_NEW) {
		pthread_mutex_unlock(&o->mu);
		return k6c__error(K6C_ESTATE, "the output was already started");
	}
	o->info = info;
	o->state = OS_STARTING;
	if ((err = pthread_create(&o->thread, NULL, output_main, o)) != 0) {
		o->state = OS_NEW;
		pthread_mutex_unlock(&o->mu);
		return k6c__error(K6C_EINTERNAL, "cannot start the output thread: %s", strerror(err));
	}
	o->thread_started = true;
	while (!o->start_done)
		pthread_cond_wait(&o->cv, &o->mu);
	if (o->start_err)
		rc = k6c__error(K6C_EIO, "%s", o->start_err);
	pthread_mutex_unlock(&o->mu);
	return rc;
}

void k6c__output_push(k6c__output *o, const k6c_sample *samples, size_t n)
{
	size_t nmd = 0, strbytes = 0, size;
	push_blk *b;
	k6c_tag *md;
	char *str;

	if (!o || n == 0)
		return;
	if (atomic_fetch_add(&o->queued, n) + n > o->queue_max) {
		atomic_fetch_sub(&o->queued, n);
		atomic_fetch_add(&o->full, n);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		nmd += samples[i].nmetadata;
		for (size_t j = 0; j < samples[i].nmetadata; j++)
			strbytes += strlen(samples[i].metadata[j].key) +
				strlen(samples[i].metadata[j].value) + 2;
	}
	size = sizeof(*b) + n * sizeof(k6c_sample) + nmd * sizeof(k6c_tag) + strbytes;
	if (!(b = k6c__malloc(size))) {
		atomic_fetch_add(&o->dropped, n);
		atomic_fetch_sub(&o->queued, n);
		return;
	}
	b->next = NULL;
	b->n = n;
	b->remaining = n;
	memcpy(b->s, samples, n * sizeof(k6c_sample));
	md = (k6c_tag *)(b->s + n);
	str = (char *)(md + nmd);
	for (size_t i = 0; i < n; i++) {
		k6c_sample *s = &b->s[i];
		if (s->nmetadata == 0) {
			s->metadata = NULL;
			continue;
		}
		for (size_t j = 0; j < s->nmetadata; j++) {
			size_t kl = strlen(s->metadata[j].key) + 1, vl = strlen(s->metadata[j].value) + 1;
			memcpy(str, s->metadata[j].key, kl);
			md[j].key = str;
			str += kl;
			memcpy(str, s->metadata[j].value, vl);
			md[j].value = str;
			str += vl;
		}
		s->metadata = md;
		md += s->nmetadata;
	}
	pthread_mutex_lock(&o->mu);
	if (o->state == OS_RUNNING) {
		if (o->pending_tail)
			o->pending_tail->next = b;
		else
			o->pending = b;
		o->pending_tail = b;
		b = NULL;
	}
	pthread_mutex_unlock(&o->mu);
	if (b)
		atomic_fetch_sub(&o->queued, n);
	k6c__free(b);  /* not running: dropped */
}

void k6c__output_stop(k6c__output *o, int exit_code, const char *summary_json)
{
	uint64_t dropped;

	if (!o)
		return;
	pthread_mutex_lock(&o->mu);
	if (o->state == OS_STOPPING || o->state == OS_STOPPED) {
		pthread_mutex_unlock(&o->mu);
		return;
	}
	o->exit_code = exit_code;
	o->summary_json = summary_json;
	o->state = OS_STOPPING;
	pthread_cond_broadcast(&o->cv);
	pthread_mutex_unlock(&o->mu);
	if (o->thread_started)
		pthread_join(o->thread, NULL);
	pthread_mutex_lock(&o->mu);
	o->state = OS_STOPPED;
	pthread_mutex_unlock(&o->mu);
	if ((dropped = atomic_load(&o->full)) > 0)
		out_log(o, K6C_LOG_WARN, "output: %llu samples were dropped because the sinks fell "
			"more than %zu samples behind the test", (unsigned long long)dropped, o->queue_max);
	if ((dropped = atomic_load(&o->dropped)) > 0)
		out_log(o, K6C_LOG_ERROR, "output: %llu samples could not be delivered (out of memory)",
			(unsigned long long)dropped);
	if (o->clamped > 0)
		out_log(o, K6C_LOG_DEBUG, "output: %llu samples arrived later than the holdback of "
			"%lld ms and were delivered with the time of the batch before",
			(unsigned long long)o->clamped, (long long)(atomic_load(&o->lag_us) / 1000));
}

void k6c__output_free(k6c__output *o)
{
	if (!o)
		return;
	k6c__output_stop(o, 255, NULL);
	for (size_t i = 0; i < o->nsinks; i++) {
		k6c_sink *s = o->sinks[i];
		pthread_mutex_lock(&s->mu);
		s->out = NULL;
		s->started = false;
		pthread_mutex_unlock(&s->mu);
	}
	/* Whatever was never absorbed or delivered (a run that never started
	 * its thread, or samples left after a failure). */
	while (o->pending) {
		push_blk *b = o->pending;
		o->pending = b->next;
		k6c__free(b);
	}
	for (size_t i = o->hhead; i < o->nheld; i++)
		blk_release(o->held[i].b, 1);
	k6c__free(o->held);
	k6c__free(o->scratch);
	k6c__free(o->fresh);
	k6c__free(o->runs);
	k6c__free(o->batch);
	k6c__free(o->sinks);
	k6c__free(o->start_err);
	k6c__free(o->abort_sink);
	k6c__free(o->abort_msg);
	pthread_cond_destroy(&o->cv);
	pthread_mutex_destroy(&o->mu);
	k6c__free(o);
}

bool k6c__output_aborted(k6c__output *o, const char **sink_name, const char **message)
{
	bool a;

	if (!o)
		return false;
	pthread_mutex_lock(&o->mu);
	a = o->aborted;
	if (sink_name)
		*sink_name = o->abort_sink ? o->abort_sink : "sink";
	if (message)
		*message = o->abort_msg ? o->abort_msg : "output error";
	pthread_mutex_unlock(&o->mu);
	return a;
}

uint64_t k6c__output_delivered(k6c__output *o)
{
	return o ? atomic_load(&o->delivered) : 0;
}

int64_t k6c__output_lag_us(k6c__output *o)
{
	return o ? atomic_load(&o->lag_us) : 0;
}
