"""Benchmark result bundles: build a large bundle, verify it, import many small ones.

    .venv/bin/python bench/bench_bundle.py [--apps 200] [--experts 30] [--imports 200]
                                           [--repeat 3] [--skip-large-verify]

1. A meeting of ``--apps`` applications and ``--experts`` experts, every expert scoring
   every application (signed sheets made once, keys in memory). ``build_bundle`` (consolidate,
   results.json, manifest, signature, ZIP, atomic write) is timed against a baseline written
   in the same run, interleaved: the *same member bytes* as a bare STORED ZIP (``zipfile``)
   with fsync.
2. ``verify_bundle`` on that bundle, per sheet (target <= 2 ms), each run with a new
   signature verifier (so every expert's certificate path is validated once in the run),
   against the raw ECDSA verifies of the same signatures (one per sheet and one for the
   manifest), interleaved.
3. ``--imports`` bundles of distinct small meetings (5 experts x 3 applications) imported
   into one ministry database: bundles per second (verification included; target >= 25).
Everything lives in a temporary directory, deleted afterwards. No key is written to disk.
"""

from __future__ import annotations

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
sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from app.consolidation import ConsolidationRule
from app.crypto import pki
from app.crypto.cms import SignatureVerifier
from app.crypto.cms_parse import parse_detached
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


def _raw_verifies(sheets: tuple[SignedDocument, ...], experts: dict[str, Identity]) -> Any:
    """One raw ECDSA verify of each sheet's own signature (what no CMS check can beat)."""
    ecdsa = ec.ECDSA(hashes.SHA256())
    keys = {
        ident.certificate.serial_number: ident.certificate.public_key()
        for ident in experts.values()
    }
    work = []
    for signed in sheets:
        parsed = parse_detached(signed.signature)
        key = keys[parsed.sid_serial]
        assert isinstance(key, ec.EllipticCurvePublicKey)
        work.append((key, parsed.signature, parsed.signed_attributes))

    def run() -> None:
        for key, value, signed_attributes in work:
            key.verify(value, signed_attributes, ecdsa)

    return run


def measure(argv: list[str]) -> list[benchlib.Row]:
    parser = benchlib.parser(__doc__)
    parser.add_argument("--apps", type=int, default=200)
    parser.add_argument("--experts", type=int, default=30)
    parser.add_argument("--imports", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3, help="repetitions (default 3)")
    parser.add_argument("--skip-large-verify", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        args.apps, args.experts, args.imports, args.repeat = 3, 3, 2, 1
    from app.ministry.importing import import_bundle
    from storage.ministry.database import MinistryDatabase

    size = f"{args.apps}x{args.experts}"
    rows: list[benchlib.Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        ca = benchlib.bench_ca()
        roots = [ca.certificate]
        secretary = _identity(ca, Role.SECRETARY, "秘书")
        experts = {
            f"e{i + 1:02d}": _identity(ca, Role.EXPERT, f"专家{i + 1}") for i in range(args.experts)
        }
        meeting = _meeting("m-bench-large", experts, args.apps)
        start = time.perf_counter()
        sheets = _sheets(meeting, experts, secretary)
        print(f"{len(sheets)} sheets signed in {time.perf_counter() - start:.1f} s (not timed)")
        bundle_input = _input(meeting, sheets)
        out = base / "large.oibundle"
        summary = build_bundle(bundle_input, secretary, out, SIGNED)
        members = _members(out)
        print(f"bundle: {summary.member_count} members, {summary.file_size / 1e6:.2f} MB")
        times = benchlib.interleaved(
            args.repeat,
            {
                "build": lambda: build_bundle(bundle_input, secretary, out, SIGNED),
                "bare": lambda: _bare_zip(members, base / "bare.zip"),
            },
        )
        rows.append(
            benchlib.ratio_row(
                "bundle",
                f"build_bundle ({size})",
                times["build"],
                times["bare"],
                "bare STORED zip, same bytes",
            )
        )
        if not args.skip_large_verify:
            raw = _raw_verifies(sheets, experts)

            def verify() -> None:
                verify_bundle(out, roots, VERIFY, verifier=SignatureVerifier())

            verify()  # warm-up: lazy imports, caches of the process
            raw()
            times = benchlib.interleaved(args.repeat, {"verify": verify, "raw": raw})
            n = len(sheets)
            rows.append(
                benchlib.value_row(
                    "bundle",
                    f"verify_bundle per sheet ({size})",
                    [t / n * 1e3 for t in times["verify"]],
                    "ms",
                    baseline=[t / n * 1e3 for t in times["raw"]],
                    baseline_name="raw ECDSA verify",
                    at_most=2.0,
                )
            )
        small: list[Path] = []
        few = dict(list(experts.items())[:5])
        for i in range(args.imports):
            m = _meeting(f"m-bench-{i:04d}", few, 3)
            path = base / f"small-{i:04d}.oibundle"
            build_bundle(_input(m, _sheets(m, few, secretary)), secretary, path, SIGNED)
            small.append(path)
        db = MinistryDatabase(base / "ministry.db")
        start = time.perf_counter()
        rates = []
        for path in small:
            start = time.perf_counter()
            import_bundle(db, path, roots, VERIFY, documents=None)
            rates.append(1 / (time.perf_counter() - start))
        rows.append(
            benchlib.value_row(
                "bundle",
                f"ministry import ({len(few)} experts x 3, {args.imports} bundles)",
                rates,
                "bundles/s",
                at_least=25,
            )
        )
    return rows


if __name__ == "__main__":
    raise SystemExit(benchlib.main(measure))
