"""A meeting whose trust file carries a revocation list: the secretary's workspace, its
packages imported, the list given with ``secretary trust`` (before the kit, so the kit carries
it), the kit issued; and the experts' sheet files handed in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509

from app.crypto import pki
from app.crypto.pki import TrustFile
from app.domain.ids import MeetingId
from app.domain.meeting import Meeting
from app.domain.rubric import Rubric
from app.secretary.kit import issue_kit
from app.secretary.packages import import_packages
from app.secretary.trust import update_trust
from storage.secretary.workspace import SecretaryWorkspace
from tests.app.crypto.pki_fixtures import NOW
from tests.app.secretary.helpers import (
    Cast,
    expert_workspace,
    score,
    setup_meeting_with_key,
    sheet_file,
)
from tests.app.sheets.factory import make_rubric

HOUR = dt.timedelta(hours=1)


def revocation_list(
    cast: Cast, folder: Path, revoked: list[tuple[x509.Certificate, dt.datetime]], at: dt.datetime
) -> x509.CertificateRevocationList:
    """The test CA's list, signed at ``at``, of ``revoked`` (each with its own date), kept
    in its own record folder (the session CA is shared)."""
    folder.mkdir(parents=True, exist_ok=True)
    for cert, when in revoked:
        pki.revoke(cast.pki.ca, folder, cert, when)
    return pki.sign_crl(cast.pki.ca, folder, at)


@dataclass
class Issued:
    base: Path
    ws: SecretaryWorkspace
    meeting: Meeting
    rubric: Rubric
    kit_path: Path
    kit_hash: str


def issued_meeting(
    base: Path, cast: Cast, crl: x509.CertificateRevocationList | None, at: dt.datetime = NOW
) -> Issued:
    """Packages imported, then (with ``crl``) the trust file replaced, then the kit issued
    (these two at ``at``)."""
    rubric = make_rubric()
    ws, packages, kit_path, key = setup_meeting_with_key(base, cast, rubric)
    import_packages(ws, cast.secretary, packages[:-1], meeting_key=key.key, actor="s", now=NOW)
    if crl is not None:
        update_trust(ws, TrustFile(tuple(cast.roots), (crl,)), actor="s", now=at)
    kit = issue_kit(ws, cast.secretary, kit_path, actor="s", now=at)
    meeting = ws.meeting(MeetingId("sec-2026-04"))
    return Issued(base, ws, meeting, rubric, kit_path, kit.kit_hash)


def hand_in(world: Issued, cast: Cast, expert_id: str, at: dt.datetime = NOW) -> Path:
    repo = expert_workspace(world.base / f"{expert_id}.sqlite", world.meeting, world.rubric)
    try:
        sheets = [
            score(repo, world.meeting, world.rubric, expert_id, a, ["20"] * 4, at=at)
            for a in ("a01", "a02", "a03")
        ]
    finally:
        repo.close()
    return sheet_file(
        world.base / f"{expert_id}.oisheet",
        cast,
        world.meeting,
        world.rubric,
        world.kit_hash,
        expert_id,
        sheets,
        at=at,
    )
