"""The desk's session without Qt: which files are bundles, and what the session keeps."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.ministry.desk import BundleCheck, DeskSession, NoBundlesError, bundle_files
from tests.ui.ministry.fake_store import register_rows


def test_bundle_files_takes_files_as_chosen_and_the_bundles_of_a_folder(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("b.oibundle", "a.oibundle", "notes.txt"):
        (inbox / name).write_bytes(b"x")
    (inbox / "sub.oibundle").mkdir()  # a folder named like a bundle is not one
    single = tmp_path / "single.oibundle"
    single.write_bytes(b"x")
    chosen = [single, inbox, inbox / "a.oibundle"]
    assert bundle_files(chosen) == (single, inbox / "a.oibundle", inbox / "b.oibundle")


def test_a_choice_without_bundles_is_refused_with_a_message(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_bytes(b"x")
    with pytest.raises(NoBundlesError) as caught:
        bundle_files([tmp_path])
    assert "no result bundle" in caught.value.message
    assert caught.value.recommendation


def test_the_session_gives_only_the_register_row_for_a_bundle_it_did_not_import() -> None:
    session = DeskSession()
    row = register_rows(1)[0]
    session.keep(BundleCheck(Path("refused.oibundle"), (), None, None))  # ignored
    detail = session.detail(row)
    assert len(session) == 0
    assert detail.row is row
    assert (detail.recorded, detail.opinion, detail.report_pdf) == (None, None, None)
