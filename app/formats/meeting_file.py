"""Reading and writing meeting definition files (specs: docs/formats/meeting-v1.md, -v2.md).

A meeting definition (title, date, roster, applications, agenda) is what the secretary fixes
before the hearing and signs into the meeting kit, so every expert machine must read it the
same way or refuse it. Version 2, the only one written, carries the applications' agenda
metadata only (id, unit, platform, sub-domain and its tags): their forms travel only inside
the encrypted packages (DESIGN section 3). Version 1, which also carried every form, is still
read where a source file is loaded (``secretary init``, the demo material) but never written,
and a kit refuses it (:func:`parse_agenda_meeting`). A file that breaks any rule is refused
whole with a :class:`MeetingFileError` naming the field (a JSON path such as
``agenda[3].application_id``) and the reason; nothing is half-loaded.

Unlike the rubric reader, this reader also refuses fields it does not know: a meeting file is
exchanged between machines, and a field silently dropped here could be one the sender relied on.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from app.domain.ids import ID_PATTERN, ApplicationId, ExpertId, MeetingId
from app.domain.meeting import (
    AgendaItem,
    Application,
    Expert,
    ExpertRole,
    FormPart,
    FormSection,
    Meeting,
)
from app.domain.rubric import Rubric
from app.errors import ValidationError
from app.formats import fields as check
from app.formats.bounded_read import read_bounded
from app.formats.fields import checked
from app.i18n import LocalizedText, Msg

FORMAT = "review-desk/meeting"
VERSION = 2
"""The version written: agenda metadata only, no form text."""
VERSION_WITH_FORMS = 1
"""The first version, whose applications carried their whole form; read, never written."""

OUTLINE: tuple[tuple[str, int], ...] = (("I", 3), ("II", 6), ("III", 3), ("IV", 3))
"""The Appendix outline of the application form: part key and its number of sections."""

MAX_FILE = 32 << 20
"""A 500-application meeting with full forms stays well below this; anything larger is refused."""

MAX_EXPERTS = 200
MAX_APPLICATIONS = 500
MAX_TAGS = 12
SHORT_TEXT = 300
"""Names, titles, venues: one line of text."""
LONG_TEXT = 20_000
"""A form section body."""
MAX_MINUTES = 240

_TAG = re.compile(r"[a-z0-9]+(?:[ -][a-z0-9]+)*")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}")
_FINGERPRINT = re.compile(r"[\x21-\x7e]{0,128}")
_TAG_LENGTH = 48
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
"""Refused in texts: they cannot be shown, printed or encoded; tab and line breaks are fine."""


class MeetingFileError(ValidationError):
    """A meeting definition that cannot be used; names the field and the reason."""

    def __init__(self, field: str, message: Msg) -> None:
        self.field = field
        self.reason = message
        super().__init__(
            Msg.of("Meeting field {field}: {reason}", field=field, reason=message),
            Msg.of("Correct the meeting file, or ask the meeting secretary for a new one."),
        )


class MeetingFormTextError(MeetingFileError):
    """Form text where only the agenda may be: a version-1 meeting, or a ``form`` in a
    version-2 application, where the reader accepts version 2 only."""


def load_meeting_file(path: Path) -> Meeting:
    """Read and validate a meeting file; :class:`MeetingFileError` on any problem."""
    raw = read_bounded(path, MAX_FILE, lambda reason, _detail: MeetingFileError(str(path), reason))
    return parse_meeting_bytes(raw)


def parse_meeting_bytes(raw: bytes) -> Meeting:
    """Decode strict JSON (UTF-8, no duplicate keys, no NaN) and parse it."""
    if len(raw) > MAX_FILE:
        raise MeetingFileError("$", Msg.of("the file is larger than 32 MiB."))
    try:
        doc = json.loads(
            raw.decode("utf-8"), object_pairs_hook=_no_duplicates, parse_constant=_no_constant
        )
    except _DuplicateKey as exc:
        raise MeetingFileError("$", Msg.of("the key “{key}” appears twice.", key=exc.key)) from exc
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise MeetingFileError("$", Msg.of("the file is not valid UTF-8 JSON.")) from exc
    return parse_meeting(doc)


def parse_meeting(doc: Any) -> Meeting:
    """Build a :class:`Meeting` from a decoded JSON document (version 1 or 2), checking
    every field. A version-1 document's forms are kept in its applications."""
    return _parse(doc, (VERSION_WITH_FORMS, VERSION))


def parse_agenda_meeting(doc: Any) -> Meeting:
    """Like :func:`parse_meeting`, but only version 2: what a kit may carry.

    A version-1 document carries the applications' form text in the clear, which must never
    travel outside the encrypted packages; it is refused at ``version`` with a message
    saying so."""
    return _parse(doc, (VERSION,))


def _parse(doc: Any, versions: tuple[int, ...]) -> Meeting:
    obj = _object(doc, "$")
    if obj.get("format") != FORMAT:
        raise MeetingFileError("format", Msg.of("expected “{expected}”.", expected=FORMAT))
    version = obj.get("version")
    if version not in versions or isinstance(version, bool):
        if version == VERSION_WITH_FORMS and not isinstance(version, bool):
            raise MeetingFormTextError(
                "version",
                Msg.of(
                    "it is a version 1 meeting definition, which carries the applications' "
                    "form text in the clear; a meeting kit may carry only the agenda "
                    "(version 2), the forms travel only in the encrypted packages."
                ),
            )
        raise MeetingFileError(
            "version",
            Msg.of(
                "version {found} is not supported; this program reads version {supported}.",
                found=version,
                supported=" / ".join(str(v) for v in versions),
            ),
        )
    with_forms = version == VERSION_WITH_FORMS
    _fields(
        obj,
        "$",
        required=(
            "format",
            "version",
            "id",
            "title",
            "date",
            "venue",
            "rubric_id",
            "experts",
            "applications",
            "agenda",
        ),
        optional=("is_demo",),
    )
    meeting_id = _identifier(obj["id"], "id")
    title = _text(obj["title"], "title", SHORT_TEXT)
    date = _date(obj["date"], "date")
    venue = _text(obj["venue"], "venue", SHORT_TEXT)
    rubric_id = _identifier(obj["rubric_id"], "rubric_id")
    is_demo = _bool(obj.get("is_demo", False), "is_demo")
    experts = _experts(obj["experts"])
    applications = _applications(obj["applications"], with_forms)
    agenda = _agenda(obj["agenda"], applications, date)
    return Meeting(
        id=MeetingId(meeting_id),
        title=title,
        date=date,
        venue=venue,
        rubric_id=rubric_id,
        experts=experts,
        applications=applications,
        agenda=agenda,
        is_demo=is_demo,
    )


def check_rubric(meeting: Meeting, rubric: Rubric) -> None:
    """Refuse to pair ``meeting`` with a rubric other than the one it names.

    Scores taken against the wrong rubric would look plausible and be silently wrong, so
    whoever loads a meeting and a rubric together checks them with this first.
    """
    if meeting.rubric_id != rubric.id:
        raise MeetingFileError(
            "rubric_id",
            Msg.of(
                "the meeting uses rubric “{found}”, but the rubric supplied is “{expected}”.",
                found=meeting.rubric_id,
                expected=rubric.id,
            ),
        )


def meeting_to_document(meeting: Meeting) -> dict[str, Any]:
    """The version-2 JSON document for ``meeting``: its applications' forms are left out.

    ``parse_meeting(meeting_to_document(m)) == without_forms(m)``: the round trip is exact
    for every meeting this module can read, but for the forms. Start times are written to
    the minute, the precision the format carries.
    """
    return {
        "format": FORMAT,
        "version": VERSION,
        "id": meeting.id,
        "title": _text_doc(meeting.title),
        "date": meeting.date.isoformat(),
        "venue": _text_doc(meeting.venue),
        "rubric_id": meeting.rubric_id,
        "is_demo": meeting.is_demo,
        "experts": [_expert_doc(e) for e in meeting.experts],
        "applications": [agenda_application_document(a) for a in meeting.applications],
        "agenda": [_agenda_doc(item) for item in meeting.agenda],
    }


def meeting_to_bytes(meeting: Meeting) -> bytes:
    """UTF-8 JSON for a human-readable file: Chinese kept as is, two-space indent, final newline."""
    text = json.dumps(meeting_to_document(meeting), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


# --- the parts of a meeting -------------------------------------------------------------


def _experts(value: Any) -> tuple[Expert, ...]:
    items = _list(value, "experts", 1, MAX_EXPERTS)
    experts: list[Expert] = []
    chair: str | None = None
    for i, item in enumerate(items):
        where = f"experts[{i}]"
        obj = _fields(
            item,
            where,
            required=("id", "name", "role", "organisation", "title"),
            optional=("is_chair", "fingerprint"),
        )
        expert_id = _identifier(obj["id"], f"{where}.id")
        if any(e.id == expert_id for e in experts):
            raise MeetingFileError(f"{where}.id", Msg.of("“{key}” is used twice.", key=expert_id))
        role_value = obj["role"]
        if role_value not in ("overall", "domain"):
            raise MeetingFileError(f"{where}.role", Msg.of("must be “overall” or “domain”."))
        is_chair = _bool(obj.get("is_chair", False), f"{where}.is_chair")
        if is_chair:
            if chair is not None:
                raise MeetingFileError(
                    f"{where}.is_chair",
                    Msg.of(
                        "“{first}” already chairs the panel; exactly one expert is the chair.",
                        first=chair,
                    ),
                )
            chair = expert_id
        fingerprint = obj.get("fingerprint", "")
        if not isinstance(fingerprint, str) or not _FINGERPRINT.fullmatch(fingerprint):
            raise MeetingFileError(
                f"{where}.fingerprint",
                Msg.of("must be at most 128 printable ASCII characters without spaces."),
            )
        experts.append(
            Expert(
                id=ExpertId(expert_id),
                name=_text(obj["name"], f"{where}.name", SHORT_TEXT),
                role=ExpertRole(role_value),
                organisation=_text(obj["organisation"], f"{where}.organisation", SHORT_TEXT),
                title=_text(obj["title"], f"{where}.title", SHORT_TEXT),
                is_chair=is_chair,
                fingerprint=fingerprint,
            )
        )
    if chair is None:
        raise MeetingFileError(
            "experts", Msg.of("no expert is marked as chair; exactly one expert is the chair.")
        )
    return tuple(experts)


def without_forms(meeting: Meeting) -> Meeting:
    """``meeting`` with every application's form left out (what a version-2 file holds)."""
    return replace(meeting, applications=tuple(replace(a, form=()) for a in meeting.applications))


def _applications(value: Any, with_forms: bool) -> tuple[Application, ...]:
    items = _list(value, "applications", 1, MAX_APPLICATIONS)
    applications: list[Application] = []
    for i, item in enumerate(items):
        where = f"applications[{i}]"
        if with_forms:
            application = parse_application(item, where)
        else:
            application = parse_agenda_application(item, where)
        if any(a.id == application.id for a in applications):
            raise MeetingFileError(
                f"{where}.id", Msg.of("“{key}” is used twice.", key=application.id)
            )
        applications.append(application)
    return tuple(applications)


_AGENDA_FIELDS = ("id", "applicant_unit", "platform_name", "sub_domain", "sub_domain_tags")
"""An application's agenda metadata: all a kit or a workspace may hold of it."""


def parse_application(item: Any, where: str = "application") -> Application:
    """One application object with its form (a package's ``form.json``, a version-1
    meeting)."""
    obj = _fields(item, where, required=(*_AGENDA_FIELDS, "form"))
    return replace(_agenda_application(obj, where), form=_form(obj["form"], f"{where}.form"))


def parse_agenda_application(item: Any, where: str = "application") -> Application:
    """One application's agenda metadata (a version-2 meeting); a ``form`` is refused."""
    obj = _object(item, where)
    if "form" in obj:
        raise MeetingFormTextError(
            f"{where}.form",
            Msg.of(
                "form text does not belong here; an application's form travels only in its "
                "encrypted package."
            ),
        )
    return _agenda_application(_fields(obj, where, required=_AGENDA_FIELDS), where)


def _agenda_application(obj: dict[str, Any], where: str) -> Application:
    return Application(
        id=ApplicationId(_identifier(obj["id"], f"{where}.id")),
        applicant_unit=_text(obj["applicant_unit"], f"{where}.applicant_unit", SHORT_TEXT),
        platform_name=_text(obj["platform_name"], f"{where}.platform_name", SHORT_TEXT),
        sub_domain=_text(obj["sub_domain"], f"{where}.sub_domain", SHORT_TEXT),
        sub_domain_tags=_tags(obj["sub_domain_tags"], f"{where}.sub_domain_tags"),
    )


def _tags(value: Any, where: str) -> tuple[str, ...]:
    """Tags feed the overlap check, so they must already be in one normal form."""
    items = _list(value, where, 1, MAX_TAGS)
    tags: list[str] = []
    for j, tag in enumerate(items):
        here = f"{where}[{j}]"
        if not isinstance(tag, str) or len(tag) > _TAG_LENGTH or not _TAG.fullmatch(tag):
            raise MeetingFileError(
                here,
                Msg.of(
                    "must be a lower-case keyword of letters and digits, words joined by one "
                    "space or “-”, at most {limit} characters.",
                    limit=_TAG_LENGTH,
                ),
            )
        if tag in tags:
            raise MeetingFileError(here, Msg.of("“{key}” is used twice.", key=tag))
        tags.append(tag)
    return tuple(tags)


def _form(value: Any, where: str) -> tuple[FormPart, ...]:
    """The form follows the Appendix outline exactly: parts I-IV with 3, 6, 3 and 3 sections."""
    items = _exact_list(value, where, len(OUTLINE))
    parts: list[FormPart] = []
    for i, ((part_key, count), item) in enumerate(zip(OUTLINE, items, strict=True)):
        here = f"{where}[{i}]"
        obj = _fields(item, here, required=("key", "title", "sections"))
        if obj["key"] != part_key:
            raise MeetingFileError(
                f"{here}.key",
                Msg.of(
                    "expected part “{expected}” here; the parts run I, II, III, IV.",
                    expected=part_key,
                ),
            )
        sections_at = f"{here}.sections"
        sections: list[FormSection] = []
        for j, section in enumerate(_exact_list(obj["sections"], sections_at, count)):
            at = f"{sections_at}[{j}]"
            fields = _fields(section, at, required=("key", "title", "body"))
            expected = f"{part_key}.{j + 1}"
            if fields["key"] != expected:
                raise MeetingFileError(
                    f"{at}.key", Msg.of("expected section “{expected}” here.", expected=expected)
                )
            sections.append(
                FormSection(
                    key=expected,
                    title=_text(fields["title"], f"{at}.title", SHORT_TEXT),
                    body=_text(fields["body"], f"{at}.body", LONG_TEXT),
                )
            )
        parts.append(
            FormPart(
                key=part_key,
                title=_text(obj["title"], f"{here}.title", SHORT_TEXT),
                sections=tuple(sections),
            )
        )
    return tuple(parts)


def _agenda(
    value: Any, applications: tuple[Application, ...], date: dt.date
) -> tuple[AgendaItem, ...]:
    """Every application is heard exactly once; positions are 1..n; planned times do not overlap."""
    items = _list(value, "agenda", 1, MAX_APPLICATIONS)
    known = {a.id for a in applications}
    agenda: list[AgendaItem] = []
    for i, item in enumerate(items):
        where = f"agenda[{i}]"
        obj = _fields(
            item,
            where,
            required=("application_id", "position", "report_minutes", "qa_minutes"),
            optional=("starts_at",),
        )
        application_id = obj["application_id"]
        if not isinstance(application_id, str) or application_id not in known:
            raise MeetingFileError(
                f"{where}.application_id",
                Msg.of("no application has the id “{key}”.", key=str(application_id)),
            )
        if any(a.application_id == application_id for a in agenda):
            raise MeetingFileError(
                f"{where}.application_id",
                Msg.of("application “{key}” is already on the agenda.", key=application_id),
            )
        position = _whole(obj["position"], f"{where}.position", 1, len(items))
        if any(a.position == position for a in agenda):
            raise MeetingFileError(
                f"{where}.position",
                Msg.of("position {position} is already taken.", position=position),
            )
        starts_at = None
        if "starts_at" in obj:
            starts_at = _datetime(obj["starts_at"], f"{where}.starts_at")
            if starts_at.date() < date:
                raise MeetingFileError(
                    f"{where}.starts_at",
                    Msg.of(
                        "the hearing starts before the meeting date {date}.",
                        date=date.isoformat(),
                    ),
                )
        agenda.append(
            AgendaItem(
                application_id=ApplicationId(application_id),
                position=position,
                report_minutes=_whole(
                    obj["report_minutes"], f"{where}.report_minutes", 1, MAX_MINUTES
                ),
                qa_minutes=_whole(obj["qa_minutes"], f"{where}.qa_minutes", 0, MAX_MINUTES),
                starts_at=starts_at,
            )
        )
    absent = [a.id for a in applications if all(x.application_id != a.id for x in agenda)]
    if absent:
        raise MeetingFileError(
            "agenda", Msg.of("application “{key}” is not on the agenda.", key=absent[0])
        )
    _check_times(agenda)
    return tuple(agenda)


def _check_times(agenda: list[AgendaItem]) -> None:
    """A planned hearing may not start before the previous planned one (by position) ends."""
    previous: AgendaItem | None = None
    for item in sorted(agenda, key=lambda a: a.position):
        if item.starts_at is None:
            continue
        if previous is not None and previous.starts_at is not None:
            ends = previous.starts_at + dt.timedelta(
                minutes=previous.report_minutes + previous.qa_minutes
            )
            if item.starts_at < ends:
                raise MeetingFileError(
                    f"agenda[{agenda.index(item)}].starts_at",
                    Msg.of(
                        "starts before the hearing at position {position} ends ({ends}).",
                        position=previous.position,
                        ends=ends.strftime("%H:%M"),
                    ),
                )
        previous = item


# --- writing ------------------------------------------------------------------------------


def _expert_doc(expert: Expert) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": expert.id,
        "name": _text_doc(expert.name),
        "role": expert.role.value,
        "organisation": _text_doc(expert.organisation),
        "title": _text_doc(expert.title),
        "is_chair": expert.is_chair,
    }
    if expert.fingerprint:
        doc["fingerprint"] = expert.fingerprint
    return doc


def agenda_application_document(application: Application) -> dict[str, Any]:
    """The agenda metadata of one application, without its form; read back by
    :func:`parse_agenda_application`."""
    return {
        "id": application.id,
        "applicant_unit": _text_doc(application.applicant_unit),
        "platform_name": _text_doc(application.platform_name),
        "sub_domain": _text_doc(application.sub_domain),
        "sub_domain_tags": list(application.sub_domain_tags),
    }


def application_to_document(application: Application) -> dict[str, Any]:
    """The JSON object for one application with its form; ``parse_application`` reads it
    back exactly."""
    return {
        **agenda_application_document(application),
        "form": [
            {
                "key": part.key,
                "title": _text_doc(part.title),
                "sections": [
                    {"key": s.key, "title": _text_doc(s.title), "body": _text_doc(s.body)}
                    for s in part.sections
                ],
            }
            for part in application.form
        ],
    }


def _agenda_doc(item: AgendaItem) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "application_id": item.application_id,
        "position": item.position,
        "report_minutes": item.report_minutes,
        "qa_minutes": item.qa_minutes,
    }
    if item.starts_at is not None:
        doc["starts_at"] = item.starts_at.strftime("%Y-%m-%dT%H:%M")
    return doc


def _text_doc(text: LocalizedText) -> dict[str, str]:
    return {"en": text.en, "zh_CN": text.zh_CN}


# --- field checks -------------------------------------------------------------------------


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(name)


def _at(where: str, key: str) -> str:
    return key if where == "$" else f"{where}.{key}"


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise MeetingFileError(where, Msg.of("must be a JSON object."))
    return value


def _fields(
    value: Any, where: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The object at ``where``, with every required field present and no unknown field."""
    obj = _object(value, where)
    for key in required:
        if key not in obj:
            raise MeetingFileError(_at(where, key), Msg.of("this field is required."))
    for key in obj:
        if key not in required and key not in optional:
            raise MeetingFileError(_at(where, key), Msg.of("this field is not part of the format."))
    return obj


def _list(value: Any, where: str, minimum: int, maximum: int) -> list[Any]:
    if not isinstance(value, list):
        raise MeetingFileError(where, Msg.of("must be a list."))
    if not minimum <= len(value) <= maximum:
        raise MeetingFileError(
            where,
            Msg.of(
                "must have between {minimum} and {maximum} entries.",
                minimum=minimum,
                maximum=maximum,
            ),
        )
    return value


def _exact_list(value: Any, where: str, count: int) -> list[Any]:
    if not isinstance(value, list):
        raise MeetingFileError(where, Msg.of("must be a list."))
    if len(value) != count:
        raise MeetingFileError(
            where,
            Msg.of(
                "has {found} entries; the application outline has {count}.",
                found=len(value),
                count=count,
            ),
        )
    return value


def _identifier(value: Any, where: str) -> str:
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise MeetingFileError(
            where,
            Msg.of(
                "must be an identifier of at most 64 lower-case letters, digits, “.”, “_” "
                "and “-”, starting with a letter or digit."
            ),
        )
    return value


def _text(value: Any, where: str, limit: int) -> LocalizedText:
    obj = _object(value, where)
    en, zh = obj.get("en"), obj.get("zh_CN")
    if not isinstance(en, str) or not en.strip():
        raise MeetingFileError(f"{where}.en", Msg.of("the English text is missing."))
    if not isinstance(zh, str) or not zh.strip():
        raise MeetingFileError(f"{where}.zh_CN", Msg.of("the Chinese text is missing."))
    if set(obj) - {"en", "zh_CN"}:
        raise MeetingFileError(where, Msg.of("only “en” and “zh_CN” texts are allowed."))
    for language, text in (("en", en), ("zh_CN", zh)):
        if len(text) > limit:
            raise MeetingFileError(
                f"{where}.{language}",
                Msg.of("is longer than {limit} characters.", limit=limit),
            )
        if _CONTROL.search(text):
            raise MeetingFileError(
                f"{where}.{language}",
                Msg.of("contains a control character or an unpaired surrogate."),
            )
    return LocalizedText(en=en, zh_CN=zh)


def _bool(value: Any, where: str) -> bool:
    return checked(MeetingFileError, check.boolean, value, where)


def _whole(value: Any, where: str, minimum: int, maximum: int) -> int:
    return checked(MeetingFileError, check.whole, value, where, minimum, maximum)


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise MeetingFileError(where, Msg.of("must be a date such as “2026-04-16”."))


def _datetime(value: Any, where: str) -> dt.datetime:
    if isinstance(value, str) and _DATETIME.fullmatch(value):
        try:
            return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M")
        except ValueError:
            pass
    raise MeetingFileError(
        where, Msg.of("must be a local date and time such as “2026-04-16T09:30”.")
    )
