"""What the official outputs are made from: one frozen :class:`ReportInput`.

The lead builds it either from the secretary's stored meeting or from a parsed result bundle,
so the chair's machine can rebuild the *same* input from ``results.json`` and regenerate the
report byte for byte before signing (the shadow-attack defence, reliability note finding 7).
Everything that varies between runs (the clock, the document id) is therefore an explicit
field, never read from the environment.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from app.consolidation.model import ApplicationResult, MeetingResult
from app.consolidation.rule import ConsolidationRule
from app.domain.ids import ApplicationId, ExpertId
from app.domain.meeting import Application, Expert, Meeting
from app.domain.rubric import Rubric
from app.domain.sheet import ConflictDeclaration, HearingNote, PanelOpinion, ScoreSheet
from app.errors import ValidationError
from app.i18n import SUPPORTED, LocalizedText, Msg

_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class ReportInput:
    """Everything one report (PDF and XLSX) shows; equal inputs give byte-equal outputs."""

    meeting: Meeting
    rubric: Rubric
    rule: ConsolidationRule
    result: MeetingResult
    opinions: tuple[PanelOpinion, ...]
    """The chair-approved panel opinion per application (an application may have none yet)."""
    sheets: tuple[ScoreSheet, ...]
    """The latest submitted sheet per expert × application, shown in the appendix."""
    recusals: tuple[ConflictDeclaration, ...]
    language: str
    """``"zh_CN"`` or ``"en"``: chosen per document, independent of the UI language."""
    anonymise_experts: bool
    """Show "Expert A/B/…" instead of names wherever a score is tied to a person."""
    document_id: str
    results_hash: str
    """Hex SHA-256 of the exact ``results.json`` bytes the figures come from."""
    generated_at: dt.datetime
    """Injected clock (timezone-aware): the PDF creation date and the date printed."""
    is_demo: bool
    notes: tuple[HearingNote, ...] = field(default=())
    """Hearing notes for the workbook's notes digest; empty when notes are not exported."""

    def __post_init__(self) -> None:
        problems: list[Msg] = []
        if self.language not in SUPPORTED:
            problems.append(Msg.of("Unknown report language {language}.", language=self.language))
        if not _SHA256_HEX.fullmatch(self.results_hash):
            problems.append(Msg.of("The results hash must be 64 lowercase hex digits."))
        if self.generated_at.tzinfo is None:
            problems.append(Msg.of("The report time must carry a time zone."))
        if self.result.meeting_id != self.meeting.id:
            problems.append(Msg.of("The results belong to another meeting."))
        if not self.document_id or len(self.document_id) > 80:
            problems.append(Msg.of("The document id must have 1 to 80 characters."))
        if problems:
            raise ValidationError(problems[0])

    # --- language -------------------------------------------------------------------------

    def tr(self, message: Msg | LocalizedText) -> str:
        """``message`` in the report's language (not the UI's)."""
        return message.in_language(self.language)

    # --- lookups --------------------------------------------------------------------------

    @cached_property
    def _opinions(self) -> Mapping[ApplicationId, PanelOpinion]:
        return {o.application_id: o for o in self.opinions}

    @cached_property
    def _sheets(self) -> Mapping[tuple[ExpertId, ApplicationId], ScoreSheet]:
        latest: dict[tuple[ExpertId, ApplicationId], ScoreSheet] = {}
        for s in self.sheets:
            key = (s.expert_id, s.application_id)
            if key not in latest or s.version > latest[key].version:
                latest[key] = s
        return latest

    def opinion_for(self, application_id: ApplicationId) -> PanelOpinion | None:
        return self._opinions.get(application_id)

    def sheet_for(self, expert_id: ExpertId, application_id: ApplicationId) -> ScoreSheet | None:
        return self._sheets.get((expert_id, application_id))

    def in_hearing_order(self) -> tuple[tuple[Application, ApplicationResult], ...]:
        return tuple(
            (self.meeting.application(r.application_id), r) for r in self.result.applications
        )

    @cached_property
    def experts_in_order(self) -> tuple[Expert, ...]:
        """The chair first, then the roster order: the order of every expert list."""
        return tuple(sorted(self.meeting.experts, key=lambda e: not e.is_chair))

    # --- anonymisation --------------------------------------------------------------------

    @cached_property
    def _labels(self) -> Mapping[ExpertId, LocalizedText]:
        return {
            e.id: (
                LocalizedText(en=f"Expert {letters(i)}", zh_CN=f"专家{letters(i)}")
                if self.anonymise_experts
                else e.name
            )
            for i, e in enumerate(self.experts_in_order)
        }

    def expert_label(self, expert_id: ExpertId) -> str:
        """The name, or "Expert A" when anonymised (letters follow the roster, chair first)."""
        return self.tr(self._labels[expert_id])

    def figure_text(self, message: Msg) -> str:
        """An explanation in the report's language; names replaced when anonymised.

        The consolidation explains a trimmed mean by naming the experts dropped; an
        anonymised report must not undo its anonymity there.
        """
        if not self.anonymise_experts:
            return self.tr(message)
        swap = {e.name: self._labels[e.id] for e in self.meeting.experts}
        return self.tr(_replace_names(message, swap))


def letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: spreadsheet-style labels for any roster size."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = string.ascii_uppercase[rem] + out
    return out


def _replace_names(message: Msg, swap: Mapping[LocalizedText, LocalizedText]) -> Msg:
    params: list[tuple[str, object]] = []
    for key, value in message.params:
        if isinstance(value, LocalizedText):
            value = swap.get(value, value)
        elif isinstance(value, Msg):
            value = _replace_names(value, swap)
        params.append((key, value))
    return Msg(message.source, tuple(params))
