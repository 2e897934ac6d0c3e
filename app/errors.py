"""One exception hierarchy for the core.

Every error a user can meet is a :class:`UserFacingError`: a message and a recommendation
(what to do next), both translated when shown. Built-in exceptions never escape a public
use case; they are wrapped with ``raise ... from``.
"""

from __future__ import annotations

from app.i18n import Msg


class AppError(Exception):
    """Root of every error the core raises on purpose."""


class UserCancelled(AppError):
    """The user cancelled; the UI shows nothing."""


class UserFacingError(AppError):
    """An error whose message is fit for the person at the keyboard (zh_CN and en)."""

    def __init__(self, message: Msg, recommendation: Msg | None = None) -> None:
        self.msg = message
        self.rec = recommendation
        super().__init__(message.in_language("en"))

    @property
    def message(self) -> str:
        return str(self.msg)

    @property
    def recommendation(self) -> str:
        return str(self.rec) if self.rec is not None else ""

    def in_language(self, language: str) -> str:
        text = self.msg.in_language(language)
        if self.rec is not None:
            text += "\n" + self.rec.in_language(language)
        return text


class ValidationError(UserFacingError):
    """Input that breaks a domain rule (a sheet, a rubric file, a form)."""


class RubricError(ValidationError):
    """A rubric file that cannot be used; names the field and the reason."""

    def __init__(self, field: str, message: Msg) -> None:
        self.field = field
        super().__init__(
            Msg.of("Rubric field {field}: {reason}", field=field, reason=message),
            Msg.of("Correct the rubric file or choose the default rubric."),
        )


class StorageError(UserFacingError):
    """The workspace database cannot be opened or written."""


class NotFoundError(UserFacingError):
    """A referenced meeting, expert, application or sheet does not exist."""


class ConflictOfInterestError(UserFacingError):
    """An action that a declared conflict forbids (a recused expert scoring)."""


class SheetLockedError(UserFacingError):
    """A submitted sheet is immutable; changes need a new version."""
