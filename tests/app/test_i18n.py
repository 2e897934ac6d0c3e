"""The zh_CN catalog is complete and its placeholders match the English source strings."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from app import i18n
from app.errors import UserFacingError
from app.i18n import LocalizedText, Msg, _, detect_language, normalize

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "installers"))
import update_catalog  # noqa: E402

PLACEHOLDER = re.compile(r"\{(\w*)(?:[!:][^{}]*)?\}")


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def _zh_table() -> dict[str, str]:
    catalog = update_catalog.read_catalog(i18n.po_path("zh_CN"))
    return {m.id: m.string for m in catalog if m.id and isinstance(m.id, str)}


def test_every_source_string_has_a_chinese_translation() -> None:
    table = _zh_table()
    missing = sorted(
        {msgid for msgid, _f, _l in update_catalog.source_messages() if isinstance(msgid, str)}
        - {k for k, v in table.items() if v}
    )
    assert missing == [], f"{len(missing)} strings lack zh_CN (run installers/update_catalog.py)"


def test_no_part_files_left_unmerged() -> None:
    assert not list(update_catalog.PARTS.glob("*.po")) if update_catalog.PARTS.exists() else True


def test_translations_keep_the_same_placeholders() -> None:
    wrong = [
        (msgid, text)
        for msgid, text in _zh_table().items()
        if text and _placeholders(msgid) != _placeholders(text)
    ]
    assert wrong == []


def test_placeholders_are_named() -> None:
    unnamed = [
        msgid
        for msgid, _f, _l in update_catalog.source_messages()
        if isinstance(msgid, str) and "" in _placeholders(msgid)
    ]
    assert unnamed == []


def test_switching_language_translates_and_switches_back() -> None:
    assert _("Draft") == "Draft"
    i18n.set_language("zh_CN")
    chinese = _("Draft")
    assert chinese != "Draft" and re.search(r"[\u4e00-\u9fff]", chinese)
    i18n.set_language("en")
    assert _("Draft") == "Draft"


def test_messages_follow_later_language_switches() -> None:
    err = UserFacingError(Msg.of("Draft"), Msg.of("Submitted"))
    english = err.message
    i18n.set_language("zh_CN")
    assert err.message != english
    assert err.in_language("en") == "Draft\nSubmitted"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh_CN"),
        ({"LANGUAGE": "zh_CN:en", "LANG": "en_US.UTF-8"}, "zh_CN"),
        ({"LC_ALL": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LANG": "C"}, "en"),
        ({}, "en"),
    ],
)
def test_language_follows_the_locale(env: dict[str, str], expected: str) -> None:
    assert detect_language(env) == expected


def test_localized_text_picks_the_current_language() -> None:
    text = LocalizedText(en="Agenda", zh_CN="议程")
    assert str(text) == "Agenda"
    i18n.set_language("zh_CN")
    assert str(text) == "议程"
    assert normalize("zh-Hans") == "zh_CN"


def test_counts_read_as_plurals_in_english_and_in_chinese() -> None:
    """Issue 14 item 10: English said "1 draft(s)"; each language now has its own plural."""
    from app.i18n import ngettext, set_language

    one, many = "{count} application flagged", "{count} applications flagged"
    set_language("en")
    assert ngettext(one, many, 1, count=1) == "1 application flagged"
    assert ngettext(one, many, 3, count=3) == "3 applications flagged"
    message = Msg.ngettext(
        "{summary} {count} draft reported, not submitted yet.",
        "{summary} {count} drafts reported, not submitted yet.",
        2,
        summary="a.oisheet:",
        count=2,
    )
    assert str(message) == "a.oisheet: 2 drafts reported, not submitted yet."
    assert message.in_language("zh_CN") == "a.oisheet: 报告草稿 2 份，尚未提交。"
    set_language("zh_CN")
    assert str(message) == "a.oisheet: 报告草稿 2 份，尚未提交。"
    set_language("en")


def test_no_message_counts_with_an_s_in_brackets() -> None:
    bracketed = [
        (file, line)
        for msgid, file, line in update_catalog.source_messages()
        for text in (msgid if isinstance(msgid, tuple) else (msgid,))
        if "(s)" in text
    ]
    assert bracketed == []


def _babel_table(data: bytes) -> dict[object, object]:
    """What the catalog reader gave when it went through Babel (the reference)."""
    import io

    from babel.messages.pofile import read_po

    table: dict[object, object] = {}
    for message in read_po(io.BytesIO(data), locale="zh_CN"):
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple | list):
            strings = tuple(s for s in (message.string or ()) if s)
            if strings:
                table[(str(message.id[0]), str(message.id[1]))] = strings
        elif message.string:
            table[str(message.id)] = str(message.string)
    return table


_TRICKY_PO = r"""# header comment
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=1; plural=0;\n"

#: app/x.py:1
#, python-brace-format
msgid "Hello {name}"
msgstr "你好 {name}"

#, fuzzy
msgid "Fuzzy one"
msgstr "模糊"

msgid "Untranslated"
msgstr ""

msgid ""
"A long "
"message with \"quotes\", a tab\t and\n"
"a new line \\ backslash"
msgstr ""
"很长的"
"消息 \"引号\"\n"
msgid "{count} sheet"
msgid_plural "{count} sheets"
msgstr[0] "{count} 份评分表"

msgid "Only plural empty"
msgid_plural "Only plurals empty"
msgstr[0] ""

msgctxt "menu"
msgid "Open"
msgstr "打开"

#~ msgid "Obsolete"
#~ msgstr "废弃"

#, fuzzy, python-brace-format
msgid "Fuzzy with format {x}"
msgstr "模糊 {x}"
msgid "After fuzzy, no comment"
msgstr "无注释"
"""


def test_catalog_reader_reads_what_babel_reads() -> None:
    from app.i18n import po_path, read_catalog

    shipped = po_path("zh_CN").read_bytes()
    assert read_catalog(shipped) == _babel_table(shipped)
    tricky = _TRICKY_PO.encode("utf-8")
    assert read_catalog(tricky) == _babel_table(tricky)
    assert read_catalog(tricky)["{count} sheet", "{count} sheets"] == ("{count} 份评分表",)


def test_the_parsed_catalog_is_kept_and_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Chinese start loads the parsed catalog from the cache instead of parsing the PO
    file again; the cached table is the parsed one."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    shipped = i18n.po_path("zh_CN").read_bytes()
    parsed = i18n.read_catalog(shipped)
    assert i18n.read_catalog_cached(shipped) == parsed
    assert [p.parent for p in tmp_path.rglob("catalog-*.marshal")] == [i18n.catalog_cache_dir()]

    def no_parsing(data: bytes) -> dict[str, str]:
        raise AssertionError("parsed again")

    monkeypatch.setattr(i18n, "read_catalog", no_parsing)
    assert i18n.read_catalog_cached(shipped) == parsed


def test_an_edited_catalog_is_parsed_again_and_replaces_the_old_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = b'msgid "Yes"\nmsgstr "\xe6\x98\xaf"\n'
    second = b'msgid "Yes"\nmsgstr "\xe5\xaf\xb9"\n'
    assert i18n.read_catalog_cached(first) == {"Yes": "是"}
    assert i18n.read_catalog_cached(second) == {"Yes": "对"}
    assert len(list(i18n.catalog_cache_dir().glob("catalog-*.marshal"))) == 1


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[:-7],  # truncated
        lambda raw: raw[:-1] + bytes([raw[-1] ^ 1]),  # one bit flipped
        lambda raw: b"something else entirely",
        lambda raw: raw[: len(i18n._CACHE_FORMAT)] + b"\0" * 4 + raw[len(i18n._CACHE_FORMAT) + 4 :],
    ],
)
def test_a_damaged_cache_is_ignored_and_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: object
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    data = 'msgid "Yes"\nmsgstr "是"\n'.encode()
    i18n.read_catalog_cached(data)
    (cache,) = i18n.catalog_cache_dir().glob("catalog-*.marshal")
    good = cache.read_bytes()
    cache.write_bytes(damage(good))  # type: ignore[operator]
    assert i18n.read_catalog_cached(data) == {"Yes": "是"}
    assert cache.read_bytes() == good


def test_a_cache_holding_other_values_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A well-formed cache file whose table is not strings (not one this program wrote)."""
    import marshal
    import zlib

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    data = 'msgid "Yes"\nmsgstr "是"\n'.encode()
    i18n.read_catalog_cached(data)
    (cache,) = i18n.catalog_cache_dir().glob("catalog-*.marshal")
    body = marshal.dumps({"Yes": 1})
    cache.write_bytes(i18n._CACHE_FORMAT + zlib.crc32(body).to_bytes(4, "big") + body)
    assert i18n.read_catalog_cached(data) == {"Yes": "是"}


def test_an_endless_cache_file_is_read_only_up_to_its_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache is read bounded like every input: /dev/zero in its place is not read whole."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    data = 'msgid "Yes"\nmsgstr "是"\n'.encode()
    i18n.read_catalog_cached(data)
    (cache,) = i18n.catalog_cache_dir().glob("catalog-*.marshal")
    cache.unlink()
    cache.symlink_to("/dev/zero")
    assert i18n.read_catalog_cached(data) == {"Yes": "是"}


def test_an_unwritable_cache_folder_only_costs_the_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    data = 'msgid "Yes"\nmsgstr "是"\n'.encode()
    assert i18n.read_catalog_cached(data) == {"Yes": "是"}
    assert blocker.read_text() == "a file where the cache folder would be"


def test_messages_and_texts_behave_as_frozen_dataclasses() -> None:
    """Msg and LocalizedText are written out (``app.i18n._Value``) to keep ``dataclasses`` out
    of every start; they compare, hash, print, copy, pickle and refuse changes as the frozen
    dataclasses they were."""
    import copy
    import dataclasses
    import pickle

    @dataclasses.dataclass(frozen=True)
    class Msg:
        source: str
        params: tuple[tuple[str, object], ...] = ()
        plural: str | None = None
        count: int = 1

    @dataclasses.dataclass(frozen=True)
    class LocalizedText:
        en: str
        zh_CN: str  # noqa: N815

    text = i18n.LocalizedText("Unit", "单位")
    ours = i18n.Msg("{n} sheet", (("n", 2), ("who", text)), "{n} sheets", 2)
    theirs = Msg("{n} sheet", (("n", 2), ("who", LocalizedText("Unit", "单位"))), "{n} sheets", 2)
    assert repr(ours) == repr(theirs).replace(
        "test_messages_and_texts_behave_as_frozen_dataclasses.<locals>.", ""
    )
    assert repr(i18n.LocalizedText(en="a", zh_CN="甲")) == "LocalizedText(en='a', zh_CN='甲')"
    assert ours == i18n.Msg.ngettext("{n} sheet", "{n} sheets", 2, n=2, who=text)
    assert hash(ours) == hash(i18n.Msg.ngettext("{n} sheet", "{n} sheets", 2, who=text, n=2))
    assert ours != i18n.Msg("{n} sheet", (("n", 2), ("who", text)), "{n} sheets", 3)
    assert i18n.Msg("x") != "x" and i18n.Msg("x") != theirs and i18n.Msg("x") == i18n.Msg("x", ())
    assert text == i18n.LocalizedText(zh_CN="单位", en="Unit") and text != LocalizedText(
        "Unit", "单位"
    )
    assert len({text, i18n.LocalizedText("Unit", "单位"), i18n.LocalizedText("Unit", "")}) == 2
    for value in (ours, text):
        assert copy.copy(value) == value and copy.deepcopy(value) == value
        assert pickle.loads(pickle.dumps(value)) == value
        with pytest.raises(AttributeError, match="cannot assign to field"):
            value.en = "changed"  # type: ignore[misc, union-attr]
        with pytest.raises(AttributeError, match="cannot delete field"):
            del value.en  # type: ignore[misc, union-attr]
    assert str(pickle.loads(pickle.dumps(ours))) == "2 sheets"
    match text:
        case i18n.LocalizedText(en, zh):
            assert (en, zh) == ("Unit", "单位")
        case _:
            raise AssertionError("no match")


def test_the_command_line_starts_without_dataclasses_and_pathlib() -> None:
    """``review-desk --version`` (and every start in English) needs neither (see ``_Value``)."""
    import subprocess

    code = (
        "import sys; from app.cli import main\n"
        "try: main(['--version'])\n"
        "except SystemExit: pass\n"
        "print(sorted(m for m in ('dataclasses', 'pathlib', 'threading') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONPATH": str(REPO)},
    )
    assert result.stdout.splitlines()[-1] == "[]", result.stdout + result.stderr
