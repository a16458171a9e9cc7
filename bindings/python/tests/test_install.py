"""test_install.py - finding libk6c (next to the package, K6C_LIBRARY, the
system's loader path, a clear error when missing) and installing the
package offline with pip into a venv, as a Debian 12 user would. Each case
runs in a fresh interpreter, since a process loads the library once."""
import glob
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from conftest import PKG_ROOT, plain_env

PROBE = textwrap.dedent("""
    import os, sys
    import k6c                      # never loads the library
    assert 'libk6c' not in open('/proc/self/maps').read()
    try:
        res = k6c.run(source='export const options = { iterations: 2 };\\n'
                             'export default function () {}', log=False)
    except k6c.LibraryNotFoundError as e:
        assert isinstance(e, OSError)
        print('ERROR ' + str(e))
        sys.exit(3)
    maps = [l.split()[-1] for l in open('/proc/self/maps') if 'libk6c.so' in l]
    print('LOADED ' + os.path.realpath(maps[0]))
    print('EXIT %d %d' % (res.exit_code, res.metric('iterations')['count']))
    print('FILE ' + k6c.__file__)
""")


def copy_package(dest):
    """The package's sources without tests or build leftovers, so pip never
    writes into the source tree and no stray libk6c.so comes along."""
    shutil.copytree(PKG_ROOT, dest, ignore=shutil.ignore_patterns(
        'tests', '__pycache__', 'build', '*.egg-info', 'libk6c.so*', '.pytest_cache'))
    return dest


def probe(python, env, cwd):
    p = subprocess.run([python, '-c', PROBE], env=env, cwd=cwd, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def lib_env(**changes):
    """os.environ with K6C_LIBRARY and LD_LIBRARY_PATH as given (None
    removes); LD_PRELOAD (the ASan runtime in a sanitized build) stays."""
    env = dict(os.environ)
    for k, v in changes.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env


def test_missing_library_error(tmp_path):
    pkg = copy_package(tmp_path / 'src')
    env = lib_env(K6C_LIBRARY=str(tmp_path / 'nowhere' / 'libk6c.so'), PYTHONPATH=str(pkg),
                  LD_LIBRARY_PATH=None)
    rc, out, err = probe(sys.executable, env, tmp_path)
    assert rc == 3, (out, err)
    msg = out[len('ERROR '):]
    assert msg.startswith('libk6c could not be loaded; looked at:')
    assert '%s: no libk6c.so* next to the package' % (pkg / 'k6c') in msg
    assert 'K6C_LIBRARY=%s: no such file' % (tmp_path / 'nowhere' / 'libk6c.so') in msg
    assert 'the system was not searched because K6C_LIBRARY is set' in msg
    assert 'set K6C_LIBRARY to the path of libk6c.so' in msg

    # A file that is not a shared library: the loader's reason is quoted.
    bogus = tmp_path / 'libk6c.so'
    bogus.write_text('not an ELF file\n' * 20)
    env['K6C_LIBRARY'] = str(bogus)
    rc, out, err = probe(sys.executable, env, tmp_path)
    assert rc == 3, (out, err)
    assert '  - %s: invalid ELF header\n' % bogus in out


def test_library_from_k6c_library_dir_and_loader_path(tmp_path, libpath):
    pkg = copy_package(tmp_path / 'src')
    real = os.path.realpath(libpath)
    # K6C_LIBRARY naming the directory.
    env = lib_env(K6C_LIBRARY=os.path.dirname(libpath), PYTHONPATH=str(pkg), LD_LIBRARY_PATH=None)
    rc, out, err = probe(sys.executable, env, tmp_path)
    assert rc == 0, (out, err)
    assert 'LOADED %s\n' % real in out and 'EXIT 0 2' in out
    # No K6C_LIBRARY: the system's loader path (here LD_LIBRARY_PATH).
    env = lib_env(K6C_LIBRARY=None, PYTHONPATH=str(pkg), LD_LIBRARY_PATH=os.path.dirname(libpath))
    rc, out, err = probe(sys.executable, env, tmp_path)
    assert rc == 0, (out, err)
    assert 'LOADED %s\n' % real in out and 'EXIT 0 2' in out


def test_pip_install_offline_into_venv(tmp_path, libpath):
    src = copy_package(tmp_path / 'src')
    venv = tmp_path / 'V'
    quiet = dict(stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
    p = subprocess.run([sys.executable, '-m', 'venv', '--system-site-packages', str(venv)],
                       env=plain_env(), **quiet)
    assert p.returncode == 0, p.stdout
    pip_env = plain_env({'PIP_DISABLE_PIP_VERSION_CHECK': '1', 'PIP_NO_INPUT': '1',
                         'PIP_NO_CACHE_DIR': '1'})
    p = subprocess.run([str(venv / 'bin' / 'pip'), 'install', '--no-build-isolation', '--no-index',
                        str(src)], env=pip_env, cwd=tmp_path, **quiet)
    assert p.returncode == 0, p.stdout
    assert 'Successfully installed k6c-0.1.0' in p.stdout, p.stdout

    site = glob.glob(str(venv / 'lib' / 'python3*' / 'site-packages' / 'k6c'))
    assert len(site) == 1
    installed = site[0]
    assert os.path.exists(os.path.join(installed, '__init__.py'))

    python = str(venv / 'bin' / 'python')
    env = lib_env(K6C_LIBRARY=libpath, LD_LIBRARY_PATH=None, PYTHONPATH=None)
    rc, out, err = probe(python, env, tmp_path)
    assert rc == 0, (out, err)
    assert 'FILE %s' % os.path.join(installed, '__init__.py') in out
    assert 'EXIT 0 2' in out

    # A libk6c.so put next to the installed package is found first, with
    # neither K6C_LIBRARY nor a loader path.
    shutil.copy(os.path.realpath(libpath), os.path.join(installed, 'libk6c.so.0'))
    env = lib_env(K6C_LIBRARY=None, LD_LIBRARY_PATH=None, PYTHONPATH=None)
    rc, out, err = probe(python, env, tmp_path)
    assert rc == 0, (out, err)
    assert 'LOADED %s\n' % os.path.realpath(os.path.join(installed, 'libk6c.so.0')) in out
    assert 'EXIT 0 2' in out

    # And pip uninstalls it cleanly (the copied library stays: not pip's).
    p = subprocess.run([str(venv / 'bin' / 'pip'), 'uninstall', '-y', 'k6c'], env=pip_env, **quiet)
    assert p.returncode == 0, p.stdout
    assert not os.path.exists(os.path.join(installed, '__init__.py'))


if __name__ == '__main__':
    sys.exit(pytest.main([__file__]))
