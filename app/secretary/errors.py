"""The secretary's refusals: each a :class:`UserFacingError` with what happened and what to
do next. A refusal never leaves anything half-stored (every use case is one transaction)."""

from __future__ import annotations

from app.errors import UserFacingError, ValidationError
from app.i18n import Msg


class SetupFrozenError(ValidationError):
    """A change to what the issued kit fixed (rubric, roster, agenda, meeting key)."""

    def __init__(self, what: Msg, kit_hash: str) -> None:
        super().__init__(
            Msg.of(
                "The {what} cannot be changed: the meeting kit {kit} has been issued to the "
                "experts with it.",
                what=what,
                kit=kit_hash[:16],
            ),
            Msg.of("Keep the meeting as issued, or set up a new meeting and issue a new kit."),
        )


class SetupIncompleteError(ValidationError):
    """The meeting is not ready for the step asked (no chair, no packages, no kit yet...)."""

    def __init__(self, problem: Msg, advice: Msg) -> None:
        super().__init__(problem, advice)


class RosterError(ValidationError):
    """A certificate that cannot go on the roster (wrong role, foreign CA, duplicate)."""

    def __init__(self, problem: Msg) -> None:
        super().__init__(
            Msg.of("This certificate cannot be added to the roster: {problem}", problem=problem),
            Msg.of("Use the expert's own certificate file, issued by the meeting's CA."),
        )


class SheetImportRefused(ValidationError):
    """A sheet file refused whole; nothing of it was stored."""

    def __init__(self, file_name: str, reason: Msg) -> None:
        self.file_name = file_name
        self.reason = reason
        super().__init__(
            Msg.of(
                "The sheet file {file} was refused; nothing of it was stored: {reason}",
                file=file_name,
                reason=reason,
            ),
            Msg.of("Ask the expert for a new sheet file, made from the current meeting kit."),
        )


class WrongSecretaryError(UserFacingError):
    """The identity unlocked is not the secretary this workspace was set up for."""

    def __init__(self, found: str, expected: str) -> None:
        super().__init__(
            Msg.of(
                "The identity {found} is not this meeting's secretary ({expected}).",
                found=found,
                expected=expected,
            ),
            Msg.of("Unlock the secretary identity the meeting was set up with."),
        )
