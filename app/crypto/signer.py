"""Who may sign: the one check every signing use case makes before it signs.

Before a package, a meeting kit, a result bundle, a panel-opinion approval, a round notice,
a score sheet or a workspace is signed or set up, the identity must (1) carry the role the
document needs, (2) hold a certificate valid at the signing moment and, where the document or
the roster names its signer, (3) be exactly that certificate. :func:`require_signer` checks
the three in that order and raises the caller's own typed error, built by ``refuse`` from a
message, a recommendation and a short technical detail, so each format keeps its error class
and its wording.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from app.crypto.identity import Identity, IdentityExpiredError
from app.crypto.profile import Role, normalize_fingerprint
from app.i18n import Msg

Refuse = Callable[[Msg, Msg, str], Exception]
"""Builds the caller's typed error from (message, recommendation, detail)."""

CHECK_CLOCK = Msg.of("Check this computer's date and time.")


def require_signer(
    identity: Identity,
    role: Role,
    now: datetime,
    refuse: Refuse,
    *,
    wrong_role: Msg,
    recommendation: Msg,
    expected_fingerprint: str | None = None,
    not_expected: Msg | None = None,
    wrap_expiry: bool = True,
) -> None:
    """Refuse unless ``identity`` has ``role``, is valid at ``now`` and, when
    ``expected_fingerprint`` is given, is that certificate.

    ``wrong_role`` and ``not_expected`` are the messages of those refusals. An expired (or
    not yet valid) certificate is refused with its own message through ``refuse``, or, with
    ``wrap_expiry=False``, as the :class:`IdentityExpiredError` itself.
    """
    if identity.role is not role:
        raise refuse(wrong_role, recommendation, f"signer role {identity.role.value}")
    try:
        identity.check_valid_at(now)
    except IdentityExpiredError as exc:
        if not wrap_expiry:
            raise
        raise refuse(exc.msg, exc.rec or CHECK_CLOCK, "signer expired") from exc
    if expected_fingerprint is not None and not is_certificate(identity, expected_fingerprint):
        raise refuse(not_expected or wrong_role, recommendation, "signer is not the one named")


def is_certificate(identity: Identity, fingerprint: str | None) -> bool:
    """Whether ``fingerprint`` (in any accepted spelling) is ``identity``'s certificate's."""
    return fingerprint is not None and normalize_fingerprint(fingerprint) == identity.fingerprint
