"""``review-desk results``: verify, import (and the replay outcomes), export - end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main
from app.crypto.identity import serialize_pkcs12
from app.results import build_bundle
from tests.app.crypto.pki_fixtures import shared_pki
from tests.app.results.craft import recraft
from tests.app.results.documents import with_documents
from tests.app.results.factory import SIGNED_AT, Scenario, make_scenario


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Scenario, Path]:
    scenario = make_scenario(shared_pki(tmp_path_factory))
    base = tmp_path_factory.mktemp("cli-results")
    v1 = with_documents(scenario)
    build_bundle(v1, scenario.secretary, base / "v1.oibundle", SIGNED_AT)
    build_bundle(v1, scenario.secretary, base / "v1b.oibundle", SIGNED_AT)
    build_bundle(
        with_documents(scenario, bundle_version=2),
        scenario.secretary,
        base / "v2.oibundle",
        SIGNED_AT,
        ministry_recipient=scenario.ministry.certificate,
    )
    ministry = scenario.ministry
    (base / "ministry.p12").write_bytes(
        serialize_pkcs12(ministry.signing_key, ministry.certificate, ministry.chain, b"m-secret")
    )
    (base / "ministry.pass").write_bytes(b"m-secret\n")
    return scenario, base


def test_verify_prints_every_stage(
    setup: tuple[Scenario, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    scenario, base = setup
    root = str(scenario.pki.root_pem)
    assert (
        main(["--lang", "en", "results", "verify", str(base / "v1.oibundle"), "--trust", root]) == 0
    )
    out = capsys.readouterr().out
    assert out.count("OK") == 11 and "Results hash" in out
    assert scenario.experts["e02"].fingerprint in out
    bad = base / "bad.oibundle"
    bad.write_bytes(recraft((base / "v1.oibundle").read_bytes(), scenario.experts["e01"]))
    assert main(["--lang", "en", "results", "verify", str(bad), "--trust", root]) == 3
    out = capsys.readouterr().out
    assert "REFUSED" in out and "not checked" in out


def test_import_replay_and_export(
    setup: tuple[Scenario, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    scenario, base = setup
    root = str(scenario.pki.root_pem)
    db = str(tmp_path / "ministry.db")
    v1, v2 = str(base / "v1.oibundle"), str(base / "v2.oibundle")
    key = [
        "--identity",
        str(base / "ministry.p12"),
        "--passphrase-file",
        str(base / "ministry.pass"),
    ]
    assert main(["--lang", "en", "results", "import", v1, "--db", db, "--trust", root]) == 0
    assert "Imported bundle version 1" in capsys.readouterr().out
    assert main(["--lang", "en", "results", "import", v1, "--db", db, "--trust", root]) == 0
    assert "already imported" in capsys.readouterr().out
    assert main(["--lang", "en", "results", "import", v2, "--db", db, "--trust", root, *key]) == 0
    assert "replaces version 1" in capsys.readouterr().out
    assert main(["--lang", "en", "results", "import", v1, "--db", db, "--trust", root]) == 0
    assert "already imported" in capsys.readouterr().out  # that very bundle: a no-op
    v1b = str(base / "v1b.oibundle")
    assert main(["--lang", "en", "results", "import", v1b, "--db", db, "--trust", root]) == 3
    assert "older" in capsys.readouterr().out
    xlsx = str(tmp_path / "out.xlsx")
    assert main(["--lang", "en", "results", "export", "--db", db, "--xlsx", xlsx]) == 0
    assert "3 applications" in capsys.readouterr().out


def test_verify_applies_the_crls_of_the_trust_file(
    setup: tuple[Scenario, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from datetime import UTC, datetime

    from cryptography.hazmat.primitives.serialization import Encoding

    from app.crypto import pki

    scenario, base = setup
    now = datetime.now(UTC)
    pki.revoke(scenario.pki.ca, tmp_path, scenario.experts["e02"].certificate, now)
    crl = pki.sign_crl(scenario.pki.ca, tmp_path, now)
    trust = tmp_path / "roots.pem"
    trust.write_bytes(scenario.pki.root_pem.read_bytes() + crl.public_bytes(Encoding.PEM))
    bundle = str(base / "v1.oibundle")
    assert main(["--lang", "en", "results", "verify", bundle, "--trust", str(trust)]) == 3
    out = capsys.readouterr().out
    assert "REFUSED" in out and "the certificate was revoked on" in out
