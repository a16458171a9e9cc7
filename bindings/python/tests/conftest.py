"""conftest.py - fixtures of the Python binding's tests.

httpbin: a real python3-httpbin under gunicorn on a free 127.0.0.1 port,
started once for the session and stopped at its end (the command of
test/support/server.c). The process group is killed so gunicorn's workers go
with it.

The tests load libk6c through K6C_LIBRARY (meson sets it to the built
library). Child processes that are not libk6c (gunicorn, pip) get an
environment without LD_PRELOAD, which the sanitized build sets to preload
the ASan runtime for the interpreter that loads libk6c.
"""
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
PKG_ROOT = os.path.dirname(HERE)

# The binding under test is the source tree's, whatever is installed.
if PKG_ROOT not in sys.path:
    sys.path.insert(0, PKG_ROOT)


def plain_env(extra=None):
    """The environment for a child process that does not load libk6c."""
    env = dict(os.environ)
    env.pop('LD_PRELOAD', None)
    if extra:
        env.update(extra)
    return env


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _status(port):
    try:
        with socket.create_connection(('127.0.0.1', port), timeout=1) as s:
            s.sendall(b'GET /get HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
            line = s.recv(64).split(b'\r\n', 1)[0]
            return int(line.split()[1]) if line.startswith(b'HTTP/1.') else -1
    except (OSError, ValueError, IndexError):
        return -1


def _gunicorn():
    # Debian's gunicorn runs under /usr/bin/python3, where python3-httpbin
    # is installed; a python3 earlier on PATH may lack it.
    env = os.environ.get('K6C_TEST_GUNICORN')
    if env:
        return env
    return '/usr/bin/gunicorn' if os.access('/usr/bin/gunicorn', os.X_OK) else 'gunicorn'


@pytest.fixture(scope='session')
def httpbin():
    """The base URL of a running httpbin, e.g. http://127.0.0.1:41234."""
    port = free_port()
    proc = subprocess.Popen(
        [_gunicorn(), '-b', '127.0.0.1:%d' % port, '-w', '2', '-k', 'gthread', '--threads', '8',
         '--log-level', 'warning', 'httpbin:app'],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, env=plain_env(),
        start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        while _status(port) != 200:
            if proc.poll() is not None:
                pytest.fail('gunicorn exited with status %d' % proc.returncode)
            if time.monotonic() > deadline:
                pytest.fail('httpbin did not answer on port %d within 20 s' % port)
            time.sleep(0.05)
        yield 'http://127.0.0.1:%d' % port
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(5)
        except subprocess.TimeoutExpired:
            pass
        except ProcessLookupError:
            pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


@pytest.fixture(scope='session')
def libpath():
    """The libk6c.so the tests use (K6C_LIBRARY)."""
    path = os.environ.get('K6C_LIBRARY')
    if not path or not os.path.exists(path):
        pytest.fail('K6C_LIBRARY must name the built libk6c.so (meson test sets it)')
    return path
