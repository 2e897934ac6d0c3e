"""Revocation reaches the report to sign: the chair's machine (the lists of its trust file
or of the kit) and the secretary taking the signed file back (the workspace's lists) refuse
inputs signed by a revoked expert, with the date, and change nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from cryptography import x509

from app.crypto import pki
from tests.app.crypto.pki_fixtures import PkiFixture
from tests.app.secretary.publish_world import World, cli, publish_world
from tests.app.secretary.test_publish_refusals import _import, _prepare, _secretary, _sign


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, pkiset: PkiFixture) -> World:
    return publish_world(tmp_path_factory, pkiset)


def _trust_revoking(world: World, pkiset: PkiFixture, expert: str, folder: Path) -> Path:
    """The meeting's trust file plus the CA's list revoking ``expert`` a minute ago."""
    now = dt.datetime.now(dt.UTC)
    records = folder / "ca-records"
    records.mkdir()
    certificate = world.identity(world.expert_p12[expert]).certificate
    pki.revoke(pkiset.ca, records, certificate, now - dt.timedelta(minutes=1))
    crl = pki.sign_crl(pkiset.ca, records, now)
    roots = x509.load_pem_x509_certificates(world.trust.read_bytes())
    trust = folder / "trust-with-list.pem"
    trust.write_bytes(pki.trust_bytes(roots, [crl]))
    return trust


def test_the_chair_refuses_inputs_signed_by_a_revoked_expert(
    world: World, pkiset: PkiFixture, tmp_path: Path
) -> None:
    folder = world.copy(world.ready, tmp_path)
    oireport = tmp_path / "report.oireport"
    _prepare(world, folder, oireport)
    before = oireport.read_bytes()
    trust = _trust_revoking(world, pkiset, "e02", tmp_path)
    code, out = cli(
        "report", "sign", str(oireport), "--identity", str(world.chair_p12),
        "--passphrase-file", str(world.passphrase), "--trust", str(trust),
    )  # fmt: skip
    assert code != 0 and "revoked on" in out, out
    assert oireport.read_bytes() == before  # nothing signed, nothing written
    code, out = _sign(world, oireport)  # the chair's own CA, no list: signs (the control)
    assert code == 0, out


def test_the_secretary_refuses_the_signed_file_once_its_trust_file_revokes_an_expert(
    world: World, pkiset: PkiFixture, tmp_path: Path
) -> None:
    folder = world.copy(world.ready, tmp_path)
    oireport = tmp_path / "report.oireport"
    _prepare(world, folder, oireport)
    assert _sign(world, oireport)[0] == 0
    trust = _trust_revoking(world, pkiset, "e03", tmp_path)
    code, out = cli("secretary", "trust", "--dir", str(folder), "--trust", str(trust))
    assert code == 0, out
    code, out = _import(world, folder, oireport)
    assert code != 0 and "revoked on" in out, out
    assert not (folder / "publish" / "chair-signed.oireport").exists()
    code, out = cli(
        "secretary", "bundle", "--dir", str(folder), *_secretary(world),
        "--out", str(tmp_path),
    )  # fmt: skip
    assert code == 2 and "No chair-signed report has been imported" in out


def test_publishing_stops_when_an_experts_certificate_was_revoked_after_collection(
    world: World, pkiset: PkiFixture, tmp_path: Path
) -> None:
    folder = world.copy(world.ready, tmp_path)
    trust = _trust_revoking(world, pkiset, "e02", tmp_path)
    code, out = cli("secretary", "trust", "--dir", str(folder), "--trust", str(trust))
    assert code == 0, out
    oireport = tmp_path / "report.oireport"
    code, out = cli(
        "secretary", "prepare-report", "--dir", str(folder), *_secretary(world),
        "--out", str(oireport),
    )  # fmt: skip
    assert code == 2 and "is not accepted" in out and "revoked on" in out, out
    assert "Nothing was published" in out and not oireport.exists()


def test_no_report_to_sign_is_encrypted_to_a_chair_revoked_since_enrolment(
    world: World, pkiset: PkiFixture, tmp_path: Path
) -> None:
    """Prepared while the chair was trusted; the chair revoked before the file is written: the
    secretary writes nothing encrypted to that key (the date in the refusal)."""
    from app.cli import publish_exporters
    from app.crypto.cms import SignerRevokedError
    from app.crypto.pki import load_trust_file
    from app.secretary.publish import prepare_report, write_report_to_sign
    from app.secretary.setup import open_unlocked
    from app.secretary.trust import update_trust
    from storage.stores import SqliteStores

    folder = world.copy(world.ready, tmp_path)
    trust = load_trust_file(
        _trust_revoking(world, pkiset, "e01", tmp_path), dt.datetime.now(dt.UTC)
    )
    secretary = world.identity(world.secretary_p12)
    oireport = tmp_path / "report.oireport"
    now = dt.datetime.now(dt.UTC)
    with open_unlocked(SqliteStores(), folder, secretary, actor="secretary", now=now) as ws:
        prepared = prepare_report(ws, secretary, publish_exporters(), now, bundle_version=1)
        update_trust(ws, trust, actor="secretary", now=now)
        with pytest.raises(SignerRevokedError, match="revoked on"):
            write_report_to_sign(ws, prepared, secretary, oireport, now)
    assert not oireport.exists()
