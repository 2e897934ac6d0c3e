"""The checks across meetings (``app.ministry.checks``), as pure functions over the values
the store returns: sub-domain overlaps between recommended applications of different
meetings and with the approved platforms in force, an expert of the applicant unit, and the
same applicant unit in several meetings."""

from __future__ import annotations

import dataclasses

from app.i18n import LocalizedText
from app.ministry.checks import (
    MeetingOverlap,
    OrganisationConflict,
    PlatformOverlap,
    RepeatedUnit,
    all_flags,
    normalised_name,
    organisation_conflicts,
    repeated_units,
    same_name,
    sub_domain_overlaps,
)
from app.ministry.model import (
    ApplicationRow,
    ApprovedPlatformEntry,
    ExpertAppearance,
    PlatformDraft,
)


def row(
    meeting: str,
    application: str,
    unit: str,
    tags: tuple[str, ...],
    *,
    sub_domain: str = "Medical imaging",
    passed: bool = True,
    status: str = "consolidated",
) -> ApplicationRow:
    return ApplicationRow(
        meeting_id=meeting,
        meeting_title=LocalizedText(meeting, meeting),
        meeting_date="2026-03-01",
        bundle_version=1,
        round=1,
        is_demo=False,
        application_id=application,
        hearing_position=1,
        applicant_unit=LocalizedText(unit, unit + "（中文）"),
        platform_name=LocalizedText(f"Platform {application}", f"平台 {application}"),
        status=status,
        total_presented="80.00",
        rank=1,
        votes_for=3,
        eligible=4,
        needed=3,
        passed=passed,
        figures=(),
        opinion_recommendation=None,
        opinion_approved=False,
        bundle_sha256="ab" * 32,
        results_sha256="cd" * 32,
        imported_at="2026-03-02T09:00:00+00:00",
        sub_domain=LocalizedText(sub_domain, "医学影像"),
        sub_domain_tags=tags,
    )


def platform(pid: int, tags: tuple[str, ...], *, removed: bool = False) -> ApprovedPlatformEntry:
    return ApprovedPlatformEntry(
        id=pid,
        platform=PlatformDraft(
            LocalizedText(f"Approved {pid}", f"已批准 {pid}"),
            LocalizedText("Entrusted Unit", "承建单位"),
            LocalizedText("Pathology", "病理"),
            tags,
            2023,
            f"REF-{pid}",
        ),
        added_at="2026-01-01T00:00:00+00:00",
        added_by="officer",
        added_reason="listed",
        removed_at="2026-01-02T00:00:00+00:00" if removed else None,
        removed_by="officer" if removed else None,
        removed_reason="withdrawn" if removed else None,
    )


def expert(meeting: str, expert_id: str, organisation: LocalizedText) -> ExpertAppearance:
    return ExpertAppearance(
        fingerprint=f"FP-{expert_id}",
        meeting_id=meeting,
        meeting_title=LocalizedText(meeting, meeting),
        meeting_date="2026-03-01",
        expert_id=expert_id,
        name=LocalizedText(f"Expert {expert_id}", f"专家 {expert_id}"),
        organisation=organisation,
        role="domain",
        is_chair=False,
    )


def test_names_compare_normalised_in_either_language() -> None:
    assert normalised_name("  Ｔｅｓｔ   Unit\t") == "test unit"
    assert same_name(LocalizedText("Test  UNIT", "甲"), LocalizedText("test unit", "乙"))
    assert same_name(LocalizedText("A", "测试单位"), LocalizedText("B", "测试单位 "))
    assert not same_name(LocalizedText("", ""), LocalizedText("", ""))


def test_recommended_applications_of_different_meetings_sharing_a_tag_overlap_once() -> None:
    rows = (
        row("m1", "a1", "Unit A", ("medical imaging", "pathology")),
        row("m1", "a2", "Unit B", ("medical imaging",)),  # same meeting: the secretary's check
        row("m2", "a1", "Unit C", ("pathology",)),
        row("m2", "a2", "Unit D", ("pathology",), passed=False),  # not recommended
        row("m3", "a1", "Unit E", ("speech",)),
    )
    [flag] = sub_domain_overlaps(rows)
    assert isinstance(flag, MeetingOverlap)
    assert (flag.application.label, flag.other.label, flag.shared) == (
        "m1/a1",
        "m2/a1",
        ("pathology",),
    )
    text = flag.message.in_language("en")
    assert "m1/a1" in text and "m2/a1" in text and "“pathology”" in text
    assert "m1/a1" in flag.message.in_language("zh_CN")


def test_an_application_overlaps_an_approved_platform_in_force_only() -> None:
    rows = (row("m1", "a1", "Unit A", ("pathology", "speech")),)
    flags = sub_domain_overlaps(
        rows, (platform(1, ("pathology",)), platform(2, ("speech",), removed=True))
    )
    [flag] = flags
    assert isinstance(flag, PlatformOverlap) and flag.platform.id == 1
    assert flag.shared == ("pathology",)
    assert "Approved 1" in flag.message.in_language("en")
    assert "已批准 1" in flag.message.in_language("zh_CN")


def test_meetings_without_tags_are_compared_on_their_sub_domain_names() -> None:
    rows = (
        row("m1", "a1", "Unit A", (), sub_domain="Medical  Imaging"),
        row("m2", "a1", "Unit B", ("x",), sub_domain="medical imaging"),
    )
    [flag] = sub_domain_overlaps(rows)
    assert isinstance(flag, MeetingOverlap) and flag.shared == ("Medical  Imaging",)
    untagged = (row("m1", "a1", "Unit A", (), sub_domain="Pathology"),)
    [hit] = sub_domain_overlaps(untagged, (platform(1, ("pathology",)),))
    assert isinstance(hit, PlatformOverlap)


def test_an_expert_of_the_applicant_unit_is_flagged_in_that_meeting_only() -> None:
    rows = (row("m1", "a1", "Test Unit", ()), row("m2", "a1", "Other Unit", ()))
    experts = (
        expert("m1", "e1", LocalizedText("test  unit", "别的")),
        expert("m1", "e2", LocalizedText("Elsewhere", "测试")),
        expert("m2", "e3", LocalizedText("Test Unit", "x")),  # another meeting's applicant
        expert("m2", "e4", LocalizedText("Nope", "Other Unit（中文）")),  # by the Chinese name
    )
    flags = organisation_conflicts(rows, experts)
    assert [(f.application.label, f.expert.expert_id) for f in flags] == [
        ("m1/a1", "e1"),
        ("m2/a1", "e4"),
    ]
    assert "e1" in flags[0].message.in_language("en")


def test_the_same_applicant_unit_in_several_meetings() -> None:
    rows = (
        row("m1", "a1", "Unit A", ()),
        row("m1", "a2", "Unit B", ()),
        row("m2", "a7", "UNIT  a", ()),
        row("m2", "a8", "Unit B", ()),
        row("m2", "a9", "Unit C", ()),
        row("m3", "a1", "Unit C", ()),
    )
    flags = repeated_units(rows)
    assert [[a.label for a in f.applications] for f in flags] == [
        ["m1/a1", "m2/a7"],
        ["m1/a2", "m2/a8"],
        ["m2/a9", "m3/a1"],
    ]
    assert "2 meetings" in flags[0].message.in_language("en")
    assert repeated_units((row("m1", "a1", "U", ()), row("m1", "a2", "U", ()))) == ()


def test_all_flags_in_order() -> None:
    rows = (row("m1", "a1", "Unit A", ("pathology",)), row("m2", "a1", "Unit A", ("pathology",)))
    experts = (expert("m1", "e1", LocalizedText("Unit A", "")),)
    kinds = [type(f) for f in all_flags(rows, experts, (platform(1, ("pathology",)),))]
    assert kinds == [
        MeetingOverlap,
        PlatformOverlap,
        PlatformOverlap,
        OrganisationConflict,
        RepeatedUnit,
    ]
    assert dataclasses.is_dataclass(kinds[0])
