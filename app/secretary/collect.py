"""Collecting sheet files (``*.oisheet``) from the experts.

Each file is read with :func:`app.sheets.read_sheet_file` as this meeting's secretary (own
trust roots, this meeting, rubric and kit hash, the current round) and then checked against
what is already stored:

- a sheet version already stored with the same signed bytes is a duplicate: no-op;
- a *newer* version of a pair supersedes the stored one (kept, marked superseded);
- an *older* version, or the same version with other bytes, is refused;
- a sheet for a pair with a stored recusal, or a recusal for a pair with stored sheets, is
  refused; in a later round, a sheet for an application not reopened is refused.

Draft reports (sheet-v1 ``progress``: *that* the expert holds an unsubmitted draft and when
it was last edited, never its content) are kept per (expert, application, round) as the
expert's **latest** file of the round states them (sheet-v1.md section 4.6): a file written
before one already read changes none; a pair with a stored sheet or recusal is never kept as
a draft, so a later file with the sheet submitted supersedes the report; a draft for an
application not being scored in the round is ignored. They only feed the progress board.

One transaction per file: a refused file stores nothing (not even its notes).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.crypto.cms import SignatureVerifier
from app.crypto.identity import Identity
from app.domain.ids import ApplicationId
from app.domain.sheet import SheetStatus
from app.errors import UserFacingError
from app.formats.bounded_read import read_bounded
from app.i18n import LocalizedText, Msg
from app.secretary.errors import SetupIncompleteError, SheetImportRefused
from app.secretary.model import StoredDraftReport, StoredRecusal, StoredSheet
from app.secretary.ports import SecretaryReader, SecretaryStore
from app.secretary.progress import Cancel, Progress, check_cancel, report
from app.secretary.rounds import round_info
from app.secretary.setup import require_secretary
from app.secretary.trust import meeting_crls
from app.sheets import SheetFileContents, SheetFileDecryptError, SheetFileError, read_sheet_file
from app.sheets.sheet_reader import MAX_FILE_SIZE as MAX_SHEET_FILE_SIZE


@dataclass(frozen=True)
class SheetFileImport:
    """What one accepted file changed. ``nothing_new`` marks a duplicate hand-in."""

    file_name: str
    file_sha256: str
    expert_id: str
    round: int
    new_sheets: tuple[tuple[ApplicationId, int], ...]
    superseded: tuple[tuple[ApplicationId, int], ...]
    duplicates: int
    new_recusals: tuple[ApplicationId, ...]
    new_notes: int
    drafts_reported: tuple[ApplicationId, ...] = ()
    """Applications this file reports (and the board now shows) as an unsubmitted draft."""
    drafts_changed: bool = False
    """Whether the stored draft reports changed (new, updated, superseded or withdrawn)."""

    @property
    def nothing_new(self) -> bool:
        return not (self.new_sheets or self.new_recusals or self.new_notes or self.drafts_changed)

    @property
    def message(self) -> Msg:
        if self.nothing_new:
            return Msg.of("{file}: already collected; nothing changed.", file=self.file_name)
        summary = Msg.of(
            "{file} from {expert} (round {round}): new sheets: {sheets}; superseded: "
            "{superseded}; recusals: {recusals}; notes: {notes}.",
            file=self.file_name,
            sheets=len(self.new_sheets),
            superseded=len(self.superseded),
            recusals=len(self.new_recusals),
            notes=self.new_notes,
            expert=self.expert_id,
            round=self.round,
        )
        if not self.drafts_reported:
            return summary
        drafts = len(self.drafts_reported)
        return Msg.ngettext(
            "{summary} {count} draft reported, not submitted yet.",
            "{summary} {count} drafts reported, not submitted yet.",
            drafts,
            summary=summary,
            count=drafts,
        )


@dataclass(frozen=True)
class SheetFileOutcome:
    """One file of a batch: ``imported`` or ``refusal`` (the error, translated when shown)."""

    path: Path
    imported: SheetFileImport | None
    refusal: UserFacingError | None

    @property
    def message(self) -> Msg:
        if self.imported is not None:
            return self.imported.message
        assert self.refusal is not None
        return self.refusal.msg


def import_sheet_files(
    ws: SecretaryStore,
    identity: Identity,
    paths: Sequence[Path],
    *,
    actor: str,
    now: dt.datetime,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> tuple[SheetFileOutcome, ...]:
    """Import each file on its own (a refusal does not stop the batch); progress per file.
    One signature verifier serves the batch, so each expert's certificate path is validated
    once."""
    results = []
    verifier = SignatureVerifier()
    for done, path in enumerate(paths):
        check_cancel(cancel)
        report(progress, done, len(paths), Path(path).name)
        try:
            imported = import_sheet_file(
                ws, identity, Path(path), actor=actor, now=now, verifier=verifier
            )
            results.append(SheetFileOutcome(Path(path), imported, None))
        except UserFacingError as exc:
            results.append(SheetFileOutcome(Path(path), None, exc))
    report(progress, len(paths), len(paths), "")
    return tuple(results)


def import_sheet_file(
    ws: SecretaryStore,
    identity: Identity,
    source: Path | bytes,
    *,
    actor: str,
    now: dt.datetime,
    file_name: str | None = None,
    verifier: SignatureVerifier | None = None,
) -> SheetFileImport:
    """Verify and store one sheet file; :class:`SheetImportRefused` (nothing stored) or the
    reader's own :class:`SheetFileError` subclasses, wrapped, on any refusal."""
    name = file_name or (source.name if isinstance(source, Path) else "sheet file")
    setup = require_secretary(ws, identity)
    if setup.kit is None:
        raise SetupIncompleteError(
            Msg.of("The meeting kit has not been issued yet, so no sheet can belong to it."),
            Msg.of("Issue the meeting kit first."),
        )
    try:
        data = read_bounded(source, MAX_SHEET_FILE_SIZE, SheetFileDecryptError)
    except SheetFileDecryptError as exc:
        raise SheetImportRefused(name, exc.msg) from exc
    sha = hashlib.sha256(data).hexdigest()
    meeting = ws.meeting(setup.header.meeting_id)
    current = round_info(ws, setup.current_round)
    try:
        contents = read_sheet_file(
            data,
            identity,
            setup.trust_roots(),
            meeting,
            setup.rubric,
            setup.kit.kit_hash,
            {setup.current_round},
            now,
            verifier=verifier,
            crls=meeting_crls(setup, now),
        )
    except SheetFileError as exc:
        raise SheetImportRefused(name, exc.msg) from exc
    expert = contents.expert.id
    if ws.sheet_file_seen(sha):
        return SheetFileImport(name, sha, expert, contents.round, (), (), 0, (), 0)
    stored: dict[tuple[str, int, int], StoredSheet] = {
        (str(s.sheet.application_id), s.sheet.round, s.sheet.version): s
        for s in ws.signed_sheets(expert_id=expert)
    }
    recused = {
        r.declaration.application_id for r in ws.recusals() if r.declaration.expert_id == expert
    }
    plan = _plan(name, contents, stored, recused, current.includes, now)
    known_notes = ws.note_ids()
    notes = [n for n in contents.notes if n.id not in known_notes]
    drafts = _draft_plan(ws, contents, plan, stored, recused, current.includes)
    if not (plan.steps or plan.recusals or notes or drafts.changed):
        return SheetFileImport(name, sha, expert, contents.round, (), (), plan.duplicates, (), 0)
    with ws.transaction(actor, now):
        for kind, item in plan.steps:
            if kind == "supersede":
                ws.supersede_collected(item)
            else:
                ws.add_signed_sheet(item, sha)
        for recusal in plan.recusals:
            ws.add_recusal(recusal, sha)
        for note in notes:
            ws.add_collected_note(note)
        if drafts.changed:
            ws.replace_draft_reports(
                expert, contents.round, drafts.reports, sha, drafts.latest_file
            )
        ws.add_sheet_file(sha, expert, contents.round, contents.created_at)
    return SheetFileImport(
        file_name=name,
        file_sha256=sha,
        expert_id=expert,
        round=contents.round,
        new_sheets=tuple((s.sheet.application_id, s.sheet.version) for s in plan.sheets),
        superseded=tuple((s.sheet.application_id, s.sheet.version) for s in plan.supersede),
        duplicates=plan.duplicates,
        new_recusals=tuple(r.declaration.application_id for r in plan.recusals),
        new_notes=len(notes),
        drafts_reported=drafts.reported,
        drafts_changed=drafts.changed,
    )


@dataclass(frozen=True)
class _Plan:
    steps: tuple[tuple[str, StoredSheet], ...]
    """("supersede" | "insert", sheet) in the order they must be written."""
    recusals: tuple[StoredRecusal, ...]
    duplicates: int

    @property
    def sheets(self) -> tuple[StoredSheet, ...]:
        return tuple(s for kind, s in self.steps if kind == "insert")

    @property
    def supersede(self) -> tuple[StoredSheet, ...]:
        return tuple(s for kind, s in self.steps if kind == "supersede")


def _plan(
    name: str,
    contents: SheetFileContents,
    stored: dict[tuple[str, int, int], StoredSheet],
    recused: set[ApplicationId],
    includes: Callable[[str], bool],
    now: dt.datetime,
) -> _Plan:
    """Decide every item before anything is written; the first problem refuses the file."""
    fp = contents.signer.fingerprint
    known = dict(stored)
    steps: list[tuple[str, StoredSheet]] = []
    duplicates = 0
    ordered = sorted(contents.sheets, key=lambda item: (item[0].application_id, item[0].version))
    for sheet, signed in ordered:
        app_id = sheet.application_id
        if app_id in recused:
            raise SheetImportRefused(
                name,
                Msg.of(
                    "it holds a sheet for {application}, from which {expert} is recused.",
                    application=app_id,
                    expert=sheet.expert_id,
                ),
            )
        if not includes(app_id):
            raise SheetImportRefused(
                name,
                Msg.of(
                    "application {application} is not being scored in round {round}.",
                    application=app_id,
                    round=sheet.round,
                ),
            )
        same = known.get((app_id, sheet.round, sheet.version))
        if same is not None:
            if same.signed.document != signed.document:
                raise SheetImportRefused(
                    name,
                    Msg.of(
                        "version {version} of the sheet for {application} was already "
                        "collected with different content.",
                        version=sheet.version,
                        application=app_id,
                    ),
                )
            duplicates += 1
            continue
        latest = _latest(known, app_id, sheet.round)
        if latest is not None and latest.sheet.version > sheet.version:
            raise SheetImportRefused(
                name,
                Msg.of(
                    "it holds version {version} of the sheet for {application}, older than "
                    "version {stored}, already collected.",
                    version=sheet.version,
                    application=app_id,
                    stored=latest.sheet.version,
                ),
            )
        if latest is not None and latest.sheet.status is SheetStatus.SUBMITTED:
            steps.append(("supersede", latest))
            known[(app_id, sheet.round, latest.sheet.version)] = dataclasses.replace(
                latest, sheet=dataclasses.replace(latest.sheet, status=SheetStatus.SUPERSEDED)
            )
        new = StoredSheet(sheet, signed, fp, now)
        steps.append(("insert", new))
        known[(app_id, sheet.round, sheet.version)] = new
    new_recusals = []
    for declaration, signed in contents.recusals:
        app_id = declaration.application_id
        if any(k[0] == app_id for k in known):
            raise SheetImportRefused(
                name,
                Msg.of(
                    "it declares a conflict with {application}, for which a sheet of {expert} "
                    "was already collected.",
                    application=app_id,
                    expert=declaration.expert_id,
                ),
            )
        if app_id not in recused:
            new_recusals.append(StoredRecusal(declaration, contents.round, signed, fp))
    return _Plan(tuple(steps), tuple(new_recusals), duplicates)


@dataclass(frozen=True)
class _DraftPlan:
    reports: tuple[StoredDraftReport, ...]
    """The expert's draft reports of the file's round after this file."""
    latest_file: dt.datetime | None
    """The file's ``created_at`` if it is now the latest read for the round, else ``None``."""
    changed: bool
    reported: tuple[ApplicationId, ...]
    """What this file reports as drafts that is now kept (empty for an older file)."""


def _draft_plan(
    ws: SecretaryStore,
    contents: SheetFileContents,
    plan: _Plan,
    stored: dict[tuple[str, int, int], StoredSheet],
    recused: set[ApplicationId],
    includes: Callable[[str], bool],
) -> _DraftPlan:
    """The expert's draft reports of the round once this file (already planned) is stored."""
    expert, round_ = contents.expert.id, contents.round
    before = ws.draft_reports(round=round_, expert_id=expert)
    latest = ws.latest_draft_file(expert, round_)
    signed = {a for (a, r, _v) in stored if r == round_}
    signed |= {s.sheet.application_id for s in plan.sheets if s.sheet.round == round_}
    signed |= recused | {r.declaration.application_id for r in plan.recusals}
    newest = latest is None or contents.created_at >= latest
    if newest:
        candidates = tuple(
            StoredDraftReport(expert, d.application_id, round_, d.updated_at, contents.created_at)
            for d in contents.drafts
            if includes(d.application_id)
        )
    else:
        candidates = before
    after = tuple(r for r in candidates if r.application_id not in signed)
    changed = _draft_key(after) != _draft_key(before)
    return _DraftPlan(
        reports=after,
        latest_file=contents.created_at if newest and changed else None,
        changed=changed,
        reported=tuple(r.application_id for r in after) if newest else (),
    )


def _draft_key(reports: Sequence[StoredDraftReport]) -> set[tuple[str, dt.datetime]]:
    return {(r.application_id, r.updated_at) for r in reports}


def _latest(
    stored: dict[tuple[str, int, int], StoredSheet], app_id: str, round_: int
) -> StoredSheet | None:
    versions = [s for (a, r, _v), s in stored.items() if a == app_id and r == round_]
    return max(versions, key=lambda s: s.sheet.version, default=None)


def imported_files(ws: SecretaryReader) -> tuple[Msg, ...]:
    """The sheet files the board counts, newest import first: whose, which round, when
    written and imported, and the start of the file's hash (the file is not kept)."""
    setup = ws.setup()
    names: dict[str, LocalizedText] = {}
    if setup.kit is not None:
        names = {e.id: e.name for e in ws.meeting(setup.header.meeting_id).experts}
    return tuple(
        Msg.of(
            "{expert} {name} · round {round} · written {written} · imported {imported} · "
            "SHA-256 {sha}…",
            expert=record.expert_id,
            name=names.get(record.expert_id) or "",
            round=record.round,
            written=record.created_at.astimezone().strftime("%Y-%m-%d %H:%M"),
            imported=record.imported_at.astimezone().strftime("%Y-%m-%d %H:%M"),
            sha=record.file_sha256[:12],
        )
        for record in ws.sheet_files()
    )
