"""``review-desk demo --no-gui --dir DIR --complete``: the demo meeting played to the end,
and outside tools accept the official outputs (poppler, LibreOffice, our bundle verifier)."""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from app.cli import main
from app.demo.meeting import load_demo
from app.demo.outcome import SAMPLE_SHEETS, load_sample_meeting
from app.errors import ValidationError

pytestmark = pytest.mark.no_network  # M19: the meeting runs under the socket guard

TITLE_ZH = "2026 年国家新一代人工智能开放创新平台综合评审会"


@dataclass(frozen=True)
class Run:
    directory: Path
    output: str
    report: Path
    workbook: Path
    bundle: Path


def _cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(["--lang", "en", *argv])
    return code, out.getvalue()


def _printed(output: str, label: str) -> Path:
    match = re.search(rf"^{re.escape(label)}: (.+)$", output, re.MULTILINE)
    assert match, output
    return Path(match.group(1))


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    directory = tmp_path_factory.mktemp("demo-complete")
    code, output = _cli("demo", "--no-gui", "--dir", str(directory), "--complete")
    assert code == 0, output
    return Run(
        directory,
        output,
        _printed(output, "Signed report (chair, then secretary)"),
        _printed(output, "Workbook"),
        _printed(output, "Signed result bundle"),
    )


def _tool(*args: str | Path) -> str:
    return subprocess.run(
        [str(a) for a in args], check=True, capture_output=True, text=True, timeout=180
    ).stdout


def test_the_outputs_are_written_into_the_demo_folder(run: Run) -> None:
    for path in (run.report, run.workbook, run.bundle):
        assert path.is_file() and path.parent == run.directory.resolve()
    assert "Scores too far apart (dispersion flag): a03" in run.output
    assert (run.directory / "trust-roots.pem").is_file()


@pytest.mark.tool("pdfsig")
def test_pdfsig_reports_two_valid_signatures_chair_first(run: Run) -> None:
    out = _tool("pdfsig", "-nocert", run.report)
    assert out.count("Signature is Valid") == 2, out
    assert out.index("ChairSig") < out.index("SecretarySig")
    assert "Signer Certificate Common Name: 周明远" in out


@pytest.mark.tool("pdffonts")
def test_every_font_is_embedded(run: Run) -> None:
    rows = _tool("pdffonts", run.report).splitlines()[2:]
    assert rows
    for row in rows:
        assert row.split()[-5] == "yes", row  # the "emb" column


@pytest.mark.tool("pdftotext")
def test_the_report_text_is_chinese_and_marked_as_demo(run: Run) -> None:
    text = _tool("pdftotext", run.report, "-")
    assert TITLE_ZH in text
    assert "示例" in text and "虚构" in text


def _verify(bundle: Path, run: Run) -> tuple[int, str]:
    return _cli("results", "verify", str(bundle), "--trust", str(run.directory / "trust-roots.pem"))


@pytest.mark.tool("pdftotext")
def test_the_bundle_verifies_and_its_results_hash_is_the_one_the_report_prints(run: Run) -> None:
    code, out = _verify(run.bundle, run)
    assert code == 0, out
    bundle_hash = re.search(r"Results hash: ([0-9a-f]{64})", out)
    assert bundle_hash, out
    printed = re.search(r"结果 SHA-256\s+([0-9a-f]{64})", _tool("pdftotext", run.report, "-"))
    assert printed and printed.group(1) == bundle_hash.group(1)
    assert f"Results SHA-256 (printed in the report): {printed.group(1)}" in run.output
    assert "41 signed sheets, 1 recusals" in out


def test_a_tampered_bundle_is_refused(run: Run, tmp_path: Path) -> None:
    data = bytearray(run.bundle.read_bytes())
    data[len(data) // 2] ^= 0x01
    bad = tmp_path / "tampered.oibundle"
    bad.write_bytes(bytes(data))
    code, out = _verify(bad, run)
    assert code != 0, out


def test_the_workbook_is_marked_as_demo(run: Run) -> None:
    wb = openpyxl.load_workbook(run.workbook)
    header = [c.value for c in next(wb.worksheets[0].iter_rows(max_row=1))]
    assert any(isinstance(v, str) and "示例" in v for v in header)
    assert wb.properties.keywords == "DEMO 示例"


@pytest.mark.tool("soffice")
def test_libreoffice_opens_the_workbook(run: Run, tmp_path: Path) -> None:
    result = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "csv",
            "--outdir",
            str(tmp_path / "out"),
            str(run.workbook),
        ],
        capture_output=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    converted = list((tmp_path / "out").glob("*.csv"))
    assert converted and converted[0].stat().st_size > 0


def test_a_second_run_keeps_the_outputs(run: Run) -> None:
    before = run.bundle.read_bytes()
    code, out = _cli("demo", "--no-gui", "--dir", str(run.directory), "--complete")
    assert code == 0, out
    assert "already complete" in out
    assert run.bundle.read_bytes() == before


def test_the_sample_sheets_are_read_strictly(tmp_path: Path) -> None:
    meeting, rubric = load_demo()
    sample = load_sample_meeting(meeting, rubric)
    assert len(sample.sheets) == 41 and len(sample.recusals) == 1
    doc = json.loads(SAMPLE_SHEETS.read_text(encoding="utf-8"))
    doc["sheets"].pop()
    broken = tmp_path / "missing.json"
    broken.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ValidationError):
        load_sample_meeting(meeting, rubric, broken)
    doc = json.loads(SAMPLE_SHEETS.read_text(encoding="utf-8"))
    doc["sheets"][0]["scores"]["concept_logic"] = 21.5
    broken.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ValidationError):
        load_sample_meeting(meeting, rubric, broken)


@pytest.mark.tool("pdfsig")
def test_secretary_publish_from_the_finished_demo_folder(run: Run, tmp_path: Path) -> None:
    """Issue 11 "done": the real publish command on the demo's secretary folder writes a
    report with two valid signatures, a workbook, and a bundle encrypted to the ministry
    that ``results verify`` accepts with the ministry's identity (bundle version 2: the demo
    itself published version 1 through the same sequence)."""
    import datetime as dt

    from app.crypto import pki
    from app.crypto.profile import Role
    from app.demo.build import DEMO_CA_PASSPHRASE, DEMO_SECRETARY_PASSPHRASE, expert_passphrase

    ministry_p12 = tmp_path / "ministry.p12"
    cert = pki.issue(
        run.directory / "ca", DEMO_CA_PASSPHRASE.encode(), Role.MINISTRY, "示例主管部门",
        "DEMO 示例", ministry_p12, b"ministry pass", dt.datetime.now(dt.UTC),
    )  # fmt: skip
    from cryptography.hazmat.primitives.serialization import Encoding

    (tmp_path / "ministry.pem").write_bytes(cert.public_bytes(Encoding.PEM))
    for name, secret in (
        ("secretary", DEMO_SECRETARY_PASSPHRASE),
        ("chair", expert_passphrase("e01")),
        ("ministry", "ministry pass"),
    ):
        (tmp_path / f"{name}.pass").write_text(secret)
    out = tmp_path / "outputs"
    out.mkdir()
    identities = run.directory / "identities"
    code, output = _cli(
        "secretary", "publish", "--dir", str(run.directory / "complete-meeting" / "secretary"),
        "--identity", str(identities / "secretary.p12"),
        "--passphrase-file", str(tmp_path / "secretary.pass"),
        "--chair-identity", str(identities / "expert-e01.p12"),
        "--chair-passphrase-file", str(tmp_path / "chair.pass"),
        "--out", str(out), "--ministry-recipient", str(tmp_path / "ministry.pem"),
    )  # fmt: skip
    assert code == 0, output
    report = _printed(output, "Signed report (chair, then secretary)")
    bundle = _printed(output, "Result bundle (encrypted to the ministry)")
    assert _printed(output, "Workbook").is_file()
    assert "(version 2)" in output
    checked = _tool("pdfsig", "-nocert", report)
    assert checked.count("Signature is Valid") == 2, checked
    assert checked.index("ChairSig") < checked.index("SecretarySig")
    code, verified = _cli(
        "results", "verify", str(bundle), "--trust", str(run.directory / "trust-roots.pem"),
        "--identity", str(ministry_p12), "--passphrase-file", str(tmp_path / "ministry.pass"),
    )  # fmt: skip
    assert code == 0, verified


def _form_snippets() -> list[bytes]:
    """A distinctive piece of every form section body of the demo, in both languages."""
    meeting, _ = load_demo()
    snippets = []
    for application in meeting.applications:
        for part in application.form:
            for section in part.sections:
                for text in (section.body.en, section.body.zh_CN):
                    snippets.append(text[10:50].encode("utf-8"))
    return snippets


def _contents(path: Path) -> list[tuple[str, bytes]]:
    """The file's bytes and, for a ZIP (kit, workbook, bundle), every member decompressed."""
    import zipfile

    found = [(str(path), path.read_bytes())]
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            found += [(f"{path}!{i.filename}", archive.read(i)) for i in archive.infolist()]
    return found


def test_no_form_text_in_any_file_of_the_finished_meeting(run: Run) -> None:
    """Issue 12 (M14/M15 for forms): every file the complete demo wrote - workspaces with
    their -wal/-shm, kit, packages, sheet files, report, workbook, bundle - holds no piece of
    any form section; the forms are only inside the encrypted packages."""
    snippets = _form_snippets()
    assert len(snippets) == 6 * 15 * 2
    files = [p for p in run.directory.rglob("*") if p.is_file()]
    assert any(p.name.endswith(".sqlite") for p in files) and any(
        p.suffix == ".oikit" for p in files
    )
    hits = [
        (where, s.decode("utf-8"))
        for path in files
        for where, data in _contents(path)
        for s in snippets
        if s in data
    ]
    assert hits == []


def test_the_publication_records_name_the_outputs_where_they_are(run: Run) -> None:
    """What the secretary's Outputs page lists as earlier publications are the files the
    demo left, not its staging folder."""
    from app.demo.complete import MEETING_DIR
    from app.secretary.publish_log import FolderPublicationLog

    log = FolderPublicationLog(run.directory / MEETING_DIR / "secretary" / "publish")
    published = log.publications()[0]  # a later test may publish again from this folder
    assert [Path(published.report), Path(published.workbook), Path(published.bundle)] == [
        run.report,
        run.workbook,
        run.bundle,
    ]
