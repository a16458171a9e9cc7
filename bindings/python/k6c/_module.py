"""_module.py - k6c.Module: Python callables as a `k6/x/<name>` JavaScript
module, over k6c_test_register_json_module() (k6c/jsonmod.h).

Each call crosses as JSON: the script's arguments arrive as the JSON text of
an array, which json.loads() turns into the positional arguments, and the
callable's result goes back through json.dumps(). The callables run on the
test's worker threads; the ctypes callback takes the GIL for the call.
"""
import ctypes
import json
import logging
import re
import threading

from . import _lib

__all__ = ['Module', 'call_info']

_logger = logging.getLogger('k6c')
_NAME = re.compile(r'^[A-Za-z_$][A-Za-z0-9_$]*$')
_PREFIX = 'k6/x/'

# The call in progress on this thread, for call_info().
_current = threading.local()


def call_info():
    """(vu_id, in_init) of the JavaScript call that is running the calling
    module function: the VU's `__VU` (0 in the options-reading init VU)
    and whether the call comes from the init context. Outside a module
    function, None."""
    call = getattr(_current, 'call', None)
    if not call:
        return None
    cdll = _lib.lib()
    return int(cdll.k6c_json_call_vu_id(call)), bool(cdll.k6c_json_call_in_init(call))


def _describe(exc):
    """"TypeName: message", the text a JavaScript Error gets."""
    text = str(exc)
    return '%s: %s' % (type(exc).__name__, text) if text else type(exc).__name__


class Module:
    """A `k6/x/<name>` module whose functions are Python callables.

    name: "k6/x/<name>" or just "<name>".
    functions: a mapping of JavaScript names (identifiers) to callables.

    A call from the script `py.fn(a, b)` becomes `fn(a, b)` with the
    arguments converted from JSON: strings, numbers (int when integral in
    the JSON text, else float), booleans, null (None), arrays (list) and
    objects (dict); `undefined` becomes None. What the callable returns goes
    back the same way (a tuple becomes an array, None `null`); a value
    json.dumps() refuses (a set, an object, NaN) and any exception the
    callable raises make the script's call throw an Error whose message is
    "<ExceptionType>: <message>".

    The callables run on the test's worker threads, possibly several at
    once: guard shared state (list.append and dict updates are atomic under
    the GIL). A module may be given to several tests, one after the other
    or at the same time.
    """

    def __init__(self, name, functions):
        if not isinstance(name, str):
            raise TypeError('Module name must be a str')
        self.name = name if name.startswith(_PREFIX) else _PREFIX + name
        self.functions = dict(functions)
        for fname, fn in self.functions.items():
            if not isinstance(fname, str) or not _NAME.match(fname):
                raise ValueError('%s: %r is not a JavaScript identifier' % (self.name, fname))
            if not callable(fn):
                raise TypeError('%s.%s is not callable' % (self.name, fname))
        # The C callbacks; kept on the module (which every test using it
        # references) so that they outlive every call.
        self._thunks = [(fname, _lib.JSON_FN(self._thunk(fname, fn)))
                        for fname, fn in self.functions.items()]

    def __repr__(self):
        return 'k6c.Module(%r, [%s])' % (self.name, ', '.join(sorted(self.functions)))

    def _thunk(self, fname, fn):
        qual = '%s.%s' % (self.name, fname)

        def call(callp, args, length, payload):
            # Nothing may escape a ctypes callback: an exception there is
            # printed and turned into 0, i.e. success for the script.
            cdll = _lib.lib()
            outer = getattr(_current, 'call', None)
            _current.call = callp
            try:
                try:
                    values = json.loads(ctypes.string_at(args, length).decode('utf-8'))
                    result = fn(*values)
                except BaseException as e:  # noqa: B902 - see above
                    # The script sees only "Type: message"; the traceback
                    # is for whoever debugs the Python side.
                    _logger.debug('%s raised', qual, exc_info=True)
                    cdll.k6c_json_call_throw(callp, _describe(e).encode('utf-8', 'replace'))
                    return 1
                try:
                    text = json.dumps(result, allow_nan=False, ensure_ascii=False)
                except (TypeError, ValueError, RecursionError) as e:
                    msg = 'TypeError: %s returned a value JSON cannot encode: %s' % (qual, e)
                    cdll.k6c_json_call_throw(callp, msg.encode('utf-8', 'replace'))
                    return 1
                data = text.encode('utf-8')
                rc = cdll.k6c_json_call_return(callp, data, len(data))
                if rc < 0:
                    msg = '%s: %s' % (qual, _lib.last_error_message(rc))
                    cdll.k6c_json_call_throw(callp, msg.encode('utf-8', 'replace'))
                    return 1
                return 0
            except BaseException:  # noqa: B902 - a failure of the above itself
                return 1
            finally:
                _current.call = outer

        return call

    def _register(self, test_ptr):
        cdll = _lib.need('k6c_test_register_json_module')
        defs = (_lib.JsonFnDefStruct * max(1, len(self._thunks)))()
        for i, (fname, thunk) in enumerate(self._thunks):
            defs[i].name = fname.encode('utf-8')
            defs[i].fn = thunk
            defs[i].payload = None
        _lib.check(cdll.k6c_test_register_json_module(test_ptr, self.name.encode('utf-8'), defs,
                                                      len(self._thunks)),
                   'registering module %s' % self.name)
