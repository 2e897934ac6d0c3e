"""``review-desk ministry decide|close|announce|export`` end to end on a real database, with
the officer's real PKCS#12 file: a refusal exits 2 with its message and changes nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.cli import main
from app.crypto.identity import serialize_pkcs12
from app.ministry.importing import import_bundle
from app.results import build_bundle
from storage.ministry.database import MinistryDatabase
from tests.app.crypto.pki_fixtures import shared_pki
from tests.app.ministry.bundles import snapshot
from tests.app.results.factory import SIGNED_AT, VERIFY_AT, make_scenario

M = "m-2026-ai-01"


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    scenario = make_scenario(shared_pki(tmp_path_factory))
    base = tmp_path_factory.mktemp("cli")
    build_bundle(scenario.bundle_input(), scenario.secretary, base / "v1", SIGNED_AT)
    db = base / "ministry.db"
    import_bundle(MinistryDatabase(db), base / "v1", scenario.roots, VERIFY_AT, documents=None)
    officer = scenario.ministry
    p12 = base / "officer.p12"
    p12.write_bytes(
        serialize_pkcs12(officer.signing_key, officer.certificate, officer.chain, b"officer-pass")
    )
    (base / "pass").write_text("officer-pass\n")
    return db, ["--identity", str(p12), "--passphrase-file", str(base / "pass")]


def _decide(db: Path, signing: list[str], *extra: str) -> int:
    return main(
        [
            "--lang", "en", "ministry", "decide", "--db", str(db), *signing,
            "--meeting", M, "--application", "a1", "--decision", "confirm",
            "--reason", "符合总体布局", *extra,
        ]
    )  # fmt: skip


def test_decide_close_announce_export(
    setup: tuple[Path, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, signing = setup
    assert _decide(db, signing, "--expect-version", "0") == 0
    assert "Recorded decision version 1 on application a1" in capsys.readouterr().out

    before = snapshot(db)
    assert _decide(db, signing, "--expect-version", "0") == 2
    err = capsys.readouterr().err
    assert "since you opened it" in err and "version 1" in err
    assert snapshot(db) == before

    assert main(["--lang", "en", "ministry", "close", "--db", str(db), *signing]) == 0
    assert "Closed batch 1: 1 decisions, 1 confirmed." in capsys.readouterr().out

    pdf, xlsx = tmp_path / "notice.pdf", tmp_path / "notice.xlsx"
    args = ["ministry", "announce", "--db", str(db), *signing, "--pdf", str(pdf)]
    args += ["--xlsx", str(xlsx), "--issuer", "科学技术部", "--objection-days", "10"]
    assert main(["--lang", "en", *args, "--lang", "zh_CN"]) == 0
    assert "1 confirmed platforms of batch 1" in capsys.readouterr().out
    assert pdf.read_bytes().startswith(b"%PDF") and b"/ByteRange" in pdf.read_bytes()
    ws = load_workbook(io.BytesIO(xlsx.read_bytes())).active
    assert ws is not None and ws.cell(2, 2).value == "平台名称"

    register = tmp_path / "register.xlsx"
    assert (
        main(["--lang", "en", "ministry", "export", "--db", str(db), "--xlsx", str(register)]) == 0
    )
    assert "3 applications written" in capsys.readouterr().out
    assert load_workbook(register).sheetnames[0] == "Register"


def test_a_missing_database_is_refused_and_not_created(
    setup: tuple[Path, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _db, signing = setup
    missing = tmp_path / "none.db"
    assert _decide(missing, signing) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not missing.exists()


def test_the_ministry_parser_lists_its_actions(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--lang", "en", "ministry", "--help"])
    out = capsys.readouterr().out
    for action in ("decide", "close", "announce", "export"):
        assert action in out
