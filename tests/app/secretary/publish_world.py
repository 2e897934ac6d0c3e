"""A real meeting up to the chair-approved panel opinions, run WITHOUT the demo builder, for
the publish tests: its own identities issued with ``app.crypto.pki`` from the test CA, a
``meeting.json`` with 3 applications and 4 experts (e01 chairs), packages from the package
builder, the secretary's CLI from ``init`` to ``import-sheets``, experts scoring through
the expert use cases, the chair approving the panel opinions with their own identity.

Built once per session (:func:`publish_world`); tests copy :attr:`World.ready` (or
:attr:`World.missing_e04`, where e04's sheet file has not been collected) before changing
anything.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.cli import main
from app.crypto import pki
from app.crypto.age_keys import parse_recipient
from app.crypto.identity import Identity, load_identity
from app.crypto.profile import Role
from app.domain.sheet import Recommendation
from app.formats.rubric_file import load_default_rubric
from app.package import build_package, recipient_for_certificate
from app.secretary import opinions
from app.secretary.ports import SecretaryStore
from app.secretary.setup import open_unlocked
from app.sheets import SheetContext, sign_sheet, write_sheet_file
from storage.stores import SqliteStores
from tests.app.crypto.pki_fixtures import CA_PASSPHRASE, PkiFixture
from tests.app.secretary.helpers import application, expert_workspace, score

EXPERTS = ("e01", "e02", "e03", "e04")
APPLICATIONS = ("a01", "a02", "a03")
POINTS = {
    "e01": (["20", "22", "18", "21"], ["15", "16", "14", "15"], ["24", "23", "22", "24"]),
    "e02": (["19", "21", "18", "20"], ["16", "15", "15", "14"], ["23", "24", "22", "23"]),
    "e03": (["21", "20", "19", "22"], ["14", "17", "15", "16"], ["22", "23", "24", "22"]),
    "e04": (["20", "20", "20", "20"], ["15", "15", "16", "15"], ["24", "24", "23", "23"]),
}
NAMES = {"e01": "周明远", "e02": "林婉清", "e03": "郑国栋", "e04": "许安然"}


@dataclass(frozen=True)
class World:
    base: Path
    ready: Path
    """The secretary folder: every sheet collected, every opinion approved by the chair."""
    missing_e04: Path
    """The secretary folder before e04's sheet file was collected."""
    trust: Path
    secretary_p12: Path
    chair_p12: Path
    expert_p12: dict[str, Path]
    ministry_p12: Path
    ministry_pem: Path
    foreign_p12: Path
    """An expert identity issued by another CA, with the chair's name."""
    passphrase: Path
    wrong_passphrase: Path

    def identity(self, p12: Path) -> Identity:
        return load_identity(p12.read_bytes(), self.passphrase.read_bytes())

    def open(self, folder: Path) -> SecretaryStore:
        """The secretary workspace in ``folder``, unlocked with the secretary's identity."""
        return open_unlocked(
            SqliteStores(),
            folder,
            self.identity(self.secretary_p12),
            actor="secretary",
            now=dt.datetime.now(dt.UTC),
        )

    def copy(self, source: Path, into: Path) -> Path:
        target = into / "meeting"
        shutil.copytree(source, target)
        return target


PASS = b"publish test passphrase"


def cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(["--lang", "en", *argv])
    return code, out.getvalue()


def _ok(*argv: str) -> str:
    code, out = cli(*argv)
    assert code == 0, out
    return out


def meeting_document() -> dict[str, object]:
    """3 applications and 4 experts (e01 chairs), not a demo."""
    demo = json.loads(Path("resources/demo/meeting.json").read_text(encoding="utf-8"))
    experts = demo["experts"][:4]
    for expert in experts:
        expert["name"]["zh_CN"] = NAMES[expert["id"]]
    return {
        **demo,
        "id": "pub-2026-05",
        "title": {"en": "Publish test meeting", "zh_CN": "发布测试评审会"},
        "is_demo": False,
        "experts": experts,
        "applications": [a for a in demo["applications"] if a["id"] in APPLICATIONS],
        "agenda": [a for a in demo["agenda"] if a["application_id"] in APPLICATIONS],
    }


_CACHE: dict[int, World] = {}


def publish_world(factory: pytest.TempPathFactory, pkiset: PkiFixture) -> World:
    cached = _CACHE.get(id(factory))
    if cached is None:
        cached = _CACHE[id(factory)] = _build(factory.mktemp("publish-world"), pkiset)
    return cached


def _build(base: Path, pkiset: PkiFixture) -> World:
    now = dt.datetime.now(dt.UTC)
    passphrase = base / "pass"
    passphrase.write_bytes(PASS)
    wrong = base / "wrong-pass"
    wrong.write_bytes(b"not the passphrase")

    def issue(role: Role, name: str, file: str, ca_dir: Path = pkiset.ca_dir) -> Path:
        out = base / file
        pki.issue(ca_dir, CA_PASSPHRASE, role, name, "评审单位", out, PASS, now)
        return out

    secretary_p12 = issue(Role.SECRETARY, "会议秘书", "secretary.p12")
    expert_p12 = {e: issue(Role.EXPERT, NAMES[e], f"{e}.p12") for e in EXPERTS}
    ministry_p12 = issue(Role.MINISTRY, "科技部", "ministry.p12")
    foreign_p12 = issue(Role.EXPERT, NAMES["e01"], "foreign.p12", pkiset.other_ca_dir)
    secretary = load_identity(secretary_p12.read_bytes(), PASS)
    experts = {e: load_identity(p.read_bytes(), PASS) for e, p in expert_p12.items()}
    ministry = load_identity(ministry_p12.read_bytes(), PASS)
    ministry_pem = base / "ministry.pem"
    from cryptography.hazmat.primitives.serialization import Encoding

    ministry_pem.write_bytes(ministry.certificate.public_bytes(Encoding.PEM))
    trust = pkiset.root_pem

    meeting_json = base / "meeting.json"
    meeting_json.write_text(json.dumps(meeting_document(), ensure_ascii=False), encoding="utf-8")
    d = str(base / "secretary")
    ident = ["--identity", str(secretary_p12), "--passphrase-file", str(passphrase)]
    _ok(
        "secretary",
        "init",
        "--dir",
        d,
        "--meeting",
        str(meeting_json),
        "--trust",
        str(trust),
        *ident,
    )
    roles = {"e01": "overall", "e02": "overall", "e03": "domain", "e04": "domain"}
    for e in EXPERTS:
        cert = base / f"{e}.pem"
        cert.write_bytes(experts[e].certificate.public_bytes(Encoding.PEM))
        chair = ["--chair"] if e == "e01" else []
        _ok(
            "secretary",
            "add-expert",
            "--dir",
            d,
            "--cert",
            str(cert),
            "--role",
            roles[e],
            "--id",
            e,
            *chair,
        )
    lines = _ok("secretary", "meeting-key", "--dir", d).strip().splitlines()
    (base / "meeting-pass").write_text(lines[0].split()[-1] + "\n")
    key = parse_recipient(lines[-1].split()[-1])
    recipients = [recipient_for_certificate(i.certificate) for i in experts.values()]
    recipients += [recipient_for_certificate(secretary.certificate), key]
    packages = []
    for app_id in APPLICATIONS:
        out = base / f"{app_id}.oipkg"
        build_package(
            application(app_id, [f"tag {app_id}"]),
            [],
            pkiset.people[Role.ISSUER],
            recipients,
            out,
            now,
        )  # type: ignore[arg-type]
        packages.append(str(out))
    _ok(
        "secretary",
        "import-packages",
        "--dir",
        d,
        *ident,
        "--meeting-passphrase-file",
        str(base / "meeting-pass"),
        *packages,
    )
    _ok("secretary", "agenda", "--dir", d, "--order", ",".join(APPLICATIONS))
    _ok("secretary", "issue-kit", "--dir", d, *ident, "--out", str(base / "meeting.oikit"))
    with open_unlocked(SqliteStores(), Path(d), secretary, actor="secretary", now=now) as ws:
        setup = ws.setup()
        assert setup.kit is not None
        meeting = ws.meeting(setup.header.meeting_id)
        kit_hash = setup.kit.kit_hash
    rubric = load_default_rubric()
    repo = expert_workspace(base / "expert.sqlite", meeting, rubric)
    files = {}
    for e in EXPERTS:
        made = [
            score(repo, meeting, rubric, e, a, POINTS[e][i], at=now)
            for i, a in enumerate(APPLICATIONS)
        ]
        ctx = SheetContext(
            meeting_id=meeting.id,
            kit_hash=kit_hash,
            rubric=rubric,
            expert=meeting.expert(e),
            secretary_fingerprint=secretary.fingerprint,
        )
        signed = [sign_sheet(s, ctx, experts[e], now) for s in made]
        out = base / f"{e}.oisheet"
        write_sheet_file(
            out,
            signed,
            [],
            ctx,
            experts[e],
            secretary.certificate,
            now,
            round=1,
            trust_roots=[pkiset.ca.certificate],
        )
        files[e] = str(out)
    repo.close()
    _ok("secretary", "import-sheets", "--dir", d, *ident, *(files[e] for e in EXPERTS[:3]))
    missing = base / "missing-e04"
    shutil.copytree(d, missing)
    _ok("secretary", "import-sheets", "--dir", d, *ident, files["e04"])
    with open_unlocked(SqliteStores(), Path(d), secretary, actor="secretary", now=now) as ws:
        for a in APPLICATIONS:
            opinions.save_panel_opinion(
                ws, a, f"The panel recommends {a}.", Recommendation.RECOMMEND, actor="sec", now=now
            )
            opinions.approve_panel_opinion(ws, experts["e01"], a, actor="e01", now=now)
    return World(
        base=base,
        ready=Path(d),
        missing_e04=missing,
        trust=trust,
        secretary_p12=secretary_p12,
        chair_p12=expert_p12["e01"],
        expert_p12=expert_p12,
        ministry_p12=ministry_p12,
        ministry_pem=ministry_pem,
        foreign_p12=foreign_p12,
        passphrase=passphrase,
        wrong_passphrase=wrong,
    )
