"""k6c - run k6 load tests from Python with libk6c.

    import k6c
    res = k6c.run(source=script_text, env={"TARGET": "http://127.0.0.1:8080"})
    print(res.exit_code, res.thresholds_passed, res.summary["metrics"]["http_reqs"])

A pure-Python binding over ctypes: libk6c.so is loaded at first use (see
_lib.py for where it is looked for; LibraryNotFoundError says where it
looked). doc/bindings.md, section "Python", is the manual.
"""
from ._lib import Error, LibraryNotFoundError
from ._module import Module, call_info
from ._sink import Metric, Sample, Sink, StartInfo
from ._test import Result, ScenarioProgress, Test, run

__all__ = ['run', 'Test', 'Result', 'ScenarioProgress', 'Module', 'call_info', 'Sink', 'Sample',
           'Metric', 'StartInfo', 'Error', 'LibraryNotFoundError', 'library_version']

__version__ = '0.1.0'


def library_version():
    """The version string of the libk6c actually loaded (loads it)."""
    from . import _lib
    return _lib.decode(_lib.lib().k6c_version_string())
