"""The demo meeting shipped in ``resources/demo/``: fictional units, people and applications.

It lets a new user (or a trainer) walk through a whole meeting without real, confidential
material, and it gives tests and screenshots one realistic, fully bilingual data set. Two of its
applications deliberately share a sub-domain so that the overlap check has something to find.
"""

from __future__ import annotations

from app.domain.meeting import Meeting
from app.domain.rubric import Rubric
from app.formats.meeting_file import check_rubric, load_meeting_file
from app.formats.rubric_file import load_default_rubric
from app.paths import DEMO

DEMO_MEETING = DEMO / "meeting.json"


def load_demo() -> tuple[Meeting, Rubric]:
    """The demo meeting and the rubric it is scored with (the default rubric).

    Refuses a demo file whose ``rubric_id`` names another rubric: scoring it against the wrong
    rubric would look plausible and be silently wrong.
    """
    meeting = load_meeting_file(DEMO_MEETING)
    rubric = load_default_rubric()
    check_rubric(meeting, rubric)
    return meeting, rubric
