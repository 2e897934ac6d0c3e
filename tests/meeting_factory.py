"""Small meetings and rubrics built in code for storage and use-case tests.

Deliberately independent of the shipped default rubric and the demo data.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.domain.ids import ApplicationId, ExpertId, MeetingId
from app.domain.meeting import (
    AgendaItem,
    Application,
    Expert,
    ExpertRole,
    FormPart,
    FormSection,
    Meeting,
)
from app.domain.rubric import Rubric
from app.formats.rubric_file import parse_rubric
from app.i18n import LocalizedText

MEETING = MeetingId("m-2025-01")
EXPERT = ExpertId("e1")
OTHER_EXPERT = ExpertId("e2")
APP = ApplicationId("a1")
OTHER_APP = ApplicationId("a2")


def t(en: str, zh: str | None = None) -> LocalizedText:
    return LocalizedText(en=en, zh_CN=zh or f"中文 {en}")


def _loc(en: str) -> dict[str, str]:
    return {"en": en, "zh_CN": f"中文 {en}"}


def rubric_document(rubric_id: str = "test-rubric") -> dict[str, Any]:
    bands = ["excellent", "good", "fair", "poor"]
    return {
        "format": "review-desk/rubric",
        "version": 1,
        "id": rubric_id,
        "revision": 1,
        "title": _loc("Test rubric"),
        "bands": [
            {"key": "excellent", "name": _loc("Excellent"), "min_fraction": "0.9"},
            {"key": "good", "name": _loc("Good"), "min_fraction": "0.75"},
            {"key": "fair", "name": _loc("Fair"), "min_fraction": "0.6"},
            {"key": "poor", "name": _loc("Poor"), "min_fraction": "0"},
        ],
        "factors": [
            {
                "key": key,
                "name": _loc(key.capitalize()),
                "weight": "25",
                "max_points": "25",
                "step": "0.5",
                "descriptors": {b: _loc(f"{key} {b}") for b in bands},
                "guiding_questions": [_loc(f"Is the {key} sound?")],
            }
            for key in ("concept", "capability", "feasibility", "results")
        ],
        "basic_criteria": [
            {"key": "eligible", "text": _loc("Eligible unit"), "hint": _loc("Check status")},
            {"key": "unique", "text": _loc("No overlap"), "hint": _loc("Check sub-domain")},
        ],
    }


def make_rubric(rubric_id: str = "test-rubric") -> Rubric:
    return parse_rubric(rubric_document(rubric_id))


def make_meeting(rubric_id: str = "test-rubric", meeting_id: str = MEETING) -> Meeting:
    experts = (
        Expert(EXPERT, t("Li Wei", "李伟"), ExpertRole.OVERALL, t("Uni A"), t("Prof."), True),
        Expert(OTHER_EXPERT, t("Wang Fang", "王芳"), ExpertRole.DOMAIN, t("Inst B"), t("Dr.")),
    )
    applications = tuple(
        Application(
            id=app_id,
            applicant_unit=t(f"Unit {app_id}"),
            platform_name=t(f"Platform {app_id}", f"平台 {app_id}"),
            sub_domain=t("Materials"),
            sub_domain_tags=("materials", "testing"),
            form=(
                FormPart(
                    "I",
                    t("Concept"),
                    (FormSection("I.1", t("Aim"), t('Body text with <b>markup</b> & quotes"')),),
                ),
            ),
        )
        for app_id in (APP, OTHER_APP)
    )
    agenda = (
        AgendaItem(APP, 1, 20, 10, dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)),
        AgendaItem(OTHER_APP, 2, 20, 10),
    )
    return Meeting(
        id=MeetingId(meeting_id),
        title=t("Review meeting", "评审会"),
        date=dt.date(2025, 3, 1),
        venue=t("Room 1"),
        rubric_id=rubric_id,
        experts=experts,
        applications=applications,
        agenda=agenda,
    )


class Clock:
    """A test clock: each call is one second after the previous one."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self.now = start or dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=1)
        return self.now
