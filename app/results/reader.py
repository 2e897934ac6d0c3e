"""Reading a result bundle in the stages of bundle v1 section 7.

:func:`verify_bundle` raises the stage's own error class at the first failure and returns
a :class:`~app.results.model.VerifiedBundle` only when every stage passed: the secretary's
signature, every member hash, every expert signature *and* the roster fingerprint of each
signer, completeness of the round, the recomputation of every figure from the signed
sheets, compared byte for byte, and - when :class:`~app.results.documents.BundleDocumentChecks`
are given - the report's two signatures, the report's content and the workbook (without
them those three stages are *not checked*, and the verified bundle says so).
:func:`inspect_bundle` runs the same stages and reports them one by one for display
(pyHanko-style separate flags) instead of raising.
"""

from __future__ import annotations

import enum
import hashlib
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography import x509

from app.consolidation import (
    ConsolidationInputError,
    MeetingResult,
    RuleError,
    consolidate,
    result_to_document,
)
from app.crypto import cms
from app.crypto.cms import SignatureError, SignatureVerifier, SignerInfo
from app.crypto.identity import Identity
from app.crypto.profile import Role, normalize_fingerprint
from app.crypto.report import Check, VerificationReport
from app.domain.meeting import Expert, Meeting
from app.formats.canonical_json import JsonFormatError, canonical_of_parsed, dumps_canonical
from app.i18n import Msg
from app.package.zipcheck import ZipEntry
from app.results import container
from app.results.checks import completeness_gaps, first_difference
from app.results.documents import (
    MAX_REPORT_SIZE,
    MAX_WORKBOOK_SIZE,
    BundleDocumentChecks,
    ReportRendering,
)
from app.results.errors import (
    BundleCompletenessError,
    BundleContainerError,
    BundleError,
    BundleManifestError,
    BundleMemberError,
    BundleRecomputeError,
    BundleReportContentError,
    BundleReportSignatureError,
    BundleResultsError,
    BundleSheetError,
    BundleSignatureError,
    BundleWorkbookError,
)
from app.results.manifest import (
    MAX_MANIFEST_SIZE,
    MAX_SIGNATURE_SIZE,
    REPORT_NAME,
    SIGNATURE_SUFFIX,
    WORKBOOK_NAME,
    Manifest,
    MemberKind,
    parse_manifest,
    reconcile,
    recusal_name,
    sheet_name,
)
from app.results.model import VerifiedBundle, VerifiedDocument
from app.results.opinions import panel_opinion_bytes
from app.results.results_file import MAX_DEPTH, OpinionEntry, Results, parse_results
from app.sheets import RecusalDocument, SheetDocument, SignedDocument, open_signed_document
from app.sheets.documents import check_rubric
from app.sheets.errors import SheetFileError

Source = Path | bytes


class Stage(enum.Enum):
    """The stages of bundle v1 section 7, in order."""

    CONTAINER = "container"
    SIGNATURE = "signature"
    MANIFEST = "manifest"
    MEMBERS = "members"
    RESULTS = "results"
    SHEETS = "sheets"
    COMPLETENESS = "completeness"
    RECOMPUTE = "recompute"
    REPORT_SIGNATURES = "report_signatures"
    REPORT_CONTENT = "report_content"
    WORKBOOK = "workbook"

    @property
    def label(self) -> Msg:
        return {
            Stage.CONTAINER: Msg.of("Container (age and ZIP layers)"),
            Stage.SIGNATURE: Msg.of("Secretary's signature on the manifest"),
            Stage.MANIFEST: Msg.of("Manifest"),
            Stage.MEMBERS: Msg.of("Member hashes"),
            Stage.RESULTS: Msg.of("Results document"),
            Stage.SHEETS: Msg.of("Expert signatures and roster fingerprints"),
            Stage.COMPLETENESS: Msg.of("Every expert and application accounted for"),
            Stage.RECOMPUTE: Msg.of("Figures recomputed from the signed sheets"),
            Stage.REPORT_SIGNATURES: Msg.of(
                "Report signed by the roster's chair, then the secretary"
            ),
            Stage.REPORT_CONTENT: Msg.of("Report content rendered from the results"),
            Stage.WORKBOOK: Msg.of("Workbook: a plain XLSX with the results' figures"),
        }[self]

    @property
    def is_document(self) -> bool:
        """One of the stages :class:`BundleDocumentChecks` performs."""
        return self in _DOCUMENT_STAGES


_DOCUMENT_STAGES: frozenset[Stage] = frozenset(
    {Stage.REPORT_SIGNATURES, Stage.REPORT_CONTENT, Stage.WORKBOOK}
)


_STAGE_OF: dict[type[BundleError], Stage] = {
    BundleContainerError: Stage.CONTAINER,
    BundleSignatureError: Stage.SIGNATURE,
    BundleManifestError: Stage.MANIFEST,
    BundleMemberError: Stage.MEMBERS,
    BundleResultsError: Stage.RESULTS,
    BundleSheetError: Stage.SHEETS,
    BundleCompletenessError: Stage.COMPLETENESS,
    BundleRecomputeError: Stage.RECOMPUTE,
    BundleReportSignatureError: Stage.REPORT_SIGNATURES,
    BundleReportContentError: Stage.REPORT_CONTENT,
    BundleWorkbookError: Stage.WORKBOOK,
}


def verify_bundle(
    source: Source,
    trust_roots: Sequence[x509.Certificate],
    now: datetime,
    *,
    ministry_identity: Identity | None = None,
    documents: BundleDocumentChecks | None = None,
    verifier: SignatureVerifier | None = None,
    crls: Sequence[x509.CertificateRevocationList] = (),
) -> VerifiedBundle:
    """Verify every stage; raise the failing stage's :class:`BundleError` subclass.

    ``trust_roots`` are the *reader's own* roots; ``now`` the moment at which every
    certificate must be valid; ``ministry_identity`` opens an age-sealed bundle;
    ``documents`` checks the report and the workbook (without it they are not checked:
    :attr:`VerifiedBundle.documents_checked` is ``False``). ``verifier`` keeps validated
    certificate paths across the bundles of a session (the shared default verifier of
    :mod:`app.crypto.cms` otherwise). ``crls`` are the revocation lists of the reader's
    trust file, applied to every CMS signature of the bundle (secretary, sheets, recusals,
    opinions): a revoked signer is refused with the revocation date.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return _Reader(trust_roots, now, documents, verifier, crls).run(source, ministry_identity)


@dataclass(frozen=True)
class StageOutcome(Check):
    """One stage as a named check: ``name`` is the stage's value, ``message`` its label, and
    ``passed`` ``True`` passed, ``False`` refused here, ``None`` not reached or (a document
    stage run without checks) not checked; ``reason`` why it refused, if it did."""

    reason: Msg | None = None

    @classmethod
    def of(cls, stage: Stage, passed: bool | None, reason: Msg | None = None) -> StageOutcome:
        return cls(stage.value, passed, stage.label, reason)

    @property
    def stage(self) -> Stage:
        return Stage(self.name)


@dataclass(frozen=True)
class BundleInspection(VerificationReport):
    """Every stage's outcome, for display. ``problem`` is what verification raises; the
    stages are the report's named checks."""

    stages: tuple[StageOutcome, ...]
    problem: BundleError | None
    bundle_hash: str | None
    results_hash: str | None
    meeting_id: str | None
    bundle_version: int | None
    round: int | None
    secretary: SignerInfo | None
    verified: VerifiedBundle | None
    documents_checked: bool = False
    """Whether the report and workbook stages ran (inspection without checks: they did not)."""

    @property
    def checks(self) -> tuple[Check, ...]:
        return self.stages

    def _passed(self, stage: Stage) -> bool:
        return self.passed(stage.value)

    @property
    def ok(self) -> bool:
        """No stage refused and every stage ran: documents not checked is not ok."""
        return self.problem is None and self.documents_checked

    @property
    def signed_by_trusted(self) -> bool:
        return self._passed(Stage.SIGNATURE)

    @property
    def intact(self) -> bool:
        return self._passed(Stage.MEMBERS)

    @property
    def sheets_verified(self) -> bool:
        return self._passed(Stage.SHEETS)

    @property
    def complete(self) -> bool:
        return self._passed(Stage.COMPLETENESS)

    @property
    def recomputed(self) -> bool:
        return self._passed(Stage.RECOMPUTE)


def inspect_bundle(
    source: Source,
    trust_roots: Sequence[x509.Certificate],
    now: datetime,
    *,
    ministry_identity: Identity | None = None,
    documents: BundleDocumentChecks | None = None,
    verifier: SignatureVerifier | None = None,
    crls: Sequence[x509.CertificateRevocationList] = (),
) -> BundleInspection:
    """Run :func:`verify_bundle`'s stages and report each instead of raising; without
    ``documents`` the report and workbook stages are reported as not checked."""
    reader = _Reader(trust_roots, now, documents, verifier, crls)
    problem: BundleError | None = None
    verified: VerifiedBundle | None = None
    try:
        verified = reader.run(source, ministry_identity)
    except BundleError as exc:
        problem = exc
    failed = None if problem is None else _stage_of(problem)
    outcomes: list[StageOutcome] = []
    reached = True
    for stage in Stage:
        if stage is failed:
            assert problem is not None
            outcomes.append(StageOutcome.of(stage, False, problem.msg))
            reached = False
        elif stage.is_document and documents is None:
            outcomes.append(StageOutcome.of(stage, None))
        else:
            outcomes.append(StageOutcome.of(stage, True if reached else None))
    manifest = reader.manifest
    return BundleInspection(
        stages=tuple(outcomes),
        problem=problem,
        bundle_hash=reader.bundle_hash,
        results_hash=reader.results_hash,
        meeting_id=None if manifest is None else manifest.meeting_id,
        bundle_version=None if manifest is None else manifest.bundle_version,
        round=None if manifest is None else manifest.round,
        secretary=reader.secretary,
        verified=verified,
        documents_checked=verified is not None and verified.documents_checked,
    )


def _stage_of(error: BundleError) -> Stage:
    for cls in type(error).__mro__:
        if cls in _STAGE_OF:
            return _STAGE_OF[cls]
    return Stage.CONTAINER


class _Reader:
    """One verification run; the attributes fill in as stages pass (read by inspect)."""

    def __init__(
        self,
        trust_roots: Sequence[x509.Certificate],
        now: datetime,
        documents: BundleDocumentChecks | None = None,
        verifier: SignatureVerifier | None = None,
        crls: Sequence[x509.CertificateRevocationList] = (),
    ) -> None:
        self.roots = list(trust_roots)
        self.crls = tuple(crls)
        self.now = now
        self.documents = documents
        self.verifier = verifier  # None: app.crypto.cms's shared default
        self.bundle_hash: str | None = None
        self.results_hash: str | None = None
        self.manifest: Manifest | None = None
        self.secretary: SignerInfo | None = None

    def run(self, source: Source, ministry_identity: Identity | None) -> VerifiedBundle:
        data = container.load(source)
        opened = container.open_archive(container.unseal(data, ministry_identity))
        self.bundle_hash = opened.bundle_hash
        manifest_entry, signature_entry = opened.directory.entries[:2]
        if manifest_entry.size > MAX_MANIFEST_SIZE or signature_entry.size > MAX_SIGNATURE_SIZE:
            raise BundleContainerError(
                Msg.of("its manifest or signature is larger than allowed."),
                f"manifest {manifest_entry.size}, signature {signature_entry.size} bytes",
            )
        manifest_data = opened.read(manifest_entry)
        secretary = self._verify_secretary(manifest_data, opened.read(signature_entry))
        self.secretary = secretary
        manifest = parse_manifest(manifest_data)
        if manifest.secretary_fingerprint != secretary.fingerprint:
            raise BundleManifestError(
                Msg.of(
                    "it names the secretary {named}, but {signer} signed it.",
                    named=manifest.secretary_fingerprint,
                    signer=secretary.fingerprint,
                ),
                "secretary_fingerprint differs from the signer's",
            )
        reconcile(manifest, opened.directory)
        self.manifest = manifest
        members = self._members(opened, manifest)
        results_data = members["results.json"]
        if hashlib.sha256(results_data).hexdigest() != manifest.results_sha256:
            raise BundleManifestError(
                Msg.of("its results hash differs from the results member's."),
                "results_sha256 differs from the results.json member",
            )
        self.results_hash = manifest.results_sha256
        results = parse_results(results_data)
        _check_header(results, manifest)
        sheets, recusals = self._documents(manifest, members, results)
        opinions = self._opinions(manifest, members, results)
        _check_complete(results, sheets, recusals)
        result, document = _recompute(results, sheets, recusals)
        verified = VerifiedBundle(
            bundle_hash=opened.bundle_hash,
            results_hash=manifest.results_sha256,
            manifest=manifest,
            secretary=secretary,
            meeting=results.meeting,
            rubric=results.rubric,
            rule=results.rule,
            result=result,
            result_document=document,
            sheets=tuple(sheets),
            recusals=tuple(recusals),
            absences=results.absences,
            opinions=opinions,
            report_pdf=members.get(REPORT_NAME),
            workbook_xlsx=members.get(WORKBOOK_NAME),
        )
        if self.documents is None:
            return verified
        rendering = self._check_documents(verified, self.documents)
        return replace(verified, documents_checked=True, report_rendering=rendering)

    # --- stages 9 to 11 ------------------------------------------------------------------

    def _check_documents(
        self, bundle: VerifiedBundle, checks: BundleDocumentChecks
    ) -> ReportRendering:
        report = bundle.report_pdf
        if report is None:
            raise BundleReportSignatureError(
                Msg.of("the bundle carries no signed report."), "no report.pdf member"
            )
        if len(report) > MAX_REPORT_SIZE:
            raise BundleReportSignatureError(
                Msg.of(
                    "the report is {size} bytes; at most {limit} bytes are allowed.",
                    size=len(report),
                    limit=MAX_REPORT_SIZE,
                ),
                f"report.pdf {len(report)} > {MAX_REPORT_SIZE}",
            )
        checks.check_report_signatures(report, bundle, self.roots, self.now, self.crls)
        rendering = checks.check_report_content(report, bundle)
        workbook = bundle.workbook_xlsx
        if workbook is None:
            raise BundleWorkbookError(
                Msg.of("the bundle carries no workbook."), "no workbook.xlsx member"
            )
        if len(workbook) > MAX_WORKBOOK_SIZE:
            raise BundleWorkbookError(
                Msg.of(
                    "the workbook is {size} bytes; at most {limit} bytes are allowed.",
                    size=len(workbook),
                    limit=MAX_WORKBOOK_SIZE,
                ),
                f"workbook.xlsx {len(workbook)} > {MAX_WORKBOOK_SIZE}",
            )
        checks.check_workbook(workbook, bundle, rendering)
        return rendering

    # --- stages 2 and 4 ----------------------------------------------------------------

    def _verify_secretary(self, data: bytes, signature: bytes) -> SignerInfo:
        try:
            return cms.verify_detached(
                data,
                signature,
                self.roots,
                roles={Role.SECRETARY},
                at=self.now,
                verifier=self.verifier,
                crls=self.crls,
            )
        except SignatureError as exc:
            raise BundleSignatureError(
                exc.msg, f"{type(exc).__name__}: {exc.msg.in_language('en')}", exc.rec
            ) from None

    def _members(self, opened: container.OpenedArchive, manifest: Manifest) -> dict[str, bytes]:
        contents: dict[str, bytes] = {}
        for member, entry in zip(manifest.members, opened.directory.entries[2:], strict=True):
            data = _raw(opened.data, entry)
            digest = hashlib.sha256(data).hexdigest()
            if digest != member.sha256:
                raise BundleMemberError(member.name, f"sha256 {digest}, manifest {member.sha256}")
            if zlib.crc32(data) != entry.crc32:
                raise BundleMemberError(member.name, "CRC-32 differs from the ZIP directory")
            contents[member.name] = data
        return contents

    # --- stage 6 -------------------------------------------------------------------------

    def _documents(
        self, manifest: Manifest, members: dict[str, bytes], results: Results
    ) -> tuple[list[VerifiedDocument], list[VerifiedDocument]]:
        sheets: list[VerifiedDocument] = []
        recusals: list[VerifiedDocument] = []
        roster = _roster(results.meeting)
        applications = frozenset(a.id for a in results.meeting.applications)
        for member in manifest.members:
            if member.kind not in (MemberKind.SHEET, MemberKind.RECUSAL):
                continue
            name = member.name
            signed = SignedDocument(members[name], members[name + SIGNATURE_SUFFIX])
            try:
                verified = open_signed_document(
                    signed, self.roots, at=self.now, verifier=self.verifier, crls=self.crls
                )
                content = verified.content
                if isinstance(content, SheetDocument):
                    check_rubric(content, results.rubric, name)
            except SheetFileError as exc:
                raise BundleSheetError(name, exc.msg, exc.detail) from None
            ctx = content.context
            signer = verified.signer.fingerprint
            self._check_context(
                name, ctx.meeting_id, ctx.kit_hash, ctx.recipient_fingerprint, manifest
            )
            _check_signer(name, roster, ctx.expert_id, signer)
            if isinstance(content, SheetDocument):
                sheet = content.sheet
                expected = sheet_name(
                    ctx.expert_id, sheet.application_id, sheet.round, sheet.version
                )
                app_id, round_, version = sheet.application_id, sheet.round, sheet.version
                if member.kind is not MemberKind.SHEET:
                    expected = ""
            else:
                assert isinstance(content, RecusalDocument)
                declaration = content.declaration
                expected = recusal_name(ctx.expert_id, declaration.application_id, ctx.round)
                app_id, round_, version = declaration.application_id, ctx.round, None
                if member.kind is not MemberKind.RECUSAL:
                    expected = ""
            _check_application(name, applications, app_id)
            if name != expected:
                raise BundleSheetError(
                    name,
                    Msg.of("its content belongs under another name in the bundle."),
                    f"content gives {expected!r}",
                )
            document = VerifiedDocument(
                name=name,
                expert_id=ctx.expert_id,
                application_id=app_id,
                round=round_,
                version=version,
                sha256=member.sha256,
                signer_fingerprint=signer,
                sheet=content.sheet if isinstance(content, SheetDocument) else None,
                recusal=content.declaration if isinstance(content, RecusalDocument) else None,
            )
            (sheets if version is not None else recusals).append(document)
        return sheets, recusals

    def _check_context(
        self, name: str, meeting_id: str, kit_hash: str, recipient: str, manifest: Manifest
    ) -> None:
        if (meeting_id, kit_hash, recipient) == (
            manifest.meeting_id,
            manifest.kit_hash,
            manifest.secretary_fingerprint,
        ):
            return  # every sheet of a sound bundle: the messages below are not built
        for field, found, expected in (
            (Msg.of("meeting"), meeting_id, manifest.meeting_id),
            (Msg.of("meeting kit hash"), kit_hash, manifest.kit_hash),
            (Msg.of("secretary"), recipient, manifest.secretary_fingerprint),
        ):
            if found != expected:
                raise BundleSheetError(
                    name,
                    Msg.of(
                        "its {field} is “{found}”, but “{expected}” was expected.",
                        field=field,
                        found=found[:80],
                        expected=expected,
                    ),
                    f"context {field.source}: {found[:80]!r} != {expected!r}",
                )

    def _opinions(
        self, manifest: Manifest, members: dict[str, bytes], results: Results
    ) -> tuple[OpinionEntry, ...]:
        named = {e.approval: e for e in results.opinions if e.approval is not None}
        listed = {m.name for m in manifest.members if m.kind is MemberKind.OPINION}
        for name in sorted(set(named) ^ listed):
            raise BundleSheetError(
                name,
                Msg.of("an approved opinion and its signed copy do not go together."),
                "opinion member and results.json approval differ",
            )
        chair = results.meeting.chair
        for name, entry in sorted(named.items()):
            data = members[name]
            try:
                signer = cms.verify_detached(
                    data,
                    members[name + SIGNATURE_SUFFIX],
                    self.roots,
                    roles={Role.EXPERT},
                    at=self.now,
                    verifier=self.verifier,
                    crls=self.crls,
                )
            except SignatureError as exc:
                raise BundleSheetError(name, exc.msg, f"{type(exc).__name__}") from None
            if chair is None or entry.opinion.approved_by != chair.id:
                raise BundleSheetError(
                    name,
                    Msg.of("only the panel chair approves an opinion."),
                    "approver is not the chair",
                )
            _check_signer(name, _roster(results.meeting), chair.id, signer.fingerprint)
            if data != panel_opinion_bytes(entry.opinion, manifest.kit_hash, chair):
                raise BundleSheetError(
                    name,
                    Msg.of("the signed opinion differs from the opinion in the results."),
                    "approval bytes differ from the document rebuilt from results.json",
                )
        return results.opinions


def _raw(archive: bytes, entry: ZipEntry) -> bytes:
    return archive[entry.data_offset : entry.end]


def _check_header(results: Results, manifest: Manifest) -> None:
    for field, stated, signed in (
        ("meeting_id", results.meeting_id, manifest.meeting_id),
        ("kit_hash", results.kit_hash, manifest.kit_hash),
        ("round", results.round, manifest.round),
        ("bundle_version", results.bundle_version, manifest.bundle_version),
        ("is_demo", results.is_demo, manifest.is_demo),
    ):
        if stated != signed:
            raise BundleResultsError(
                Msg.of("its {field} differs from the manifest's.", field=field),
                f"{field}: {stated!r} != {signed!r}",
            )


def _check_signer(name: str, roster: dict[str, Expert], expert_id: str, signer: str) -> None:
    """The signer is on the roster (``_roster``), and the roster records exactly the signer's
    certificate."""
    expert = roster.get(expert_id)
    if expert is None:
        raise BundleSheetError(
            name,
            Msg.of(
                "it is signed by expert {expert}, who is not on the meeting's roster.",
                expert=expert_id,
            ),
            f"expert {expert_id!r} not on roster",
        )
    rostered = normalize_fingerprint(expert.fingerprint)
    if rostered != signer:
        raise BundleSheetError(
            name,
            Msg.of(
                "it is signed with the certificate {signer}, but the roster records {rostered} "
                "for expert {expert}.",
                signer=signer,
                rostered=expert.fingerprint or "—",
                expert=expert_id,
            ),
            f"signer {signer} != roster {expert.fingerprint!r} for {expert_id}",
        )


def _roster(meeting: Meeting) -> dict[str, Expert]:
    """The meeting's experts by id (the first of a repeated id, as a scan would find)."""
    roster: dict[str, Expert] = {}
    for expert in meeting.experts:
        roster.setdefault(expert.id, expert)
    return roster


def _check_application(name: str, applications: frozenset[str], application_id: str) -> None:
    if application_id not in applications:
        raise BundleSheetError(
            name,
            Msg.of(
                "it names application {application}, which is not in the meeting.",
                application=application_id,
            ),
            f"unknown application {application_id!r}",
        )


def _check_complete(
    results: Results, sheets: Sequence[VerifiedDocument], recusals: Sequence[VerifiedDocument]
) -> None:
    sheet_pairs = {(s.expert_id, s.application_id) for s in sheets if s.round == results.round}
    recusal_pairs = {(r.expert_id, r.application_id) for r in recusals}
    gaps = completeness_gaps(results.meeting, sheet_pairs, recusal_pairs, results.absences)
    if not gaps:
        return
    gap = gaps[0]
    if gap.contradiction:
        reason = Msg.of(
            "the secretary records expert {expert} as absent for application {application}, "
            "but the bundle holds their signed sheet or recusal.",
            expert=gap.expert_id,
            application=gap.application_id,
        )
    else:
        reason = Msg.of(
            "expert {expert} has no signed sheet, no signed recusal and no recorded absence "
            "for application {application} ({count} such gaps in all).",
            expert=gap.expert_id,
            application=gap.application_id,
            count=len(gaps),
        )
    raise BundleCompletenessError(reason, f"{len(gaps)} gaps, first {gap}")


def _canonical_result(document: dict[str, Any], stated: bytes) -> bytes:
    """The canonical bytes of the recomputed ``document``, to compare with ``stated``.

    The standard encoder's bytes are tried first: when they equal ``stated`` (the
    canonical bytes of a strictly parsed value), ``document`` holds exactly what those
    bytes hold, so :func:`dumps_canonical`'s walk could refuse nothing in it. Otherwise
    (or when the encoder refuses the value) the walk gives the canonical bytes or names
    the refused value.
    """
    try:
        quick = canonical_of_parsed(document)
    except (TypeError, ValueError):  # UnicodeEncodeError is a ValueError
        quick = None
    if quick == stated:
        return quick
    return dumps_canonical(document, max_depth=MAX_DEPTH)


def _recompute(
    results: Results, sheets: Sequence[VerifiedDocument], recusals: Sequence[VerifiedDocument]
) -> tuple[MeetingResult, dict[str, Any]]:
    try:
        result = consolidate(
            results.meeting,
            results.rubric,
            [s.sheet for s in sheets if s.sheet is not None],
            [r.recusal for r in recusals if r.recusal is not None],
            results.rule,
            results.round,
        )
        document = result_to_document(result)
        stated = results.result_bytes  # as read: canonical, a part of results.json
        if stated is None:
            stated = canonical_of_parsed(results.result)  # strictly parsed: no walk needed
        mine = _canonical_result(document, stated)
    except (ConsolidationInputError, RuleError, JsonFormatError) as exc:
        raise BundleRecomputeError(exc.msg, "consolidation refused the signed inputs") from None
    if mine != stated:
        diff = first_difference(results.result, document)
        reason = (
            Msg.of(
                "for application {application}, “{figure}” is not what the signed sheets give.",
                application=diff.application_id,
                figure=diff.figure,
            )
            if diff.application_id is not None
            else Msg.of("“{figure}” is not what the signed sheets give.", figure=diff.figure)
        )
        raise BundleRecomputeError(reason, f"first difference at {diff.path}")
    return result, document
