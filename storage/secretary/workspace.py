"""The meeting secretary's workspace: a :class:`Workspace` plus the setup, packages, rounds
and collected signed documents of migration 3.

Same contract as :class:`Workspace`: every write inside ``with ws.transaction(actor, at):``
(one SQLite transaction holding the change and its hash-chained audit entry); reads return
frozen values; failures surface as :class:`StorageError`. A secretary workspace holds one
meeting, created *empty* (only the setup row) by :meth:`SecretaryWorkspace.create_setup`;
the meeting proper (migration-1 tables) is written once, when the kit is issued
(:meth:`freeze`).

What the experts wrote (collected sheets and their signed bytes, recusals, notes, panel
opinions and the chair's approvals) is sealed under the workspace key
(``docs/formats/secretary-workspace-v1.md``): the session hands the unwrapped key in with
:meth:`SecretaryWorkspace.unlock` (``app/secretary/unlock.py``); until then every read or
write of that content raises ``RecordsSealedError``, and everything else (setup, roster,
packages, agenda, rounds, the board's version index, the audit check) works without it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import sqlite_utils

from app.domain.ids import ApplicationId, MeetingId
from app.domain.meeting import AgendaItem, Meeting
from app.domain.rubric import Rubric
from app.domain.sheet import ConflictDeclaration, HearingNote, PanelOpinion
from app.errors import StorageError
from app.i18n import Msg
from app.ports import WorkspaceSealer
from app.sealed_drafts.record import WorkspaceKeyRecord
from app.secretary.model import (
    IssuedKit,
    OpinionApproval,
    PackageRecord,
    RosterEntry,
    RoundInfo,
    SecretarySetup,
    SheetFileRecord,
    StoredDraftReport,
    StoredRecusal,
    StoredSheet,
)
from storage import database
from storage.audit import subjects as subj
from storage.audit.chain import AuditReport, Checkpoint
from storage.audit.subjects import (
    AGENDA,
    APPROVAL,
    DRAFT_REPORTS,
    PACKAGE,
    RECUSAL,
    ROSTER,
    ROUND,
    SETUP,
    SHEET_FILE,
    SIGNED_SHEET,
    WORKSPACE_KEY,
)
from storage.secretary import audit_state, drafts, rows, sealed
from storage.secretary import sheets as collected
from storage.secretary.sealed import Sealing
from storage.workspace import hearing, sealed_content, sealed_rows, sheets
from storage.workspace.core import Workspace, utc_now
from storage.workspace.documents import sheet_state, time_text
from storage.workspace.sealed_rows import ConflictRow, NoteRow, OpinionRow


class SecretaryWorkspace(Workspace):
    """Open with :meth:`create_setup` or :meth:`open`; see the module docstring."""

    @classmethod
    def create_setup(
        cls,
        path: Path,
        setup: SecretarySetup,
        actor: str,
        *,
        now: Callable[[], dt.datetime] = utc_now,
    ) -> SecretaryWorkspace:
        """Create the workspace file with only its setup row; built under a temporary name
        and renamed when complete (absent or whole, never partial)."""

        def fill(ws: SecretaryWorkspace) -> None:
            rows.insert_setup(ws._db, setup)
            ws._record("secretary.init", SETUP, rows.setup_state(setup))

        cls._build(path, actor, now, fill)
        return cls.open(path)

    @classmethod
    def open(cls, path: Path) -> SecretaryWorkspace:
        return cls(database.open_database(path), path)

    def __init__(self, db: sqlite_utils.Database, path: Path) -> None:
        super().__init__(db, path)
        self._sealing = Sealing()

    # -- the workspace key (secretary-workspace-v1 §2) -------------------------------------

    def workspace_key(self) -> WorkspaceKeyRecord | None:
        """The wrapped workspace key; ``None`` before it is made."""
        with self._reading():
            return sealed.load_workspace_key(self._db)

    def save_workspace_key(self, record: WorkspaceKeyRecord) -> None:
        """Store the workspace key (inside :meth:`transaction`); written once."""
        self._active()
        sealed.insert_workspace_key(self._db, record)
        self._record("workspace_key.create", WORKSPACE_KEY, sealed.workspace_key_state(record))

    def unlock(self, sealer: WorkspaceSealer) -> None:
        """Use ``sealer`` (the unwrapped workspace key) for this connection's session."""
        if sealer.meeting_id != self.setup().header.meeting_id:
            raise ValueError("the sealer belongs to another meeting")
        self._sealing.use(sealer)

    @property
    def unlocked(self) -> bool:
        return self._sealing.unlocked

    # -- reads -----------------------------------------------------------------------------

    def setup(self) -> SecretarySetup:
        with self._reading():
            found = rows.load_setup(self._db)
        if found is None:
            raise StorageError(
                Msg.of("{path} is not a meeting secretary's workspace.", path=str(self.path)),
                Msg.of("Open the secretary workspace of the meeting, or create one."),
            )
        return found

    def roster(self) -> tuple[RosterEntry, ...]:
        with self._reading():
            return rows.load_roster(self._db)

    def packages(self) -> tuple[PackageRecord, ...]:
        with self._reading():
            return rows.load_packages(self._db)

    def agenda(self) -> tuple[AgendaItem, ...]:
        with self._reading():
            return rows.load_agenda(self._db)

    def rounds(self) -> tuple[RoundInfo, ...]:
        with self._reading():
            return rows.load_rounds(self._db)

    def signed_sheets(
        self,
        *,
        round: int | None = None,
        expert_id: str | None = None,
        application_id: str | None = None,
        current_only: bool = False,
    ) -> tuple[StoredSheet, ...]:
        self._sealing.require()
        with self._reading():
            return collected.load_signed_sheets(
                self._db,
                self._sealing,
                round=round,
                expert_id=expert_id,
                application_id=application_id,
                current_only=current_only,
            )

    def version_index(
        self, up_to_round: int
    ) -> list[tuple[str, str, int, int, str, dt.datetime | None]]:
        """(expert, application, round, version, status, submitted_at) of every collected
        version of rounds up to ``up_to_round``, by round and version."""
        with self._reading():
            return collected.version_index(self._db, up_to_round)

    def draft_reports(
        self, *, round: int | None = None, expert_id: str | None = None
    ) -> tuple[StoredDraftReport, ...]:
        """Drafts the experts' latest files reported (never their content)."""
        with self._reading():
            return drafts.load_draft_reports(self._db, round=round, expert_id=expert_id)

    def latest_draft_file(self, expert_id: str, round: int) -> dt.datetime | None:
        with self._reading():
            return drafts.latest_draft_file(self._db, expert_id, round)

    def recusals(self) -> tuple[StoredRecusal, ...]:
        self._sealing.require()
        meeting_id = self.setup().header.meeting_id
        with self._reading():
            return collected.load_recusals(self._db, meeting_id, self._sealing)

    def sheet_file_seen(self, file_sha256: str) -> bool:
        with self._reading():
            return collected.sheet_file_seen(self._db, file_sha256)

    def sheet_files(self) -> tuple[SheetFileRecord, ...]:
        with self._reading():
            return collected.load_sheet_files(self._db)

    def note_ids(self) -> set[str]:
        with self._reading():
            return collected.note_ids(self._db)

    def note_counts(self) -> dict[tuple[str, str], int]:
        with self._reading():
            return collected.note_counts(self._db)

    def approvals(self) -> dict[tuple[str, int], OpinionApproval]:
        self._sealing.require()
        with self._reading():
            return collected.load_approvals(self._db, self._sealing)

    def approval(self, application_id: str, round: int) -> OpinionApproval | None:
        self._sealing.require()
        with self._reading():
            found = collected.load_approvals(self._db, self._sealing, key=(application_id, round))
            return found.get((application_id, round))

    def panel_opinion(
        self, meeting_id: MeetingId, application_id: ApplicationId, round: int = 1
    ) -> PanelOpinion | None:
        self._sealing.require()
        with self._reading():
            row = sealed_rows.opinion_row(self._db, meeting_id, application_id, round)
            if row is None or row.sealed is None:
                return hearing.load_opinion(self._db, meeting_id, application_id, round)
            return self._open_opinion(row, row.sealed)

    def _open_opinion(self, row: OpinionRow, value: bytes) -> PanelOpinion:
        return self._sealing.open(
            sealed.OPINION,
            sealed.opinion_bound(row.application_id, row.round, row.approved_by, row.approved_at),
            value,
            lambda data: sealed.opinion_from(
                row.meeting_id,
                row.application_id,
                row.round,
                row.approved_by,
                row.approved_at,
                data,
            ),
        )

    def opinion_keys(self) -> list[tuple[str, int]]:
        with self._reading():
            return collected.opinion_keys(self._db)

    def verify_audit(self, checkpoint: Checkpoint | None = None) -> AuditReport:
        """As :meth:`Workspace.verify_audit`, also comparing the secretary's own subjects
        (setup, roster, agenda, packages, rounds, signed documents, approvals) with their
        latest audit entries."""
        with self._reading():
            return audit_state.verify_secretary_database(self._db, checkpoint)

    def dump(self) -> list[tuple[str, list[tuple[object, ...]]]]:
        """Every row of every table, for "nothing changed" checks in tests and tools."""
        with self._reading():
            names = sorted(self._db.table_names())
            return [
                (n, [tuple(r) for r in self._db.execute(f"SELECT * FROM [{n}] ORDER BY 1")])
                for n in names
            ]

    # -- writes (inside transaction()) -----------------------------------------------------

    def save_setup(self, setup: SecretarySetup, action: str) -> None:
        self._active()
        rows.update_setup(self._db, setup)
        self._record(action, SETUP, rows.setup_state(setup))

    def save_roster(self, roster: tuple[RosterEntry, ...], action: str) -> None:
        self._active()
        rows.replace_roster(self._db, roster)
        self._record(action, ROSTER, rows.roster_state(roster))

    def add_package(self, record: PackageRecord) -> None:
        self._active()
        rows.insert_package(self._db, record)
        self._record(
            f"package.{record.status.value}",
            subj.subject(PACKAGE, record.file_sha256),
            rows.package_state(record),
        )

    def save_agenda(self, items: tuple[AgendaItem, ...], action: str) -> None:
        self._active()
        rows.replace_agenda(self._db, items)
        self._record(action, AGENDA, rows.agenda_state(items))

    def add_round(self, info: RoundInfo) -> None:
        self._active()
        rows.insert_round(self._db, info)
        self._record("round.open", subj.subject(ROUND, info.number), rows.round_state(info))

    def freeze(self, meeting: Meeting, rubric: Rubric, setup: SecretarySetup) -> None:
        """Write the meeting into the migration-1 tables and record the kit: from now on the
        meeting is immutable and sheets (which reference it) can be stored."""
        self._active()
        assert setup.kit is not None
        self._insert_rubric(rubric)
        self._insert_meeting(meeting)
        self.save_setup(setup, "kit.issue")

    def add_signed_sheet(self, stored: StoredSheet, source_file_sha256: str) -> None:
        self._active()
        collected.insert_signed_sheet(self._db, stored, source_file_sha256, self._sealing)
        sheet_id = stored.sheet.id
        self._record_many(
            (
                ("sheet.collect", subj.subject(subj.SHEET, sheet_id), self._sheet_state(sheet_id)),
                (
                    "sheet.collect.signed",
                    subj.subject(SIGNED_SHEET, sheet_id),
                    collected.signed_state(stored, collected.signed_sealed(self._db, sheet_id)),
                ),
            )
        )

    def _sheet_state(self, sheet_id: str) -> object:
        """The audited state of a collected sheet as stored (sealed: its clear columns and
        sealed bytes)."""
        row = sealed_rows.sheet_row(self._db, sheet_id)
        assert row is not None
        if row.sealed is not None:
            return sealed_rows.sheet_state(row)
        plain = sheets.load_sheet(self._db, sheet_id)
        assert plain is not None
        return sheet_state(plain)

    def supersede_collected(self, stored: StoredSheet) -> None:
        self._active()
        collected.supersede(self._db, stored.sheet)
        sheet_id = stored.sheet.id
        self._record(
            "sheet.supersede", subj.subject(subj.SHEET, sheet_id), self._sheet_state(sheet_id)
        )

    def add_recusal(self, recusal: StoredRecusal, source_file_sha256: str) -> None:
        self._active()
        value = collected.insert_recusal(self._db, recusal, source_file_sha256, self._sealing)
        d = recusal.declaration
        self._write_conflict(d)
        self._record(
            "recusal.collect",
            subj.subject(RECUSAL, d.expert_id, d.application_id),
            collected.recusal_state(recusal, value),
        )

    def _write_conflict(self, d: ConflictDeclaration) -> None:
        row = ConflictRow(
            d.meeting_id, d.expert_id, d.application_id, d.has_conflict, _time(d.declared_at), None
        )
        value = self._sealing.seal(
            sealed.CONFLICT, sealed.conflict_bound(row), sealed_content.conflict_content(d)
        )
        sealed_rows.upsert_conflict(self._db, dataclasses.replace(row, sealed=value))

    def add_collected_note(self, note: HearingNote) -> None:
        self._active()
        row = NoteRow(
            note.id,
            note.meeting_id,
            note.expert_id,
            note.application_id,
            _time(note.created_at),
            None,
        )
        value = self._sealing.seal(
            sealed.NOTE, sealed.note_bound(row), sealed_content.note_content(note)
        )
        sealed_rows.insert_note(self._db, dataclasses.replace(row, sealed=value))
        self._record_note("note.collect", note.id)

    def _record_note(self, action: str, note_id: str) -> None:
        stored = sealed_rows.note_row(self._db, note_id)
        assert stored is not None
        self._record(action, subj.subject(subj.NOTE, note_id), sealed_rows.note_state(stored))

    def save_panel_opinion(self, opinion: PanelOpinion) -> None:
        """Store the panel opinion sealed (inside :meth:`transaction`)."""
        self._active()
        self._write_opinion(opinion, "opinion.save")

    def _write_opinion(self, p: PanelOpinion, action: str) -> None:
        row = OpinionRow(
            p.meeting_id,
            p.application_id,
            p.round,
            p.approved_by,
            time_text(p.approved_at),
            None,
        )
        bound = sealed.opinion_bound(p.application_id, p.round, row.approved_by, row.approved_at)
        value = self._sealing.seal(sealed.OPINION, bound, sealed.opinion_content(p))
        sealed_rows.upsert_sealed_opinion(self._db, dataclasses.replace(row, sealed=value))
        stored = sealed_rows.opinion_row(self._db, p.meeting_id, p.application_id, p.round)
        assert stored is not None
        self._record(
            action,
            subj.subject(subj.OPINION, p.meeting_id, p.application_id, p.round),
            sealed_rows.opinion_state(stored),
        )

    def add_sheet_file(
        self, file_sha256: str, expert_id: str, round: int, created_at: dt.datetime
    ) -> None:
        change = self._active()
        collected.insert_sheet_file(
            self._db,
            file_sha256,
            expert_id,
            round,
            time_text(created_at) or "",
            time_text(change.at) or "",
        )
        self._record(
            "sheet_file.import",
            subj.subject(SHEET_FILE, file_sha256),
            {"expert_id": expert_id, "round": round},
        )

    def replace_draft_reports(
        self,
        expert_id: str,
        round: int,
        reports: tuple[StoredDraftReport, ...],
        source_file_sha256: str,
        latest_file: dt.datetime | None,
    ) -> None:
        """The expert's draft reports of ``round`` become ``reports``; ``latest_file`` is when
        the latest file read for (expert, round) was written (``None``: unchanged)."""
        self._active()
        drafts.replace_draft_reports(
            self._db, expert_id, round, reports, source_file_sha256, latest_file
        )
        self._record(
            "draft_report.collect",
            subj.subject(DRAFT_REPORTS, expert_id, round),
            drafts.draft_reports_state(
                reports, drafts.latest_draft_file(self._db, expert_id, round)
            ),
        )

    def save_approval(self, opinion: PanelOpinion, approval: OpinionApproval | None) -> None:
        """Store the opinion and its approval (or its absence) together, sealed."""
        self._active()
        self.save_panel_opinion(opinion)
        value = collected.replace_approval(
            self._db, opinion.application_id, opinion.round, approval, self._sealing
        )
        self._record(
            "opinion.approve" if approval is not None else "opinion.unapprove",
            subj.subject(APPROVAL, opinion.application_id, opinion.round),
            None if approval is None else collected.approval_state(approval, value),
        )

    # -- rows written before schema version 9 ----------------------------------------------

    def plaintext_count(self) -> int:
        """How many rows of what the experts wrote are still in plaintext."""
        with self._reading():
            return sum(len(keys) for keys in collected.plaintext_rows(self._db).values())

    def seal_plaintext(self) -> int:
        """Seal every plaintext row of secretary-workspace-v1 §4 and empty its plaintext, each
        with a ``*.seal`` audit entry (inside :meth:`transaction`, after :meth:`unlock`);
        returns how many rows were sealed. The caller rewrites the file afterwards
        (:meth:`scrub`)."""
        self._active()
        self._sealing.require()
        db = self._db
        plain = collected.plaintext_rows(db)
        meeting_id = MeetingId(self.setup().header.meeting_id)
        for (sheet_id,) in plain["sheets"]:
            sheet = sheets.load_sheet(db, sheet_id)
            row = sealed_rows.sheet_row(db, sheet_id)
            assert sheet is not None and row is not None
            value = self._sealing.seal(
                sealed.SHEET, sealed.sheet_bound(row), sealed_content.sheet_content(sheet)
            )
            sealed_rows.seal_sheet(db, sheet_id, value, row.updated_at)
            self._record(
                "sheet.seal", subj.subject(subj.SHEET, sheet_id), self._sheet_state(sheet_id)
            )
        for stored in collected.load_signed_sheets(db, self._sealing, plaintext_only=True):
            value = self._sealing.seal(
                sealed.SIGNED_SHEET,
                sealed.signed_bound(
                    stored.sheet.id,
                    stored.sheet.expert_id,
                    stored.signed.sha256,
                    stored.signer_fingerprint,
                ),
                sealed_content.signed_content(stored.signed),
            )
            collected.seal_signed_sheet(db, stored.sheet.id, value)
            self._record(
                "signed_sheet.seal",
                subj.subject(SIGNED_SHEET, stored.sheet.id),
                collected.signed_state(stored, value),
            )
        for recusal in collected.load_recusals(db, meeting_id, self._sealing, plaintext_only=True):
            value = collected.seal_recusal(db, recusal, self._sealing)
            d = recusal.declaration
            self._record(
                "recusal.seal",
                subj.subject(RECUSAL, d.expert_id, d.application_id),
                collected.recusal_state(recusal, value),
            )
        for m, e, a in plain["conflicts"]:
            declaration = hearing.load_conflict(db, m, e, a)
            assert declaration is not None
            self._write_conflict(declaration)
        for (note_id,) in plain["notes"]:
            note = hearing.load_note(db, note_id)
            note_row = sealed_rows.note_row(db, note_id)
            assert note is not None and note_row is not None
            value = self._sealing.seal(
                sealed.NOTE, sealed.note_bound(note_row), sealed_content.note_content(note)
            )
            sealed_rows.seal_note(db, note_id, value)
            self._record_note("note.seal", note_id)
        for m, a, r in plain["opinions"]:
            opinion = hearing.load_opinion(db, m, a, int(r))
            assert opinion is not None
            self._write_opinion(opinion, "opinion.seal")
        approvals = collected.load_approvals(db, self._sealing, plaintext_only=True)
        for (application_id, round_), approval in approvals.items():
            resealed = collected.replace_approval(
                db, application_id, round_, approval, self._sealing
            )
            self._record(
                "approval.seal",
                subj.subject(APPROVAL, application_id, round_),
                collected.approval_state(approval, resealed),
            )
        return sum(len(keys) for keys in plain.values())


def _time(value: dt.datetime) -> str:
    text = time_text(value)
    assert text is not None
    return text


# The subject kinds of the secretary's tables are defined with the others in
# storage/audit/subjects.py and named here too, where the secretary's writes use them.
__all__ = [
    "AGENDA",
    "APPROVAL",
    "DRAFT_REPORTS",
    "PACKAGE",
    "RECUSAL",
    "ROSTER",
    "ROUND",
    "SETUP",
    "SHEET_FILE",
    "SIGNED_SHEET",
    "IssuedKit",
    "SecretaryWorkspace",
]
