#!/usr/bin/env python3
"""test_cli.py - end-to-end tests of the `k6c` command (samples/cli).

Runs the built binary (K6C_CLI) as a subprocess on the scripts of this
directory and checks what a k6 user sees: exit codes, `k6c inspect` JSON,
--stage, --config, --summary-export's document, --summary-mode's full,
legacy and disabled summaries, --paused resumed by
SIGUSR1, SIGINT/SIGTERM handling, progress on stderr when stdout is not a
terminal, invalid flag values, -o/K6_OUT with unknown outputs and the run
header's output line, the built-in file outputs (json and csv to stdout, several
outputs at once, an sqlite file after SIGINT and SIGKILL), and execution segments: the three segments of
0,1/2,3/4,1 run as three processes at once do what one full run does.

No test needs the network: the scripts make no requests. Timings are loose
(a noisy two-core machine must pass); nothing asserts on speed.
"""
import csv
import gzip
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

CLI = os.environ.get('K6C_CLI', '')
HERE = os.path.dirname(os.path.abspath(__file__))
LOG_LINE = re.compile(r'^(DEBU|INFO|WARN|ERRO)\[\d+\] (.*)$')


def script(name):
    return os.path.join(HERE, name)


def child_env(extra=None):
    env = dict(os.environ)
    env.setdefault('K6C_WORKERS', '2')
    env.pop('K6_VUS', None)
    if extra:
        env.update(extra)
    return env


def run(args, extra_env=None, timeout=120):
    """Runs k6c to the end; returns (exit code, stdout, stderr)."""
    p = subprocess.run([CLI] + args, env=child_env(extra_env), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout, text=True)
    return p.returncode, p.stdout, p.stderr


def messages(stderr):
    """The log messages on stderr (without the LEVEL[secs] prefix)."""
    out = []
    for line in stderr.splitlines():
        m = LOG_LINE.match(line)
        if m:
            out.append(m.group(2))
    return out


class Proc:
    """A k6c process in the background with stdout and stderr in files, so
    the test can watch its log while it runs and signal it."""

    def __init__(self, args, extra_env=None):
        self.dir = tempfile.TemporaryDirectory(prefix='k6c-cli-')
        self.out_path = os.path.join(self.dir.name, 'stdout')
        self.err_path = os.path.join(self.dir.name, 'stderr')
        self.out = open(self.out_path, 'w')
        self.err = open(self.err_path, 'w')
        self.args = args
        self.p = subprocess.Popen([CLI] + args, env=child_env(extra_env), stdout=self.out,
                                  stderr=self.err)

    def stderr(self):
        with open(self.err_path) as f:
            return f.read()

    def stdout(self):
        with open(self.out_path) as f:
            return f.read()

    def wait_for(self, needle, timeout=60):
        """Waits until stderr has a line containing needle; False on timeout
        or if the process ended first."""
        until = time.monotonic() + timeout
        while time.monotonic() < until:
            if needle in self.stderr():
                return True
            if self.p.poll() is not None:
                return needle in self.stderr()
            time.sleep(0.05)
        return False

    def wait(self, timeout=120):
        try:
            rc = self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            raise AssertionError('k6c %s did not end within %s s; stderr:\n%s'
                                 % (' '.join(self.args), timeout, self.stderr()))
        self.out.close()
        self.err.close()
        return rc

    def close(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()
        self.out.close()
        self.err.close()
        self.dir.cleanup()


class CliTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix='k6c-cli-')
        self.procs = []

    def tearDown(self):
        for p in self.procs:
            p.close()
        self.tmp.cleanup()

    def spawn(self, args, extra_env=None):
        p = Proc(args, extra_env)
        self.procs.append(p)
        return p

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def explain(self, rc, out, err):
        return 'exit code %s\n---- stdout:\n%s\n---- stderr:\n%s' % (rc, out, err)

    # ---- inspect -----------------------------------------------------------

    def inspect(self, args, extra_env=None):
        rc, out, err = run(['inspect'] + args, extra_env)
        self.assertEqual(rc, 0, self.explain(rc, out, err))
        try:
            return json.loads(out)
        except ValueError as e:
            self.fail('k6c inspect did not print JSON (%s):\n%s' % (e, out))

    def test_inspect_prints_consolidated_json(self):
        o = self.inspect(['--vus', '3', '--iterations', '9', script('cli_basic.js')])
        sc = o['scenarios']['default']
        self.assertEqual(sc['executor'], 'shared-iterations')
        self.assertEqual(sc['vus'], 3)
        self.assertEqual(sc['iterations'], 9)
        self.assertIn('iterations', o.get('thresholds', {}))

    def test_inspect_stages(self):
        o = self.inspect(['--stage', '1s:2', '--stage', '1s:0', script('cli_basic.js')])
        sc = o['scenarios']['default']
        self.assertEqual(sc['executor'], 'ramping-vus')
        self.assertEqual([s['target'] for s in sc['stages']], [2, 0])

    def test_inspect_config_env_flag_precedence(self):
        cfg = self.path('config.json')
        with open(cfg, 'w') as f:
            json.dump({'vus': 5, 'iterations': 50}, f)
        base = ['--config', cfg, script('cli_basic.js')]
        sc = self.inspect(base)['scenarios']['default']
        self.assertEqual((sc['executor'], sc['vus'], sc['iterations']), ('shared-iterations', 5, 50))
        sc = self.inspect(base, {'K6_VUS': '6'})['scenarios']['default']
        self.assertEqual((sc['vus'], sc['iterations']), (6, 50))
        sc = self.inspect(['--vus', '7'] + base, {'K6_VUS': '6'})['scenarios']['default']
        self.assertEqual((sc['vus'], sc['iterations']), (7, 50))
        # A duration flag replaces the config file's execution group.
        sc = self.inspect(['--duration', '2s'] + base)['scenarios']['default']
        self.assertEqual(sc['executor'], 'constant-vus')
        self.assertNotIn('iterations', sc)

    def test_inspect_system_tags(self):
        # k6's default set, sorted, when nothing sets it.
        self.assertEqual(self.inspect([script('cli_basic.js')])['systemTags'],
                         ['check', 'error', 'error_code', 'expected_response', 'group', 'method',
                          'name', 'proto', 'scenario', 'service', 'status', 'subproto',
                          'tls_version', 'url'])
        env = {'K6_SYSTEM_TAGS': 'url, vu'}
        self.assertEqual(self.inspect([script('cli_basic.js')], env)['systemTags'], ['url', 'vu'])
        # The flag is the highest tier.
        o = self.inspect(['--system-tags', 'status,iter', script('cli_basic.js')], env)
        self.assertEqual(o['systemTags'], ['iter', 'status'])

    def test_inspect_max_redirects(self):
        self.assertEqual(self.inspect(['--max-redirects', '3', script('cli_basic.js')])['maxRedirects'], 3)

    # ---- run ---------------------------------------------------------------

    def test_summary_export_shape(self):
        f = self.path('export.json')
        rc, out, err = run(['run', '-q', '--vus', '2', '--iterations', '6', '--summary-export', f,
                            script('cli_basic.js')])
        self.assertEqual(rc, 0, self.explain(rc, out, err))
        self.assertIn('iterations', out, 'no summary on stdout')
        with open(f) as fh:
            doc = json.load(fh)
        m = doc['metrics']
        # Values flattened next to thresholds; a Rate's key is "value".
        self.assertEqual(m['iterations']['count'], 6)
        self.assertIn('rate', m['iterations'])
        self.assertEqual(m['checks']['value'], 1)
        self.assertEqual((m['checks']['passes'], m['checks']['fails']), (6, 0))
        self.assertNotIn('values', m['iterations'])
        # The threshold's boolean says whether it was crossed.
        self.assertIs(m['iterations']['thresholds']['count>=1'], False)
        self.assertIs(m['checks']['thresholds']['rate==1'], False)
        for k in ('avg', 'min', 'med', 'max', 'p(90)', 'p(95)'):
            self.assertIn(k, m['iteration_duration'])
        # Groups and checks are objects keyed by name.
        rg = doc['root_group']
        self.assertEqual(rg['path'], '')
        self.assertEqual(rg['id'], 'd41d8cd98f00b204e9800998ecf8427e')
        self.assertIsInstance(rg['groups'], dict)
        self.assertIsInstance(rg['checks'], dict)
        c = rg['checks']['one is one']
        self.assertEqual((c['passes'], c['fails'], c['path']), (6, 0, '::one is one'))

    def test_no_summary(self):
        rc, out, err = run(['run', '-q', '--no-summary', script('cli_basic.js')])
        self.assertEqual(rc, 0, self.explain(rc, out, err))
        self.assertNotIn('iteration_duration', out)
        self.assertNotIn('iteration_duration', err)

    def test_no_summary_is_summary_mode_disabled(self):
        # k6 1.x: --no-summary and K6_NO_SUMMARY also skip handleSummary()
        # and --summary-export.
        f = self.path('export.json')
        rc, out, err = run(['run', '-q', '--no-summary', '--summary-export', f,
                            script('cli_summary_handle.js')])
        self.assertEqual(rc, 0, self.explain(rc, out, err))
        self.assertNotIn('HANDLED', out)
        self.assertFalse(os.path.exists(f))
        rc, out, err = run(['run', '-q', '--summary-export', f, script('cli_summary_handle.js')],
                           extra_env={'K6_NO_SUMMARY': 'true'})
        self.assertEqual(rc, 0, self.explain(rc, out, err))
        self.assertNotIn('HANDLED', out)
        self.assertFalse(os.path.exists(f))

    def test_thresholds_crossed_99_and_no_thresholds(self):
        # The script tier's golden.js: one threshold fails on purpose.
        golden = os.path.join(HERE, '..', 'script', 'thresholds', 'golden.js')
        rc, out, err = run(['run', '-q', '--no-color', golden])
        self.assertEqual(rc, 99, self.explain(rc, out, err))
        self.assertIn("thresholds on metrics 'g_counter{kind:a}' have been crossed",
                      messages(err), self.explain(rc, out, err))
        self.assertIn("\u2717 'count>2' count=2", out)
        self.assertIn("\u2713 'count==2' count=2", out)
        # --no-thresholds, and K6_NO_THRESHOLDS: not evaluated, exit 0.
        for args, env in ((['--no-thresholds'], None), ([], {'K6_NO_THRESHOLDS': 'true'})):
            rc, out, err = run(['run', '-q', '--no-color'] + args + [golden], env)
            self.assertEqual(rc, 0, self.explain(rc, out, err))
            self.assertNotIn('have been crossed', err)

    def test_summary_mode_full_groups_and_scenarios(self):
        rc, out, err = run(['run', '-q', '--no-color', '--summary-mode', 'full',
                            script('cli_summary_modes.js')])
        self.assertEqual(rc, 0, self.explain(rc, out, err))
        titles = [l for l in out.splitlines() if '█' in l or '↳ GROUP' in l]
        self.assertEqual(titles, ['  █ THRESHOLDS ', '  █ TOTAL RESULTS ', '  █ GROUP: outer ',
                                  '    ↳ GROUP: inner ', '  █ SCENARIO: beta ', '    ↳ GROUP: solo '],
                         out)
        # Each block has the checks and metrics of its own samples only.
        blocks = re.split(r'\n  █ ', out)
        outer = next(b for b in blocks if b.startswith('GROUP: outer'))
        top, inner = outer.split('    ↳ GROUP: inner ')
        self.assertIn('    ✓ outer check\n', top)
        self.assertRegex(top, r'\n    items\.+: 4 ')
        self.assertNotIn('work', top)
        self.assertIn('      ✗ inner check\n          ↳  0% — ✓ 0 / ✗ 2\n', inner)
        self.assertRegex(inner, r'\n      work\.+: avg=5 ')
        beta = next(b for b in blocks if b.startswith('SCENARIO: beta'))
        self.assertRegex(beta, r'\n    items\.+: 3 ')
        self.assertRegex(beta, r'\n    iterations\.+: 3 ')
        self.assertIn('    ↳ GROUP: solo ', beta)
        self.assertNotIn('outer', beta)
        # The scenario named "default" has no block of its own.
        self.assertNotIn('SCENARIO: default', out)

    def test_summary_mode_legacy_layout(self):
        rc, out, err = run(['run', '-q', '--no-color', script('cli_summary_modes.js')],
                           {'K6_SUMMARY_MODE': 'legacy'})
        self.assertEqual(rc, 0, self.explain(rc, out, err))
        self.assertNotIn('TOTAL RESULTS', out)
        lines = out.splitlines()
        self.assertLess(lines.index('     █ outer'), lines.index('       █ inner'))
        self.assertIn('         ✗ inner check', lines)
        self.assertIn('          ↳  0% — ✓ 0 / ✗ 2', lines)
        metrics = [l for l in lines if re.match(r'^   [ ✓✗] \S+\.+: ', l)]
        names = [re.match(r'^   . (\S+?)\.+:', l).group(1) for l in metrics]
        # Every metric (group_duration too), by name; the threshold's mark.
        self.assertEqual(names, sorted(names), out)
        self.assertIn('group_duration', names)
        self.assertRegex(out, r'\n     checks\.+: 77\.77% 7 out of 9\n')
        self.assertRegex(out, r'\n   ✓ items\.+: 7 ')

    def test_summary_mode_disabled_skips_handle_summary(self):
        f = self.path('export.json')
        rc, out, err = run(['run', '-q', '--summary-mode=disabled', '--summary-export', f,
                            script('cli_summary_handle.js')])
        self.assertEqual(rc, 0, self.explain(rc, out, err))
        self.assertEqual(out.strip(), '')
        self.assertFalse(os.path.exists(f))
        # The same script without the flag runs its handleSummary.
        rc, out, err = run(['run', '-q', script('cli_summary_handle.js')])
        self.assertEqual(rc, 0, self.explain(rc, out, err))
        self.assertIn('HANDLED 1', out)

    def test_summary_mode_invalid_104(self):
        rc, out, err = run(['run', '-q', '--summary-mode', 'verbose', script('cli_summary_modes.js')])
        self.assertEqual(rc, 104, self.explain(rc, out, err))
        self.assertIn('invalid option "summaryMode": "verbose"', err)

    def test_stage_runs_ramping_vus(self):
        f = self.path('export.json')
        rc, out, err = run(['run', '--stage', '1s:2', '--stage', '1s:0', '--summary-export', f,
                            script('cli_basic.js')], {'SLEEP': '0.1'})
        self.assertEqual(rc, 0, self.explain(rc, out, err))
        with open(f) as fh:
            m = json.load(fh)['metrics']
        self.assertEqual(m['vus_max']['value'], 2)
        self.assertLessEqual(m['vus']['max'], 2)
        self.assertGreater(m['iterations']['count'], 3)
        vus = {int(re.search(r'vu=(\d+)', l).group(1)) for l in messages(err) if l.startswith('ITER ')}
        self.assertTrue(vus <= {1, 2}, vus)

    def test_quiet_keeps_console_logs(self):
        # k6's -q turns off the progress output only; log lines stay.
        rc, out, err = run(['run', '-q', '--vus', '1', '--iterations', '2', script('cli_basic.js')])
        self.assertEqual(rc, 0, self.explain(rc, out, err))
        self.assertEqual(sum(1 for l in messages(err) if l.startswith('ITER ')), 2,
                         'console.log lines dropped by -q:\n' + err)
        self.assertNotRegex(err, r'(running|finished) \(', 'progress despite -q')

    def test_progress_on_stderr_when_not_a_tty(self):
        rc, out, err = run(['run', '--vus', '1', '--iterations', '2', script('cli_basic.js')])
        self.assertEqual(rc, 0, self.explain(rc, out, err))
        self.assertRegex(err, r'(running|finished) \(.*VUs', 'no progress lines on stderr')
        self.assertIn('default', err)
        self.assertNotRegex(out, r'(running|finished) \(', 'progress on stdout')
        self.assertIn('iterations', out, 'no summary on stdout')

    def test_paused_until_sigusr1(self):
        p = self.spawn(['run', '--paused', '--vus', '1', '--iterations', '2',
                        script('cli_basic.js')])
        time.sleep(2.0)
        self.assertIsNone(p.p.poll(), 'the paused run ended by itself:\n' + p.stderr())
        self.assertNotIn('setup ran', p.stderr(), 'setup ran while paused')
        self.assertNotIn('ITER ', p.stderr(), 'an iteration ran while paused')
        p.p.send_signal(signal.SIGUSR1)
        rc = p.wait(60)
        err = p.stderr()
        self.assertEqual(rc, 0, self.explain(rc, p.stdout(), err))
        self.assertIn('setup ran', err)
        self.assertEqual(sum(1 for l in messages(err) if l.startswith('ITER ')), 2, err)

    def signal_run(self, sig):
        p = self.spawn(['run', '--vus', '1', '--duration', '30s', script('cli_basic.js')],
                       {'SLEEP': '0.1'})
        self.assertTrue(p.wait_for('ITER '), 'no iteration started:\n' + p.stderr())
        t0 = time.monotonic()
        p.p.send_signal(sig)
        rc = p.wait(60)
        took = time.monotonic() - t0
        out, err = p.stdout(), p.stderr()
        self.assertEqual(rc, 105, self.explain(rc, out, err))
        self.assertLess(took, 20, 'the graceful stop took %.1f s' % took)
        self.assertIn('teardown ran', err, 'teardown did not run')
        self.assertIn('iterations', out, 'no summary on stdout')

    def test_sigint_graceful_stop_105(self):
        self.signal_run(signal.SIGINT)

    def test_sigterm_graceful_stop_105(self):
        self.signal_run(signal.SIGTERM)

    def test_second_sigint_interrupts_teardown(self):
        p = self.spawn(['run', '--vus', '1', '--duration', '30s', script('cli_basic.js')],
                       {'SLEEP': '0.1', 'SLOW_TEARDOWN': '1'})
        self.assertTrue(p.wait_for('ITER '), 'no iteration started:\n' + p.stderr())
        p.p.send_signal(signal.SIGINT)
        self.assertTrue(p.wait_for('teardown start', 30), 'teardown did not start:\n' + p.stderr())
        t0 = time.monotonic()
        p.p.send_signal(signal.SIGINT)
        rc = p.wait(60)
        took = time.monotonic() - t0
        out, err = p.stdout(), p.stderr()
        self.assertEqual(rc, 105, self.explain(rc, out, err))
        self.assertLess(took, 15, 'the second SIGINT did not cut the 30 s teardown (%.1f s)' % took)
        self.assertNotIn('teardown ran', err)
        self.assertIn('iterations', out, 'no summary of what was measured')

    def test_invalid_flag_values_104(self):
        cases = [
            (['--vus', 'abc'], 'abc'),
            (['--iterations', '-3'], '-3'),
            (['--duration', '10x'], '10x'),
            (['--stage', 'bad'], 'bad'),
            (['--stage', '1s:x'], '1s:x'),
            (['--execution-segment', '3/4:1/2'], '3/4:1/2'),
            (['--execution-segment', '1/3:2/3', '--execution-segment-sequence', '0,1/2,1'],
             '1/3:2/3'),
            (['--summary-trend-stats', 'p(101)'], 'p(101)'),
            (['--system-tags', 'status,stauts'], 'stauts'),
            (['--config', '/nonexistent/k6c.json'], '/nonexistent/k6c.json'),
            (['--max-redirects', 'many'], 'many'),
        ]
        for args, needle in cases:
            with self.subTest(args=args):
                rc, out, err = run(['run', '-q'] + args + [script('cli_basic.js')])
                self.assertEqual(rc, 104, self.explain(rc, out, err))
                self.assertIn(needle, err, 'the message does not name the value')
                self.assertNotIn('ITER ', err, 'the test ran')

    # ---- outputs -----------------------------------------------------------

    def test_out_unknown_104(self):
        # -o (repeatable, --out= too) and K6_OUT select named outputs; an
        # unknown one fails the run before it starts, naming it.
        for args, env, name in [(['-o', 'nope=x.json'], None, 'nope'),
                                (['--out=first', '-o', 'second'], None, 'first'),
                                ([], {'K6_OUT': 'from-env,other'}, 'from-env')]:
            with self.subTest(args=args, env=env):
                rc, out, err = run(['run'] + args + [script('cli_basic.js')], env)
                self.assertEqual(rc, 104, self.explain(rc, out, err))
                self.assertIn("invalid output type '%s', available types are: " % name, err)
                self.assertNotIn('ITER ', err, 'the test ran')
                self.assertNotIn('execution: local', out, 'the header came before the outputs')

    def test_out_header_without_outputs(self):
        # k6's header: "output: -" when nothing is selected.
        rc, out, err = run(['run', '--vus', '1', '--iterations', '1', script('cli_basic.js')],
                           {'K6_OUT': ''})
        self.assertEqual(rc, 0, self.explain(rc, out, err))
        self.assertRegex(out, r'execution: local\n\s+script: .*cli_basic\.js\n\s+output: -\n')
        self.assertLess(out.index('output: -'), out.index('scenarios:'))

    def test_out_flag_needs_a_name(self):
        rc, out, err = run(['run', '-o', '=x', script('cli_basic.js')])
        self.assertEqual(rc, 104, self.explain(rc, out, err))
        self.assertIn('invalid value of --out', err)

    def ndjson_counts(self, text):
        """Points per metric of k6's NDJSON text, checking each line is JSON
        and each metric's Metric line comes once, before its Points."""
        points, seen = {}, set()
        for line in text.splitlines():
            if not line.startswith('{'):
                continue
            v = json.loads(line)
            if v['type'] == 'Metric':
                self.assertNotIn(v['metric'], seen, 'a second Metric line')
                seen.add(v['metric'])
            else:
                self.assertEqual(v['type'], 'Point')
                self.assertIn(v['metric'], seen, 'a Point before its Metric line')
                points[v['metric']] = points.get(v['metric'], 0) + 1
        return points

    def test_out_json_stdout(self):
        # json with no file, or with -, writes the lines to stdout; csv=- too.
        for spec in ['json', 'json=-', 'csv=-']:
            with self.subTest(spec=spec):
                rc, out, err = run(['run', '-q', '-o', spec, '--vus', '1', '--iterations', '3',
                                    script('cli_basic.js')], {'K6_OUT': ''})
                self.assertEqual(rc, 0, self.explain(rc, out, err))
                if spec.startswith('csv'):
                    rows = list(csv.reader(l for l in out.splitlines()
                                           if l.startswith(('metric_name,', 'iterations,'))))
                    self.assertEqual(rows[0][-2:], ['extra_tags', 'metadata'], out)
                    self.assertEqual(len(rows), 4, out)
                    continue
                points = self.ndjson_counts(out)
                self.assertEqual(points.get('iterations'), 3, out)
                self.assertEqual(points.get('checks'), 3, out)

    def test_out_several(self):
        # -o is repeatable; every output gets every sample; the header lists
        # them all, in order.
        plain, gz = self.path('several.json'), self.path('several.json.gz')
        csv_path, db_path = self.path('several.csv'), self.path('several.db')
        export = self.path('several-export.json')
        rc, out, err = run(['run', '-o', 'json=' + plain, '--out', 'json=' + gz,
                            '-o', 'csv=fileName=%s,timeFormat=unix_milli' % csv_path,
                            '-o', 'sqlite=' + db_path,
                            '--summary-export', export, '--vus', '2', '--iterations', '5',
                            script('cli_basic.js')], {'K6_OUT': ''})
        self.assertEqual(rc, 0, self.explain(rc, out, err))
        self.assertIn('output: json (%s), json (%s), csv (%s), sqlite (%s)\n'
                      % (plain, gz, csv_path, db_path), out)
        with sqlite3.connect(db_path) as db:
            self.assertEqual(db.execute("SELECT count(*) FROM sample_view WHERE metric = "
                                        "'iterations'").fetchone()[0], 5)
            self.assertEqual(db.execute('SELECT exit_code, status FROM runs').fetchall(),
                             [(0, 'finished')])
        with open(csv_path) as f:
            rows = list(csv.reader(f))
        self.assertEqual(rows[0][:3], ['metric_name', 'timestamp', 'metric_value'])
        self.assertEqual(sum(1 for r in rows if r[0] == 'iterations'), 5)
        self.assertEqual(sum(1 for r in rows if r[0] == 'checks'), 5)
        with open(export) as f:
            summary = json.load(f)
        with open(plain) as f:
            text = f.read()
        with gzip.open(gz, 'rt') as f:
            self.assertEqual(f.read(), text, 'the .gz file holds other lines')
        points = self.ndjson_counts(text)
        self.assertEqual(points['iterations'], summary['metrics']['iterations']['count'])
        self.assertEqual(points['iterations'], 5)
        checks = summary['metrics']['checks']
        self.assertEqual(points['checks'], checks['passes'] + checks['fails'])

    def sqlite_rows(self, path, timeout=60):
        """Waits (bounded) until a running run has committed samples."""
        until = time.monotonic() + timeout
        while time.monotonic() < until:
            if os.path.exists(path):
                try:
                    with sqlite3.connect('file:%s?mode=ro' % path, uri=True) as db:
                        n = db.execute('SELECT count(*) FROM samples WHERE run = (SELECT '
                                       'max(id) FROM runs WHERE status = ?)',
                                       ('running',)).fetchone()[0]
                    if n >= 20:
                        return n
                except sqlite3.Error:
                    pass
            time.sleep(0.1)
        self.fail('no samples committed to %s within %s s' % (path, timeout))

    def test_out_sqlite_signals(self):
        # SIGINT: the run ends (105) with its end written; SIGKILL: what was
        # committed stays, the file is sound, the run is left 'running'.
        path = self.path('signals.db')
        for sig, want_rc, status in [(signal.SIGINT, 105, 'aborted'),
                                     (signal.SIGKILL, -signal.SIGKILL, 'running')]:
            with self.subTest(signal=sig):
                p = self.spawn(['run', '-q', '-o', 'sqlite=' + path, '--vus', '2',
                                '--duration', '60s', script('cli_basic.js')],
                               {'K6_OUT': '', 'SLEEP': '0.02'})
                seen = self.sqlite_rows(path)
                p.p.send_signal(sig)
                rc = p.wait()
                self.assertEqual(rc, want_rc, self.explain(rc, p.stdout(), p.stderr()))
                with sqlite3.connect(path) as db:
                    self.assertEqual(db.execute('PRAGMA integrity_check').fetchone()[0], 'ok')
                    run_id, ended, code, st = db.execute(
                        'SELECT id, ended_us, exit_code, status FROM runs '
                        'ORDER BY id DESC LIMIT 1').fetchone()
                    self.assertEqual(run_id, 1 if sig == signal.SIGINT else 2)
                    self.assertEqual(st, status)
                    if sig == signal.SIGINT:
                        self.assertEqual(code, 105)
                        self.assertIsNotNone(ended)
                    else:
                        self.assertIsNone(code)
                        self.assertIsNone(ended)
                    n = db.execute('SELECT count(*) FROM samples WHERE run = ?',
                                   (run_id,)).fetchone()[0]
                    self.assertGreaterEqual(n, seen)
                    # Whole iterations only: each committed batch is complete,
                    # so no sample lacks its metric.
                    self.assertEqual(n, db.execute('SELECT count(*) FROM sample_view '
                                                   'WHERE run = ?', (run_id,)).fetchone()[0])

    # ---- execution segments ------------------------------------------------

    SEQUENCE = '0,1/2,3/4,1'
    SEGMENTS = ['0:1/2', '1/2:3/4', '3/4:1']

    def run_segments(self, mode):
        """The full run and the three segments, all four at the same time.
        Returns [(segment or None, exit code, [(it, vu, local, off)], export)]."""
        jobs = []
        for seg in [None] + self.SEGMENTS:
            export = self.path('export-%s-%s.json' % (mode, (seg or 'full').replace('/', '_')))
            args = ['run', '--summary-export', export]
            if seg:
                args += ['--execution-segment', seg, '--execution-segment-sequence', self.SEQUENCE]
            jobs.append((seg, export, self.spawn(args + [script('cli_segments.js')],
                                                 {'MODE': mode})))
        results = []
        for seg, export, p in jobs:
            rc = p.wait(120)
            err = p.stderr()
            self.assertEqual(rc, 0, 'segment %s: %s' % (seg, self.explain(rc, p.stdout(), err)))
            its = []
            for l in messages(err):
                m = re.match(r'SEG kind=\w+ it=(\d+) vu=(\d+) local=(\d+) off=(-?\d+)', l)
                if m:
                    its.append(tuple(int(x) for x in m.groups()))
            with open(export) as fh:
                doc = json.load(fh)
            results.append((seg, rc, its, doc))
            sys.stderr.write('segment %s: %d iterations, VUs %s\n'
                             % (seg, len(its), sorted({i[1] for i in its})))
        return results

    def test_segments_shared_iterations(self):
        res = self.run_segments('shared')
        full, parts = res[0], res[1:]
        self.assertEqual(len(full[2]), 100)
        self.assertEqual(full[3]['metrics']['iterations']['count'], 100)
        # Same total iterations.
        self.assertEqual(sum(len(p[2]) for p in parts), 100,
                         [(p[0], len(p[2])) for p in parts])
        self.assertEqual(sum(p[3]['metrics']['iterations']['count'] for p in parts), 100)
        # Disjoint global VU ids covering 1..10, striped as k6 (5/3/2).
        ids = [sorted({i[1] for i in p[2]}) for p in parts]
        self.assertEqual(ids, [[1, 3, 5, 7, 9], [2, 6, 10], [4, 8]])
        self.assertEqual(sorted({i[1] for i in full[2]}), list(range(1, 11)))
        # Local ids count from 1 in each instance.
        for p, want in zip(parts, (5, 3, 2)):
            self.assertEqual(sorted({i[2] for i in p[2]}), list(range(1, want + 1)), p[0])
        # Global scenario iteration numbers never collide.
        its = [i[0] for p in parts for i in p[2]]
        self.assertEqual(len(its), len(set(its)), 'iterationInTest repeated across segments')
        self.assertEqual(sorted(i[0] for i in full[2]), list(range(100)))

    def test_segments_constant_arrival_rate(self):
        res = self.run_segments('car')
        full, parts = res[0], res[1:]
        full_its = sorted(i[0] for i in full[2])
        self.assertEqual(full_its, list(range(40)))
        its = sorted(i[0] for p in parts for i in p[2])
        # Exactly the full run's arrivals, none twice.
        self.assertEqual(its, full_its)
        # Each instance's arrivals are spread over the whole schedule (k6
        # stripes them by a tuple built from maxVUs, 3/2/1 VUs here), not a
        # block of it.
        for p in parts:
            mine = sorted(i[0] for i in p[2])
            self.assertTrue(mine and mine[0] < 10 and mine[-1] >= 30, (p[0], mine))
        # At the same times: arrival k at k * 50 ms of its scenario.
        for seg, _, rows, _ in res:
            late = [(it, off) for it, _, _, off in rows if abs(off - it * 50) > 400]
            self.assertFalse(late, 'segment %s: arrivals far from k*50 ms: %s' % (seg, late[:5]))
        # Disjoint global VU ids.
        seen = [{i[1] for i in p[2]} for p in parts]
        self.assertFalse(seen[0] & seen[1] or seen[0] & seen[2] or seen[1] & seen[2], seen)
        self.assertTrue(set().union(*seen) <= set(range(1, 7)), seen)
        dropped = sum(p[3]['metrics'].get('dropped_iterations', {}).get('count', 0) for p in parts)
        self.assertEqual(dropped, 0)

    # ---- k6/x/sql and plugins ------------------------------------------------

    def run_in(self, args, cwd, extra_env=None):
        p = subprocess.run([CLI] + args, env=child_env(extra_env), cwd=cwd,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120,
                           text=True)
        return p.returncode, p.stdout, p.stderr

    def test_sql_built_in(self):
        rc, out, err = self.run_in(['run', '-q', '-u', '3', '-i', '12', script('cli_sql.js')],
                                   self.tmp.name)
        self.assertEqual(rc, 0, self.explain(rc, out, err))
        con = sqlite3.connect(self.path('cli.db'))
        try:
            self.assertEqual(con.execute('SELECT count(*) FROM runs').fetchone()[0], 12)
        finally:
            con.close()

    def plugin(self, name):
        d = os.environ.get('K6C_TEST_PLUGIN_DIR', '')
        p = os.path.join(d, 'tplug_%s.so' % name)
        if not os.path.exists(p):
            self.fail('test plugin %s not built (K6C_TEST_PLUGIN_DIR=%r)' % (p, d))
        return p

    def test_plugin_flag(self):
        good = self.plugin('good')
        rc, out, err = run(['run', '-q', '-e', 'WANT_ARG=a=b', '--plugin', good + '=a=b',
                            script('cli_plugin.js')])
        self.assertEqual(rc, 0, self.explain(rc, out, err))

    def test_plugin_env(self):
        good = self.plugin('good')
        rc, out, err = run(['run', '-q', '-e', 'WANT_ARG=', script('cli_plugin.js')],
                           {'K6C_PLUGINS': '::' + good + ':'})
        self.assertEqual(rc, 0, self.explain(rc, out, err))

    def test_plugin_env_before_flag(self):
        # K6C_PLUGINS loads first: its missing file is the error reported,
        # and the --plugin after it is never loaded.
        missing = self.path('missing-from-env.so')
        rc, out, err = run(['run', '-q', '--plugin', self.path('missing-from-flag.so'),
                            script('cli_plugin.js')], {'K6C_PLUGINS': missing})
        self.assertEqual(rc, 255, self.explain(rc, out, err))
        self.assertIn(missing, err)
        self.assertNotIn('missing-from-flag.so', err)

    def test_plugin_missing_file_255(self):
        missing = self.path('nope.so')
        rc, out, err = run(['run', '--plugin', missing, script('cli_plugin.js')])
        self.assertEqual(rc, 255, self.explain(rc, out, err))
        msgs = messages(err)
        self.assertTrue(any(missing in m and 'cannot load plugin' in m for m in msgs),
                        self.explain(rc, out, err))

    def test_plugin_not_a_plugin_255(self):
        rc, out, err = run(['run', '--plugin', self.plugin('noabi'), script('cli_plugin.js')])
        self.assertEqual(rc, 255, self.explain(rc, out, err))
        self.assertIn('not a libk6c plugin', err)

    def test_plugin_flag_needs_value_104(self):
        rc, out, err = run(['run', '--plugin', '=x', script('cli_plugin.js')])
        self.assertEqual(rc, 104, self.explain(rc, out, err))


if __name__ == '__main__':
    if not CLI or not os.access(CLI, os.X_OK):
        sys.stderr.write('K6C_CLI does not name the k6c binary (%r)\n' % CLI)
        sys.exit(1)
    unittest.main(verbosity=2)
