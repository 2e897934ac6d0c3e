"""Checks across every imported meeting (pure functions over what the store returns):

- :func:`sub_domain_overlaps`: an application recommended in one meeting shares its
  sub-domain with one recommended in another meeting, or with an approved platform in
  force. Tags are compared as the secretary's check compares them within a meeting
  (:func:`app.secretary.overlap.find_overlaps`, reused here over the applications of all
  meetings); a meeting imported before the tags were kept (ministry schema 1) is compared
  on its sub-domain names instead, normalised by :func:`normalised_name`.
- :func:`organisation_conflicts`: an expert of a meeting whose organisation is the
  applicant unit of an application of that meeting.
- :func:`repeated_units`: the same applicant unit in several meetings.

Each flag is a frozen value with a :class:`~app.i18n.Msg` that says what was found.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from app.domain.ids import ApplicationId
from app.domain.meeting import Application
from app.i18n import LocalizedText, Msg
from app.ministry.model import (
    ApplicationRow,
    ApprovedPlatformEntry,
    ExpertAppearance,
    Outcome,
)
from app.ministry.platforms import or_dash
from app.secretary.overlap import ApprovedPlatform, OverlapKind, find_overlaps

_SPACE = re.compile(r"\s+")
_SEPARATOR = "\x1f"
"""Joins meeting and application id into one key the secretary's check can compare."""


def normalised_name(text: str) -> str:
    """A name as names are compared: Unicode NFKC (full-width letters and spaces folded),
    case-folded, runs of white space collapsed to one space, ends stripped."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def same_name(a: LocalizedText, b: LocalizedText) -> bool:
    """Equal after :func:`normalised_name` in English or in Chinese (a blank never matches)."""
    return any(
        x and x == y
        for x, y in (
            (normalised_name(a.en), normalised_name(b.en)),
            (normalised_name(a.zh_CN), normalised_name(b.zh_CN)),
        )
    )


@dataclass(frozen=True)
class ApplicationRef:
    """An application of a meeting, as a flag names it."""

    meeting_id: str
    application_id: str
    platform_name: LocalizedText
    applicant_unit: LocalizedText

    @classmethod
    def of(cls, row: ApplicationRow) -> ApplicationRef:
        return cls(row.meeting_id, row.application_id, row.platform_name, row.applicant_unit)

    @property
    def label(self) -> str:
        return f"{self.meeting_id}/{self.application_id}"


@dataclass(frozen=True)
class MeetingOverlap:
    """Two applications recommended in different meetings share a sub-domain: ``shared``
    are the tags in common (or, without tags, the sub-domain name)."""

    application: ApplicationRef
    other: ApplicationRef
    shared: tuple[str, ...]

    @property
    def message(self) -> Msg:
        return Msg.of(
            "{application} ({name}) and {other} ({other_name}) are both recommended for the "
            "same sub-domain ({shared}) in different meetings.",
            application=self.application.label,
            name=self.application.platform_name,
            other=self.other.label,
            other_name=self.other.platform_name,
            shared=_quoted(self.shared),
        )


@dataclass(frozen=True)
class PlatformOverlap:
    """An application recommended for a sub-domain an approved platform already covers."""

    application: ApplicationRef
    platform: ApprovedPlatformEntry
    shared: tuple[str, ...]

    @property
    def message(self) -> Msg:
        return Msg.of(
            "{application} ({name}) is recommended for a sub-domain ({shared}) that the "
            "approved platform {platform} ({entrusted}, {year}) already covers.",
            application=self.application.label,
            name=self.application.platform_name,
            shared=_quoted(self.shared),
            platform=self.platform.platform.platform_name,
            entrusted=or_dash(self.platform.platform.entrusted_unit),
            year=self.platform.platform.approved_year,
        )


@dataclass(frozen=True)
class OrganisationConflict:
    """An expert of the meeting works for the applicant unit of one of its applications."""

    application: ApplicationRef
    expert: ExpertAppearance

    @property
    def message(self) -> Msg:
        return Msg.of(
            "Expert {expert} ({name}) of meeting {meeting} belongs to {organisation}, the "
            "applicant unit of {application}.",
            expert=self.expert.expert_id,
            name=self.expert.name,
            meeting=self.expert.meeting_id,
            organisation=self.expert.organisation,
            application=self.application.label,
        )


@dataclass(frozen=True)
class RepeatedUnit:
    """One applicant unit with applications in several meetings (``applications`` by
    meeting id)."""

    unit: LocalizedText
    applications: tuple[ApplicationRef, ...]

    @property
    def message(self) -> Msg:
        return Msg.of(
            "{unit} applies in {count} meetings: {applications}.",
            unit=self.unit,
            count=len({a.meeting_id for a in self.applications}),
            applications=", ".join(a.label for a in self.applications),
        )


Flag = MeetingOverlap | PlatformOverlap | OrganisationConflict | RepeatedUnit


def sub_domain_overlaps(
    rows: Sequence[ApplicationRow], platforms: Sequence[ApprovedPlatformEntry] = ()
) -> tuple[MeetingOverlap | PlatformOverlap, ...]:
    """Overlaps of the recommended applications: with one recommended in another meeting
    (each pair once, in register order) and with every approved platform in force."""
    recommended = [r for r in rows if r.outcome is Outcome.RECOMMENDED]
    by_key = {_key(r): r for r in recommended}
    in_force = [p for p in platforms if p.in_force]
    by_platform = {str(p.id): p for p in in_force}
    findings = find_overlaps(
        [_as_application(r) for r in recommended if r.sub_domain_tags],
        [
            ApprovedPlatform(str(p.id), p.platform.platform_name, p.platform.approved_year, tags)
            for p in in_force
            if (tags := p.platform.sub_domain_tags)
        ],
    )
    flags: list[MeetingOverlap | PlatformOverlap] = []
    seen: set[tuple[str, str]] = set()
    for f in findings:
        mine = by_key[f.application_id]
        if f.kind is OverlapKind.PLATFORM:
            flags.append(
                PlatformOverlap(ApplicationRef.of(mine), by_platform[f.other_id], f.shared_tags)
            )
            continue
        theirs = by_key[ApplicationId(f.other_id)]
        pair = (min(_key(mine), _key(theirs)), max(_key(mine), _key(theirs)))
        if mine.meeting_id != theirs.meeting_id and pair not in seen:
            seen.add(pair)
            flags.append(
                MeetingOverlap(ApplicationRef.of(mine), ApplicationRef.of(theirs), f.shared_tags)
            )
    # Meetings without tags (imported at schema 1): the sub-domain names.
    for i, mine in enumerate(recommended):
        for theirs in recommended[i + 1 :]:
            if (
                mine.meeting_id != theirs.meeting_id
                and not (mine.sub_domain_tags and theirs.sub_domain_tags)
                and same_name(mine.sub_domain, theirs.sub_domain)
            ):
                flags.append(
                    MeetingOverlap(
                        ApplicationRef.of(mine), ApplicationRef.of(theirs), (str(mine.sub_domain),)
                    )
                )
        if not mine.sub_domain_tags:
            for p in in_force:
                if same_name(mine.sub_domain, p.platform.sub_domain):
                    flags.append(
                        PlatformOverlap(ApplicationRef.of(mine), p, (str(mine.sub_domain),))
                    )
    return tuple(flags)


def organisation_conflicts(
    rows: Sequence[ApplicationRow], experts: Sequence[ExpertAppearance]
) -> tuple[OrganisationConflict, ...]:
    """Every (application, expert of the same meeting) whose organisation is the applicant
    unit, in register order then roster order."""
    by_meeting: dict[str, list[ExpertAppearance]] = {}
    for e in experts:
        by_meeting.setdefault(e.meeting_id, []).append(e)
    return tuple(
        OrganisationConflict(ApplicationRef.of(row), expert)
        for row in rows
        for expert in by_meeting.get(row.meeting_id, ())
        if same_name(expert.organisation, row.applicant_unit)
    )


def repeated_units(rows: Sequence[ApplicationRow]) -> tuple[RepeatedUnit, ...]:
    """Applicant units (by normalised name, English or Chinese) found in more than one
    meeting, in the order of their first application."""
    groups: list[list[ApplicationRow]] = []
    for row in rows:
        group = next(
            (g for g in groups if same_name(g[0].applicant_unit, row.applicant_unit)), None
        )
        if group is None:
            groups.append([row])
        else:
            group.append(row)
    return tuple(
        RepeatedUnit(g[0].applicant_unit, tuple(ApplicationRef.of(r) for r in g))
        for g in groups
        if len({r.meeting_id for r in g}) > 1
    )


def all_flags(
    rows: Sequence[ApplicationRow],
    experts: Sequence[ExpertAppearance],
    platforms: Sequence[ApprovedPlatformEntry],
) -> tuple[Flag, ...]:
    """Every flag of the three checks, overlaps first."""
    return (
        *sub_domain_overlaps(rows, platforms),
        *organisation_conflicts(rows, experts),
        *repeated_units(rows),
    )


def _key(row: ApplicationRow) -> ApplicationId:
    return ApplicationId(row.meeting_id + _SEPARATOR + row.application_id)


def _as_application(row: ApplicationRow) -> Application:
    return Application(
        id=_key(row),
        applicant_unit=row.applicant_unit,
        platform_name=row.platform_name,
        sub_domain=row.sub_domain,
        sub_domain_tags=row.sub_domain_tags,
    )


def _quoted(shared: tuple[str, ...]) -> str:
    return ", ".join(f"“{t}”" for t in shared)
