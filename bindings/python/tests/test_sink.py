"""test_sink.py - k6c.Sink: Python sinks receive every sample of a run
against httpbin, in order, as Python objects; a failing sink fails the
run."""
import logging
import threading
import time

import k6c

SRC = """
import http from 'k6/http';
import { check } from 'k6';
export const options = { vus: 2, iterations: 10, thresholds: { http_reqs: ['count==10'] } };
export default function () {
  const r = http.get(__ENV.TARGET + '/get', { tags: { name: 'get' } });
  check(r, { ok: (r) => r.status === 200 });
}
"""


class Recorder(k6c.Sink):
    def __init__(self):
        self.events = []
        self.samples = []
        self.threads = set()
        self.summary_in_stop = None

    def description(self):
        return 'recorder (memory)'

    def start(self, info):
        self.threads.add(threading.get_ident())
        self.events.append('start')
        self.info = info

    def add_samples(self, samples):
        self.threads.add(threading.get_ident())
        assert samples, 'a batch is never empty'
        self.events.append('batch')
        self.samples.extend(samples)

    def stop(self, exit_code):
        self.threads.add(threading.get_ident())
        self.events.append(('stop', exit_code))
        self.summary_in_stop = self.summary()


def test_sink_counts_equal_summary(httpbin):
    rec = Recorder()
    t0 = time.time()
    res = k6c.run(source=SRC, env={'TARGET': httpbin}, sinks=[rec], log=False)
    assert res.exit_code == 0

    assert rec.events[0] == 'start' and rec.events[-1] == ('stop', 0)
    assert set(rec.events[1:-1]) == {'batch'}
    assert len(rec.threads) == 1 and threading.get_ident() not in rec.threads

    info = rec.info
    assert info.script_path == 'script.js'
    assert info.options['scenarios']['default']['iterations'] == 10
    names = {m.name: m for m in info.metrics}
    assert names['http_req_duration'].type == 'trend'
    assert names['http_req_duration'].contains == 'time'
    assert names['data_sent'].contains == 'data'
    assert abs(info.start_time - t0) < 60

    by_metric = {}
    for s in rec.samples:
        by_metric.setdefault(s.metric, []).append(s)
    metrics = res.summary['metrics']
    # Every counter's sum and every rate's passes/fails equal the summary's,
    # and every trend has one sample per request (sub-metrics such as
    # http_req_duration{expected_response:true} have no samples of their own).
    for name, m in metrics.items():
        if '{' in name:
            continue
        got = by_metric.get(name, [])
        if m['type'] == 'counter':
            assert sum(s.value for s in got) == m['values']['count'], name
        elif m['type'] == 'rate':
            assert sum(1 for s in got if s.value) == m['values']['passes'], name
            assert sum(1 for s in got if not s.value) == m['values']['fails'], name
        elif m['type'] == 'trend' and name.startswith('http_req_'):
            assert len(got) == 10, name
        elif m['type'] == 'gauge':
            assert max(s.value for s in got) == m['values']['max'], name
    assert len(by_metric['http_reqs']) == 10
    assert set(by_metric) >= {'http_reqs', 'http_req_duration', 'checks', 'iterations', 'vus'}

    req = by_metric['http_reqs'][0]
    assert (req.type, req.contains, req.value) == ('counter', 'default', 1.0)
    assert req.tags['name'] == 'get' and req.tags['status'] == '200'
    assert req.tags['url'] == httpbin + '/get' and req.tags['method'] == 'GET'
    assert list(req.tags) == sorted(req.tags)
    assert set(req.metadata) <= {'vu', 'iter'}
    assert isinstance(req.time_us, int) and req.time == req.time_us / 1e6
    assert abs(req.time - t0) < 60
    times = [s.time_us for s in rec.samples]
    assert times == sorted(times)

    # stop() saw the same summary, threshold verdicts included.
    assert rec.summary_in_stop['metrics']['http_reqs']['values']['count'] == 10
    assert rec.summary_in_stop['metrics']['http_reqs']['thresholds'] == {'count==10': {'ok': True}}


def test_sample_metadata_and_independent_tag_dicts():
    rec = Recorder()
    src = """
import exec from 'k6/execution';
import { Counter } from 'k6/metrics';
const c = new Counter('marks');
export const options = { vus: 1, iterations: 3, systemTags: ['vu', 'iter', 'scenario'] };
export default function () {
  exec.vu.metrics.metadata.trace = 't' + exec.vu.iterationInScenario;
  c.add(2, { kind: 'x' });
}
"""
    res = k6c.run(source=src, sinks=[rec], log=False)
    assert res.exit_code == 0
    marks = [s for s in rec.samples if s.metric == 'marks']
    assert [(s.value, s.tags, s.metadata) for s in marks] == [
        (2.0, {'kind': 'x', 'scenario': 'default'}, {'vu': '1', 'iter': str(i), 'trace': 't%d' % i})
        for i in range(3)]
    # Samples sharing a tag set in C still get dicts of their own.
    marks[0].tags['changed'] = 'yes'
    assert 'changed' not in marks[1].tags


def test_duck_typed_sink_and_two_sinks(httpbin):
    class Counts:
        def __init__(self):
            self.n = 0

        def add_samples(self, samples):
            self.n += sum(1 for s in samples if s.metric == 'http_reqs')

    a, b = Counts(), Recorder()
    res = k6c.run(source=SRC, env={'TARGET': httpbin}, sinks=[a, b], log=False)
    assert res.exit_code == 0
    assert a.n == 10
    assert sum(1 for s in b.samples if s.metric == 'http_reqs') == 10


def test_sink_exception_fails_the_run(httpbin):
    class Broken(k6c.Sink):
        def __init__(self):
            self.stopped = None

        def add_samples(self, samples):
            raise RuntimeError('disk full')

        def stop(self, exit_code):
            self.stopped = exit_code

    logs = []
    src = SRC.replace("iterations: 10", "duration: '60s'")
    broken = Broken()
    t0 = time.monotonic()
    res = k6c.run(source=src, env={'TARGET': httpbin}, sinks=[broken],
                  log=lambda lvl, msg: logs.append(msg))
    assert res.exit_code == 255
    assert time.monotonic() - t0 < 30
    assert broken.stopped == 255
    assert any('Python sink add_samples(): RuntimeError: disk full' in m for m in logs), logs
    # The summary is still produced after a sink's abort.
    assert res.summary is not None


def test_sink_start_failure_and_fail_without_abort(httpbin):
    class NoStart(k6c.Sink):
        def start(self, info):
            raise OSError('cannot connect')

    logs = []
    res = k6c.run(source=SRC, env={'TARGET': httpbin}, sinks=[NoStart()],
                  log=lambda lvl, msg: logs.append(msg))
    assert res.exit_code == 255
    assert any('OSError: cannot connect' in m for m in logs), logs

    class Warns(k6c.Sink):
        def add_samples(self, samples):
            self.fail('just a warning', abort=False)

    logs = []
    res = k6c.run(source=SRC, env={'TARGET': httpbin}, sinks=[Warns()],
                  log=lambda lvl, msg: logs.append(msg))
    assert res.exit_code == 0
    assert any('just a warning' in m for m in logs), logs


def test_stop_exception_is_logged_and_test_runs_again():
    class BadStop(k6c.Sink):
        def __init__(self):
            self.batches = 0

        def add_samples(self, samples):
            self.batches += 1

        def stop(self, exit_code):
            raise ValueError('in stop')

    logs = []
    sink = BadStop()
    src = 'export const options = { iterations: 2 };\nexport default function () {}'
    with k6c.Test(source=src, sinks=[sink], log=lambda lvl, msg: logs.append((lvl, msg))) as t:
        for run in (1, 2):
            res = t.run()
            assert res.exit_code == 0
            assert res.metric('iterations')['count'] == 2
            assert sink.batches >= run
            assert [m for lvl, m in logs if 'ValueError: in stop' in m and lvl == logging.ERROR]
            logs.clear()


def test_sink_methods_outside_callbacks():
    import pytest
    with pytest.raises(RuntimeError):
        k6c.Sink().fail('x')
    with pytest.raises(RuntimeError):
        k6c.Sink().summary()
    with pytest.raises(TypeError):
        k6c.Test(source='export default function () {}', sinks=[object()])
