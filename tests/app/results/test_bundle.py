"""Build -> verify round trip, the outside oracle, and one test per refusal class."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import subprocess
from pathlib import Path

import pytest

from app.crypto.profile import Role
from app.domain.ids import ApplicationId, ExpertId
from app.formats.canonical_json import dumps_canonical
from app.results import (
    Absence,
    BundleBuildError,
    BundleCompletenessError,
    BundleContainerError,
    BundleManifestError,
    BundleMemberError,
    BundleRecomputeError,
    BundleResultsError,
    BundleSheetError,
    BundleSignatureError,
    BundleVersionError,
    Stage,
    build_bundle,
    inspect_bundle,
    missing_pairs,
    verify_bundle,
)
from tests.app.crypto.pki_fixtures import NOW, in_memory_identity, needs_openssl
from tests.app.results.craft import manifest_of, members_of, recraft
from tests.app.results.factory import SCORES, SIGNED_AT, VERIFY_AT, Scenario, make_sheet

NAME = "bundle.oibundle"


@pytest.fixture(scope="module")
def good(scenario: Scenario, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    out = tmp_path_factory.mktemp("bundle") / NAME
    build_bundle(scenario.bundle_input(), scenario.secretary, out, SIGNED_AT)
    return out.read_bytes()


def test_round_trip_carries_everything(scenario: Scenario, tmp_path: Path) -> None:
    out = tmp_path / NAME
    summary = build_bundle(scenario.bundle_input(), scenario.secretary, out, SIGNED_AT)
    verified = verify_bundle(out, scenario.roots, VERIFY_AT)
    assert summary.bundle_hash == hashlib.sha256(out.read_bytes()).hexdigest()
    assert verified.bundle_hash == summary.bundle_hash
    members = members_of(out.read_bytes())
    assert verified.results_hash == hashlib.sha256(members["results.json"]).hexdigest()
    assert (len(verified.sheets), len(verified.recusals)) == (11, 1)
    assert {d.signer_fingerprint for d in verified.sheets} <= {
        i.fingerprint for i in scenario.experts.values()
    }
    assert verified.absences == scenario.absences
    assert [e.approval for e in verified.opinions] == ["opinions/a1-r1.json", None]
    assert verified.report_pdf is not None and verified.report_pdf.startswith(b"%PDF")
    assert verified.secretary.fingerprint == scenario.secretary.fingerprint
    ranks = {a.application_id: a.rank for a in verified.result.applications}
    assert sorted(r for r in ranks.values() if r is not None) == [1, 2, 3]
    a2 = next(a for a in verified.result.applications if a.application_id == "a2")
    e01 = next(p for p in a2.participants if p.expert_id == "e01")
    assert e01.sheet_version == 2  # the resubmission counts, version 1 travels too
    assert "sheets/e01/a2-r1-v1.json" in members and "sheets/e01/a2-r1-v2.json.p7s" in members
    assert list(members)[:3] == ["manifest.json", "manifest.json.p7s", "results.json"]


def test_the_same_inputs_give_the_same_results_bytes(scenario: Scenario, tmp_path: Path) -> None:
    one = build_bundle(scenario.bundle_input(), scenario.secretary, tmp_path / "1", SIGNED_AT)
    two = build_bundle(scenario.bundle_input(), scenario.secretary, tmp_path / "2", SIGNED_AT)
    assert one.results_hash == two.results_hash
    assert one.bundle_hash != two.bundle_hash  # ECDSA signatures are randomised


def test_sealed_to_the_ministry(scenario: Scenario, tmp_path: Path) -> None:
    out = tmp_path / NAME
    summary = build_bundle(
        scenario.bundle_input(),
        scenario.secretary,
        out,
        SIGNED_AT,
        ministry_recipient=scenario.ministry.certificate,
    )
    assert summary.encrypted and out.read_bytes().startswith(b"age-encryption.org/v1\n")
    verified = verify_bundle(out, scenario.roots, VERIFY_AT, ministry_identity=scenario.ministry)
    assert verified.bundle_hash == summary.bundle_hash
    with pytest.raises(BundleContainerError):
        verify_bundle(out, scenario.roots, VERIFY_AT)
    with pytest.raises(BundleContainerError):
        verify_bundle(out, scenario.roots, VERIFY_AT, ministry_identity=scenario.secretary)
    with pytest.raises(BundleBuildError):  # only a ministry certificate is a recipient
        build_bundle(
            scenario.bundle_input(),
            scenario.secretary,
            tmp_path / "x",
            SIGNED_AT,
            ministry_recipient=scenario.secretary.certificate,
        )


@needs_openssl
def test_openssl_accepts_the_manifest_signature(
    scenario: Scenario, good: bytes, tmp_path: Path
) -> None:
    members = members_of(good)
    (tmp_path / "manifest.json").write_bytes(members["manifest.json"])
    (tmp_path / "manifest.json.p7s").write_bytes(members["manifest.json.p7s"])
    run = subprocess.run(
        [
            "openssl", "cms", "-verify", "-binary", "-inform", "DER", "-purpose", "any",
            "-CAfile", str(scenario.pki.root_pem), "-in", str(tmp_path / "manifest.json.p7s"),
            "-content", str(tmp_path / "manifest.json"), "-out", "/dev/null",
        ],
        capture_output=True,
        check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr


def test_inspect_reports_each_stage(scenario: Scenario, good: bytes) -> None:
    report = inspect_bundle(good, scenario.roots, VERIFY_AT)
    assert report.problem is None and report.signed_by_trusted and report.intact
    assert report.recomputed
    # Without document checks the report and workbook stages are not checked: not ok.
    assert not report.ok and not report.documents_checked
    assert [s.passed for s in report.stages if s.stage.is_document] == [None, None, None]
    assert report.verified is not None and report.meeting_id == "m-2026-ai-01"
    damaged = recraft(good, scenario.secretary, replace={"sheets/e02/a1-r1-v1.json.p7s": b"x"})
    report = inspect_bundle(damaged, scenario.roots, VERIFY_AT)
    assert not report.ok and report.signed_by_trusted and report.intact
    assert not report.sheets_verified and not report.complete
    outcomes = {s.stage: s.passed for s in report.stages}
    assert outcomes[Stage.SHEETS] is False and outcomes[Stage.RECOMPUTE] is None
    assert [c.name for c in report.checks] == [s.value for s in Stage]
    assert [(c.name, c.message) for c in report.refused] == [("sheets", Stage.SHEETS.label)]


# --- one refusal per class ------------------------------------------------------------------


def _flip(data: bytes, needle: bytes) -> bytes:
    at = data.index(needle)
    return data[:at] + bytes([data[at] ^ 1]) + data[at + 1 :]


def test_a_tampered_member_fails_its_hash(scenario: Scenario, good: bytes) -> None:
    tampered = _flip(good, b'"score":"20"')
    with pytest.raises(BundleMemberError) as caught:
        verify_bundle(tampered, scenario.roots, VERIFY_AT)
    assert caught.value.name.startswith("sheets/")


def test_garbage_and_truncation_are_container_errors(scenario: Scenario, good: bytes) -> None:
    for data in (b"", b"PK", good[:-1], good + b"\0", b"age-encryption.org/v1\n"):
        with pytest.raises(BundleContainerError):
            verify_bundle(data, scenario.roots, VERIFY_AT)


def test_manifest_signature_must_be_a_trusted_secretary(scenario: Scenario, good: bytes) -> None:
    by_expert = recraft(good, scenario.experts["e01"])
    with pytest.raises(BundleSignatureError):
        verify_bundle(by_expert, scenario.roots, VERIFY_AT)
    foreign = in_memory_identity(scenario.pki.other_ca, Role.SECRETARY, "外来秘书")
    with pytest.raises(BundleSignatureError):
        verify_bundle(recraft(good, foreign), scenario.roots, VERIFY_AT)
    with pytest.raises(BundleSignatureError):  # not yet valid / expired at the reader's moment
        verify_bundle(good, scenario.roots, NOW + dt.timedelta(days=3650))


def test_bundle_version_beyond_i_json_or_absurd_is_refused(scenario: Scenario, good: bytes) -> None:
    def set_version(value: int) -> bytes:
        return recraft(
            good, scenario.secretary, manifest=lambda d: d.__setitem__("bundle_version", value)
        )

    with pytest.raises(BundleManifestError):
        verify_bundle(set_version(2**63), scenario.roots, VERIFY_AT)
    with pytest.raises(BundleManifestError) as caught:
        verify_bundle(set_version(10**9), scenario.roots, VERIFY_AT)
    assert "absurd" in caught.value.message
    with pytest.raises(BundleVersionError):
        verify_bundle(
            recraft(good, scenario.secretary, manifest=lambda d: d.__setitem__("version", 2)),
            scenario.roots,
            VERIFY_AT,
        )


def test_manifest_must_list_every_member(scenario: Scenario, good: bytes) -> None:
    def drop_last(doc: dict[str, object]) -> None:
        members = doc["members"]
        assert isinstance(members, list)
        members.pop()

    with pytest.raises(BundleManifestError):
        verify_bundle(
            recraft(good, scenario.secretary, manifest=drop_last), scenario.roots, VERIFY_AT
        )
    with pytest.raises(BundleManifestError):  # an unsigned signed-kind member
        verify_bundle(
            recraft(good, scenario.secretary, replace={"sheets/e02/a1-r1-v1.json.p7s": None}),
            scenario.roots,
            VERIFY_AT,
        )


def _results(good: bytes) -> dict[str, object]:
    value: dict[str, object] = json.loads(members_of(good)["results.json"])
    return value


def test_totals_that_disagree_with_the_sheets_are_refused(scenario: Scenario, good: bytes) -> None:
    """The secretary edits a total in results.json and re-signs: recomputation catches it."""
    doc = _results(good)
    result = doc["result"]
    assert isinstance(result, dict)
    figure = result["applications"][1]["figures"][0]
    assert figure["subject"] == "total"
    figure["exact"], figure["presented"] = "90", "90.00"
    tampered = recraft(good, scenario.secretary, replace={"results.json": dumps_canonical(doc)})
    with pytest.raises(BundleRecomputeError) as caught:
        verify_bundle(tampered, scenario.roots, VERIFY_AT)
    assert "a2" in caught.value.message and "total" in caught.value.message


def test_results_must_be_canonical(scenario: Scenario, good: bytes) -> None:
    pretty = json.dumps(_results(good), indent=1).encode()
    with pytest.raises(BundleResultsError):
        verify_bundle(
            recraft(good, scenario.secretary, replace={"results.json": pretty}),
            scenario.roots,
            VERIFY_AT,
        )


def _with_sheet(scenario: Scenario, good: bytes, name: str, signed: object) -> bytes:
    from app.sheets import SignedDocument

    assert isinstance(signed, SignedDocument)
    return recraft(
        good,
        scenario.secretary,
        replace={name: signed.document, name + ".p7s": signed.signature},
    )


def test_a_sheet_from_another_meeting_is_refused(scenario: Scenario, good: bytes) -> None:
    sheet = make_sheet("e02", "a1", ("20", "19", "21", "18.5"), meeting_id="m-other", version=5)
    signed = scenario.sign(sheet, meeting_id="m-other")
    bad = _with_sheet(scenario, good, "sheets/e02/a1-r1-v5.json", signed)
    with pytest.raises(BundleSheetError) as caught:
        verify_bundle(bad, scenario.roots, VERIFY_AT)
    assert "m-other" in caught.value.message


def test_a_sheet_for_an_unknown_application_is_refused(scenario: Scenario, good: bytes) -> None:
    signed = scenario.sign(make_sheet("e02", "a9", ("20", "19", "21", "18.5")))
    bad = _with_sheet(scenario, good, "sheets/e02/a9-r1-v1.json", signed)
    with pytest.raises(BundleSheetError) as caught:
        verify_bundle(bad, scenario.roots, VERIFY_AT)
    assert "a9" in caught.value.message


def test_a_sheet_under_a_false_name_is_refused(scenario: Scenario, good: bytes) -> None:
    signed = scenario.sign(make_sheet("e02", "a1", ("20", "19", "21", "18.5"), version=3))
    bad = _with_sheet(scenario, good, "sheets/e02/a1-r1-v4.json", signed)
    with pytest.raises(BundleSheetError):
        verify_bundle(bad, scenario.roots, VERIFY_AT)


def test_a_lookalike_signer_is_refused(scenario: Scenario, good: bytes) -> None:
    """Same name, same CA, another key: what a secretary-run CA could mint for an expert."""
    lookalike = in_memory_identity(scenario.pki.ca, Role.EXPERT, "专家 e02")
    signed = scenario.sign(make_sheet("e02", "a1", ("25", "25", "25", "25")), identity=lookalike)
    bad = _with_sheet(scenario, good, "sheets/e02/a1-r1-v1.json", signed)
    with pytest.raises(BundleSheetError) as caught:
        verify_bundle(bad, scenario.roots, VERIFY_AT)
    assert lookalike.fingerprint in caught.value.message


def test_an_unknown_signer_is_refused(scenario: Scenario, good: bytes) -> None:
    foreign = in_memory_identity(scenario.pki.other_ca, Role.EXPERT, "专家 e02")
    signed = scenario.sign(make_sheet("e02", "a1", ("25", "25", "25", "25")), identity=foreign)
    bad = _with_sheet(scenario, good, "sheets/e02/a1-r1-v1.json", signed)
    with pytest.raises(BundleSheetError):
        verify_bundle(bad, scenario.roots, VERIFY_AT)


def test_an_expired_signer_is_refused(scenario: Scenario, tmp_path: Path) -> None:
    expiring = in_memory_identity(
        scenario.pki.ca, Role.EXPERT, "专家 e02", validity=dt.timedelta(hours=12)
    )
    experts = tuple(
        dataclasses.replace(e, fingerprint=expiring.fingerprint) if e.id == "e02" else e
        for e in scenario.meeting.experts
    )
    meeting = dataclasses.replace(scenario.meeting, experts=experts)
    moved = dataclasses.replace(scenario, meeting=meeting)
    sheets = tuple(
        moved.sign(make_sheet("e02", a, s), identity=expiring)
        for (e, a), s in SCORES.items()
        if e == "e02"
    )
    others = tuple(s for s in scenario.sheets if b'"expert_id":"e02"' not in s.document)
    out = tmp_path / NAME
    build_bundle(moved.bundle_input(sheets=others + sheets), scenario.secretary, out, SIGNED_AT)
    verify_bundle(out, scenario.roots, NOW + dt.timedelta(hours=6))  # still valid then
    with pytest.raises(BundleSheetError) as caught:
        verify_bundle(out, scenario.roots, VERIFY_AT)
    assert "expired" in caught.value.message or "valid" in caught.value.message


def test_a_roster_gap_is_refused(scenario: Scenario, good: bytes, tmp_path: Path) -> None:
    name = "sheets/e02/a3-r1-v1.json"
    gap = recraft(good, scenario.secretary, replace={name: None, name + ".p7s": None})
    with pytest.raises(BundleCompletenessError) as caught:
        verify_bundle(gap, scenario.roots, VERIFY_AT)
    assert "e02" in caught.value.message and "a3" in caught.value.message
    kept = tuple(s for s in scenario.sheets if b'"application_id":"a3"' not in s.document)
    with pytest.raises(BundleBuildError):
        build_bundle(
            scenario.bundle_input(sheets=kept), scenario.secretary, tmp_path / "b", SIGNED_AT
        )
    gaps = missing_pairs(scenario.bundle_input(sheets=kept))
    assert {(g.expert_id, g.application_id) for g in gaps} == {
        ("e01", "a3"), ("e02", "a3"), ("e04", "a3")
    }  # fmt: skip


def test_an_absence_that_contradicts_a_sheet_is_refused(scenario: Scenario, good: bytes) -> None:
    doc = _results(good)
    absences = doc["absences"]
    assert isinstance(absences, list)
    absences.append(
        {"expert_id": "e01", "application_id": "a1", "stated_by": "secretary", "note": ""}
    )
    bad = recraft(good, scenario.secretary, replace={"results.json": dumps_canonical(doc)})
    with pytest.raises(BundleCompletenessError):
        verify_bundle(bad, scenario.roots, VERIFY_AT)
    with pytest.raises(BundleBuildError):
        build_bundle(
            scenario.bundle_input(
                absences=(*scenario.absences, Absence(ExpertId("e01"), ApplicationId("a1")))
            ),
            scenario.secretary,
            Path("/nonexistent/never-written"),
            SIGNED_AT,
        )


def test_a_reworded_approved_opinion_is_refused(scenario: Scenario, good: bytes) -> None:
    doc = _results(good)
    opinions = doc["opinions"]
    assert isinstance(opinions, list)
    opinions[0]["opinion"] = "专家组不同意推荐。"
    bad = recraft(good, scenario.secretary, replace={"results.json": dumps_canonical(doc)})
    with pytest.raises(BundleSheetError):
        verify_bundle(bad, scenario.roots, VERIFY_AT)


def test_manifest_header_must_match_results(scenario: Scenario, good: bytes) -> None:
    assert manifest_of(good)["is_demo"] is False
    bad = recraft(good, scenario.secretary, manifest=lambda d: d.__setitem__("is_demo", True))
    with pytest.raises(BundleResultsError):
        verify_bundle(bad, scenario.roots, VERIFY_AT)


def test_only_a_secretary_builds(scenario: Scenario, tmp_path: Path) -> None:
    with pytest.raises(BundleBuildError):
        build_bundle(scenario.bundle_input(), scenario.experts["e01"], tmp_path / "b", SIGNED_AT)
    with pytest.raises(BundleBuildError):
        build_bundle(
            scenario.bundle_input(bundle_version=0), scenario.secretary, tmp_path / "b", SIGNED_AT
        )
    assert not (tmp_path / "b").exists()


def test_the_approval_bytes_are_those_the_secretary_workspace_signs(scenario: Scenario) -> None:
    """Mirror of ``panel-opinion-v1.md``'s builder; the two must stay byte-identical."""
    secretary_opinions = pytest.importorskip("app.secretary.opinions")
    from app.results import panel_opinion_bytes

    opinion = scenario.opinions[0].opinion
    chair = scenario.meeting.expert("e01")
    ours = panel_opinion_bytes(opinion, "5e" * 32, chair)
    assert ours == secretary_opinions.panel_opinion_document(opinion, "5e" * 32, chair)


def test_the_trust_file_crls_refuse_a_revoked_secretary_or_expert(
    scenario: Scenario, good: bytes, tmp_path: Path
) -> None:
    from app.crypto import pki

    ca = scenario.pki.ca

    def crl_revoking(name: str, *people: object) -> object:
        folder = tmp_path / name
        folder.mkdir()
        for person in people:
            revoked_at = VERIFY_AT - dt.timedelta(minutes=1)
            pki.revoke(ca, folder, person.certificate, revoked_at)  # type: ignore[attr-defined]
        return pki.sign_crl(ca, folder, VERIFY_AT)

    clean = verify_bundle(good, scenario.roots, VERIFY_AT, crls=[crl_revoking("none")])
    assert clean.sheets
    secretary = crl_revoking("secretary", scenario.secretary)
    with pytest.raises(BundleSignatureError, match="revoked on"):
        verify_bundle(good, scenario.roots, VERIFY_AT, crls=[secretary])  # type: ignore[list-item]
    expert = crl_revoking("expert", scenario.experts["e01"])
    with pytest.raises(BundleSheetError) as caught:
        verify_bundle(good, scenario.roots, VERIFY_AT, crls=[expert])  # type: ignore[list-item]
    assert "revoked on" in caught.value.msg.in_language("en")
    report = inspect_bundle(good, scenario.roots, VERIFY_AT, crls=[expert])  # type: ignore[list-item]
    assert report.problem is not None and report.verified is None
