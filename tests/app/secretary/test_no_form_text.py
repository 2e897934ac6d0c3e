"""The secretary's side keeps no form text either (issue 12 item 1): packages whose every
form section holds a canary are imported and verified, the kit is issued, and no file under
the secretary's folder - the workspace with its ``-wal``/``-shm``, the stored packages, the
kit - holds the canary. The secretary's source of forms is the packages."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from app.domain.ids import MeetingId
from app.domain.meeting import Application, FormPart, FormSection
from app.i18n import LocalizedText
from app.secretary.kit import issue_kit
from app.secretary.packages import PackageOutcome, import_packages
from tests.app.crypto.pki_fixtures import NOW
from tests.app.package.helpers import small_application
from tests.app.secretary import helpers
from tests.app.secretary.helpers import Cast, setup_meeting_with_key
from tests.app.sheets.factory import make_rubric

CANARY = "CANARY-51b0d2"
CANARY_ZH = "金丝雀五一零"


def _canary_application() -> Application:
    app = small_application()
    text = LocalizedText(CANARY, CANARY_ZH)
    return replace(
        app,
        form=tuple(
            FormPart(p.key, text, tuple(FormSection(s.key, text, text) for s in p.sections))
            for p in app.form
        ),
    )


def test_no_form_text_in_the_secretary_folder(
    tmp_path: Path, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(helpers, "small_application", _canary_application)
    ws, packages, kit_path, key = setup_meeting_with_key(tmp_path, cast, make_rubric())
    try:
        results = import_packages(
            ws, cast.secretary, packages, meeting_key=key.key, actor="sec", now=NOW
        )
        assert [r.outcome for r in results][:3] == [PackageOutcome.IMPORTED] * 3
        issue_kit(ws, cast.secretary, kit_path, actor="sec", now=NOW)
        meeting = ws.meeting(MeetingId("sec-2026-04"))
        assert all(a.form == () for a in meeting.applications)
        assert all(p.application is None or p.application.form == () for p in ws.packages())
        files = [p for p in tmp_path.rglob("*") if p.is_file() and "incoming" not in p.parts]
        assert any(p.name.endswith(".sqlite-wal") for p in files)  # scanned while open
        assert any(p.suffix == ".oikit" for p in files)
        for path in files:
            data = path.read_bytes()
            assert CANARY.encode() not in data and CANARY_ZH.encode() not in data, path
    finally:
        ws.close()
