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
