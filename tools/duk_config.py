#!/usr/bin/env python3
"""Copies Duktape's single-file distribution (duktape.c, duktape.h,
duk_config.h, as Debian's duktape-dev ships them) into the build directory
and appends libk6c's DUK_USE_* overrides to the copied duk_config.h.

The shipped duk_config.h defines or undefines every option unconditionally,
so compiler -D flags cannot change it; the documented way is to add lines
after its "/* __OVERRIDE_DEFINES__ */" marker, which is what this does.

usage: duk_config.py SRC_DIR OVERRIDES_FILE OUT_DUKTAPE_C OUT_DUKTAPE_H OUT_DUK_CONFIG_H
"""
import os
import shutil
import sys

MARKER = "/* __OVERRIDE_DEFINES__ */"


def main(argv):
    if len(argv) != 6:
        sys.stderr.write(__doc__)
        return 2
    src, overrides, out_c, out_h, out_cfg = argv[1:]
    for name, out in (("duktape.c", out_c), ("duktape.h", out_h)):
        shutil.copyfile(os.path.join(src, name), out)
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
