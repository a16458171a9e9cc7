#!/usr/bin/env python3
"""Copies Duktape's single-file distribution (duktape.c, duktape.h,
duk_config.h, as Debian's duktape-dev ships them) into the build directory
and appends libk6c's DUK_USE_* overrides to the copied duk_config.h.

The shipped duk_config.h defines or undefines every option unconditionally,
so compiler -D flags cannot change it; the documented way is to add lines
after its "/* __OVERRIDE_DEFINES__ */" marker, which is what this does.

One small change is made to the copied duktape.c: the bytecode loader
(duk_load_function) attaches a _Varmap object to every function, even an
empty one, where the compiler leaves it out. VUs are created from bytecode,
so this costs about 30 KiB per VU for a typical script; the loader is made
to drop an empty _Varmap, which means the same to the engine as none.

A second change makes finalizers run while a coroutine (Duktape.Thread) is
running. Duktape always calls a finalizer on the heap thread, which is the
context duk_create_heap returns and so the one libk6c runs scripts on. While
a coroutine runs, that thread is in the RESUMED state, the call is refused
("invalid thread state"), the error is swallowed and the object is freed
without its finalizer: whatever C memory it owned (a cookie jar, ...) leaks.
Every object whose last reference goes away inside a coroutine (refcount
or a mark-and-sweep run there) is affected, and the lowered generators and
async functions run in coroutines. The finalizer is then called on the
running coroutine instead, as a nested call on top of its stack, which is
what happens on the heap thread when no coroutine runs.

usage: duk_config.py SRC_DIR OVERRIDES_FILE OUT_DUKTAPE_C OUT_DUKTAPE_H OUT_DUK_CONFIG_H
"""
import os
import shutil
import sys

MARKER = "/* __OVERRIDE_DEFINES__ */"


VARMAP_OLD = """	duk_compact_m1(thr);
	duk_xdef_prop_stridx_short(thr, -2, DUK_STRIDX_INT_VARMAP, DUK_PROPDESC_FLAGS_NONE);
"""
VARMAP_NEW = """	if (DUK_HOBJECT_GET_ENEXT(duk_get_hobject(thr, -1)) == 0) {
		duk_pop(thr); /* libk6c: an empty _Varmap is left out, as the compiler does */
	} else {
		duk_compact_m1(thr);
		duk_xdef_prop_stridx_short(thr, -2, DUK_STRIDX_INT_VARMAP, DUK_PROPDESC_FLAGS_NONE);
	}
"""

FINALIZER_OLD = """	thr = heap->heap_thread;
	DUK_ASSERT(obj != NULL);
	DUK_ASSERT_VALSTACK_SPACE(heap->heap_thread, 1);
"""
FINALIZER_NEW = """	thr = heap->heap_thread;
	if (heap->curr_thread != NULL && heap->curr_thread != thr && thr->state != DUK_HTHREAD_STATE_INACTIVE) {
		thr = heap->curr_thread; /* libk6c: the heap thread resumed a coroutine and cannot be called */
	}
	DUK_ASSERT(obj != NULL);
	DUK_ASSERT_VALSTACK_SPACE(thr, 1);
"""

PATCHES = (
    (VARMAP_OLD, VARMAP_NEW, "the _Varmap loader code"),
    (FINALIZER_OLD, FINALIZER_NEW, "the finalizer thread choice in duk_heap_run_finalizer"),
)


def main(argv):
    if len(argv) != 6:
        sys.stderr.write(__doc__)
        return 2
    src, overrides, out_c, out_h, out_cfg = argv[1:]
    shutil.copyfile(os.path.join(src, "duktape.h"), out_h)
    with open(os.path.join(src, "duktape.c"), encoding="utf-8") as f:
        code = f.read()
    for old, new, what in PATCHES:
        if code.count(old) != 1:
            sys.stderr.write("duk_config.py: %s was not found once in %s/duktape.c\n" % (what, src))
            return 1
        code = code.replace(old, new, 1)
    with open(out_c + ".tmp", "w", encoding="utf-8") as f:
        f.write(code)
    os.replace(out_c + ".tmp", out_c)
    with open(os.path.join(src, "duk_config.h"), encoding="utf-8") as f:
        cfg = f.read()
    if cfg.count(MARKER) != 1:
        sys.stderr.write("duk_config.py: %s/duk_config.h has no single %s marker\n" % (src, MARKER))
        return 1
    with open(overrides, encoding="utf-8") as f:
        extra = f.read()
    cfg = cfg.replace(MARKER, MARKER + "\n/* libk6c overrides (" + os.path.basename(overrides) + ") */\n" + extra, 1)
    tmp = out_cfg + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(cfg)
    os.replace(tmp, out_cfg)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
