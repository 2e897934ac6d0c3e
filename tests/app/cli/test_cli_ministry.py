"""``review-desk ministry``: import several bundles (a folder and a file) with their stage
checklists, a refusal journaled, then the register, an application's detail, the flags
across meetings, the approved-platform list and ``audit verify`` on the same database."""

from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

import pytest

from app.cli import main
from app.results import build_bundle
from storage.ministry.database import MinistryDatabase
from storage.ministry.refusals import RefusalJournalFile
from tests.app.crypto.pki_fixtures import shared_pki
from tests.app.ministry.bundles import database_snapshot
from tests.app.results.craft import recraft
from tests.app.results.documents import with_documents
from tests.app.results.factory import SIGNED_AT, make_scenario

FIRST, SECOND = "m-2026-ai-01", "m-2026-ai-02"


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """A folder with two meetings' bundles (real reports), a refused bundle beside it, the
    trust roots."""
    pki = shared_pki(tmp_path_factory)
    base = tmp_path_factory.mktemp("cli-ministry")
    folder = base / "in"
    folder.mkdir()
    for meeting in (FIRST, SECOND):
        scenario = make_scenario(pki, meeting_id=meeting)
        build_bundle(
            with_documents(scenario), scenario.secretary, folder / f"{meeting}.oibundle", SIGNED_AT
        )
    bad = base / "resigned.oibundle"
    bad.write_bytes(recraft((folder / f"{FIRST}.oibundle").read_bytes(), scenario.experts["e01"]))
    return folder, bad, str(pki.root_pem)


@pytest.fixture(scope="module")
def imported(
    setup: tuple[Path, Path, str], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, int, str]:
    """The folder and the refused file imported once into a new database: the database, the
    exit status and what the command printed."""
    folder, bad, root = setup
    path = tmp_path_factory.mktemp("cli-ministry-db") / "ministry.db"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        args = ["ministry", "import", str(folder), str(bad), "--db", str(path)]
        code = main(["--lang", "en", *args, "--trust", root])
    return path, code, printed.getvalue()


@pytest.fixture
def db(imported: tuple[Path, int, str]) -> Path:
    return imported[0]


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["--lang", "en", "ministry", *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_import_prints_the_checklist_imports_and_journals_a_refusal(
    setup: tuple[Path, Path, str],
    imported: tuple[Path, int, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder, bad, root = setup
    path, code, out = imported
    assert code == 3
    assert out.count("OK") >= 22 and "REFUSED" in out and "not checked" in out
    assert f"Imported bundle version 1 of meeting {FIRST}." in out
    assert f"Imported bundle version 1 of meeting {SECOND}." in out
    assert "Refused: " in out and "3 bundles: 2 imported or already imported, 1 refused." in out
    journal = RefusalJournalFile.beside(path)
    held = len(journal.read().refusals)
    before = database_snapshot(path)
    code, out = _run(capsys, "import", str(bad), "--db", str(path), "--trust", root)
    assert code == 3 and database_snapshot(path) == before
    code, out = _run(capsys, "list", "--db", str(path), "--refusals")
    assert code == 0 and out.count("resigned.oibundle") == held + 1
    assert f"{held + 1} refusals" in out and "stage signature" in out
    first = str(folder / f"{FIRST}.oibundle")
    code, out = _run(capsys, "import", first, "--db", str(path), "--trust", root)
    assert code == 0 and "is already imported; nothing was changed." in out


def test_the_signed_report_is_kept(db: Path, setup: tuple[Path, Path, str]) -> None:
    from tests.app.results.craft import members_of

    folder, _bad, _root = setup
    bundle = members_of((folder / f"{FIRST}.oibundle").read_bytes())
    assert MinistryDatabase(db).report_pdf(FIRST) == bundle["report.pdf"]


def test_list_filters_the_register(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys, "list", "--db", str(db))
    assert code == 0 and "6 of 6 applications." in out and "Sub-domain" in out
    code, out = _run(capsys, "list", "--db", str(db), "--meeting", SECOND)
    assert "3 of 6 applications." in out and FIRST not in out
    rows = MinistryDatabase(db).application_rows()
    recommended = sum(r.outcome.value == "recommended" for r in rows)
    code, out = _run(capsys, "list", "--db", str(db), "--outcome", "recommended")
    assert f"{recommended} of 6 applications." in out
    tag = rows[0].sub_domain_tags[0]
    code, out = _run(capsys, "list", "--db", str(db), "--sub-domain", tag.upper())
    shown = sum(tag in r.sub_domain_tags for r in rows)
    assert f"{shown} of 6 applications." in out


def test_show_gives_figures_rule_panel_and_opinions(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _run(capsys, "show", "--db", str(db), "a2")
    assert code == 2 and "is in several meetings" in out and "--meeting" in out
    code, out = _run(capsys, "show", "--db", str(db), "a2", "--meeting", FIRST)
    assert code == 0
    for text in (
        "Rule applied:",
        "total",
        "Vote:",
        "Panel:",
        "(chair)",
        "a draft, not approved by the chair",
        "Minority opinion: 一位专家持保留意见",
        "The signed report is kept in the database.",
    ):
        assert text in out, text
    code, out = _run(capsys, "show", "--db", str(db), "a9")
    assert code == 2 and "No imported application a9" in out


def test_overlap_and_experts(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys, "overlap", "--db", str(db))
    assert code == 0
    # Both meetings hear the same three applicants of the demo, for the same sub-domains.
    assert "applies in 2 meetings" in out and "in different meetings" in out
    code, out = _run(capsys, "experts", "--db", str(db))
    assert code == 0 and "8 people." in out


def test_platforms_add_list_remove_and_audit_verify(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tag = MinistryDatabase(db).application_rows()[0].sub_domain_tags[0]
    add = [
        "platforms", "add", "--db", str(db),
        "--name-en", "Test platform", "--name-zh", "测试平台",
        "--unit-en", "Test unit", "--unit-zh", "测试单位",
        "--sub-domain-en", "Test sub-domain", "--sub-domain-zh", "测试子领域",
        "--tag", tag, "--year", "2024", "--reference", "TEST-1",
        "--reason", "test list", "--actor", "officer",
    ]  # fmt: skip
    code, out = _run(capsys, *add)
    assert code == 0 and "Added approved platform 1." in out
    code, out = _run(capsys, "overlap", "--db", str(db))
    assert "approved platform Test platform (Test unit, 2024) already covers" in out
    code, out = _run(capsys, "platforms", "remove", "--db", str(db), "1", "--reason", "typo")
    assert code == 0 and "Removed approved platform 1." in out and "typo" in out
    code, out = _run(capsys, "platforms", "remove", "--db", str(db), "1", "--reason", "again")
    assert code == 2 and "already removed" in out
    code, out = _run(capsys, "platforms", "list", "--db", str(db), "--all")
    assert code == 0 and "1 approved platforms." in out and "removed" in out
    code = main(["--lang", "en", "audit", "verify", "--db", str(db)])
    out = capsys.readouterr().out
    assert code == 0 and "the ministry database" in out and "OK: 4 entries" in out


def test_platforms_import_of_the_shipped_list_flags_an_overlap_once(
    imported: tuple[Path, int, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.ministry.model import Outcome, PlatformSource
    from app.secretary.overlap import load_approved_platforms

    path = tmp_path / "ministry.db"
    shutil.copyfile(imported[0], path)
    shipped = load_approved_platforms()
    meets = [
        (row, p)
        for row in MinistryDatabase(path).application_rows()
        if row.outcome is Outcome.RECOMMENDED
        for p in shipped
        if set(row.sub_domain_tags) & set(p.sub_domain_tags)
    ]
    assert meets, "the scenario's recommended applications share no tag with the shipped list"
    code, out = _run(capsys, "overlap", "--db", str(path))
    assert code == 0 and "already covers" not in out
    logged = _audit_entries(capsys, path)
    importing = ["platforms", "import", "--db", str(path), "--reason", "shipped list"]
    code, out = _run(capsys, *importing, "--actor", "officer")
    assert code == 0 and "approved_platforms.json" in out
    assert f"Added {len(shipped)} approved platforms from the list file (0 already listed)." in out
    assert f"{shipped[0].name.en} — —; — [" in out  # no entrusted unit, no sub-domain name
    entries = MinistryDatabase(path).approved_platforms()
    assert [e.platform.reference for e in entries] == [p.id for p in shipped]
    assert {(e.platform.source, e.added_by, e.added_reason) for e in entries} == {
        (PlatformSource.RESOURCE, "officer", "shipped list")
    }
    code, out = _run(capsys, "overlap", "--db", str(path))
    for row, platform in meets:
        assert (
            f"{row.meeting_id}/{row.application_id} ({row.platform_name.en}) is recommended "
            f"for a sub-domain"
        ) in out
        assert f"approved platform {platform.name.en} (—, {platform.approved_year})" in out
    before = database_snapshot(path)
    shipped_file = Path("resources/approved_platforms.json").resolve()
    code, out = _run(capsys, "platforms", "import", str(shipped_file), *importing[2:])
    assert code == 0 and database_snapshot(path) == before
    assert f"Nothing was added: the list file's {len(shipped)} entries are already" in out
    assert _audit_entries(capsys, path) == logged + len(shipped)


def _audit_entries(capsys: pytest.CaptureFixture[str], path: Path) -> int:
    """How many entries ``audit verify`` finds intact in the database's log."""
    import re

    code = main(["--lang", "en", "audit", "verify", "--db", str(path)])
    found = re.search(r"OK: (\d+) entries", capsys.readouterr().out)
    assert code == 0 and found is not None
    return int(found.group(1))


def test_platforms_import_refuses_a_bad_list_and_changes_nothing(
    imported: tuple[Path, int, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ministry.db"
    shutil.copyfile(imported[0], path)
    shipped = Path("resources/approved_platforms.json").read_text(encoding="utf-8")
    bad = tmp_path / "platforms.json"
    bad.write_text(shipped.replace('"autonomous driving"', '"Autonomous Driving"'), "utf-8")
    before = database_snapshot(path)
    importing = ["platforms", "import", "--db", str(path), "--reason", "r"]
    code, out = _run(capsys, *importing[:2], str(bad), *importing[2:])
    assert code == 2 and database_snapshot(path) == before
    assert "Approved-platform list, platforms[0].sub_domain_tags: must be 1 to 12" in out
    code, out = _run(capsys, *importing[:2], str(tmp_path / "absent.json"), *importing[2:])
    assert code == 2 and database_snapshot(path) == before and "Approved-platform list" in out
    code, out = _run(capsys, *importing[:-1], "  ")
    assert code == 2 and database_snapshot(path) == before and "needs a reason" in out


def test_import_applies_the_crls_of_the_trust_file(
    setup: tuple[Path, Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from datetime import UTC, datetime

    from cryptography.hazmat.primitives.serialization import Encoding

    from app.crypto import pki
    from app.results import inspect_bundle
    from tests.app.crypto.pki_fixtures import CA_PASSPHRASE

    folder, _bad, root = setup
    first = folder / f"{FIRST}.oibundle"
    now = datetime.now(UTC)
    roots = pki.load_trust_roots(root)
    secretary = inspect_bundle(first, roots, now).secretary
    assert secretary is not None
    ca = pki.load_ca(Path(root).parent, CA_PASSPHRASE)
    pki.revoke(ca, tmp_path, secretary.certificate, now)
    trust = tmp_path / "roots.pem"
    trust.write_bytes(
        Path(root).read_bytes() + pki.sign_crl(ca, tmp_path, now).public_bytes(Encoding.PEM)
    )
    path = tmp_path / "ministry.db"
    code, out = _run(capsys, "import", str(first), "--db", str(path), "--trust", str(trust))
    assert code == 3
    assert "REFUSED" in out and "the certificate was revoked on" in out
    assert "0 imported or already imported, 1 refused" in out
