"""Which pages an expert may open, without Qt."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from app.domain.ids import ApplicationId, ExpertId, MeetingId, SheetId
from app.domain.sheet import ConflictDeclaration, ScoreSheet, SheetStatus
from app.expert.flow import ApplicationStatus, FlowState, Page

AT = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)


def _declaration(conflict: bool) -> ConflictDeclaration:
    return ConflictDeclaration(
        MeetingId("m"), ExpertId("e"), ApplicationId("a"), conflict, "r" if conflict else "", AT
    )


def _sheet(status: SheetStatus) -> ScoreSheet:
    return ScoreSheet(
        SheetId("s"), MeetingId("m"), ExpertId("e"), ApplicationId("a"), 1, 1, status,
        (), (), "", None, "", AT,
    )  # fmt: skip


def test_nothing_opens_before_the_declaration() -> None:
    state = FlowState(None, None)
    assert state.allowed_pages() == (Page.CONFLICT,)
    assert state.status is ApplicationStatus.NOT_STARTED
    assert state.landing(Page.SCORING) is Page.CONFLICT
    assert not state.editable


def test_no_conflict_opens_everything_and_lands_on_the_materials() -> None:
    state = FlowState(_declaration(False), None)
    assert state.allowed_pages() == tuple(Page)
    assert state.landing() is Page.MATERIALS
    assert state.landing(Page.SCORING) is Page.SCORING
    assert state.status is ApplicationStatus.IN_PROGRESS and state.editable
    assert state.next_page(Page.CRITERIA) is Page.SCORING
    assert state.next_page(Page.REVIEW) is None


def test_a_conflict_recuses() -> None:
    state = FlowState(_declaration(True), None)
    assert state.recused and state.status is ApplicationStatus.RECUSED
    assert state.allowed_pages() == (Page.CONFLICT,)
    assert state.landing(Page.MATERIALS) is Page.CONFLICT
    assert not state.editable


@pytest.mark.parametrize("status", [SheetStatus.SUBMITTED, SheetStatus.SUPERSEDED])
def test_a_frozen_sheet_is_read_only_and_lands_on_the_review(status: SheetStatus) -> None:
    state = FlowState(_declaration(False), _sheet(status))
    assert state.status is ApplicationStatus.SUBMITTED
    assert not state.editable
    assert state.landing() is Page.REVIEW


def test_a_new_draft_is_editable_again() -> None:
    state = FlowState(_declaration(False), dataclasses.replace(_sheet(SheetStatus.DRAFT)))
    assert state.editable and state.status is ApplicationStatus.IN_PROGRESS


def test_every_page_has_a_label() -> None:
    assert all(page.label for page in Page)
    assert all(status.label for status in ApplicationStatus)
