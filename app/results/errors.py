"""One error class per stage of reading a result bundle (``docs/formats/bundle-v1.md``
section 7), so a failure at one stage is never reported as, or masked by, a later one.

Every class is a :class:`~app.errors.UserFacingError` (message and recommendation, zh_CN
and en). ``detail`` is a technical English reason for "copy details" and tests; it never
holds a secret. The ministry's replay refusals (older version, conflict) are about its
database, not the bundle: they are in :mod:`app.ministry.replay`.
"""

from __future__ import annotations

from app.errors import UserFacingError
from app.i18n import Msg

_NEW_COPY = Msg.of("Do not import this bundle; ask the meeting secretary for a new copy.")


class BundleError(UserFacingError):
    """Root of every result-bundle failure."""

    def __init__(self, message: Msg, recommendation: Msg | None, detail: str) -> None:
        super().__init__(message, recommendation)
        self.detail = detail

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.detail!r})"


class BundleContainerError(BundleError):
    """The file is not a bundle container: too large, undecryptable, or a bad ZIP."""

    def __init__(self, reason: Msg, detail: str, recommendation: Msg | None = None) -> None:
        super().__init__(
            Msg.of("The result bundle cannot be opened: {reason}", reason=reason),
            recommendation or _NEW_COPY,
            detail,
        )


class BundleSignatureError(BundleError):
    """The secretary's signature over the manifest is not accepted."""

    def __init__(self, reason: Msg, detail: str, recommendation: Msg | None = None) -> None:
        super().__init__(
            Msg.of(
                "The secretary's signature on the bundle is not accepted: {reason}", reason=reason
            ),
            recommendation or _NEW_COPY,
            detail,
        )


class BundleManifestError(BundleError):
    """The signed manifest is not one this program reads, or disagrees with the archive."""

    def __init__(self, reason: Msg, detail: str, recommendation: Msg | None = None) -> None:
        super().__init__(
            Msg.of("The bundle manifest is not valid: {reason}", reason=reason),
            recommendation or _NEW_COPY,
            detail,
        )


class BundleVersionError(BundleManifestError):
    """The manifest names a format version this program does not read."""

    def __init__(self, version: object) -> None:
        super().__init__(
            Msg.of(
                "it is result-bundle format version {version}; this program reads version 1 only.",
                version=str(version)[:40],
            ),
            f"unsupported bundle format version {version!r}",
            Msg.of("Open the bundle with a program version that reads this format version."),
        )
        self.version = version


class BundleMemberError(BundleError):
    """A member's bytes differ from what the signed manifest says about them."""

    def __init__(self, name: str, detail: str) -> None:
        super().__init__(
            Msg.of(
                "The bundle member {name} does not match the signed manifest: it was altered.",
                name=name[:120],
            ),
            _NEW_COPY,
            detail,
        )
        self.name = name


class BundleResultsError(BundleError):
    """``results.json`` is malformed or contradicts the manifest."""

    def __init__(self, reason: Msg, detail: str) -> None:
        super().__init__(
            Msg.of("The results in the bundle are not valid: {reason}", reason=reason),
            _NEW_COPY,
            detail,
        )


class BundleSheetError(BundleError):
    """A signed sheet, recusal or opinion is not accepted (signature, signer, context)."""

    def __init__(self, name: str, reason: Msg, detail: str) -> None:
        super().__init__(
            Msg.of(
                "The signed document {name} is not accepted: {reason}",
                name=name[:120],
                reason=reason,
            ),
            Msg.of(
                "Do not import this bundle. Compare the expert certificate fingerprints with the "
                "signed sign-in sheet and ask the meeting secretary."
            ),
            detail,
        )
        self.name = name


class BundleCompletenessError(BundleError):
    """An expert × application pair of the round has no sheet, no recusal and no absence."""

    def __init__(self, reason: Msg, detail: str, recommendation: Msg | None = None) -> None:
        super().__init__(
            Msg.of("The bundle is incomplete: {reason}", reason=reason),
            recommendation
            or Msg.of(
                "Do not import this bundle; every expert must have a signed sheet, a signed "
                "recusal or a recorded absence for every application."
            ),
            detail,
        )


class BundleRecomputeError(BundleError):
    """The figures in ``results.json`` are not what the signed sheets give."""

    def __init__(self, reason: Msg, detail: str) -> None:
        super().__init__(
            Msg.of("The results do not follow from the signed sheets: {reason}", reason=reason),
            Msg.of(
                "Do not import this bundle: its figures disagree with the experts' signed "
                "sheets. Report it to the meeting secretary and the panel chair."
            ),
            detail,
        )


class BundleBuildError(BundleError):
    """A bundle cannot be built from these inputs; nothing was written."""

    def __init__(self, message: Msg, recommendation: Msg, detail: str) -> None:
        super().__init__(message, recommendation, detail)


class BundleReportSignatureError(BundleError):
    """The report PDF is missing, unreadable, or its signatures are not exactly the roster
    chair's then the secretary's, valid under the reader's roots by the PDF policy."""

    def __init__(self, reason: Msg, detail: str) -> None:
        super().__init__(
            Msg.of("The signatures on the report are not accepted: {reason}", reason=reason),
            _NEW_COPY,
            detail,
        )


class BundleReportContentError(BundleError):
    """The signed report is not the report the bundle's results render to."""

    def __init__(self, reason: Msg, detail: str) -> None:
        super().__init__(
            Msg.of("The report's content is not accepted: {reason}", reason=reason),
            Msg.of(
                "Do not import this bundle: its signed report does not say what its results "
                "say. Report it to the meeting secretary and the panel chair."
            ),
            detail,
        )


class BundleWorkbookError(BundleError):
    """The workbook is missing, too large, not a plain XLSX of ours, or its figures differ."""

    def __init__(self, reason: Msg, detail: str) -> None:
        super().__init__(
            Msg.of("The workbook is not accepted: {reason}", reason=reason),
            _NEW_COPY,
            detail,
        )
