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

from app.package.builder import Attachment, PackageSummary, build_package
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
from app.package.extract import extract
from app.package.keys import decryption_identity, recipient_for_certificate
from app.package.reader import (
    MemberCheck,
    OpenedPackage,
    PackageInspection,
    inspect_package,
    open_package,
)

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
