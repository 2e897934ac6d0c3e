"""Building a result bundle: check the inputs, recompute, sign, write atomically.

The writer computes the figures itself, with :func:`app.consolidation.consolidate`, from
exactly the signed sheets it puts into the bundle - the same computation the ministry runs -
and refuses to build a bundle the ministry would refuse for completeness. It does not verify
the experts' signatures again (the secretary's workspace verified each sheet file on receipt;
the ministry verifies every one), but it parses every signed document strictly and checks
that it belongs to this meeting and kit.

The bundle is assembled in memory (bounded at 1 GiB; a 200-application, 30-expert meeting
is a few tens of MiB), optionally sealed to the ministry, and written with
:func:`app.formats.atomic_file.atomic_write`: a crash leaves the old file or the new one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from cryptography import x509

from app.consolidation import ConsolidationInputError, RuleError, consolidate, result_to_document
from app.crypto.cms import sign_detached
from app.crypto.identity import Identity
from app.crypto.profile import Role, role_label
from app.crypto.signer import require_signer
from app.domain.sheet import ConflictDeclaration, ScoreSheet
from app.formats.atomic_file import atomic_write
from app.i18n import Msg
from app.results import container
from app.results.checks import Gap, completeness_gaps
from app.results.errors import BundleBuildError
from app.results.manifest import (
    MANIFEST_NAME,
    MAX_BUNDLE_VERSION,
    MAX_ROUND,
    MAX_SIGNATURE_SIZE,
    REPORT_NAME,
    RESULTS_NAME,
    SIGNATURE_NAME,
    SIGNATURE_SUFFIX,
    WORKBOOK_NAME,
    Manifest,
    ManifestMember,
    kind_of_name,
    manifest_bytes,
    opinion_name,
    recusal_name,
    sheet_name,
)
from app.results.model import BundleInput, BundleSummary
from app.results.results_file import OpinionEntry, Results, results_bytes
from app.sheets import RecusalDocument, SheetDocument, SignedDocument
from app.sheets.documents import decode_document
from app.sheets.errors import SheetFileFormatError

_CHECK_INPUTS = Msg.of("Check the meeting's sheets in the secretary's workspace, then try again.")


def build_bundle(
    bundle: BundleInput,
    secretary: Identity,
    out: Path,
    now: datetime,
    *,
    ministry_recipient: x509.Certificate | None = None,
) -> BundleSummary:
    """Write the result bundle for ``bundle`` to ``out`` (replacing it atomically).

    ``ministry_recipient``: the ministry's certificate; when given, the ZIP is sealed in an
    age file to the X25519 key bound in it. Raises :class:`BundleBuildError` (nothing
    written) for a signer that is not a secretary valid at ``now``, a document that does not
    belong to the meeting, a version out of range, a gap in the round, or anything the
    consolidation refuses.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    _check_secretary(secretary, now)
    _check_numbers(bundle)
    recipient = (
        None if ministry_recipient is None else container.ministry_recipient_for(ministry_recipient)
    )
    sheets, sheet_members = _sheets(bundle)
    recusals, recusal_members = _recusals(bundle)
    opinions, opinion_members = _opinions(bundle)
    results_data = _results(bundle, sheets, recusals, opinions)
    members: list[tuple[str, bytes]] = [(RESULTS_NAME, results_data)]
    for group in (sheet_members, recusal_members, opinion_members):
        members.extend(sorted(group, key=lambda m: m[0].encode("utf-8")))
    if bundle.pdf_bytes is not None:
        members.append((REPORT_NAME, bundle.pdf_bytes))
    if bundle.xlsx_bytes is not None:
        members.append((WORKBOOK_NAME, bundle.xlsx_bytes))
    results_hash = hashlib.sha256(results_data).hexdigest()
    manifest = Manifest(
        meeting_id=bundle.meeting.id,
        kit_hash=bundle.kit_hash,
        round=bundle.round,
        bundle_version=bundle.bundle_version,
        created_at=now,
        is_demo=bundle.is_demo,
        secretary_fingerprint=secretary.fingerprint,
        results_sha256=results_hash,
        members=tuple(_member(name, data) for name, data in members),
    )
    manifest_data = manifest_bytes(manifest)
    signature = sign_detached(manifest_data, secretary)
    if len(signature) > MAX_SIGNATURE_SIZE:
        raise BundleBuildError(
            Msg.of("The signature is too large for a bundle."),
            Msg.of("Use an identity whose certificate chain is short."),
            f"signature of {len(signature)} bytes",
        )
    archive = container.zip_bytes(
        [(MANIFEST_NAME, manifest_data), (SIGNATURE_NAME, signature), *members], now
    )
    data = archive if recipient is None else container.seal(archive, recipient)
    out = Path(out)
    try:
        atomic_write(out, data, mode=0o600)
    except OSError as exc:
        raise BundleBuildError(
            Msg.of("The bundle cannot be written to {path}.", path=str(out)),
            Msg.of("Check that the folder exists, is writable and has free space."),
            f"write error: {exc.strerror}",
        ) from None
    return BundleSummary(
        path=out,
        bundle_hash=hashlib.sha256(archive).hexdigest(),
        results_hash=results_hash,
        manifest_sha256=hashlib.sha256(manifest_data).hexdigest(),
        meeting_id=bundle.meeting.id,
        round=bundle.round,
        bundle_version=bundle.bundle_version,
        file_size=len(data),
        member_count=len(members) + 2,
        sheet_count=len(sheets),
        recusal_count=len(recusals),
        encrypted=recipient is not None,
    )


def bundle_results(bundle: BundleInput) -> bytes:
    """The exact ``results.json`` bytes :func:`build_bundle` writes for ``bundle``.

    The report prints the SHA-256 of these bytes and the bundle then carries the report, so
    the report is rendered from this first (``pdf_bytes``/``xlsx_bytes`` are not part of
    ``results.json``). Raises what :func:`build_bundle` raises for the same inputs.
    """
    _check_numbers(bundle)
    sheets, _ = _sheets(bundle)
    recusals, _ = _recusals(bundle)
    opinions, _ = _opinions(bundle)
    return _results(bundle, sheets, recusals, opinions)


def _results(
    bundle: BundleInput,
    sheets: Sequence[ScoreSheet],
    recusals: Sequence[ConflictDeclaration],
    opinions: tuple[OpinionEntry, ...],
) -> bytes:
    result = _consolidate(bundle, sheets, recusals)
    _check_complete(bundle, sheets, recusals)
    return results_bytes(
        Results(
            meeting_id=bundle.meeting.id,
            kit_hash=bundle.kit_hash,
            round=bundle.round,
            bundle_version=bundle.bundle_version,
            is_demo=bundle.is_demo,
            meeting=bundle.meeting,
            rubric=bundle.rubric,
            rule=bundle.rule,
            result=result,
            absences=bundle.absences,
            opinions=opinions,
        )
    )


def missing_pairs(bundle: BundleInput) -> list[Gap]:
    """The expert × application pairs of the round that still need an absence statement (or
    that an absence wrongly covers), for the secretary to resolve before building."""
    sheets, _ = _sheets(bundle)
    recusals, _ = _recusals(bundle)
    return _gaps(bundle, sheets, recusals)


# --- checks ------------------------------------------------------------------------------


def _check_secretary(secretary: Identity, now: datetime) -> None:
    require_signer(
        secretary,
        Role.SECRETARY,
        now,
        BundleBuildError,
        wrong_role=Msg.of(
            "Only a meeting secretary may sign a result bundle; this identity is a {role}.",
            role=role_label(secretary.role),
        ),
        recommendation=Msg.of("Sign with the meeting secretary's identity."),
    )


def _check_numbers(bundle: BundleInput) -> None:
    if not 1 <= bundle.bundle_version <= MAX_BUNDLE_VERSION or not 1 <= bundle.round <= MAX_ROUND:
        raise BundleBuildError(
            Msg.of(
                "The bundle version must be 1 to {limit} and the round 1 to {rounds}.",
                limit=MAX_BUNDLE_VERSION,
                rounds=MAX_ROUND,
            ),
            Msg.of("Number each new bundle of a meeting one higher than the last."),
            f"bundle_version {bundle.bundle_version}, round {bundle.round}",
        )


def _refuse_document(what: str, reason: Msg) -> BundleBuildError:
    return BundleBuildError(
        Msg.of("A signed document cannot go into the bundle: {reason}", reason=reason),
        _CHECK_INPUTS,
        what,
    )


def _decode(signed: SignedDocument, what: str) -> SheetDocument | RecusalDocument:
    try:
        return decode_document(signed.document)
    except SheetFileFormatError as exc:
        raise _refuse_document(what, exc.msg) from None


def _check_context(bundle: BundleInput, meeting_id: str, kit_hash: str, what: str) -> None:
    if meeting_id != bundle.meeting.id or kit_hash != bundle.kit_hash:
        raise _refuse_document(
            what,
            Msg.of(
                "it was signed for meeting {meeting} with another kit or meeting.",
                meeting=meeting_id,
            ),
        )


def _sheets(bundle: BundleInput) -> tuple[list[ScoreSheet], list[tuple[str, bytes]]]:
    sheets: list[ScoreSheet] = []
    members: list[tuple[str, bytes]] = []
    names: set[str] = set()
    for index, signed in enumerate(bundle.sheets):
        content = _decode(signed, f"sheets[{index}]")
        if not isinstance(content, SheetDocument):
            raise _refuse_document(f"sheets[{index}]", Msg.of("it is a recusal, not a sheet."))
        ctx = content.context
        _check_context(bundle, ctx.meeting_id, ctx.kit_hash, f"sheets[{index}]")
        sheet = content.sheet
        name = sheet_name(ctx.expert_id, sheet.application_id, sheet.round, sheet.version)
        _add(members, names, name, signed)
        sheets.append(sheet)
    return sheets, members


def _recusals(
    bundle: BundleInput,
) -> tuple[list[ConflictDeclaration], list[tuple[str, bytes]]]:
    recusals: list[ConflictDeclaration] = []
    members: list[tuple[str, bytes]] = []
    names: set[str] = set()
    for index, signed in enumerate(bundle.recusals):
        content = _decode(signed, f"recusals[{index}]")
        if not isinstance(content, RecusalDocument):
            raise _refuse_document(f"recusals[{index}]", Msg.of("it is a sheet, not a recusal."))
        ctx = content.context
        _check_context(bundle, ctx.meeting_id, ctx.kit_hash, f"recusals[{index}]")
        declaration = content.declaration
        name = recusal_name(ctx.expert_id, declaration.application_id, ctx.round)
        _add(members, names, name, signed)
        recusals.append(declaration)
    return recusals, members


def _opinions(bundle: BundleInput) -> tuple[tuple[OpinionEntry, ...], list[tuple[str, bytes]]]:
    entries: list[OpinionEntry] = []
    members: list[tuple[str, bytes]] = []
    names: set[str] = set()
    chair = bundle.meeting.chair
    for item in bundle.opinions:
        opinion = item.opinion
        approved = opinion.approved_by is not None
        if opinion.meeting_id != bundle.meeting.id or approved != (item.approval is not None):
            raise _refuse_document(
                f"opinion {opinion.application_id}",
                Msg.of(
                    "the opinion on {application} belongs to another meeting, or its approval "
                    "and its signed copy do not go together.",
                    application=opinion.application_id,
                ),
            )
        if item.approval is None:
            entries.append(OpinionEntry(opinion, None))
            continue
        if chair is None or opinion.approved_by != chair.id:
            raise _refuse_document(
                f"opinion {opinion.application_id}",
                Msg.of("only the panel chair approves an opinion."),
            )
        name = opinion_name(opinion.application_id, opinion.round)
        _add(members, names, name, item.approval)
        entries.append(OpinionEntry(opinion, name))
    return tuple(entries), members


def _add(
    members: list[tuple[str, bytes]], names: set[str], name: str, signed: SignedDocument
) -> None:
    if name in names or kind_of_name(name) is None:
        raise _refuse_document(
            name, Msg.of("“{name}” is given twice, or cannot be named in a bundle.", name=name)
        )
    names.add(name)
    members.append((name, signed.document))
    members.append((name + SIGNATURE_SUFFIX, signed.signature))


def _consolidate(
    bundle: BundleInput, sheets: Sequence[ScoreSheet], recusals: Sequence[ConflictDeclaration]
) -> dict[str, object]:
    try:
        result = consolidate(
            bundle.meeting, bundle.rubric, sheets, recusals, bundle.rule, bundle.round
        )
    except (ConsolidationInputError, RuleError) as exc:
        raise BundleBuildError(exc.msg, exc.rec or _CHECK_INPUTS, "consolidation refused") from exc
    return result_to_document(result)


def _gaps(
    bundle: BundleInput, sheets: Sequence[ScoreSheet], recusals: Sequence[ConflictDeclaration]
) -> list[Gap]:
    sheet_pairs = {(s.expert_id, s.application_id) for s in sheets if s.round == bundle.round}
    recusal_pairs = {(r.expert_id, r.application_id) for r in recusals if r.has_conflict}
    return completeness_gaps(bundle.meeting, sheet_pairs, recusal_pairs, bundle.absences)


def _check_complete(
    bundle: BundleInput, sheets: Sequence[ScoreSheet], recusals: Sequence[ConflictDeclaration]
) -> None:
    gaps = _gaps(bundle, sheets, recusals)
    if gaps:
        first = gaps[0]
        raise BundleBuildError(
            Msg.of(
                "Expert {expert} has no sheet, recusal or recorded absence for application "
                "{application} ({count} such gaps in all), or an absence contradicts a sheet.",
                expert=first.expert_id,
                application=first.application_id,
                count=len(gaps),
            ),
            Msg.of(
                "Collect the missing sheets, or record each expert's absence, then build again."
            ),
            f"{len(gaps)} gaps, first {first}",
        )


def _member(name: str, data: bytes) -> ManifestMember:
    kind = kind_of_name(name)
    assert kind is not None, name
    return ManifestMember(name, len(data), hashlib.sha256(data).hexdigest(), kind)
