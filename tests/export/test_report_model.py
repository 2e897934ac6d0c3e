"""The report input: validation, spreadsheet-style letters, anonymised explanations."""

from __future__ import annotations

import dataclasses

import pytest

from app.errors import ValidationError
from export.report_model import letters
from tests.export.report_fixtures import AT, build_input


def test_letters() -> None:
    assert [letters(i) for i in (0, 1, 25, 26, 27, 51, 52)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
    ]


@pytest.mark.parametrize(
    "change",
    [
        {"language": "fr"},
        {"results_hash": "ABC"},
        {"generated_at": AT.replace(tzinfo=None)},
        {"document_id": ""},
    ],
)
def test_bad_input_is_refused(change: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        dataclasses.replace(build_input("en"), **change)  # type: ignore[arg-type]


def test_anonymised_explanations_hide_names() -> None:
    named, anon = build_input("en"), build_input("en", anonymise=True)
    fig = named.result.applications[0].total
    assert fig is not None
    text = anon.figure_text(fig.explanation)
    assert "Expert " in text
    assert not any(e.name.en in text for e in anon.meeting.experts)
    assert any(e.name.en in named.figure_text(fig.explanation) for e in named.meeting.experts)
