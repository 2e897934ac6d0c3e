"""Importing a round notice into an expert's workspace, without Qt: verified against the
workspace's own kit record, recorded once, refused whole (changing nothing) when older,
conflicting or foreign; and which round each application is scored in afterwards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from app.crypto import cms
from app.crypto.identity import Identity
from app.crypto.profile import Role
from app.domain.ids import ApplicationId
from app.domain.meeting import Meeting
from app.errors import ValidationError
from app.expert.rounds import (
    OpenRounds,
    import_round_notice,
    open_rounds,
    record_round_notice,
    verify_round_notice,
)
from app.kit.record import KitRecord
from app.round_notice import (
    HeldRoundNotice,
    RoundNotice,
    RoundNoticeContextError,
    RoundNoticeError,
    RoundNoticeSignatureError,
    RoundNoticeStaleError,
    container_bytes,
    encode_notice,
    sign_round_notice,
)
from app.sheets.documents import SignedDocument
from tests.app.crypto.pki_fixtures import NOW, in_memory_identity
from tests.app.sheets.factory import A1, A2, A3, KIT_HASH, People

LATER = NOW + dt.timedelta(hours=1)


@dataclass
class FakeStore:
    """A round-notice store that counts its transactions and keeps what they wrote."""

    held: list[HeldRoundNotice] = field(default_factory=list)
    transactions: int = 0

    @contextmanager
    def transaction(self, actor: str, at: dt.datetime) -> Iterator[None]:
        self.transactions += 1
        before = list(self.held)
        try:
            yield
        except BaseException:
            self.held = before
            raise

    def round_notices(self) -> tuple[HeldRoundNotice, ...]:
        return tuple(sorted(self.held, key=lambda h: h.notice.round))

    def add_round_notice(self, held: HeldRoundNotice) -> None:
        assert all(h.notice.round != held.notice.round for h in self.held)
        self.held.append(held)


def kit_record(people: People, meeting: Meeting, secretary: Identity | None = None) -> KitRecord:
    who = secretary or people.secretary
    return KitRecord(
        kit_hash=KIT_HASH,
        kit_id="kit-1",
        meeting_id=meeting.id,
        secretary_certificate_pem=who.certificate.public_bytes(Encoding.PEM).decode(),
        trust_roots_pem=people.pki.root_pem.read_text(),
        sealed_meeting_key=b"sealed",
        imported_at=NOW,
    )


def notice_file(
    people: People,
    meeting: Meeting,
    round: int,
    applications: tuple[str, ...],
    *,
    signer: Identity | None = None,
    reason: str = "Flagged for disagreement",
    meeting_id: str | None = None,
) -> bytes:
    who = signer or people.secretary
    notice = RoundNotice(
        meeting_id=meeting_id or meeting.id,  # type: ignore[arg-type]
        kit_hash=KIT_HASH,
        round=round,
        application_ids=tuple(ApplicationId(a) for a in applications),
        opened_at=NOW,
        reason=reason,
        secretary_fingerprint=who.fingerprint,
    )
    if who.role is not Role.SECRETARY:  # what no writer of ours would sign
        document = encode_notice(notice)
        return container_bytes(SignedDocument(document, cms.sign_detached(document, who)))
    return container_bytes(sign_round_notice(notice, who, NOW))


def test_a_notice_moves_its_applications_to_the_new_round(
    people: People, meeting: Meeting, tmp_path: Path
) -> None:
    store = FakeStore()
    path = tmp_path / "round-2.oiround"
    path.write_bytes(notice_file(people, meeting, 2, (A2,)))
    assert open_rounds(store).round_for(A2) == 1
    done = import_round_notice(
        store, path, kit=kit_record(people, meeting), meeting=meeting, actor="expert:e1", now=LATER
    )
    assert done.recorded and done.notice.round == 2
    assert "Round 2 is open for a2" in done.message.in_language("en")
    rounds = open_rounds(store)
    assert (rounds.round_for(A1), rounds.round_for(A2), rounds.round_for(A3)) == (1, 2, 1)
    assert rounds.latest == 2 and rounds.numbers() == (1, 2)
    assert rounds.applications(2) == (A2,) and rounds.applications(1) is None
    held = rounds.notice(2)
    assert held is not None and held.imported_at == LATER
    assert held.notice == done.notice

    # the same notice again (even written again, with a new signature): nothing changes
    again = notice_file(people, meeting, 2, (A2,))
    done = import_round_notice(
        store, again, kit=kit_record(people, meeting), meeting=meeting, actor="e1", now=LATER
    )
    assert not done.recorded
    assert done.message.in_language("en") == (
        "The notice of round 2 was already imported; nothing changed."
    )
    assert len(store.held) == 1

    # round 3 for two applications; then round 2's notice is older: refused
    third = notice_file(people, meeting, 3, (A2, A3))
    import_round_notice(
        store, third, kit=kit_record(people, meeting), meeting=meeting, actor="e1", now=LATER
    )
    rounds = open_rounds(store)
    assert (rounds.round_for(A1), rounds.round_for(A2), rounds.round_for(A3)) == (1, 3, 3)
    assert rounds.held() == {h.notice.round: h.signed.sha256 for h in store.held}


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (
            lambda p, m: notice_file(p, m, 2, (A2,), signer=p.other_secretary),
            RoundNoticeSignatureError,
            "who signed your meeting kit",
        ),
        (lambda p, m: notice_file(p, m, 2, (A2,), signer=p.expert1), RoundNoticeError, ""),
        (
            lambda p, m: notice_file(p, m, 2, (A2,), meeting_id="m-other"),
            RoundNoticeContextError,
            "m-other",
        ),
        (lambda p, m: notice_file(p, m, 2, (A2, "a9")), RoundNoticeError, "a9"),
    ],
)
def test_a_foreign_notice_is_refused_and_changes_nothing(
    people: People, meeting: Meeting, make: object, error: type[Exception], words: str
) -> None:
    store = FakeStore()
    data = make(people, meeting)  # type: ignore[operator]
    with pytest.raises(error) as info:
        import_round_notice(
            store, data, kit=kit_record(people, meeting), meeting=meeting, actor="e1", now=LATER
        )
    assert words in str(info.value.msg)
    assert store.held == [] and store.transactions == 0


def test_an_older_notice_is_refused(people: People, meeting: Meeting) -> None:
    store = FakeStore()
    kit = kit_record(people, meeting)
    import_round_notice(
        store,
        notice_file(people, meeting, 3, (A3,)),
        kit=kit,
        meeting=meeting,
        actor="e1",
        now=LATER,
    )
    with pytest.raises(RoundNoticeStaleError, match="round 3 is already open") as info:
        import_round_notice(
            store,
            notice_file(people, meeting, 2, (A2,)),
            kit=kit,
            meeting=meeting,
            actor="e1",
            now=LATER,
        )
    assert "Nothing was changed" in info.value.recommendation
    other = notice_file(people, meeting, 3, (A2,))
    with pytest.raises(RoundNoticeStaleError, match="different notice for round 3"):
        import_round_notice(store, other, kit=kit, meeting=meeting, actor="e1", now=LATER)
    assert [h.notice.round for h in store.held] == [3]


def test_recording_checks_the_round_again_inside_its_transaction(
    people: People, meeting: Meeting
) -> None:
    """Two notices verified against the same (empty) workspace: the second recorded is
    refused if the first made it stale, or if it is another notice of the same round."""
    store = FakeStore()
    kit = kit_record(people, meeting)
    empty = OpenRounds()
    three = verify_round_notice(notice_file(people, meeting, 3, (A2,)), kit, meeting, empty, NOW)
    two = verify_round_notice(notice_file(people, meeting, 2, (A2,)), kit, meeting, empty, NOW)
    also_three = verify_round_notice(
        notice_file(people, meeting, 3, (A3,)), kit, meeting, empty, NOW
    )
    assert record_round_notice(store, three, actor="e1", now=LATER).recorded
    with pytest.raises(RoundNoticeStaleError, match="older than one already imported"):
        record_round_notice(store, two, actor="e1", now=LATER)
    with pytest.raises(RoundNoticeStaleError, match="different notice for round 3"):
        record_round_notice(store, also_three, actor="e1", now=LATER)
    assert not record_round_notice(store, three, actor="e1", now=LATER).recorded
    assert [h.notice.round for h in store.held] == [3]


def test_a_workspace_without_a_kit_cannot_check_a_notice(people: People, meeting: Meeting) -> None:
    with pytest.raises(ValidationError, match="not created from a meeting kit"):
        verify_round_notice(
            notice_file(people, meeting, 2, (A2,)), None, meeting, OpenRounds(), NOW
        )


def test_the_kits_secretary_from_another_ca_is_still_only_trusted_through_the_kit_roots(
    people: People, meeting: Meeting
) -> None:
    """A kit record naming a secretary of another CA (which the kit import refuses anyway)
    does not make that secretary trusted: the path must reach the recorded roots."""
    foreign = in_memory_identity(people.pki.other_ca, Role.SECRETARY, "外部秘书")
    kit = kit_record(people, meeting, foreign)
    with pytest.raises(RoundNoticeSignatureError, match="not trusted"):
        verify_round_notice(
            notice_file(people, meeting, 2, (A2,), signer=foreign), kit, meeting, OpenRounds(), NOW
        )
