"""The proof meeting: the demo meeting played to the end with canary material, in an
isolated HOME and TMPDIR, under the socket guard (matrix M14, M15, M19).

It is the demo's own sequence (:func:`app.demo.build.build_demo`, then
:func:`app.demo.complete.complete_demo`: the same use cases the windows call), fed with other
inputs: a copy of the demo meeting whose form of ``a01`` carries :data:`FORM`, and a copy of
the sample sheets whose ``e01``/``a01`` sheet carries :data:`COMMENT`, :data:`OPINION` and the
score canary, whose recusal reason carries :data:`RECUSAL` and whose panel opinion of ``a01``
carries :data:`PANEL`. The demo reads its material from ``app.demo.meeting.DEMO_MEETING`` and
``app.demo.outcome.load_sample_meeting``; those two are pointed at the copies.

Only the last step differs from the demo: instead of the demo's plaintext bundle written by
the console, the secretary publishes as a real meeting does, through the chair's machine:
a *report to sign* file on the stick, signed there, imported back, then the report, the
workbook and the bundle **encrypted to the ministry** written to the stick; a round 2 is
opened and its round notice exported to the stick. Every file the meeting wrote is
snapshotted twice: while the secretary's workspace is still open (its ``-wal``/``-shm``
exist) and at the end.

The result also carries every format's files and keys for the tamper tests (M3/M4), the
fuzz seeds (M6) and the export kills (M16).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pytest
from cryptography import x509

from app.crypto.identity import Identity
from app.domain.meeting import Meeting
from app.domain.rubric import Rubric
from app.paths import DEMO
from tests.socket_guard import no_network

FORM: Final = "CANARY-FORM-5e1d7a"
COMMENT: Final = "CANARY-COMMENT-9b2c41"
OPINION: Final = "CANARY-OPINION-4a7f03"
RECUSAL: Final = "CANARY-RECUSAL-c83e55"
PANEL: Final = "CANARY-PANEL-17d9b6"
SCORE_FACTOR: Final = "unit_capability"
SCORE_VALUE: Final = "3.5"
SCORE: Final = f'"factor":"{SCORE_FACTOR}","score":"{SCORE_VALUE}"'
"""The score canary: no other sheet of the demo gives this factor 3.5; it appears wherever a
signed sheet is held in clear (as its canonical JSON spells it)."""

CANARIES: Final = {
    "form": FORM,
    "comment": COMMENT,
    "opinion": OPINION,
    "recusal": RECUSAL,
    "panel": PANEL,
    "score": SCORE,
}
CANARY_EXPERT: Final = "e01"
CANARY_APPLICATION: Final = "a01"
REPORT_LANGUAGE: Final = "zh_CN"


@dataclass(frozen=True)
class ProofMeeting:
    """A finished meeting and what each reader needs."""

    root: Path
    """Everything the meeting wrote is under it (demo folder, HOME, TMPDIR, stick)."""
    home: Path
    tmpdir: Path
    demo: Path
    stick: Path
    now: dt.datetime
    roots: tuple[x509.Certificate, ...]
    secretary: Identity
    expert: Identity
    """e01, the chair (its key opens the packages)."""
    ministry: Identity
    meeting: Meeting
    rubric: Rubric
    kit_hash: str
    package: Path
    kit: Path
    sheet_file: Path
    round_notice: Path
    bundle: Path
    report_to_sign: Path
    report_pdf: Path
    workbook: Path
    secretary_dir: Path
    expert_workspace: Path
    snapshot_open: dict[str, bytes] = field(repr=False)
    """Every file under ``root`` while the secretary's workspace was open."""

    def files(self) -> dict[str, bytes]:
        """Every file under ``root`` now, merged with the earlier snapshot (by path)."""
        found = dict(self.snapshot_open)
        for path in sorted(self.root.rglob("*")):
            if path.is_file():
                found[str(path)] = path.read_bytes()
        return found


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _canary_material(folder: Path) -> tuple[Path, Path]:
    """Copies of the demo meeting and sample sheets carrying the canaries."""
    meeting = json.loads((DEMO / "meeting.json").read_text(encoding="utf-8"))
    app = next(a for a in meeting["applications"] if a["id"] == CANARY_APPLICATION)
    body = app["form"][0]["sections"][0]["body"]
    body["en"] = f"{FORM} {body['en']}"
    body["zh_CN"] = f"{FORM} {body['zh_CN']}"
    sheets = json.loads((DEMO / "sample_sheets.json").read_text(encoding="utf-8"))
    sheet = next(
        s
        for s in sheets["sheets"]
        if s["expert"] == CANARY_EXPERT and s["application"] == CANARY_APPLICATION
    )
    assert all(s["scores"][SCORE_FACTOR] != SCORE_VALUE for s in sheets["sheets"]), (
        "the score canary must be unique"
    )
    sheet["scores"][SCORE_FACTOR] = SCORE_VALUE
    sheet["comments"] = {
        "concept_logic": f"{COMMENT} 论证充分。",
        SCORE_FACTOR: "示例：依托单位基础薄弱，需说明。",  # a "Poor" band score needs a comment
    }
    sheet["opinion"] = f"{OPINION} {sheet['opinion']}"
    sheets["recusals"][0]["reason"] = f"{RECUSAL} {sheets['recusals'][0]['reason']}"
    panel = next(p for p in sheets["panel_opinions"] if p["application"] == CANARY_APPLICATION)
    panel["opinion"] = f"{PANEL} {panel['opinion']}"
    folder.mkdir(parents=True)
    meeting_file, sheets_file = folder / "meeting.json", folder / "sample_sheets.json"
    meeting_file.write_text(json.dumps(meeting, ensure_ascii=False), encoding="utf-8")
    sheets_file.write_text(json.dumps(sheets, ensure_ascii=False), encoding="utf-8")
    return meeting_file, sheets_file


def ministry_identity(ca_dir: Path, now: dt.datetime) -> Identity:
    """The ministry's identity, issued by the demo CA (kept in memory only)."""
    from cryptography.hazmat.primitives.asymmetric import ec

    from app.crypto import pki
    from app.crypto.identity import derive_x25519_private_key
    from app.crypto.profile import Role
    from app.demo.build import DEMO_CA_PASSPHRASE

    ca = pki.load_ca(ca_dir, DEMO_CA_PASSPHRASE.encode())
    key = ec.generate_private_key(ec.SECP256R1())
    cert = pki.issue_certificate(ca, Role.MINISTRY, "示例主管部门", "DEMO 示例", key, now)
    return Identity(cert, key, (ca.certificate,), Role.MINISTRY, derive_x25519_private_key(key))


def play(root: Path) -> ProofMeeting:
    """Play the proof meeting under ``root`` (see the module doc)."""
    with pytest.MonkeyPatch.context() as mp, no_network():
        return _play(root, mp)


def _play(root: Path, mp: pytest.MonkeyPatch) -> ProofMeeting:
    import app.demo.complete as complete
    import app.demo.meeting as demo_meeting
    import app.demo.outcome as outcome
    from app.cli import publish_exporters
    from app.crypto.identity import load_identity
    from app.demo.build import (
        DEMO_SECRETARY_PASSPHRASE,
        build_demo,
        expert_passphrase,
        no_attachments,
    )
    from storage.stores import SqliteStores

    home, tmpdir, demo, stick = root / "home", root / "tmp", root / "demo", root / "stick"
    for folder in (home, tmpdir, stick):
        folder.mkdir(parents=True)
    mp.setenv("HOME", str(home))
    mp.setenv("TMPDIR", str(tmpdir))
    for name in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        mp.setenv(name, str(home / name.lower()))
    mp.setattr(tempfile, "tempdir", None)  # gettempdir() reads TMPDIR again
    meeting_file, sheets_file = _canary_material(root / "material")
    mp.setattr(demo_meeting, "DEMO_MEETING", meeting_file)
    mp.setattr(
        outcome,
        "load_sample_meeting",
        functools.partial(outcome.load_sample_meeting, path=sheets_file),
    )
    held: dict[str, Any] = {}
    mp.setattr(complete, "_outputs", functools.partial(_publish_via_chair_machine, root, held))
    held["scoring"] = {}
    mp.setattr(complete, "_score", functools.partial(_score_and_snapshot, complete._score, held))
    start = dt.datetime.now(dt.UTC)
    ticks = iter(range(10**6))

    def clock() -> dt.datetime:
        return start + dt.timedelta(seconds=next(ticks))

    stores = SqliteStores()
    build_demo(stores, demo, start, no_attachments)
    done = complete.complete_demo(stores, demo, publish_exporters(), clock)
    now = clock()
    secretary = load_identity(
        (demo / "identities" / "secretary.p12").read_bytes(), DEMO_SECRETARY_PASSPHRASE.encode()
    )
    expert = load_identity(
        (demo / "identities" / f"expert-{CANARY_EXPERT}.p12").read_bytes(),
        expert_passphrase(CANARY_EXPERT).encode(),
    )
    meeting_dir = done.meeting_dir
    return ProofMeeting(
        root=root,
        home=home,
        tmpdir=tmpdir,
        demo=demo,
        stick=stick,
        now=now,
        roots=tuple(held["roots"]),
        secretary=secretary,
        expert=expert,
        ministry=held["ministry"],
        meeting=held["meeting"],
        rubric=held["rubric"],
        kit_hash=held["kit_hash"],
        package=demo / "issued" / f"{CANARY_APPLICATION}.oipkg",
        kit=meeting_dir / "meeting.oikit",
        sheet_file=next((meeting_dir / "sheets").glob(f"*-{CANARY_EXPERT}-r1.oisheet")),
        round_notice=held["round_notice"],
        bundle=held["bundle"],
        report_to_sign=held["report_to_sign"],
        report_pdf=held["report_pdf"],
        workbook=held["workbook"],
        secretary_dir=meeting_dir / "secretary",
        expert_workspace=meeting_dir / "expert" / "workspace.sqlite",
        snapshot_open={**held["scoring"], **held["snapshot"]},
    )


def _score_and_snapshot(
    score: Callable[..., Any], held: dict[str, Any], desk: Any, *args: Any
) -> Any:
    """The demo's ``_score``, then a copy of the expert workspace's ``-wal`` and ``-shm``
    while it is open (every fifth sheet, so the scan sees the log as scoring goes)."""
    done = score(desk, *args)
    count = held["scoring_count"] = held.get("scoring_count", 0) + 1
    if count % 5 == 1:
        path = Path(desk.repo.path) if hasattr(desk.repo, "path") else None
        for live in _open_logs(path):
            held["scoring"][f"{live}@sheet{count}"] = live.read_bytes()
    return done


def _open_logs(path: Path | None) -> list[Path]:
    if path is None:
        return []
    return [p for p in (Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]


def _publish_via_chair_machine(
    root: Path,
    held: dict[str, Any],
    ws: Any,
    secretary: Identity,
    chair: Identity,
    exporters: Any,
    out: Path,
    clock: Callable[[], dt.datetime],
) -> str:
    """Replaces the demo's console publication (``app.demo.complete._outputs``): the chair
    signs on their own machine through a report-to-sign file, the bundle is encrypted to the
    ministry, a round 2 is opened and its notice exported; all of it onto the stick."""
    from app.secretary import publish, rounds
    from app.secretary.notices import export_round_notice
    from app.secretary.publish_log import FolderPublicationLog

    stick = root / "stick"
    setup = ws.setup()
    roots = setup.trust_roots()
    ministry = ministry_identity(out / "ca", clock())
    records = FolderPublicationLog(ws.path.parent / "publish")
    prepared = publish.prepare_report(
        ws,
        secretary,
        exporters,
        clock(),
        bundle_version=publish.next_bundle_version(records),
        language=REPORT_LANGUAGE,
        document_id=f"PROOF-{setup.header.meeting_id}",
    )
    to_sign = publish.write_report_to_sign(
        ws, prepared, secretary, stick / "report.oireport", clock()
    )
    signed_file = stick / "report-chair-signed.oireport"
    publish.sign_report_to_sign(to_sign, chair, roots, exporters, clock(), out=signed_file)
    report = publish.import_signed_report(ws, records, signed_file, secretary, exporters, clock())
    prepared, chair_pdf = publish.prepared_from_signed_report(ws, report, exporters, clock())
    published = publish.secretary_signs_and_writes(
        ws,
        records,
        prepared,
        chair_pdf,
        secretary,
        stick,
        exporters,
        clock(),
        ministry=ministry.certificate,
    )
    flagged = rounds.flagged_applications(rounds.consolidate_round(ws, 1)) or ("a01",)
    rounds.open_round(ws, list(flagged), actor="proof-secretary", now=clock(), reason="")
    notice = export_round_notice(ws, secretary, stick, now=clock())
    held.update(
        roots=roots,
        ministry=ministry,
        meeting=ws.meeting(setup.header.meeting_id),
        rubric=setup.rubric,
        kit_hash=setup.kit.kit_hash,
        round_notice=notice.path,
        bundle=published.bundle,
        report_to_sign=to_sign,
        report_pdf=published.report,
        workbook=published.workbook,
        snapshot=snapshot(root),
    )
    assert os.path.exists(str(ws.path) + "-wal"), "the snapshot must see the open workspace"
    return published.results_hash
