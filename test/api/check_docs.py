#!/usr/bin/env python3
"""Doc coverage test: every public declaration carries a doc block.

Scans include/**/*.h and include/**/*.h.in (the version header's template).
Each K6C_EXTERN function, top-level typedef, struct or enum, and public macro
(K6C_*, not private K6C__* nor the include guard) must be preceded by a
/** ... */ block that names it and contains "Since:"; functions that return
something must also say "Return:". Only blank lines and preprocessor
conditionals may stand between the block and the declaration (a macro with
one definition per platform is documented once, before the #if).
"""
import glob
import os
import re
import sys

FUNC = re.compile(r'^K6C_EXTERN\((?P<type>[^)]*)\)\s*(?P<name>\w+)\s*\(')
DEFINE = re.compile(r'^#\s*define\s+(?P<name>\w+)')
TYPEDEF = re.compile(r'^typedef\b')
TAGGED = re.compile(r'^(struct|enum|union)\s+(?P<name>\w+)\s*\{')
CONDITIONAL = re.compile(r'^#\s*(if|ifdef|ifndef|elif|else|endif)\b')


def logical_lines(text):
    """Yields (line number, text) with backslash continuations joined."""
    lines = text.split('\n')
    i = 0
    while i < len(lines):
        start = i
        line = lines[i]
        while line.endswith('\\') and i + 1 < len(lines):
            i += 1
            line = line[:-1] + ' ' + lines[i]
        yield start + 1, line
        i += 1


def typedef_name(stmt):
    """The name a typedef statement introduces."""
    m = re.search(r'\(\s*\*\s*(\w+)\s*\)\s*\(', stmt)      # function pointer
    if m:
        return m.group(1)
    m = re.search(r'(\w+)\s*(\[[^\]]*\])?\s*;\s*$', stmt)
    return m.group(1) if m else None


def check_file(path):
    problems = []
    checked = 0
    with open(path) as f:
        text = f.read()
    guard = None
    m = re.search(r'^#\s*ifndef\s+(\w+)\s*\n#\s*define\s+\1\b', text, re.M)
    if m:
        guard = m.group(1)

    seen_macros = set()
    doc = None          # text of the doc block still attached, or None
    in_comment = None   # collected text of a comment being read
    pending = None      # (line, kind, name, type, text-so-far) of a multi-line typedef
    depth = 0           # brace depth: only top-level declarations count

    def judge(line_no, kind, name, rtype, block):
        nonlocal checked
        checked += 1
        where = '%s:%d: %s %s' % (os.path.basename(path), line_no, kind, name)
        if block is None:
            problems.append(where + ': no /** ... */ doc block before it')
            return
        if name not in block:
            problems.append(where + ': the doc block before it does not name it')
        if 'Since:' not in block:
            problems.append(where + ': doc block has no "Since:"')
        if kind == 'function' and rtype.strip() != 'void' and 'Return:' not in block:
            problems.append(where + ': returns %s but its doc block has no "Return:"' % rtype.strip())

    for line_no, line in logical_lines(text):
        stripped = line.strip()
        if in_comment is not None:
            in_comment += '\n' + line
            if '*/' in line:
                if in_comment.lstrip().startswith('/**'):
                    doc = in_comment
                in_comment = None
            continue
        if stripped.startswith('/*'):
            if '*/' in stripped[2:]:
                if stripped.startswith('/**'):
                    doc = stripped
                continue
            in_comment = stripped
            continue
        if pending is not None:
            pending[4] += ' ' + stripped
            depth += stripped.count('{') - stripped.count('}')
            if depth == 0 and stripped.endswith(';'):
                name = typedef_name(pending[4])
                judge(pending[0], 'typedef', name or '?', '', pending[3])
                pending = None
            continue
        if not stripped or CONDITIONAL.match(stripped):
            continue
        if depth > 0:
            depth += stripped.count('{') - stripped.count('}')
            continue

        m = DEFINE.match(stripped)
        if m:
            name = m.group('name')
            if name.startswith('K6C_') and not name.startswith('K6C__') and name != guard \
                    and name not in seen_macros:
                seen_macros.add(name)
                judge(line_no, 'macro', name, '', doc)
            doc = None
            continue
        m = FUNC.match(line)
        if m:
            judge(line_no, 'function', m.group('name'), m.group('type'), doc)
            doc = None
            continue
        if TYPEDEF.match(line):
            depth = stripped.count('{') - stripped.count('}')
            if depth == 0 and stripped.endswith(';'):
                judge(line_no, 'typedef', typedef_name(stripped) or '?', '', doc)
            else:
                pending = [line_no, 'typedef', None, doc, stripped]
            doc = None
            continue
        m = TAGGED.match(line)
        if m:
            judge(line_no, m.group(1), m.group('name'), '', doc)
            depth = stripped.count('{') - stripped.count('}')
            doc = None
            continue
        # Anything else (includes, K6C_BEGIN_DECL, code) detaches the block.
        doc = None
    return checked, problems


def main():
    if len(sys.argv) != 2:
        print('usage: check_docs.py INCLUDE_DIR')
        return 2
    root = sys.argv[1]
    files = sorted(set(glob.glob(os.path.join(root, '**', '*.h'), recursive=True) +
                       glob.glob(os.path.join(root, '**', '*.h.in'), recursive=True)))
    if not files:
        print('FAIL: no headers under ' + root)
        return 1
    total, problems = 0, []
    for path in files:
        n, p = check_file(path)
        print('%-40s %3d declarations, %d problems' % (os.path.relpath(path, root), n, len(p)))
        total += n
        problems += p
    for p in problems:
        print('FAIL ' + p)
    print('%d declarations checked, %d problems' % (total, len(problems)))
    return 1 if problems or total == 0 else 0


if __name__ == '__main__':
    sys.exit(main())
