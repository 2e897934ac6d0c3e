"""Every string of app/sheets has a zh_CN translation in the catalog, same placeholders."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from app import i18n
from app.i18n import Msg
from app.sheets import SheetFileContextError

REPO = Path(__file__).resolve().parents[3]
CATALOG = i18n.po_path("zh_CN")
PART = REPO / "resources/locale/zh_CN/parts/secretary_rounds.po"
"""Translations of new strings waiting for the lead's merge into the catalog."""
PLACEHOLDER = re.compile(r"\{(\w*)(?:[!:][^{}]*)?\}")


def _sources() -> set[str]:
    sys.path.insert(0, str(REPO / "installers"))
    import update_catalog  # type: ignore[import-not-found]

    return {
        msgid
        for msgid, path, _line in update_catalog.source_messages()
        if isinstance(msgid, str) and path.startswith("app/sheets")
    }


def _part() -> dict[str, str]:
    table: dict[str, str] = {}
    for path in (PART, CATALOG):  # the catalog wins once merged
        if path.exists():
            with path.open("rb") as fh:
                catalog = read_po(fh, locale="zh_CN")
            assert catalog.charset.lower() == "utf-8"
            table.update({m.id: str(m.string) for m in catalog if m.id and isinstance(m.id, str)})
    return table


def test_every_sheets_string_is_translated_with_the_same_placeholders() -> None:
    part = _part()
    sources = _sources()
    assert sources - {k for k, v in part.items() if v} == set()
    for msgid in sources:
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(part[msgid]))
        assert re.search(r"[\u4e00-\u9fff]", part[msgid]), msgid


def test_a_context_error_reads_in_chinese() -> None:
    error = SheetFileContextError(Msg.of("meeting"), "m-1", "m-2", "detail")
    text = error.in_language("zh_CN")
    assert "评分文件不属于此处：其会议为“m-2”，应为“m-1”。" in text
    assert "m-1" in error.in_language("en") and "m-2" in error.in_language("en")
