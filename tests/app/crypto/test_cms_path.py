"""Our certificate-path step (``cms._validate_path``, on ``pyhanko_certvalidator`` alone)
against pyHanko's own ``validate_cert_usage`` (what it replaced, through ``pyhanko.sign``) on
a corpus of good and refused paths: the same verdict, the same path, the same revocation."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding

from app.crypto import cms, pki
from app.crypto.profile import Role
from tests.app.crypto.pki_fixtures import NOW, PkiFixture, in_memory_identity, shared_pki


@pytest.fixture(scope="module")
def pkiset(tmp_path_factory: pytest.TempPathFactory) -> PkiFixture:
    return shared_pki(tmp_path_factory)


async def _pyhanko_path(
    signer: x509.Certificate,
    others: list[x509.Certificate],
    roots: list[x509.Certificate],
    crls: list[x509.CertificateRevocationList],
    at: datetime,
) -> cms._PathOutcome:
    """The implementation ``_validate_path`` had, through ``pyhanko.sign``: the reference."""
    from asn1crypto import crl as asn1_crl
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.ades.report import AdESIndeterminate
    from pyhanko.sign.validation.generic_cms import validate_cert_usage
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko_certvalidator import ValidationContext

    def asn1(cert: x509.Certificate) -> Any:
        return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))

    leaf = asn1(signer)
    crl_list = [asn1_crl.CertificateList.load(c.public_bytes(Encoding.DER)) for c in crls]
    context = ValidationContext(
        trust_roots=[asn1(c) for c in roots],
        crls=crl_list,
        allow_fetching=False,
        moment=at,
        time_tolerance=timedelta(0),
        # the program's rule (trust-v1: an authority without a list is used without
        # revocation checking), so the two differ only in how the path is checked
        revocation_mode="hard-fail" if cms._covers_issuer(crls, signer) else "soft-fail",
    )
    context.certificate_registry.register_multiple([asn1(c) for c in others])
    usage = KeyUsageConstraints(key_usage=set(cms._KEY_USAGE), match_all_key_usages=True)
    try:
        result = await validate_cert_usage(
            leaf,
            context,
            key_usage_settings=usage,
            paths=context.path_builder.async_build_paths_lazy(leaf),
        )
    except ValueError:
        return cms._PathOutcome(False, True, (signer,))
    path = result.success_result or result.error_path
    certificates: list[x509.Certificate] = []
    if path is not None:
        certificates = [x509.load_der_x509_certificate(c.dump()) for c in path.iter_certs(True)]
    if signer not in certificates:
        certificates.append(signer)
    revocation = result.revo_details
    return cms._PathOutcome(
        valid=result.success_result is not None and result.error_subindic is None,
        chain_found=result.error_subindic != AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND,
        certificates=tuple(certificates),
        revoked_at=revocation.revocation_date if revocation is not None else None,
        ca_revoked=revocation.ca_revoked if revocation is not None else False,
    )


@dataclass(frozen=True)
class Case:
    signer: x509.Certificate
    others: list[x509.Certificate]
    roots: list[x509.Certificate]
    crls: list[x509.CertificateRevocationList]
    at: datetime


def _crl(
    issuer: pki.CertificateAuthority,
    revoked: list[x509.Certificate],
    *,
    until: timedelta = timedelta(days=30),
) -> x509.CertificateRevocationList:
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.certificate.subject)
        .last_update(NOW - timedelta(hours=1))
        .next_update(NOW + until)
    )
    for cert in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(cert.serial_number)
            .revocation_date(NOW - timedelta(minutes=30))
            .build()
        )
    return builder.sign(issuer.private_key, hashes.SHA256())


def _reissued(
    cert: x509.Certificate, signing_key: ec.EllipticCurvePrivateKey, usage: x509.KeyUsage
) -> x509.Certificate:
    """``cert`` with another key usage, signed again by ``signing_key`` (its CA)."""
    builder = (
        x509.CertificateBuilder()
        .subject_name(cert.subject)
        .issuer_name(cert.issuer)
        .public_key(cert.public_key())  # type: ignore[arg-type]
        .serial_number(x509.random_serial_number())
        .not_valid_before(cert.not_valid_before_utc)
        .not_valid_after(cert.not_valid_after_utc)
    )
    for ext in cert.extensions:
        value = usage if isinstance(ext.value, x509.KeyUsage) else ext.value
        builder = builder.add_extension(value, critical=ext.critical)
    return builder.sign(signing_key, hashes.SHA256())


def _intermediate(root: pki.CertificateAuthority) -> pki.CertificateAuthority:
    """A CA under ``root`` (our PKI has none; certvalidator's CA checks need one)."""
    key = ec.generate_private_key(ec.SECP256R1())
    root_ski = root.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "中间 CA")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(root.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=1))
        .not_valid_after(NOW + timedelta(days=300))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(root_ski.value),
            critical=False,
        )
        .add_extension(  # without one, certvalidator looks for no CRL of this CA
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        [x509.UniformResourceIdentifier("http://crl.invalid/root.crl")],
                        None,
                        None,
                        None,
                    )
                ]
            ),
            critical=False,
        )
        .sign(root.private_key, hashes.SHA256())
    )
    return pki.CertificateAuthority(cert, key)


def _corpus(p: PkiFixture) -> dict[str, Case]:
    root = [p.ca.certificate]
    expert = p.expert.certificate
    short = in_memory_identity(p.ca, Role.EXPERT, "短期", validity=timedelta(days=2)).certificate
    sub = _intermediate(p.other_ca)
    under_sub = in_memory_identity(sub, Role.EXPERT, "下级").certificate
    no_usage = x509.KeyUsage(True, False, False, False, False, False, False, False, False)
    cases = {
        "good": Case(expert, [], root, [], NOW),
        "good, empty CRL": Case(expert, [], root, [_crl(p.ca, [])], NOW),
        "revoked": Case(expert, [], root, [_crl(p.ca, [expert])], NOW),
        "CRL out of date": Case(
            expert, [], root, [_crl(p.ca, [], until=timedelta(1))], NOW + timedelta(days=3)
        ),
        "another root": Case(expert, [], [p.other_ca.certificate], [], NOW),
        "expired": Case(short, [], root, [], NOW + timedelta(days=3)),
        "not yet valid": Case(short, [], root, [], NOW - timedelta(days=1)),
        "no non-repudiation": Case(
            _reissued(expert, p.ca.private_key, no_usage), [], root, [], NOW
        ),
        "the root signs": Case(p.ca.certificate, [], root, [], NOW),
        "via an intermediate": Case(
            under_sub, [sub.certificate], [p.other_ca.certificate], [], NOW
        ),
        "intermediate missing": Case(under_sub, [], [p.other_ca.certificate], [], NOW),
        "intermediate revoked": Case(
            under_sub,
            [sub.certificate],
            [p.other_ca.certificate],
            [_crl(p.other_ca, [sub.certificate]), _crl(sub, [])],
            NOW,
        ),
        "intermediate's CRL missing": Case(
            under_sub, [sub.certificate], [p.other_ca.certificate], [_crl(p.other_ca, [])], NOW
        ),
    }
    return cases


CASES = (
    "good",
    "good, empty CRL",
    "revoked",
    "CRL out of date",
    "another root",
    "expired",
    "not yet valid",
    "no non-repudiation",
    "the root signs",
    "via an intermediate",
    "intermediate missing",
    "intermediate revoked",
    "intermediate's CRL missing",
)


@pytest.fixture(scope="module")
def corpus(pkiset: PkiFixture) -> dict[str, Case]:
    made = _corpus(pkiset)
    assert set(made) == set(CASES)
    return made


@pytest.mark.parametrize("name", CASES)
def test_our_path_step_agrees_with_pyhankos(corpus: dict[str, Case], name: str) -> None:
    case = corpus[name]
    args = (case.signer, case.others, case.roots, case.crls, case.at)
    ours = asyncio.run(cms._validate_path(*args))
    theirs = asyncio.run(_pyhanko_path(*args))
    assert ours == theirs
    assert ours.not_before == theirs.not_before and ours.not_after == theirs.not_after


def test_the_corpus_covers_each_outcome(corpus: dict[str, Case]) -> None:
    """The corpus is not all alike: good paths, refused ones, no chain, a revoked signer and CA."""
    seen = {
        name: asyncio.run(
            cms._validate_path(case.signer, case.others, case.roots, case.crls, case.at)
        )
        for name, case in corpus.items()
    }
    assert seen["good"].valid and seen["via an intermediate"].valid
    assert len(seen["via an intermediate"].certificates) == 3
    assert not seen["another root"].chain_found
    assert seen["revoked"].revoked_at is not None and not seen["revoked"].ca_revoked
    assert seen["intermediate revoked"].ca_revoked
    for name in ("no non-repudiation", "expired", "CRL out of date"):
        assert not seen[name].valid and seen[name].chain_found, name
    # the root's list clears the intermediate; the intermediate publishes none, so its
    # signer is used without revocation checking (trust-v1; profile v1 has no intermediates)
    assert seen["intermediate's CRL missing"].valid
