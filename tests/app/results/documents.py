"""A synthetic scenario's bundle with a real report and workbook: rendered from the
verified bundle, signed by the scenario's chair (e01) then its secretary, as publishing
does, so the ministry's document checks (``export.bundle_checks``) accept it."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path
from typing import Any

from app.results import BundleInput, ReportRendering, build_bundle, report_fields, verify_bundle
from tests.app.results.factory import SIGNED_AT, VERIFY_AT, Scenario


def with_documents(scenario: Scenario, **overrides: Any) -> BundleInput:
    """``scenario.bundle_input(**overrides)`` with the signed report and the workbook."""
    from export.pades import CHAIR_FIELD, SECRETARY_FIELD, prepare_for_signing, sign_pdf
    from export.report_model import ReportInput
    from export.report_pdf import render_report
    from export.xlsx import render_workbook

    base = scenario.bundle_input(**overrides, pdf_bytes=None, xlsx_bytes=None)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plain.oibundle"
        build_bundle(base, scenario.secretary, path, SIGNED_AT)
        verified = verify_bundle(path.read_bytes(), scenario.roots, VERIFY_AT)
    rendering = ReportRendering("en", f"{verified.meeting_id}-test", SIGNED_AT, False)
    inp = ReportInput(**report_fields(verified, rendering))
    pdf = prepare_for_signing(render_report(inp))
    pdf = sign_pdf(pdf, CHAIR_FIELD, scenario.experts["e01"], "chair", "test", SIGNED_AT)
    pdf = sign_pdf(pdf, SECRETARY_FIELD, scenario.secretary, "secretary", "test", SIGNED_AT)
    return dataclasses.replace(base, pdf_bytes=pdf, xlsx_bytes=render_workbook(inp))
