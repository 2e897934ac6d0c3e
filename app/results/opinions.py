"""The chair's approval of a panel opinion, as a result bundle carries it.

The format is ``docs/formats/panel-opinion-v1.md`` (``review-desk/panel-opinion``), whose
writer is the secretary's workspace (``app/secretary/opinions.py``). The bundle carries the
signed bytes verbatim; a reader does not parse them but **rebuilds** them from the opinion in
``results.json``, the kit hash and the roster's chair (:func:`panel_opinion_bytes`) and
compares bytes - an approval covers exactly one text, so an approved opinion cannot be
reworded after the chair signed it. This module mirrors the format's document builder so
``app/results`` does not depend on the secretary's workspace; a test holds the two equal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from app.crypto import cms
from app.crypto.identity import Identity
from app.crypto.profile import Role, normalize_fingerprint
from app.crypto.signer import require_signer
from app.domain.meeting import Expert
from app.domain.sheet import PanelOpinion
from app.formats.canonical_json import dumps_canonical
from app.i18n import Msg
from app.results.errors import BundleBuildError
from app.sheets import SignedDocument, codec

FORMAT: Final = "review-desk/panel-opinion"
VERSION: Final = 1


@dataclass(frozen=True)
class OpinionInput:
    """A panel opinion for the bundle and, when the chair approved it, the signed approval
    (document bytes and CMS signature, as ``panel-opinion-v1.md`` defines them)."""

    opinion: PanelOpinion
    approval: SignedDocument | None = None


def panel_opinion_bytes(opinion: PanelOpinion, kit_hash: str, chair: Expert) -> bytes:
    """The canonical bytes the chair signs to approve ``opinion`` (panel-opinion v1)."""
    if opinion.approved_at is None:
        raise ValueError("only an opinion being approved has a signed document")
    return dumps_canonical(
        {
            "format": FORMAT,
            "version": VERSION,
            "document_type": "panel-opinion",
            "meeting_id": opinion.meeting_id,
            "kit_hash": kit_hash,
            "application_id": opinion.application_id,
            "round": opinion.round,
            "opinion": opinion.opinion,
            "recommendation": opinion.recommendation.value,
            "minority_opinion": opinion.minority_opinion,
            "chair_id": chair.id,
            "chair_fingerprint": normalize_fingerprint(chair.fingerprint) or chair.fingerprint,
            "signer_role": "chair",
            "approved_at": codec.encode_time(opinion.approved_at),
        }
    )


def sign_panel_opinion(
    opinion: PanelOpinion, kit_hash: str, chair: Expert, identity: Identity, now: dt.datetime
) -> SignedDocument:
    """The chair's approval of ``opinion`` (for tools and tests; the workspace has its own)."""
    require_signer(
        identity,
        Role.EXPERT,
        now,
        BundleBuildError,
        wrong_role=Msg.of("Only the panel chair's expert identity can approve an opinion."),
        recommendation=Msg.of(
            "Ask the panel chair to approve the opinion with their own identity."
        ),
        wrap_expiry=False,
    )
    data = panel_opinion_bytes(opinion, kit_hash, chair)
    return SignedDocument(data, cms.sign_detached(data, identity))
