"""test_run.py - k6c.run() and k6c.Test against a local httpbin: results,
thresholds, options, logs, outputs, abort from another thread, pause,
progress and scaling an externally-controlled scenario."""
import json
import logging
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

import k6c


def wait_for(cond, timeout=30, what='condition'):
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            pytest.fail('timed out waiting for ' + what)
        time.sleep(0.02)


def test_result_of_a_run(httpbin):
    src = """
import http from 'k6/http';
import { check } from 'k6';
export const options = { vus: 2, iterations: 4 };
export default function () {
  const r = http.get(__ENV.TARGET + '/status/200');
  check(r, { 'is 200': (r) => r.status === 200 });
}
"""
    res = k6c.run(source=src, env={'TARGET': httpbin}, log=False)
    assert res.exit_code == 0 and res.ok
    assert res.thresholds_passed
    assert res.metric('http_reqs')['count'] == 4
    assert res.metric('checks')['passes'] == 4
    assert res.summary['root_group']['checks'][0]['name'] == 'is 200'
    assert 'http_reqs' in res.summary_text
    assert res.options['scenarios']['default']['iterations'] == 4
    assert res.summary_stderr is None


def test_thresholds_failed_exit_99(httpbin):
    src = """
import http from 'k6/http';
export const options = {
  iterations: 3,
  thresholds: { http_reqs: ['count>100'], http_req_failed: ['rate<0.5'] },
};
export default function () { http.get(__ENV.TARGET + '/get'); }
"""
    res = k6c.run(source=src, env={'TARGET': httpbin}, log=False)
    assert res.exit_code == 99
    assert res.thresholds_passed is False
    assert res.summary['metrics']['http_reqs']['thresholds'] == {'count>100': {'ok': False}}
    assert res.summary['metrics']['http_req_failed']['thresholds'] == {'rate<0.5': {'ok': True}}


def test_thresholds_passed_and_options_override(httpbin):
    src = """
import http from 'k6/http';
export const options = { iterations: 1, thresholds: { http_reqs: ['count>=3'] } };
export default function () { http.get(__ENV.TARGET + '/get'); }
"""
    # options= wins over the script's, as k6's flags do; as a dict or text.
    res = k6c.run(source=src, env={'TARGET': httpbin}, options={'iterations': 3}, log=False)
    assert (res.exit_code, res.thresholds_passed) == (0, True)
    assert res.metric('http_reqs')['count'] == 3
    res = k6c.run(source=src, env={'TARGET': httpbin}, options='{"iterations": 2}', log=False)
    assert (res.exit_code, res.thresholds_passed) == (99, False)


def test_script_file_and_script_errors(tmp_path):
    path = tmp_path / 'lib.js'
    path.write_text('export function f() { return 3; }\n')
    main = tmp_path / 'main.js'
    main.write_text("import { f } from './lib.js';\n"
                    "export const options = { iterations: f() };\n"
                    "export default function () {}\n")
    res = k6c.run(script=str(main), log=False)
    assert res.exit_code == 0
    assert res.metric('iterations')['count'] == 3

    res = k6c.run(source='export default function ( {', log=False)
    assert res.exit_code == 107
    assert res.summary is None

    res = k6c.run(source='export default function () {}', options={'vus': -1}, log=False)
    assert res.exit_code == 104

    with pytest.raises(ValueError):
        k6c.run()
    with pytest.raises(ValueError):
        k6c.run(script='a.js', source='b')
    with pytest.raises(k6c.Error) as e:
        k6c.run(source='export default function () {}', options='[1]')
    assert e.value.name == 'K6C_EINVAL' and e.value.code == -2


def test_log_lines_to_logging_and_callable(caplog):
    src = """
export const options = { iterations: 1 };
export default function () { console.log('hello', 1); console.warn('careful'); console.error('bad'); }
"""
    with caplog.at_level(logging.DEBUG, logger='k6c'):
        assert k6c.run(source=src).exit_code == 0
    got = [(r.name, r.levelno, r.getMessage()) for r in caplog.records if r.name == 'k6c']
    for want in [('k6c', logging.INFO, 'hello 1'), ('k6c', logging.WARNING, 'careful'),
                 ('k6c', logging.ERROR, 'bad')]:
        assert want in got

    lines = []
    assert k6c.run(source=src, log=lambda lvl, msg: lines.append((lvl, msg))).exit_code == 0
    assert (logging.INFO, 'hello 1') in lines and (logging.ERROR, 'bad') in lines


def test_json_output(httpbin, tmp_path):
    out = tmp_path / 'out.json'
    src = """
import http from 'k6/http';
export const options = { iterations: 3 };
export default function () { http.get(__ENV.TARGET + '/get'); }
"""
    res = k6c.run(source=src, env={'TARGET': httpbin}, outputs=['json=%s' % out], log=False)
    assert res.exit_code == 0
    points = [json.loads(line) for line in out.read_text().splitlines()]
    reqs = [p for p in points if p.get('type') == 'Point' and p['metric'] == 'http_reqs']
    assert len(reqs) == 3
    assert all(p['data']['tags']['url'] == httpbin + '/get' for p in reqs)

    res = k6c.run(source=src, env={'TARGET': httpbin}, outputs='no-such-output', log=False)
    assert res.exit_code == 104


def test_abort_from_another_thread(httpbin):
    src = """
import http from 'k6/http';
export const options = { vus: 2, duration: '60s' };
export default function () { http.get(__ENV.TARGET + '/delay/0.1'); }
"""
    with k6c.Test(source=src, env={'TARGET': httpbin}, log=False) as t:
        def aborter():
            wait_for(lambda: sum(p.iterations_complete for p in t.progress()) >= 4,
                     what='iterations')
            t.abort()
        th = threading.Thread(target=aborter)
        th.start()
        started = time.monotonic()
        res = t.run()
        th.join()
    assert res.exit_code == 105
    assert time.monotonic() - started < 30
    assert res.metric('http_reqs')['count'] >= 2
    # abort() on a closed test is a harmless no-op.
    t.abort()


def test_start_wait_pause_resume_progress(httpbin):
    src = """
import http from 'k6/http';
export const options = { vus: 1, iterations: 5 };
export default function () { http.get(__ENV.TARGET + '/get'); }
"""
    with k6c.Test(source=src, env={'TARGET': httpbin}, paused=True, log=False) as t:
        assert t.result().exit_code == -1
        t.start()
        with pytest.raises(k6c.Error) as e:
            t.start()
        assert e.value.name == 'K6C_ESTATE'
        # Paused before the scenarios: nothing runs until resumed.
        time.sleep(0.5)
        p = t.progress()
        assert all(s.iterations_complete == 0 for s in p)
        t.resume()
        res = t.wait()
        assert res.exit_code == 0
        assert res.metric('iterations')['count'] == 5
        p = t.progress()
        assert [(s.name, s.executor, s.state, s.iterations_complete) for s in p] == \
            [('default', 'shared-iterations', 'done', 5)]
        assert p[0].progress == pytest.approx(1.0)
    with pytest.raises(ValueError, match='closed'):
        t.progress()


def test_scale_externally_controlled(httpbin):
    vus = set()
    lock = threading.Lock()

    def seen(vu):
        with lock:
            vus.add(vu)

    src = """
import http from 'k6/http';
import m from 'k6/x/scale';
export const options = {
  scenarios: { ext: { executor: 'externally-controlled', vus: 1, maxVUs: 2, duration: '60s' } },
};
export default function () { http.get(__ENV.TARGET + '/delay/0.05'); m.seen(__VU); }
"""
    with k6c.Test(source=src, env={'TARGET': httpbin}, log=False,
                  modules=[k6c.Module('scale', {'seen': seen})]) as t:
        t.start()
        try:
            wait_for(lambda: vus, what='the first iteration')
            p = t.progress()
            assert (p[0].name, p[0].executor, p[0].vus_active, p[0].vus_max) == \
                ('ext', 'externally-controlled', 1, 2)
            with pytest.raises(k6c.Error) as e:
                t.scale(5)
            assert e.value.name == 'K6C_EINVAL'
            with pytest.raises(k6c.Error) as e:
                t.scale(1, scenario='nope')
            assert e.value.name == 'K6C_ENOTFOUND'
            # Raise the maximum and the active VUs: VUs 3 and 4 get to run.
            t.scale(4, max_vus=4, scenario='ext')
            wait_for(lambda: len(vus) == 4, what='four VUs running')
            p = t.progress()
            assert (p[0].vus_active, p[0].vus_max) == (4, 4)
            t.scale(2)
            wait_for(lambda: t.progress()[0].vus_active == 2, what='two active VUs')
        finally:
            t.abort()
            res = t.wait()
    assert res.exit_code == 105
    assert vus == {1, 2, 3, 4}
    assert res.metric('vus_max')['max'] == 4


def test_inspect_and_workers():
    with k6c.Test(source='export const options = { vus: 3, duration: "1s" };\n'
                         'export default function () {}', workers=1, cache_dir='') as t:
        res = t.inspect()
        assert res.exit_code == 0
        assert res.options['scenarios']['default']['vus'] == 3
    with pytest.raises(k6c.Error) as e:
        k6c.Test(source='export default function () {}', workers=5000)
    assert e.value.name == 'K6C_EINVAL'


def test_library_version():
    assert k6c.library_version().count('.') == 2
    assert os.path.basename(os.environ['K6C_LIBRARY']).startswith('libk6c.so')


def test_ctrl_c_aborts_the_run(tmp_path, httpbin):
    # A fresh interpreter whose main thread is in run(); SIGINT once the
    # test runs must abort it (exit code 105), then raise KeyboardInterrupt.
    prog = tmp_path / 'prog.py'
    prog.write_text(textwrap.dedent('''
        import sys, threading, time
        import k6c
        src = """
        import http from 'k6/http';
        export const options = { vus: 2, duration: '60s' };
        export default function () { http.get(__ENV.TARGET + '/delay/0.1'); }
        """
        t = k6c.Test(source=src, env={'TARGET': sys.argv[1]}, log=False)
        def tell():
            while not any(p.iterations_complete for p in t.progress()):
                time.sleep(0.02)
            print('RUNNING', flush=True)
        threading.Thread(target=tell, daemon=True).start()
        t0 = time.monotonic()
        try:
            t.run()
            print('NOT INTERRUPTED')
        except KeyboardInterrupt:
            res = t.result()
            print('INTERRUPTED %d %d %.1f' % (res.exit_code, res.metric('http_reqs')['count'] > 0,
                                             time.monotonic() - t0))
    '''))
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(k6c.__file__)))
    p = subprocess.Popen([sys.executable, str(prog), httpbin], env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline() == 'RUNNING\n'
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
    finally:
        p.kill()
        p.wait()
    words = out.split()
    assert words[:3] == ['INTERRUPTED', '105', '1'], (out, err)
    assert float(words[3]) < 30
    assert p.returncode == 0, err


def test_system_env_config_file_and_handle_summary(tmp_path, monkeypatch):
    seen = []
    monkeypatch.setenv('K6C_PY_FROM_PROCESS', 'yes')
    monkeypatch.setenv('K6_ITERATIONS', '3')
    src = """
import m from 'k6/x/envs';
export default function () { m.seen(__ENV.K6C_PY_FROM_PROCESS || 'unset', __ENV.MINE); }
export function handleSummary(data) {
  return { stdout: 'iterations=' + data.metrics.iterations.values.count + '\\n',
           stderr: 'to stderr' };
}
"""
    mod = k6c.Module('envs', {'seen': lambda *a: seen.append(a)})
    # Without system_env the process environment is invisible, K6_* too.
    res = k6c.run(source=src, modules=[mod], env={'MINE': 1}, log=False)
    assert (res.exit_code, seen) == (0, [('unset', '1')])
    assert res.summary_text == 'iterations=1\n' and res.summary_stderr == 'to stderr'
    # With it, __ENV has the process's variables (env= wins) and K6_*
    # variables are options.
    seen.clear()
    res = k6c.run(source=src, modules=[mod], env={'MINE': 'm'}, system_env=True, log=False)
    assert (res.exit_code, seen) == (0, [('yes', 'm')] * 3)
    assert res.summary_text == 'iterations=3\n'
    # A config file is the lowest tier: K6_ITERATIONS still wins over it.
    cfg = tmp_path / 'config.json'
    cfg.write_text('{"iterations": 2, "vus": 1}')
    seen.clear()
    res = k6c.run(source=src, modules=[mod], config_file=cfg, log=False)
    assert (res.exit_code, len(seen)) == (0, 2)
    seen.clear()
    res = k6c.run(source=src, modules=[mod], config_file=cfg, system_env=True, log=False)
    assert (res.exit_code, len(seen)) == (0, 3)
    res = k6c.run(source=src, modules=[mod], config_file=tmp_path / 'missing.json', log=False)
    assert res.exit_code == 104
