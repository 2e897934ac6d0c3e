"""Where the expert was: what comes back at sign-in, and how the hearing clock resumes."""

from __future__ import annotations

import datetime as dt

import pytest

from app.domain.ids import ApplicationId, ExpertId, MeetingId
from app.errors import StorageError
from app.expert.flow import Page
from app.expert.view_state import (
    ClockPhase,
    ExpertPlaces,
    ExpertViewState,
    HearingClock,
    OpenAttachment,
)
from app.i18n import Msg
from tests.meeting_factory import APP, EXPERT, MEETING, OTHER_APP, OTHER_EXPERT, make_meeting

AT = dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.UTC)
REPORT_MS = 20 * 60_000  # the factory agenda: 20 minutes of report, 10 of questions


class MemoryStates:
    """A ViewStateRepository in a dict, recording what was saved when."""

    def __init__(self) -> None:
        self.rows: dict[tuple[MeetingId, ExpertId], ExpertViewState] = {}
        self.saved_at: list[dt.datetime] = []

    def view_state(self, meeting_id: MeetingId, expert_id: ExpertId) -> ExpertViewState | None:
        return self.rows.get((meeting_id, expert_id))

    def save_view_state(
        self, meeting_id: MeetingId, expert_id: ExpertId, state: ExpertViewState, at: dt.datetime
    ) -> None:
        self.rows[(meeting_id, expert_id)] = state
        self.saved_at.append(at)


def places(repo: MemoryStates, expert: ExpertId = EXPERT, now: dt.datetime = AT) -> ExpertPlaces:
    return ExpertPlaces(repo, make_meeting(), expert, now=lambda: now)


def listed(*names: str) -> object:
    return lambda _app_id: set(names)


def clock(elapsed_ms: int, running: bool, at: dt.datetime = AT) -> HearingClock:
    return HearingClock(ClockPhase.REPORT, elapsed_ms, running, at)


# -- the hearing clock --------------------------------------------------------------------


def test_a_paused_clock_comes_back_exactly_as_it_was() -> None:
    later = AT + dt.timedelta(hours=5)
    resumed = clock(95_000, running=False).resumed(later, REPORT_MS)
    assert (resumed.elapsed_ms, resumed.running, resumed.halted) == (95_000, False, False)


def test_a_running_clock_keeps_counting_the_time_the_program_was_away() -> None:
    resumed = clock(95_000, running=True).resumed(AT + dt.timedelta(seconds=70), REPORT_MS)
    assert (resumed.elapsed_ms, resumed.running, resumed.halted) == (165_000, True, False)
    assert resumed.at == AT + dt.timedelta(seconds=70)


def test_a_running_clock_may_go_into_overtime_while_away() -> None:
    resumed = clock(REPORT_MS - 1000, running=True).resumed(AT + dt.timedelta(minutes=3), REPORT_MS)
    assert resumed.running and resumed.elapsed_ms == REPORT_MS + 179_000


@pytest.mark.parametrize(
    "away",
    [
        dt.timedelta(hours=16),  # reopened the next morning: the hearing is long over
        dt.timedelta(minutes=40),  # 1 s + 40 min: past twice the 20 allotted minutes
        -dt.timedelta(minutes=2),  # the wall clock went backwards
    ],
)
def test_a_running_clock_comes_back_paused_when_the_time_away_is_implausible(
    away: dt.timedelta,
) -> None:
    resumed = clock(1000, running=True).resumed(AT + away, REPORT_MS)
    assert (resumed.elapsed_ms, resumed.running, resumed.halted) == (1000, False, True)


def test_a_running_clock_resumes_up_to_twice_its_allotted_time() -> None:
    away = dt.timedelta(minutes=39, seconds=59)
    resumed = clock(1000, running=True).resumed(AT + away, REPORT_MS)
    assert (resumed.elapsed_ms, resumed.running) == (2 * REPORT_MS, True)


def test_a_clock_value_cannot_be_negative() -> None:
    with pytest.raises(ValueError):
        clock(-1, running=False)
    with pytest.raises(ValueError):
        OpenAttachment("budget.pdf", page=-1)
    with pytest.raises(ValueError):
        OpenAttachment("budget.pdf", zoom=0.0)


# -- loading and saving -------------------------------------------------------------------


def test_what_was_saved_comes_back() -> None:
    repo = MemoryStates()
    state = ExpertViewState(
        OTHER_APP, Page.MATERIALS, OpenAttachment("budget.pdf", 3, 1.44), clock(5000, False)
    )
    places(repo).save(state)
    assert repo.saved_at == [AT]
    loaded = places(repo).load(listed("budget.pdf", "plan.pdf"))
    assert loaded == ExpertViewState(
        OTHER_APP, Page.MATERIALS, OpenAttachment("budget.pdf", 3, 1.44), clock(5000, False)
    )


def test_nothing_saved_loads_as_nothing() -> None:
    assert places(MemoryStates()).load(listed()) is None


def test_one_experts_place_is_not_anothers() -> None:
    repo = MemoryStates()
    places(repo, EXPERT).save(ExpertViewState(OTHER_APP, Page.SCORING))
    assert places(repo, OTHER_EXPERT).load(listed()) is None
    assert places(repo, EXPERT).load(listed()) == ExpertViewState(OTHER_APP, Page.SCORING)


def test_an_application_no_longer_in_the_meeting_is_ignored() -> None:
    repo = MemoryStates()
    repo.rows[(MEETING, EXPERT)] = ExpertViewState(ApplicationId("gone"), Page.SCORING)
    assert places(repo).load(listed()) is None


def test_an_attachment_no_longer_listed_is_dropped_and_the_rest_kept() -> None:
    repo = MemoryStates()
    places(repo).save(ExpertViewState(APP, Page.MATERIALS, OpenAttachment("old.pdf", 2)))
    assert places(repo).load(listed("new.pdf")) == ExpertViewState(APP, Page.MATERIALS)


def test_an_unreadable_package_drops_only_the_attachment() -> None:
    def broken(_app_id: ApplicationId) -> set[str]:
        raise StorageError(Msg.of("The package is damaged."))

    repo = MemoryStates()
    places(repo).save(ExpertViewState(APP, Page.HEARING, OpenAttachment("budget.pdf")))
    assert places(repo).load(broken) == ExpertViewState(APP, Page.HEARING)


def test_a_running_clock_is_resumed_on_loading_with_its_phase_time() -> None:
    repo = MemoryStates()
    qa = HearingClock(ClockPhase.QA, 60_000, True, AT)
    places(repo).save(ExpertViewState(APP, Page.HEARING, clock=qa))
    # Questions have 10 minutes: 25 minutes away is past twice that, so it comes back paused.
    late = places(repo, now=AT + dt.timedelta(minutes=25)).load(listed())
    assert late is not None and late.clock == HearingClock(
        ClockPhase.QA, 60_000, False, AT + dt.timedelta(minutes=25), halted=True
    )
    soon = places(repo, now=AT + dt.timedelta(seconds=30)).load(listed())
    assert soon is not None and soon.clock is not None
    assert (soon.clock.elapsed_ms, soon.clock.running) == (90_000, True)


def test_an_application_missing_from_the_agenda_has_no_time() -> None:
    assert places(MemoryStates()).allotted_ms(ApplicationId("gone"), ClockPhase.REPORT) == 0
    assert places(MemoryStates()).allotted_ms(APP, ClockPhase.QA) == 10 * 60_000
