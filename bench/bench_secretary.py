"""The secretary's large meeting: 200 applications, 30 experts, ~6,000 signed sheets.

    .venv/bin/python bench/bench_secretary.py [--applications 200] [--experts 30] [--repeat 3]

Setup (not timed): a throw-away CA and identities in memory; every expert's sheets signed
and written as one ``.oisheet`` file each into a temporary folder (signing and the writer's
own read-back check take a while); a secretary workspace whose meeting is frozen directly at
the storage level (packages and kit are benchmarked elsewhere: bench_package.py).

Timed, in each of ``--repeat`` repetitions on a fresh copy of the frozen workspace:
importing all sheet files (decrypt, verify every envelope and item signature, check
context, store with audit entries), consolidating the round from storage, and rebuilding
the progress board. Baselines measured in between, in the same process: ``consolidate()``
on the same sheets in memory (the baseline of bench_consolidation.py), and the raw ECDSA
verifies the import cannot avoid (one per sheet and one per file envelope). Target:
import <= 1.5 ms per sheet.
"""

from __future__ import annotations

import dataclasses
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib
from bench_consolidation import AT, build
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding

from app.consolidation import ConsolidationRule, consolidate
from app.crypto import pki
from app.crypto.identity import Identity, derive_x25519_private_key
from app.crypto.profile import Role
from app.domain.meeting import Meeting
from app.domain.rubric import Rubric
from app.domain.sheet import ConflictDeclaration, CriterionAnswer, CriterionVerdict, ScoreSheet
from app.formats.rubric_file import load_default_rubric
from app.secretary.board import progress_board
from app.secretary.collect import import_sheet_files
from app.secretary.model import IssuedKit, MeetingHeader, RoundInfo, SecretarySetup
from app.secretary.rounds import consolidate_round
from app.secretary.unlock import unlock_workspace
from app.sheets import SheetContext, sign_recusal, sign_sheet, write_sheet_file
from storage.secretary.workspace import SecretaryWorkspace

KIT_HASH = "be" * 32


def _identity(ca: pki.CertificateAuthority, role: Role, name: str) -> Identity:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = pki.issue_certificate(ca, role, name, "Bench", key, AT)
    return Identity(cert, key, (ca.certificate,), role, derive_x25519_private_key(key))


@dataclasses.dataclass
class Prepared:
    """A frozen meeting in a secretary workspace at ``folder``, with every expert's sheet file."""

    folder: Path
    meeting: Meeting
    rubric: Rubric
    sheets: list[ScoreSheet]
    recusals: list[ConflictDeclaration]
    secretary: Identity
    files: list[Path]
    ws: SecretaryWorkspace
    setup_seconds: float
    ca: pki.CertificateAuthority
    people: dict[str, Identity]
    """Each expert's identity, by expert id (the chair is the first expert)."""
    submitted: dict[str, list[ScoreSheet]]
    """Each expert's round-1 sheets as signed into their file (with comments and criteria)."""


def prepare(base: Path, n_apps: int, n_experts: int) -> Prepared:
    """Setup (not timed): CA, identities, signed sheet files and the frozen workspace."""
    rubric = load_default_rubric()
    meeting, sheets, recusals = build(n_apps, n_experts)
    ca = benchlib.bench_ca()
    secretary = _identity(ca, Role.SECRETARY, "Secretary")
    people = {e.id: _identity(ca, Role.EXPERT, f"Expert {e.id}") for e in meeting.experts}
    meeting = dataclasses.replace(
        meeting,
        experts=tuple(
            dataclasses.replace(e, fingerprint=people[e.id].fingerprint, is_chair=i == 0)
            for i, e in enumerate(meeting.experts)
        ),
    )
    criteria = tuple(CriterionAnswer(c.key, CriterionVerdict.MET, "") for c in rubric.criteria)
    by_expert: dict[str, list[ScoreSheet]] = defaultdict(list)
    for s in sheets:
        scores = tuple(dataclasses.replace(f, comment="comment") for f in s.scores)
        by_expert[s.expert_id].append(
            dataclasses.replace(
                s, scores=scores, criteria=criteria, submitted_at=AT, conditions="conditions"
            )
        )
    started = time.perf_counter()
    files = [
        sheet_file(
            base / f"{expert.id}.oisheet",
            meeting,
            rubric,
            expert.id,
            by_expert[expert.id],
            [d for d in recusals if d.expert_id == expert.id],
            secretary,
            people[expert.id],
            ca,
            round=1,
        )
        for expert in meeting.experts
    ]
    setup_seconds = time.perf_counter() - started

    setup = SecretarySetup(
        header=MeetingHeader(meeting.id, meeting.title, meeting.date, meeting.venue),
        rubric=rubric,
        rule=ConsolidationRule(),
        anonymise_experts=False,
        secretary_certificate_pem=secretary.certificate.public_bytes(Encoding.PEM).decode(),
        trust_roots_pem=ca.certificate.public_bytes(Encoding.PEM).decode(),
        sealed_meeting_key=None,
        meeting_key_recipient=None,
        kit=IssuedKit(KIT_HASH, "bench-kit", AT, "bench.oikit"),
        current_round=1,
    )
    ws = SecretaryWorkspace.create_setup(base / "secretary.sqlite", setup, "bench", now=lambda: AT)
    with ws.transaction("bench", AT):
        ws.freeze(meeting, rubric, setup)
        ws.add_round(RoundInfo(1, AT, None))
    return Prepared(
        base,
        meeting,
        rubric,
        sheets,
        recusals,
        secretary,
        files,
        ws,
        setup_seconds,
        ca,
        people,
        dict(by_expert),
    )


def sheet_file(
    out: Path,
    meeting: Meeting,
    rubric: Rubric,
    expert_id: str,
    sheets: list[ScoreSheet],
    recusals: list[ConflictDeclaration],
    secretary: Identity,
    who: Identity,
    ca: pki.CertificateAuthority,
    *,
    round: int,
) -> Path:
    """One expert's signed sheet file of ``round`` at ``out``, as the expert's window writes it."""
    expert = next(e for e in meeting.experts if e.id == expert_id)
    context = SheetContext(meeting.id, KIT_HASH, rubric, expert, secretary.fingerprint)
    items = [sign_sheet(s, context, who, AT) for s in sheets]
    items += [sign_recusal(d, context, who, AT) for d in recusals]
    write_sheet_file(
        out,
        items,
        [],
        context,
        who,
        secretary.certificate,
        AT,
        round=round,
        trust_roots=[ca.certificate],
    )
    return out


def baseline(prepared: Prepared) -> float:
    """Seconds for ``consolidate()`` on the same sheets in memory (bench_consolidation.py)."""
    p = prepared
    start = time.perf_counter()
    consolidate(p.meeting, p.rubric, p.sheets, p.recusals, ConsolidationRule(), 1)
    return time.perf_counter() - start


def measure(argv: list[str]) -> list[benchlib.Row]:
    parser = benchlib.parser(__doc__)
    parser.add_argument("--applications", type=int, default=200)
    parser.add_argument("--experts", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3, help="repetitions (default 3)")
    args = parser.parse_args(argv)
    if args.quick:
        args.applications, args.experts, args.repeat = 3, 3, 1
    imports: list[float] = []
    rounds: list[float] = []
    boards: list[float] = []
    memory: list[float] = []
    raws: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        p = prepare(base, args.applications, args.experts)
        p.ws.close()
        n_sheets = len(p.sheets)
        print(f"setup: {n_sheets} sheets in {len(p.files)} files, {p.setup_seconds:.1f} s")
        key = ec.generate_private_key(ec.SECP256R1())
        ecdsa = ec.ECDSA(hashes.SHA256())
        sample = key.sign(b"x" * 300, ecdsa)
        public = key.public_key()
        n_verifies = n_sheets + len(p.files)
        for i in range(args.repeat):
            copy = base / f"run{i}.sqlite"
            shutil.copyfile(base / "secretary.sqlite", copy)
            ws = SecretaryWorkspace.open(copy)
            unlock_workspace(ws, p.secretary, actor="bench", now=AT)  # the key, not timed
            start = time.perf_counter()
            results = import_sheet_files(ws, p.secretary, p.files, actor="bench", now=AT)
            imports.append(time.perf_counter() - start)
            refused = [r for r in results if r.refusal is not None]
            if refused:
                raise SystemExit(f"refused: {refused[0].message}")
            memory.append(baseline(p))
            start = time.perf_counter()
            consolidate_round(ws, 1)
            rounds.append(time.perf_counter() - start)
            start = time.perf_counter()
            board = progress_board(ws, 1)
            boards.append(time.perf_counter() - start)
            if not board.complete:
                raise SystemExit("the progress board is not complete")
            ws.close()
            start = time.perf_counter()
            for _ in range(n_verifies):
                public.verify(sample, b"x" * 300, ecdsa)
            raws.append(time.perf_counter() - start)
    size = f"{args.applications}x{args.experts}"
    per_sheet = [t / n_sheets * 1e3 for t in imports]
    return [
        benchlib.value_row(
            "secretary",
            f"sheet import per sheet ({size})",
            per_sheet,
            "ms",
            baseline=[t / n_sheets * 1e3 for t in raws],
            baseline_name="raw ECDSA verifies",
            at_most=1.5,
        ),
        benchlib.ratio_row(
            "secretary",
            f"consolidate the round from storage ({size})",
            rounds,
            memory,
            "consolidate() in memory",
        ),
        benchlib.ratio_row(
            "secretary",
            f"progress board ({size})",
            boards,
            memory,
            "consolidate() in memory",
        ),
    ]


if __name__ == "__main__":
    raise SystemExit(benchlib.main(measure))
