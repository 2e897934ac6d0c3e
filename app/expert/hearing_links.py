"""Hearing answers linked to their questions.

During the question-and-answer part an expert types a question, then the applicant's answer
(or several); notes carry no explicit link, so the order makes it: questions are numbered
Q1, Q2… in time order, and an answer answers the latest question before it. An answer
without a factor of its own belongs to its question's factor, so the scoring page shows it
beside that factor with the question.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.domain.ids import FactorKey, NoteId
from app.domain.sheet import HearingNote, NoteKind
from app.i18n import Msg


@dataclass(frozen=True)
class HearingLinks:
    numbers: tuple[tuple[NoteId, int], ...]
    """Each question's number (1 for Q1)."""
    answers: tuple[tuple[NoteId, NoteId], ...]
    """Answer id -> the id of the question it answers."""
    factors: tuple[tuple[NoteId, FactorKey], ...]
    """Answer id -> its question's factor, for answers without a factor of their own."""

    def question_number(self, note: HearingNote) -> int | None:
        """The number of the question ``note`` is, or answers; None otherwise."""
        numbers = dict(self.numbers)
        if note.kind is NoteKind.QUESTION:
            return numbers.get(note.id)
        question = dict(self.answers).get(note.id)
        return None if question is None else numbers.get(question)

    def factor_of(self, note: HearingNote) -> FactorKey | None:
        """The note's factor, or for an untagged answer its question's."""
        return note.factor if note.factor is not None else dict(self.factors).get(note.id)

    def kind_text(self, note: HearingNote) -> Msg | None:
        """ "Question 2" / "Answer to question 2"; None for a note or an answer before any
        question."""
        number = self.question_number(note)
        if number is None:
            return None
        if note.kind is NoteKind.QUESTION:
            return Msg.of("Question {number}", number=number)
        return Msg.of("Answer to question {number}", number=number)


def link_answers(notes: Sequence[HearingNote]) -> HearingLinks:
    numbers: list[tuple[NoteId, int]] = []
    answers: list[tuple[NoteId, NoteId]] = []
    factors: list[tuple[NoteId, FactorKey]] = []
    latest: HearingNote | None = None
    for note in sorted(notes, key=lambda n: (n.created_at, n.id)):
        if note.kind is NoteKind.QUESTION:
            latest = note
            numbers.append((note.id, len(numbers) + 1))
        elif note.kind is NoteKind.ANSWER and latest is not None:
            answers.append((note.id, latest.id))
            if note.factor is None and latest.factor is not None:
                factors.append((note.id, latest.factor))
    return HearingLinks(tuple(numbers), tuple(answers), tuple(factors))
