"""Issuing the meeting kit (through :func:`app.kit.build_kit`) and freezing the meeting.

After the kit is written, one transaction copies the meeting into the immutable meeting
tables and records the kit hash: from then on rubric, roster and agenda cannot change and
every sheet must name this kit. If that transaction fails, the written kit is removed, so a
kit file never exists that the workspace does not know.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from pathlib import Path

from app.crypto.identity import Identity
from app.domain.ids import ApplicationId
from app.i18n import Msg
from app.secretary.errors import SetupFrozenError, SetupIncompleteError
from app.secretary.model import IssuedKit, PackageStatus, RoundInfo
from app.secretary.ports import SecretaryStore
from app.secretary.setup import packages_folder, ready_meeting, require_secretary
from app.secretary.trust import meeting_crls


def issue_kit(
    ws: SecretaryStore,
    identity: Identity,
    out: Path,
    *,
    actor: str,
    now: dt.datetime,
    overwrite: bool = False,
) -> IssuedKit:
    """Build and sign the kit to ``out``; freeze the meeting; open round 1.

    Refuses (:class:`SetupIncompleteError`) without a sealed meeting key or with an
    incomplete meeting (see :func:`app.secretary.setup.ready_meeting`), and a second kit
    (:class:`SetupFrozenError`). :class:`app.kit.KitBuildError` for what the kit builder
    refuses.
    """
    from app.kit.builder import build_kit  # the kit builder pulls in the ZIP writer; load on use

    setup = require_secretary(ws, identity)
    if setup.kit is not None:
        raise SetupFrozenError(Msg.of("meeting kit"), setup.kit.kit_hash)
    if setup.sealed_meeting_key is None:
        raise SetupIncompleteError(
            Msg.of("There is no meeting key yet."),
            Msg.of("Create the meeting key (and note its passphrase) first."),
        )
    meeting = ready_meeting(ws)
    folder = packages_folder(ws)
    packages = {
        ApplicationId(str(p.application_id)): folder / str(p.stored_name)
        for p in ws.packages()
        if p.status is PackageStatus.VERIFIED
    }
    summary = build_kit(
        meeting,
        setup.rubric,
        packages,
        setup.trust_roots(),
        identity,
        setup.sealed_meeting_key,
        Path(out),
        now,
        overwrite=overwrite,
        crls=meeting_crls(setup, now),  # the experts carry them (kit-v1 §4)
    )
    kit = IssuedKit(summary.kit_hash, summary.kit_id, now, Path(out).name)
    frozen = dataclasses.replace(setup, kit=kit, current_round=1)
    try:
        with ws.transaction(actor, now):
            ws.freeze(meeting, setup.rubric, frozen)
            ws.add_round(RoundInfo(1, now, None, ""))
    except BaseException:
        with contextlib.suppress(OSError):
            Path(out).unlink()
        raise
    return kit
