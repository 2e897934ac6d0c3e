"""Importing a meeting kit on an expert's machine: a workspace plus the encrypted packages.

``workspace_dir/workspace.sqlite`` is created from the kit's meeting and rubric together
with the kit record (one transaction, so a workspace never exists without its kit), after
the packages were copied - still encrypted, hash-checked while copied - to
``workspace_dir/packages/``. Importing the same kit again changes nothing; a different kit
for a folder that already holds a workspace is refused.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

from cryptography import x509

from app.i18n import Msg
from app.kit.errors import KitImportError
from app.kit.manifest import PACKAGE_SUFFIX, package_name
from app.kit.reader import OpenedKit, open_kit
from app.ports import ExpertStores

WORKSPACE_FILE: Final = "workspace.sqlite"
PACKAGES_DIR: Final = "packages"
IMPORT_ACTOR: Final = "kit-import"


@dataclass(frozen=True)
class KitImport:
    """The outcome: where the workspace is, and whether this call created it."""

    path: Path
    packages_dir: Path
    kit_hash: str
    created: bool

    @property
    def message(self) -> Msg:
        if self.created:
            return Msg.of("Meeting kit imported into {path}.", path=str(self.path))
        return Msg.of(
            "This meeting kit is already imported at {path}; nothing was changed.",
            path=str(self.path),
        )


def import_kit(
    stores: ExpertStores,
    kit_path: Path,
    workspace_dir: Path,
    trust_roots: Sequence[x509.Certificate],
    now: datetime,
    *,
    crls: Sequence[x509.CertificateRevocationList] = (),
) -> KitImport:
    """Verify the kit at ``kit_path`` (all stages of :func:`app.kit.open_kit`, ``crls``
    applied) and create the expert-side workspace in ``workspace_dir`` (in ``stores``).
    See the module doc for repeats."""
    with open_kit(kit_path, trust_roots, now, crls=crls) as kit:
        workspace = Path(workspace_dir) / WORKSPACE_FILE
        packages = Path(workspace_dir) / PACKAGES_DIR
        if workspace.exists():
            _check_same_kit(stores, workspace, kit)
            return KitImport(workspace, packages, kit.kit_hash, created=False)
        try:
            packages.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _folder_error(Path(workspace_dir), exc) from exc
        for application in kit.meeting.applications:
            _copy_package(kit, str(application.id), packages)
        record = kit.record(now)
        stores.create_workspace(
            workspace, kit.meeting, kit.rubric, IMPORT_ACTOR, now=lambda: now, kit=record
        ).close()
        return KitImport(workspace, packages, kit.kit_hash, created=True)


def _check_same_kit(stores: ExpertStores, workspace: Path, kit: OpenedKit) -> None:
    with stores.open_workspace(workspace) as ws:
        existing = ws.kit_record()
    if existing is None:
        raise KitImportError(
            Msg.of(
                "{path} holds a workspace that was not created from a meeting kit.",
                path=str(workspace),
            ),
            Msg.of("Import the kit into an empty folder."),
            "workspace without kit record",
        )
    if existing.kit_hash != kit.kit_hash:
        raise KitImportError(
            Msg.of(
                "{path} already belongs to another meeting kit (meeting {meeting}).",
                path=str(workspace),
                meeting=existing.meeting_id,
            ),
            Msg.of("Import the kit into an empty folder; a workspace holds one kit only."),
            f"kit {existing.kit_hash} != {kit.kit_hash}",
        )


def _copy_package(kit: OpenedKit, application_id: str, folder: Path) -> None:
    """Copy one package unless an identical copy (same SHA-256) is already there."""
    out = folder / f"{application_id}{PACKAGE_SUFFIX}"
    member = kit.manifest.member(package_name(application_id))
    assert member is not None
    if out.exists() and _sha256(out) == member.sha256:
        return
    try:
        kit.copy_package(application_id, out)
    except OSError as exc:
        raise _folder_error(folder, exc) from exc


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _folder_error(folder: Path, exc: OSError) -> KitImportError:
    return KitImportError(
        Msg.of(
            "Cannot write to {path}: {reason}", path=str(folder), reason=exc.strerror or str(exc)
        ),
        Msg.of("Check that the folder exists and that you may write to it."),
        f"OSError: {exc.strerror}",
    )


__all__ = ["IMPORT_ACTOR", "PACKAGES_DIR", "WORKSPACE_FILE", "KitImport", "import_kit"]
