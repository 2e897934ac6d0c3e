"""Writing the signed round notice (``docs/formats/round-notice-v1.md``) for a round the
secretary opened, so that the experts' workspaces learn of it.

The notice states exactly what :func:`app.secretary.rounds.open_round` recorded: the round,
its applications, when it was opened and why, under the issued kit's hash. It is written
atomically to a folder the secretary chooses (a USB stick) and read back, as the kit and the
sheet files are. The same round gives the same notice bytes, so writing it again (a lost
stick) hands out the same notice. Nothing in the workspace changes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.crypto.identity import Identity
from app.domain.ids import MeetingId
from app.errors import ValidationError
from app.i18n import Msg
from app.round_notice import RoundNotice, WrittenRoundNotice, notice_file_name, write_round_notice
from app.secretary.errors import SetupIncompleteError
from app.secretary.ports import SecretaryReader, SecretaryStore
from app.secretary.rounds import round_info
from app.secretary.setup import require_secretary


def round_notice(ws: SecretaryReader, identity: Identity, round: int | None = None) -> RoundNotice:
    """The notice of ``round`` (default: the current round) as this secretary states it.

    :class:`SetupIncompleteError` before the kit is issued; :class:`ValidationError` for
    round 1 (the kit opens it: it needs no notice); :class:`app.errors.NotFoundError` for a
    round that was never opened; :class:`WrongSecretaryError` for another identity.
    """
    setup = require_secretary(ws, identity)
    if setup.kit is None:
        raise SetupIncompleteError(
            Msg.of("No round can be announced before the meeting kit is issued."),
            Msg.of("Issue the meeting kit first."),
        )
    number = setup.current_round if round is None else round
    info = round_info(ws, number)
    if info.applications is None:
        raise ValidationError(
            Msg.of("Round {round} needs no notice: the meeting kit opened it.", round=number),
            Msg.of("Open a new round for the flagged applications on the consolidation page."),
        )
    return RoundNotice(
        meeting_id=MeetingId(setup.header.meeting_id),
        kit_hash=setup.kit.kit_hash,
        round=info.number,
        application_ids=info.applications,
        opened_at=info.opened_at,
        reason=info.reason,
        secretary_fingerprint=identity.fingerprint,
    )


def export_round_notice(
    ws: SecretaryStore,
    identity: Identity,
    folder: Path,
    *,
    now: dt.datetime,
    round: int | None = None,
) -> WrittenRoundNotice:
    """Sign and write the notice of ``round`` (default: the current one) into ``folder`` as
    ``MEETING-round-N.oiround``, atomically, and read it back. The errors of
    :func:`round_notice` and of :func:`app.round_notice.write_round_notice`."""
    notice = round_notice(ws, identity, round)
    setup = ws.setup()
    meeting = ws.meeting(setup.header.meeting_id)
    target = Path(folder) / notice_file_name(notice.meeting_id, notice.round)
    return write_round_notice(
        target, notice, identity, now, meeting=meeting, trust_roots=setup.trust_roots()
    )
