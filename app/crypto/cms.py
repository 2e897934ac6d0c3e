"""Detached CMS (PKCS#7) signatures over exact bytes: ECDSA P-256 / SHA-256.

Signing uses ``cryptography``'s :class:`~cryptography.hazmat.primitives.serialization.pkcs7.
PKCS7SignatureBuilder` (DER, detached, binary), embedding the signer's certificate and
chain so a verifier needs only its own trust roots. ``openssl cms -verify`` accepts the
result; the tests use it as an independent oracle.

Verification uses pyHanko's CMS validation and path validator against **only the
caller's trust roots**, at the caller's moment, with fetching disabled (air-gapped). It
raises one typed error per failure class, checked in this order:

1. :class:`SignatureInvalidError` - malformed CMS, data changed, or a bad signature;
2. :class:`SignerUntrustedError` - no certificate path to the roots (or the path fails
   for a reason other than time);
3. :class:`SignerExpiredError` - a certificate on the path is not valid at ``at``;
4. :class:`SignerRoleError` - the signer's role is not one the caller accepts.

:func:`inspect_signature` evaluates the same checks without raising, for display.
pyHanko is imported inside the functions (its import takes about 0.9 s).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
from collections.abc import Callable, Collection, Coroutine, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, Protocol, TypeVar

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, pkcs7

from app.crypto import profile
from app.crypto.profile import Role
from app.crypto.report import Check, VerificationReport
from app.errors import UserFacingError
from app.i18n import Msg

MAX_SIGNATURE_SIZE: Final = 1024 * 1024  # a chain of a few certificates is ~2 KB

_T = TypeVar("_T")


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
    SignerExpiredError: "time",
    SignerRoleError: "role",
}


def sign_detached(data: bytes, signer: SigningIdentity) -> bytes:
    """A DER CMS SignedData over ``data`` (detached), embedding the signer's certificates.

    The signed attributes are those OpenSSL adds (contentType, messageDigest, signingTime
    from the system clock, SMIMECapabilities); ECDSA signatures are randomised, so two
    signatures of the same bytes differ.
    """
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
) -> SignerInfo:
    """Verify ``signature`` over ``data`` against ``trust_roots`` at moment ``at``.

    ``roles`` is the set of acceptable signer roles; ``None`` disables the role check (use
    it only to display a signature, never to accept a document). Raises one of the
    :class:`SignatureError` subclasses (see the module docstring); returns the signer.
    Safe to call from any thread, and from inside a running event loop (the validation
    then runs on a helper thread); async code may await :func:`averify_detached`.
    """
    return _run_sync(lambda: averify_detached(data, signature, trust_roots, roles=roles, at=at))


async def averify_detached(
    data: bytes,
    signature: bytes,
    trust_roots: Sequence[x509.Certificate],
    *,
    roles: Collection[Role] | None,
    at: datetime,
) -> SignerInfo:
    """The coroutine behind :func:`verify_detached`."""
    report = await ainspect_signature(data, signature, trust_roots, roles=roles, at=at)
    if report.problem is not None:
        raise report.problem
    assert report.signer is not None
    return report.signer


def inspect_signature(
    data: bytes,
    signature: bytes,
    trust_roots: Sequence[x509.Certificate],
    *,
    roles: Collection[Role] | None,
    at: datetime,
) -> SignatureReport:
    """Run every check of :func:`verify_detached` and report each, without raising."""
    return _run_sync(lambda: ainspect_signature(data, signature, trust_roots, roles=roles, at=at))


async def ainspect_signature(
    data: bytes,
    signature: bytes,
    trust_roots: Sequence[x509.Certificate],
    *,
    roles: Collection[Role] | None,
    at: datetime,
) -> SignatureReport:
    """The coroutine behind :func:`inspect_signature`."""
    if at.tzinfo is None:
        raise ValueError("at must be timezone-aware")
    if not trust_roots:
        raise ValueError("at least one trust root is needed")

    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
    from pyhanko_certvalidator import ValidationContext

    _quiet_pyhanko_logging()

    try:
        signed_data = _parse_signed_data(signature)
    except SignatureInvalidError as exc:
        return SignatureReport(False, False, False, False, None, exc)

    context = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in trust_roots],
        allow_fetching=False,
        moment=at,
        time_tolerance=timedelta(0),  # exact, so pyHanko agrees with our time_ok check
    )
    try:
        status = await async_validate_detached_cms(
            bytes(data), signed_data, signer_validation_context=context
        )
        signer_cert = x509.load_der_x509_certificate(status.signing_cert.dump())
    except Exception:  # attacker-shaped input: every failure is a typed refusal
        return SignatureReport(
            False, False, False, False, None, SignatureInvalidError(_structure_problem())
        )

    from pyhanko.sign.ades.report import AdESIndeterminate

    path_certs = [signer_cert]
    path = status.validation_path
    if path is not None:
        path_certs += [x509.load_der_x509_certificate(c.dump()) for c in path.iter_certs(True)]
    time_ok = all(c.not_valid_before_utc <= at <= c.not_valid_after_utc for c in path_certs)
    role = profile.certificate_role(signer_cert)
    role_ok = roles is None or (role is not None and role in roles)
    signer = SignerInfo(
        common_name=profile.common_name(signer_cert),
        organisation=profile.organisation(signer_cert),
        role=role,
        fingerprint=profile.fingerprint(signer_cert),
        certificate=signer_cert,
        signing_time=getattr(status, "signer_reported_dt", None),
    )
    intact = bool(status.intact and status.valid)
    trusted = bool(status.trusted)
    problem: SignatureError | None = None
    if not intact:
        problem = SignatureInvalidError()
    elif not trusted:
        no_path = status.trust_problem_indic == AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND
        if not no_path and not time_ok:
            problem = _expired_error(signer, path_certs, at)
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
                role=profile.role_label(role),
            ),
            Msg.of("Ask the person with the right role to sign the file."),
        )
    return SignatureReport(intact, trusted, time_ok, role_ok, signer, problem)


def _quiet_pyhanko_logging() -> None:
    """pyHanko logs every refused path as a WARNING with a traceback. Without a handler
    configured by the program, Python's last-resort handler would print those to stderr
    (into the CLI's output); a NullHandler keeps them for whoever configures logging."""
    logger = logging.getLogger("pyhanko")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())


def _parse_signed_data(signature: bytes) -> Any:
    from asn1crypto import cms as asn1_cms

    if len(signature) > MAX_SIGNATURE_SIZE:
        raise SignatureInvalidError(Msg.of("the signature file is too large"))
    try:
        info = asn1_cms.ContentInfo.load(bytes(signature), strict=True)
        if info["content_type"].native != "signed_data":
            raise ValueError("not SignedData")
        signed_data = info["content"]
        signed_data.native  # noqa: B018 - forces a full parse, so errors surface here
        if len(signed_data["signer_infos"]) != 1:
            raise SignatureInvalidError(Msg.of("it must have exactly one signer"))
        if signed_data["encap_content_info"]["content"].native is not None:
            raise SignatureInvalidError(Msg.of("it must be a detached signature"))
    except SignatureInvalidError:
        raise
    except Exception as exc:  # untrusted bytes: any parse failure is a format error
        raise SignatureInvalidError(_structure_problem()) from exc
    return signed_data


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


def _run_sync(make_coroutine: Callable[[], Coroutine[Any, Any, _T]]) -> _T:
    """Run ``make_coroutine()`` to completion from synchronous code, in any thread.

    Without a running loop in this thread, ``asyncio.run``; inside one (async code that
    called the sync API), on a short-lived helper thread with its own loop, because a
    running loop cannot be re-entered.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make_coroutine())
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make_coroutine())).result()
