"""The revocation lists a kit carries in ``trust-roots.pem`` (kit-v1 §4, amendment of issue 12):
checked by the trust-file rules when the kit is opened, applied to the kit's own secretary,
ignored when they come from an authority the reader does not trust, refused when forged or
out of date; and ``openssl verify -crl_check`` agrees with the reader about the secretary."""

from __future__ import annotations

import datetime as dt
import subprocess
import zipfile
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding

from app.crypto import pki
from app.crypto.pki import TrustFile
from app.kit import builder
from app.kit.errors import KitBuildError, KitContentError, KitSignatureError
from app.kit.manifest import SECRETARY_NAME, TRUST_ROOTS_NAME
from app.kit.reader import open_kit
from app.secretary.kit import issue_kit
from app.secretary.packages import import_packages
from app.secretary.trust import update_trust
from tests.app.crypto.pki_fixtures import NOW
from tests.app.secretary.conftest import cast, pkiset  # noqa: F401  (fixtures)
from tests.app.secretary.helpers import Cast, setup_meeting_with_key
from tests.app.secretary.revocation_world import HOUR, issued_meeting, revocation_list
from tests.app.sheets.factory import make_rubric

DAY = dt.timedelta(days=1)


def test_the_kits_own_list_refuses_its_revoked_secretary_with_the_date(
    tmp_path: Path,
    cast: Cast,  # noqa: F811
) -> None:
    crl = revocation_list(cast, tmp_path / "ca", [(cast.secretary.certificate, NOW + DAY)], NOW)
    world = issued_meeting(tmp_path, cast, crl)
    world.ws.close()
    with open_kit(world.kit_path, cast.roots, NOW) as kit:  # before the revocation date
        assert kit.crls == (crl,)
    with pytest.raises(KitSignatureError, match="revoked on 2026-03-03 09:00 UTC"):
        open_kit(world.kit_path, cast.roots, NOW + 2 * DAY)


@pytest.mark.tool("openssl")
@pytest.mark.parametrize("secretary_revoked", [False, True])
def test_openssl_verify_crl_check_agrees_about_the_kits_secretary(
    tmp_path: Path,
    cast: Cast,  # noqa: F811
    secretary_revoked: bool,
) -> None:
    who = cast.secretary if secretary_revoked else cast.stranger
    # revoked a minute after the kit was issued (a writer refuses to sign with a revoked key)
    minute = dt.timedelta(minutes=1)
    crl = revocation_list(cast, tmp_path / "ca", [(who.certificate, NOW + minute)], NOW)
    world = issued_meeting(tmp_path, cast, crl)
    world.ws.close()
    with zipfile.ZipFile(world.kit_path) as zf:
        (tmp_path / "roots-and-crl.pem").write_bytes(zf.read(TRUST_ROOTS_NAME))
        (tmp_path / "secretary.pem").write_bytes(zf.read(SECRETARY_NAME))
    run = subprocess.run(
        [
            "openssl",
            "verify",
            "-crl_check",
            "-CAfile",
            str(tmp_path / "roots-and-crl.pem"),  # the kit's member as OpenSSL's trust
            "-attime",
            str(int((NOW + HOUR).timestamp())),
            str(tmp_path / "secretary.pem"),
        ],
        capture_output=True,
        text=True,
    )
    assert (run.returncode != 0) is secretary_revoked
    assert ("certificate revoked" in run.stdout + run.stderr) is secretary_revoked
    if secretary_revoked:
        with pytest.raises(KitSignatureError, match="revoked on 2026-03-02 09:01 UTC"):
            open_kit(world.kit_path, cast.roots, NOW + HOUR)
    else:
        open_kit(world.kit_path, cast.roots, NOW + HOUR).close()


def test_the_builder_refuses_a_list_that_revokes_its_secretary(
    tmp_path: Path,
    cast: Cast,  # noqa: F811
) -> None:
    crl = revocation_list(cast, tmp_path / "ca", [(cast.secretary.certificate, NOW - HOUR)], NOW)
    with pytest.raises(KitBuildError, match="Your certificate was revoked on 2026-03-02 08:00"):
        issued_meeting(tmp_path, cast, crl)


def test_a_list_from_an_authority_the_reader_does_not_trust_is_ignored(
    tmp_path: Path,
    cast: Cast,  # noqa: F811
) -> None:
    record = tmp_path / "other-ca"
    record.mkdir()
    foreign = pki.sign_crl(cast.pki.other_ca, record, NOW)
    rubric = make_rubric()
    ws, packages, kit_path, key = setup_meeting_with_key(tmp_path, cast, rubric)
    import_packages(ws, cast.secretary, packages[:-1], meeting_key=key.key, actor="s", now=NOW)
    both = (cast.pki.ca.certificate, cast.pki.other_ca.certificate)
    update_trust(ws, TrustFile(both, (foreign,)), actor="s", now=NOW)
    issue_kit(ws, cast.secretary, kit_path, actor="s", now=NOW)
    ws.close()
    with open_kit(kit_path, cast.roots, NOW) as kit:
        assert kit.crls == ()  # it concerns no signer this reader accepts
    with open_kit(kit_path, list(both), NOW) as kit:
        assert kit.crls == (foreign,)


def _forged(cast: Cast) -> x509.CertificateRevocationList:  # noqa: F811
    """A list that names the meeting's CA as its issuer but was signed by another key."""
    return (
        x509.CertificateRevocationListBuilder()
        .issuer_name(cast.pki.ca.certificate.subject)
        .last_update(NOW - HOUR)
        .next_update(NOW + DAY)
        .sign(ec.generate_private_key(ec.SECP256R1()), hashes.SHA256())
    )


def test_a_forged_list_is_refused_by_the_builder_and_by_the_reader(
    tmp_path: Path,
    cast: Cast,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rubric = make_rubric()
    ws, packages, kit_path, key = setup_meeting_with_key(tmp_path, cast, rubric)
    import_packages(ws, cast.secretary, packages[:-1], meeting_key=key.key, actor="s", now=NOW)
    forged = _forged(cast)
    # the trust update reads a trust file through load_trust_file, which refuses it too
    trust = tmp_path / "trust.pem"
    trust.write_bytes(pki.trust_bytes(cast.roots, [forged]))
    with pytest.raises(pki.TrustStoreError, match="none of its roots signed"):
        pki.load_trust_file(trust, NOW)
    # as if the workspace held it: the kit builder applies the trust-file rules itself
    monkeypatch.setattr("app.secretary.kit.meeting_crls", lambda setup, now: (forged,))
    with pytest.raises(KitBuildError, match="none of its roots signed"):
        issue_kit(ws, cast.secretary, kit_path, actor="s", now=NOW)
    assert not kit_path.exists()
    # a kit that carries one anyway (a writer without the check) is refused whole
    monkeypatch.setattr(builder, "trust_data", lambda data, now, source: None)
    issue_kit(ws, cast.secretary, kit_path, actor="s", now=NOW)
    ws.close()
    with pytest.raises(KitContentError, match="none of its roots signed"):
        open_kit(kit_path, cast.roots, NOW)


def test_a_list_out_of_date_when_the_kit_is_opened_refuses_the_kit(
    tmp_path: Path,
    cast: Cast,  # noqa: F811
) -> None:
    record = tmp_path / "ca"
    record.mkdir()
    short = pki.sign_crl(cast.pki.ca, record, NOW, validity=DAY)
    world = issued_meeting(tmp_path, cast, short)
    world.ws.close()
    with pytest.raises(KitContentError, match="out of date since 2026-03-03 09:00 UTC"):
        open_kit(world.kit_path, cast.roots, NOW + 2 * DAY)
    assert short.public_bytes(Encoding.PEM) in (world.kit_path.read_bytes())


def test_kit_verify_names_the_lists_the_kit_carries_and_refuses_a_lapsed_one(
    tmp_path: Path,
    cast: Cast,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    from app.cli import main

    now = dt.datetime.now(dt.UTC)  # the CLI's clock; the test certificates are valid then
    crl = revocation_list(cast, tmp_path / "ca", [(cast.stranger.certificate, now - HOUR)], now)
    fresh = issued_meeting(tmp_path / "fresh", cast, crl, at=now)
    fresh.ws.close()
    roots = str(cast.pki.root_pem)
    assert main(["kit", "verify", str(fresh.kit_path), "--trust", roots]) == 0
    until = now + dt.timedelta(days=pki.DEFAULT_CRL_VALIDITY_DAYS)
    assert (
        f"revocation list from 评审测试根CA: 1 revoked, valid until "
        f"{until.strftime('%Y-%m-%d %H:%M UTC')}" in capsys.readouterr().out
    )
    old = revocation_list(cast, tmp_path / "ca-old", [], NOW)  # lapsed by now
    stale = issued_meeting(tmp_path / "stale", cast, old)
    stale.ws.close()
    assert main(["kit", "verify", str(stale.kit_path), "--trust", roots]) == 2
    assert "out of date since 2026-04-01 09:00 UTC" in capsys.readouterr().err
