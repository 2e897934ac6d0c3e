"""Meeting files: the demo loads whole, writing is exact, every broken file is refused."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.demo.meeting import DEMO_MEETING, load_demo
from app.domain.meeting import ExpertRole
from app.errors import ValidationError
from app.formats.meeting_file import (
    MAX_FILE,
    OUTLINE,
    MeetingFileError,
    MeetingFormTextError,
    check_rubric,
    load_meeting_file,
    meeting_to_bytes,
    meeting_to_document,
    parse_agenda_meeting,
    parse_meeting,
    parse_meeting_bytes,
    without_forms,
)
from app.formats.rubric_file import load_default_rubric

Edit = Callable[[dict[str, Any]], Any]


def _demo_doc() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(DEMO_MEETING.read_text(encoding="utf-8"))
    return doc


def _refused(doc: Any) -> MeetingFileError:
    with pytest.raises(MeetingFileError) as caught:
        parse_meeting(doc)
    return caught.value


# --- the demo meeting ---------------------------------------------------------------------


def test_demo_loads_with_its_rubric() -> None:
    meeting, rubric = load_demo()
    assert meeting.is_demo
    assert meeting.rubric_id == rubric.id
    assert "示例" in meeting.title.zh_CN and "DEMO" in meeting.title.en
    assert meeting.date.year == 2026
    assert "北京" in meeting.venue.zh_CN and "Beijing" in meeting.venue.en


def test_demo_roster() -> None:
    meeting, _ = load_demo()
    roles = [e.role for e in meeting.experts]
    assert len(meeting.experts) == 7
    assert roles.count(ExpertRole.OVERALL) == 2
    assert roles.count(ExpertRole.DOMAIN) == 5
    assert sum(e.is_chair for e in meeting.experts) == 1
    assert meeting.chair is not None and meeting.chair.title.zh_CN in {"研究员", "教授"}
    assert len({e.id for e in meeting.experts}) == 7


def test_demo_applications_in_hearing_order() -> None:
    meeting, _ = load_demo()
    assert len(meeting.applications) == 6
    ordered = meeting.applications_in_order()
    assert [a.id for a in ordered] == ["a01", "a02", "a03", "a04", "a05", "a06"]
    assert [item.position for item in meeting.agenda] == [1, 2, 3, 4, 5, 6]
    assert all(item.report_minutes in (15, 20) for item in meeting.agenda)
    assert {item.report_minutes + item.qa_minutes for item in meeting.agenda} > {25}
    starts = [item.starts_at for item in meeting.agenda]
    assert all(s is not None and s.date() == meeting.date for s in starts)


def test_demo_forms_follow_the_appendix_outline() -> None:
    meeting, _ = load_demo()
    for application in meeting.applications:
        assert [p.key for p in application.form] == ["I", "II", "III", "IV"]
        assert [len(p.sections) for p in application.form] == [3, 6, 3, 3]
        for part in application.form:
            assert part.title.en.strip() and part.title.zh_CN.strip()
            for section in part.sections:
                assert section.key.startswith(part.key + ".")
                assert section.title.en.strip() and section.title.zh_CN.strip()
                assert 60 <= len(section.body.zh_CN) <= 150, (application.id, section.key)
                assert len(section.body.en) >= 100, (application.id, section.key)


def test_demo_has_exactly_one_overlapping_pair() -> None:
    meeting, _ = load_demo()
    apps = meeting.applications
    shared = [
        (a.id, b.id)
        for i, a in enumerate(apps)
        for b in apps[i + 1 :]
        if set(a.sub_domain_tags) & set(b.sub_domain_tags)
    ]
    assert shared == [("a02", "a06")]
    for a in apps:
        assert all(t == t.lower().strip() for t in a.sub_domain_tags)


def test_demo_check_rubric_refuses_another_rubric() -> None:
    meeting, rubric = load_demo()
    check_rubric(meeting, rubric)
    other = parse_meeting({**_demo_doc(), "rubric_id": "other-rubric"})
    with pytest.raises(MeetingFileError) as caught:
        check_rubric(other, load_default_rubric())
    assert caught.value.field == "rubric_id"


# --- writing ------------------------------------------------------------------------------


def test_round_trip_is_exact_but_for_the_forms() -> None:
    meeting, _ = load_demo()
    agenda_only = without_forms(meeting)
    assert all(a.form for a in meeting.applications)
    assert all(not a.form for a in agenda_only.applications)
    assert parse_meeting(meeting_to_document(meeting)) == agenda_only
    assert parse_meeting_bytes(meeting_to_bytes(meeting)) == agenda_only
    assert parse_agenda_meeting(meeting_to_document(meeting)) == agenda_only


def test_the_writer_writes_version_2_without_form_text() -> None:
    meeting, _ = load_demo()
    expected = _demo_doc()
    expected["version"] = 2
    for application in expected["applications"]:
        del application["form"]
    text = json.dumps(expected, ensure_ascii=False, indent=2) + "\n"
    assert meeting_to_bytes(meeting) == text.encode("utf-8")
    body = meeting.applications[0].form[1].sections[0].body
    assert body.en not in text and body.zh_CN not in text


def test_the_shipped_demo_is_a_version_1_source_file() -> None:
    """The demo's meeting.json is the issuing office's source (forms included) from which
    the demo builds its packages; it never reaches a kit or a workspace."""
    assert _demo_doc()["version"] == 1
    with pytest.raises(MeetingFormTextError) as caught:
        parse_agenda_meeting(_demo_doc())
    assert caught.value.field == "version"
    assert "form text in the clear" in caught.value.message


def test_form_text_in_a_version_2_meeting_is_refused() -> None:
    doc = json.loads(meeting_to_bytes(load_demo()[0]))
    doc["applications"][2]["form"] = _demo_doc()["applications"][2]["form"]
    for parse in (parse_meeting, parse_agenda_meeting):
        with pytest.raises(MeetingFormTextError) as caught:
            parse(doc)
        assert caught.value.field == "applications[2].form"
        assert "encrypted package" in caught.value.message


def test_optional_fields_round_trip() -> None:
    doc = _demo_doc()
    doc["experts"][3]["fingerprint"] = "SHA256:AB:CD:EF"
    del doc["experts"][4]["is_chair"]
    del doc["agenda"][5]["starts_at"]
    del doc["is_demo"]
    meeting = parse_meeting(doc)
    assert not meeting.is_demo
    assert meeting.experts[3].fingerprint == "SHA256:AB:CD:EF"
    assert meeting.agenda[5].starts_at is None
    assert parse_meeting(meeting_to_document(meeting)) == without_forms(meeting)


def test_agenda_may_be_listed_in_any_order() -> None:
    doc = _demo_doc()
    doc["agenda"].reverse()
    meeting = parse_meeting(doc)
    assert meeting.applications_in_order()[0].id == "a01"


def test_line_breaks_and_tabs_are_kept() -> None:
    doc = _demo_doc()
    doc["applications"][0]["form"][0]["sections"][0]["body"]["en"] = "First.\n\tSecond.\r\n"
    meeting = parse_meeting(doc)
    assert meeting.applications[0].form[0].sections[0].body.en == "First.\n\tSecond.\r\n"


def test_later_day_start_is_accepted() -> None:
    doc = _demo_doc()
    doc["agenda"][5]["starts_at"] = "2026-04-17T09:00"
    assert parse_meeting(doc).agenda[5].starts_at == dt.datetime(2026, 4, 17, 9, 0)


# --- refusals -----------------------------------------------------------------------------


def _walk(doc: Any, path: str) -> tuple[Any, str]:
    parts = path.replace("[", ".").replace("]", "").split(".")
    target = doc
    for part in parts[:-1]:
        target = target[int(part)] if isinstance(target, list) else target[part]
    return target, parts[-1]


def _set(path: str, value: Any) -> Edit:
    def edit(doc: dict[str, Any]) -> None:
        target, last = _walk(doc, path)
        target[int(last) if isinstance(target, list) else last] = value

    return edit


def _delete(path: str) -> Edit:
    def edit(doc: dict[str, Any]) -> None:
        target, last = _walk(doc, path)
        del target[int(last) if isinstance(target, list) else last]

    return edit


def _drop_application(doc: dict[str, Any]) -> None:
    del doc["agenda"][-1]


def _add_unknown_agenda_item(doc: dict[str, Any]) -> None:
    doc["agenda"][0]["application_id"] = "a99"


def _duplicate_section(doc: dict[str, Any]) -> None:
    sections = doc["applications"][0]["form"][1]["sections"]
    sections.append(copy.deepcopy(sections[-1]))


def _swap_parts(doc: dict[str, Any]) -> None:
    form = doc["applications"][2]["form"]
    form[0], form[1] = form[1], form[0]


def _swap_sections(doc: dict[str, Any]) -> None:
    sections = doc["applications"][4]["form"][2]["sections"]
    sections[0], sections[1] = sections[1], sections[0]


REFUSALS: list[tuple[str, Edit, str]] = [
    ("wrong format", _set("format", "review-desk/rubric"), "format"),
    ("version 3", _set("version", 3), "version"),
    ("version true", _set("version", True), "version"),
    ("version as string", _set("version", "1"), "version"),
    ("unknown top-level field", _set("secretary", "Li"), "secretary"),
    ("missing id", _delete("id"), "id"),
    ("id with capitals", _set("id", "Demo-2026"), "id"),
    ("id with trailing newline", _set("id", "demo\n"), "id"),
    ("title without Chinese", _delete("title.zh_CN"), "title.zh_CN"),
    ("title with blank English", _set("title.en", " "), "title.en"),
    ("title in a third language", _set("title.fr", "Réunion"), "title"),
    ("title too long", _set("title.zh_CN", "会" * 301), "title.zh_CN"),
    ("title not an object", _set("title", "Meeting"), "title"),
    ("title with a NUL", _set("title.en", "Meeting\x00"), "title.en"),
    ("title with a lone surrogate", _set("title.zh_CN", "会\ud800议"), "title.zh_CN"),
    ("date not a date", _set("date", "2026-02-30"), "date"),
    ("date in another form", _set("date", "16/04/2026"), "date"),
    ("date with time", _set("date", "2026-04-16T09:00"), "date"),
    ("venue missing", _delete("venue"), "venue"),
    ("rubric id empty", _set("rubric_id", ""), "rubric_id"),
    ("is_demo as string", _set("is_demo", "yes"), "is_demo"),
    ("experts not a list", _set("experts", {}), "experts"),
    ("no experts", _set("experts", []), "experts"),
    ("expert not an object", _set("experts[1]", "e02"), "experts[1]"),
    ("duplicate expert id", _set("experts[3].id", "e01"), "experts[3].id"),
    ("unknown role", _set("experts[2].role", "chair"), "experts[2].role"),
    ("expert name without Chinese", _delete("experts[5].name.zh_CN"), "experts[5].name.zh_CN"),
    ("expert title missing", _delete("experts[6].title"), "experts[6].title"),
    ("expert with unknown field", _set("experts[0].email", "x@y"), "experts[0].email"),
    ("no chair", _set("experts[0].is_chair", False), "experts"),
    ("two chairs", _set("experts[4].is_chair", True), "experts[4].is_chair"),
    ("chair as number", _set("experts[0].is_chair", 1), "experts[0].is_chair"),
    ("fingerprint with spaces", _set("experts[1].fingerprint", "AB CD"), "experts[1].fingerprint"),
    ("no applications", _set("applications", []), "applications"),
    ("duplicate application id", _set("applications[5].id", "a02"), "applications[5].id"),
    (
        "unit without Chinese",
        _delete("applications[0].applicant_unit.zh_CN"),
        "applications[0].applicant_unit.zh_CN",
    ),
    (
        "platform name missing",
        _delete("applications[1].platform_name"),
        "applications[1].platform_name",
    ),
    ("no tags", _set("applications[2].sub_domain_tags", []), "applications[2].sub_domain_tags"),
    (
        "tag with capitals",
        _set("applications[2].sub_domain_tags[0]", "Speech"),
        "applications[2].sub_domain_tags[0]",
    ),
    (
        "tag with double space",
        _set("applications[2].sub_domain_tags[1]", "speech  synthesis"),
        "applications[2].sub_domain_tags[1]",
    ),
    (
        "duplicate tag",
        _set("applications[2].sub_domain_tags[2]", "speech recognition"),
        "applications[2].sub_domain_tags[2]",
    ),
    ("form with three parts", _delete("applications[3].form[3]"), "applications[3].form"),
    ("parts out of order", _swap_parts, "applications[2].form[0].key"),
    ("seven sections in part II", _duplicate_section, "applications[0].form[1].sections"),
    ("sections out of order", _swap_sections, "applications[4].form[2].sections[0].key"),
    (
        "section body without Chinese",
        _set("applications[1].form[3].sections[2].body.zh_CN", ""),
        "applications[1].form[3].sections[2].body.zh_CN",
    ),
    (
        "section body too long",
        _set("applications[1].form[0].sections[0].body.en", "x" * 20_001),
        "applications[1].form[0].sections[0].body.en",
    ),
    (
        "section without title",
        _delete("applications[0].form[0].sections[1].title"),
        "applications[0].form[0].sections[1].title",
    ),
    (
        "part without title",
        _delete("applications[5].form[2].title"),
        "applications[5].form[2].title",
    ),
    ("agenda not a list", _set("agenda", None), "agenda"),
    ("unknown application on the agenda", _add_unknown_agenda_item, "agenda[0].application_id"),
    (
        "application heard twice",
        _set("agenda[1].application_id", "a01"),
        "agenda[1].application_id",
    ),
    ("application not on the agenda", _drop_application, "agenda"),
    ("duplicate position", _set("agenda[2].position", 2), "agenda[2].position"),
    ("position 0", _set("agenda[0].position", 0), "agenda[0].position"),
    ("position beyond the agenda", _set("agenda[0].position", 7), "agenda[0].position"),
    ("position as string", _set("agenda[0].position", "1"), "agenda[0].position"),
    ("report minutes 0", _set("agenda[3].report_minutes", 0), "agenda[3].report_minutes"),
    ("qa minutes negative", _set("agenda[3].qa_minutes", -5), "agenda[3].qa_minutes"),
    ("qa minutes as float", _set("agenda[3].qa_minutes", 10.0), "agenda[3].qa_minutes"),
    ("minutes as boolean", _set("agenda[3].qa_minutes", True), "agenda[3].qa_minutes"),
    ("report minutes too long", _set("agenda[3].report_minutes", 241), "agenda[3].report_minutes"),
    ("agenda item without minutes", _delete("agenda[4].qa_minutes"), "agenda[4].qa_minutes"),
    (
        "start with seconds",
        _set("agenda[0].starts_at", "2026-04-16T09:00:00"),
        "agenda[0].starts_at",
    ),
    ("start with zone", _set("agenda[0].starts_at", "2026-04-16T09:00Z"), "agenda[0].starts_at"),
    ("start at 25 o'clock", _set("agenda[0].starts_at", "2026-04-16T25:00"), "agenda[0].starts_at"),
    (
        "start before the meeting",
        _set("agenda[0].starts_at", "2026-04-15T09:00"),
        "agenda[0].starts_at",
    ),
    ("start overlapping", _set("agenda[1].starts_at", "2026-04-16T09:20"), "agenda[1].starts_at"),
    (
        "start before the previous position",
        _set("agenda[2].starts_at", "2026-04-16T08:00"),
        "agenda[2].starts_at",
    ),
    ("agenda item with unknown field", _set("agenda[0].room", "2"), "agenda[0].room"),
]


@pytest.mark.parametrize(("edit", "field"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_broken_meeting_is_refused_naming_the_field(edit: Edit, field: str) -> None:
    doc = _demo_doc()
    edit(doc)
    error = _refused(doc)
    assert error.field == field
    assert f"Meeting field {field}:" in error.message
    assert isinstance(error, ValidationError)
    assert error.recommendation


def test_unsupported_version_says_which_version_is_read() -> None:
    error = _refused({**_demo_doc(), "version": 3})
    assert "version 3 is not supported; this program reads version 1 / 2." in error.message
    with pytest.raises(MeetingFileError) as caught:
        parse_agenda_meeting({**_demo_doc(), "version": 3})
    assert "this program reads version 2." in caught.value.message


def test_unknown_agenda_application_is_named() -> None:
    doc = _demo_doc()
    doc["agenda"][0]["application_id"] = "a99"
    assert "“a99”" in _refused(doc).message


def test_overlap_message_says_when_the_previous_hearing_ends() -> None:
    doc = _demo_doc()
    doc["agenda"][1]["starts_at"] = "2026-04-16T09:20"
    assert "position 1 ends (09:25)" in _refused(doc).message


def test_not_an_object_is_refused() -> None:
    assert _refused(["format"]).field == "$"


def test_duplicate_key_is_refused() -> None:
    raw = DEMO_MEETING.read_bytes().replace(
        b'"is_demo": true,', b'"is_demo": true, "is_demo": false,'
    )
    with pytest.raises(MeetingFileError) as caught:
        parse_meeting_bytes(raw)
    assert caught.value.field == "$" and "is_demo" in caught.value.message


@pytest.mark.parametrize("constant", [b"NaN", b"Infinity", b"-Infinity"])
def test_json_constants_are_refused(constant: bytes) -> None:
    raw = DEMO_MEETING.read_bytes().replace(b'"qa_minutes": 10', b'"qa_minutes": ' + constant, 1)
    with pytest.raises(MeetingFileError) as caught:
        parse_meeting_bytes(raw)
    assert caught.value.field == "$"


@pytest.mark.parametrize(
    "raw",
    [b"\xff{}", b"{", b"", b"[" * 100_000 + b"]" * 100_000],
    ids=["bad utf8", "cut", "empty", "deep nesting"],
)
def test_not_json_is_refused(raw: bytes) -> None:
    with pytest.raises(MeetingFileError) as caught:
        parse_meeting_bytes(raw)
    assert caught.value.field == "$"


def test_oversized_file_is_refused_without_reading_it_whole(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as fh:
        fh.truncate(MAX_FILE + 10)
    with pytest.raises(MeetingFileError) as caught:
        load_meeting_file(big)
    assert f"limit of {MAX_FILE} bytes (it holds {MAX_FILE + 10} bytes)" in caught.value.message


def test_unreadable_file_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(MeetingFileError) as caught:
        load_meeting_file(tmp_path)  # a directory cannot be read as a file
    assert caught.value.field == str(tmp_path)


def test_outline_matches_the_appendix() -> None:
    assert OUTLINE == (("I", 3), ("II", 6), ("III", 3), ("IV", 3))
