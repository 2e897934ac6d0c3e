"""Revocation in the secretary's workspace: the trust file's CRLs are stored at ``init``,
replaced by ``secretary trust`` (never weakened), and applied to the sheet files collected and
the packages imported (a revoked signer refused with the date); the issued kit carries them."""

from __future__ import annotations

import datetime as dt
import subprocess
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding

from app.cli import main
from app.crypto import pki
from app.crypto.identity import Identity, serialize_pkcs12
from app.crypto.pki import TrustFile, TrustStoreError
from app.errors import ValidationError
from app.kit.manifest import TRUST_ROOTS_NAME
from app.kit.reader import open_kit
from app.secretary import collect
from app.secretary import setup as sec_setup
from app.secretary.errors import SheetImportRefused
from app.secretary.packages import PackageOutcome, import_packages
from app.secretary.trust import TRUST_ACTION, meeting_crls, update_trust
from storage.stores import SqliteStores
from tests.app.crypto.pki_fixtures import NOW
from tests.app.secretary.helpers import (
    Cast,
    setup_meeting_with_key,
)
from tests.app.secretary.revocation_world import HOUR, hand_in, issued_meeting, revocation_list
from tests.app.sheets.factory import make_rubric


def test_a_revoked_experts_sheet_file_is_refused_once_the_trust_file_carries_the_list(
    tmp_path: Path, cast: Cast
) -> None:
    world = issued_meeting(tmp_path, cast, None)
    revoked_file = hand_in(world, cast, "e02")
    kept_file = hand_in(world, cast, "e01")
    stamp = NOW - HOUR / 2
    crl = revocation_list(cast, tmp_path / "ca", [(cast.experts[1].certificate, stamp)], NOW)
    before = world.ws.dump()
    # without the list (what the workspace held before) the file would have been accepted;
    # the update is one audited step
    outcome = update_trust(world.ws, TrustFile(tuple(cast.roots), (crl,)), actor="s", now=NOW)
    assert outcome.changed and outcome.lists[0][1] == 1
    assert world.ws.dump() != before
    assert meeting_crls(world.ws.setup(), NOW) == (crl,)
    assert world.ws.verify_audit().ok
    with pytest.raises(SheetImportRefused, match="revoked on 2026-03-02 08:30 UTC") as caught:
        collect.import_sheet_file(world.ws, cast.secretary, revoked_file, actor="s", now=NOW)
    assert "王芳" in str(caught.value)
    after_update = world.ws.dump()
    outcomes = collect.import_sheet_files(
        world.ws, cast.secretary, [revoked_file, kept_file], actor="s", now=NOW
    )
    assert [o.refusal is None for o in outcomes] == [False, True]  # the others still collect
    assert world.ws.dump() != after_update
    world.ws.close()


@pytest.mark.tool("openssl")
def test_the_issued_kit_carries_the_list_and_openssl_reads_it(tmp_path: Path, cast: Cast) -> None:
    crl = revocation_list(cast, tmp_path / "ca", [(cast.stranger.certificate, NOW - HOUR)], NOW)
    world = issued_meeting(tmp_path, cast, crl)
    world.ws.close()
    with zipfile.ZipFile(world.kit_path) as zf:
        member = zf.read(TRUST_ROOTS_NAME)
    assert member == pki.trust_bytes(cast.roots, [crl])
    with open_kit(world.kit_path, cast.roots, NOW) as kit:
        assert kit.crls == (crl,)
        assert [c.fingerprint(hashes.SHA256()) for c in kit.trust_roots] == [
            cast.pki.ca.certificate.fingerprint(hashes.SHA256())
        ]
    block = tmp_path / "crl.pem"
    block.write_bytes(crl.public_bytes(Encoding.PEM))
    run = subprocess.run(
        ["openssl", "crl", "-in", str(block), "-noout", "-text"],
        capture_output=True,
        text=True,
        check=True,
    )
    serial = format(cast.stranger.certificate.serial_number, "X")
    assert serial in run.stdout.replace(":", "").upper()


def test_a_package_from_a_revoked_issuer_is_refused_with_the_date(
    tmp_path: Path, cast: Cast
) -> None:
    rubric = make_rubric()
    ws, packages, _kit, key = setup_meeting_with_key(tmp_path, cast, rubric)
    crl = revocation_list(cast, tmp_path / "ca", [(cast.issuer.certificate, NOW - HOUR)], NOW)
    update_trust(ws, TrustFile(tuple(cast.roots), (crl,)), actor="s", now=NOW)
    results = import_packages(
        ws, cast.secretary, packages[:1], meeting_key=key.key, actor="s", now=NOW
    )
    assert results[0].outcome is PackageOutcome.REFUSED
    assert "revoked on 2026-03-02 08:00 UTC" in str(results[0].message)
    ws.close()


def test_an_update_that_would_weaken_the_trust_is_refused_and_changes_nothing(
    tmp_path: Path, cast: Cast
) -> None:
    rubric = make_rubric()
    ws, _packages, _kit, _key = setup_meeting_with_key(tmp_path, cast, rubric)
    first = revocation_list(cast, tmp_path / "ca", [], NOW - HOUR)
    newer = pki.sign_crl(cast.pki.ca, tmp_path / "ca", NOW)
    entries = ws.verify_audit().count
    update_trust(ws, TrustFile(tuple(cast.roots), (newer,)), actor="s", now=NOW)
    before = ws.dump()
    other = cast.pki.other_ca.certificate
    cases = [
        (TrustFile((other,), ()), "does not hold 评审测试根CA, which issued the certificate"),
        (TrustFile(tuple(cast.roots), ()), "has no revocation list from 评审测试根CA"),
        (TrustFile(tuple(cast.roots), (first,)), "older than the meeting's"),
    ]
    for trust, reason in cases:
        with pytest.raises(ValidationError, match=reason):
            update_trust(ws, trust, actor="s", now=NOW)
        assert ws.dump() == before
    same = update_trust(ws, TrustFile(tuple(cast.roots), (newer,)), actor="s", now=NOW)
    assert not same.changed and ws.dump() == before
    assert ws.verify_audit().count == entries + 1  # one audited update, nothing for the rest
    assert TRUST_ACTION in repr(before)
    # a stored list past its nextUpdate stops the verifications, saying how to update it
    late = NOW + dt.timedelta(days=pki.DEFAULT_CRL_VALIDITY_DAYS + 1)
    with pytest.raises(TrustStoreError, match="out of date since") as caught:
        meeting_crls(ws.setup(), late)
    assert "review-desk secretary trust" in str(caught.value.rec)
    ws.close()


def test_init_stores_the_lists_and_the_cli_update_then_refuses_the_revoked_expert(
    tmp_path: Path, cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    now = dt.datetime.now(dt.UTC)  # the CLI's clock
    world = issued_meeting(tmp_path, cast, None)
    world.ws.close()
    revoked_file = hand_in(world, cast, "e03")
    p12 = tmp_path / "secretary.p12"
    identity: Identity = cast.secretary
    p12.write_bytes(
        serialize_pkcs12(identity.signing_key, identity.certificate, identity.chain, b"pw")
    )
    (tmp_path / "pass").write_bytes(b"pw")
    when = now - HOUR
    crl = revocation_list(cast, tmp_path / "ca", [(cast.experts[2].certificate, when)], now)
    trust = tmp_path / "trust.pem"
    trust.write_bytes(pki.trust_bytes(cast.roots, [crl]))
    d = str(world.ws.path.parent)
    capsys.readouterr()
    assert main(["secretary", "trust", "--dir", d, "--trust", str(trust)]) == 0
    out = capsys.readouterr().out
    assert "revocation lists: 1" in out and "1 revoked" in out
    ident = ["--identity", str(p12), "--passphrase-file", str(tmp_path / "pass")]
    assert main(["secretary", "import-sheets", "--dir", d, *ident, str(revoked_file)]) == 1
    assert f"revoked on {when.strftime('%Y-%m-%d %H:%M UTC')}" in capsys.readouterr().out
    # a new workspace made from the same trust file keeps its lists from the start
    second = tmp_path / "second"
    meeting_file = "resources/demo/meeting.json"
    args = ["secretary", "init", "--dir", str(second), "--meeting", meeting_file]
    assert main([*args, "--trust", str(trust), *ident]) == 0
    with sec_setup.open_workspace(SqliteStores(), second) as ws:
        assert meeting_crls(ws.setup(), now) == (crl,)
