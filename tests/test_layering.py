"""Dependencies point inward: Qt only in ui/; app/ never imports storage or export libraries."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

QT = ("PySide6", "shiboken6")
APP_BANNED = (*QT, "sqlite_utils", "reportlab", "openpyxl", "ui", "export")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


# app/cli is the composition root: it may wire the window (ui) and the exporters (export,
# e.g. the demo's PDF attachments) into the core, which never imports them itself. The
# libraries stay banned there too: ui/export import Qt and reportlab, app/cli does not.
APP_CLI_ALLOWED = ("ui", "export")


def _offenders(package: str, banned: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted((REPO / package).rglob("*.py")):
        relative = path.relative_to(REPO)
        is_cli = relative.parts[:2] == ("app", "cli")
        for name in _imports(path):
            top = name.split(".")[0]
            if top in banned and not (is_cli and top in APP_CLI_ALLOWED):
                found.append(f"{relative} imports {name}")
    return found


@pytest.mark.parametrize(
    ("package", "banned"),
    [
        ("app", APP_BANNED),
        ("storage", (*QT, "ui", "export", "reportlab", "openpyxl")),
        ("export", (*QT, "ui")),
    ],
)
def test_package_imports_respect_layers(package: str, banned: tuple[str, ...]) -> None:
    assert _offenders(package, banned) == []


def test_app_cli_may_compose_but_never_import_libraries() -> None:
    assert _offenders("app/cli", (*QT, "sqlite_utils", "reportlab", "openpyxl")) == []


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
