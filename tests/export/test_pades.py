"""PAdES signatures on the report: poppler and pyHanko accept the genuine file; our policy
refuses every tampered variant (reliability matrix M13) and a revoked signer."""

from __future__ import annotations

import datetime as dt
import io
import re
from functools import cache
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes

from app.crypto.identity import Identity
from export.pades import CHAIR_FIELD, SECRETARY_FIELD, prepare_for_signing, sign_pdf
from export.pdf_policy import Problem, ReportPolicyError, validate_report, verify_report
from export.report_pdf import render_report
from tests.export.conftest import SIGNED_AT, Signers, run
from tests.export.report_fixtures import build_input


@cache
def _report() -> bytes:
    return render_report(build_input("zh_CN"))


def _signed(
    s: Signers, chair: Identity | None = None, secretary: Identity | None = None
) -> tuple[bytes, bytes]:
    """(chair-signed, fully signed)."""
    prepared = prepare_for_signing(_report())
    one = sign_pdf(prepared, CHAIR_FIELD, chair or s.chair, "主持评审", "北京", SIGNED_AT)
    two = sign_pdf(
        one,
        SECRETARY_FIELD,
        secretary or s.secretary,
        "会议秘书",
        "北京",
        SIGNED_AT + dt.timedelta(minutes=3),
    )
    return one, two


@pytest.fixture(scope="module")
def signed(signers: Signers) -> tuple[bytes, bytes]:
    return _signed(signers)


def test_pdfsig_reports_two_valid_signatures(signed: tuple[bytes, bytes], tmp_path: Path) -> None:
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed[1])
    out = run("pdfsig", "-nocert", path)
    assert out.count("Signature is Valid") == 2, out
    assert "Signature Field Name: ChairSig" in out and "Signature Field Name: SecretarySig" in out
    assert "Signer Certificate Common Name: 周明远" in out
    assert out.count("ETSI.CAdES.detached") == 2


def test_our_policy_and_pyhanko_accept_the_genuine_report(
    signed: tuple[bytes, bytes], signers: Signers
) -> None:
    result = validate_report(signed[1], [signers.root])
    assert result.accepted, result.problems
    chair, secretary = result.signatures
    assert (chair.field, chair.coverage, chair.modification_level) == (
        "ChairSig",
        "ENTIRE_REVISION",
        "FORM_FILLING",
    )
    assert (secretary.coverage, secretary.modification_level) == ("ENTIRE_FILE", "NONE")
    assert all(s.intact and s.valid and s.trusted for s in result.signatures)
    assert result.ok and result.refused == () and all(s.ok for s in result.signatures)
    verify_report(signed[1], [signers.root])


def test_expected_fingerprints_are_enforced(signed: tuple[bytes, bytes], signers: Signers) -> None:
    from app.crypto.profile import fingerprint

    ok = validate_report(
        signed[1],
        [signers.root],
        chair_fingerprint=fingerprint(signers.chair.certificate),
        secretary_fingerprint=fingerprint(signers.secretary.certificate),
    )
    assert ok.accepted
    bad = validate_report(
        signed[1], [signers.root], chair_fingerprint=fingerprint(signers.other_expert.certificate)
    )
    assert Problem.FINGERPRINT in bad.problems
    assert not bad.ok and bad.check(Problem.FINGERPRINT.value).passed is False
    message = bad.check(Problem.FINGERPRINT.value).message
    assert message is not None and message.in_language("en") == Problem.FINGERPRINT.label


def _refused(pdf: bytes, signers: Signers, *expected: Problem) -> None:
    result = validate_report(pdf, [signers.root])
    assert not result.accepted
    for p in expected:
        assert p in result.problems, result.problems
    with pytest.raises(ReportPolicyError):
        verify_report(pdf, [signers.root])


def test_content_appended_after_the_signatures_is_refused(
    signed: tuple[bytes, bytes], signers: Signers
) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    w = IncrementalPdfFileWriter(io.BytesIO(signed[1]))
    page = w.root["/Pages"]["/Kids"][0].get_object()
    overlay = w.add_object(generic.StreamObject(stream_data=b"BT /F1 40 Tf 100 400 Td (X) Tj ET"))
    page["/Contents"] = generic.ArrayObject([page["/Contents"], overlay])
    w.update_container(page)
    out = io.BytesIO()
    w.write(out)
    _refused(out.getvalue(), signers, Problem.REVISION_COUNT, Problem.COVERAGE)


def test_the_secretary_signature_stripped_is_refused(
    signed: tuple[bytes, bytes], signers: Signers
) -> None:
    _refused(signed[0], signers, Problem.SIGNATURE_COUNT, Problem.REVISION_COUNT)


def test_an_unsigned_or_merely_prepared_report_is_refused(signers: Signers) -> None:
    _refused(_report(), signers, Problem.SIGNATURE_COUNT)
    _refused(prepare_for_signing(_report()), signers, Problem.SIGNATURE_COUNT)


def test_an_edited_byte_range_is_refused(signed: tuple[bytes, bytes], signers: Signers) -> None:
    data = signed[1]
    matches = list(re.finditer(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data))
    m = matches[-1]
    start, length = int(m.group(3)), int(m.group(4))
    edited = m.group(0).replace(m.group(4), str(length - 10).encode().rjust(len(m.group(4))))
    tampered = data[: m.start()] + edited + data[m.end() :]
    assert len(tampered) == len(data) and start
    _refused(tampered, signers)


def test_contents_as_a_literal_string_is_refused(
    signed: tuple[bytes, bytes], signers: Signers
) -> None:
    data = signed[1]
    m = list(re.finditer(rb"/Contents\s*<([0-9a-fA-F]+)>", data))[-1]
    hexdigits = m.group(1)
    raw = bytes.fromhex(hexdigits.decode())[: (len(hexdigits) - 2) // 4]
    literal = b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    literal = literal[: len(hexdigits) + 1] + b")"
    literal = literal.ljust(len(hexdigits) + 2, b" ")
    start = m.start(1) - 1
    tampered = data[:start] + literal[: len(hexdigits) + 2] + data[m.end(1) + 1 :]
    assert len(tampered) == len(data)
    _refused(tampered, signers)


def test_a_third_signature_is_refused(signed: tuple[bytes, bytes], signers: Signers) -> None:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields
    from pyhanko.sign import signers as pyhanko_signers

    from export.pades import _signer

    w = IncrementalPdfFileWriter(io.BytesIO(signed[1]))
    meta = pyhanko_signers.PdfSignatureMetadata(
        field_name="ThirdSig", subfilter=fields.SigSeedSubFilter.PADES
    )
    out = io.BytesIO()
    pyhanko_signers.PdfSigner(
        meta,
        signer=_signer(signers.other_expert),
        new_field_spec=fields.SigFieldSpec("ThirdSig", on_page=0, box=(10, 10, 60, 60)),
    ).sign_pdf(w, output=out)
    _refused(out.getvalue(), signers, Problem.SIGNATURE_COUNT, Problem.REVISION_COUNT)


def test_a_flipped_byte_in_the_signed_content_is_refused(
    signed: tuple[bytes, bytes], signers: Signers
) -> None:
    data = bytearray(signed[1])
    at = data.index(b"/Producer")
    data[at + 2] ^= 0x01
    _refused(bytes(data), signers, Problem.NOT_INTACT)


def test_wrong_roles_and_foreign_roots_are_refused(signers: Signers) -> None:
    _, swapped = _signed(signers, chair=signers.secretary, secretary=signers.chair)
    _refused(swapped, signers, Problem.ROLE)
    _, foreign = _signed(signers, secretary=signers.stranger)
    _refused(foreign, signers, Problem.NOT_TRUSTED)


def _crl(signers: Signers, revoked: list[x509.Certificate]) -> x509.CertificateRevocationList:
    now = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)  # validation runs at the real time
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(signers.ca.certificate.subject)
        .last_update(now)
        .next_update(now + dt.timedelta(days=30))
    )
    for cert in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(cert.serial_number)
            .revocation_date(now - dt.timedelta(days=1))
            .build()
        )
    return builder.sign(signers.ca.private_key, hashes.SHA256())


def test_offline_crl_refuses_a_revoked_chair_and_clears_the_others(
    signed: tuple[bytes, bytes], signers: Signers
) -> None:
    clean = validate_report(signed[1], [signers.root], crls=[_crl(signers, [])])
    assert clean.accepted, clean.problems
    revoked = validate_report(
        signed[1], [signers.root], crls=[_crl(signers, [signers.chair.certificate])]
    )
    assert Problem.REVOKED in revoked.problems
    assert revoked.signatures[0].revoked and not revoked.signatures[1].revoked


def test_garbage_is_unreadable(signers: Signers) -> None:
    assert validate_report(b"%PDF-1.7\nnot really", [signers.root]).problems == (
        Problem.UNREADABLE,
    )
