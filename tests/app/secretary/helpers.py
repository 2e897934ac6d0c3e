"""A whole meeting for the secretary tests: people, packages, an expert-side workspace that
scores through the real expert use cases, and sheet files signed and written for real."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding

from app.crypto.age_keys import parse_recipient
from app.crypto.identity import Identity
from app.crypto.profile import Role
from app.domain.ids import ApplicationId, CriterionKey, ExpertId, FactorKey, MeetingId
from app.domain.meeting import ExpertRole, Meeting
from app.domain.rubric import Rubric
from app.domain.sheet import CriterionVerdict, Recommendation, ScoreSheet, SheetStatus
from app.expert import scoring
from app.i18n import LocalizedText
from app.package import build_package, recipient_for_certificate
from app.secretary import setup as sec_setup
from app.secretary.keys import MeetingKeyCreated, create_meeting_key
from app.secretary.model import MeetingHeader
from app.sheets import SheetContext, SignedDocument, sign_recusal, sign_sheet, write_sheet_file
from storage.secretary.workspace import SecretaryWorkspace
from storage.stores import SqliteStores
from storage.workspace.core import Workspace
from tests.app.crypto.pki_fixtures import NOW, PkiFixture, in_memory_identity
from tests.app.package.helpers import small_application

MEETING_ID = MeetingId("sec-2026-04")
HEADER = MeetingHeader(
    MEETING_ID,
    LocalizedText("Review meeting", "评审会"),
    dt.date(2026, 3, 2),
    LocalizedText("Room 1, Beijing", "北京一号会议室"),
)
ROLES = (
    ExpertRole.OVERALL,
    ExpertRole.OVERALL,
    ExpertRole.DOMAIN,
    ExpertRole.DOMAIN,
    ExpertRole.DOMAIN,
)
NAMES = ("周明远", "王芳", "李伟", "赵敏", "陈静")


@dataclass(frozen=True)
class Cast:
    pki: PkiFixture
    secretary: Identity
    issuer: Identity
    experts: tuple[Identity, ...]
    stranger: Identity
    foreign_issuer: Identity

    @property
    def roots(self) -> list:  # type: ignore[type-arg]
        return [self.pki.ca.certificate]


def make_cast(pki: PkiFixture) -> Cast:
    return Cast(
        pki=pki,
        secretary=pki.people[Role.SECRETARY],
        issuer=pki.people[Role.ISSUER],
        experts=tuple(in_memory_identity(pki.ca, Role.EXPERT, n) for n in NAMES),
        stranger=in_memory_identity(pki.ca, Role.EXPERT, "陌生人"),
        foreign_issuer=in_memory_identity(pki.other_ca, Role.ISSUER, "外部签发"),
    )


def pem(identity: Identity) -> bytes:
    return identity.certificate.public_bytes(Encoding.PEM)


def application(app_id: str, tags: Sequence[str]) -> object:
    base = small_application()
    return dataclasses.replace(base, id=ApplicationId(app_id), sub_domain_tags=tuple(tags))


def setup_meeting(
    folder: Path, cast: Cast, rubric: Rubric, app_ids: Sequence[str] = ("a01", "a02", "a03")
) -> tuple[SecretaryWorkspace, list[Path], Path]:
    """A workspace with a roster (e01 chair), a meeting key, and package files built for
    ``app_ids`` plus one from an untrusted issuer (returned last in the list)."""
    ws, paths, kit, _key = setup_meeting_with_key(folder, cast, rubric, app_ids)
    return ws, paths, kit


def setup_meeting_with_key(
    folder: Path, cast: Cast, rubric: Rubric, app_ids: Sequence[str] = ("a01", "a02", "a03")
) -> tuple[SecretaryWorkspace, list[Path], Path, MeetingKeyCreated]:
    """:func:`setup_meeting`, also returning the meeting key and its passphrase (a package
    import needs the key: every package must open with it)."""
    ws = sec_setup.create_workspace(
        SqliteStores(),
        folder / "secretary",
        HEADER,
        rubric,
        cast.secretary,
        cast.roots,
        actor="sec",
        now=NOW,
    )
    for i, (identity, role) in enumerate(zip(cast.experts, ROLES, strict=True)):
        sec_setup.add_expert(ws, pem(identity), role, chair=i == 0, actor="sec", now=NOW)
    key = create_meeting_key(ws, actor="sec", now=NOW, log_n=10)
    recipients = [recipient_for_certificate(e.certificate) for e in cast.experts]
    recipients += [recipient_for_certificate(cast.secretary.certificate)]
    recipients += [parse_recipient(key.recipient)]
    incoming = folder / "incoming"
    incoming.mkdir()
    paths = []
    for n, app_id in enumerate(app_ids):
        tags = (
            ["industrial visual inspection", f"tag {n}"]
            if app_id in ("a01", "a02")
            else [f"tag {n}"]
        )
        out = incoming / f"{app_id}.oipkg"
        build_package(application(app_id, tags), [], cast.issuer, recipients, out, NOW)  # type: ignore[arg-type]
        paths.append(out)
    bad = incoming / "untrusted.oipkg"
    build_package(application("a09", ["x"]), [], cast.foreign_issuer, recipients, bad, NOW)  # type: ignore[arg-type]
    paths.append(bad)
    return ws, paths, folder / "kit.oikit", key


def expert_workspace(path: Path, meeting: Meeting, rubric: Rubric) -> Workspace:
    return Workspace.create(path, meeting, rubric, "expert", now=lambda: NOW)


def score(
    repo: Workspace,
    meeting: Meeting,
    rubric: Rubric,
    expert_id: str,
    app_id: str,
    points: Sequence[str],
    *,
    round: int = 1,
    at: dt.datetime = NOW,
    new_version: bool = False,
) -> ScoreSheet:
    """Fill in and submit one sheet through the expert use cases."""
    m, e, a = meeting.id, ExpertId(expert_id), ApplicationId(app_id)
    ref = scoring.SheetRef(repo, lambda: at, expert_id, m, e, a, round=round)
    if new_version:
        scoring.start_new_version(ref)
    elif repo.conflict(m, e, a) is None:
        scoring.declare_conflict(ref, False, "")
    for criterion in rubric.criteria:
        scoring.record_criterion(ref, CriterionKey(criterion.key), CriterionVerdict.MET)
    for factor, value in zip(rubric.factor_keys(), points, strict=True):
        key = FactorKey(factor)
        scoring.set_factor_score(ref, key, Decimal(value))
        scoring.set_factor_comment(ref, key, f"{factor}: {value}")
    scoring.set_opinion(ref, f"Opinion of {expert_id}")
    scoring.set_recommendation(ref, Recommendation.RECOMMEND)
    return scoring.submit(ref)


def context(
    cast: Cast,
    meeting: Meeting,
    rubric: Rubric,
    kit_hash: str,
    expert_id: str,
    secretary: Identity | None = None,
) -> SheetContext:
    return SheetContext(
        meeting_id=meeting.id,
        kit_hash=kit_hash,
        rubric=rubric,
        expert=meeting.expert(expert_id),
        secretary_fingerprint=(secretary or cast.secretary).fingerprint,
    )


def identity_of(cast: Cast, meeting: Meeting, expert_id: str) -> Identity:
    wanted = meeting.expert(expert_id).fingerprint
    return next(i for i in (*cast.experts, cast.stranger) if i.fingerprint == wanted)


def sheet_file(
    out: Path,
    cast: Cast,
    meeting: Meeting,
    rubric: Rubric,
    kit_hash: str,
    expert_id: str,
    sheets: Sequence[ScoreSheet],
    *,
    round: int = 1,
    recusals: Sequence[SignedDocument] = (),
    identity: Identity | None = None,
    ctx: SheetContext | None = None,
    secretary: Identity | None = None,
    at: dt.datetime = NOW,
) -> Path:
    who = identity or identity_of(cast, meeting, expert_id)
    sec = secretary or cast.secretary
    c = ctx or context(cast, meeting, rubric, kit_hash, expert_id, sec)
    items = [sign_sheet(s, c, who, at) for s in sheets if s.status is SheetStatus.SUBMITTED]
    write_sheet_file(
        out,
        [*items, *recusals],
        [],
        c,
        who,
        sec.certificate,
        at,
        round=round,
        trust_roots=cast.roots,
    )
    return out


def recusal(
    cast: Cast,
    meeting: Meeting,
    rubric: Rubric,
    kit_hash: str,
    expert_id: str,
    app_id: str,
    *,
    round: int = 1,
) -> SignedDocument:
    from app.domain.sheet import ConflictDeclaration

    d = ConflictDeclaration(
        meeting.id, ExpertId(expert_id), ApplicationId(app_id), True, "former employer", NOW
    )
    c = context(cast, meeting, rubric, kit_hash, expert_id)
    return sign_recusal(d, c, identity_of(cast, meeting, expert_id), NOW, round=round)
