"""One error class per stage of reading a meeting kit (``docs/formats/kit-v1.md``).

A failure at one stage is never reported as, or masked by, a failure at a later one:

* :class:`KitContainerError` - the file, or its ZIP layer (bounded, strict parse);
* :class:`KitSignatureError` - the secretary's signature over ``manifest.json``;
* :class:`KitManifestError` (:class:`KitVersionError`) - strict parse, members reconciled;
* :class:`KitMemberError` - a member's size or SHA-256 differs from the signed manifest;
* :class:`KitContentError` - meeting, rubric, roots, secretary certificate, meeting key or
  packages that are not what a kit must hold.

Building and importing have their own classes. ``detail`` is a technical English reason
for "copy details" and tests; nothing secret is ever put into a message or a detail.
"""

from __future__ import annotations

from app.crypto.cms import SignatureError
from app.errors import UserFacingError
from app.i18n import Msg

_NEW_COPY = Msg.of("Do not use this meeting kit; ask the meeting secretary for a new copy.")


class KitError(UserFacingError):
    """Root of every meeting-kit failure."""

    def __init__(self, message: Msg, recommendation: Msg | None, detail: str) -> None:
        super().__init__(message, recommendation)
        self.detail = detail

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.detail!r})"


class KitContainerError(KitError):
    """The file cannot be read, or is not a ZIP archive that kit v1 allows."""

    def __init__(self, reason: Msg, detail: str) -> None:
        super().__init__(
            Msg.of("The meeting kit is malformed: {reason}", reason=reason), _NEW_COPY, detail
        )


class KitSignatureError(KitError):
    """The secretary's signature over the manifest is not accepted; ``cause`` says why."""

    def __init__(self, cause: SignatureError) -> None:
        super().__init__(
            Msg.of(
                "The meeting kit's secretary signature is not accepted: {reason}",
                reason=cause.msg,
            ),
            cause.rec or _NEW_COPY,
            f"{type(cause).__name__}: {cause.msg.in_language('en')}",
        )
        self.cause = cause


class KitManifestError(KitError):
    """The signed manifest is not one this program reads, or disagrees with the archive."""

    def __init__(self, reason: Msg, detail: str, recommendation: Msg | None = None) -> None:
        super().__init__(
            Msg.of("The meeting kit manifest is not valid: {reason}", reason=reason),
            recommendation or _NEW_COPY,
            detail,
        )


class KitVersionError(KitManifestError):
    """The manifest names a kit format version this program does not read."""

    def __init__(self, version: object) -> None:
        super().__init__(
            Msg.of(
                "it is meeting kit format version {version}; this program reads version 1 only.",
                version=str(version),
            ),
            f"unsupported kit version {version!r}",
            Msg.of("Open the meeting kit with a program version that reads this format version."),
        )
        self.version = version


class KitMemberError(KitError):
    """A member's bytes do not match what the signed manifest says about them."""

    def __init__(self, name: str, detail: str) -> None:
        super().__init__(
            Msg.of(
                "The meeting kit member {name} was altered: its size or SHA-256 differs from "
                "the signed manifest.",
                name=name,
            ),
            _NEW_COPY,
            detail,
        )
        self.name = name


class KitContentError(KitError):
    """A member is intact but not what a kit must hold (meeting, rubric, roots, packages)."""

    def __init__(self, reason: Msg, detail: str) -> None:
        super().__init__(
            Msg.of("The meeting kit cannot be used: {reason}", reason=reason), _NEW_COPY, detail
        )


class KitBuildError(KitError):
    """A kit cannot be built from these inputs; nothing was written."""

    def __init__(self, message: Msg, recommendation: Msg, detail: str) -> None:
        super().__init__(message, recommendation, detail)


class KitImportError(KitError):
    """The kit is valid but cannot be imported into this workspace folder."""

    def __init__(self, message: Msg, recommendation: Msg, detail: str) -> None:
        super().__init__(message, recommendation, detail)
