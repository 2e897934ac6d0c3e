"""The two ways consolidation refuses to run: a rule that cannot apply, and inconsistent input.

Both are :class:`ValidationError`s with translated messages. A *per-application* refusal
(trimmed mean with too few scores and the ``refuse`` fallback) is not an exception: it is the
status of that application in the result, so the rest of the meeting still consolidates.
"""

from __future__ import annotations

from app.errors import ValidationError
from app.i18n import Msg


class RuleError(ValidationError):
    """A consolidation rule that is malformed or cannot apply; names the field and the reason."""

    def __init__(self, field: str, reason: Msg) -> None:
        self.field = field
        self.reason = reason
        super().__init__(
            Msg.of("Consolidation rule, {field}: {reason}", field=field, reason=reason),
            Msg.of("Correct the meeting's consolidation rule, then consolidate again."),
        )


class ConsolidationInputError(ValidationError):
    """Sheets, recusals or the meeting contradict each other, so no figure can be trusted."""

    def __init__(self, reason: Msg) -> None:
        self.reason = reason
        super().__init__(
            reason,
            Msg.of("Check the meeting data and the imported sheets, then consolidate again."),
        )
