"""The meeting's trust file in the secretary's workspace: its revocation lists, and updating it.

``secretary init --trust`` stores the whole trust file (``docs/formats/trust-v1.md``: the
roots, then the CRLs those roots signed) as the setup's ``trust_roots_pem``. Every signature
the secretary's workspace verifies - an issuer's package, an expert's sheet file, the kit it
issues for the experts to carry - is verified with the lists current at that moment
(:func:`meeting_crls`); a list past its nextUpdate is refused as a trust file's is (the
secretary can get a new one), and :func:`update_trust` puts a new file in its place, in one
audited transaction.

An update must not weaken what the meeting already relies on (:func:`update_trust`): it
keeps every root that issued the secretary's or a rostered expert's certificate, it keeps a
list for every authority that had one, and no list is older than the one it replaces (a
rolled-back list could un-revoke someone).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from app.crypto import profile
from app.crypto.pki import (
    TrustFile,
    TrustStoreError,
    crl_signer,
    crls_in,
    trust_bytes,
    trust_data,
)
from app.crypto.revocation import RevocationLists
from app.errors import ValidationError
from app.i18n import Msg
from app.kit.trust import issuing_root
from app.secretary.model import SecretarySetup
from app.secretary.ports import SecretaryStore

TRUST_ACTION = "trust.update"
_WHERE = Msg.of("the meeting's trust file")
_UPDATE_ADVICE = Msg.of(
    "Ask the certificate authority for a new revocation list (pki crl), add it to the trust "
    "file in place of the old one, and give the file to the meeting with "
    "review-desk secretary trust."
)


def meeting_trust(setup: SecretarySetup, now: dt.datetime) -> TrustFile:
    """The roots and lists of the meeting's stored trust file, the lists checked current at
    ``now`` (:class:`TrustStoreError`, saying how to update them, otherwise)."""
    try:
        return trust_data(setup.trust_roots_pem.encode("ascii"), now, _WHERE)
    except TrustStoreError as exc:
        raise TrustStoreError(exc.msg, _UPDATE_ADVICE) from exc


def meeting_crls(
    setup: SecretarySetup, now: dt.datetime
) -> tuple[x509.CertificateRevocationList, ...]:
    """The revocation lists every verification of the workspace applies at ``now``."""
    return meeting_trust(setup, now).crls


def meeting_revocations(setup: SecretarySetup, now: dt.datetime) -> RevocationLists:
    """:func:`meeting_crls` for a reader that takes :class:`RevocationLists` (all current:
    the secretary's lists are refused once out of date, never lapsed)."""
    return RevocationLists(current=meeting_crls(setup, now))


@dataclass(frozen=True)
class TrustUpdate:
    """What :func:`update_trust` did; ``changed`` is False when the file was the same."""

    roots: tuple[str, ...]
    lists: tuple[tuple[str, int, dt.datetime], ...]
    """Per list: the authority's name, how many certificates it revokes, its nextUpdate."""
    changed: bool

    @property
    def message(self) -> Msg:
        if not self.changed:
            return Msg.of("The meeting already uses this trust file; nothing changed.")
        return Msg.of(
            "The meeting's trust file was replaced: roots {roots}; revocation lists: {count}.",
            roots=", ".join(self.roots),
            count=len(self.lists),
        )


def update_trust(
    ws: SecretaryStore, trust: TrustFile, *, actor: str, now: dt.datetime
) -> TrustUpdate:
    """Replace the meeting's trust file with ``trust`` (read by
    :func:`app.crypto.pki.load_trust_file` at ``now``), in one audited transaction.

    Refuses (:class:`ValidationError`, nothing changed) a file that drops a root the
    secretary's or a rostered expert's certificate was issued by, that has no list for an
    authority the stored file has one for, or whose list is older than the stored one.
    """
    setup = ws.setup()
    _keeps_the_meeting_roots(ws, setup, trust)
    _keeps_the_lists(setup, trust)
    text = trust_bytes(trust.roots, trust.crls).decode("ascii")
    summary = TrustUpdate(
        roots=tuple(profile.common_name(r) for r in trust.roots),
        lists=tuple((_list_name(crl, trust), len(crl), _next_update(crl)) for crl in trust.crls),
        changed=text != setup.trust_roots_pem,
    )
    if summary.changed:
        with ws.transaction(actor, now):
            ws.save_setup(dataclasses.replace(setup, trust_roots_pem=text), TRUST_ACTION)
    return summary


def _keeps_the_meeting_roots(ws: SecretaryStore, setup: SecretarySetup, trust: TrustFile) -> None:
    old_roots = setup.trust_roots()
    people = [(Msg.of("the secretary"), setup.secretary_certificate())]
    people += [
        (Msg.of("the expert {name}", name=entry.expert.name), _certificate(entry.certificate_pem))
        for entry in ws.roster()
    ]
    for who, certificate in people:
        needed = issuing_root(certificate, old_roots)
        if needed is not None and issuing_root(certificate, trust.roots) is None:
            raise ValidationError(
                Msg.of(
                    "The new trust file does not hold {authority}, which issued the "
                    "certificate of {who}.",
                    authority=profile.common_name(needed),
                    who=who,
                ),
                Msg.of("Keep the meeting's certificate authority in the trust file."),
            )


def _keeps_the_lists(setup: SecretarySetup, trust: TrustFile) -> None:
    old_roots = setup.trust_roots()
    for old in crls_in(setup.trust_roots_pem.encode("ascii")):
        root = crl_signer(old, old_roots)
        if root is None:
            continue
        new = next((c for c in trust.crls if crl_signer(c, [root]) is not None), None)
        name = profile.common_name(root)
        if new is None:
            raise ValidationError(
                Msg.of(
                    "The new trust file has no revocation list from {name}; the meeting's has one.",
                    name=name,
                ),
                Msg.of("Add the newest revocation list of {name} to the file.", name=name),
            )
        if _order(new) < _order(old):
            raise ValidationError(
                Msg.of(
                    "The revocation list from {name} in the new trust file is older than the "
                    "meeting's (issued {new}, the meeting's {old}).",
                    name=name,
                    new=_stamp(new.last_update_utc),
                    old=_stamp(old.last_update_utc),
                ),
                Msg.of("Use the newest revocation list of {name}.", name=name),
            )


def _order(crl: x509.CertificateRevocationList) -> tuple[int, dt.datetime]:
    try:
        number = crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    except x509.ExtensionNotFound:
        number = -1
    return number, crl.last_update_utc


def _list_name(crl: x509.CertificateRevocationList, trust: TrustFile) -> str:
    root = crl_signer(crl, trust.roots)
    return profile.common_name(root) if root is not None else crl.fingerprint(hashes.SHA256()).hex()


def _next_update(crl: x509.CertificateRevocationList) -> dt.datetime:
    until = crl.next_update_utc
    assert until is not None  # trust_data refuses a list without one
    return until


def _certificate(pem: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode("ascii"))


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")
