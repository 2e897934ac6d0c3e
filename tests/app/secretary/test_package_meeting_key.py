"""Every expert must be able to open every package: age recipients are anonymous, but the
meeting key (which every expert holds, sealed under the meeting passphrase) must open each
package the secretary imports; one that it does not open is refused with its reason, and
the others still import."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.crypto.age_keys import X25519Identity
from app.domain.meeting import ExpertRole
from app.errors import ValidationError
from app.kit.meeting_key import MeetingKeyPassphraseError, generate_meeting_key, seal_meeting_key
from app.package import build_package, recipient_for_certificate
from app.secretary import setup as sec_setup
from app.secretary.errors import SetupIncompleteError
from app.secretary.keys import adopt_meeting_key, open_meeting_key
from app.secretary.model import PackageStatus
from app.secretary.packages import PackageOutcome, import_packages
from storage.stores import SqliteStores
from tests.app.crypto.pki_fixtures import NOW
from tests.app.secretary.helpers import (
    HEADER,
    Cast,
    application,
    pem,
    setup_meeting_with_key,
)
from tests.app.sheets.factory import make_rubric

REFUSED = "it is not encrypted to this meeting's key"


def _package(cast: Cast, out: Path, app_id: str, extra: list[object]) -> Path:
    recipients: list[object] = [recipient_for_certificate(e.certificate) for e in cast.experts]
    recipients.append(recipient_for_certificate(cast.secretary.certificate))
    build_package(application(app_id, [app_id]), [], cast.issuer, [*recipients, *extra], out, NOW)  # type: ignore[arg-type]
    return out


def test_a_package_the_meeting_key_cannot_open_is_refused_and_the_others_import(
    tmp_path: Path, cast: Cast
) -> None:
    ws, packages, _kit, key = setup_meeting_with_key(tmp_path, cast, make_rubric())
    without = _package(cast, tmp_path / "a04.oipkg", "a04", [])
    other_meeting = generate_meeting_key().recipient
    elsewhere = _package(cast, tmp_path / "a05.oipkg", "a05", [other_meeting])
    results = import_packages(
        ws,
        cast.secretary,
        [packages[0], without, elsewhere, packages[1]],
        meeting_key=key.key,
        actor="sec",
        now=NOW,
    )
    outcomes = [r.outcome for r in results]
    assert outcomes == [
        PackageOutcome.IMPORTED,
        PackageOutcome.REFUSED,
        PackageOutcome.REFUSED,
        PackageOutcome.IMPORTED,
    ]
    for refused in results[1:3]:
        reason = refused.record.reason
        assert reason is not None and REFUSED in reason.en and key.recipient in reason.en
        assert refused.record.status is PackageStatus.REFUSED
        assert REFUSED in str(refused.message)
    stored = sorted(p.name for p in (ws.path.parent / "packages").iterdir())
    assert stored == ["a01.oipkg", "a02.oipkg"]  # the refused copies are gone
    assert [a.application_id for a in ws.agenda()] == ["a01", "a02"]
    assert ws.verify_audit().ok
    ws.close()


def test_the_key_given_must_be_this_meetings(tmp_path: Path, cast: Cast) -> None:
    ws, packages, _kit, key = setup_meeting_with_key(tmp_path, cast, make_rubric())
    before = ws.dump()
    with pytest.raises(ValidationError, match="not the meeting key of this meeting"):
        import_packages(
            ws,
            cast.secretary,
            packages[:1],
            meeting_key=X25519Identity.generate(),
            actor="sec",
            now=NOW,
        )
    with pytest.raises(MeetingKeyPassphraseError):
        open_meeting_key(ws, "0000-0000-0000-0000-0000-0000")
    assert ws.dump() == before
    unlocked = open_meeting_key(ws, key.passphrase.replace("-", " "))  # as typed aloud
    assert str(unlocked.recipient) == key.recipient
    ws.close()


def test_no_package_imports_before_the_meeting_key_exists(tmp_path: Path, cast: Cast) -> None:
    ws = sec_setup.create_workspace(
        SqliteStores(),
        tmp_path / "secretary",
        HEADER,
        make_rubric(),
        cast.secretary,
        cast.roots,
        actor="s",
        now=NOW,
    )
    sec_setup.add_expert(
        ws, pem(cast.experts[0]), ExpertRole.OVERALL, chair=True, actor="s", now=NOW
    )
    package = _package(cast, tmp_path / "a01.oipkg", "a01", [])
    with pytest.raises(SetupIncompleteError, match="no meeting key yet"):
        import_packages(
            ws,
            cast.secretary,
            [package],
            meeting_key=X25519Identity.generate(),
            actor="s",
            now=NOW,
        )
    with pytest.raises(SetupIncompleteError):
        open_meeting_key(ws, "1234-1234-1234-1234-1234-1234")
    assert ws.packages() == ()
    ws.close()


def test_a_meeting_key_made_elsewhere_can_be_adopted(tmp_path: Path, cast: Cast) -> None:
    ws = sec_setup.create_workspace(
        SqliteStores(),
        tmp_path / "secretary",
        HEADER,
        make_rubric(),
        cast.secretary,
        cast.roots,
        actor="s",
        now=NOW,
    )
    made = generate_meeting_key()
    passphrase = "2026-0416-0000-1111-2222-3333"
    sealed = seal_meeting_key(made, passphrase, log_n=10)
    with pytest.raises(MeetingKeyPassphraseError):
        adopt_meeting_key(ws, sealed, "2026-0416-0000-1111-2222-0000", actor="s", now=NOW)
    adopted = adopt_meeting_key(ws, sealed, passphrase, actor="s", now=NOW)
    assert adopted.recipient == str(made.recipient)
    setup = ws.setup()
    assert setup.sealed_meeting_key == sealed  # the kit ships exactly what the issuer used
    assert setup.meeting_key_recipient == str(made.recipient)
    package = _package(cast, tmp_path / "a01.oipkg", "a01", [made.recipient])
    results = import_packages(
        ws, cast.secretary, [package], meeting_key=adopted.key, actor="s", now=NOW
    )
    assert results[0].outcome is PackageOutcome.IMPORTED
    with pytest.raises(SetupIncompleteError):  # the packages are encrypted to it now
        adopt_meeting_key(
            ws, seal_meeting_key(generate_meeting_key(), passphrase, log_n=10), passphrase,
            actor="s", now=NOW,
        )  # fmt: skip
    assert ws.verify_audit().ok
    ws.close()
