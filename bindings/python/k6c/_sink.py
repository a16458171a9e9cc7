"""_sink.py - k6c.Sink: a Python object receiving every metric sample of a
test, over k6c_test_add_sink() (k6c/sink.h).

The C samples are copied into Python objects (Sample) batch by batch on the
test's output thread; nothing of the C side is kept after a callback
returns.
"""
import collections
import ctypes
import json
import struct
import threading

from . import _lib

__all__ = ['Sink', 'Sample', 'Metric', 'StartInfo']

_TYPES = ('counter', 'gauge', 'rate', 'trend')
# k6c_sample and k6c_tag as struct formats in native layout; checked
# against the ctypes declarations so a mismatch fails at import.
_SAMPLE = struct.Struct('@PqdPNPN')
_PAIR = struct.Struct('@PP')
assert _SAMPLE.size == ctypes.sizeof(_lib.SampleStruct)
assert _PAIR.size == ctypes.sizeof(_lib.TagStruct)
_CONTAINS = ('default', 'time', 'data')

Metric = collections.namedtuple('Metric', 'id name type contains')
Metric.__doc__ = """A metric as a sink sees it: its id in the test, name,
type ("counter", "gauge", "rate" or "trend") and contains ("default",
"time" or "data")."""

# The k6c_sink handle of the callback running on this thread (the output
# thread runs one sink callback at a time), for Sink.fail() and
# Sink.summary().
_current = threading.local()


def _text(b):
    return b.decode('utf-8', 'replace')


def _describe(exc):
    text = str(exc)
    return '%s: %s' % (type(exc).__name__, text) if text else type(exc).__name__


class Sample:
    """One sample.

    metric: the metric's name, e.g. "http_req_duration".
    type, contains: the metric's type and value kind (see Metric).
    time_us: when it was measured, int microseconds since the Unix epoch;
      `time` is the same as float seconds (as time.time()).
    value: float (milliseconds for a time metric, bytes for data, 0 or 1
      for a rate).
    tags: dict of str to str, sorted by key.
    metadata: dict of str to str (`vu`, `iter`, exec.vu.metrics.metadata).
    """

    __slots__ = ('metric', 'type', 'contains', 'time_us', 'value', 'tags', 'metadata')

    def __init__(self, metric, type, contains, time_us, value, tags, metadata):
        self.metric = metric
        self.type = type
        self.contains = contains
        self.time_us = time_us
        self.value = value
        self.tags = tags
        self.metadata = metadata

    @property
    def time(self):
        return self.time_us / 1e6

    def __repr__(self):
        return 'Sample(%s %s=%r at %d, tags=%r)' % (self.type, self.metric, self.value,
                                                    self.time_us, self.tags)


class StartInfo:
    """What start() receives: script_path (or the source's name), options
    (the consolidated options, a dict), metrics (list of Metric known at
    the start; more may show up in samples), start_us (int microseconds
    since the epoch) and start_time (the same in float seconds)."""

    __slots__ = ('script_path', 'options', 'metrics', 'start_us')

    def __init__(self, script_path, options, metrics, start_us):
        self.script_path = script_path
        self.options = options
        self.metrics = metrics
        self.start_us = start_us

    @property
    def start_time(self):
        return self.start_us / 1e6


class Sink:
    """Base class of a sink: override what you need.

    All callbacks of a test's sinks run on its output thread, one at a
    time: start(info) before the first VU starts, add_samples(samples) with
    a non-empty list of Sample about every 50-100 ms, in time order, then
    stop(exit_code) once, also after a failed or aborted run.

    An exception raised by a callback fails the test: the run stops with
    exit code 255 (k6's for a failing output) and the exception, as
    "<Type>: <message>", is logged. Any object with these methods can be
    used as a sink; subclassing only adds fail() and summary() and the
    do-nothing defaults.
    """

    def description(self):
        """The run header's "output: ..." text; None for the default."""
        return None

    def start(self, info):
        """The test starts; info is a StartInfo."""

    def add_samples(self, samples):
        """A batch of samples (a list of Sample, never empty)."""

    def stop(self, exit_code):
        """The test ended with exit_code (0, 99, 105, ...)."""

    def fail(self, message=None, abort=True):
        """Report an error from inside a callback: logged, and with abort
        the test stops with exit code 255. The callback should then return
        normally."""
        handle = getattr(_current, 'handle', None)
        if not handle:
            raise RuntimeError('Sink.fail() is only valid inside a sink callback')
        _lib.lib().k6c_sink_fail(handle, 1 if abort else 0,
                                 None if message is None else message.encode('utf-8', 'replace'))

    def summary(self):
        """Inside stop(): the end-of-test summary (the handleSummary data)
        as a dict, or None when the run ended before it was computed."""
        handle = getattr(_current, 'handle', None)
        if not handle:
            raise RuntimeError('Sink.summary() is only valid inside stop()')
        text = _lib.lib().k6c_sink_summary_json(handle)
        return None if text is None else json.loads(_text(text))


class SinkAdapter:
    """The C side of one sink for one test: its vtable and callbacks, kept
    alive by the test object until the C test is freed."""

    def __init__(self, sink):
        if not callable(getattr(sink, 'add_samples', None)):
            raise TypeError('a sink needs an add_samples(samples) method: %r' % (sink,))
        self.sink = sink
        self.metrics = {}
        self.desc_buf = None
        vt = _lib.SinkVtableStruct()
        vt.version = _lib.K6C_SINK_VERSION
        self.cbs = []
        if callable(getattr(sink, 'description', None)):
            vt.description = self._keep(_lib.SINK_DESCRIPTION(self._description))
        vt.start = self._keep(_lib.SINK_START(self._start))
        vt.add_samples = self._keep(_lib.SINK_ADD_SAMPLES(self._add_samples))
        vt.stop = self._keep(_lib.SINK_STOP(self._stop))
        self.vtable = vt

    def _keep(self, cb):
        self.cbs.append(cb)
        return cb

    def _guard(self, handle, what, fn, *args):
        """Runs one callback; an exception fails the test (abort) and makes
        the callback return nonzero. Nothing may escape into ctypes."""
        _current.handle = handle
        try:
            fn(*args)
            return 0
        except BaseException as e:  # noqa: B902 - must not reach ctypes
            try:
                msg = 'Python sink %s(): %s' % (what, _describe(e))
                _lib.lib().k6c_sink_fail(handle, 1, msg.encode('utf-8', 'replace'))
            except BaseException:  # noqa: B902
                pass
            return 1
        finally:
            _current.handle = None

    def _description(self, handle, payload):
        try:
            text = self.sink.description()
            if text is None:
                return None
            self.desc_buf = ctypes.create_string_buffer(str(text).encode('utf-8', 'replace'))
            return ctypes.addressof(self.desc_buf)
        except BaseException:  # noqa: B902 - a description is not worth failing for
            return None

    def _metric(self, addr):
        m = self.metrics.get(addr)
        if m is None:
            c = ctypes.cast(addr, ctypes.POINTER(_lib.MetricInfoStruct)).contents
            m = (_text(c.name), _TYPES[c.type], _CONTAINS[c.contains])
            self.metrics[addr] = m
        return m

    def _start(self, handle, payload, info_p):
        def go():
            self.metrics = {}
            start = getattr(self.sink, 'start', None)
            if start is None:
                return
            info = info_p.contents
            metrics = [Metric(info.metrics[i].id, _text(info.metrics[i].name),
                              _TYPES[info.metrics[i].type], _CONTAINS[info.metrics[i].contains])
                       for i in range(info.nmetrics)]
            options = json.loads(_text(info.options_json)) if info.options_json else {}
            start(StartInfo(_text(info.script_path) if info.script_path else None, options,
                            metrics, info.start_us))
        return self._guard(handle, 'start', go)

    def _add_samples(self, handle, payload, samples_p, n):
        def go():
            # The batch is read as raw bytes with struct rather than through
            # ctypes attribute access, which costs several times more per
            # field. Within one call the borrowed tag arrays and strings do
            # not change, so a tag set seen at the same address (libk6c
            # shares them between samples) is decoded once per batch.
            raw = ctypes.string_at(samples_p, n * _SAMPLE.size)
            tagsets = {}
            strings = {}

            def text(addr):
                t = strings.get(addr)
                if t is None:
                    t = strings[addr] = _text(ctypes.string_at(addr))
                return t

            def tagdict(addr, count):
                if not count:
                    return {}
                key = (addr, count)
                d = tagsets.get(key)
                if d is None:
                    ptrs = _PAIR.iter_unpack(ctypes.string_at(addr, count * _PAIR.size))
                    d = tagsets[key] = {text(k): text(v) for k, v in ptrs}
                return d.copy()

            batch = []
            append = batch.append
            known = self.metrics.get
            for metric, time_us, value, tags, ntags, meta, nmeta in _SAMPLE.iter_unpack(raw):
                name, mtype, contains = known(metric) or self._metric(metric)
                append(Sample(name, mtype, contains, time_us, value,
                              tagdict(tags, ntags) if ntags else {},
                              tagdict(meta, nmeta) if nmeta else {}))
            self.sink.add_samples(batch)
        return self._guard(handle, 'add_samples', go)

    def _stop(self, handle, payload, exit_code):
        def go():
            stop = getattr(self.sink, 'stop', None)
            if stop is not None:
                stop(exit_code)
        try:
            return self._guard(handle, 'stop', go)
        finally:
            # The metric infos die with the run.
            self.metrics = {}

    def attach(self, test_ptr):
        cdll = _lib.lib()
        _lib.check(cdll.k6c_test_add_sink(test_ptr, ctypes.byref(self.vtable), None),
                   'adding sink %r' % (self.sink,))
