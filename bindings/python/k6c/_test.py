"""_test.py - k6c.Test and k6c.run(): one k6c_test (k6c/test.h) with its
modules, sinks, outputs and log callback, and its Result.
"""
import atexit
import collections
import ctypes
import json
import logging
import os
import threading

from . import _lib
from ._module import Module
from ._sink import SinkAdapter

__all__ = ['Test', 'Result', 'ScenarioProgress', 'run']

logger = logging.getLogger('k6c')

_LEVELS = {0: logging.DEBUG, 1: logging.INFO, 2: logging.WARNING, 3: logging.ERROR}

ScenarioProgress = collections.namedtuple(
    'ScenarioProgress',
    'name executor state progress elapsed_ms vus_active vus_max '
    'iterations_complete iterations_interrupted iterations_dropped')
ScenarioProgress.__doc__ = """A snapshot of one scenario (k6c_scenario_progress):
state is "pending", "running", "stopping" or "done"; progress 0..1."""

_STATES = ('pending', 'running', 'stopping', 'done')

# Tests running or started and not yet waited for. The strong references
# keep a started test alive when the program drops its own (its threads
# call back into its objects); at interpreter exit the tests still here are
# aborted and waited for, so that no libk6c thread calls into a finalising
# interpreter.
_running = set()


@atexit.register
def _abort_running():
    for t in list(_running):
        t.abort()
        # A run()/wait() left in flight by a second Ctrl-C ends first: the
        # C test is not freed under a thread still inside it.
        th = t._blocking
        if th is not None:
            th.done.wait()
        t.close()


class Result:
    """The outcome of a run.

    exit_code: k6's exit code (0 ok, 99 thresholds failed, 104 bad
      configuration, 105 aborted, 107 script error, 108 aborted by the
      script, 110 failed by the script, 255 other failure).
    summary: the handleSummary() data (dict: metrics, root_group, options,
      state), or None when the run failed before the scenarios started.
    summary_text: the end-of-test summary as k6 prints it, or None.
    summary_stderr: what the script's handleSummary() wrote to "stderr".
    options: the consolidated options (dict), or None.
    thresholds_passed: False when a threshold of the summary failed; True
      when all passed or there were none (also when there is no summary).
    """

    __slots__ = ('exit_code', 'summary', 'summary_text', 'summary_stderr', 'options')

    def __init__(self, exit_code, summary, summary_text, summary_stderr, options):
        self.exit_code = exit_code
        self.summary = summary
        self.summary_text = summary_text
        self.summary_stderr = summary_stderr
        self.options = options

    @property
    def thresholds_passed(self):
        for metric in ((self.summary or {}).get('metrics') or {}).values():
            for verdict in (metric.get('thresholds') or {}).values():
                if not verdict.get('ok', False):
                    return False
        return True

    @property
    def ok(self):
        """exit_code == 0."""
        return self.exit_code == 0

    def metric(self, name):
        """The summary's values of one metric (e.g. {"count": 6, "rate":
        ...}), or None."""
        m = ((self.summary or {}).get('metrics') or {}).get(name)
        return None if m is None else m.get('values')

    def __repr__(self):
        return '<k6c.Result exit_code=%d thresholds_passed=%s>' % (self.exit_code,
                                                                 self.thresholds_passed)


def _log_to_logging(level, message):
    logger.log(level, '%s', message)


class Test:
    """One load test.

    Exactly one of:
      script: the path of a script file (relative imports and open()
        resolve against its directory);
      source: the script text (str or bytes); `name` is its file name in
        messages and for relative imports (default "script.js", resolved
        against the current directory).

    options: k6 options overriding the script's, as a dict (serialised
      with json.dumps) or a JSON string; they have the precedence of k6's
      command-line flags.
    env: dict for __ENV (like `k6 run -e K=V`); with system_env=True the
      process environment is copied in first (and K6_* variables act as
      options, as in k6).
    modules: k6c.Module objects the script may import.
    sinks: k6c.Sink objects (or any object with add_samples()).
    outputs: k6 output specs, as `--out`: "json=results.json", "csv=...".
    log: where log lines (console.*, engine messages) go: None (default)
      forwards them to the logging module's "k6c" logger; a callable gets
      (level, message) with level a logging level number (logging.INFO,
      ...), from any of the test's threads; False drops them.
    workers: worker threads (default: K6C_WORKERS, else the CPU count).
    cache_dir: where lowered scripts are cached ("" disables the cache).
    config_file: a k6 JSON config file (`k6 run --config`).
    paused: start paused (k6's --paused); see resume().

    The C test is freed by close(), at the end of a `with` block, or when
    the object is garbage-collected; a running test is aborted first.
    """

    def __init__(self, script=None, source=None, options=None, env=None, modules=(), sinks=(),
                 outputs=(), log=None, workers=None, name='script.js', system_env=False,
                 cache_dir=None, config_file=None, paused=False):
        if (script is None) == (source is None):
            raise ValueError('give exactly one of script= (a path) or source= (the text)')
        self._lock = threading.Lock()
        self._ptr = None
        self._blocking = None
        # Everything the C side calls back into, kept until the C test is
        # freed: module callbacks, sink vtables, the log callback.
        self._modules = list(modules)
        self._sinks = [SinkAdapter(s) for s in sinks]
        self._log_cb = None

        cdll = _lib.lib()
        ptr = ctypes.c_void_p()
        _lib.check(cdll.k6c_test_new(ctypes.byref(ptr)), 'k6c_test_new')
        self._ptr = ptr
        try:
            self._configure(cdll, script, source, name, options, env, outputs, log, workers,
                            system_env, cache_dir, config_file, paused)
        except BaseException:
            self.close()
            raise

    def _configure(self, cdll, script, source, name, options, env, outputs, log, workers,
                   system_env, cache_dir, config_file, paused):
        p = self._ptr
        if script is not None:
            _lib.check(cdll.k6c_test_set_script_file(p, _lib.encode(os.fspath(script), 'script')),
                       'script %s' % (script,))
        else:
            src = _lib.encode(source, 'source')
            _lib.check(cdll.k6c_test_set_script_source(p, _lib.encode(name, 'name'), src, len(src)),
                       'script source')
        if options is not None:
            text = options if isinstance(options, (str, bytes)) else json.dumps(options)
            _lib.check(cdll.k6c_test_set_options(p, _lib.encode(text, 'options')), 'options')
        if system_env:
            _lib.check(cdll.k6c_test_set_system_env(p), 'system environment')
        for k, v in (env or {}).items():
            _lib.check(cdll.k6c_test_set_env(p, _lib.encode(k, 'env key'),
                                             None if v is None else _lib.encode(str(v), 'env value')),
                       'env %s' % (k,))
        if log is not False:
            target = _log_to_logging if log is None else log

            def forward(level, message, payload):
                try:
                    target(_LEVELS.get(level, logging.ERROR), _lib.decode(message))
                except BaseException:  # noqa: B902 - must not reach ctypes
                    pass
            self._log_cb = _lib.LOG_CB(forward)
            _lib.check(cdll.k6c_test_set_log_callback(p, self._log_cb, None, None), 'log callback')
        if workers is not None:
            _lib.check(cdll.k6c_test_set_workers(p, workers), 'workers')
        if cache_dir is not None:
            _lib.check(cdll.k6c_test_set_cache_dir(p, _lib.encode(os.fspath(cache_dir), 'cache_dir')),
                       'cache_dir')
        if config_file is not None:
            _lib.check(cdll.k6c_test_set_config_file(
                p, _lib.encode(os.fspath(config_file), 'config_file')), 'config_file')
        for m in self._modules:
            if not isinstance(m, Module):
                raise TypeError('modules must be k6c.Module objects, not %r' % (m,))
            m._register(p)
        for s in self._sinks:
            s.attach(p)
        if isinstance(outputs, str):
            outputs = [outputs]
        for spec in outputs:
            _lib.check(cdll.k6c_test_add_output(p, _lib.encode(spec, 'output')), 'output %s' % spec)
        if paused:
            _lib.check(cdll.k6c_test_set_paused(p, 1), 'paused')

    # ---- life cycle ----

    def _p(self):
        if self._ptr is None:
            raise ValueError('the test is closed')
        return self._ptr

    def run(self):
        """Run the test to the end on this thread and return its Result.
        The GIL is released meanwhile; abort() from another thread stops
        it. On the main thread, Ctrl-C aborts the test, waits for its end
        (teardown and summary included) and raises KeyboardInterrupt;
        result() then has the run's Result (exit code 105)."""
        _running.add(self)
        try:
            self._block(_lib.lib().k6c_test_run, 'run')
        finally:
            if self._blocking is None:
                _running.discard(self)
        return self.result()

    def start(self):
        """Start the test on a thread of libk6c and return at once; call
        wait() for its Result."""
        p = self._p()
        _lib.check(_lib.lib().k6c_test_start(p), 'start')
        _running.add(self)

    def wait(self):
        """Wait for a started test to end and return its Result. Ctrl-C
        does what it does in run()."""
        try:
            self._block(_lib.lib().k6c_test_wait, 'wait')
        finally:
            if self._blocking is None:
                _running.discard(self)
        return self.result()

    def _block(self, cfn, what):
        """Calls run or wait. Off the main thread, directly. On the main
        thread, from a helper thread while the main one waits in short
        joins, so that Ctrl-C is noticed (a signal may be delivered to any
        of libk6c's threads, which would not wake a main thread blocked in
        C) and turned into abort()."""
        p = self._p()
        if threading.current_thread() is not threading.main_thread():
            _lib.check(cfn(p), what)
            return
        box = []
        done = threading.Event()

        def call():
            rc = cfn(p)
            # The last error is per thread: read it here.
            box.append((rc, _lib.last_error_message(rc) if rc < 0 else None))
            done.set()

        # An Event, not Thread.join(): an interrupted join() marks a live
        # thread as ended in Python before 3.13.
        th = threading.Thread(target=call, name='k6c-' + what, daemon=True)
        th.done = done
        self._blocking = th
        th.start()
        try:
            while not done.wait(0.1):
                pass
        except KeyboardInterrupt:
            self.abort()
            # A second Ctrl-C leaves at once; the atexit handler then
            # waits for the run before freeing the test.
            while not done.wait(0.1):
                pass
            self._blocking = None
            raise
        self._blocking = None
        rc, message = box[0]
        _lib.check(rc, what, message)

    def abort(self):
        """Stop a running test as Ctrl-C stops `k6 run` (exit code 105).
        Safe from any thread; a no-op when the test is not running or is
        closed."""
        with self._lock:
            if self._ptr is not None:
                _lib.lib().k6c_test_abort(self._ptr)

    def pause(self):
        """Pause: no new iterations start and the executors' clocks stop.
        Any thread."""
        self._paused(1)

    def resume(self):
        """Resume a paused test (or one created with paused=True). Any
        thread."""
        self._paused(0)

    def _paused(self, value):
        with self._lock:
            _lib.check(_lib.lib().k6c_test_set_paused(self._p(), value), 'pause')

    def scale(self, vus, max_vus=0, scenario=None):
        """Change the VUs of an externally-controlled scenario of the
        running test (k6 scale --vus --max); max_vus 0 keeps the maximum,
        scenario None means the only externally-controlled one. Any
        thread. Raises k6c.Error (K6C_ENOTFOUND, K6C_EINVAL, K6C_ESTATE)."""
        with self._lock:
            _lib.check(_lib.lib().k6c_test_scale(
                self._p(), None if scenario is None else _lib.encode(scenario, 'scenario'),
                vus, max_vus), 'scale')

    def progress(self):
        """A ScenarioProgress per scenario (empty before the scenarios
        start). Any thread."""
        out = []
        with self._lock:
            p = self._p()
            cdll = _lib.lib()
            sp = _lib.ScenarioProgressStruct()
            while True:
                rc = cdll.k6c_test_progress(p, len(out), ctypes.byref(sp))
                if rc == _lib.K6C_ENOTFOUND:
                    break
                _lib.check(rc, 'progress')
                out.append(ScenarioProgress(
                    _lib.decode(sp.name), _lib.decode(sp.executor),
                    _STATES[sp.state] if 0 <= sp.state < len(_STATES) else sp.state,
                    sp.progress, sp.elapsed_ms, sp.vus_active, sp.vus_max,
                    sp.iterations_complete, sp.iterations_interrupted, sp.iterations_dropped))
        return out

    def inspect(self):
        """Load the script and consolidate its options without running
        (k6 inspect): returns the Result, whose options has them."""
        _lib.check(_lib.lib().k6c_test_inspect(self._p()), 'inspect')
        return self.result()

    def result(self):
        """The Result of the last run (exit_code -1 before any)."""
        cdll = _lib.lib()
        p = self._p()
        summary = cdll.k6c_test_summary_json(p)
        options = cdll.k6c_test_options_json(p)
        return Result(cdll.k6c_test_exit_code(p),
                      None if summary is None else json.loads(_lib.decode(summary)),
                      _lib.decode(cdll.k6c_test_summary_text(p)),
                      _lib.decode(cdll.k6c_test_summary_stderr(p)),
                      None if options is None else json.loads(_lib.decode(options)))

    def close(self):
        """Free the C test (aborting and waiting for a running one). Safe
        to call twice."""
        with self._lock:
            p, self._ptr = self._ptr, None
            if p is not None:
                _lib.lib().k6c_test_free(p)
        _running.discard(self)
        # Only now can the callbacks go: the C test is gone.
        self._sinks = []
        self._modules = []
        self._log_cb = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except BaseException:  # noqa: B902 - nothing to do at that point
            pass


def run(script=None, source=None, options=None, env=None, modules=(), sinks=(), outputs=(),
        **more):
    """Run one test to the end and return its Result; the arguments are
    Test's."""
    with Test(script=script, source=source, options=options, env=env, modules=modules,
              sinks=sinks, outputs=outputs, **more) as t:
        return t.run()
