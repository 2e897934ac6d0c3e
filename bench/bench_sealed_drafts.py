"""What sealing costs an autosave (workspace-drafts-v1): sealed vs plaintext, same process.

    .venv/bin/python bench/bench_sealed_drafts.py [--edits N]      # default 300

Two workspaces with the same meeting, on the same disk, with the production settings (WAL,
``synchronous=FULL``): one written through the plain repository, one through the expert's
sealing repository (draft key unwrapped as at sign-in). Measured, alternating between them:

1. ``save_draft`` of a full sheet (every score, comment, criterion, opinion) in its own
   transaction: the repository's part of an autosave;
2. the whole autosave use case (``scoring.set_factor_comment``: read, check, write, audit).

Prints min and median of each and the ratio sealed / plaintext (interleaved, edit by
edit), plus the one-off sign-in (unlock the key). No assertion on time: the numbers are
for reading.
"""

from __future__ import annotations

import dataclasses
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib

from app.crypto.identity import Identity, derive_x25519_private_key
from app.crypto.pki import CertificateAuthority, issue_certificate
from app.crypto.profile import Role
from app.domain.ids import CriterionKey, FactorKey
from app.domain.meeting import Meeting
from app.domain.sheet import CriterionVerdict, Recommendation, ScoreSheet
from app.expert import scoring
from app.expert.session import session_for
from app.expert.unlock import open_expert_drafts
from app.ports import ScoringRepository
from storage.stores import SqliteStores
from storage.workspace.core import Workspace
from tests.meeting_factory import APP, EXPERT, MEETING, Clock, make_meeting, make_rubric

COMMENT = "A sound platform; the committed funding is documented on page 12. " * 4


def _identity(ca: CertificateAuthority, now: object) -> Identity:
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    cert = issue_certificate(ca, Role.EXPERT, "Bench Expert", "Bench", key, now)  # type: ignore[arg-type]
    return Identity(cert, key, (ca.certificate,), Role.EXPERT, derive_x25519_private_key(key))


def _fill(repo: ScoringRepository, clock: Clock) -> ScoreSheet:
    ref = scoring.SheetRef(repo, clock, "bench", MEETING, EXPERT, APP)
    scoring.declare_conflict(ref, False, "")
    for key in ("eligible", "unique"):
        scoring.record_criterion(ref, CriterionKey(key), CriterionVerdict.MET, "checked")
    for key in ("concept", "capability", "feasibility", "results"):
        scoring.set_factor_score(ref, FactorKey(key), Decimal("21.5"))
        scoring.set_factor_comment(ref, FactorKey(key), COMMENT)
    scoring.set_opinion(ref, COMMENT * 3)
    return scoring.set_recommendation(ref, Recommendation.RECOMMEND_WITH_CONDITIONS, COMMENT)


def measure(argv: list[str]) -> list[benchlib.Row]:
    parser = benchlib.parser(__doc__)
    parser.add_argument("--edits", type=int, default=300, help="edits of each (default 300)")
    args = parser.parse_args(argv)
    if args.quick:
        args.edits = 3
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        clock = Clock()
        identity = _identity(benchlib.bench_ca(), clock.now)
        meeting: Meeting = make_meeting()
        first = dataclasses.replace(meeting.experts[0], fingerprint=identity.fingerprint)
        meeting = dataclasses.replace(meeting, experts=(first, *meeting.experts[1:]))
        paths = {name: base / f"{name}.sqlite" for name in ("plain", "sealed")}
        for path in paths.values():
            Workspace.create(path, meeting, make_rubric(), "bench", now=clock).close()
        plain_ws = Workspace.open(paths["plain"])
        sealed_ws = Workspace.open(paths["sealed"])
        started = time.perf_counter()
        sealed = open_expert_drafts(
            SqliteStores(), sealed_ws, session_for(meeting, identity, clock()), clock()
        )
        sign_in = time.perf_counter() - started
        started = time.perf_counter()
        open_expert_drafts(
            SqliteStores(), sealed_ws, session_for(meeting, identity, clock()), clock()
        )
        sign_in_again = time.perf_counter() - started
        repos: dict[str, ScoringRepository] = {"plain": plain_ws, "sealed": sealed}
        sheets = {name: _fill(repo, clock) for name, repo in repos.items()}

        def save(name: str) -> Callable[[int], None]:
            repo, sheet = repos[name], sheets[name]

            def run(i: int) -> None:
                at = clock()
                first = dataclasses.replace(sheet.scores[0], comment=f"{COMMENT}{i}")
                edited = dataclasses.replace(
                    sheet, scores=(first, *sheet.scores[1:]), updated_at=at
                )
                with repo.transaction("bench", at):
                    repo.save_draft(edited, "sheet.comment")

            return run

        def autosave(name: str) -> Callable[[int], None]:
            repo = repos[name]
            factor = FactorKey("concept")
            ref = scoring.SheetRef(repo, clock, "bench", MEETING, EXPERT, APP)
            return lambda i: scoring.set_factor_comment(ref, factor, f"{COMMENT}{i}")

        rows.append(
            benchlib.value_row("drafts", "sign-in, make the draft key", [sign_in * 1e3], "ms")
        )
        rows.append(
            benchlib.value_row(
                "drafts", "sign-in, unwrap the draft key", [sign_in_again * 1e3], "ms"
            )
        )
        for label, make in (("save_draft, full sheet", save), ("autosave use case", autosave)):
            runs = {name: make(name) for name in repos}
            samples: dict[str, list[float]] = {name: [] for name in repos}
            for i in range(args.edits):
                for name, run in runs.items():
                    t0 = time.perf_counter()
                    run(i)
                    samples[name].append(time.perf_counter() - t0)
            rows.append(
                benchlib.ratio_row(
                    "drafts",
                    f"{label}, sealed",
                    samples["sealed"],
                    samples["plain"],
                    "plaintext",
                )
            )
        plain_ws.close()
        sealed_ws.close()
    return rows


if __name__ == "__main__":
    raise SystemExit(benchlib.main(measure))
