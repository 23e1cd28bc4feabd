#!/usr/bin/env python3
"""Draws the code's dependencies, for the "keep them one-way" rule (docs/architecture.md).

    python3 docs/tools/deps.py                 # package -> packages it references, and mutual pairs
    python3 docs/tools/deps.py orchestrator    # the classes of one package -> the classes they reference

A reference is any io.agentbus type named outside comments (imports and fully qualified names);
within a package, any use of a sibling class's name.
"""

import os
import re
import sys

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "src", "main", "java", "io", "agentbus")


def source(path):
    s = open(path, encoding="utf-8").read()
    s = re.sub(r"/\*.*?\*/", "", s, flags=re.S)
    return re.sub(r"//[^\n]*", "", s)


def packages():
    deps = {}
    for d, _, files in os.walk(ROOT):
        pkg = os.path.relpath(d, ROOT).replace(os.sep, ".")
        pkg = "(root)" if pkg == "." else pkg
        for f in files:
            if f.endswith(".java"):
                for m in re.finditer(r"io\.agentbus\.((?:[a-z]+\.)*)[A-Z]\w*", source(os.path.join(d, f))):
                    target = m.group(1).rstrip(".") or "(root)"
                    if target != pkg:
                        deps.setdefault(pkg, set()).add(target)
    return deps


def classes(pkg):
    d = os.path.join(ROOT, *pkg.split("."))
    names = [f[:-5] for f in os.listdir(d) if f.endswith(".java") and f != "package-info.java"]
    return {c: {o for o in names if o != c and re.search(r"\b" + o + r"\b", source(os.path.join(d, c + ".java")))}
            for c in names}


def main():
    deps = classes(sys.argv[1]) if len(sys.argv) > 1 else packages()
    for k in sorted(deps):
        print(f"{k:20} -> {', '.join(sorted(deps[k]))}")
    mutual = sorted({tuple(sorted((a, b))) for a in deps for b in deps[a] if a in deps.get(b, ())})
    print("mutual:", ", ".join(f"{a} <-> {b}" for a, b in mutual) or "none")


if __name__ == "__main__":
    main()
