"""One error class per stage of reading a package (``docs/formats/package-v1.md``), so a
failure at one stage is never reported as, or masked by, a failure at a later one.

Stage 1 (the age layer) raises the :mod:`app.crypto.age_errors` classes unchanged: a wrong
key, a wrong passphrase and a damaged file are already told apart there. The later stages:

* :class:`PackageContainerError` - the ZIP layer (bounded directory parse, section 2);
* :class:`PackageSignatureError` - the issuer signature (``cause`` is the CMS error);
* :class:`PackageManifestError` - strict parse, format/version, member reconciliation;
* :class:`PackageMemberError` - a member's size or SHA-256 differs from the manifest;
* :class:`PackageFormError` - ``form.json`` that is not a valid application form.

Writing and extracting have their own classes. ``detail`` is a technical English reason
for "copy details" and tests; nothing secret is ever put into a message or a detail.
"""

from __future__ import annotations

from app.crypto.cms import SignatureError
from app.errors import UserFacingError
from app.i18n import Msg

_NEW_COPY = Msg.of("Do not use this package; ask the issuing office for a new copy.")


class PackageError(UserFacingError):
    """Root of every package failure other than the age layer's own errors."""

    def __init__(self, message: Msg, recommendation: Msg | None, detail: str) -> None:
        super().__init__(message, recommendation)
        self.detail = detail

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.detail!r})"


class PackageContainerError(PackageError):
    """The decrypted content is not a ZIP archive that package v1 allows."""

    def __init__(self, reason: Msg, detail: str) -> None:
        super().__init__(
            Msg.of("The package is malformed: {reason}", reason=reason), _NEW_COPY, detail
        )


class PackageSignatureError(PackageError):
    """The issuer's signature over the manifest is not accepted; ``cause`` says why."""

    def __init__(self, cause: SignatureError) -> None:
        super().__init__(
            Msg.of("The package's issuer signature is not accepted: {reason}", reason=cause.msg),
            cause.rec or _NEW_COPY,
            f"{type(cause).__name__}: {cause.msg.in_language('en')}",
        )
        self.cause = cause


class PackageManifestError(PackageError):
    """The (signed) manifest is not one this program reads, or disagrees with the archive."""

    def __init__(self, reason: Msg, detail: str, recommendation: Msg | None = None) -> None:
        super().__init__(
            Msg.of("The package manifest is not valid: {reason}", reason=reason),
            recommendation or _NEW_COPY,
            detail,
        )


class PackageVersionError(PackageManifestError):
    """The manifest names a format version this program does not read."""

    def __init__(self, version: object) -> None:
        super().__init__(
            Msg.of(
                "it is package format version {version}; this program reads version 1 only.",
                version=str(version),
            ),
            f"unsupported manifest version {version!r}",
            Msg.of("Open the package with a program version that reads this format version."),
        )
        self.version = version


class PackageMemberError(PackageError):
    """A member's bytes do not match what the signed manifest says about them."""

    def __init__(self, name: str, reason: Msg, detail: str) -> None:
        super().__init__(
            Msg.of("The package member {name} was altered: {reason}", name=name, reason=reason),
            _NEW_COPY,
            detail,
        )
        self.name = name


class PackageFormError(PackageError):
    """``form.json`` is not a valid application form (or disagrees with the manifest)."""

    def __init__(self, reason: Msg, detail: str) -> None:
        super().__init__(
            Msg.of("The application form in the package is not valid: {reason}", reason=reason),
            _NEW_COPY,
            detail,
        )


class PackageBuildError(PackageError):
    """A package cannot be built from these inputs; nothing was written."""

    def __init__(self, message: Msg, recommendation: Msg, detail: str) -> None:
        super().__init__(message, recommendation, detail)


class PackageExtractError(PackageError):
    """Members cannot be written to the chosen folder; nothing was left behind."""

    def __init__(self, message: Msg, recommendation: Msg, detail: str) -> None:
        super().__init__(message, recommendation, detail)
