#!/usr/bin/env python3
"""Header test: every public header compiles on its own, as C99 and C++11.

Each header (include/k6c.h, include/k6c/*.h and the generated k6c/version.h)
is included alone in a one-line translation unit and compiled with
-pedantic -Werror, so a header that forgets one of its own includes, uses a
GNU extension or C11-only syntax, or is not valid C++ fails here. For C++
a second unit references every K6C_EXTERN function and the symbol names in
its object file must be unmangled (C linkage). k6c/module.h exposes Duktape
and is compiled like the others when it exists, and so are the configured
Duktape headers it includes (k6c/duktape/duktape.h and duk_config.h, made
in the build tree).
"""
import argparse
import glob
import os
import re
import shlex
import subprocess
import sys
import tempfile

C_FLAGS = ['-std=c99', '-pedantic', '-Werror', '-Wall', '-Wextra',
           '-Wstrict-prototypes']
CXX_FLAGS = ['-std=c++11', '-pedantic', '-Werror', '-Wall', '-Wextra']


def public_headers(srcdir, builddir):
    """Header names relative to include/, from both trees, deduplicated."""
    names = set()
    for root in (srcdir, builddir):
        for path in glob.glob(os.path.join(root, '*.h')) + \
                glob.glob(os.path.join(root, 'k6c', '**', '*.h'), recursive=True):
            names.add(os.path.relpath(path, root))
    return sorted(names)


def compile_unit(compiler, flags, incs, text, suffix):
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, 'unit' + suffix)
        with open(src, 'w') as f:
            f.write(text)
        cmd = shlex.split(compiler) + flags + incs + ['-c', src, '-o', os.path.join(tmp, 'unit.o')]
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        return proc.returncode, ' '.join(cmd), proc.stdout


def declared_functions(srcdir):
    names = []
    for path in glob.glob(os.path.join(srcdir, '**', '*.h*'), recursive=True):
        with open(path) as f:
            names += re.findall(r'^K6C_EXTERN\([^)]*\)\s*(\w+)\s*\(', f.read(), re.M)
    return sorted(set(names))


def check_linkage(args, incs):
    """From C++, every function of the public headers has C linkage: an
    object file referencing them all has only unmangled k6c_ symbols
    (g++ ignores linkage in function types, so the symbol names are what
    tells)."""
    names = declared_functions(args.srcdir)
    refs = ',\n'.join('  reinterpret_cast<void (*)()>(&%s)' % n for n in names)
    # Headers outside the umbrella (k6c/module.h) are included on their own.
    extra = ''.join('#include <k6c/%s>\n' % os.path.basename(h) for h in
                    sorted(glob.glob(os.path.join(args.srcdir, 'k6c', '*.h'))))
    unit = '#include <k6c.h>\n' + extra + \
           'typedef void (*any_fn)();\nextern const any_fn k6c_refs[];\n' \
           'const any_fn k6c_refs[] = {\n%s\n};\n' % refs
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, 'linkage.cpp')
        obj = os.path.join(tmp, 'linkage.o')
        with open(src, 'w') as f:
            f.write(unit)
        cmd = shlex.split(args.cxx) + CXX_FLAGS + incs + ['-c', src, '-o', obj]
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if proc.returncode != 0:
            print('FAIL extern "C" linkage: the reference unit does not compile')
            print('  $ ' + ' '.join(cmd))
            print('  ' + proc.stdout.replace('\n', '\n  '))
            return 1
        syms = subprocess.run([args.nm, '-u', obj], stdout=subprocess.PIPE, text=True,
                              check=True).stdout.split()
    mangled = [s for s in syms if 'k6c_' in s and s.startswith('_Z')]
    missing = [n for n in names if n not in syms]
    print('%-4s %-24s C++11 (%d functions)' % ('ok' if not (mangled or missing) else 'FAIL',
                                              'extern "C" linkage', len(names)))
    for s in mangled:
        print('  mangled (no C linkage): ' + s)
    for n in missing:
        print('  not referenced as a C symbol: ' + n)
    return 1 if mangled or missing or not names else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--srcdir', required=True)
    ap.add_argument('--builddir', required=True)
    ap.add_argument('--cc', required=True)
    ap.add_argument('--cxx')
    ap.add_argument('--nm', default='nm')
    args = ap.parse_args()

    incs = ['-I' + args.srcdir, '-I' + args.builddir]
    headers = public_headers(args.srcdir, args.builddir)
    for must in ('k6c.h', 'k6c/common.h', 'k6c/errors.h', 'k6c/test.h', 'k6c/version.h'):
        if must not in headers:
            print('FAIL: expected public header %s not found' % must)
            return 1

    failures = 0
    for h in headers:
        unit = '#include <%s>\n' % h
        # A second inclusion must be harmless (include guards).
        unit += '#include <%s>\n' % h
        unit += 'int k6c_header_test_anchor(void);\nint k6c_header_test_anchor(void) { return 0; }\n'
        langs = [('C99', args.cc, C_FLAGS, '.c')]
        if args.cxx:
            langs.append(('C++11', args.cxx, CXX_FLAGS, '.cpp'))
        for lang, compiler, flags, suffix in langs:
            rc, cmd, out = compile_unit(compiler, flags, incs, unit, suffix)
            status = 'ok' if rc == 0 else 'FAIL'
            print('%-4s %-24s %s' % (status, h, lang))
            if rc != 0:
                failures += 1
                print('  $ ' + cmd)
                print('  ' + out.replace('\n', '\n  '))

    if args.cxx:
        failures += check_linkage(args, incs)
    else:
        print('SKIP C++11: no C++ compiler configured')

    print('%d header compilations failed' % failures if failures else 'all headers compile alone')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
