"""Every string of the secretary console has a zh_CN translation with the same placeholders
(read from the part file before the merge, from the catalog after)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from app import i18n

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "installers"))
import update_catalog  # type: ignore[import-not-found]  # noqa: E402

PARTS = (
    update_catalog.PARTS / "secretary_ui.po",
    update_catalog.PARTS / "secretary_rounds.po",
    update_catalog.PARTS / "room_audit.po",
)
PLACEHOLDER = re.compile(r"\{(\w*)(?:[!:][^{}]*)?\}")


def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    for path in (i18n.po_path("zh_CN"), *PARTS):
        if path.exists():
            catalog = update_catalog.read_catalog(path)
            assert catalog.charset.lower() == "utf-8"
            table.update({m.id: m.string for m in catalog if m.id and isinstance(m.id, str)})
    return table


def test_every_console_string_is_translated_with_the_same_placeholders() -> None:
    table = _table()
    mine = {
        m
        for m, file, _line in update_catalog.source_messages()
        if isinstance(m, str)
        and (file.startswith("ui/secretary") or file.endswith("main_window.py"))
    }
    assert sorted(m for m in mine if not table.get(m)) == []
    wrong = [
        m for m in mine if sorted(PLACEHOLDER.findall(m)) != sorted(PLACEHOLDER.findall(table[m]))
    ]
    assert wrong == []
