"""Dependencies point inward: Qt only in ui/; app/ never imports storage or export libraries;
only the composition roots (app/cli, ui/launch.py) import storage; no import cycle between
packages."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

QT = ("PySide6", "shiboken6")
APP_BANNED = (*QT, "sqlite_utils", "reportlab", "openpyxl", "ui", "export", "storage")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


# The composition roots. app/cli may wire the window (ui), the exporters (export, e.g. the
# demo's PDF attachments) and the stores (storage) into the core, which never imports them
# itself; the libraries stay banned there too (ui/export import Qt and reportlab, app/cli
# does not). ui/launch.py alone of ui opens the stores and hands them to the windows.
COMPOSITION_ROOTS = {
    "app/cli/": ("ui", "export", "storage"),
    "ui/launch.py": ("storage",),
}


def _offenders(package: str, banned: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted((REPO / package).rglob("*.py")):
        relative = path.relative_to(REPO)
        allowed = next(
            (
                tops
                for root, tops in COMPOSITION_ROOTS.items()
                if relative.as_posix().startswith(root)
            ),
            (),
        )
        for name in _imports(path):
            top = name.split(".")[0]
            if top in banned and top not in allowed:
                found.append(f"{relative.as_posix()} imports {name}")
    return found


@pytest.mark.parametrize(
    ("package", "banned"),
    [
        ("app", APP_BANNED),
        ("storage", (*QT, "ui", "export", "reportlab", "openpyxl")),
        ("export", (*QT, "ui", "storage")),
        ("ui", ("storage",)),
    ],
)
def test_package_imports_respect_layers(package: str, banned: tuple[str, ...]) -> None:
    assert _offenders(package, banned) == []


def test_app_cli_may_compose_but_never_import_libraries() -> None:
    assert _offenders("app/cli", (*QT, "sqlite_utils", "reportlab", "openpyxl")) == []


# --- no import cycle between packages ------------------------------------------------------

LAYERS = ("app", "storage", "ui", "export")


def _module_names() -> dict[str, Path]:
    modules = {}
    for layer in LAYERS:
        for path in (REPO / layer).rglob("*.py"):
            parts = path.relative_to(REPO).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _imported_modules(path: Path, module: str, known: dict[str, Path]) -> Iterator[str]:
    """Every module of ours ``path`` imports: at the top, in functions, under TYPE_CHECKING.
    ``from package import name`` counts as the module ``package.name`` when there is one."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name:
                yield name


def _package_of(module: str) -> str:
    """The graph's node: the package two levels down (``app.expert``, ``storage.workspace``,
    ``ui.shell``); a module right in a layer (``app.errors``, ``storage.database``) is its
    own node, so the layer's shared modules do not join every package into one."""
    return ".".join(module.split(".")[:2])


def package_graph() -> dict[str, dict[str, list[str]]]:
    """package -> imported package -> the module imports that make the edge."""
    known = _module_names()
    graph: dict[str, dict[str, list[str]]] = {}
    for module, path in sorted(known.items()):
        for target in _imported_modules(path, module, known):
            source, imported = _package_of(module), _package_of(target)
            if source == imported:
                continue
            graph.setdefault(source, {}).setdefault(imported, []).append(f"{module} -> {target}")
    return graph


def find_cycle(graph: dict[str, dict[str, list[str]]]) -> list[str] | None:
    """One cycle of ``graph`` as its nodes in order (the first again at the end), or None."""
    done: set[str] = set()
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        path.append(node)
        for target in sorted(graph.get(node, {})):
            if (cycle := visit(target)) is not None:
                return cycle
        path.pop()
        done.add(node)
        return None

    for start in sorted(graph):
        if (cycle := visit(start)) is not None:
            return cycle
    return None


def test_no_import_cycle_between_packages() -> None:
    graph = package_graph()
    cycle = find_cycle(graph)
    if cycle is not None:
        steps = [f"{a} -> {b}: {graph[a][b][0]}" for a, b in pairwise(cycle)]
        pytest.fail("import cycle between packages:\n  " + "\n  ".join(steps))


def test_cycle_check_finds_a_cycle_and_names_its_imports() -> None:
    graph = {
        "ui.expert": {"ui.shell": ["ui.expert.sign_in -> ui.shell.main_window"]},
        "ui.shell": {"ui.secretary": ["ui.shell.main_window -> ui.secretary.window"]},
        "ui.secretary": {"ui.expert": ["ui.secretary.room_view -> ui.expert.timer_widget"]},
        "app.domain": {},
    }
    assert find_cycle(graph) == ["ui.expert", "ui.shell", "ui.secretary", "ui.expert"]
    assert find_cycle({"a.b": {"a.c": ["a.b.x -> a.c.y"]}, "a.c": {}}) is None


def test_function_level_imports_count(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from app.ports import ExpertStores\n"
        "def f() -> None:\n    from storage import stores\n",
        encoding="utf-8",
    )
    known = {"app.ports": module, "storage": module, "storage.stores": module}
    assert sorted(set(_imported_modules(module, "ui.m", known))) == [
        "app.ports",
        "storage",
        "storage.stores",
    ]


def test_layering_check_catches_a_qt_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6.QtWidgets import QWidget\n", encoding="utf-8")
    assert "PySide6.QtWidgets" in _imports(bad)


# --- storage imports from app only values, errors and i18n ---------------------------------

# A module of app/ that storage may import, with the reason. Any other app import from
# storage is a use case or a module mixing values with logic, and pulls the core into the
# storage layer (docs/architecture.md: storage depends on the core's values, never its logic).
STORAGE_MAY_IMPORT = {
    # The user-facing error types every storage failure is raised as.
    "app.errors": "errors",
    # Translated messages of those errors.
    "app.i18n": "i18n",
    # The protocols storage implements or is handed (DraftSealer): interfaces, no behaviour;
    # storage depending on the port is the dependency inversion itself.
    "app.ports": "interfaces",
    # Pure codecs of domain values (no I/O, no signature): storage keeps documents in these
    # spellings so what it holds is what was fixed or signed.
    "app.formats.canonical_json": "codec",
    "app.formats.rubric_file": "codec: a meeting keeps its rubric as the rubric document",
    "app.formats.meeting_file": "codec: a secretary keeps each application as its document",
    "app.sheets.codec": "codec: field spellings of the signed formats",
    "app.round_notice.codec": "codec: a kept notice is decoded from its exact signed bytes",
    # The consolidation rule value with its document codec and checks (pure, no I/O).
    "app.consolidation.rule": "value and codec: a secretary keeps the meeting's rule",
}
# Whole families: domain values (frozen dataclasses, enums, typed ids) and, in any package,
# its ``model`` (values), ``record`` (values a workspace keeps) and ``errors`` modules.
STORAGE_MAY_IMPORT_PACKAGES = ("app.domain.",)
STORAGE_MAY_IMPORT_MODULE_NAMES = ("model", "record", "errors")


def _storage_may_import(module: str) -> bool:
    return (
        module in STORAGE_MAY_IMPORT
        or module.startswith(STORAGE_MAY_IMPORT_PACKAGES)
        or module.rsplit(".", 1)[-1] in STORAGE_MAY_IMPORT_MODULE_NAMES
    )


def _storage_app_imports() -> list[tuple[str, str]]:
    found = []
    for path in sorted((REPO / "storage").rglob("*.py")):
        relative = path.relative_to(REPO).as_posix()
        for name in _imports(path):
            if name == "app" or name.startswith("app."):
                found.append((relative, name))
    return found


def test_storage_imports_only_values_from_app() -> None:
    offenders = [
        f"{where} imports {module}"
        for where, module in _storage_app_imports()
        if not _storage_may_import(module)
    ]
    assert offenders == []


def test_the_value_modules_storage_imports_hold_no_functions() -> None:
    """A ``model``/``record`` module storage imports defines classes and constants only (a
    function there is logic: move it next to its use case)."""
    with_functions = []
    for _, module in _storage_app_imports():
        if module.rsplit(".", 1)[-1] not in ("model", "record"):
            continue
        path = REPO / (module.replace(".", "/") + ".py")
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        if any(isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) for node in tree.body):
            with_functions.append(module)
    assert sorted(set(with_functions)) == []
