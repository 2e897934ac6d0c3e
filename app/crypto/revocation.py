"""The revocation lists one verification applies, current and lapsed (trust-v1 "Use").

A reader that can fetch a new list (a trust file's owner, a secretary with ``secretary
trust``) holds only current lists: :func:`app.crypto.pki.trust_data` refuses a stale one, and
the verifier applies them in hard-fail mode (a list for a root clears or refuses every
certificate that root issued). An expert's machine holds only what the meeting kit carried
(``docs/formats/kit-v1.md`` §4): once such a list passes its nextUpdate it can no longer
clear anyone, but what it lists stays revoked (a revocation is final), and refusing every
signer would lock the expert out of their own meeting without telling them anything new. So
a lapsed list is kept apart (:attr:`RevocationLists.lapsed`): it is not given to the
verifier, and a signer it lists is refused with the date by :meth:`RevocationLists.check`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from app.crypto import profile
from app.crypto.cms import SignerRevokedError
from app.crypto.pki import crl_signer
from app.i18n import Msg


@dataclass(frozen=True)
class RevocationLists:
    """``current``: lists valid now, for the verifier's ``crls``. ``lapsed``: lists past
    their nextUpdate (or not yet valid on this computer's clock) whose entries still refuse."""

    current: tuple[x509.CertificateRevocationList, ...] = ()
    lapsed: tuple[x509.CertificateRevocationList, ...] = ()

    @classmethod
    def of(
        cls,
        crls: Sequence[x509.CertificateRevocationList],
        roots: Sequence[x509.Certificate],
        now: datetime,
    ) -> RevocationLists:
        """Sort ``crls`` for a reader that trusts ``roots`` at ``now``. A list none of
        ``roots`` signed is left out: it can concern no signer this reader accepts."""
        current: list[x509.CertificateRevocationList] = []
        lapsed: list[x509.CertificateRevocationList] = []
        for crl in crls:
            if crl_signer(crl, roots) is None:
                continue
            until = crl.next_update_utc
            if until is not None and crl.last_update_utc <= now <= until:
                current.append(crl)
            else:
                lapsed.append(crl)
        return cls(tuple(current), tuple(lapsed))

    def union(self, other: RevocationLists) -> RevocationLists:
        """Both readers' lists: a certificate any of them lists is refused."""
        return RevocationLists(
            _unique((*self.current, *other.current)), _unique((*self.lapsed, *other.lapsed))
        )

    @property
    def lapsed_since(self) -> datetime | None:
        """The earliest nextUpdate of a lapsed list (for a warning), or ``None``."""
        ends = [c.next_update_utc for c in self.lapsed if c.next_update_utc is not None]
        return min(ends) if ends else None

    def check(self, certificate: x509.Certificate, at: datetime) -> None:
        """Refuse (:class:`SignerRevokedError`, with the date) a ``certificate`` that a lapsed
        list revokes as of ``at``; the current lists are the verifier's business."""
        revoked_at = listed_revocation(certificate, self.lapsed, at)
        if revoked_at is not None:
            raise revoked_error(certificate, revoked_at)


def listed_revocation(
    certificate: x509.Certificate,
    crls: Sequence[x509.CertificateRevocationList],
    at: datetime,
) -> datetime | None:
    """The revocation date one of ``crls`` (each already checked to come from the root that
    issued ``certificate``'s kind) states for ``certificate``, if it is not after ``at``."""
    for crl in crls:
        if crl.issuer != certificate.issuer:
            continue
        entry = crl.get_revoked_certificate_by_serial_number(certificate.serial_number)
        if entry is not None and entry.revocation_date_utc <= at:
            return entry.revocation_date_utc
    return None


def revoked_error(certificate: x509.Certificate, revoked_at: datetime) -> SignerRevokedError:
    """The verifier's own refusal of a revoked signer (same message, same advice)."""
    return SignerRevokedError(
        Msg.of(
            "The signer {name} ({fingerprint}) is not trusted: the certificate was revoked "
            "on {date}.",
            name=profile.common_name(certificate),
            fingerprint=profile.fingerprint(certificate),
            date=revoked_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        ),
        Msg.of("Do not accept this file; ask the sender to sign it again with a valid identity."),
        revoked_at=revoked_at,
    )


def _unique(
    crls: Sequence[x509.CertificateRevocationList],
) -> tuple[x509.CertificateRevocationList, ...]:
    seen: dict[bytes, x509.CertificateRevocationList] = {}
    for crl in crls:
        seen.setdefault(crl.fingerprint(hashes.SHA256()), crl)
    return tuple(seen.values())
