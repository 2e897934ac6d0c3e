"""``review-desk secretary``: a small meeting run from the command line end to end."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from app.cli import main
from app.crypto import pki
from app.crypto.age_keys import parse_recipient
from app.crypto.identity import load_identity
from app.crypto.profile import Role
from app.formats.rubric_file import load_default_rubric
from app.package import build_package, recipient_for_certificate
from app.secretary.setup import open_workspace
from storage.stores import SqliteStores
from tests.app.crypto.pki_fixtures import CA_PASSPHRASE
from tests.app.secretary.helpers import Cast, application, expert_workspace, pem, score, sheet_file

PASS = b"secretary passphrase"


def test_a_meeting_from_the_command_line(
    tmp_path: Path, cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    now = dt.datetime.now(dt.UTC)
    p12 = tmp_path / "secretary.p12"
    pki.issue(cast.pki.ca_dir, CA_PASSPHRASE, Role.SECRETARY, "秘书", "科技部", p12, PASS, now)
    secretary = load_identity(p12.read_bytes(), PASS)
    (tmp_path / "pass").write_bytes(PASS)
    d = str(tmp_path / "meeting")
    ident = ["--identity", str(p12), "--passphrase-file", str(tmp_path / "pass")]
    meeting_file = "resources/demo/meeting.json"
    assert (
        main(
            [
                "secretary",
                "init",
                "--dir",
                d,
                "--meeting",
                meeting_file,
                "--trust",
                str(cast.pki.root_pem),
                *ident,
            ]
        )
        == 0
    )
    for i, expert in enumerate(cast.experts[:3]):
        cert = tmp_path / f"e{i}.pem"
        cert.write_bytes(pem(expert))
        args = ["secretary", "add-expert", "--dir", d, "--cert", str(cert), "--role", "overall"]
        assert main(args + (["--chair"] if i == 0 else [])) == 0
    capsys.readouterr()
    assert main(["secretary", "meeting-key", "--dir", d]) == 0
    out = capsys.readouterr().out
    recipient = out.strip().splitlines()[-1].split()[-1]
    (tmp_path / "meeting-pass").write_text(out.strip().splitlines()[0].split()[-1] + "\n")
    meeting_pass = ["--meeting-passphrase-file", str(tmp_path / "meeting-pass")]
    recipients = [recipient_for_certificate(e.certificate) for e in cast.experts[:3]]
    recipients += [recipient_for_certificate(secretary.certificate), parse_recipient(recipient)]
    files = []
    for app_id, tags in (
        ("a02", ["industrial visual inspection"]),
        ("a06", ["industrial visual inspection"]),
    ):
        out_file = tmp_path / f"{app_id}.oipkg"
        build_package(application(app_id, tags), [], cast.issuer, recipients, out_file, now)  # type: ignore[arg-type]
        files.append(str(out_file))
    # a package the meeting key cannot open is refused (the experts could not open it);
    # the others still import
    lost = tmp_path / "a07.oipkg"
    build_package(application("a07", ["x"]), [], cast.issuer, recipients[:-1], lost, now)  # type: ignore[arg-type]
    capsys.readouterr()
    args = ["secretary", "import-packages", "--dir", d, *ident, *meeting_pass]
    assert main([*args, *files, str(lost)]) == 1
    printed = capsys.readouterr().out
    assert "a07.oipkg: refused: it is not encrypted to this meeting's key" in printed
    assert recipient in printed and printed.count("verified and imported") == 2
    (tmp_path / "wrong-pass").write_text("0000-0000-0000-0000-0000-0000")
    wrong = ["--meeting-passphrase-file", str(tmp_path / "wrong-pass")]
    with open_workspace(SqliteStores(), Path(d)) as ws:
        before = ws.dump()
    assert main(["secretary", "import-packages", "--dir", d, *ident, *wrong, *files]) == 2
    assert "meeting passphrase is not correct" in capsys.readouterr().err
    with open_workspace(SqliteStores(), Path(d)) as ws:
        assert ws.dump() == before
    assert main(["secretary", "agenda", "--dir", d, "--order", "a06,a02", "--qa", "5"]) == 0
    assert (
        main(["secretary", "issue-kit", "--dir", d, *ident, "--out", str(tmp_path / "k.oikit")])
        == 0
    )
    with open_workspace(SqliteStores(), Path(d)) as ws:
        setup = ws.setup()
        assert setup.kit is not None
        meeting = ws.meeting(setup.header.meeting_id)
        kit_hash = setup.kit.kit_hash
    rubric = load_default_rubric()
    repo = expert_workspace(tmp_path / "expert.sqlite", meeting, rubric)
    sheets = []
    for expert in ("e01", "e02", "e03"):
        made = [score(repo, meeting, rubric, expert, a, ["20"] * 4, at=now) for a in ("a02", "a06")]
        sheets.append(
            str(
                sheet_file(
                    tmp_path / f"{expert}.oisheet",
                    cast,
                    meeting,
                    rubric,
                    kit_hash,
                    expert,
                    made,
                    secretary=secretary,
                    at=now,
                )
            )
        )
    repo.close()
    capsys.readouterr()
    assert main(["secretary", "import-sheets", "--dir", d, *ident, *sheets]) == 0
    # what the experts wrote is sealed to the secretary: the board needs their identity
    with pytest.raises(SystemExit) as exited:
        main(["secretary", "board", "--dir", d])
    assert exited.value.code == 2
    assert "--identity" in capsys.readouterr().err
    assert main(["secretary", "board", "--dir", d, *ident]) == 0
    assert "6 submitted, 0 recused, 0 missing." in capsys.readouterr().out
    assert main(["secretary", "consolidate", "--dir", d, *ident]) == 0
    out = capsys.readouterr().out
    assert "80.00" in out
    # the rule and the inputs, as the user guide promises: every expert's score per factor
    # and own total, then every figure with its explanation, then the ranking
    assert "Round 1. Consolidation rule:" in out
    assert "Trimmed mean: with at least 5 scores the highest and the lowest are dropped" in out
    assert "No dispersion limits: no figure is flagged." in out
    assert out.count("\t20\t20\t20\t20\t80\n") == 6  # 3 experts x 2 applications
    assert "Total: 80.00 — Trimmed mean needs at least 5 scores; 3 were counted" in out
    assert "Ranking:\n  1. a06 " in out
    assert main(["secretary", "overlap", "--dir", d]) == 0
    assert "a02 overlaps application a06" in capsys.readouterr().out
    assert main(["secretary", "open-round", "--dir", d, "--applications", "a02"]) == 0
    assert main(["secretary", "board", "--dir", d, *ident]) == 0
    assert "0 submitted, 0 recused, 3 missing." in capsys.readouterr().out
    assert main(["secretary", "open-round", "--dir", d, "--applications", "zz"]) == 2
