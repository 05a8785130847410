#!/usr/bin/python3
"""Checks the code against the module graph that CMake declares (cmake/modules.cmake).

    check_module_graph.py BUILD/module_graph.json [--write-docs]

The build links each module only with the modules it declares; this checks what the linker
cannot see reliably: that every quoted #include in src/ and include/retailcast/ names a
header of the including module or of a module below it, that private headers (those under
src/) are only included from their own module, and that docs/design.md draws the graph as
declared (between its "module-graph" markers; --write-docs rewrites that block).
Exit status 0 when everything holds, 1 with one line per violation otherwise.
"""
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
BEGIN, END = "<!-- module-graph:begin -->", "<!-- module-graph:end -->"


def closure(graph, module):
    seen, todo = set(), [module]
    while todo:
        m = todo.pop()
        for d in graph[m]["deps"]:
            if d not in seen:
                seen.add(d)
                todo.append(d)
    return seen


def public_namespace(module):
    """include/retailcast/<namespace>/ holds a module's public headers; model families share
    models/ (models_ets -> models)."""
    return module.split("_", 1)[0] if module.startswith("models_") else module


def check_cycles(graph):
    errors, state = [], {}

    def visit(m, path):
        if state.get(m) == 1:
            errors.append("cycle: " + " -> ".join(path + [m]))
            return
        if state.get(m) == 2:
            return
        state[m] = 1
        for d in graph[m]["deps"]:
            visit(d, path + [m])
        state[m] = 2

    for m in graph:
        visit(m, [])
    return errors


def source_files(folder):
    for base, dirs, files in os.walk(os.path.join(ROOT, folder)):
        for f in sorted(files):
            if f.endswith((".h", ".cc", ".in")):
                yield os.path.join(base, f)


def check_includes(graph):
    errors = []
    dirs = {m: g["dir"] for m, g in graph.items()}
    # The module owning each folder of src/ (the deepest declared folder wins).
    def owner_of(path):
        rel = os.path.relpath(path, ROOT)
        best = None
        for m, d in dirs.items():
            if rel == d or rel.startswith(d + "/"):
                if best is None or len(d) > len(dirs[best]):
                    best = m
        return best

    namespaces = {}
    for m in graph:
        namespaces.setdefault(public_namespace(m), set()).add(m)

    def check_file(path, module, allowed_modules):
        allowed_ns = {public_namespace(m) for m in allowed_modules}
        text = open(path, encoding="utf-8", errors="replace").read()
        rel = os.path.relpath(path, ROOT)
        for inc in INCLUDE.findall(text):
            if inc.startswith("retailcast/"):
                parts = inc.split("/")
                if len(parts) < 3:
                    if inc.startswith("retailcast_"):  # generated (version, openapi)
                        continue
                    errors.append(f"{rel}: #include \"{inc}\": public headers live in "
                                  "include/retailcast/<module>/")
                    continue
                if parts[1] not in namespaces:
                    errors.append(f"{rel}: #include \"{inc}\": no module '{parts[1]}'")
                elif parts[1] not in allowed_ns:
                    errors.append(f"{rel}: #include \"{inc}\": module {module} does not depend "
                                  f"on {parts[1]} (declare it in its CMakeLists.txt, or move "
                                  "the code)")
                continue
            here = os.path.join(os.path.dirname(path), inc)
            if os.path.exists(here):
                target = here
            elif os.path.exists(os.path.join(ROOT, "src", inc)):
                target = os.path.join(ROOT, "src", inc)
            else:
                continue  # a generated header of the build folder
            target_module = owner_of(target)
            if target_module is None:
                errors.append(f"{rel}: #include \"{inc}\" is in no module")
            elif target_module != module and target_module not in allowed_modules:
                errors.append(f"{rel}: #include \"{inc}\": a private header of "
                              f"{target_module}, which {module} does not depend on")
            elif target_module != module and public_namespace(target_module) != public_namespace(module):
                errors.append(f"{rel}: #include \"{inc}\": a private header of "
                              f"{target_module}; use its public header under "
                              f"include/retailcast/{public_namespace(target_module)}/")

    for m, g in graph.items():
        allowed = closure(graph, m) | {m}
        for path in source_files(g["dir"]):
            if owner_of(path) == m:
                check_file(path, m, allowed)
    for ns, modules in namespaces.items():
        allowed = set()
        for m in modules:
            allowed |= closure(graph, m) | {m}
        owner = sorted(modules)[0]
        for path in source_files(os.path.join("include", "retailcast", ns)):
            check_file(path, owner, allowed)
    known = {public_namespace(m) for m in graph}
    for entry in sorted(os.listdir(os.path.join(ROOT, "include", "retailcast"))):
        if entry not in known:
            errors.append(f"include/retailcast/{entry}: not the folder of a module")
    return errors


def drawing(graph):
    """The graph as text: each module with the modules it uses directly, bottom up."""
    lines = ["```", "module               uses (directly)"]
    for m, g in graph.items():
        lines.append(f"{m:<20} {', '.join(g['deps']) if g['deps'] else '-'}")
    lines.append("```")
    return "\n".join(lines)


def check_docs(graph, write):
    path = os.path.join(ROOT, "docs", "design.md")
    text = open(path, encoding="utf-8").read()
    if BEGIN not in text or END not in text:
        return [f"docs/design.md: no {BEGIN} ... {END} block with the module graph"]
    head, rest = text.split(BEGIN, 1)
    body, tail = rest.split(END, 1)
    want = "\n" + drawing(graph) + "\n"
    if body == want:
        return []
    if write:
        open(path, "w", encoding="utf-8").write(head + BEGIN + want + END + tail)
        return []
    return ["docs/design.md: the module graph differs from the one CMake declares; run "
            "scripts/check_module_graph.py build/<preset>/module_graph.json --write-docs"]


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    graph = json.load(open(sys.argv[1]))
    errors = check_cycles(graph) + check_includes(graph)
    errors += check_docs(graph, "--write-docs" in sys.argv)
    for e in errors:
        print(e)
    if errors:
        print(f"{len(errors)} module graph violation(s)")
        return 1
    print(f"module graph: {len(graph)} modules, every include follows it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
