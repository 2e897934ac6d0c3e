"""PAdES B-B signatures on the opinion report: the chair first, the secretary second.

Both signature fields are created in one incremental update *before* the first signature
(:func:`prepare_for_signing`), so each signature only fills a field that already existed;
pyHanko's difference analysis then sees pure form filling after the chair's signature, which
is what :mod:`export.pdf_policy` requires. No timestamp authority exists offline, so the
level is B-B; the chain travels inside the CMS signature.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import TYPE_CHECKING, Final

from app.crypto.identity import Identity
from export.pdf_layout import SIGNATURE_BOXES

if TYPE_CHECKING:  # pyHanko is imported when a report is signed, not when this module loads
    from pyhanko.pdf_utils.content import PdfContent
    from pyhanko.pdf_utils.generic import ArrayObject
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.writer import BasePdfFileWriter
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko.sign.signers.pdf_signer import PdfSigningSession

CHAIR_FIELD: Final = "ChairSig"
SECRETARY_FIELD: Final = "SecretarySig"
FIELDS: Final = (CHAIR_FIELD, SECRETARY_FIELD)
"""The fields in signing order."""
OFFICER_FIELD: Final = "OfficerSig"
"""The ministry officer's field on the announcement (:mod:`export.announcement_pdf`)."""

OFFICER_BOX: Final = SIGNATURE_BOXES[SECRETARY_FIELD]
"""Where the officer's field goes on the announcement's last page (x1, y1, x2, y2)."""

_BOXES: Final = {**SIGNATURE_BOXES, OFFICER_FIELD: OFFICER_BOX}
_ROLE_CAPTION: Final = {
    CHAIR_FIELD: "组长 Chair",
    SECRETARY_FIELD: "秘书 Secretary",
    OFFICER_FIELD: "科技部 Ministry",
}
"""The bilingual captions of a stamp on a PDF whose language is not known."""
_LANGUAGE: Final = re.compile(rb'review-desk-report-rendering/1 \{[^)]*?"language":"([A-Za-z_]+)"')


def report_language(pdf: bytes) -> str | None:
    """The language the report says it was rendered in (its Keywords), if it says so."""
    found = _LANGUAGE.search(pdf)
    return found.group(1).decode("ascii") if found else None


def _stamp_lines(field: str, now: dt.datetime, language: str | None) -> tuple[str, str, str]:
    """Role caption, "digitally signed" and the time, in the report's language."""
    from app.i18n import Msg
    from export.labels import datetime_text

    if language is None:
        return (
            _ROLE_CAPTION[field],
            "已电子签名 Digitally signed (PAdES)",
            f"时间 Time: {now.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC",
        )
    role = {
        CHAIR_FIELD: Msg.of("Chair of the panel"),
        SECRETARY_FIELD: Msg.of("Secretary"),
        OFFICER_FIELD: Msg.of("Ministry officer"),
    }[field]
    return (
        role.in_language(language),
        Msg.of("Digitally signed (PAdES)").in_language(language),
        Msg.of("Time: {time}", time=datetime_text(now, language)).in_language(language),
    )


def prepare_for_signing(pdf: bytes, names: tuple[str, ...] = FIELDS) -> bytes:
    """``pdf`` with the empty ChairSig and SecretarySig fields (or ``names``) added on its
    last page.

    Deterministic (no clock, no random file id), so the chair's machine can rebuild this
    revision from the regenerated report and compare it byte for byte.
    """
    import hashlib

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields

    class DeterministicWriter(IncrementalPdfFileWriter):
        @classmethod
        def _handle_id(cls, prev: PdfFileReader) -> ArrayObject:
            id1 = prev.trailer["/ID"][0].original_bytes
            id2 = hashlib.sha256(id1 + b"review-desk signature fields").digest()[:16]
            return generic.ArrayObject(
                [generic.ByteStringObject(id1), generic.ByteStringObject(id2)]
            )

        def _update_meta(self) -> None:
            """Keep the report's Info dictionary: pyHanko would stamp ModDate with the clock."""

    writer = DeterministicWriter(io.BytesIO(pdf), strict=True)
    last_page = int(writer.root["/Pages"]["/Count"]) - 1
    for name in names:
        fields.append_signature_field(
            writer,
            fields.SigFieldSpec(name, on_page=last_page, box=_int_box(_BOXES[name])),
        )
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]  # pyHanko leaves write() unannotated
    return out.getvalue()


def sign_pdf(
    pdf: bytes,
    field: str,
    identity: Identity,
    reason: str,
    location: str,
    now: dt.datetime,
) -> bytes:
    """Sign the existing, empty ``field`` of ``pdf`` (PAdES B-B, SHA-256, incremental).

    The visible stamp shows the signer's name from the certificate (Chinese included) and
    ``now``; the signing time is also recorded as ``/M``.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import StaticStampStyle

    if field not in _BOXES:
        raise ValueError(f"unknown signature field {field!r}")
    signer = _signer(identity)
    meta = signers.PdfSignatureMetadata(
        field_name=field,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
        name=identity.common_name,
    )
    box = _BOXES[field]
    size = (box[2] - box[0], box[3] - box[1])
    appearance = stamp_pdf(identity, field, now, size, language=report_language(pdf))
    style = StaticStampStyle(background=_pdf_page_content(appearance), border_width=0)

    class _ClockedSigner(signers.PdfSigner):
        """pyHanko reads the wall clock for /M and the stamp; we inject ``now`` instead."""

        def init_signing_session(
            self, pdf_out: BasePdfFileWriter, existing_fields_only: bool = False
        ) -> PdfSigningSession:
            session = super().init_signing_session(pdf_out, existing_fields_only=True)
            session.system_time = now
            return session

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=True)
    pdf_signer = _ClockedSigner(meta, signer=signer, stamp_style=style)
    out = io.BytesIO()
    pdf_signer.sign_pdf(writer, existing_fields_only=True, output=out)
    return out.getvalue()


def _fitting_size(text: str, font: str, room: float, *, largest: float, smallest: float) -> float:
    """The largest font size (down to ``smallest``) at which ``text`` fits in ``room`` points;
    long names (a full name plus an English one) shrink instead of running out of the box."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    size = largest
    while size > smallest and stringWidth(text, font, size) > room:
        size -= 0.5
    return size


def stamp_pdf(
    identity: Identity,
    field: str,
    now: dt.datetime,
    size: tuple[float, float],
    *,
    language: str | None = None,
) -> bytes:
    """The visible stamp as a one-page PDF drawn by reportlab in the embedded CJK font, in
    the report's ``language`` (both languages when it is not known).

    pyHanko's own text stamps need uharfbuzz for a TrueType font, which we do not ship; an
    imported page draws the same Chinese name with the font every export already embeds.
    """
    from reportlab.lib import colors
    from reportlab.pdfgen.canvas import Canvas

    from app.crypto.profile import fingerprint
    from app.i18n import Msg
    from export.fonts import register_cjk_font

    font = register_cjk_font()
    width, height = size
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=size, invariant=1, initialFontName=font)
    c.setStrokeColor(colors.HexColor("#1d4ed8"))
    c.setFillColor(colors.HexColor("#eff6ff"))
    c.setLineWidth(1.2)
    c.roundRect(1, 1, width - 2, height - 2, 4, fill=1)
    c.setFillColor(colors.HexColor("#1e3a8a"))
    caption, signed, when = _stamp_lines(field, now, language)
    title = f"{identity.common_name}  ·  {caption}"
    c.setFont(font, _fitting_size(title, font, width - 16, largest=11.0, smallest=6.0))
    c.drawString(8, height - 17, title)
    c.setFont(font, 7.5)
    c.drawString(8, height - 30, signed)
    c.drawString(8, height - 41, when)
    certificate = fingerprint(identity.certificate)
    if language is None:
        c.drawString(8, height - 52, f"证书 Certificate: {certificate}")
    else:
        line = Msg.of("Certificate: {fingerprint}", fingerprint=certificate).in_language(language)
        c.setFont(font, _fitting_size(line, font, width - 16, largest=7.5, smallest=5.0))
        c.drawString(8, height - 52, line)
    c.showPage()
    c.save()
    return buf.getvalue()


def _pdf_page_content(pdf: bytes) -> PdfContent:
    """pyHanko content that imports page 1 of ``pdf`` (its ImportedPdfPage wants a path)."""
    import binascii
    import hashlib

    from pyhanko.pdf_utils.content import PdfContent
    from pyhanko.pdf_utils.layout import BoxConstraints
    from pyhanko.pdf_utils.reader import PdfFileReader

    class ImportedPdfBytes(PdfContent):
        def render(self) -> bytes:
            xobj = self._ensure_writer.import_page_as_xobject(PdfFileReader(io.BytesIO(pdf)), 0)
            name = b"/Stamp" + binascii.hexlify(hashlib.sha256(pdf).digest()[:8])
            self.resources.xobject[name.decode("ascii")] = xobj
            x1, y1, x2, y2 = xobj.get_object()["/BBox"]
            self.box = BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
            return name + b" Do"

    return ImportedPdfBytes()


def _int_box(box: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
    x1, y1, x2, y2 = (round(v) for v in box)
    return x1, y1, x2, y2


def _signer(identity: Identity) -> SimpleSigner:
    """A pyHanko signer from our identity (cryptography objects -> asn1crypto)."""
    from pyhanko.keys.internal import (
        translate_pyca_cryptography_cert_to_asn1,
        translate_pyca_cryptography_key_to_asn1,
    )
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    chain = [translate_pyca_cryptography_cert_to_asn1(c) for c in identity.chain]
    return signers.SimpleSigner(
        signing_cert=translate_pyca_cryptography_cert_to_asn1(identity.certificate),
        signing_key=translate_pyca_cryptography_key_to_asn1(identity.signing_key),
        # from_certs is unannotated in pyhanko-certvalidator
        cert_registry=SimpleCertificateStore.from_certs(chain),  # type: ignore[no-untyped-call]
    )
