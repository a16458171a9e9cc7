"""_lib.py - finding and loading libk6c.so, and the C declarations of the
parts of its API the binding uses (k6c/test.h, k6c/sink.h, k6c/jsonmod.h,
k6c/errors.h).

The library is loaded on first use, not when `k6c` is imported, so that a
program can import the package (for its types, or to print a helpful
message) on a machine without libk6c. It is looked for, in this order:

1. next to this package: k6c/libk6c.so, then k6c/libk6c.so.* (a wheel or
   a packager may put it there);
2. the path in the K6C_LIBRARY environment variable (a file, or a
   directory holding libk6c.so*); when K6C_LIBRARY is set, the system is
   not searched, so a wrong value is reported rather than silently
   replaced by another libk6c;
3. the system: ctypes.util.find_library("k6c"), then "libk6c.so.0" (the
   dynamic loader's own search: LD_LIBRARY_PATH, ld.so.cache, /usr/lib).

ctypes.CDLL (not PyDLL) is used on purpose: every call into the library
releases the GIL, so a test running on one thread does not stop the
interpreter, and the library's own threads can call back into Python (a
ctypes callback takes the GIL itself).
"""
import ctypes
import ctypes.util
import glob
import os
import threading

__all__ = ['LibraryNotFoundError', 'Error', 'lib', 'check']


class LibraryNotFoundError(OSError):
    """libk6c could not be loaded. The message lists every place looked at
    and why each failed. A subclass of OSError, which is what ctypes raises
    for a library that does not load."""


class Error(RuntimeError):
    """A libk6c function failed. `code` is the negative k6c_error_code
    (e.g. -2), `name` its symbolic name ("K6C_EINVAL") and the message is
    the library's k6c_error_last() text."""

    def __init__(self, code, name, message):
        super().__init__(message)
        self.code = code
        self.name = name


# ---- C declarations ----

c_int = ctypes.c_int
c_uint = ctypes.c_uint
c_char_p = ctypes.c_char_p
c_void_p = ctypes.c_void_p
c_size_t = ctypes.c_size_t
c_double = ctypes.c_double
c_int64 = ctypes.c_int64
c_uint64 = ctypes.c_uint64

K6C_SINK_VERSION = 1
K6C_ENOTFOUND = -7


class ErrorStruct(ctypes.Structure):
    _fields_ = [('code', c_int), ('message', c_char_p)]


class ScenarioProgressStruct(ctypes.Structure):
    _fields_ = [
        ('name', c_char_p),
        ('executor', c_char_p),
        ('state', c_int),
        ('progress', c_double),
        ('elapsed_ms', c_double),
        ('vus_active', c_uint),
        ('vus_max', c_uint),
        ('iterations_complete', c_uint64),
        ('iterations_interrupted', c_uint64),
        ('iterations_dropped', c_uint64),
    ]


class MetricInfoStruct(ctypes.Structure):
    _fields_ = [('id', c_int), ('name', c_char_p), ('type', c_int), ('contains', c_int)]


class TagStruct(ctypes.Structure):
    _fields_ = [('key', c_char_p), ('value', c_char_p)]


class SampleStruct(ctypes.Structure):
    _fields_ = [
        # A plain address: the sink caches metric infos by it.
        ('metric', c_void_p),
        ('time_us', c_int64),
        ('value', c_double),
        ('tags', ctypes.POINTER(TagStruct)),
        ('ntags', c_size_t),
        ('metadata', ctypes.POINTER(TagStruct)),
        ('nmetadata', c_size_t),
    ]


class SinkStartInfoStruct(ctypes.Structure):
    _fields_ = [
        ('script_path', c_char_p),
        ('options_json', c_char_p),
        ('metrics', ctypes.POINTER(MetricInfoStruct)),
        ('nmetrics', c_size_t),
        ('start_us', c_int64),
    ]


LOG_CB = ctypes.CFUNCTYPE(None, c_int, c_char_p, c_void_p)
# description() returns a const char *: declared as a void pointer so the
# callback can hand back the address of a buffer the binding keeps alive
# (ctypes cannot return a c_char_p from a callback safely).
SINK_DESCRIPTION = ctypes.CFUNCTYPE(c_void_p, c_void_p, c_void_p)
SINK_START = ctypes.CFUNCTYPE(c_int, c_void_p, c_void_p, ctypes.POINTER(SinkStartInfoStruct))
SINK_ADD_SAMPLES = ctypes.CFUNCTYPE(c_int, c_void_p, c_void_p, ctypes.POINTER(SampleStruct),
                                    c_size_t)
SINK_STOP = ctypes.CFUNCTYPE(c_int, c_void_p, c_void_p, c_int)
SINK_FREE = ctypes.CFUNCTYPE(None, c_void_p)


class SinkVtableStruct(ctypes.Structure):
    _fields_ = [
        ('version', c_uint),
        ('description', SINK_DESCRIPTION),
        ('start', SINK_START),
        ('add_samples', SINK_ADD_SAMPLES),
        ('stop', SINK_STOP),
        ('free', SINK_FREE),
    ]


# args arrives as a pointer, not c_char_p, because its length is given and
# ctypes would otherwise copy it up to the first NUL on its own.
JSON_FN = ctypes.CFUNCTYPE(c_int, c_void_p, c_void_p, c_size_t, c_void_p)


class JsonFnDefStruct(ctypes.Structure):
    _fields_ = [('name', c_char_p), ('fn', JSON_FN), ('payload', c_void_p)]


# name: (restype, argtypes)
_PROTOTYPES = {
    'k6c_version_string': (c_char_p, []),
    'k6c_strerror': (c_char_p, [c_int]),
    'k6c_error_name': (c_char_p, [c_int]),
    'k6c_error_last': (ctypes.POINTER(ErrorStruct), []),
    'k6c_error_clear': (None, []),
    'k6c_test_new': (c_int, [ctypes.POINTER(c_void_p)]),
    'k6c_test_free': (None, [c_void_p]),
    'k6c_test_set_script_file': (c_int, [c_void_p, c_char_p]),
    'k6c_test_set_script_source': (c_int, [c_void_p, c_char_p, c_char_p, c_size_t]),
    'k6c_test_set_options': (c_int, [c_void_p, c_char_p]),
    'k6c_test_set_env': (c_int, [c_void_p, c_char_p, c_char_p]),
    'k6c_test_set_system_env': (c_int, [c_void_p]),
    'k6c_test_set_log_callback': (c_int, [c_void_p, LOG_CB, c_void_p, c_void_p]),
    'k6c_test_set_workers': (c_int, [c_void_p, c_uint]),
    'k6c_test_set_cache_dir': (c_int, [c_void_p, c_char_p]),
    'k6c_test_set_config_file': (c_int, [c_void_p, c_char_p]),
    'k6c_test_run': (c_int, [c_void_p]),
    'k6c_test_start': (c_int, [c_void_p]),
    'k6c_test_wait': (c_int, [c_void_p]),
    'k6c_test_abort': (None, [c_void_p]),
    'k6c_test_exit_code': (c_int, [c_void_p]),
    'k6c_test_summary_json': (c_char_p, [c_void_p]),
    'k6c_test_summary_text': (c_char_p, [c_void_p]),
    'k6c_test_summary_stderr': (c_char_p, [c_void_p]),
    'k6c_test_options_json': (c_char_p, [c_void_p]),
    'k6c_test_inspect': (c_int, [c_void_p]),
    'k6c_test_set_paused': (c_int, [c_void_p, c_int]),
    'k6c_test_scale': (c_int, [c_void_p, c_char_p, c_uint, c_uint]),
    'k6c_test_progress': (c_int, [c_void_p, c_size_t, ctypes.POINTER(ScenarioProgressStruct)]),
    'k6c_test_add_sink': (c_int, [c_void_p, ctypes.POINTER(SinkVtableStruct), c_void_p]),
    'k6c_sink_fail': (c_int, [c_void_p, c_int, c_char_p]),
    'k6c_sink_summary_json': (c_char_p, [c_void_p]),
    'k6c_test_add_output': (c_int, [c_void_p, c_char_p]),
    'k6c_test_register_json_module': (c_int, [c_void_p, c_char_p,
                                              ctypes.POINTER(JsonFnDefStruct), c_size_t]),
    'k6c_json_call_return': (c_int, [c_void_p, c_char_p, c_size_t]),
    'k6c_json_call_throw': (c_int, [c_void_p, c_char_p]),
    'k6c_json_call_vu_id': (c_uint64, [c_void_p]),
    'k6c_json_call_in_init': (c_int, [c_void_p]),
}

# ---- finding the library ----

_PKG_DIR = os.path.dirname(os.path.abspath(__file__))
_lock = threading.Lock()
_lib = None


def _candidates_in(directory):
    """libk6c.so first (what a build tree and a -dev install have), then
    the versioned names, newest-looking last so the plain soname wins."""
    names = []
    plain = os.path.join(directory, 'libk6c.so')
    if os.path.exists(plain):
        names.append(plain)
    names += sorted(p for p in glob.glob(os.path.join(directory, 'libk6c.so.*'))
                    if p not in names)
    return names


def _try(path, tried):
    try:
        return ctypes.CDLL(path)
    except OSError as e:
        # dlerror() usually names the file already.
        reason = str(e)
        tried.append(reason if reason.startswith(path + ':') else '%s: %s' % (path, reason))
        return None


def _find():
    tried = []
    for path in _candidates_in(_PKG_DIR):
        found = _try(path, tried)
        if found is not None:
            return found
    if not tried:
        tried.append('%s: no libk6c.so* next to the package' % _PKG_DIR)

    env = os.environ.get('K6C_LIBRARY')
    if env:
        paths = _candidates_in(env) if os.path.isdir(env) else [env]
        if not paths:
            tried.append('K6C_LIBRARY=%s: a directory without libk6c.so*' % env)
        elif not os.path.exists(paths[0]):
            tried.append('K6C_LIBRARY=%s: no such file' % env)
        else:
            for path in paths:
                found = _try(path, tried)
                if found is not None:
                    return found
        tried.append('the system was not searched because K6C_LIBRARY is set')
    else:
        tried.append('K6C_LIBRARY: not set')
        name = ctypes.util.find_library('k6c')
        if name:
            found = _try(name, tried)
            if found is not None:
                return found
        else:
            tried.append('ctypes.util.find_library("k6c"): nothing found')
        found = _try('libk6c.so.0', tried)
        if found is not None:
            return found
    raise LibraryNotFoundError(
        'libk6c could not be loaded; looked at:\n  - ' + '\n  - '.join(tried) +
        '\nInstall libk6c, or set K6C_LIBRARY to the path of libk6c.so.')


def _declare(cdll):
    missing = []
    for name, (restype, argtypes) in _PROTOTYPES.items():
        try:
            fn = getattr(cdll, name)
        except AttributeError:
            missing.append(name)
            continue
        fn.restype = restype
        fn.argtypes = argtypes
    # A libk6c without some functions can still run what does not need
    # them; the first use of a missing one raises (see need()).
    cdll.k6c_py_missing = frozenset(missing)
    if 'k6c_test_new' in missing:
        raise LibraryNotFoundError(
            'the libk6c loaded from %s is too old for this binding: it lacks %s'
            % (cdll._name, ', '.join(sorted(missing))))


def need(name):
    """The library, after checking that it has function @name."""
    cdll = lib()
    if name in cdll.k6c_py_missing:
        raise LibraryNotFoundError('the libk6c loaded from %s is too old for this binding: '
                                   'it lacks %s' % (cdll._name, name))
    return cdll


def lib():
    """The loaded library, loading it on first use (thread-safe)."""
    global _lib
    if _lib is None:
        with _lock:
            if _lib is None:
                cdll = _find()
                _declare(cdll)
                _lib = cdll
    return _lib


def decode(b):
    """Text from the library (UTF-8; a stray invalid byte is replaced
    rather than failing the caller)."""
    return None if b is None else b.decode('utf-8', 'replace')


def encode(s, what):
    if isinstance(s, bytes):
        return s
    if not isinstance(s, str):
        raise TypeError('%s must be a str, not %s' % (what, type(s).__name__))
    return s.encode('utf-8')


def last_error_message(code):
    err = lib().k6c_error_last()
    if err and err.contents.code == code and err.contents.message:
        return decode(err.contents.message)
    return decode(lib().k6c_strerror(code))


def check(code, what, message=None):
    """Raise Error for a negative return code of a libk6c call. @message
    is the library's message when the call ran on another thread (the last
    error is per thread); by default this thread's last error."""
    if code < 0:
        name = decode(lib().k6c_error_name(code))
        if message is None:
            message = last_error_message(code)
        raise Error(code, name, '%s: %s (%s)' % (what, message, name))
    return code
