#!/usr/bin/env python3
"""Symbol test: the shared library exports only the public k6c_ API.

Runs `nm -D --defined-only` on libk6c.so and fails on any defined dynamic
symbol that is not `k6c_<name>` or Duktape's `duk_<name>` (internal `k6c__`
names, curl's curl_ and any libc-like helper must stay hidden), apart from
the few symbols the linker itself adds to every shared object. Duktape's
API is exported on purpose: native modules (k6c/module.h) build their
exports with it and link with libk6c only, against the Duktape libk6c was
built and configured with (libk6c.so binds its own calls to it with
-Bsymbolic-functions). The other way round,
every function a public header declares with K6C_EXTERN must be exported, or
an embedder's program would not link.
"""
import glob
import os
import re
import subprocess
import sys

LINKER_SYMBOLS = {'_init', '_fini', '_edata', '_end', '__bss_start',
                  '_DYNAMIC', '_GLOBAL_OFFSET_TABLE_', '__dso_handle'}
PUBLIC = re.compile(r'^k6c_(?!_)[a-z0-9_]+$')
DUKTAPE = re.compile(r'^duk_[a-z0-9_]+$')


def main():
    if len(sys.argv) != 4:
        print('usage: check_symbols.py NM LIBRARY INCLUDE_DIR')
        return 2
    nm, lib, incdir = sys.argv[1], sys.argv[2], sys.argv[3]
    out = subprocess.run([nm, '-D', '--defined-only', lib], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    public, bad, duktape = [], [], []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        name = parts[-1].split('@')[0]
        if name in LINKER_SYMBOLS:
            continue
        if DUKTAPE.match(name):
            duktape.append(name)
            continue
        (public if PUBLIC.match(name) else bad).append(name)
    print('%d public symbols exported (and %d duk_* functions of Duktape)' %
          (len(public), len(duktape)))
    for name in sorted(public):
        print('  ' + name)
    if not public:
        print('FAIL: no k6c_ symbol exported at all')
        return 1
    declared = set()
    for path in glob.glob(os.path.join(incdir, '**', '*.h*'), recursive=True):
        with open(path) as f:
            declared.update(re.findall(r'^K6C_EXTERN\([^)]*\)\s*(\w+)\s*\(', f.read(), re.M))
    missing = sorted(declared - set(public))
    print('%d functions declared with K6C_EXTERN in %s' % (len(declared), incdir))
    if missing:
        print('FAIL: %d declared functions are not exported:' % len(missing))
        for name in missing:
            print('  ' + name)
    if bad:
        print('FAIL: %d symbols exported that are not public k6c_ API:' % len(bad))
        for name in sorted(bad):
            print('  ' + name)
    return 1 if bad or missing else 0


if __name__ == '__main__':
    sys.exit(main())
