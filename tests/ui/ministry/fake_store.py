"""A register of thousands of applications without building thousands of bundles: an
in-memory :class:`app.ministry.ports.MinistryStore` for the window's register tests and
``bench/bench_ministry_ui.py`` only (every other desk test imports real bundles)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from app.i18n import LocalizedText
from app.ministry.decisions import DecisionSubject, RecordedBatch, RecordedDecision
from app.ministry.model import (
    ApplicationDetail,
    ApplicationRow,
    ApprovedPlatformEntry,
    BundleKey,
    BundleRecord,
    ExpertAppearance,
    ImportedBundle,
    PlatformDraft,
    Refusal,
    RefusalLog,
)

SUB_DOMAINS = (
    LocalizedText("Artificial intelligence", "人工智能"),
    LocalizedText("Integrated circuits", "集成电路"),
    LocalizedText("Biomedicine", "生物医药"),
    LocalizedText("New materials", "新材料"),
    LocalizedText("Marine engineering", "海洋工程"),
)
STATUSES = ("consolidated", "consolidated", "consolidated", "not_enough_sheets")


def register_rows(count: int, per_meeting: int = 20) -> tuple[ApplicationRow, ...]:
    """``count`` register rows over ``count / per_meeting`` meetings, varied enough that
    every filter and sort has work to do."""
    rows = []
    for i in range(count):
        meeting = i // per_meeting
        position = i % per_meeting + 1
        status = STATUSES[i % len(STATUSES)]
        total = None if status != "consolidated" else f"{60 + (i * 37) % 40}.{i % 100:02d}"
        rows.append(
            ApplicationRow(
                meeting_id=f"m-2026-{meeting:03d}",
                meeting_title=LocalizedText(f"Review meeting {meeting}", f"评审会 {meeting}"),
                meeting_date="2026-03-01",
                bundle_version=1,
                round=1,
                is_demo=False,
                application_id=f"a{position}",
                hearing_position=position,
                applicant_unit=LocalizedText(f"Institute {i}", f"研究所 {i}"),
                platform_name=LocalizedText(f"Open platform {i}", f"开放平台 {i}"),
                sub_domain=SUB_DOMAINS[i % len(SUB_DOMAINS)],
                status=status,
                total_presented=total,
                rank=None if total is None else position,
                votes_for=i % 8,
                eligible=7,
                needed=5,
                passed=status == "consolidated" and i % 8 >= 5,
                figures=(("total", total or "—"),),
                opinion_recommendation="recommend" if i % 3 else None,
                opinion_approved=i % 2 == 0,
                bundle_sha256=f"{i:064x}",
                results_sha256=f"{i + 1:064x}",
                imported_at="2026-03-02T09:00:00+00:00",
            )
        )
    return tuple(rows)


class RegisterOnlyStore:
    """Reads ``rows`` as the register and an empty history; refuses to write."""

    def __init__(self, rows: tuple[ApplicationRow, ...]) -> None:
        self.rows = rows

    @contextmanager
    def transaction(self, actor: str, at: dt.datetime) -> Iterator[None]:
        yield

    def bundle_keys(self, meeting_id: str) -> tuple[BundleKey, ...]:
        return ()

    def add_bundle(self, record: BundleRecord, replaces: int | None) -> None:
        raise AssertionError("the register tests import nothing")

    def imported_bundles(self) -> tuple[ImportedBundle, ...]:
        return ()

    def application_rows(self) -> tuple[ApplicationRow, ...]:
        return self.rows

    # the desk's reads beyond the register: nothing recorded, nothing kept

    def application_detail(self, meeting_id: str, application_id: str) -> ApplicationDetail | None:
        return None

    def report_pdf(self, meeting_id: str) -> bytes | None:
        return None

    def expert_appearances(self, fingerprint: str | None = None) -> tuple[ExpertAppearance, ...]:
        return ()

    def approved_platforms(
        self, *, include_removed: bool = False
    ) -> tuple[ApprovedPlatformEntry, ...]:
        return ()

    def add_platform(self, draft: PlatformDraft, reason: str) -> ApprovedPlatformEntry:
        raise AssertionError("the register tests change nothing")

    def remove_platform(self, platform_id: int, reason: str) -> ApprovedPlatformEntry:
        raise AssertionError("the register tests change nothing")

    # no decisions either

    def decision_subjects(self) -> tuple[DecisionSubject, ...]:
        return ()

    def decision_subject(self, meeting_id: str, application_id: str) -> DecisionSubject | None:
        return None

    def decisions(self) -> tuple[RecordedDecision, ...]:
        return ()

    def decision_versions(
        self, meeting_id: str, application_id: str
    ) -> tuple[RecordedDecision, ...]:
        return ()

    def add_decision(self, decision: RecordedDecision) -> None:
        raise AssertionError("the register tests change nothing")

    def batches(self) -> tuple[RecordedBatch, ...]:
        return ()

    def add_batch(self, batch: RecordedBatch) -> None:
        raise AssertionError("the register tests change nothing")


class NoJournal:
    """A refusal journal for a desk that imports nothing."""

    def record(self, refusal: Refusal) -> None:
        raise AssertionError("the register tests import nothing")

    def read(self) -> RefusalLog:
        return RefusalLog((), intact=True)
