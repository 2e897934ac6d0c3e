"""Import a result bundle into the ministry database.

A refusal leaves the database file byte-identical. That is arranged by order, not by undo:

1. the bundle is verified completely (:func:`app.results.verify_bundle`, the report and
   workbook stages included, with the :class:`~app.results.BundleDocumentChecks` the
   caller injects) before the store is asked anything, so a bad bundle never touches the
   database;
2. the replay decision (:func:`app.ministry.replay.decide_replay`) is taken inside the
   store's transaction, which holds the write lock, so no second importer slips in between;
3. a duplicate or a refusal ends the transaction before anything is written; only an import
   writes (the store migrates its schema then, in the same transaction).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography import x509

from app.consolidation import rule_to_document
from app.crypto.cms import SignatureVerifier
from app.crypto.identity import Identity
from app.domain.meeting import Application
from app.ministry.model import (
    BundleHeader,
    BundleKey,
    BundleRecord,
    DocumentKind,
    ImportOutcome,
    ImportStatus,
    RecordedAbsence,
    RecordedApplication,
    RecordedDocument,
    RecordedFigure,
    RecordedVote,
)
from app.ministry.ports import MinistryStore
from app.ministry.replay import decide_replay
from app.results import BundleDocumentChecks, VerifiedBundle, VerifiedDocument, verify_bundle


def import_bundle(
    store: MinistryStore,
    bundle: Path | bytes,
    trust_roots: Sequence[x509.Certificate],
    now: datetime,
    *,
    documents: BundleDocumentChecks | None,
    ministry_identity: Identity | None = None,
    actor: str = "ministry",
    verifier: SignatureVerifier | None = None,
    crls: Sequence[x509.CertificateRevocationList] = (),
) -> ImportOutcome:
    """Verify ``bundle`` and import it into ``store``; ``verifier`` keeps validated
    certificate paths across the bundles of a session; ``crls`` are those of the trust file.

    ``documents`` checks the report and the workbook; it has no default, so every caller
    says what it checks: the composition roots pass ``export.bundle_checks``; ``None``
    imports with the documents *not checked* (tests of the replay rules over bundles
    without a real report) and is never the ministry's choice.

    Raises the bundle's :class:`~app.results.BundleError` (store not asked),
    :class:`~app.ministry.replay.BundleOlderVersionError` or
    :class:`~app.ministry.replay.BundleConflictError` (nothing written), or
    :class:`~app.errors.StorageError`.
    """
    verified = verify_bundle(
        bundle,
        trust_roots,
        now,
        ministry_identity=ministry_identity,
        documents=documents,
        verifier=verifier,
        crls=crls,
    )
    return import_verified(store, verified, now, actor=actor)


def import_verified(
    store: MinistryStore, verified: VerifiedBundle, now: datetime, *, actor: str = "ministry"
) -> ImportOutcome:
    """Import a bundle :func:`app.results.verify_bundle` (or a passed
    :func:`app.results.inspect_bundle`) has just verified: the replay decision and the write,
    under the store's write lock. Raises what :func:`import_bundle` raises after verifying."""
    record = bundle_record(verified)
    key = record.key
    with store.transaction(actor, now):
        decision = decide_replay(store.bundle_keys(key.meeting_id), key)
        refusal = decision.refusal()
        if refusal is not None:
            raise refusal
        if not decision.imports:
            return ImportOutcome(
                ImportStatus.ALREADY_IMPORTED,
                key.meeting_id,
                key.bundle_version,
                key.bundle_hash,
                None,
            )
        store.add_bundle(record, decision.current_version)
    return ImportOutcome(
        ImportStatus.IMPORTED,
        key.meeting_id,
        key.bundle_version,
        key.bundle_hash,
        decision.current_version,
    )


def bundle_record(bundle: VerifiedBundle) -> BundleRecord:
    """What a verified bundle puts into the ministry database; the figures as the bundle
    states them (the verifier has checked they equal the recomputed ones)."""
    meeting = bundle.meeting
    applications = {a.id: a for a in meeting.applications}
    return BundleRecord(
        header=BundleHeader(
            key=BundleKey(meeting.id, bundle.bundle_version, bundle.bundle_hash),
            results_hash=bundle.results_hash,
            round=bundle.round,
            kit_hash=bundle.manifest.kit_hash,
            secretary_fingerprint=bundle.secretary.fingerprint,
            secretary_name=bundle.secretary.common_name,
            created_at=bundle.created_at,
        ),
        meeting=meeting,
        rubric_id=bundle.rubric.id,
        rubric_version=bundle.rubric.version,
        is_demo=bundle.is_demo,
        rule_document=json.dumps(rule_to_document(bundle.rule), ensure_ascii=False, sort_keys=True),
        applications=tuple(
            _application(entry, applications[entry["application_id"]])
            for entry in bundle.result_document["applications"]
        ),
        opinions=tuple(entry.opinion for entry in bundle.opinions),
        absences=tuple(
            RecordedAbsence(a.expert_id, a.application_id, a.note) for a in bundle.absences
        ),
        documents=(
            *(_document(DocumentKind.SHEET, d) for d in bundle.sheets),
            *(_document(DocumentKind.RECUSAL, d) for d in bundle.recusals),
        ),
        report_pdf=bundle.report_pdf if bundle.documents_checked else None,
    )


def _application(entry: dict[str, Any], application: Application) -> RecordedApplication:
    vote = entry["vote"]
    return RecordedApplication(
        application=application,
        hearing_position=entry["hearing_position"],
        status=entry["status"],
        counted_sheets=entry["counted_sheets"],
        rank=entry["rank"],
        vote=RecordedVote(
            votes_for=vote["votes_for"],
            eligible=vote["eligible"],
            needed=vote["needed"],
            passed=vote["passed"],
            recommend=vote["recommend"],
            recommend_with_conditions=vote["recommend_with_conditions"],
            do_not_recommend=vote["do_not_recommend"],
            recused=vote["recused"],
            absent=vote["absent"],
        ),
        figures=tuple(
            RecordedFigure(
                subject=f["subject"],
                exact=f["exact"],
                presented=f["presented"],
                method_applied=f["method_applied"],
                fell_back=f["fell_back"],
                spread=f["spread"],
                spread_limit=f["spread_limit"],
                flagged=f["flagged"],
            )
            for f in entry["figures"]
        ),
    )


def _document(kind: DocumentKind, d: VerifiedDocument) -> RecordedDocument:
    return RecordedDocument(
        kind=kind,
        name=d.name,
        expert_id=d.expert_id,
        application_id=d.application_id,
        round=d.round,
        version=d.version,
        sha256=d.sha256,
        signer_fingerprint=d.signer_fingerprint,
    )
