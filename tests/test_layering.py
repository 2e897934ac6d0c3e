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


def _offenders(package: str, banned: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted((REPO / package).rglob("*.py")):
        for name in _imports(path):
            if name.split(".")[0] in banned:
                found.append(f"{path.relative_to(REPO)} imports {name}")
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


def test_layering_check_catches_a_qt_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6.QtWidgets import QWidget\n", encoding="utf-8")
    assert "PySide6.QtWidgets" in _imports(bad)
