"""Application packages (``docs/formats/package-v1.md``): build, open in stages, extract.

Public API:

* :func:`build_package` with :class:`Attachment` -> :class:`PackageSummary`;
* :func:`open_package` -> :class:`OpenedPackage` (``manifest``, ``application``,
  ``issuer``, ``attachments``, ``read_member``, ``iter_member``, ``verify_all``);
* :func:`inspect_package` -> :class:`PackageInspection` (no secret needed);
* :func:`extract` (only on explicit request);
* :func:`recipient_for_certificate`, :func:`decryption_identity`;
* errors in :mod:`app.package.errors`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from app.package.errors import (
    PackageBuildError,
    PackageContainerError,
    PackageError,
    PackageExtractError,
    PackageFormError,
    PackageManifestError,
    PackageMemberError,
    PackageSignatureError,
    PackageVersionError,
)

if TYPE_CHECKING:
    from app.package.builder import Attachment, PackageSummary, build_package
    from app.package.extract import extract
    from app.package.keys import decryption_identity, recipient_for_certificate
    from app.package.reader import (
        MemberCheck,
        OpenedPackage,
        PackageInspection,
        inspect_package,
        open_package,
    )

_LAZY: dict[str, str] = {
    "Attachment": "builder",
    "PackageSummary": "builder",
    "build_package": "builder",
    "extract": "extract",
    "decryption_identity": "keys",
    "recipient_for_certificate": "keys",
    "MemberCheck": "reader",
    "OpenedPackage": "reader",
    "PackageInspection": "reader",
    "inspect_package": "reader",
    "open_package": "reader",
}
"""Public name -> the module that defines it, imported on first use: opening a package
(``package verify``, whose start-up is timed against ``age -d``) never loads the builder."""


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "Attachment",
    "MemberCheck",
    "OpenedPackage",
    "PackageBuildError",
    "PackageContainerError",
    "PackageError",
    "PackageExtractError",
    "PackageFormError",
    "PackageInspection",
    "PackageManifestError",
    "PackageMemberError",
    "PackageSignatureError",
    "PackageSummary",
    "PackageVersionError",
    "build_package",
    "decryption_identity",
    "extract",
    "inspect_package",
    "open_package",
    "recipient_for_certificate",
]
