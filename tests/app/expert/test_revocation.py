"""Revocation on the expert's machine, which holds only the kit and the expert's own identity:
the revocation lists the kit carried refuse a revoked issuer's package and a revoked
secretary's round notice (with the date), go on refusing whom they list once they have lapsed,
and a kit without lists (every kit written before them) still opens and imports."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from app.domain.ids import ApplicationId
from app.expert.kit_import import PACKAGES_DIR, WORKSPACE_FILE, import_kit
from app.expert.package_materials import PackageMaterials
from app.expert.rounds import OpenRounds, verify_round_notice
from app.kit.record import KitRecord
from app.package.errors import PackageSignatureError
from app.package.keys import decryption_identity
from app.round_notice import RoundNoticeSignatureError
from app.secretary import rounds
from app.secretary.notices import export_round_notice
from storage.stores import SqliteStores
from storage.workspace.core import Workspace
from tests.app.crypto.pki_fixtures import NOW
from tests.app.secretary.conftest import cast, pkiset  # noqa: F401  (fixtures)
from tests.app.secretary.helpers import Cast
from tests.app.secretary.revocation_world import HOUR, Issued, issued_meeting, revocation_list

DAY = dt.timedelta(days=1)
LAPSED = NOW + 40 * DAY
"""After the kit's list (30 days) lapsed; the test certificates are valid for two years."""


def imported(world: Issued, folder: Path, cast: Cast) -> tuple[Path, KitRecord]:  # noqa: F811
    """The kit imported as an expert does, against the CA in their identity only."""
    outcome = import_kit(SqliteStores(), world.kit_path, folder, cast.roots, NOW)
    with Workspace.open(folder / WORKSPACE_FILE) as ws:
        record = ws.kit_record()
    assert record is not None
    return outcome.packages_dir, record


def materials(
    packages: Path,
    cast: Cast,  # noqa: F811
    record: KitRecord | None,
    now: dt.datetime,
) -> PackageMaterials:
    expert = cast.experts[0]
    roots = list(expert.chain)
    return PackageMaterials(
        packages,
        [decryption_identity(expert)],
        roots,
        now,
        revocations=None if record is None else record.revocations(roots, now),
    )


def test_a_revoked_issuers_package_is_refused_with_the_kits_list_only(
    tmp_path: Path,
    cast: Cast,  # noqa: F811
) -> None:
    crl = revocation_list(cast, tmp_path / "ca", [(cast.issuer.certificate, NOW - HOUR)], NOW)
    world = issued_meeting(tmp_path, cast, crl)
    world.ws.close()
    packages, record = imported(world, tmp_path / "expert", cast)
    a01 = ApplicationId("a01")
    with materials(packages, cast, None, NOW) as without:  # what the session did before
        assert without.form(a01)
    for moment in (NOW, LAPSED):  # current, then lapsed: a revocation is final
        with materials(packages, cast, record, moment) as session:
            with pytest.raises(PackageSignatureError, match="revoked on 2026-03-02 08:00 UTC"):
                session.form(a01)
    assert record.revocations(cast.roots, LAPSED).lapsed_since == crl.next_update_utc


def test_a_lapsed_list_refuses_nobody_it_does_not_list(
    tmp_path: Path,
    cast: Cast,  # noqa: F811
) -> None:
    crl = revocation_list(cast, tmp_path / "ca", [(cast.stranger.certificate, NOW - HOUR)], NOW)
    world = issued_meeting(tmp_path, cast, crl)
    world.ws.close()
    packages, record = imported(world, tmp_path / "expert", cast)
    lists = record.revocations(cast.roots, LAPSED)
    assert (lists.current, lists.lapsed) == ((), (crl,))
    with materials(packages, cast, record, LAPSED) as session:
        assert session.issuer_signature(ApplicationId("a01")) is not None
    with materials(packages, cast, record, NOW) as session:  # current: hard-fail, cleared
        assert session.issuer_signature(ApplicationId("a02")) is not None


def test_a_revoked_secretarys_round_notice_is_refused_by_the_expert(
    tmp_path: Path,
    cast: Cast,  # noqa: F811
) -> None:
    # the authority revoked the secretary as of tomorrow; the kit, issued today, carries it
    revoked_at = NOW + DAY
    crl = revocation_list(cast, tmp_path / "ca", [(cast.secretary.certificate, revoked_at)], NOW)
    world = issued_meeting(tmp_path, cast, crl)
    _packages, record = imported(world, tmp_path / "expert", cast)
    later = NOW + 2 * DAY
    rounds.open_round(world.ws, ["a02"], actor="s", now=later - HOUR, reason="spread")
    (tmp_path / "stick").mkdir()
    written = export_round_notice(world.ws, cast.secretary, tmp_path / "stick", now=later)
    world.ws.close()
    root_only = cast.pki.ca.certificate.public_bytes(Encoding.PEM).decode("ascii")
    without = dataclasses.replace(record, trust_roots_pem=root_only)
    accepted = verify_round_notice(written.path, without, world.meeting, OpenRounds(), later)
    assert accepted.notice.round == 2
    with pytest.raises(RoundNoticeSignatureError, match="revoked on 2026-03-03 09:00 UTC"):
        verify_round_notice(written.path, record, world.meeting, OpenRounds(), later)
    with pytest.raises(RoundNoticeSignatureError, match="revoked on 2026-03-03 09:00 UTC"):
        verify_round_notice(written.path, record, world.meeting, OpenRounds(), LAPSED)


def test_a_kit_without_lists_still_imports_and_applies_none(
    tmp_path: Path,
    cast: Cast,  # noqa: F811
) -> None:
    world = issued_meeting(tmp_path, cast, None)
    world.ws.close()
    packages, record = imported(world, tmp_path / "expert", cast)
    assert "X509 CRL" not in record.trust_roots_pem
    lists = record.revocations(cast.roots, NOW)
    assert (lists.current, lists.lapsed) == ((), ())
    with materials(packages, cast, record, NOW) as session:
        assert session.form(ApplicationId("a01"))
    assert (packages.parent / PACKAGES_DIR) == packages
