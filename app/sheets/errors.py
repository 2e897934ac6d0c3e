"""One error class per stage of reading a sheet file (``docs/formats/sheet-v1.md`` §4.4).

A failure at one stage is never reported as, or masked by, a failure at a later one, and the
secretary is told what to do about each: a file for someone else, a damaged copy, a signature
by someone who is not the rostered expert, a file from another meeting, kit or round, or
content that breaks a rule. The same classes serve single signed documents (a sheet checked
again by the ministry), so one ``except`` covers both.

``detail`` is a technical English reason for "copy details" and tests; no secret (key, score,
opinion text) is ever put into a message or a detail.
"""

from __future__ import annotations

from app.crypto.age_errors import AgeError
from app.crypto.cms import SignatureError
from app.errors import UserFacingError, ValidationError
from app.i18n import Msg


class SheetFileError(UserFacingError):
    """Root of every refusal of a sheet file or a signed sheet/recusal document."""

    def __init__(self, message: Msg, recommendation: Msg | None, detail: str) -> None:
        super().__init__(message, recommendation)
        self.detail = detail

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.detail!r})"


class SheetFileDecryptError(SheetFileError):
    """Stage 1: the file cannot be read or decrypted by this secretary (or is damaged)."""

    def __init__(self, reason: Msg, detail: str) -> None:
        super().__init__(
            Msg.of("The sheet file cannot be opened: {reason}", reason=reason),
            Msg.of(
                "Check that the file was made for you as this meeting's secretary; if it was, "
                "copy it again from the expert's USB stick."
            ),
            detail,
        )

    @classmethod
    def from_age(cls, cause: AgeError) -> SheetFileDecryptError:
        error = cls(cause.msg, f"{type(cause).__name__}: {cause.detail}")
        error.rec = cause.rec or error.rec
        return error


class SheetFileFormatError(SheetFileError):
    """A container, envelope, document or note that is not in a format this program reads."""

    def __init__(self, reason: Msg, detail: str, recommendation: Msg | None = None) -> None:
        super().__init__(
            Msg.of("The sheet file is not in a form this program reads: {reason}", reason=reason),
            recommendation
            or Msg.of("Ask the expert to export the sheet file again with Expert Review Desk."),
            detail,
        )


class SheetFileSignatureError(SheetFileError):
    """The signer is not accepted: bad or untrusted signature, wrong role, not on the roster,
    or a certificate other than the one the roster records for that expert."""

    def __init__(self, reason: Msg, detail: str, recommendation: Msg | None = None) -> None:
        super().__init__(
            Msg.of("The expert's signature is not accepted: {reason}", reason=reason),
            recommendation
            or Msg.of(
                "Do not import this file. Ask the expert to sign and export it again with their "
                "own identity, and compare their certificate fingerprint with the sign-in sheet."
            ),
            detail,
        )

    @classmethod
    def from_signature(cls, cause: SignatureError, what: str) -> SheetFileSignatureError:
        error = cls(cause.msg, f"{what}: {type(cause).__name__}: {cause.msg.in_language('en')}")
        error.rec = cause.rec or error.rec
        error.cause = cause
        return error

    cause: SignatureError | None = None


class SheetFileContextError(SheetFileError):
    """Signed for another meeting, kit, round, rubric or secretary; names expected and found."""

    def __init__(self, field: Msg, expected: str, found: str, detail: str) -> None:
        super().__init__(
            Msg.of(
                "The sheet file does not belong here: its {field} is “{found}”, but “{expected}” "
                "was expected.",
                field=field,
                found=found,
                expected=expected,
            ),
            Msg.of(
                "Make sure the expert worked from this meeting's current kit and round, then ask "
                "them to export the sheet file again."
            ),
            detail,
        )
        self.field = field
        self.expected = expected
        self.found = found


class SheetFileContentError(SheetFileError):
    """Correctly signed content that breaks a rule: duplicates, an invalid sheet, a sheet for
    an application the expert is recused from, an unknown application."""

    def __init__(self, reason: Msg, detail: str) -> None:
        super().__init__(
            Msg.of("The sheet file's content is refused: {reason}", reason=reason),
            Msg.of("Ask the expert to correct their sheets and export the sheet file again."),
            detail,
        )


class SheetFileWriteError(UserFacingError):
    """The sheet file could not be written, or the copy read back differs."""

    def __init__(self, path: str, reason: Msg) -> None:
        super().__init__(
            Msg.of(
                "The sheet file could not be written to {path}: {reason}", path=path, reason=reason
            ),
            Msg.of(
                "Check that the USB stick is inserted, writable and has free space, then export "
                "again."
            ),
        )
        self.path = path


class SheetSigningError(ValidationError):
    """A sheet or declaration that must not be signed in this context (not submitted, another
    meeting, another expert, an identity that is not the rostered expert's)."""

    def __init__(self, reason: Msg) -> None:
        super().__init__(
            Msg.of("The document cannot be signed: {reason}", reason=reason),
            Msg.of("Check that you are logged in with your own identity for this meeting."),
        )
