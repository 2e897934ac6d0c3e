"""The meeting, its roster of experts, its applications and its agenda."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from app.domain.ids import ApplicationId, ExpertId, MeetingId
from app.i18n import N_, LocalizedText


class ExpertRole(enum.Enum):
    """Overall experts (综合专家) and domain experts (领域专家), guidance section V(2)."""

    OVERALL = "overall"
    DOMAIN = "domain"

    @property
    def label(self) -> str:
        return {ExpertRole.OVERALL: N_("Overall expert"), ExpertRole.DOMAIN: N_("Domain expert")}[
            self
        ]


@dataclass(frozen=True)
class Expert:
    id: ExpertId
    name: LocalizedText
    role: ExpertRole
    organisation: LocalizedText
    title: LocalizedText
    is_chair: bool = False
    fingerprint: str = ""
    """Short fingerprint of the expert's certificate, read aloud against the sign-in sheet."""


@dataclass(frozen=True)
class FormSection:
    """One numbered item of the application form (Appendix outline, e.g. II.3)."""

    key: str
    title: LocalizedText
    body: LocalizedText


@dataclass(frozen=True)
class FormPart:
    """One of the four parts I-IV of the application form."""

    key: str
    title: LocalizedText
    sections: tuple[FormSection, ...]


@dataclass(frozen=True)
class Application:
    id: ApplicationId
    applicant_unit: LocalizedText
    platform_name: LocalizedText
    sub_domain: LocalizedText
    sub_domain_tags: tuple[str, ...]
    """Normalised keywords of the sub-domain, used by the overlap check."""
    form: tuple[FormPart, ...] = ()
    """Parts I-IV, only where the application was read from its package (or a source
    meeting file); empty in a kit's meeting and in every workspace (DESIGN section 3)."""


@dataclass(frozen=True)
class AgendaItem:
    application_id: ApplicationId
    position: int
    """1-based hearing order."""
    report_minutes: int
    qa_minutes: int
    starts_at: dt.datetime | None = None


@dataclass(frozen=True)
class Meeting:
    id: MeetingId
    title: LocalizedText
    date: dt.date
    venue: LocalizedText
    rubric_id: str
    experts: tuple[Expert, ...]
    applications: tuple[Application, ...]
    agenda: tuple[AgendaItem, ...]
    is_demo: bool = False

    def expert(self, expert_id: str) -> Expert:
        for e in self.experts:
            if e.id == expert_id:
                return e
        raise KeyError(expert_id)

    def application(self, application_id: str) -> Application:
        for a in self.applications:
            if a.id == application_id:
                return a
        raise KeyError(application_id)

    def applications_in_order(self) -> tuple[Application, ...]:
        by_id = {a.id: a for a in self.applications}
        return tuple(by_id[item.application_id] for item in sorted(self.agenda, key=_pos))

    @property
    def chair(self) -> Expert | None:
        return next((e for e in self.experts if e.is_chair), None)


def _pos(item: AgendaItem) -> int:
    return item.position
