#!/usr/bin/env python3
"""Makes the installed @babel/standalone bundle loadable by Duktape 2.7:

1. drops the `__proto__: null,` lines of object literals (Duktape makes them
   an own "__proto__" key, which breaks Babel's namespace objects and visitor
   merging);
2. routes `new RegExp(x, "y")` to __stickyRegExp (Duktape has no sticky
   regexps; tools/babel-host.js defines the emulation);
3. prepends the given host files (polyfills and the node stubs).

usage: babel_bundle.py BABEL_JS OUT_JS HOST_JS...
"""
import os
import re
import sys

PROTO = re.compile(r"^\s*__proto__: null,?\s*$")
STICKY = re.compile(r'\bnew RegExp\((.*), "y"\)')


def main(argv):
    if len(argv) < 4:
        sys.stderr.write(__doc__)
        return 2
    src, out, hosts = argv[1], argv[2], argv[3:]
    with open(src, encoding="utf-8") as f:
        lines = f.read().splitlines(True)
    kept = []
    dropped = sticky = 0
    for line in lines:
        if PROTO.match(line):
            dropped += 1
            continue
        line, n = STICKY.subn(r'__stickyRegExp(\1, "y")', line)
        sticky += n
        kept.append(line)
    if dropped == 0:
        sys.stderr.write("babel_bundle.py: warning: no __proto__ lines found in %s\n" % src)
    parts = []
    for h in hosts:
        with open(h, encoding="utf-8") as f:
            parts.append("/* ---- %s ---- */\n" % os.path.basename(h) + f.read() + "\n")
    parts.append("/* ---- %s (patched: %d __proto__ lines dropped, %d sticky regexps) ---- */\n"
                 % (os.path.basename(src), dropped, sticky))
    parts.append("".join(kept))
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("".join(parts))
    os.replace(tmp, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
