"""People, a meeting and sheets for the sheet-file tests, built in memory once per session.

Identities skip the PKCS#12 round trip (600,000 PBKDF2 rounds each) and are issued by the
shared throw-away test CA of :mod:`tests.app.crypto.pki_fixtures`.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.crypto import cms
from app.crypto.age_file import encrypt_bytes
from app.crypto.age_keys import X25519Recipient
from app.crypto.identity import Identity
from app.crypto.profile import Role
from app.domain.ids import (
    ApplicationId,
    CriterionKey,
    ExpertId,
    FactorKey,
    MeetingId,
    NoteId,
    SheetId,
)
from app.domain.meeting import AgendaItem, Application, Expert, ExpertRole, Meeting
from app.domain.rubric import Rubric
from app.domain.sheet import (
    ConflictDeclaration,
    CriterionAnswer,
    CriterionVerdict,
    FactorScore,
    HearingNote,
    NoteKind,
    Recommendation,
    ScoreSheet,
    SheetStatus,
)
from app.formats.canonical_json import dumps_canonical
from app.formats.rubric_file import parse_rubric
from app.i18n import LocalizedText
from app.sheets import SheetContext, SignedDocument, write_sheet_file
from tests.app.crypto.pki_fixtures import NOW, PkiFixture, in_memory_identity

MEETING = MeetingId("m-2026-03")
KIT_HASH = "ab" * 32
OTHER_KIT_HASH = "cd" * 32
E1, E2, E3 = ExpertId("e1"), ExpertId("e2"), ExpertId("e3")
A1, A2, A3 = ApplicationId("a1"), ApplicationId("a2"), ApplicationId("a3")
FACTORS = ("concept", "capability", "feasibility", "results")
T0 = dt.datetime(2026, 3, 2, 10, 15, 30, 123456, tzinfo=dt.UTC)


def loc(en: str, zh: str | None = None) -> LocalizedText:
    return LocalizedText(en=en, zh_CN=zh or f"中文 {en}")


def _loc(en: str) -> dict[str, str]:
    return {"en": en, "zh_CN": f"中文 {en}"}


def make_rubric(rubric_id: str = "test-rubric") -> Rubric:
    bands = ["excellent", "good", "fair", "poor"]
    return parse_rubric(
        {
            "format": "review-desk/rubric",
            "version": 1,
            "id": rubric_id,
            "revision": 1,
            "title": _loc("Test rubric"),
            "bands": [
                {"key": "excellent", "name": _loc("Excellent"), "min_fraction": "0.9"},
                {"key": "good", "name": _loc("Good"), "min_fraction": "0.75"},
                {"key": "fair", "name": _loc("Fair"), "min_fraction": "0.6"},
                {"key": "poor", "name": _loc("Poor"), "min_fraction": "0"},
            ],
            "factors": [
                {
                    "key": key,
                    "name": _loc(key.capitalize()),
                    "weight": "25",
                    "max_points": "25",
                    "step": "0.5",
                    "descriptors": {b: _loc(f"{key} {b}") for b in bands},
                    "guiding_questions": [_loc(f"Is the {key} sound?")],
                }
                for key in FACTORS
            ],
            "basic_criteria": [
                {"key": "eligible", "text": _loc("Eligible unit"), "hint": _loc("Check")},
                {"key": "unique", "text": _loc("No overlap"), "hint": _loc("Check")},
            ],
        }
    )


@dataclass(frozen=True)
class People:
    pki: PkiFixture
    expert1: Identity
    expert2: Identity
    lookalike1: Identity
    """Same name as expert 1, same CA, another key: what a secretary-run CA could mint."""
    stranger: Identity
    """An expert of the same CA who is not on the roster."""
    foreign_expert: Identity
    """An expert certificate from another CA."""
    secretary: Identity
    other_secretary: Identity

    @property
    def roots(self) -> list[Any]:
        return [self.pki.ca.certificate]


def make_people(pki: PkiFixture) -> People:
    ca = pki.ca
    return People(
        pki=pki,
        expert1=in_memory_identity(ca, Role.EXPERT, "李伟"),
        expert2=in_memory_identity(ca, Role.EXPERT, "王芳"),
        lookalike1=in_memory_identity(ca, Role.EXPERT, "李伟"),
        stranger=in_memory_identity(ca, Role.EXPERT, "赵六"),
        foreign_expert=in_memory_identity(pki.other_ca, Role.EXPERT, "李伟"),
        secretary=pki.people[Role.SECRETARY],
        other_secretary=in_memory_identity(ca, Role.SECRETARY, "另一位秘书"),
    )


def make_meeting(people: People, meeting_id: str = MEETING) -> Meeting:
    experts = (
        Expert(
            E1,
            loc("Li Wei", "李伟"),
            ExpertRole.OVERALL,
            loc("Uni A"),
            loc("Prof."),
            True,
            people.expert1.fingerprint,
        ),
        Expert(
            E2,
            loc("Wang Fang", "王芳"),
            ExpertRole.DOMAIN,
            loc("Inst B"),
            loc("Dr."),
            False,
            people.expert2.fingerprint,
        ),
        Expert(E3, loc("Sun Qi", "孙七"), ExpertRole.DOMAIN, loc("Inst C"), loc("Dr.")),
    )
    applications = tuple(
        Application(a, loc(f"Unit {a}"), loc(f"Platform {a}"), loc("Materials"), ("m",), ())
        for a in (A1, A2, A3)
    )
    agenda = tuple(AgendaItem(a, i + 1, 20, 10) for i, a in enumerate((A1, A2, A3)))
    return Meeting(
        MeetingId(meeting_id),
        loc("Meeting"),
        dt.date(2026, 3, 2),
        loc("Room 1"),
        "test-rubric",
        experts,
        applications,
        agenda,
    )


def context_for(
    people: People,
    meeting: Meeting,
    expert_id: str = E1,
    *,
    kit_hash: str = KIT_HASH,
    meeting_id: str | None = None,
    expert: Expert | None = None,
    rubric: Rubric | None = None,
    secretary: Identity | None = None,
) -> SheetContext:
    return SheetContext(
        meeting_id=meeting_id or meeting.id,
        kit_hash=kit_hash,
        rubric=rubric or make_rubric(),
        expert=expert or meeting.expert(expert_id),
        secretary_fingerprint=(secretary or people.secretary).fingerprint,
    )


def make_sheet(
    application: str = A1,
    expert_id: str = E1,
    *,
    meeting_id: str = MEETING,
    round: int = 1,
    version: int = 1,
    scores: Sequence[str | None] = ("20", "18.5", "22", "15"),
    sheet_id: str | None = None,
) -> ScoreSheet:
    return ScoreSheet(
        id=SheetId(sheet_id or f"s-{expert_id}-{application}-{round}-{version}"),
        meeting_id=MeetingId(meeting_id),
        expert_id=ExpertId(expert_id),
        application_id=ApplicationId(application),
        round=round,
        version=version,
        status=SheetStatus.SUBMITTED,
        scores=tuple(
            FactorScore(FactorKey(f), None if s is None else Decimal(s), f"关于 {f} 的意见")
            for f, s in zip(FACTORS, scores, strict=False)
        ),
        criteria=(
            CriterionAnswer(CriterionKey("eligible"), CriterionVerdict.MET, "符合"),
            CriterionAnswer(CriterionKey("unique"), CriterionVerdict.UNCLEAR, "待核实\n第二行"),
        ),
        opinion='总体可行。Overall sound; "quotes" & <b>markup</b> stay text.',
        recommendation=Recommendation.RECOMMEND_WITH_CONDITIONS,
        conditions="补充资金承诺。",
        updated_at=T0,
        submitted_at=T0 + dt.timedelta(minutes=5),
    )


def make_recusal(application: str = A2, expert_id: str = E1) -> ConflictDeclaration:
    return ConflictDeclaration(
        meeting_id=MEETING,
        expert_id=ExpertId(expert_id),
        application_id=ApplicationId(application),
        has_conflict=True,
        reason="曾在申报单位任职 (former employee)",
        declared_at=dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC),
    )


def make_notes(expert_id: str = E1) -> tuple[HearingNote, ...]:
    return (
        HearingNote(
            NoteId("n1"),
            MEETING,
            ExpertId(expert_id),
            A1,
            NoteKind.QUESTION,
            "资金到位了吗？",
            FactorKey("capability"),
            T0,
        ),
        HearingNote(
            NoteId("n2"),
            MEETING,
            ExpertId(expert_id),
            A1,
            NoteKind.NOTE,
            "plain note",
            None,
            T0 + dt.timedelta(seconds=1),
        ),
    )


# --- a crafted writer: what a malicious or buggy program could produce -------------------


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def envelope_doc(
    people: People,
    items: Sequence[SignedDocument | dict[str, Any]],
    *,
    signer: Identity | None = None,
    notes: Sequence[dict[str, Any]] = (),
    progress: Sequence[dict[str, Any]] = (),
    **overrides: Any,
) -> dict[str, Any]:
    signer = signer or people.expert1
    doc: dict[str, Any] = {
        "format": "review-desk/sheet-file",
        "version": 1,
        "document_type": "sheet-file",
        "meeting_id": MEETING,
        "kit_hash": KIT_HASH,
        "expert_id": E1,
        "expert_fingerprint": signer.fingerprint,
        "round": 1,
        "signer_role": "expert",
        "recipient": {"role": "secretary", "fingerprint": people.secretary.fingerprint},
        "created_at": "2026-03-02T11:00:00Z",
        "items": [
            item
            if isinstance(item, dict)
            else {
                "kind": "recusal" if b'"review-desk/recusal"' in item.document else "sheet",
                "document": b64(item.document),
                "signature": b64(item.signature),
            }
            for item in items
        ],
        "notes": list(notes),
        "progress": list(progress),
    }
    doc.update(overrides)
    return doc


def craft_plaintext(envelope: dict[str, Any] | bytes, signer: Identity, **container: Any) -> bytes:
    data = envelope if isinstance(envelope, bytes) else dumps_canonical(envelope)
    outer: dict[str, Any] = {
        "format": "review-desk/signed-envelope",
        "version": 1,
        "envelope": b64(data),
        "signature": b64(cms.sign_detached(data, signer)),
    }
    outer.update(container)
    return dumps_canonical(outer)


def craft_file(
    people: People,
    envelope: dict[str, Any] | bytes,
    *,
    signer: Identity | None = None,
    recipients: Sequence[Identity] | None = None,
    **container: Any,
) -> bytes:
    plaintext = craft_plaintext(envelope, signer or people.expert1, **container)
    return encrypt_bytes(
        plaintext,
        [X25519Recipient(r.x25519_public_bytes) for r in (recipients or [people.secretary])],
    )


@dataclass(frozen=True)
class Written:
    """A sheet file written once per test module: where, its bytes and the items in it."""

    path: Path
    data: bytes
    items: tuple[SignedDocument, ...]


def write_file(
    people: People,
    meeting: Meeting,
    tmp_path: Path,
    context: SheetContext,
    identity: Identity,
    items: tuple[SignedDocument, ...] = (),
    *,
    round: int = 1,
) -> Path:
    """A sheet file of ``items`` (no notes) written to ``tmp_path``, for a reader to refuse."""
    path = tmp_path / "x.oisheet"
    write_sheet_file(
        path,
        items,
        (),
        context,
        identity,
        people.secretary.certificate,
        NOW,
        round=round,
        trust_roots=people.roots,
    )
    return path
