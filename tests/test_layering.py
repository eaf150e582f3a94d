"""The code's layering: no module imports another in a circle, and no app's models import a higher app."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ("agencies", "recommendations", "actions", "reports", "config")


def module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def top_level_imports(path):
    """The project modules ``path`` imports, at module level or inside a function (a lazy import hides a circle)."""
    package = module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else module_name(path)
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found |= {base} | {f"{base}.{alias.name}" for alias in node.names}
    return {name for name in found if name.split(".")[0] in APPS}


def graph():
    modules = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                modules[module_name(path)] = path
    return {
        name: {dep for dep in top_level_imports(path) if dep in modules and dep != name}
        for name, path in modules.items()
    }


def find_cycle(edges):
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for dep in edges.get(node, ()):
            if state.get(dep) == "open":
                return stack[stack.index(dep) :] + [dep]
            if dep not in state and (cycle := visit(dep)):
                return cycle
        state[node] = "done"
        stack.pop()
        return None

    for node in edges:
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_module_imports_another_in_a_circle():
    assert find_cycle(graph()) is None


def test_the_cycle_finder_finds_a_circle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_models_and_services_import_only_from_their_own_app_or_below():
    order = {app: rank for rank, app in enumerate(APPS[:-1])}
    for name, deps in graph().items():
        app, _, rest = name.partition(".")
        if app not in order or not rest.startswith(("models", "services", "states", "status", "rag")):
            continue
        for dep in deps:
            dep_app = dep.split(".")[0]
            assert order.get(dep_app, -1) <= order[app], f"{name} imports {dep}"
