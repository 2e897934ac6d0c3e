"""The announcement and the register as the desk and the command line both make them: the
checked request (issuing body, objection period, language) over the latest closed batch, and
what the internal register reads from the store. The exporters (:mod:`export.ministry_documents`)
turn these values into the signed notice, its workbook and the register workbook."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final, Protocol

from app.crypto.identity import Identity
from app.errors import UserFacingError
from app.formats.text import first_unsafe
from app.i18n import Msg
from app.ministry.deciding import DecisionState, announce, decision_states
from app.ministry.decisions import DecisionSubject, RecordedBatch, RecordedDecision
from app.ministry.model import ApplicationRow
from app.ministry.ports import DecisionStore, MinistryStore

MAX_ISSUER: Final = 200
"""The issuing body's name on the notice, in characters."""
MIN_OBJECTION_DAYS: Final = 1
MAX_OBJECTION_DAYS: Final = 365


class AnnouncementRequestError(UserFacingError):
    """The issuing body or the objection period cannot go on a notice; nothing was written."""


@dataclass(frozen=True)
class Notice:
    """Everything the public notice shows: the confirmed applications of ``batch_id``."""

    entries: tuple[DecisionSubject, ...]
    issuer: str
    objection_days: int
    batch_id: int
    batch_sha256: str
    language: str
    issued_at: datetime


@dataclass(frozen=True)
class RegisterContents:
    """What the internal register shows, read from the store at ``generated_at``."""

    rows: tuple[ApplicationRow, ...]
    states: tuple[DecisionState, ...]
    decisions: tuple[RecordedDecision, ...]
    batches: tuple[RecordedBatch, ...]
    language: str
    generated_at: datetime


class RegisterStore(MinistryStore, DecisionStore, Protocol):
    """The imported figures and the decisions, as the register reads them."""


def default_issuer(identity: Identity) -> str:
    """The issuing body a notice names unless told otherwise: the certificate's organisation."""
    return identity.organisation.strip()


def prepare_notice(
    store: DecisionStore,
    identity: Identity,
    issuer: str | None,
    objection_days: int,
    language: str,
    now: datetime,
) -> Notice:
    """The checked notice of the latest batch's confirmed platforms, for ``identity`` to sign.

    ``issuer`` ``None`` takes :func:`default_issuer`. Refuses with
    :class:`AnnouncementRequestError` (a bad period or issuing body), or as
    :func:`~app.ministry.deciding.announce` does; nothing is written either way.
    """
    if not MIN_OBJECTION_DAYS <= objection_days <= MAX_OBJECTION_DAYS:
        raise AnnouncementRequestError(
            Msg.of("The objection period must be 1 to 365 days."),
            Msg.of("Give the number of days objections may be sent."),
        )
    listed = announce(store, identity, now)
    name = (default_issuer(identity) if issuer is None else issuer).strip()
    if not name:
        raise AnnouncementRequestError(
            Msg.of("The issuing body is not named."),
            Msg.of("Name it (your certificate names no organisation)."),
        )
    if len(name) > MAX_ISSUER or first_unsafe(name) is not None:
        raise AnnouncementRequestError(
            Msg.of(
                "The issuing body must be at most {limit} characters of plain text.",
                limit=MAX_ISSUER,
            ),
            Msg.of("Write the issuing body's name as it should appear on the notice."),
        )
    return Notice(
        entries=listed.entries,
        issuer=name,
        objection_days=objection_days,
        batch_id=listed.batch.record.batch_id,
        batch_sha256=listed.batch.sha256,
        language=language,
        issued_at=now,
    )


def register_contents(store: RegisterStore, language: str, now: datetime) -> RegisterContents:
    """Every meeting's current applications, their decision states, every signed decision
    version and every batch."""
    return RegisterContents(
        rows=store.application_rows(),
        states=decision_states(store),
        decisions=store.decisions(),
        batches=store.batches(),
        language=language,
        generated_at=now,
    )
