"""The typed failures of sealed drafts (``docs/formats/workspace-drafts-v1.md``).

Wrong key and damage stay distinct, like age's failure classes: a draft key that belongs to
another identity is not the same problem as a key record or a sealed value that was changed.
"""

from __future__ import annotations

from app.errors import UserFacingError
from app.i18n import Msg


class SealedDraftsError(UserFacingError):
    """Root of the sealed-drafts failures."""


class WrongDraftKeyError(SealedDraftsError):
    """The expert's draft key in this workspace was wrapped for another identity: the
    identity that signed in cannot unwrap it. Nothing was changed."""


class DraftKeyDamagedError(SealedDraftsError):
    """The stored draft-key record is malformed, or its signature does not verify against
    the signed-in expert's certificate (it was changed, or planted by someone else)."""


class SealedRecordError(SealedDraftsError):
    """A sealed value does not open under the expert's draft key at its place: it was
    changed, damaged, or copied from another row or another expert."""

    kind: str = ""
    """Which kind of value failed (``sheet``, ``note``, ``conflict``, ``signed-sheet``)."""


class RecordsSealedError(SealedDraftsError):
    """The records asked for are sealed to an expert, and this session does not hold that
    expert's draft key (another expert's session, or a reader that did not sign in)."""


def records_sealed(expert_id: str) -> RecordsSealedError:
    return RecordsSealedError(
        Msg.of(
            "These records are sealed to expert {expert}; they open only in that expert's "
            "own session.",
            expert=expert_id,
        ),
        Msg.of("Sign in as that expert with their own identity file."),
    )


def record_damaged(expert_id: str, kind: str) -> SealedRecordError:
    error = SealedRecordError(
        Msg.of(
            "A record sealed for expert {expert} does not open: it was changed, damaged, "
            "or copied here from another place.",
            expert=expert_id,
        ),
        Msg.of(
            "Nothing was changed. Run “review-desk audit verify” on the workspace to see what "
            "was altered, and restore the workspace from its latest backup."
        ),
    )
    error.kind = kind
    return error


# -- the secretary's workspace (docs/formats/secretary-workspace-v1.md) -----------------------


def workspace_locked() -> RecordsSealedError:
    return RecordsSealedError(
        Msg.of(
            "The experts' work in this secretary workspace is sealed; it opens only with the "
            "secretary's identity."
        ),
        Msg.of(
            "Unlock the workspace with the secretary's identity file (on the command line: "
            "--identity SECRETARY.p12)."
        ),
    )


def secretary_record_damaged(kind: str) -> SealedRecordError:
    error = SealedRecordError(
        Msg.of(
            "A record sealed in the secretary's workspace does not open: it was changed, "
            "damaged, or copied here from another place."
        ),
        Msg.of(
            "Nothing was changed. Run “review-desk audit verify” on the workspace to see what "
            "was altered, and restore the workspace from its latest backup."
        ),
    )
    error.kind = kind
    return error
