"""``review-desk demo --complete``: the demo meeting played to the end, official outputs included.

Starting from the demo material of :func:`app.demo.build.build_demo` (CA, identities with
documented demo passphrases, signed encrypted packages), every step runs through the real use
cases with the real identities - nothing is shortcut past validation or signing:

1. the secretary creates a workspace for the demo meeting, enrols the seven experts from
   their certificates (e01 chairs), makes a meeting key, imports and verifies the six
   packages, sets the agenda and issues **its own** kit (the demo folder's kit was built by
   the demo builder, not by a secretary workspace);
2. the experts import that kit, fill in the sample sheets (:mod:`app.demo.outcome`) with the
   scoring use cases, declare the sample conflict of interest, sign and write their sheet
   files to the secretary;
3. the secretary collects the files, consolidates round 1, writes the panel opinions, and
   the chair approves each with their signature;
4. the secretary publishes through the real sequence (:func:`app.secretary.publish.publish`):
   gates, ``results.json`` first, the report rendered from the verified results, the chair
   signing at the console after the report is regenerated and compared, the secretary
   signing second, the workbook, the bundle read back with the ministry's verifier.

The exporters (reportlab, pyHanko, openpyxl) are injected as
:class:`app.secretary.publish.Exporters`: ``app`` does not import ``export``; the CLI, the
composition root, wires them. The meeting is played in a hidden staging folder and moved
into place at the end; the official outputs are written straight to their place, each
atomically, so the publication records name them where they stay.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from app.consolidation import DispersionLimits
from app.crypto.identity import Identity
from app.domain.ids import ApplicationId, CriterionKey, FactorKey
from app.errors import StorageError, ValidationError
from app.i18n import Msg
from app.ports import ExpertStores
from app.secretary.ports import SecretaryStores
from app.secretary.publish import Exporters

if TYPE_CHECKING:
    from app.expert.desk import ExpertDesk
    from app.expert.submit import Submitted

Clock = Callable[[], datetime]

REPORT_FILE: Final = "demo-report.pdf"
WORKBOOK_FILE: Final = "demo-results.xlsx"
BUNDLE_FILE: Final = "demo-results.oibundle"
MEETING_DIR: Final = "complete-meeting"
"""The secretary's workspace, its kit, the expert side and the sheet files."""
_STAGING: Final = ".demo-complete.partial"
SECRETARY_ACTOR: Final = "demo-secretary"
REPORT_LANGUAGE: Final = "zh_CN"


@dataclass(frozen=True)
class CompleteDemo:
    """Where the official outputs are, and what they say."""

    report: Path
    workbook: Path
    bundle: Path
    trust_roots: Path
    meeting_dir: Path
    results_hash: str
    """SHA-256 of the bundle's ``results.json``, printed in the report."""
    flagged: tuple[ApplicationId, ...]
    """Applications whose spread exceeds the demo's dispersion limit."""
    meeting_key_passphrase: str
    """The passphrase of the meeting key in the secretary's kit (a demo secret)."""


def output_paths(directory: Path) -> tuple[Path, Path, Path]:
    """(report, workbook, bundle) inside the demo folder ``directory``."""
    return directory / REPORT_FILE, directory / WORKBOOK_FILE, directory / BUNDLE_FILE


class DemoStores(ExpertStores, SecretaryStores, Protocol):
    """The demo plays both sides: the secretary's workspace and the experts'."""


def complete_demo(
    stores: DemoStores, directory: Path, exporters: Exporters, clock: Clock
) -> CompleteDemo:
    """Play the demo meeting in ``directory`` (already built by ``build_demo``) to the end,
    its workspaces made in ``stores``.

    Refuses (:class:`StorageError`) a folder whose outputs already exist. ``clock`` gives the
    time of each step (timezone-aware); every certificate must be valid then.
    """
    from app.demo.build import demo_summary

    directory = Path(directory)
    summary = demo_summary(directory)
    if not summary.workspace.exists():
        raise StorageError(
            Msg.of("{path} holds no demo material.", path=str(directory)),
            Msg.of("Build the demo first with “review-desk demo --no-gui”."),
        )
    for existing in (*output_paths(directory), directory / MEETING_DIR):
        if existing.exists():
            raise StorageError(
                Msg.of(
                    "{path} already exists; the demo is not completed over it.", path=str(existing)
                ),
                Msg.of("Choose an empty folder for the demo."),
            )
    staging = directory / _STAGING
    try:
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir()
    except OSError as exc:
        raise _folder_error(directory, exc) from exc
    try:
        done = _play(stores, directory, staging, exporters, clock)
        try:
            os.replace(staging / MEETING_DIR, directory / MEETING_DIR)
        except OSError as exc:
            raise _folder_error(directory, exc) from exc
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(staging)
    report, workbook, bundle = output_paths(directory)
    return replace(
        done,
        report=report,
        workbook=workbook,
        bundle=bundle,
        meeting_dir=directory / MEETING_DIR,
    )


# -- the meeting ------------------------------------------------------------------------------


def _play(
    stores: DemoStores, directory: Path, staging: Path, exporters: Exporters, clock: Clock
) -> CompleteDemo:
    from app.crypto.identity import load_identity
    from app.crypto.pki import load_trust_roots
    from app.demo.build import DEMO_SECRETARY_PASSPHRASE, demo_summary, expert_passphrase
    from app.demo.meeting import load_demo
    from app.demo.outcome import load_sample_meeting

    summary = demo_summary(directory)
    demo_meeting, rubric = load_demo()
    sample = load_sample_meeting(demo_meeting, rubric)
    roots = load_trust_roots(summary.trust_roots)
    secretary = load_identity(
        summary.identities["secretary"].read_bytes(), DEMO_SECRETARY_PASSPHRASE.encode()
    )
    experts = {
        str(e.id): load_identity(
            summary.identities[str(e.id)].read_bytes(), expert_passphrase(str(e.id)).encode()
        )
        for e in demo_meeting.experts
    }
    work = staging / MEETING_DIR
    work.mkdir()
    ws, kit_path, kit_hash, passphrase = _secretary_setup(
        stores,
        work,
        demo_meeting,
        rubric,
        sample.dispersion_limit_total,
        secretary,
        experts,
        roots,
        summary.issued_packages,
        clock,
        meeting_key_file=summary.meeting_key,
    )
    try:
        sheet_files = _experts_score(
            stores, work, kit_path, kit_hash, roots, secretary, experts, sample, clock
        )
        _collect(ws, secretary, sheet_files, clock)
        flagged = _opinions(ws, experts, sample, clock)
        chair = experts[next(str(e.id) for e in demo_meeting.experts if e.is_chair)]
        # The outputs go straight to their place (each written atomically), so the meeting's
        # publication records name the files where they stay.
        results_hash = _outputs(ws, secretary, chair, exporters, directory, clock)
    finally:
        ws.close()
    report, workbook, bundle = output_paths(directory)
    return CompleteDemo(
        report=report,
        workbook=workbook,
        bundle=bundle,
        trust_roots=summary.trust_roots,
        meeting_dir=work,
        results_hash=results_hash,
        flagged=flagged,
        meeting_key_passphrase=passphrase,
    )


def _secretary_setup(
    stores: SecretaryStores,
    work: Path,
    demo_meeting: Any,
    rubric: Any,
    dispersion_total: Any,
    secretary: Identity,
    experts: dict[str, Identity],
    roots: list[x509.Certificate],
    packages: Sequence[Path],
    clock: Clock,
    *,
    meeting_key_file: Path,
) -> tuple[Any, Path, str, str]:
    from app.demo.build import DEMO_MEETING_PASSPHRASE
    from app.secretary import setup
    from app.secretary.keys import adopt_meeting_key
    from app.secretary.kit import issue_kit
    from app.secretary.model import MeetingHeader
    from app.secretary.packages import PackageOutcome, import_packages

    header = MeetingHeader(
        demo_meeting.id, demo_meeting.title, demo_meeting.date, demo_meeting.venue, is_demo=True
    )
    rule = replace(
        setup.default_rule_for(rubric),
        dispersion_limits=DispersionLimits(total=dispersion_total),
    )
    actor = SECRETARY_ACTOR
    ws = setup.create_workspace(
        stores,
        work / "secretary",
        header,
        rubric,
        secretary,
        roots,
        actor=actor,
        now=clock(),
        rule=rule,
    )
    try:
        for expert in demo_meeting.experts:
            setup.add_expert(
                ws,
                experts[str(expert.id)].certificate.public_bytes(Encoding.PEM),
                expert.role,
                actor=actor,
                now=clock(),
                chair=expert.is_chair,
                expert_id=str(expert.id),
                name=expert.name,
                organisation_name=expert.organisation,
                title=expert.title,
            )
        # The demo's packages were built for the demo meeting key; the secretary adopts it
        # (a fresh key would ship in the kit, and the experts' passphrase would open nothing).
        key = adopt_meeting_key(
            ws,
            meeting_key_file.read_bytes(),
            DEMO_MEETING_PASSPHRASE,
            actor=actor,
            now=clock(),
        )
        imported = import_packages(
            ws, secretary, list(packages), meeting_key=key.key, actor=actor, now=clock()
        )
        for outcome in imported:
            if outcome.outcome is not PackageOutcome.IMPORTED:
                raise ValidationError(outcome.message)
        setup.set_agenda(ws, demo_meeting.agenda, actor=actor, now=clock())
        kit_path = work / "meeting.oikit"
        kit = issue_kit(ws, secretary, kit_path, actor=actor, now=clock())
    except BaseException:
        ws.close()
        raise
    return ws, kit_path, kit.kit_hash, key.passphrase


def _experts_score(
    stores: ExpertStores,
    work: Path,
    kit_path: Path,
    kit_hash: str,
    roots: list[x509.Certificate],
    secretary: Identity,
    experts: dict[str, Identity],
    sample: Any,
    clock: Clock,
) -> list[Path]:
    """Each expert imports the kit, signs in (their records sealed to them, as in the
    window), scores and signs with the same use cases the window calls; returns the sheet
    files written."""
    from app.expert.desk import ExpertDesk
    from app.expert.kit_import import import_kit
    from app.expert.session import session_for
    from app.expert.signing import handover_for
    from app.expert.unlock import open_expert_drafts
    from app.sheets import sign_recusal, write_sheet_file

    imported = import_kit(stores, kit_path, work / "expert", roots, clock())
    if imported.kit_hash != kit_hash:
        raise ValidationError(
            Msg.of("The experts imported another kit than the secretary issued."),
            Msg.of("Report this as a bug; do not use these outputs."),
        )
    out = work / "sheets"
    out.mkdir()
    files = []
    with stores.open_workspace(imported.path) as ws:
        meeting = ws.meeting(sample.meeting_id)
        rubric = ws.rubric(meeting.rubric_id)
        kit = ws.kit_record()
        for expert_id, identity in experts.items():
            session = session_for(meeting, identity, clock())
            repo = open_expert_drafts(stores, ws, session, clock())
            desk = ExpertDesk(repo, meeting, rubric, session.expert, now=clock, kit=kit)
            ctx = handover_for(desk, secretary.certificate, identity).context
            items = []
            for recusal in sample.recusals_of(expert_id):
                declared = desk.declare(ApplicationId(recusal.application_id), True, recusal.reason)
                items.append(sign_recusal(declared, ctx, identity, clock()))
            for sheet in sample.sheets_of(expert_id):
                items.append(_score(desk, identity, secretary.certificate, sheet, clock).signed)
            path = out / f"{meeting.id}-{expert_id}-r1.oisheet"
            write_sheet_file(
                path,
                items,
                [],
                ctx,
                identity,
                secretary.certificate,
                clock(),
                round=1,
                trust_roots=roots,
            )
            files.append(path)
    return files


def _score(
    desk: ExpertDesk, identity: Identity, secretary: x509.Certificate, sheet: Any, clock: Clock
) -> Submitted:
    """One sample sheet through the expert's use cases, signed and submitted (its signed copy
    kept, sealed, in the expert's workspace, as the window does)."""
    from app.expert.submit import sign_and_submit

    a = ApplicationId(sheet.application_id)
    desk.declare(a, False, "")
    for key, verdict in sheet.criteria:
        desk.record_criterion(a, CriterionKey(key), verdict, "")
    comments = dict(sheet.comments)
    for key, value in sheet.scores:
        factor = FactorKey(key)
        desk.set_score(a, factor, value)
        if key in comments:
            desk.set_comment(a, factor, comments[key])
    desk.set_opinion(a, sheet.opinion)
    desk.set_recommendation(a, sheet.recommendation, sheet.conditions)
    return sign_and_submit(desk, a, identity, secretary, clock())


def _collect(ws: Any, secretary: Identity, files: Sequence[Path], clock: Clock) -> None:
    from app.secretary.collect import import_sheet_files

    for outcome in import_sheet_files(ws, secretary, files, actor=SECRETARY_ACTOR, now=clock()):
        if outcome.refusal is not None:
            raise outcome.refusal


def _opinions(
    ws: Any, experts: dict[str, Identity], sample: Any, clock: Clock
) -> tuple[ApplicationId, ...]:
    """Consolidate, write the panel opinions, and have the chair approve each."""
    from app.secretary import opinions, rounds

    result = rounds.consolidate_round(ws, 1)
    chair = ws.meeting(sample.meeting_id).chair
    for panel in sample.panel_opinions:
        opinions.save_panel_opinion(
            ws,
            panel.application_id,
            panel.opinion,
            panel.recommendation,
            actor=SECRETARY_ACTOR,
            now=clock(),
            minority_opinion=panel.minority_opinion,
        )
        opinions.approve_panel_opinion(
            ws, experts[str(chair.id)], panel.application_id, actor=str(chair.id), now=clock()
        )
    return rounds.flagged_applications(result)


# -- the official outputs ---------------------------------------------------------------------


def _outputs(
    ws: Any, secretary: Identity, chair: Identity, exporters: Exporters, out: Path, clock: Clock
) -> str:
    """The secretary's publish sequence (:mod:`app.secretary.publish`), the chair signing at
    the console; the demo bundle stays plaintext (it is marked DEMO)."""
    from app.secretary.publish import OutputNames, publish
    from app.secretary.publish_log import FolderPublicationLog

    meeting_id = ws.setup().header.meeting_id
    published = publish(
        ws,
        FolderPublicationLog(ws.path.parent / "publish"),
        secretary,
        chair,
        out,
        exporters,
        clock,
        language=REPORT_LANGUAGE,
        names=OutputNames(REPORT_FILE, WORKBOOK_FILE, BUNDLE_FILE),
        document_id=f"DEMO-{meeting_id}-R{ws.setup().current_round}",
    )
    return published.results_hash


def _folder_error(directory: Path, exc: OSError) -> StorageError:
    return StorageError(
        Msg.of(
            "Cannot write the demo to {path}: {reason}",
            path=str(directory),
            reason=exc.strerror or str(exc),
        ),
        Msg.of("Check that the location exists and is writable."),
    )
