"""Every string of the result-bundle code has a zh_CN translation with the same placeholders.

Reads the part file while it exists (before ``installers/update_catalog.py`` merges it) and
the merged catalog afterwards, so the test holds on both sides of the merge.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from app import i18n
from app.ministry.replay import BundleOlderVersionError

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "installers"))
import update_catalog  # type: ignore[import-not-found]  # noqa: E402

PART = update_catalog.PARTS / "results.po"
MINE = (
    "app/results/",
    "app/ministry/",
    "app/cli/results.py",
    "storage/ministry",
    "export/ministry_xlsx.py",
    "export/bundle_checks.py",
)
PLACEHOLDER = re.compile(r"\{(\w*)(?:[!:][^{}]*)?\}")


def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    for path in (i18n.po_path("zh_CN"), PART):
        if path.exists():
            catalog = update_catalog.read_catalog(path)
            assert catalog.charset.lower() == "utf-8"
            table.update({m.id: m.string for m in catalog if m.id and isinstance(m.id, str)})
    return table


def _mine() -> set[str]:
    return {
        msgid
        for msgid, file, _line in update_catalog.source_messages()
        if file.startswith(MINE) and isinstance(msgid, str)
    }


def test_every_string_is_translated_with_the_same_placeholders() -> None:
    table = _table()
    assert sorted(m for m in _mine() if not table.get(m)) == []
    for msgid in _mine():
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(table[msgid]))


def test_the_part_file_holds_only_these_strings() -> None:
    if PART.exists():
        catalog = update_catalog.read_catalog(PART)
        assert {m.id for m in catalog if m.id} <= _mine()


def test_a_replay_refusal_reads_in_chinese() -> None:
    table = dict(i18n._load("zh_CN"))
    table.update(_table())
    i18n._catalogs["zh_CN"] = table  # the part file is merged into the catalog by the lead
    try:
        text = BundleOlderVersionError("m-1", 1, 2).in_language("zh_CN")
        assert "会议 m-1 的结果包版本 1 较旧" in text and "未作任何更改" in text
    finally:
        i18n._catalogs.pop("zh_CN", None)
