"""Detached CMS (PKCS#7) signatures over exact bytes: ECDSA P-256 / SHA-256.

Signing uses ``cryptography``'s :class:`~cryptography.hazmat.primitives.serialization.pkcs7.
PKCS7SignatureBuilder` (DER, detached, binary), embedding the signer's certificate and
chain so a verifier needs only its own trust roots. ``openssl cms -verify`` accepts the
result; the tests use it as an independent oracle.

Verification checks what pyHanko's ``async_validate_detached_cms`` checks for our profile,
without building an ASN.1 tree (:mod:`app.crypto.cms_parse` reads the DER directly): one
signer, detached, SHA-256, contentType = data and messageDigest = SHA-256(data) among the
signed attributes, the ECDSA-with-SHA256 signature over their DER (re-tagged as SET OF,
RFC 5652 §5.4), the signer certificate found in the embedded bag by its identifier. The
certificate *path* is validated by pyHanko's certvalidator, with pyHanko's own trust step
for CMS signers (key usage included), against **only the caller's trust roots** (and
CRLs), fetching disabled (air-gapped), once per distinct certificate in a
:class:`SignatureVerifier`; the moment ``at`` is checked on every call against every
certificate on that path. Verification raises one typed error per failure class, checked
in this order:

1. :class:`SignatureInvalidError` - malformed CMS, data changed, or a bad signature;
2. :class:`SignerUntrustedError` - no certificate path to the roots (or the path fails
   for a reason other than time); its subclass :class:`SignerRevokedError` when the
   offline CRLs given revoke a certificate on the path (with the revocation date);
3. :class:`SignerExpiredError` - a certificate on the path is not valid at ``at``;
4. :class:`SignerRoleError` - the signer's role is not one the caller accepts.

:func:`inspect_signature` evaluates the same checks without raising, for display.
pyHanko's certvalidator is imported only when a path is validated, and never
``pyhanko.sign`` (its signing stack takes most of a command's start-up).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import hmac
import logging
import threading
import weakref
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Protocol

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding

from app.crypto import profile
from app.crypto.cms_parse import CmsFormatError, ParsedSignature, parse_detached
from app.crypto.profile import Role
from app.crypto.report import Check, VerificationReport
from app.errors import UserFacingError
from app.i18n import Msg
from app.step_aside import step_aside

MAX_SIGNATURE_SIZE: Final = 1024 * 1024  # a chain of a few certificates is ~2 KB


class SigningIdentity(Protocol):
    """What signing needs; :class:`app.crypto.identity.Identity` provides it."""

    @property
    def certificate(self) -> x509.Certificate: ...

    @property
    def signing_key(self) -> ec.EllipticCurvePrivateKey: ...

    @property
    def chain(self) -> Sequence[x509.Certificate]: ...


class SignatureError(UserFacingError):
    """A signature that is not accepted; the subclass says why."""


class SignatureInvalidError(SignatureError):
    """The signature does not match the data, or is not a well-formed CMS signature."""

    def __init__(self, reason: Msg | None = None) -> None:
        super().__init__(
            Msg.of("The signature is invalid: {reason}", reason=reason)
            if reason is not None
            else Msg.of("The signature does not match the file: the file was changed or damaged."),
            Msg.of("Do not use this file; ask the sender for a new copy."),
        )


class SignerUntrustedError(SignatureError):
    """No valid certificate path from the signer to the caller's trust roots."""


class SignerRevokedError(SignerUntrustedError):
    """The offline CRLs given revoke a certificate on the signer's path; ``revoked_at`` is
    the revocation date they state. Revoked at the verification time means refused: our
    signatures carry no trusted timestamp, so a signature made "before" the revocation
    cannot be told from one made after it on a backdated clock."""

    def __init__(self, message: Msg, advice: Msg, *, revoked_at: datetime) -> None:
        super().__init__(message, advice)
        self.revoked_at = revoked_at


class SignerExpiredError(SignatureError):
    """A certificate on the signer's path is not valid at the verification time."""


class SignerRoleError(SignatureError):
    """The signer's certificate does not carry a role the caller accepts."""


@dataclass(frozen=True)
class SignerInfo:
    """Who signed, as vouched for by the certificate path.

    ``signing_time`` is the CMS signingTime attribute: the *signer's* clock, informational
    only (our signed documents carry their own dated fields). ``role`` is ``None`` only
    when verification was asked with ``roles=None`` and the certificate names none.
    """

    common_name: str
    organisation: str
    role: Role | None
    fingerprint: str
    certificate: x509.Certificate
    signing_time: datetime | None


@dataclass(frozen=True)
class SignatureReport(VerificationReport):
    """Every check's outcome, for display. ``problem`` is the error verification would raise.

    ``trusted`` is pyHanko's verdict on the path and therefore also ``False`` when a
    certificate has merely expired; ``time_ok`` tells the two apart. ``signer`` is ``None``
    only when the signature is too malformed to name a signer. The named checks
    (:data:`CHECKS`) are these flags in the order verification applies them; the one that
    refused carries the problem's message.
    """

    intact: bool
    trusted: bool
    time_ok: bool
    role_ok: bool
    signer: SignerInfo | None
    problem: SignatureError | None

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def checks(self) -> tuple[Check, ...]:
        flags = (self.intact, self.trusted, self.time_ok, self.role_ok)
        blamed = _CHECK_OF.get(type(self.problem)) if self.problem is not None else None
        return tuple(
            Check(name, passed, self.problem.msg if name == blamed and self.problem else None)
            for name, passed in zip(CHECKS, flags, strict=True)
        )


CHECKS: Final = ("intact", "trusted", "time", "role")
"""The names of :class:`SignatureReport`'s checks."""

_CHECK_OF: Final[dict[type[SignatureError], str]] = {
    SignatureInvalidError: "intact",
    SignerUntrustedError: "trusted",
    SignerRevokedError: "trusted",
    SignerExpiredError: "time",
    SignerRoleError: "role",
}


def sign_detached(data: bytes, signer: SigningIdentity) -> bytes:
    """A DER CMS SignedData over ``data`` (detached), embedding the signer's certificates.

    The signed attributes are those OpenSSL adds (contentType, messageDigest, signingTime
    from the system clock, SMIMECapabilities); ECDSA signatures are randomised, so two
    signatures of the same bytes differ.
    """
    # Imported here: only signing needs it, and a verifying command starts faster without.
    from cryptography.hazmat.primitives.serialization import pkcs7

    builder = pkcs7.PKCS7SignatureBuilder().set_data(bytes(data))
    builder = builder.add_signer(signer.certificate, signer.signing_key, hashes.SHA256())
    for cert in signer.chain:
        if cert != signer.certificate:
            builder = builder.add_certificate(cert)
    return builder.sign(
        Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary]
    )


def verify_detached(
    data: bytes,
    signature: bytes,
    trust_roots: Sequence[x509.Certificate],
    *,
    roles: Collection[Role] | None,
    at: datetime,
    verifier: SignatureVerifier | None = None,
    crls: Sequence[x509.CertificateRevocationList] = (),
) -> SignerInfo:
    """Verify ``signature`` over ``data`` against ``trust_roots`` at moment ``at``.

    ``roles`` is the set of acceptable signer roles; ``None`` disables the role check (use
    it only to display a signature, never to accept a document). Raises one of the
    :class:`SignatureError` subclasses (see the module docstring); returns the signer.
    ``verifier`` keeps the validated certificate paths of a file or session (a shared
    default one otherwise). Safe to call from any thread and from inside a running event
    loop; async code may await :func:`averify_detached`. ``crls`` are offline revocation
    lists (from the trust file, :func:`app.crypto.pki.load_trust_file`): given, a
    certificate they do not clear is refused, a revoked one with
    :class:`SignerRevokedError`.
    """
    step_aside()  # an import checks thousands in a worker: the window must get its turn
    return (verifier or _DEFAULT_VERIFIER).verify(
        data, signature, trust_roots, roles=roles, at=at, crls=crls
    )


async def averify_detached(
    data: bytes,
    signature: bytes,
    trust_roots: Sequence[x509.Certificate],
    *,
    roles: Collection[Role] | None,
    at: datetime,
    verifier: SignatureVerifier | None = None,
    crls: Sequence[x509.CertificateRevocationList] = (),
) -> SignerInfo:
    """:func:`verify_detached` for async code (the work runs on a worker thread)."""
    return await asyncio.to_thread(
        verify_detached,
        data,
        signature,
        trust_roots,
        roles=roles,
        at=at,
        verifier=verifier,
        crls=crls,
    )


def inspect_signature(
    data: bytes,
    signature: bytes,
    trust_roots: Sequence[x509.Certificate],
    *,
    roles: Collection[Role] | None,
    at: datetime,
    verifier: SignatureVerifier | None = None,
    crls: Sequence[x509.CertificateRevocationList] = (),
) -> SignatureReport:
    """Run every check of :func:`verify_detached` and report each, without raising."""
    return (verifier or _DEFAULT_VERIFIER).inspect(
        data, signature, trust_roots, roles=roles, at=at, crls=crls
    )


async def ainspect_signature(
    data: bytes,
    signature: bytes,
    trust_roots: Sequence[x509.Certificate],
    *,
    roles: Collection[Role] | None,
    at: datetime,
    verifier: SignatureVerifier | None = None,
    crls: Sequence[x509.CertificateRevocationList] = (),
) -> SignatureReport:
    """:func:`inspect_signature` for async code (the work runs on a worker thread)."""
    return await asyncio.to_thread(
        inspect_signature,
        data,
        signature,
        trust_roots,
        roles=roles,
        at=at,
        verifier=verifier,
        crls=crls,
    )


@dataclass(frozen=True)
class _Certificate:
    """What verification reads from one embedded certificate, read once."""

    certificate: x509.Certificate
    der: bytes
    issuer: bytes
    serial: int
    key_id: bytes | None
    public_key: ec.EllipticCurvePublicKey | None
    common_name: str
    organisation: str
    role: Role | None
    fingerprint: str

    @classmethod
    def load(cls, der: bytes) -> _Certificate:
        cert = x509.load_der_x509_certificate(der)
        _read_as_path_builder(der)
        try:
            key_id: bytes | None = cert.extensions.get_extension_for_class(
                x509.SubjectKeyIdentifier
            ).value.digest
        except x509.ExtensionNotFound:
            key_id = None
        key = cert.public_key()
        return cls(
            certificate=cert,
            der=der,
            issuer=cert.issuer.public_bytes(),
            serial=cert.serial_number,
            key_id=key_id,
            public_key=key if isinstance(key, ec.EllipticCurvePublicKey) else None,
            common_name=profile.common_name(cert),
            organisation=profile.organisation(cert),
            role=profile.certificate_role(cert),
            fingerprint=profile.fingerprint(cert),
        )


def _read_as_path_builder(der: bytes) -> None:
    """Read the certificate now as pyHanko's path builder will (asn1crypto), raising what it
    would raise there. The two libraries disagree on some malformed certificates: a name
    attribute of a type asn1crypto does not know, holding an OCTET STRING, loads in
    cryptography but makes asn1crypto's name comparison raise ``TypeError`` - found by the
    M7 fuzz run (issue 12). Raised here, it is a malformed signature, not a crash in path
    building."""
    from asn1crypto import x509 as asn1_x509

    view = asn1_x509.Certificate.load(der)
    _ = view.native  # every field decoded
    _ = (view.subject.hashable, view.issuer.hashable)  # the names as the registry compares them


@dataclass(frozen=True)
class _PathOutcome:
    """certvalidator's verdict on one certificate's path at one moment.

    ``certificates`` is the path (root first, the signer last), or the failed path when
    certvalidator names one, or just the signer. ``chain_found`` is ``False`` only when no
    chain to the roots exists at all (pyHanko's ``NO_CERTIFICATE_CHAIN_FOUND``).
    ``revoked_at`` is the revocation date the CRLs state for the signer's certificate (with
    ``ca_revoked``: for a CA on its path).
    """

    valid: bool
    chain_found: bool
    certificates: tuple[x509.Certificate, ...]
    revoked_at: datetime | None = None
    ca_revoked: bool = False
    not_before: datetime = field(init=False)
    """The latest start of validity on the path."""
    not_after: datetime = field(init=False)
    """The earliest end of validity on the path."""

    def __post_init__(self) -> None:
        starts = [c.not_valid_before_utc for c in self.certificates]
        ends = [c.not_valid_after_utc for c in self.certificates]
        object.__setattr__(self, "not_before", max(starts))
        object.__setattr__(self, "not_after", min(ends))

    def covers(self, at: datetime) -> bool:
        """Every certificate on the path is valid at ``at``."""
        return self.not_before <= at <= self.not_after


_PathKey = tuple[bytes, frozenset[x509.Certificate], frozenset[bytes]]


def _within_crls(crls: Sequence[x509.CertificateRevocationList], at: datetime) -> bool:
    """``at`` lies within every list's thisUpdate..nextUpdate (where certvalidator uses it)."""
    for crl in crls:
        until = crl.next_update_utc
        if at < crl.last_update_utc or until is None or at > until:
            return False
    return True


def _listed(
    certificates: Sequence[x509.Certificate], crls: Sequence[x509.CertificateRevocationList]
) -> bool:
    """Some certificate of the path appears in some list (revoked, perhaps only later)."""
    return any(
        crl.issuer == cert.issuer
        and crl.get_revoked_certificate_by_serial_number(cert.serial_number) is not None
        for crl in crls
        for cert in certificates
    )


_ECDSA_SHA256: Final = ec.ECDSA(hashes.SHA256())

# pyHanko's key-usage rule for CMS signers (StandardCMSSignatureStatus: nonRepudiation),
# and digitalSignature as well: every signing certificate we issue carries both.
_KEY_USAGE: Final = frozenset({"digital_signature", "non_repudiation"})


class SignatureVerifier:
    """Verifies signatures, validating each distinct certificate's path once.

    A path validated by certvalidator is kept under the certificate, the trust roots and
    the CRLs it was validated with. A later check reuses it only when every certificate on
    the path is valid at that check's own moment and that moment lies within every CRL's
    thisUpdate..nextUpdate; otherwise the path is validated again at that moment, so
    expiry is never cached away. A path with a certificate that a CRL lists (revoked, or
    to be revoked after the moment validated) is never kept: its verdict depends on the
    moment. Failures are not kept. Use one verifier per
    file or per session; it is safe to share between threads. ``max_paths`` bounds what
    it keeps (the oldest entries go first).
    """

    def __init__(self, *, max_paths: int = 512) -> None:
        self._max = max_paths
        self._lock = threading.Lock()
        self._paths: dict[_PathKey, _PathOutcome] = {}
        self._certificates: dict[bytes, _Certificate] = {}
        self._loop_lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.path_validations = 0
        """How many times certvalidator ran (for tests and benchmarks)."""

    def close(self) -> None:
        """Release the event loop used for path validation (the verifier stays usable)."""
        with self._loop_lock:
            if self._loop is not None:
                self._loop.close()
                self._loop = None

    def __enter__(self) -> SignatureVerifier:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def verify(
        self,
        data: bytes,
        signature: bytes,
        trust_roots: Sequence[x509.Certificate],
        *,
        roles: Collection[Role] | None,
        at: datetime,
        crls: Sequence[x509.CertificateRevocationList] = (),
    ) -> SignerInfo:
        """:func:`verify_detached` with this verifier's paths; ``crls`` apply offline
        revocation data (a certificate they do not clear is then refused)."""
        report = self.inspect(data, signature, trust_roots, roles=roles, at=at, crls=crls)
        if report.problem is not None:
            raise report.problem
        assert report.signer is not None
        return report.signer

    def inspect(
        self,
        data: bytes,
        signature: bytes,
        trust_roots: Sequence[x509.Certificate],
        *,
        roles: Collection[Role] | None,
        at: datetime,
        crls: Sequence[x509.CertificateRevocationList] = (),
    ) -> SignatureReport:
        """:func:`inspect_signature` with this verifier's paths."""
        if at.tzinfo is None:
            raise ValueError("at must be timezone-aware")
        if not trust_roots:
            raise ValueError("at least one trust root is needed")
        if len(signature) > MAX_SIGNATURE_SIZE:
            return _malformed(Msg.of("the signature file is too large"))
        try:
            parsed = parse_detached(signature)
            bag = [self._certificate(der) for der in parsed.certificates]
        except CmsFormatError as exc:
            if exc.signers:
                return _malformed(Msg.of("it must have exactly one signer"))
            if exc.attached:
                return _malformed(Msg.of("it must be a detached signature"))
            return _malformed(_structure_problem())
        except Exception:  # an embedded certificate cryptography cannot read, in any way
            return _malformed(_structure_problem())
        found = _signer_certificate(parsed, bag)
        if found is None or found.public_key is None:
            return _malformed(_structure_problem())
        digest_ok = hmac.compare_digest(hashlib.sha256(data).digest(), parsed.message_digest)
        try:
            found.public_key.verify(parsed.signature, parsed.signed_attributes, _ECDSA_SHA256)
            valid = True
        except InvalidSignature:
            valid = False
        if valid:  # as pyHanko: the path is looked at only under a valid signature
            path = self._path(found, bag, trust_roots, crls, at)
        else:
            path = _PathOutcome(False, True, (found.certificate,))
        return _report(found, parsed.signing_time, valid and digest_ok, path, roles, at)

    def _certificate(self, der: bytes) -> _Certificate:
        with self._lock:
            known = self._certificates.get(der)
        if known is None:
            known = _Certificate.load(der)
            with self._lock:
                self._certificates[der] = known
                _bound(self._certificates, self._max)
        return known

    def _path(
        self,
        signer: _Certificate,
        bag: Sequence[_Certificate],
        roots: Sequence[x509.Certificate],
        crls: Sequence[x509.CertificateRevocationList],
        at: datetime,
    ) -> _PathOutcome:
        # certificates hash and compare by their DER; CRLs do not hash
        crl_key = frozenset(c.public_bytes(Encoding.DER) for c in crls)
        key: _PathKey = (signer.der, frozenset(roots), crl_key)
        with self._lock:
            cached = self._paths.get(key)
        if cached is not None and cached.covers(at) and _within_crls(crls, at):
            return cached
        outcome = self._validate(signer, bag, roots, crls, at)
        if outcome.valid and outcome.covers(at) and not _listed(outcome.certificates, crls):
            with self._lock:
                self._paths[key] = outcome
                _bound(self._paths, self._max)
        return outcome

    def _validate(
        self,
        signer: _Certificate,
        bag: Sequence[_Certificate],
        roots: Sequence[x509.Certificate],
        crls: Sequence[x509.CertificateRevocationList],
        at: datetime,
    ) -> _PathOutcome:
        with self._lock:
            self.path_validations += 1
        others = [c.certificate for c in bag if c is not signer]

        def run() -> _PathOutcome:
            loop_owner = self._event_loop()
            return loop_owner.run_until_complete(
                _validate_path(signer.certificate, others, roots, crls, at)
            )

        try:
            asyncio.get_running_loop()
        except RuntimeError:
            with self._loop_lock:
                return run()
        # a running loop in this thread cannot be re-entered: validate on a helper thread
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(
                lambda: asyncio.run(_validate_path(signer.certificate, others, roots, crls, at))
            ).result()

    def _event_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None or self._loop.is_closed():
            self._loop = asyncio.new_event_loop()
            weakref.finalize(self, self._loop.close)
        return self._loop


_DEFAULT_VERIFIER: Final = SignatureVerifier()


def _bound(cache: dict[Any, Any], limit: int) -> None:
    while len(cache) > limit:
        del cache[next(iter(cache))]


def _signer_certificate(
    parsed: ParsedSignature, bag: Sequence[_Certificate]
) -> _Certificate | None:
    """The embedded certificate the signer identifier names (RFC 5652 §5.3)."""
    for cert in bag:
        if parsed.sid_key_id is not None:
            if cert.key_id == parsed.sid_key_id:
                return cert
        elif cert.serial == parsed.sid_serial and cert.issuer == parsed.sid_issuer:
            return cert
    return None


def _malformed(reason: Msg) -> SignatureReport:
    return SignatureReport(False, False, False, False, None, SignatureInvalidError(reason))


def _report(
    found: _Certificate,
    signing_time: datetime | None,
    intact: bool,
    path: _PathOutcome,
    roles: Collection[Role] | None,
    at: datetime,
) -> SignatureReport:
    signer = SignerInfo(
        common_name=found.common_name,
        organisation=found.organisation,
        role=found.role,
        fingerprint=found.fingerprint,
        certificate=found.certificate,
        signing_time=signing_time,
    )
    time_ok = path.covers(at)
    trusted = intact and path.valid and time_ok
    role_ok = roles is None or (found.role is not None and found.role in roles)
    problem: SignatureError | None = None
    if not intact:
        problem = SignatureInvalidError()
    elif not trusted:
        if path.revoked_at is not None:
            problem = _revoked_error(signer, path)
        elif path.chain_found and not time_ok:
            problem = _expired_error(signer, path.certificates, at)
        else:
            problem = SignerUntrustedError(
                Msg.of(
                    "The signer {name} ({fingerprint}) is not trusted here.",
                    name=signer.common_name,
                    fingerprint=signer.fingerprint,
                ),
                Msg.of(
                    "Check that the file comes from the expected meeting and that the right "
                    "trust roots are configured."
                ),
            )
    elif not role_ok:
        problem = SignerRoleError(
            Msg.of(
                "{name} signed as {role}, which is not accepted for this file.",
                name=signer.common_name,
                role=profile.role_label(found.role),
            ),
            Msg.of("Ask the person with the right role to sign the file."),
        )
    return SignatureReport(intact, trusted, time_ok, role_ok, signer, problem)


def _revoked_error(signer: SignerInfo, path: _PathOutcome) -> SignerRevokedError:
    assert path.revoked_at is not None
    date = path.revoked_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    if path.ca_revoked:
        message = Msg.of(
            "The signer {name} ({fingerprint}) is not trusted: the authority that issued "
            "the certificate was revoked on {date}.",
            name=signer.common_name,
            fingerprint=signer.fingerprint,
            date=date,
        )
    else:
        message = Msg.of(
            "The signer {name} ({fingerprint}) is not trusted: the certificate was revoked "
            "on {date}.",
            name=signer.common_name,
            fingerprint=signer.fingerprint,
            date=date,
        )
    return SignerRevokedError(
        message,
        Msg.of("Do not accept this file; ask the sender to sign it again with a valid identity."),
        revoked_at=path.revoked_at,
    )


async def _validate_path(
    signer: x509.Certificate,
    others: Sequence[x509.Certificate],
    roots: Sequence[x509.Certificate],
    crls: Sequence[x509.CertificateRevocationList],
    at: datetime,
) -> _PathOutcome:
    """pyHanko's trust step for a CMS signer, at ``at``, offline, on certvalidator alone.

    The steps of pyHanko's ``validate_cert_usage`` (as its ``cms_basic_validation`` calls
    it), written against ``pyhanko_certvalidator`` directly, because importing
    ``pyhanko.sign`` for it loads pyHanko's whole signing stack (aiohttp, the PDF
    machinery: most of a command's start-up). In the same order: certvalidator's
    ``find_valid_path`` over the lazily built paths; then, on a signer that is not itself
    a trust root, pyHanko's key-usage rule (every usage of :data:`_KEY_USAGE`, no
    extended-key-usage constraint); certvalidator's errors mapped as pyHanko maps them
    (:func:`_refused_path`). A signer that is a trust root skips the key-usage rule, as
    in pyHanko for a root without trust qualifiers (ours never carry any).
    ``tests/app/crypto/test_cms_path.py`` checks the two agree on a corpus.
    """
    from asn1crypto import crl as asn1_crl
    from asn1crypto import x509 as asn1_x509
    from pyhanko_certvalidator import ValidationContext, find_valid_path
    from pyhanko_certvalidator.errors import (
        InvalidCertificateError,
        PathBuildingError,
        ValidationError,
    )

    _quiet_pyhanko_logging()

    def asn1(cert: x509.Certificate) -> Any:
        return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))

    leaf = asn1(signer)
    crl_list = [asn1_crl.CertificateList.load(c.public_bytes(Encoding.DER)) for c in crls]
    context = ValidationContext(
        trust_roots=[asn1(c) for c in roots],
        crls=crl_list,
        allow_fetching=False,
        moment=at,
        time_tolerance=timedelta(0),  # exact: the per-call time check agrees with it
        # with a CRL from the signer's issuer, a certificate the lists do not clear is
        # refused; without one (no list at all, or lists of other roots only: trust-v1 "a
        # root without a CRL is used without revocation checking") there is no revocation
        # information to apply offline
        revocation_mode="hard-fail" if _covers_issuer(crls, signer) else "soft-fail",
    )
    context.certificate_registry.register_multiple([asn1(c) for c in others])
    try:
        path = await find_valid_path(
            leaf, context.path_builder.async_build_paths_lazy(leaf), validation_context=context
        )
        if path.pkix_len > 0:
            usage = leaf.key_usage_value
            if not _KEY_USAGE <= (set(usage.native) if usage is not None else set()):
                raise InvalidCertificateError(
                    "The active key usage policy requires the key usage extensions "
                    "digital signature, non repudiation to be present."
                )
    except (ValidationError, PathBuildingError) as exc:
        return _refused_path(exc, signer)
    except ValueError:  # outside certvalidator's errors: what pyHanko lets through
        return _PathOutcome(False, True, (signer,))
    return _PathOutcome(True, True, _path_certificates(path, signer))


def _refused_path(exc: Exception, signer: x509.Certificate) -> _PathOutcome:
    """A refused path as pyHanko's ``handle_certvalidator_errors`` reads the error: no
    chain at all (``NO_CERTIFICATE_CHAIN_FOUND``) for a path-building error; the failed
    path where pyHanko keeps it (a path-validation error other than stale revocation
    data); the revocation date for a revoked signer or CA (not in a side validation)."""
    from pyhanko_certvalidator.errors import (
        PathBuildingError,
        PathValidationError,
        RevokedError,
        StaleRevinfoError,
    )

    if isinstance(exc, PathBuildingError):
        return _PathOutcome(False, False, (signer,))
    failed = None
    if isinstance(exc, PathValidationError) and not isinstance(exc, StaleRevinfoError):
        failed = exc.original_path
    revoked_at: datetime | None = None
    ca_revoked = False
    if isinstance(exc, RevokedError) and not exc.is_side_validation:
        revoked_at, ca_revoked = exc.revocation_dt, not exc.is_ee_cert
    return _PathOutcome(False, True, _path_certificates(failed, signer), revoked_at, ca_revoked)


def _path_certificates(path: Any, signer: x509.Certificate) -> tuple[x509.Certificate, ...]:
    """The certificates of certvalidator's ``path`` (root first), the signer last."""
    certificates: list[x509.Certificate] = []
    if path is not None:
        certificates = [x509.load_der_x509_certificate(c.dump()) for c in path.iter_certs(True)]
    if signer not in certificates:
        certificates.append(signer)
    return tuple(certificates)


def _covers_issuer(
    crls: Sequence[x509.CertificateRevocationList], signer: x509.Certificate
) -> bool:
    """Some list comes from the authority that issued ``signer`` (profile v1: its root)."""
    return any(crl.issuer == signer.issuer for crl in crls)


def _quiet_pyhanko_logging() -> None:
    """pyHanko logs every refused path as a WARNING with a traceback. Without a handler
    configured by the program, Python's last-resort handler would print those to stderr
    (into the CLI's output); a NullHandler keeps them for whoever configures logging."""
    logger = logging.getLogger("pyhanko")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())


def _structure_problem() -> Msg:
    return Msg.of("it is not a well-formed CMS signature")


def _expired_error(
    signer: SignerInfo, path_certs: Sequence[x509.Certificate], at: datetime
) -> SignerExpiredError:
    stamp = "%Y-%m-%d %H:%M UTC"
    for cert in path_certs:
        if at < cert.not_valid_before_utc:
            return SignerExpiredError(
                Msg.of(
                    "The certificate of {name} is not valid before {start}.",
                    name=profile.common_name(cert),
                    start=cert.not_valid_before_utc.strftime(stamp),
                ),
                Msg.of("Check this computer's date and time."),
            )
    expired = next((c for c in path_certs if at > c.not_valid_after_utc), signer.certificate)
    return SignerExpiredError(
        Msg.of(
            "The certificate of {name} expired on {end}.",
            name=profile.common_name(expired),
            end=expired.not_valid_after_utc.strftime(stamp),
        ),
        Msg.of("Ask the signer to sign again with a valid identity."),
    )
