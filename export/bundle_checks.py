"""The ministry's checks of a bundle's report and workbook (``app.results.BundleDocumentChecks``).

* **Report signatures**: :func:`export.pdf_policy.validate_report` with the reader's own
  roots at the reader's moment, the roster chair's fingerprint first and the manifest
  signer's (the secretary's) second; the first problem becomes a specific reason.
* **Report content**: no active content (JavaScript, actions, launch, embedded files) in any
  object of any revision; the rendering the report states (its Keywords, see
  :func:`export.report_pdf.rendering_keywords`) names the bundle's results hash; the report
  rendered again from the verified bundle with that rendering, prepared for signing, is
  byte for byte the signed file's first two revisions (:func:`matches_signed_results`, the
  comparison every signer runs before signing).
* **Workbook**: a ZIP whose directory is bounded (parts, unpacked size) before anything is
  decompressed; only the parts openpyxl writes for us (no ``vbaProject``, no external links,
  no external relationship); then every cell, formula and defined name equal to the
  workbook the results render to with the report's rendering.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, Final

from cryptography import x509

from app.crypto.profile import normalize_fingerprint
from app.i18n import Msg
from app.results import (
    BundleReportContentError,
    BundleReportSignatureError,
    BundleWorkbookError,
    ReportRendering,
    VerifiedBundle,
    report_fields,
)
from app.results.documents import MAX_WORKBOOK_PARTS, MAX_WORKBOOK_UNPACKED
from export.pdf_policy import Problem, ReportValidation, validate_report
from export.report_model import ReportInput
from export.report_pdf import RENDERING_MARK, matches_signed_results

_ACTIVE_KEYS: Final = frozenset(
    {"/JS", "/JavaScript", "/AA", "/OpenAction", "/Launch", "/EmbeddedFiles", "/RichMedia"}
)
_ACTIVE_NAMES: Final = frozenset(
    {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE", "/URI"}
)
_PART: Final = re.compile(
    r"\[Content_Types\]\.xml|_rels/\.rels|docProps/(app|core)\.xml"
    r"|xl/(workbook|styles|sharedStrings)\.xml|xl/_rels/workbook\.xml\.rels"
    r"|xl/theme/theme[0-9]+\.xml|xl/worksheets/sheet[0-9]+\.xml"
    r"|xl/worksheets/_rels/sheet[0-9]+\.xml\.rels"
)


class DocumentChecks:
    """``app.results.BundleDocumentChecks`` with pyHanko, reportlab and openpyxl."""

    def check_report_signatures(
        self,
        report: bytes,
        bundle: VerifiedBundle,
        trust_roots: Sequence[x509.Certificate],
        now: datetime,
        crls: Sequence[x509.CertificateRevocationList] = (),
    ) -> None:
        chair = bundle.meeting.chair
        chair_print = normalize_fingerprint(chair.fingerprint) if chair else None
        validation = validate_report(
            report,
            trust_roots,
            crls,
            chair_fingerprint=chair_print or "-",
            secretary_fingerprint=bundle.manifest.secretary_fingerprint,
            moment=now,
        )
        if validation.accepted:
            return
        reason = _signature_reason(validation, chair_print, bundle.manifest.secretary_fingerprint)
        raise BundleReportSignatureError(reason, ", ".join(p.value for p in validation.problems))

    def check_report_content(self, report: bytes, bundle: VerifiedBundle) -> ReportRendering:
        active = _active_content(report)
        if active is not None:
            raise BundleReportContentError(
                Msg.of(
                    "it contains active content ({name}), which this program never writes.",
                    name=active,
                ),
                f"active content {active}",
            )
        stated = _stated_rendering(report)
        if stated is None:
            raise BundleReportContentError(
                Msg.of(
                    "it does not state how it was rendered, so it was not made by this program."
                ),
                "no rendering keywords in the first revision",
            )
        rendering, results_hash = stated
        if results_hash != bundle.results_hash:
            raise BundleReportContentError(
                Msg.of(
                    "it prints the results hash {printed}, but the bundle's results hash is "
                    "{bundle}.",
                    printed=results_hash[:64],
                    bundle=bundle.results_hash,
                ),
                f"report results hash {results_hash[:64]} != {bundle.results_hash}",
            )
        try:
            inp = ReportInput(**report_fields(bundle, rendering))
        except Exception as exc:  # a stated rendering the renderer refuses
            raise BundleReportContentError(
                Msg.of("the rendering it states cannot be used."), type(exc).__name__
            ) from None
        if not matches_signed_results(report, inp):
            raise BundleReportContentError(
                Msg.of(
                    "its text differs from the report the bundle's results render to; it was "
                    "altered or prepared from other figures."
                ),
                "signed report is not the regenerated report prepared for signing",
            )
        return rendering

    def check_workbook(
        self, workbook: bytes, bundle: VerifiedBundle, rendering: ReportRendering
    ) -> None:
        names = _workbook_parts(workbook)
        _check_parts(workbook, names)
        from export.xlsx import render_workbook

        inp = ReportInput(**report_fields(bundle, rendering))
        expected = _load(render_workbook(inp))
        found = _load(workbook)
        _compare_workbooks(expected, found)


# --- report signatures -----------------------------------------------------------------


def _signature_reason(v: ReportValidation, chair_print: str | None, secretary_print: str) -> Msg:
    problems = v.problems
    sigs = v.signatures
    if Problem.UNREADABLE in problems:
        return Msg.of("report.pdf is not a readable PDF file.")
    if Problem.SIGNATURE_COUNT in problems:
        return Msg.of(
            "it carries {count} signatures; exactly two are required, the chair's then the "
            "secretary's.",
            count=len(sigs),
        )
    if Problem.FIELD_ORDER in problems:
        return Msg.of(Problem.FIELD_ORDER.label)
    if Problem.ROLE in problems or Problem.FINGERPRINT in problems:
        expected = (chair_print or "—", secretary_print)
        for index, (sig, want) in enumerate(zip(sigs, expected, strict=False)):
            if sig.fingerprint != want:
                who = (
                    Msg.of("the roster's chair") if index == 0 else Msg.of("the bundle's secretary")
                )
                return Msg.of(
                    "the signature in {field} is by {signer} ({found}), not by {who} ({expected}).",
                    field=sig.field,
                    signer=sig.signer[:120],
                    found=sig.fingerprint,
                    who=who,
                    expected=want,
                )
        return Msg.of(Problem.ROLE.label)
    for problem in (Problem.NOT_INTACT, Problem.NOT_VALID, Problem.REVOKED, Problem.NOT_TRUSTED):
        if problem in problems:
            return Msg.of(problem.label)
    if Problem.COVERAGE in problems or Problem.REVISION_COUNT in problems:
        return Msg.of("the file was changed after its last signature.")
    return Msg.of(problems[0].label)


# --- report content --------------------------------------------------------------------


def _active_content(pdf: bytes) -> str | None:
    """The first active-content key or action type in any object of any revision."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=True)
        for revision in range(reader.xrefs.total_revisions):
            for ref in sorted(
                reader.xrefs.explicit_refs_in_revision(revision), key=lambda r: r.idnum
            ):
                obj = reader.get_object(ref, revision=revision)  # type: ignore[no-untyped-call]
                found = _active_in(obj, 0)
                if found is not None:
                    return found
        found = _active_in(reader.trailer, 0)
    except Exception:  # unreadable here was already refused by the signature stage
        return "unreadable"
    return found


def _active_in(obj: Any, depth: int) -> str | None:
    from pyhanko.pdf_utils import generic

    if depth > 32 or isinstance(obj, generic.IndirectObject):
        return None  # indirect objects are walked on their own
    if isinstance(obj, generic.DictionaryObject):
        for key, value in obj.items():
            if str(key) in _ACTIVE_KEYS:
                return str(key)
            if str(key) == "/S" and str(value) in _ACTIVE_NAMES:
                return str(value)
            found = _active_in(value, depth + 1)
            if found is not None:
                return found
    elif isinstance(obj, generic.ArrayObject):
        for value in obj:
            found = _active_in(value, depth + 1)
            if found is not None:
                return found
    return None


def _stated_rendering(pdf: bytes) -> tuple[ReportRendering, str] | None:
    """The rendering and results hash the report's first revision states, if any."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    end = pdf.find(b"%%EOF")
    if end < 0:
        return None
    first = pdf[: end + len(b"%%EOF")] + b"\n"
    try:
        info = PdfFileReader(io.BytesIO(first), strict=True).trailer["/Info"]
        keywords = str(info["/Keywords"])
        if not keywords.startswith(RENDERING_MARK):
            return None
        fields = json.loads(keywords[len(RENDERING_MARK) :])
        rendering = ReportRendering(
            language=str(fields["language"]),
            document_id=str(fields["document_id"]),
            generated_at=datetime.fromisoformat(str(fields["generated_at"])),
            anonymise_experts=fields["anonymise_experts"] is True,
        )
        return rendering, str(fields["results_sha256"])
    except Exception:  # whatever the file holds there, it is not our statement
        return None


# --- workbook --------------------------------------------------------------------------


def _bad(reason: Msg, detail: str) -> BundleWorkbookError:
    return BundleWorkbookError(reason, detail)


def _workbook_parts(data: bytes) -> list[zipfile.ZipInfo]:
    """The ZIP directory, bounded before any part is decompressed."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise _bad(
            Msg.of("workbook.xlsx is not a valid XLSX file (not a ZIP archive)."), "bad zip"
        ) from None
    if len(infos) > MAX_WORKBOOK_PARTS:
        raise _bad(
            Msg.of(
                "it has {count} parts; at most {limit} are allowed.",
                count=len(infos),
                limit=MAX_WORKBOOK_PARTS,
            ),
            f"{len(infos)} parts",
        )
    unpacked = sum(i.file_size for i in infos)
    if unpacked > MAX_WORKBOOK_UNPACKED:
        raise _bad(
            Msg.of(
                "its parts unpack to {size} bytes; at most {limit} bytes are allowed.",
                size=unpacked,
                limit=MAX_WORKBOOK_UNPACKED,
            ),
            f"unpacked {unpacked} > {MAX_WORKBOOK_UNPACKED}",
        )
    return infos


def _check_parts(data: bytes, infos: list[zipfile.ZipInfo]) -> None:
    names = [i.filename for i in infos]
    for name in names:
        lower = name.lower()
        if "vbaproject" in lower or lower.endswith(".bin"):
            raise _bad(
                Msg.of("it contains macros ({name}).", name=name[:120]), f"macro part {name!r}"
            )
        if "externallink" in lower:
            raise _bad(
                Msg.of("it contains an external link ({name}).", name=name[:120]),
                f"external link part {name!r}",
            )
        if not _PART.fullmatch(name):
            raise _bad(
                Msg.of(
                    "it contains the part {name}, which this program does not write.",
                    name=name[:120],
                ),
                f"unexpected part {name!r}",
            )
    for required in ("[Content_Types].xml", "xl/workbook.xml"):
        if required not in names:
            raise _bad(
                Msg.of("workbook.xlsx is not a valid XLSX file (no {name}).", name=required),
                f"missing {required}",
            )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in names:
            if not name.endswith(".rels") and name != "[Content_Types].xml":
                continue
            try:
                text = archive.read(name)
            except (zipfile.BadZipFile, ValueError, OSError, EOFError):
                raise _bad(
                    Msg.of("workbook.xlsx is not a valid XLSX file (a damaged part)."), name
                ) from None
            if b"external" in text.lower() or b"macroenabled" in text.lower():
                raise _bad(
                    Msg.of("it contains an external link or macros ({name}).", name=name[:120]),
                    f"external relationship in {name!r}",
                )


def _load(data: bytes) -> Any:
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), data_only=False, keep_links=False)
    except Exception:  # openpyxl raises many kinds on a broken file
        raise _bad(
            Msg.of("workbook.xlsx is not a valid XLSX file (it cannot be read)."), "openpyxl"
        ) from None


def _cells(ws: Any) -> Iterator[tuple[str, Any]]:
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None:
                yield cell.coordinate, cell


def _compare_workbooks(expected: Any, found: Any) -> None:
    if expected.sheetnames != found.sheetnames:
        raise _bad(
            Msg.of("its sheets are not the ones the results give."),
            f"sheets {found.sheetnames!r} != {expected.sheetnames!r}",
        )
    for want_ws, ws in zip(expected.worksheets, found.worksheets, strict=True):
        want = dict(_cells(want_ws))
        have = dict(_cells(ws))
        for coordinate in sorted(set(want) | set(have)):
            mine, theirs = want.get(coordinate), have.get(coordinate)
            theirs_value = None if theirs is None else theirs.value
            mine_value = None if mine is None else mine.value
            where = f"{ws.title}!{coordinate}"
            if theirs is not None and theirs.data_type == "f" and theirs_value != mine_value:
                raise _bad(
                    Msg.of(
                        "cell {cell} holds the formula {formula}, which this program does not "
                        "write.",
                        cell=where,
                        formula=str(theirs_value)[:80],
                    ),
                    f"foreign formula at {where}",
                )
            if theirs_value != mine_value:
                raise _bad(
                    Msg.of(
                        "cell {cell} holds {found}, but the results give {expected}.",
                        cell=where,
                        found=str(theirs_value)[:80],
                        expected=str(mine_value)[:80],
                    ),
                    f"cell {where} differs",
                )
        if _rules(ws) != _rules(want_ws):
            raise _bad(
                Msg.of(
                    "sheet {sheet} holds rules or links this program does not write.",
                    sheet=ws.title,
                ),
                f"validations, formatting or links in {ws.title}",
            )
    if _names(found) != _names(expected):
        raise _bad(
            Msg.of("it defines names or formulas this program does not write."), "defined names"
        )


def _rules(ws: Any) -> tuple[object, ...]:
    """What a sheet can hide a formula or a link in besides its cells."""
    links = tuple(
        (c.coordinate, str(c.hyperlink.target))
        for row in ws.iter_rows()
        for c in row
        if c.hyperlink
    )
    validations = tuple(str(v.formula1) for v in ws.data_validations.dataValidation)
    formatting = tuple(str(rule.formula) for cf in ws.conditional_formatting for rule in cf.rules)
    return links, validations, formatting


def _names(wb: Any) -> tuple[tuple[str, str], ...]:
    names = [(str(n), str(d.value)) for n, d in wb.defined_names.items()]
    for ws in wb.worksheets:
        names += [(f"{ws.title}!{n}", str(d.value)) for n, d in ws.defined_names.items()]
    return tuple(sorted(names))
