"""One error class per stage of reading a round notice (``docs/formats/round-notice-v1.md``).

A failure at one stage is never reported as, or masked by, a failure at a later one:

* :class:`RoundNoticeContainerError` - the file (size) or its signed-envelope container;
* :class:`RoundNoticeSignatureError` - the secretary's signature, or a signer who is not the
  secretary of the kit the workspace was created from;
* :class:`RoundNoticeFormatError` (:class:`RoundNoticeVersionError`) - the notice itself;
* :class:`RoundNoticeContextError` - another meeting, kit or secretary fingerprint;
* :class:`RoundNoticeContentError` - an application that is not in the meeting, or repeated;
* :class:`RoundNoticeStaleError` - a round that is not newer than the one the workspace holds.

Writing has :class:`RoundNoticeWriteError`. ``detail`` is a technical English reason for
"copy details" and tests.
"""

from __future__ import annotations

from app.crypto.cms import SignatureError
from app.errors import UserFacingError, ValidationError
from app.i18n import Msg

_NEW_COPY = Msg.of("Do not use this round notice; ask the meeting secretary for a new copy.")


class RoundNoticeError(UserFacingError):
    """Root of every refusal of a round notice."""

    def __init__(self, message: Msg, recommendation: Msg | None, detail: str) -> None:
        super().__init__(message, recommendation)
        self.detail = detail

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.detail!r})"


class RoundNoticeContainerError(RoundNoticeError):
    """The file cannot be read, is too large, or is not a signed-envelope container."""

    def __init__(self, reason: Msg, detail: str) -> None:
        super().__init__(
            Msg.of("The round notice cannot be read: {reason}", reason=reason), _NEW_COPY, detail
        )


class RoundNoticeSignatureError(RoundNoticeError):
    """The signature is not accepted, or the signer is not this meeting's secretary."""

    def __init__(self, reason: Msg, detail: str, recommendation: Msg | None = None) -> None:
        super().__init__(
            Msg.of(
                "The round notice's secretary signature is not accepted: {reason}", reason=reason
            ),
            recommendation or _NEW_COPY,
            detail,
        )

    @classmethod
    def from_signature(cls, cause: SignatureError) -> RoundNoticeSignatureError:
        error = cls(cause.msg, f"{type(cause).__name__}: {cause.msg.in_language('en')}", cause.rec)
        error.cause = cause
        return error

    cause: SignatureError | None = None


class RoundNoticeFormatError(RoundNoticeError):
    """The (verified) notice is not a round notice this program reads."""

    def __init__(self, reason: Msg, detail: str, recommendation: Msg | None = None) -> None:
        super().__init__(
            Msg.of("The round notice is not in a form this program reads: {reason}", reason=reason),
            recommendation or _NEW_COPY,
            detail,
        )


class RoundNoticeVersionError(RoundNoticeFormatError):
    """The notice names a format version this program does not read."""

    def __init__(self, version: str, detail: str) -> None:
        super().__init__(
            Msg.of(
                "it is round notice format version {version}; this program reads version 1 only.",
                version=version,
            ),
            detail,
            Msg.of("Open the round notice with a program version that reads this format version."),
        )
        self.version = version


class RoundNoticeContextError(RoundNoticeError):
    """Signed for another meeting, kit or secretary; names what was expected and found."""

    def __init__(self, field: Msg, expected: str, found: str, detail: str) -> None:
        super().__init__(
            Msg.of(
                "The round notice does not belong to this workspace: its {field} is “{found}”, "
                "but “{expected}” was expected.",
                field=field,
                found=found,
                expected=expected,
            ),
            Msg.of(
                "Check that the notice is for this meeting and the meeting kit you work from; "
                "ask the meeting secretary for the right one."
            ),
            detail,
        )
        self.field = field
        self.expected = expected
        self.found = found


class RoundNoticeContentError(RoundNoticeError):
    """Correctly signed, but names an application that is not in the meeting (or twice)."""

    def __init__(self, reason: Msg, detail: str) -> None:
        super().__init__(
            Msg.of("The round notice is refused: {reason}", reason=reason), _NEW_COPY, detail
        )


class RoundNoticeStaleError(RoundNoticeError):
    """A round that is not newer than what the workspace already holds."""

    def __init__(self, reason: Msg, detail: str) -> None:
        super().__init__(
            Msg.of("The round notice is refused: {reason}", reason=reason),
            Msg.of(
                "Nothing was changed. Import the newest round notice the meeting secretary "
                "handed out."
            ),
            detail,
        )


class RoundNoticeWriteError(UserFacingError):
    """The notice could not be written, or the copy read back differs."""

    def __init__(self, path: str, reason: Msg) -> None:
        super().__init__(
            Msg.of(
                "The round notice could not be written to {path}: {reason}",
                path=path,
                reason=reason,
            ),
            Msg.of(
                "Check that the folder or USB stick is writable and has free space, then write "
                "the notice again."
            ),
        )
        self.path = path


class RoundNoticeSigningError(ValidationError):
    """A notice that must not be signed: not a secretary's identity, not the meeting's
    secretary, or a round the reader would refuse."""

    def __init__(self, reason: Msg) -> None:
        super().__init__(
            Msg.of("The round notice cannot be written: {reason}", reason=reason),
            Msg.of("Sign in with the meeting secretary's own identity and open the round first."),
        )
