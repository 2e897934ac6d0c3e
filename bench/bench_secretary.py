"""The secretary's large meeting: 200 applications, 30 experts, ~6,000 signed sheets.

    .venv/bin/python bench/bench_secretary.py [APPLICATIONS] [EXPERTS]

Setup (not timed): a throw-away CA and identities in memory; every expert's sheets signed
and written as one ``.oisheet`` file each into a temporary folder (signing and the writer's
own read-back check take a while); a secretary workspace whose meeting is frozen directly at
the storage level (packages and kit are benchmarked elsewhere: bench_package.py).

Timed: importing all sheet files (decrypt, verify every envelope and item signature, check
context, store with audit entries), consolidating the round from storage, and rebuilding
the progress board; each printed with its ratio to ``consolidate()`` on the same sheets in
memory, measured in the same run (the baseline of bench_consolidation.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_consolidation import AT, build
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


def prepare(base: Path, n_apps: int, n_experts: int) -> Prepared:
    """Setup (not timed): CA, identities, signed sheet files and the frozen workspace."""
    rubric = load_default_rubric()
    meeting, sheets, recusals = build(n_apps, n_experts)
    pki.init_ca(base / "ca", "Bench Root", b"bench-ca", AT - dt.timedelta(days=1))
    ca = pki.load_ca(base / "ca", b"bench-ca")
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
    files = []
    for expert in meeting.experts:
        context = SheetContext(meeting.id, KIT_HASH, rubric, expert, secretary.fingerprint)
        who = people[expert.id]
        items = [sign_sheet(s, context, who, AT) for s in by_expert[expert.id]]
        items += [sign_recusal(d, context, who, AT) for d in recusals if d.expert_id == expert.id]
        out = base / f"{expert.id}.oisheet"
        write_sheet_file(
            out,
            items,
            [],
            context,
            who,
            secretary.certificate,
            AT,
            round=1,
            trust_roots=[ca.certificate],
        )
        files.append(out)
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
    return Prepared(base, meeting, rubric, sheets, recusals, secretary, files, ws, setup_seconds)


def baseline(prepared: Prepared) -> float:
    """Seconds for ``consolidate()`` on the same sheets in memory (bench_consolidation.py)."""
    p = prepared
    start = time.perf_counter()
    consolidate(p.meeting, p.rubric, p.sheets, p.recusals, ConsolidationRule(), 1)
    return time.perf_counter() - start


def main() -> None:
    n_apps = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    n_experts = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    with tempfile.TemporaryDirectory() as tmp:
        p = prepare(Path(tmp), n_apps, n_experts)
        sheets, files, ws, secretary = p.sheets, p.files, p.ws, p.secretary
        print(f"setup: {len(sheets)} sheets in {len(files)} files, {p.setup_seconds:.1f} s")

        base_s = baseline(p)

        start = time.perf_counter()
        results = import_sheet_files(ws, secretary, files, actor="bench", now=AT)
        t_import = time.perf_counter() - start
        refused = [r for r in results if r.refusal is not None]
        assert not refused, refused[0].message

        start = time.perf_counter()
        consolidate_round(ws, 1)
        t_cons = time.perf_counter() - start

        start = time.perf_counter()
        board = progress_board(ws, 1)
        t_board = time.perf_counter() - start
        assert board.complete
        ws.close()

    print(f"meeting: {n_apps} applications x {n_experts} experts, {len(sheets)} sheets")
    print(f"baseline consolidate() in memory   {base_s * 1000:9.1f} ms")
    for label, value in (
        ("import all sheet files", t_import),
        ("consolidate the round from storage", t_cons),
        ("refresh the progress board", t_board),
    ):
        print(f"{label:<35}{value * 1000:9.1f} ms  ratio {value / base_s:7.1f}x")
    print(f"import per sheet                   {t_import / max(len(sheets), 1) * 1000:9.2f} ms")


if __name__ == "__main__":
    main()
