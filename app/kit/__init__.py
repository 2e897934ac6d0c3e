"""Meeting kits (``docs/formats/kit-v1.md``): build, open in stages, import for an expert.

Public API (loaded on first use, so that ``storage`` can import :mod:`app.kit.record`
without pulling in the crypto stack at window start-up):

* :func:`build_kit` -> :class:`KitSummary` (secretary side);
* :func:`open_kit` -> :class:`OpenedKit`; :func:`inspect_kit` -> :class:`KitInspection`;
* :func:`import_kit` -> :class:`KitImport` (expert side: workspace + packages);
* :class:`KitRecord` (what a workspace keeps of its kit);
* errors in :mod:`app.kit.errors`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.kit.builder import KitSummary, build_kit
    from app.kit.errors import (
        KitBuildError,
        KitContainerError,
        KitContentError,
        KitError,
        KitImportError,
        KitManifestError,
        KitMemberError,
        KitSignatureError,
        KitVersionError,
    )
    from app.kit.importer import KitImport, import_kit
    from app.kit.reader import KitInspection, OpenedKit, inspect_kit, open_kit
    from app.kit.record import KitRecord

_WHERE = {
    "KitSummary": "builder",
    "build_kit": "builder",
    "KitImport": "importer",
    "import_kit": "importer",
    "KitInspection": "reader",
    "OpenedKit": "reader",
    "inspect_kit": "reader",
    "open_kit": "reader",
    "KitRecord": "record",
    **{
        name: "errors"
        for name in (
            "KitBuildError",
            "KitContainerError",
            "KitContentError",
            "KitError",
            "KitImportError",
            "KitManifestError",
            "KitMemberError",
            "KitSignatureError",
            "KitVersionError",
        )
    },
}

__all__ = [
    "KitBuildError",
    "KitContainerError",
    "KitContentError",
    "KitError",
    "KitImport",
    "KitImportError",
    "KitInspection",
    "KitManifestError",
    "KitMemberError",
    "KitRecord",
    "KitSignatureError",
    "KitSummary",
    "KitVersionError",
    "OpenedKit",
    "build_kit",
    "import_kit",
    "inspect_kit",
    "open_kit",
]


def __getattr__(name: str) -> object:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'app.kit' has no attribute {name!r}")
    return getattr(importlib.import_module(f"app.kit.{module}"), name)
