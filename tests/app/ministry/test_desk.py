"""The desk without Qt: which files are bundles, and what an application shows when the
store no longer has it."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.ministry.desk import NoBundlesError, application_view, bundle_files
from tests.ui.ministry.fake_store import RegisterOnlyStore, register_rows


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


def test_an_application_gone_from_the_store_shows_only_its_register_row() -> None:
    row = register_rows(1)[0]
    view = application_view(RegisterOnlyStore((row,)), row)
    assert view.row is row
    assert (view.figures, view.vote, view.opinion, view.report_pdf) == ((), None, None, None)
