/*
 * flusher.c - bounded sample queue and periodic flusher thread of a
 * network output (flusher.h).
 *
 * Each add copies its samples into one block (the sample array, then the
 * tag arrays, then the strings) appended to a list under the mutex; the
 * thread swaps the list out every interval, lines the samples up in one
 * array and calls the output's flush callback outside the lock, so adding
 * never waits for the backend.
 */
#include "output/flusher.h"
#include "output/output.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define DEFAULT_INTERVAL_MS 1000
#define DEFAULT_TIMEOUT_MS 10000
#define DEFAULT_MAX_SAMPLES 1000000

typedef struct block {
	struct block *next;
	size_t n;
	k6c_sample *samples;        /* points into the same allocation */
} block;

enum { FS_NEW, FS_RUNNING, FS_STOPPING, FS_STOPPED };

struct k6c__flusher {
	k6c__flusher_config cfg;
	char *name;
	pthread_mutex_t mu;
	pthread_cond_t cv;          /* wakes the thread for stop */
	pthread_t thread;
	bool have_thread;
	int state;                  /* (mu) FS_* */
	block *head, *tail;         /* (mu) queued blocks, oldest first */
	size_t pending;             /* (mu) samples in the list */
	k6c__flusher_stats st;      /* (mu) */
	uint64_t stop_ns;           /* (mu) when stop was called */
	int stop_rc;                /* thread, read after join */
};

int k6c__flusher_new(k6c__flusher **out, const k6c__flusher_config *cfg)
{
	k6c__flusher *f;
	pthread_condattr_t ca;

	*out = NULL;
	if (!cfg || !cfg->flush)
		return k6c__error(K6C_EINVAL, "flusher: no flush callback");
	if (!(f = k6c__calloc(1, sizeof(*f))))
		return k6c__error(K6C_ENOMEM, "out of memory");
	f->cfg = *cfg;
	if (!f->cfg.interval_ms)
		f->cfg.interval_ms = DEFAULT_INTERVAL_MS;
	if (!f->cfg.timeout_ms)
		f->cfg.timeout_ms = DEFAULT_TIMEOUT_MS;
	if (!f->cfg.max_samples)
		f->cfg.max_samples = DEFAULT_MAX_SAMPLES;
	if (!(f->name = k6c__strdup(cfg->name ? cfg->name : "output"))) {
		k6c__free(f);
		return k6c__error(K6C_ENOMEM, "out of memory");
	}
	f->cfg.name = f->name;
	pthread_mutex_init(&f->mu, NULL);
	/* Ticks are measured on the monotonic clock: a wall clock step must
	 * neither stall nor rush the pushes. */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&f->cv, &ca);
	pthread_condattr_destroy(&ca);
	*out = f;
	return 0;
}

/* One block holding copies of samples[0..n) and their tags and metadata. */
static block *block_copy(const k6c_sample *samples, size_t n)
{
	size_t ntags = 0, nstr = 0, size;
	block *b;
	k6c_tag *tp;
	char *sp;

	for (size_t i = 0; i < n; i++) {
		ntags += samples[i].ntags + samples[i].nmetadata;
		for (size_t j = 0; j < samples[i].ntags; j++)
			nstr += strlen(samples[i].tags[j].key) + strlen(samples[i].tags[j].value) + 2;
		for (size_t j = 0; j < samples[i].nmetadata; j++)
			nstr += strlen(samples[i].metadata[j].key) +
				strlen(samples[i].metadata[j].value) + 2;
	}
	size = sizeof(block) + n * sizeof(k6c_sample) + ntags * sizeof(k6c_tag) + nstr;
	if (!(b = k6c__malloc(size)))
		return NULL;
	b->next = NULL;
	b->n = n;
	b->samples = (k6c_sample *)(b + 1);
	tp = (k6c_tag *)(b->samples + n);
	sp = (char *)(tp + ntags);
	for (size_t i = 0; i < n; i++) {
		const k6c_sample *s = &samples[i];
		k6c_sample *d = &b->samples[i];
		*d = *s;
		d->tags = s->ntags ? tp : NULL;
		d->metadata = NULL;
		for (int pass = 0; pass < 2; pass++) {
			const k6c_tag *src = pass ? s->metadata : s->tags;
			size_t cnt = pass ? s->nmetadata : s->ntags;
			if (pass && cnt)
				d->metadata = tp;
			for (size_t j = 0; j < cnt; j++, tp++) {
				size_t kl = strlen(src[j].key) + 1, vl = strlen(src[j].value) + 1;
				memcpy(sp, src[j].key, kl);
				tp->key = sp;
				sp += kl;
				memcpy(sp, src[j].value, vl);
				tp->value = sp;
				sp += vl;
			}
		}
	}
	return b;
}

static void blocks_free(block *b)
{
	while (b) {
		block *next = b->next;
		k6c__free(b);
		b = next;
	}
}

size_t k6c__flusher_add(k6c__flusher *f, const k6c_sample *samples, size_t n)
{
	size_t room, take;
	block *b = NULL;

	if (!f || n == 0)
		return 0;
	/* The room is read first and the copy made outside the lock: the
	 * flusher thread only ever makes room, so what fit still fits. */
	pthread_mutex_lock(&f->mu);
	room = f->state == FS_RUNNING && f->pending < f->cfg.max_samples ?
		f->cfg.max_samples - f->pending : 0;
	pthread_mutex_unlock(&f->mu);
	take = n < room ? n : room;
	if (take > 0 && !(b = block_copy(samples, take)))
		take = 0;
	pthread_mutex_lock(&f->mu);
	if (b && f->state != FS_RUNNING) {
		/* Stopped while copying: too late for the final flush. */
		k6c__free(b);
		b = NULL;
		take = 0;
	}
	if (b && f->pending + take > f->cfg.max_samples) {
		/* Another thread added meanwhile: keep what still fits. */
		take = f->cfg.max_samples - f->pending;
		b->n = take;
	}
	if (b && take == 0) {
		k6c__free(b);
		b = NULL;
	}
	if (b) {
		if (f->tail)
			f->tail->next = b;
		else
			f->head = b;
		f->tail = b;
		f->pending += take;
		f->st.queued += take;
	}
	f->st.dropped += n - take;
	pthread_mutex_unlock(&f->mu);
	return n - take;
}

/* Hands every block of list to the callback in one call and frees them.
 * Return the callback's result (0 for an empty list). */
static int flush_list(k6c__flusher *f, block *list, bool final, uint64_t deadline_ns)
{
	size_t n = 0, k = 0;
	k6c_sample *all;
	int rc;

	for (block *b = list; b; b = b->next)
		n += b->n;
	if (n == 0) {
		/* The final call comes even with nothing left: an output may
		 * send what it aggregated, and knows the run ended. */
		blocks_free(list);
		return final ? f->cfg.flush(f->cfg.arg, NULL, 0, deadline_ns, true) : 0;
	}
	if (!(all = k6c__malloc(n * sizeof(*all)))) {
		blocks_free(list);
		k6c__flusher_error(f, "out of memory sending %zu samples", n);
		pthread_mutex_lock(&f->mu);
		f->st.failed += n;
		pthread_mutex_unlock(&f->mu);
		return K6C_ENOMEM;
	}
	for (block *b = list; b; b = b->next) {
		memcpy(all + k, b->samples, b->n * sizeof(*all));
		k += b->n;
	}
	rc = f->cfg.flush(f->cfg.arg, all, n, deadline_ns, final);
	k6c__free(all);
	blocks_free(list);
	pthread_mutex_lock(&f->mu);
	f->st.flushes++;
	if (rc == 0)
		f->st.flushed += n;
	else
		f->st.failed += n;
	pthread_mutex_unlock(&f->mu);
	return rc;
}

static struct timespec mono_after(uint64_t ns)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ns += (uint64_t)ts.tv_nsec;
	ts.tv_sec += (time_t)(ns / 1000000000u);
	ts.tv_nsec = (long)(ns % 1000000000u);
	return ts;
}

static void *flusher_main(void *arg)
{
	k6c__flusher *f = arg;
	uint64_t timeout_ns = (uint64_t)f->cfg.timeout_ms * 1000000u;

	for (;;) {
		struct timespec until = mono_after((uint64_t)f->cfg.interval_ms * 1000000u);
		block *list;
		bool stopping;
		uint64_t stop_ns;

		pthread_mutex_lock(&f->mu);
		while (f->state == FS_RUNNING) {
			if (pthread_cond_timedwait(&f->cv, &f->mu, &until) == ETIMEDOUT)
				break;
		}
		stopping = f->state != FS_RUNNING;
		stop_ns = f->stop_ns;
		list = f->head;
		f->head = f->tail = NULL;
		f->pending = 0;
		pthread_mutex_unlock(&f->mu);
		if (!stopping) {
			flush_list(f, list, false, k6c__now_ns() + timeout_ns);
			continue;
		}
		/* The final flush: nothing can be added any more. Its deadline
		 * counts from the stop request, so that a flush still in progress
		 * then (bounded by its own deadline) and this one together take
		 * about one timeout, not two. */
		f->stop_rc = flush_list(f, list, true, stop_ns + timeout_ns);
		return NULL;
	}
}

int k6c__flusher_start(k6c__flusher *f)
{
	int rc;

	pthread_mutex_lock(&f->mu);
	if (f->state != FS_NEW) {
		pthread_mutex_unlock(&f->mu);
		return k6c__error(K6C_ESTATE, "output \"%s\": the flusher was started before", f->name);
	}
	f->state = FS_RUNNING;
	pthread_mutex_unlock(&f->mu);
	if ((rc = pthread_create(&f->thread, NULL, flusher_main, f)) != 0) {
		pthread_mutex_lock(&f->mu);
		f->state = FS_STOPPED;
		pthread_mutex_unlock(&f->mu);
		return k6c__error(K6C_EINTERNAL, "output \"%s\": cannot start the flusher thread: %s",
			f->name, strerror(rc));
	}
	f->have_thread = true;
	return 0;
}

int k6c__flusher_open(k6c__flusher **out, k6c_sink *sink, const char *name,
	unsigned interval_ms, unsigned timeout_ms, size_t max_samples, k6c__flusher_fn flush,
	void *arg, const char *fail_msg)
{
	k6c__flusher_config fc;
	const k6c_error *e;
	char msg[256];
	int rc;

	memset(&fc, 0, sizeof(fc));
	fc.name = name;
	fc.sink = sink;
	fc.interval_ms = interval_ms;
	fc.timeout_ms = timeout_ms;
	fc.max_samples = max_samples;
	fc.flush = flush;
	fc.arg = arg;
	if ((rc = k6c__flusher_new(out, &fc)) == 0 && (rc = k6c__flusher_start(*out)) == 0)
		return 0;
	if (!fail_msg) {
		e = k6c_error_last();
		snprintf(msg, sizeof(msg), "output \"%s\": %s", name,
			e && e->message ? e->message : "could not start its flusher");
		fail_msg = msg;
	}
	k6c__sink_fail(sink, 0, fail_msg);
	return rc;
}

int k6c__flusher_stop(k6c__flusher *f)
{
	k6c__flusher_stats st;
	int rc = 0;

	pthread_mutex_lock(&f->mu);
	if (f->state == FS_STOPPING || f->state == FS_STOPPED) {
		pthread_mutex_unlock(&f->mu);
		return 0;
	}
	f->state = f->have_thread ? FS_STOPPING : FS_STOPPED;
	f->stop_ns = k6c__now_ns();
	pthread_cond_signal(&f->cv);
	pthread_mutex_unlock(&f->mu);
	if (f->have_thread) {
		pthread_join(f->thread, NULL);
		f->have_thread = false;
		rc = f->stop_rc ? K6C_EIO : 0;
	}
	pthread_mutex_lock(&f->mu);
	f->state = FS_STOPPED;
	/* Blocks left (never started) are dropped. */
	f->st.dropped += f->pending;
	blocks_free(f->head);
	f->head = f->tail = NULL;
	f->pending = 0;
	st = f->st;
	pthread_mutex_unlock(&f->mu);
	if (st.dropped > 0)
		k6c__flusher_log(f, K6C_LOG_WARN, "%llu samples were dropped (the queue of %zu samples "
			"was full or the output was not running)", (unsigned long long)st.dropped,
			f->cfg.max_samples);
	if (st.failed > 0)
		k6c__flusher_log(f, K6C_LOG_WARN, "%llu samples could not be sent (%llu errors)",
			(unsigned long long)st.failed, (unsigned long long)st.errors);
	return rc || st.failed ? K6C_EIO : 0;
}

void k6c__flusher_free(k6c__flusher *f)
{
	if (!f)
		return;
	k6c__flusher_stop(f);
	pthread_cond_destroy(&f->cv);
	pthread_mutex_destroy(&f->mu);
	k6c__free(f->name);
	k6c__free(f);
}

void k6c__flusher_error(k6c__flusher *f, const char *fmt, ...)
{
	k6c__buf b = K6C__BUF_INIT;
	va_list ap;

	pthread_mutex_lock(&f->mu);
	f->st.errors++;
	pthread_mutex_unlock(&f->mu);
	if (!f->cfg.sink)
		return;
	va_start(ap, fmt);
	if (k6c__buf_vprintf(&b, fmt, ap) == 0)
		k6c__sink_fail(f->cfg.sink, 0, b.ptr);
	va_end(ap);
	k6c__buf_free(&b);
}

void k6c__flusher_log(k6c__flusher *f, int level, const char *fmt, ...)
{
	k6c__buf b = K6C__BUF_INIT;
	va_list ap;

	if (!f->cfg.sink)
		return;
	va_start(ap, fmt);
	if (k6c__buf_vprintf(&b, fmt, ap) == 0)
		k6c__sink_log(f->cfg.sink, level, b.ptr);
	va_end(ap);
	k6c__buf_free(&b);
}

void k6c__flusher_stats_get(k6c__flusher *f, k6c__flusher_stats *out)
{
	pthread_mutex_lock(&f->mu);
	*out = f->st;
	pthread_mutex_unlock(&f->mu);
}

/* The payload's first member is its flusher (flusher.h), so a pointer to
 * the payload is one to that member. */
int k6c__flusher_sink_add(k6c_sink *sink, void *payload, const k6c_sample *samples, size_t n)
{
	(void)sink;
	k6c__flusher_add(*(k6c__flusher **)payload, samples, n);
	return 0;
}

int k6c__flusher_sink_stop(k6c_sink *sink, void *payload, int exit_code)
{
	k6c__flusher *f = *(k6c__flusher **)payload;

	(void)sink;
	(void)exit_code;
	if (f)
		k6c__flusher_stop(f);
	return 0;
}
