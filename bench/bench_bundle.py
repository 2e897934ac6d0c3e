"""Benchmark result bundles: build a large bundle, verify it, import many small ones.

    .venv/bin/python bench/bench_bundle.py [--apps 200] [--experts 30] [--imports 200]
                                           [--skip-large-verify]

1. A meeting of ``--apps`` applications and ``--experts`` experts, every expert scoring
   every application (signed sheets made once, keys in memory). ``build_bundle`` (consolidate,
   results.json, manifest, signature, ZIP, atomic write) is timed against a baseline written
   in the same run: the *same member bytes* as a bare STORED ZIP (``zipfile``) with fsync.
   Reported: both times, the ratio, sizes.
2. ``verify_bundle`` on that bundle (one CMS path validation per sheet dominates).
3. ``--imports`` bundles of distinct small meetings (5 experts × 3 applications) imported
   into one ministry database: bundles per second (verification included).
Everything lives in a temporary directory, deleted afterwards. No key is written to disk.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
import tempfile
import time
import zipfile
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives.asymmetric import ec

from app.consolidation import ConsolidationRule
from app.crypto import pki
from app.crypto.identity import Identity, derive_x25519_private_key
from app.crypto.profile import Role
from app.domain.ids import (
    ApplicationId,
    CriterionKey,
    ExpertId,
    FactorKey,
    MeetingId,
    SheetId,
)
from app.domain.meeting import Meeting
from app.domain.sheet import (
    CriterionAnswer,
    CriterionVerdict,
    FactorScore,
    Recommendation,
    ScoreSheet,
    SheetStatus,
)
from app.formats.meeting_file import parse_meeting
from app.formats.rubric_file import load_default_rubric
from app.paths import DEMO
from app.results import BundleInput, build_bundle, verify_bundle
from app.sheets import SheetContext, SignedDocument, sign_sheet

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SIGNED = NOW + timedelta(hours=2)
VERIFY = NOW + timedelta(days=1)
KIT = "7a" * 32


def _identity(ca: pki.CertificateAuthority, role: Role, name: str) -> Identity:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = pki.issue_certificate(ca, role, name, "基准测试", key, NOW)
    return Identity(cert, key, (ca.certificate,), role, derive_x25519_private_key(key))


def _meeting(meeting_id: str, experts: dict[str, Identity], apps: int) -> Meeting:
    demo = json.loads((DEMO / "meeting.json").read_text("utf-8"))
    doc = copy.deepcopy(demo)
    doc["id"], doc["is_demo"] = meeting_id, False
    template = demo["experts"][0]
    doc["experts"] = [
        {**template, "id": e, "is_chair": i == 0, "fingerprint": ident.fingerprint}
        for i, (e, ident) in enumerate(experts.items())
    ]
    doc["applications"] = [
        {**demo["applications"][i % len(demo["applications"])], "id": f"a{i + 1:03d}"}
        for i in range(apps)
    ]
    doc["agenda"] = [
        {
            "application_id": f"a{i + 1:03d}",
            "position": i + 1,
            "report_minutes": 15,
            "qa_minutes": 10,
        }
        for i in range(apps)
    ]
    return parse_meeting(doc)


def _sheets(
    meeting: Meeting, experts: dict[str, Identity], secretary: Identity
) -> tuple[SignedDocument, ...]:
    rubric = load_default_rubric()
    signed: list[SignedDocument] = []
    for e, expert in enumerate(meeting.experts):
        context = SheetContext(meeting.id, KIT, rubric, expert, secretary.fingerprint)
        for a, app in enumerate(meeting.applications):
            scores = [Decimal(20 + (e * 7 + a * 3 + k) % 10) / 2 + 10 for k in range(4)]
            sheet = ScoreSheet(
                id=SheetId(f"s-{expert.id}-{app.id}"),
                meeting_id=MeetingId(meeting.id),
                expert_id=ExpertId(expert.id),
                application_id=ApplicationId(app.id),
                round=1,
                version=1,
                status=SheetStatus.SUBMITTED,
                scores=tuple(
                    FactorScore(FactorKey(f.key), s, "评语 comment")
                    for f, s in zip(rubric.factors, scores, strict=True)
                ),
                criteria=tuple(
                    CriterionAnswer(CriterionKey(c.key), CriterionVerdict.MET, "符合")
                    for c in rubric.criteria
                ),
                opinion="总体可行。",
                recommendation=Recommendation.RECOMMEND,
                conditions="",
                updated_at=SIGNED,
                submitted_at=SIGNED,
            )
            signed.append(sign_sheet(sheet, context, experts[expert.id], SIGNED))
    return tuple(signed)


def _input(meeting: Meeting, sheets: tuple[SignedDocument, ...]) -> BundleInput:
    return BundleInput(
        meeting=meeting,
        rubric=load_default_rubric(),
        rule=ConsolidationRule(),
        kit_hash=KIT,
        round=1,
        sheets=sheets,
    )


def _bare_zip(members: list[tuple[str, bytes]], out: Path) -> None:
    with out.open("wb") as fh:
        with zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED) as archive:
            for name, data in members:
                archive.writestr(name, data)
        fh.flush()
        os.fsync(fh.fileno())


def _members(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", type=int, default=200)
    parser.add_argument("--experts", type=int, default=30)
    parser.add_argument("--imports", type=int, default=200)
    parser.add_argument("--skip-large-verify", action="store_true")
    args = parser.parse_args()
    from app.ministry.importing import import_bundle
    from storage.ministry.database import MinistryDatabase

    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        pki.init_ca(base / "ca", "基准根CA", b"bench passphrase", NOW)
        ca = pki.load_ca(base / "ca", b"bench passphrase")
        roots = [ca.certificate]
        secretary = _identity(ca, Role.SECRETARY, "秘书")
        experts = {
            f"e{i + 1:02d}": _identity(ca, Role.EXPERT, f"专家{i + 1}") for i in range(args.experts)
        }
        meeting = _meeting("m-bench-large", experts, args.apps)
        start = time.perf_counter()
        sheets = _sheets(meeting, experts, secretary)
        report["sign_sheets_s"] = round(time.perf_counter() - start, 2)
        bundle_input = _input(meeting, sheets)
        builds, bares = [], []
        out = base / "large.oibundle"
        for _ in range(3):
            start = time.perf_counter()
            summary = build_bundle(bundle_input, secretary, out, SIGNED)
            builds.append(time.perf_counter() - start)
            members = _members(out)
            start = time.perf_counter()
            _bare_zip(members, base / "bare.zip")
            bares.append(time.perf_counter() - start)
        report.update(
            {
                "applications": args.apps,
                "experts": args.experts,
                "sheets": len(sheets),
                "members": summary.member_count,
                "bundle_mb": round(summary.file_size / 1e6, 2),
                "build_s": round(min(builds), 3),
                "bare_zip_s": round(min(bares), 3),
                "build_over_bare_zip": round(min(builds) / min(bares), 2),
            }
        )
        if not args.skip_large_verify:
            start = time.perf_counter()
            verify_bundle(out, roots, VERIFY)
            report["verify_large_s"] = round(time.perf_counter() - start, 1)
        small: list[Path] = []
        few = dict(list(experts.items())[:5])
        for i in range(args.imports):
            m = _meeting(f"m-bench-{i:04d}", few, 3)
            path = base / f"small-{i:04d}.oibundle"
            build_bundle(_input(m, _sheets(m, few, secretary)), secretary, path, SIGNED)
            small.append(path)
        db = MinistryDatabase(base / "ministry.db")
        start = time.perf_counter()
        for path in small:
            import_bundle(db, path, roots, VERIFY, documents=None)
        elapsed = time.perf_counter() - start
        report["imports"] = args.imports
        report["import_s"] = round(elapsed, 2)
        report["bundles_per_s"] = round(args.imports / elapsed, 1)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
