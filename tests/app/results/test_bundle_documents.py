"""Issue 13 item 1: the report's signatures, the report's content and the workbook of a real
published bundle, checked stage by stage (``export.bundle_checks``).

One meeting is published once per module (``publish_world``, without the demo builder);
every bad bundle is that bundle with one member replaced and the manifest re-signed by the
secretary (a secretary's key is exactly what a tamperer of the bundle needs), and each is
refused at its own stage with its own reason.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from app.crypto.identity import Identity
from app.ministry.importing import import_bundle
from app.results import (
    BundleReportSignatureError,
    ReportRendering,
    Stage,
    VerifiedBundle,
    inspect_bundle,
    report_fields,
    verify_bundle,
)
from app.results.documents import MAX_WORKBOOK_SIZE, MAX_WORKBOOK_UNPACKED
from export.bundle_checks import DocumentChecks
from storage.ministry.database import MinistryDatabase
from tests.app.crypto.pki_fixtures import PkiFixture
from tests.app.ministry.bundles import snapshot
from tests.app.results.craft import members_of, recraft
from tests.app.secretary.publish_world import World, cli, publish_world

REPORT = "report.pdf"
WORKBOOK = "workbook.xlsx"


@dataclass(frozen=True)
class Published:
    world: World
    bundle: bytes
    path: Path
    secretary: Identity
    chair: Identity
    other_expert: Identity
    verified: VerifiedBundle
    now: dt.datetime

    @property
    def report(self) -> bytes:
        return members_of(self.bundle)[REPORT]

    @property
    def workbook(self) -> bytes:
        return members_of(self.bundle)[WORKBOOK]

    @property
    def roots(self) -> list[object]:
        from app.crypto.pki import load_trust_roots

        return list(load_trust_roots(str(self.world.trust)))

    def with_members(self, **members: bytes) -> bytes:
        names = {"report": REPORT, "workbook": WORKBOOK}
        return recraft(
            self.bundle, self.secretary, replace={names[k]: v for k, v in members.items()}
        )


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory, pkiset: PkiFixture) -> Published:
    world = publish_world(tmp_path_factory, pkiset)
    base = tmp_path_factory.mktemp("documents")
    folder = world.copy(world.ready, base)
    out = base / "outputs"
    out.mkdir()
    code, output = cli(
        "secretary", "publish", "--dir", str(folder), "--identity", str(world.secretary_p12),
        "--passphrase-file", str(world.passphrase), "--chair-identity", str(world.chair_p12),
        "--chair-passphrase-file", str(world.passphrase), "--out", str(out), "--unencrypted",
    )  # fmt: skip
    assert code == 0, output
    (path,) = out.glob("*.oibundle")
    now = dt.datetime.now(dt.UTC)
    from app.crypto.pki import load_trust_roots

    roots = load_trust_roots(str(world.trust))
    bundle = path.read_bytes()
    return Published(
        world=world,
        bundle=bundle,
        path=path,
        secretary=world.identity(world.secretary_p12),
        chair=world.identity(world.chair_p12),
        other_expert=world.identity(world.expert_p12["e02"]),
        verified=verify_bundle(bundle, roots, now, documents=DocumentChecks()),
        now=now,
    )


def _refused_at(published: Published, bundle: bytes, stage: Stage, *words: str) -> str:
    report = inspect_bundle(bundle, published.roots, published.now, documents=DocumentChecks())
    assert report.problem is not None, "the bundle was accepted"
    refused = [s.stage for s in report.stages if s.passed is False]
    message = report.problem.msg.in_language("en")
    assert refused == [stage], message
    earlier = [s for s in report.stages if list(Stage).index(s.stage) < list(Stage).index(stage)]
    assert all(s.passed for s in earlier)
    for word in words:
        assert word in message, message
    return message


# --- PDF surgery -----------------------------------------------------------------------------


def _revisions(pdf: bytes, count: int) -> bytes:
    """The first ``count`` revisions of ``pdf`` (up to and including their %%EOF line)."""
    end = 0
    for _ in range(count):
        end = pdf.index(b"%%EOF", end) + len(b"%%EOF")
        if pdf[end : end + 1] == b"\n":
            end += 1
    return pdf[:end]


def _sign(pdf: bytes, field: str, who: Identity, now: dt.datetime) -> bytes:
    from export.pades import sign_pdf

    return sign_pdf(pdf, field, who, "test", "test", now)


def _sign_both(prepared: bytes, chair: Identity, secretary: Identity, now: dt.datetime) -> bytes:
    return _sign(_sign(prepared, "ChairSig", chair, now), "SecretarySig", secretary, now)


def _incremental(pdf: bytes, edit: Callable[[object], None]) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=True)
    edit(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _add_annotation(writer: object) -> None:
    from pyhanko.pdf_utils import generic

    page_ref = writer.root["/Pages"]["/Kids"][0]  # type: ignore[attr-defined]
    page = page_ref.get_object()
    note = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Annot"),
            generic.NameObject("/Subtype"): generic.NameObject("/FreeText"),
            generic.NameObject("/Rect"): generic.ArrayObject(
                [generic.NumberObject(v) for v in (50, 50, 300, 80)]
            ),
            generic.NameObject("/Contents"): generic.TextStringObject("All recommended"),
        }
    )
    page[generic.NameObject("/Annots")] = generic.ArrayObject(
        [writer.add_object(note)]  # type: ignore[attr-defined]
    )
    writer.update_container(page)  # type: ignore[attr-defined]


def _fields_with_javascript(writer: object) -> None:
    """What ``prepare_for_signing`` adds, plus a JavaScript action run on opening."""
    from pyhanko.pdf_utils import generic
    from pyhanko.sign import fields

    from export.pades import FIELDS, _int_box
    from export.pdf_layout import SIGNATURE_BOXES

    last = int(writer.root["/Pages"]["/Count"]) - 1  # type: ignore[attr-defined]
    for name in FIELDS:
        fields.append_signature_field(
            writer, fields.SigFieldSpec(name, on_page=last, box=_int_box(SIGNATURE_BOXES[name]))
        )
    action = generic.DictionaryObject(
        {
            generic.NameObject("/S"): generic.NameObject("/JavaScript"),
            generic.NameObject("/JS"): generic.TextStringObject("app.alert('hi')"),
        }
    )
    writer.root[generic.NameObject("/OpenAction")] = writer.add_object(action)  # type: ignore[attr-defined]
    writer.update_root()  # type: ignore[attr-defined]


def _third_signature(pdf: bytes, who: Identity) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    from export.pades import _signer

    out = io.BytesIO()
    signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(pdf), strict=True),
        signers.PdfSignatureMetadata(field_name="ExtraSig", md_algorithm="sha256"),
        signer=_signer(who),
        output=out,
    )
    return out.getvalue()


# --- the good bundle ----------------------------------------------------------------------------


def test_the_published_bundle_passes_every_stage(published: Published) -> None:
    report = inspect_bundle(
        published.bundle, published.roots, published.now, documents=DocumentChecks()
    )
    assert report.problem is None
    assert [s.passed for s in report.stages] == [True] * len(Stage)
    assert report.ok and report.documents_checked
    verified = report.verified
    assert verified is not None and verified.documents_checked
    assert verified.report_rendering is not None
    assert verified.report_rendering.language == "zh_CN"


def test_without_the_checks_the_documents_are_not_checked_never_passed(
    published: Published,
) -> None:
    report = inspect_bundle(published.bundle, published.roots, published.now)
    documents = [s for s in report.stages if s.stage.is_document]
    assert [s.passed for s in documents] == [None, None, None]
    assert report.problem is None and not report.ok and not report.documents_checked
    plain = verify_bundle(published.bundle, published.roots, published.now)
    assert not plain.documents_checked and plain.report_rendering is None


# --- report signatures ------------------------------------------------------------------------


def test_content_appended_after_both_signatures_is_refused(published: Published) -> None:
    tampered = _incremental(published.report, _add_annotation)
    _refused_at(
        published,
        published.with_members(report=tampered),
        Stage.REPORT_SIGNATURES,
        "changed after its last signature",
    )


def test_a_report_signed_by_another_expert_than_the_roster_chair_is_refused(
    published: Published,
) -> None:
    prepared = _revisions(published.report, 2)
    signed = _sign_both(prepared, published.other_expert, published.secretary, published.now)
    _refused_at(
        published,
        published.with_members(report=signed),
        Stage.REPORT_SIGNATURES,
        "ChairSig",
        published.other_expert.fingerprint,
        "not by the roster's chair",
    )


def test_a_third_signature_is_refused(published: Published) -> None:
    signed = _third_signature(published.report, published.secretary)
    _refused_at(
        published,
        published.with_members(report=signed),
        Stage.REPORT_SIGNATURES,
        "3 signatures",
    )


def test_a_report_that_is_not_a_pdf_is_refused(published: Published) -> None:
    _refused_at(
        published,
        published.with_members(report=b"This is the report, honestly.\n"),
        Stage.REPORT_SIGNATURES,
        "not a readable PDF",
    )


def test_a_bundle_without_a_report_is_refused(published: Published) -> None:
    bundle = recraft(published.bundle, published.secretary, replace={REPORT: None})
    _refused_at(published, bundle, Stage.REPORT_SIGNATURES, "no signed report")


# --- report content ---------------------------------------------------------------------------


def test_a_validly_signed_report_with_javascript_is_refused(published: Published) -> None:
    bare = _revisions(published.report, 1)
    prepared = _incremental(bare, _fields_with_javascript)
    signed = _sign_both(prepared, published.chair, published.secretary, published.now)
    _refused_at(
        published,
        published.with_members(report=signed),
        Stage.REPORT_CONTENT,
        "active content",
    )


def test_a_validly_signed_report_printing_another_results_hash_is_refused(
    published: Published,
) -> None:
    from export.pades import prepare_for_signing
    from export.report_model import ReportInput
    from export.report_pdf import render_report

    rendering = published.verified.report_rendering
    assert isinstance(rendering, ReportRendering)
    fields = report_fields(published.verified, rendering)
    other = ReportInput(**{**fields, "results_hash": "0" * 64})
    prepared = prepare_for_signing(render_report(other))
    signed = _sign_both(prepared, published.chair, published.secretary, published.now)
    _refused_at(
        published,
        published.with_members(report=signed),
        Stage.REPORT_CONTENT,
        "prints the results hash " + "0" * 64,
        published.verified.results_hash,
    )


def test_a_validly_signed_report_rendered_from_other_settings_is_refused(
    published: Published,
) -> None:
    """Signed by the right people, naming the right hash, but not what the results render
    to: the Keywords claim one rendering, the pages show another."""
    from export.pades import prepare_for_signing
    from export.report_model import ReportInput
    from export.report_pdf import render_report, rendering_keywords

    rendering = published.verified.report_rendering
    assert rendering is not None
    honest = ReportInput(**report_fields(published.verified, rendering))
    shown = replace(honest, document_id=honest.document_id + "-X")
    bare = render_report(shown)
    # The Keywords claim the honest rendering (same length, so the xref stays right).
    claimed, stated = rendering_keywords(honest).encode(), rendering_keywords(shown).encode()
    assert stated in bare and len(claimed) + 2 == len(stated)
    forged = bare.replace(stated, claimed + b"  ")
    signed = _sign_both(
        prepare_for_signing(forged), published.chair, published.secretary, published.now
    )
    _refused_at(
        published,
        published.with_members(report=signed),
        Stage.REPORT_CONTENT,
        "differs from the report the bundle's results render to",
    )


# --- workbook ---------------------------------------------------------------------------------


def _zip_with(workbook: bytes, extra: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(workbook)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info, source.read(info))
        for name, data in extra.items():
            target.writestr(name, data)
    return out.getvalue()


def test_a_garbage_workbook_is_refused(published: Published) -> None:
    _refused_at(
        published,
        published.with_members(workbook=b"PK\x03\x04 definitely a spreadsheet"),
        Stage.WORKBOOK,
        "not a valid XLSX",
    )


def test_an_oversized_workbook_is_refused_before_it_is_read(published: Published) -> None:
    big = b"PK\x03\x04" + bytes(MAX_WORKBOOK_SIZE)
    _refused_at(
        published,
        published.with_members(workbook=big),
        Stage.WORKBOOK,
        f"at most {MAX_WORKBOOK_SIZE} bytes",
    )


def test_a_workbook_part_that_unpacks_too_large_is_refused_before_decompression(
    published: Published,
) -> None:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(published.workbook)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for info in source.infolist():
            target.writestr(info, source.read(info))
        with target.open("xl/worksheets/sheet9.xml", "w", force_zip64=True) as part:
            chunk = bytes(8 * 1024 * 1024)
            for _ in range(MAX_WORKBOOK_UNPACKED // len(chunk) + 1):
                part.write(chunk)
    sparse = out.getvalue()
    assert len(sparse) < MAX_WORKBOOK_SIZE
    _refused_at(
        published,
        published.with_members(workbook=sparse),
        Stage.WORKBOOK,
        f"at most {MAX_WORKBOOK_UNPACKED} bytes",
    )


def test_a_workbook_with_a_formula_not_ours_is_refused(published: Published) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(published.workbook))
    wb.worksheets[0]["B40"] = "=1+1"
    buf = io.BytesIO()
    wb.save(buf)
    _refused_at(
        published,
        published.with_members(workbook=buf.getvalue()),
        Stage.WORKBOOK,
        "!B40 holds the formula =1+1",
    )


def test_a_workbook_with_a_changed_figure_is_refused(published: Published) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(published.workbook))
    ws = wb.worksheets[0]
    ws["F3"] = 99.9
    buf = io.BytesIO()
    wb.save(buf)
    _refused_at(
        published,
        published.with_members(workbook=buf.getvalue()),
        Stage.WORKBOOK,
        "!F3 holds 99.9, but the results give",
    )


def test_a_workbook_with_an_external_link_is_refused(published: Published) -> None:
    linked = _zip_with(published.workbook, {"xl/externalLinks/externalLink1.xml": b"<x/>"})
    _refused_at(published, published.with_members(workbook=linked), Stage.WORKBOOK, "external link")


def test_a_workbook_with_macros_is_refused(published: Published) -> None:
    macro = _zip_with(published.workbook, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"})
    _refused_at(published, published.with_members(workbook=macro), Stage.WORKBOOK, "macros")


# --- import and the command line ------------------------------------------------------------


def test_the_import_refuses_a_bad_report_and_changes_nothing(
    published: Published, tmp_path: Path
) -> None:
    db = tmp_path / "ministry.db"
    store = MinistryDatabase(db)
    import_bundle(
        store, published.bundle, published.roots, published.now, documents=DocumentChecks()
    )
    before = snapshot(db)
    bad = published.with_members(report=b"not a pdf")
    with pytest.raises(BundleReportSignatureError, match="not a readable PDF"):
        import_bundle(
            MinistryDatabase(db), bad, published.roots, published.now, documents=DocumentChecks()
        )
    assert snapshot(db) == before


def test_results_verify_prints_every_stage_and_the_reason(
    published: Published, tmp_path: Path
) -> None:
    code, out = cli("results", "verify", str(published.path), "--trust", str(published.world.trust))
    assert code == 0, out
    for stage in Stage:
        assert f"OK           {stage.label.in_language('en')}" in out
    bad = tmp_path / "bad.oibundle"
    bad.write_bytes(published.with_members(workbook=b"garbage"))
    code, out = cli("results", "verify", str(bad), "--trust", str(published.world.trust))
    assert code == 3, out
    assert f"REFUSED      {Stage.WORKBOOK.label.in_language('en')}" in out
    assert "not a valid XLSX" in out


def test_results_import_refuses_a_bad_bundle_with_the_reason(
    published: Published, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.oibundle"
    bad.write_bytes(published.with_members(workbook=b"garbage"))
    db = tmp_path / "ministry.sqlite"
    code, out = cli(
        "results", "import", str(bad), "--db", str(db), "--trust", str(published.world.trust)
    )
    assert code != 0 and "The workbook is not accepted" in out, out
    code, out = cli(
        "results", "import", str(published.path), "--db", str(db),
        "--trust", str(published.world.trust),
    )  # fmt: skip
    assert code == 0, out


def test_the_report_signatures_are_checked_against_the_crls(
    published: Published, pkiset: PkiFixture, tmp_path: Path
) -> None:
    from app.crypto import pki

    checks = DocumentChecks()
    roots = published.roots
    now = published.now
    clean = pki.sign_crl(pkiset.ca, tmp_path, now)
    checks.check_report_signatures(published.report, published.verified, roots, now, [clean])  # type: ignore[arg-type]
    pki.revoke(pkiset.ca, tmp_path, published.chair.certificate, now - dt.timedelta(minutes=1))
    revoked = pki.sign_crl(pkiset.ca, tmp_path, now)
    with pytest.raises(BundleReportSignatureError, match="revoked"):
        checks.check_report_signatures(published.report, published.verified, roots, now, [revoked])  # type: ignore[arg-type]
