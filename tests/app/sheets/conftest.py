"""Session fixtures: one PKI, one set of people and one meeting for every sheet test; and per
test module the signed items of expert 1 and one sheet file written from them."""

from __future__ import annotations

import pytest

from app.domain.meeting import Meeting
from app.domain.rubric import Rubric
from app.sheets import SignedDocument, sign_recusal, sign_sheet, write_sheet_file
from tests.app.crypto.pki_fixtures import NOW, PkiFixture, shared_pki
from tests.app.sheets.factory import (
    A1,
    A2,
    People,
    Written,
    context_for,
    make_meeting,
    make_notes,
    make_people,
    make_recusal,
    make_rubric,
    make_sheet,
)


@pytest.fixture(scope="session")
def pkiset(tmp_path_factory: pytest.TempPathFactory) -> PkiFixture:
    return shared_pki(tmp_path_factory)


@pytest.fixture(scope="session")
def people(pkiset: PkiFixture) -> People:
    return make_people(pkiset)


@pytest.fixture(scope="session")
def meeting(people: People) -> Meeting:
    return make_meeting(people)


@pytest.fixture(scope="session")
def rubric() -> Rubric:
    return make_rubric()


@pytest.fixture(scope="module")
def items(people: People, meeting: Meeting) -> tuple[SignedDocument, ...]:
    context = context_for(people, meeting)
    return (
        sign_sheet(make_sheet(A1), context, people.expert1, NOW),
        sign_sheet(
            make_sheet(A1, version=2, scores=("21", "18.5", "22", "15")),
            context,
            people.expert1,
            NOW,
        ),
        sign_recusal(make_recusal(A2), context, people.expert1, NOW),
    )


@pytest.fixture(scope="module")
def written(
    people: People,
    meeting: Meeting,
    items: tuple[SignedDocument, ...],
    tmp_path_factory: pytest.TempPathFactory,
) -> Written:
    path = tmp_path_factory.mktemp("stick") / "li-wei.oisheet"
    result = write_sheet_file(
        path,
        items,
        make_notes(),
        context_for(people, meeting),
        people.expert1,
        people.secretary.certificate,
        NOW,
        round=1,
        trust_roots=people.roots,
    )
    data = path.read_bytes()
    assert result.path == path and result.size == len(data)
    return Written(path, data, items)
