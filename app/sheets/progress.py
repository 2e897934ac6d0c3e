"""Draft reports: the ``progress`` member of the sheet-file envelope (sheet-v1.md §4.3).

An expert's sheet file says, for every application they hold a draft for in the file's round
but have not submitted, only *that* a draft exists and when it was last edited. It never
carries a score, a verdict, a comment or any other word of the draft: the secretary must not
see an expert's scores before the expert submits them (independence, DESIGN section 5), and a
draft is not a signed sheet. The secretary's progress board shows such a pair as "draft
reported"; consolidation never reads a draft report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any, Final

from app.domain.ids import ApplicationId
from app.domain.sheet import ScoreSheet, SheetStatus
from app.i18n import Msg
from app.sheets import codec
from app.sheets.codec import FieldError
from app.sheets.documents import check_equal, format_error
from app.sheets.errors import SheetFileContentError

MAX_PROGRESS: Final = 4096
PROGRESS_MEMBERS: Final = ("application_id", "round", "updated_at")


@dataclass(frozen=True)
class DraftReport:
    """An expert has an unsubmitted draft for ``application_id`` in ``round``, last edited at
    ``updated_at``. Deliberately nothing else."""

    application_id: ApplicationId
    round: int
    updated_at: dt.datetime


def draft_reports(
    versions: Iterable[ScoreSheet], round: int, recused: Collection[str] = ()
) -> tuple[DraftReport, ...]:
    """What an expert's sheet file for ``round`` reports, from the expert's own sheet versions
    (any order, any round, several applications): one report per application whose versions
    in ``round`` are all drafts and from which the expert is not recused, with the time of
    its latest draft. An application with a submitted (or superseded) version in the round is
    reported by that signed sheet instead, never as a draft."""
    in_round: dict[str, list[ScoreSheet]] = {}
    for sheet in versions:
        if sheet.round == round:
            in_round.setdefault(sheet.application_id, []).append(sheet)
    reports = []
    for application_id, sheets in in_round.items():
        if application_id in recused:
            continue
        if any(s.status is not SheetStatus.DRAFT for s in sheets):
            continue
        latest = max(sheets, key=lambda s: s.version)
        reports.append(DraftReport(latest.application_id, round, latest.updated_at))
    return tuple(reports)


def progress_doc(report: DraftReport) -> dict[str, Any]:
    """One ``progress`` entry, exactly the members of the spec."""
    return {
        "application_id": report.application_id,
        "round": report.round,
        "updated_at": codec.encode_time(report.updated_at),
    }


def read_progress(
    raw: Any,
    file_round: int,
    applications: frozenset[str] | None,
    submitted: Collection[str],
    recused: Collection[str],
) -> tuple[DraftReport, ...]:
    """Stage 9 of the reader: the envelope's ``progress`` member.

    Shape (:class:`SheetFileFormatError`, so a score or any other content in an entry is
    refused as a member that is not part of the format); each entry's round is the file's
    (:class:`SheetFileContextError`); the application is in the meeting (when ``applications``
    is known), reported once, and has no sheet or recusal in the file
    (:class:`SheetFileContentError`).
    """
    try:
        entries = codec.array(raw, "progress", MAX_PROGRESS)
        reports = [_entry(entry, f"progress[{i}]") for i, entry in enumerate(entries)]
    except FieldError as exc:
        raise format_error(exc, "envelope") from None
    seen: set[str] = set()
    for index, report in enumerate(reports):
        _check_entry(report, index, file_round, applications, submitted, recused, seen)
        seen.add(report.application_id)
    return tuple(reports)


def _entry(raw: Any, where: str) -> DraftReport:
    doc = codec.fields(raw, where, PROGRESS_MEMBERS)
    return DraftReport(
        application_id=ApplicationId(
            codec.identifier(doc["application_id"], f"{where}.application_id")
        ),
        round=codec.whole(doc["round"], f"{where}.round", 1, codec.MAX_ROUND),
        updated_at=codec.time(doc["updated_at"], f"{where}.updated_at"),
    )


def _check_entry(
    report: DraftReport,
    index: int,
    file_round: int,
    applications: frozenset[str] | None,
    submitted: Collection[str],
    recused: Collection[str],
    seen: Collection[str],
) -> None:
    where = f"progress[{index}]"
    number = index + 1
    application = report.application_id
    check_equal(
        Msg.of("draft report {number}: {field}", number=number, field=Msg.of("round")),
        str(file_round),
        str(report.round),
        f"{where}.round",
    )
    if applications is not None and application not in applications:
        raise SheetFileContentError(
            Msg.of(
                "draft report {number} is for application {application}, which is not in this "
                "meeting.",
                number=number,
                application=application,
            ),
            f"{where}: unknown application {application!r}",
        )
    if application in seen:
        raise SheetFileContentError(
            Msg.of(
                "the draft report for application {application} appears twice.",
                application=application,
            ),
            f"{where}: duplicate draft report {application!r}",
        )
    if application in submitted or application in recused:
        raise SheetFileContentError(
            Msg.of(
                "the file reports a draft for application {application} and also holds its "
                "signed sheet or recusal; only an application not yet submitted has a draft to "
                "report.",
                application=application,
            ),
            f"{where}: draft report for {application!r}, which has a sheet or recusal",
        )
