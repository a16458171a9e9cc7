"""test_module.py - k6c.Module: Python callables as k6/x/ modules, called
from the worker threads of a real test (against httpbin where the script
makes requests)."""
import logging
import threading

import pytest

import k6c


def test_issue_example(httpbin):
    # Issue 8's example, verbatim but for `target`.
    target = httpbin
    src = """
import http from 'k6/http';
import py from 'k6/x/py';
export const options = { vus: 2, iterations: 6 };
export default function () { http.get(__ENV.TARGET + '/get'); py.bump(2); }
"""
    total = []
    res = k6c.run(source=src, modules=[k6c.Module("k6/x/py", {"bump": lambda n: total.append(n)})],
                  env={"TARGET": target})
    assert res.exit_code == 0 and sum(total) == 12
    # And what the example implies: six requests reached httpbin.
    assert res.metric('http_reqs')['count'] == 6
    assert res.metric('checks') is None
    assert res.thresholds_passed


def test_short_module_name_and_threads():
    threads = set()
    calls = []

    def where():
        threads.add(threading.get_ident())
        calls.append(k6c.call_info())
        return len(calls)

    src = """
import py from 'k6/x/short';
export const options = {
  scenarios: { each: { executor: 'per-vu-iterations', vus: 4, iterations: 10 } },
};
export default function () { py.where(); }
"""
    res = k6c.run(source=src, modules=[k6c.Module('short', {'where': where})], workers=2, log=False)
    assert res.exit_code == 0
    assert len(calls) == 40
    # Called on libk6c's worker threads, never on the calling one.
    assert threading.get_ident() not in threads
    assert {vu for vu, _ in calls} == {1, 2, 3, 4}
    assert not any(in_init for _, in_init in calls)
    assert k6c.call_info() is None


VALUES = [
    ('str', '"h\u00e9llo \\"q\\" \\u2603"', 'h\u00e9llo "q" \u2603'),
    ('int', '42', 42),
    ('negint', '-7', -7),
    ('float', '2.5', 2.5),
    ('true', 'true', True),
    ('false', 'false', False),
    ('null', 'null', None),
    ('list', '[1, "a", null, [true]]', [1, 'a', None, [True]]),
    ('dict', '{"a": 1, "b": {"c": [1.5]}, "d": null}', {'a': 1, 'b': {'c': [1.5]}, 'd': None}),
]


@pytest.mark.parametrize('label,js,py', VALUES, ids=[v[0] for v in VALUES])
def test_conversions_both_ways(label, js, py):
    got = []
    seen = []

    def take(v):
        got.append(v)

    def give():
        return py

    def report(same, kind):
        seen.append((same, kind))

    src = """
import m from 'k6/x/conv';
export const options = { iterations: 1 };
export default function () {
  const v = %s;
  m.take(v);
  const back = m.give();
  m.report(JSON.stringify(back) === JSON.stringify(v),
           back === null ? 'null' : Array.isArray(back) ? 'array' : typeof back);
}
""" % js
    res = k6c.run(source=src, modules=[k6c.Module('k6/x/conv', {'take': take, 'give': give,
                                                                'report': report})], log=False)
    assert res.exit_code == 0
    # JS -> Python: the value and its Python type.
    assert got == [py]
    assert type(got[0]) is type(py)
    # Python -> JS: the same value, of the JavaScript type it should be.
    kind = {str: 'string', int: 'number', float: 'number', bool: 'boolean', type(None): 'null',
            list: 'array', dict: 'object'}[type(py)]
    assert seen == [(True, kind)]


def test_arguments_and_return_values():
    src = """
import m from 'k6/x/args';
export const options = { iterations: 1 };
export default function () {
  m.put(m.add(2, 3), m.add(0.5, 0.25), m.join('a', 'b', 'c'), m.nothing(), m.tuple());
  m.put(m.count(), m.count(1, undefined, 3));
}
"""
    out = []
    fns = {
        'add': lambda a, b: a + b,
        'join': lambda *parts: '-'.join(parts),
        'nothing': lambda: None,
        'tuple': lambda: (1, 2),
        'count': lambda *a: [len(a), list(a)],
        'put': lambda *a: out.append(a),
    }
    res = k6c.run(source=src, modules=[k6c.Module('args', fns)], log=False)
    assert res.exit_code == 0
    assert out == [(5, 0.75, 'a-b-c', None, [1, 2]), ([0, []], [3, [1, None, 3]])]


def test_python_exception_becomes_js_error():
    caught = []

    def fail(what):
        raise ValueError('bad input: %s' % what)

    src = """
import m from 'k6/x/err';
export const options = { iterations: 2 };
export default function () {
  try {
    m.fail('x');
    m.report('no exception');
  } catch (e) {
    m.report(e instanceof Error, e.message);
  }
}
"""
    res = k6c.run(source=src, modules=[k6c.Module('err', {'fail': fail,
                                                          'report': lambda *a: caught.append(a)})],
                  log=False)
    assert res.exit_code == 0
    assert caught == [(True, 'ValueError: bad input: x')] * 2


def test_exception_traceback_logged_at_debug(caplog):
    def deep():
        raise LookupError('nothing here')

    src = """
import m from 'k6/x/tb';
export const options = { iterations: 1 };
export default function () { try { m.deep(); } catch (e) {} }
"""
    with caplog.at_level(logging.DEBUG, logger='k6c'):
        res = k6c.run(source=src, modules=[k6c.Module('tb', {'deep': deep})], log=False)
    assert res.exit_code == 0
    recs = [r for r in caplog.records if r.getMessage() == 'k6/x/tb.deep raised']
    assert len(recs) == 1 and recs[0].levelno == logging.DEBUG
    assert recs[0].exc_info[0] is LookupError
    assert 'in deep' in caplog.text


def test_uncaught_python_exception_fails_iteration():
    logs = []

    def boom():
        raise KeyError('k')

    src = """
import m from 'k6/x/boom';
export const options = { iterations: 3 };
export default function () { m.boom(); }
"""
    res = k6c.run(source=src, modules=[k6c.Module('boom', {'boom': boom})],
                  log=lambda level, msg: logs.append(msg))
    # An exception in an iteration is logged and the test goes on, as k6.
    assert res.exit_code == 0
    assert len([m for m in logs if "KeyError: 'k'" in m]) == 3


def test_unserialisable_return_value_throws():
    caught = []
    src = """
import m from 'k6/x/ret';
export const options = { iterations: 1 };
export default function () {
  for (const f of ['aset', 'nan', 'obj']) {
    try { m[f](); m.report(f, 'returned'); } catch (e) { m.report(f, e.message); }
  }
}
"""
    res = k6c.run(source=src, modules=[k6c.Module('ret', {
        'aset': lambda: {1, 2},
        'nan': lambda: float('nan'),
        'obj': lambda: object(),
        'report': lambda *a: caught.append(a)})], log=False)
    assert res.exit_code == 0
    assert [f for f, _ in caught] == ['aset', 'nan', 'obj']
    for f, msg in caught:
        assert msg.startswith('TypeError: k6/x/ret.%s returned a value JSON cannot encode: ' % f), msg
    assert 'set is not JSON serializable' in caught[0][1]
    assert 'Out of range float values' in caught[1][1]


def test_module_in_init_context():
    calls = []
    src = """
import m from 'k6/x/init';
const base = m.config();
export const options = { iterations: 1 };
export default function () { m.seen(base.n); }
"""
    res = k6c.run(source=src, modules=[k6c.Module('init', {
        'config': lambda: (calls.append(k6c.call_info()), {'n': 7})[1],
        'seen': lambda n: calls.append(n)})], log=False)
    assert res.exit_code == 0
    # Init runs once as VU 0 to read the options, then once in VU 1.
    assert (0, True) in calls and (1, True) in calls
    assert calls[-1] == 7


def test_module_validation():
    with pytest.raises(ValueError, match='not a JavaScript identifier'):
        k6c.Module('bad', {'no-dash': lambda: 1})
    with pytest.raises(TypeError, match='not callable'):
        k6c.Module('bad', {'x': 1})
    m = k6c.Module('k6/x/dup', {'f': lambda: 1})
    with pytest.raises(k6c.Error) as e:
        k6c.Test(source='export default function () {}', modules=[m, m], log=False)
    assert e.value.name == 'K6C_ECONFIG'
    assert 'k6/x/dup' in str(e.value)


def test_named_imports_and_json_stringify_rules():
    got = []
    src = """
import { f } from 'k6/x/named';
import whole from 'k6/x/named';
export const options = { iterations: 1 };
export default function () { f(new Date(0), () => 1, undefined, 2.0); whole.f(); }
"""
    res = k6c.run(source=src, modules=[k6c.Module('named', {'f': lambda *a: got.append(a)})],
                  log=False)
    assert res.exit_code == 0
    # As JSON.stringify() has it: a Date is its ISO string, a function and
    # undefined in the arguments are null, 2.0 is the integer 2.
    assert got == [('1970-01-01T00:00:00.000Z', None, None, 2), ()]
    assert type(got[0][3]) is int
