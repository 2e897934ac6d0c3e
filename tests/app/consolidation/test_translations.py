"""Every consolidation string has a zh_CN translation with the same placeholders.

Reads the part file while it exists (before ``installers/update_catalog.py`` merges it) and
the merged catalog afterwards, so the test holds on both sides of the merge.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from app import i18n
from app.consolidation import ConsolidationRule, consolidate
from app.i18n import Msg

from .helpers import meeting, rubric, sheet

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "installers"))
import update_catalog  # type: ignore[import-not-found]  # noqa: E402

PART = update_catalog.PARTS / "consolidation.po"
PLACEHOLDER = re.compile(r"\{(\w*)(?:[!:][^{}]*)?\}")


def _table() -> dict[str, str]:
    path = PART if PART.exists() else i18n.po_path("zh_CN")
    catalog = update_catalog.read_catalog(path)
    assert catalog.charset.lower() == "utf-8"
    return {m.id: m.string for m in catalog if m.id and isinstance(m.id, str)}


def _mine() -> set[str]:
    return {
        msgid
        for msgid, file, _line in update_catalog.source_messages()
        if file.startswith("app/consolidation/") and isinstance(msgid, str)
    }


def test_every_string_is_translated_with_the_same_placeholders() -> None:
    table = _table()
    missing = sorted(m for m in _mine() if not table.get(m))
    assert missing == []
    for msgid in _mine():
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(table[msgid]))
        assert re.search(r"[\u4e00-\u9fff]", table[msgid]) or msgid == table[msgid]


def test_the_part_file_holds_only_consolidation_strings() -> None:
    if PART.exists():
        assert set(_table()) <= _mine()


def test_an_explanation_renders_in_chinese_from_the_translations() -> None:
    table = _table()
    result = consolidate(
        meeting(5),
        rubric(),
        [sheet(f"e0{i}", "a1", v) for i, v in enumerate([20, 21, 22, 23, 24], 1)],
        [],
        ConsolidationRule(),
        1,
    )
    explanation = result.application("a1").figure("concept_logic").explanation
    assert isinstance(explanation, Msg)
    params = {k: (v.get("zh_CN") if hasattr(v, "get") else v) for k, v in explanation.params}
    text = table[explanation.source].format(**params)
    assert text == (
        "5 个评分去掉一个最高分（中文Expert e05，24）和一个最低分（中文Expert e01，20），"
        "取其余 3 个评分的平均值。"
    )
