"""The secretary writes the signed notice of a round it opened (round-notice-v1), from the
core and from ``review-desk secretary round-notice``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli import main
from app.crypto.identity import serialize_pkcs12
from app.errors import NotFoundError, ValidationError
from app.round_notice import NoticeExpectations, read_round_notice
from app.secretary import rounds
from app.secretary.errors import SetupIncompleteError, WrongSecretaryError
from app.secretary.notices import export_round_notice, round_notice
from tests.app.crypto.pki_fixtures import NOW
from tests.app.secretary.helpers import Cast, setup_meeting
from tests.app.secretary.rounds_world import MINUTE, Meet, build_meet, round_one
from tests.app.sheets.factory import make_rubric

OPENED = NOW + 5 * MINUTE


@pytest.fixture
def meet(tmp_path: Path, cast: Cast) -> Iterator[Meet]:
    world = build_meet(tmp_path, cast)
    round_one(world)
    yield world
    world.repo.close()
    world.ws.close()


def expectations(meet: Meet) -> NoticeExpectations:
    return NoticeExpectations(
        meeting=meet.meeting,
        kit_hash=meet.kit_hash,
        secretary_certificate=meet.cast.secretary.certificate,
        trust_roots=tuple(meet.cast.roots),
    )


def test_the_notice_states_the_round_as_opened(meet: Meet, tmp_path: Path) -> None:
    result = rounds.consolidate_round(meet.ws)
    flagged = rounds.flagged_applications(result)
    assert flagged == ("a02",)
    reason = str(rounds.flag_reason(result, flagged))
    assert reason == "Flagged for disagreement: a02 (total)"
    info = rounds.open_round(meet.ws, flagged, actor="sec", now=OPENED, reason=reason)
    out = tmp_path / "stick"
    out.mkdir()
    written = export_round_notice(meet.ws, meet.cast.secretary, out, now=OPENED)
    assert written.path == out / "sec-2026-04-round-2.oiround"
    assert written.path.stat().st_size == written.size
    opened = read_round_notice(written.path, expectations(meet), OPENED)
    notice = opened.notice
    assert (notice.round, notice.application_ids) == (2, ("a02",))
    assert notice.opened_at == info.opened_at and notice.reason == reason
    assert notice.kit_hash == meet.kit_hash and notice.meeting_id == meet.meeting.id
    assert notice.secretary_fingerprint == meet.cast.secretary.fingerprint
    # written again later (a lost USB stick): the same notice
    again = export_round_notice(meet.ws, meet.cast.secretary, tmp_path, now=OPENED + MINUTE)
    assert read_round_notice(again.path, expectations(meet), OPENED).signed.document == (
        opened.signed.document
    )
    # an explicit earlier round: round 1 needs none
    with pytest.raises(ValidationError, match="the meeting kit opened it"):
        round_notice(meet.ws, meet.cast.secretary, 1)
    with pytest.raises(NotFoundError, match="Round 3 has not been opened"):
        round_notice(meet.ws, meet.cast.secretary, 3)


def test_a_request_that_is_not_the_secretarys_changes_nothing(meet: Meet, tmp_path: Path) -> None:
    assert rounds.flag_reason(rounds.consolidate_round(meet.ws), ["a01"]).in_language("en") == (
        "Scored again at the secretary's request: a01"
    )
    with pytest.raises(ValidationError, match="needs no notice"):
        export_round_notice(meet.ws, meet.cast.secretary, tmp_path, now=OPENED)
    rounds.open_round(meet.ws, ["a02"], actor="sec", now=OPENED)
    with pytest.raises(WrongSecretaryError):
        export_round_notice(meet.ws, meet.cast.experts[0], tmp_path, now=OPENED)
    assert not list(tmp_path.glob("*.oiround"))


def test_no_notice_before_the_kit(tmp_path: Path, cast: Cast) -> None:
    ws, _paths, _kit = setup_meeting(tmp_path, cast, make_rubric())
    with ws, pytest.raises(SetupIncompleteError, match="before the meeting kit is issued"):
        round_notice(ws, cast.secretary)


def test_the_command_line_writes_the_notice(
    meet: Meet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secretary = meet.cast.secretary
    p12 = tmp_path / "secretary.p12"
    p12.write_bytes(
        serialize_pkcs12(
            secretary.signing_key, secretary.certificate, secretary.chain, b"pass phrase"
        )
    )
    (tmp_path / "pass").write_bytes(b"pass phrase")
    folder = str(meet.ws.path.parent)
    meet.ws.close()
    ident = ["--identity", str(p12), "--passphrase-file", str(tmp_path / "pass")]
    out = tmp_path / "stick"
    out.mkdir()
    assert main(["secretary", "open-round", "--dir", folder, "--applications", "a02,a03"]) == 0
    capsys.readouterr()
    assert main(["secretary", "round-notice", "--dir", folder, *ident, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Wrote the notice of round 2 for a02, a03" in printed
    path = out / "sec-2026-04-round-2.oiround"
    assert str(path) in printed
    opened = read_round_notice(path, expectations(meet), dt.datetime.now(dt.UTC))
    assert opened.notice.application_ids == ("a02", "a03")
    # round 1 needs no notice: a clear refusal, exit status 2
    args = ["secretary", "round-notice", "--dir", folder, *ident, "--out", str(out)]
    assert main([*args, "--round", "1"]) == 2
    assert "needs no notice" in capsys.readouterr().err
