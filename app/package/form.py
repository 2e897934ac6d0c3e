"""``form.json``: the application form inside a package (package v1, section 5).

``{"format": "review-desk/application-form", "version": 1, "application": {...}}`` where the
application object is the one of ``meeting-v1.md`` (read by
:func:`app.formats.meeting_file.parse_application`). The same document is what ``package template``
writes and ``package build --form`` reads, so an issuing office edits exactly what is sealed.
"""

from __future__ import annotations

import json
from typing import Any, Final

from app.domain.meeting import Application
from app.formats.canonical_json import JsonFormatError, dumps_canonical, loads_strict
from app.formats.meeting_file import MeetingFileError, application_to_document, parse_application
from app.formats.text import codepoint, first_unsafe
from app.i18n import LocalizedText, Msg
from app.package.errors import PackageFormError
from app.package.manifest import SUMMARY_FIELDS
from app.paths import DEMO

FORMAT: Final = "review-desk/application-form"
VERSION: Final = 1
MAX_FORM_SIZE: Final = 8 * 1024 * 1024


def form_document(application: Application) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "application": application_to_document(application),
    }


def form_bytes(application: Application) -> bytes:
    """Canonical bytes of the form document (what the package stores and hashes)."""
    return dumps_canonical(form_document(application))


def application_summary(application: Application) -> dict[str, Any]:
    """The manifest's ``application``: the form's application object without ``form``."""
    doc = application_to_document(application)
    return {key: doc[key] for key in SUMMARY_FIELDS}


def parse_form_document(doc: Any) -> Application:
    """Check a decoded form document; :class:`PackageFormError` names the field at fault."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise PackageFormError(
            Msg.of("it is not an application form (format “{expected}”).", expected=FORMAT),
            "wrong or missing format",
        )
    version = doc.get("version")
    if version != VERSION or isinstance(version, bool):
        raise PackageFormError(
            Msg.of(
                "it is form version {version}; this program reads version 1 only.",
                version=str(version),
            ),
            f"unsupported form version {version!r}",
        )
    extra = sorted(set(doc) - {"format", "version", "application"})
    if extra or "application" not in doc:
        raise PackageFormError(
            Msg.of("it must hold exactly format, version and application."),
            f"unexpected or missing fields: {extra}",
        )
    try:
        return parse_application(doc["application"], "application")
    except MeetingFileError as exc:
        raise PackageFormError(exc.msg, f"field {exc.field}") from exc


def parse_form(data: bytes) -> Application:
    """Strict JSON, then :func:`parse_form_document`."""
    try:
        doc = loads_strict(data, max_size=MAX_FORM_SIZE)
    except JsonFormatError as exc:
        raise PackageFormError(exc.msg, "strict JSON") from exc
    return parse_form_document(doc)


def validate_application(application: Application) -> Application:
    """Re-read ``application`` through the strict parser, so a writer refuses exactly what a
    reader would, and refuse what only a writer refuses: controls and bidirectional
    formatting in any text (:func:`app.formats.text.first_unsafe`). Raises
    :class:`PackageFormError` naming the field."""
    document = application_to_document(application)
    try:
        parsed = parse_application(document, "application")
    except MeetingFileError as exc:
        raise PackageFormError(exc.msg, f"field {exc.field}") from exc
    _refuse_unsafe(document, "application")
    return parsed


def check_title(title: LocalizedText, field: str) -> None:
    """An attachment title is applicant text too: refused like the form's texts."""
    _refuse_unsafe({"en": title.en, "zh_CN": title.zh_CN}, field)


def _refuse_unsafe(value: Any, field: str) -> None:
    """The first text under ``value`` holding a control or bidi formatting character."""
    if isinstance(value, str):
        char = first_unsafe(value)
        if char is not None:
            raise PackageFormError(
                Msg.of(
                    "the field {field} contains the character {char}, a control or "
                    "bidirectional formatting character that can change how the text is "
                    "shown; remove it.",
                    field=field,
                    char=codepoint(char),
                ),
                f"field {field}: {codepoint(char)}",
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_unsafe(item, f"{field}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _refuse_unsafe(item, f"{field}[{index}]")


def template_document() -> dict[str, Any]:
    """A complete, valid example form (the first demo application), for ``package template``."""
    demo = json.loads((DEMO / "meeting.json").read_text(encoding="utf-8"))
    application = parse_application(demo["applications"][0], "application")
    return form_document(application)
