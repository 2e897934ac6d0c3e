"""The meeting secretary's workspace: a :class:`Workspace` plus the setup, packages, rounds
and collected signed documents of migration 3.

Same contract as :class:`Workspace`: every write inside ``with ws.transaction(actor, at):``
(one SQLite transaction holding the change and its hash-chained audit entry); reads return
frozen values; failures surface as :class:`StorageError`. A secretary workspace holds one
meeting, created *empty* (only the setup row) by :meth:`SecretaryWorkspace.create_setup`;
the meeting proper (migration-1 tables) is written once, when the kit is issued
(:meth:`freeze`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from app.domain.meeting import AgendaItem, Meeting
from app.domain.rubric import Rubric
from app.domain.sheet import HearingNote, PanelOpinion
from app.errors import StorageError
from app.i18n import Msg
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
)
from storage.secretary import audit_state, drafts, rows
from storage.secretary import sheets as collected
from storage.workspace import hearing
from storage.workspace.core import Workspace, utc_now
from storage.workspace.documents import note_state, sheet_state, time_text


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
        with self._reading():
            return collected.load_signed_sheets(
                self._db,
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
        meeting_id = self.setup().header.meeting_id
        with self._reading():
            return collected.load_recusals(self._db, meeting_id)

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
        with self._reading():
            return collected.load_approvals(self._db)

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
        collected.insert_signed_sheet(self._db, stored, source_file_sha256)
        sheet_id = stored.sheet.id
        self._record_many(
            (
                ("sheet.collect", subj.subject(subj.SHEET, sheet_id), sheet_state(stored.sheet)),
                (
                    "sheet.collect.signed",
                    subj.subject(SIGNED_SHEET, sheet_id),
                    collected.signed_state(stored),
                ),
            )
        )

    def supersede_collected(self, stored: StoredSheet) -> None:
        self._active()
        collected.supersede(self._db, stored.sheet)
        loaded = self.sheet(stored.sheet.id)
        self._record("sheet.supersede", subj.subject(subj.SHEET, loaded.id), sheet_state(loaded))

    def add_recusal(self, recusal: StoredRecusal, source_file_sha256: str) -> None:
        self._active()
        collected.insert_recusal(self._db, recusal, source_file_sha256)
        d = recusal.declaration
        hearing.upsert_conflict(self._db, d)
        self._record(
            "recusal.collect",
            subj.subject(RECUSAL, d.expert_id, d.application_id),
            collected.recusal_state(recusal),
        )

    def add_collected_note(self, note: HearingNote) -> None:
        self._active()
        hearing.insert_note(self._db, note)
        self._record("note.collect", subj.subject(subj.NOTE, note.id), note_state(note))

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
        """Store the opinion and its approval (or its absence) together."""
        self._active()
        self.save_panel_opinion(opinion)
        collected.replace_approval(self._db, opinion.application_id, opinion.round, approval)
        self._record(
            "opinion.approve" if approval is not None else "opinion.unapprove",
            subj.subject(APPROVAL, opinion.application_id, opinion.round),
            None
            if approval is None
            else {
                "chair_id": approval.chair_id,
                "chair_fingerprint": approval.chair_fingerprint,
                "document_sha256": approval.signed.sha256,
            },
        )


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
