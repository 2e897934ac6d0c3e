"""Every string of the kit, demo-build and materials code has zh_CN in parts/kit.po."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parents[3]
PART = REPO / "resources" / "locale" / "zh_CN" / "parts" / "kit.po"
MAIN = REPO / "resources" / "locale" / "zh_CN" / "LC_MESSAGES" / "review_desk.po"
PLACEHOLDER = re.compile(r"\{(\w*)(?:[!:][^{}]*)?\}")
MINE = (
    "app/kit",
    "app/expert/package_materials.py",
    "app/demo/build.py",
    "app/cli/kit.py",
    "app/cli/demo.py",
    "app/workspaces.py",
    "storage/workspace/core.py",
    "storage/workspace/kit.py",
    "export/demo_attachments.py",
)


def _table(path: Path) -> dict[str, str]:
    if not path.exists():  # the lead merges parts/kit.po into the main catalog
        return {}
    with path.open("rb") as fh:
        catalog = read_po(fh, locale="zh_CN")
    assert catalog.charset.lower() == "utf-8"
    return {m.id: str(m.string) for m in catalog if m.id and isinstance(m.id, str) and m.string}


def test_every_kit_string_is_translated_with_the_same_placeholders() -> None:
    sys.path.insert(0, str(REPO / "installers"))
    import update_catalog  # type: ignore[import-not-found]

    table = {**_table(MAIN), **_table(PART)}
    sources = {
        msgid
        for msgid, path, _line in update_catalog.source_messages()
        if isinstance(msgid, str) and path.startswith(MINE)
    }
    assert sorted(sources - set(table)) == []
    for msgid in sources:
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(table[msgid]))
        assert re.search(r"[\u4e00-\u9fff]", table[msgid]), msgid
