"""``review-desk secretary``: run a meeting from the command line.

    secretary init --dir DIR --meeting MEETING.json --identity SECRETARY.p12 --trust ROOTS.pem
    secretary add-expert --dir DIR --cert EXPERT.pem --role overall|domain [--chair]
    secretary roster --dir DIR
    secretary meeting-key --dir DIR          (prints the passphrase once)
    secretary import-packages --dir DIR --identity SECRETARY.p12 FILE...
                              [--meeting-passphrase-file FILE]  (each must open with the key)
    secretary agenda --dir DIR --order a01,a02,... [--report MIN] [--qa MIN]
    secretary issue-kit --dir DIR --identity SECRETARY.p12 --out KIT.oikit
    secretary import-sheets --dir DIR --identity SECRETARY.p12 FILE...
    secretary board --dir DIR [--round N]
    secretary consolidate --dir DIR [--round N]
    secretary open-round --dir DIR --applications a01,a02 [--reason TEXT]
    secretary round-notice --dir DIR --identity SECRETARY.p12 --out FOLDER [--round N]
    secretary overlap --dir DIR [--platforms FILE]
    secretary ministry-recipient --dir DIR --cert MINISTRY.pem   (the bundle is encrypted to it)
    secretary outputs --dir DIR              (the publish gates and what was published)
    secretary publish --dir DIR --identity SECRETARY.p12 --chair-identity CHAIR.p12 --out FOLDER
                      [--lang zh_CN|en] [--ministry-recipient MINISTRY.pem] [--unencrypted]
                      [--absent EXPERT:APPLICATION]... [--passphrase-file F]
                      [--chair-passphrase-file F]
    secretary prepare-report --dir DIR --identity SECRETARY.p12 --out FILE.oireport [--lang ..]
    secretary import-signed-report --dir DIR --identity SECRETARY.p12 FILE.oireport
    secretary bundle --dir DIR --identity SECRETARY.p12 --out FOLDER [--ministry-recipient ..]

Passphrases come from ``--passphrase-file`` or a no-echo prompt (app/cli/passphrases.py) and
are never printed; only the *meeting* passphrase is printed, once, when it is created.
"""

from __future__ import annotations

import argparse
import datetime as dt
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli.passphrases import read_passphrase
from app.i18n import LocalizedText, Msg, _

if TYPE_CHECKING:
    from app.secretary.ports import SecretaryStore

ACTOR = "secretary"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("secretary", help=_("run a meeting as its secretary"))
    sub = parser.add_subparsers(dest="secretary_command", metavar="ACTION", required=True)

    def command(name: str, text: str, handler: Any, *, identity: bool = False) -> Any:
        p = sub.add_parser(name, help=text)
        p.add_argument("--dir", required=True, help=_("the meeting's secretary folder"))
        if identity:
            p.add_argument("--identity", required=True, help=_("your identity file (.p12)"))
            p.add_argument("--passphrase-file", help=_("file holding the identity's passphrase"))
        p.set_defaults(handler=handler)
        return p

    init = command("init", _("create the secretary folder of a meeting"), _init, identity=True)
    init.add_argument("--meeting", required=True, help=_("the meeting definition (.json)"))
    init.add_argument("--trust", required=True, help=_("the trusted root certificates (.pem)"))
    init.add_argument("--rubric", help=_("a rubric file (default: the shipped rubric)"))
    init.add_argument(
        "--anonymise", action="store_true", help=_("name experts by number in the report")
    )

    add = command("add-expert", _("put an expert on the roster from their certificate"), _add)
    add.add_argument("--cert", required=True, help=_("the expert's certificate (.pem)"))
    add.add_argument("--role", required=True, choices=("overall", "domain"))
    add.add_argument("--chair", action="store_true", help=_("this expert chairs the panel"))
    add.add_argument("--id", help=_("roster id (default: e01, e02, ...)"))
    add.add_argument("--name-en", help=_("the name in English"))
    add.add_argument("--name-zh", help=_("the name in Chinese"))

    command("roster", _("show the roster with fingerprints"), _roster)
    command("meeting-key", _("create the meeting key and show its passphrase once"), _key)

    packages = command(
        "import-packages", _("verify and import application packages"), _packages, identity=True
    )
    packages.add_argument(
        "--meeting-passphrase-file",
        help=_("file holding the meeting passphrase (each package must open with the meeting key)"),
    )
    packages.add_argument("files", nargs="+", help=_("package files (.oipkg)"))

    agenda = command("agenda", _("set the hearing order"), _agenda)
    agenda.add_argument("--order", required=True, help=_("application ids, comma-separated"))
    agenda.add_argument("--report", type=int, help=_("minutes for each report"))
    agenda.add_argument("--qa", type=int, help=_("minutes for each question time"))

    kit = command("issue-kit", _("sign and write the meeting kit"), _kit, identity=True)
    kit.add_argument("--out", required=True, help=_("the kit file to write (.oikit)"))

    sheets = command(
        "import-sheets", _("verify and collect experts' sheet files"), _sheets, identity=True
    )
    sheets.add_argument("files", nargs="+", help=_("sheet files (.oisheet)"))

    board = command("board", _("show who has handed in what"), _board)
    board.add_argument("--round", type=int, help=_("the round (default: the current one)"))

    cons = command("consolidate", _("consolidate a round and show the figures"), _consolidate)
    cons.add_argument("--round", type=int, help=_("the round (default: the current one)"))

    rnd = command("open-round", _("open a new scoring round"), _open_round)
    rnd.add_argument("--applications", required=True, help=_("application ids, comma-separated"))
    rnd.add_argument("--reason", default="", help=_("why the round is opened"))

    notice = command(
        "round-notice",
        _("write the signed notice of a round for the experts' workspaces"),
        _round_notice,
        identity=True,
    )
    notice.add_argument("--out", required=True, help=_("the folder to write the notice into"))
    notice.add_argument("--round", type=int, help=_("the round (default: the current one)"))

    overlap = command("overlap", _("check applications for overlapping sub-domains"), _overlap)
    overlap.add_argument("--platforms", help=_("the approved-platform list (.json)"))

    from app.cli.publish import register_secretary_commands

    register_secretary_commands(command)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _identity(args: argparse.Namespace) -> Any:
    from app.crypto.identity import load_identity, read_identity_file

    p12 = read_identity_file(args.identity)
    passphrase = read_passphrase(args.passphrase_file, prompt=_("Passphrase of your identity: "))
    return load_identity(p12, passphrase)


def _open(args: argparse.Namespace) -> closing[SecretaryStore]:
    from app.secretary.setup import open_workspace
    from storage.stores import SqliteStores

    return closing(open_workspace(SqliteStores(), Path(args.dir)))


def _ids(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _init(args: argparse.Namespace) -> int:
    from app.crypto.pki import load_trust_roots
    from app.formats.meeting_file import check_rubric, load_meeting_file
    from app.formats.rubric_file import load_default_rubric, load_rubric_file
    from app.secretary.model import MeetingHeader
    from app.secretary.setup import create_workspace
    from storage.stores import SqliteStores

    meeting = load_meeting_file(Path(args.meeting))
    rubric = load_rubric_file(Path(args.rubric)) if args.rubric else load_default_rubric()
    check_rubric(meeting, rubric)
    header = MeetingHeader(meeting.id, meeting.title, meeting.date, meeting.venue, meeting.is_demo)
    ws = create_workspace(
        SqliteStores(),
        Path(args.dir),
        header,
        rubric,
        _identity(args),
        load_trust_roots(args.trust),
        actor=ACTOR,
        now=_now(),
        anonymise_experts=args.anonymise,
    )
    ws.close()
    print(
        _("Created the secretary folder {path} for {meeting}.", path=args.dir, meeting=meeting.id)
    )
    return 0


def _add(args: argparse.Namespace) -> int:
    from app.crypto.pki import read_certificate_file
    from app.domain.meeting import ExpertRole
    from app.secretary.setup import add_expert

    name = None
    if args.name_en or args.name_zh:
        name = LocalizedText(args.name_en or args.name_zh, args.name_zh or args.name_en)
    with _open(args) as ws:
        entry = add_expert(
            ws,
            read_certificate_file(args.cert),
            ExpertRole(args.role),
            chair=args.chair,
            expert_id=args.id,
            name=name,
            actor=ACTOR,
            now=_now(),
        )
    print(
        _(
            "Added {id} {name}, fingerprint {fingerprint}.",
            id=entry.expert.id,
            name=entry.expert.name,
            fingerprint=entry.fingerprint,
        )
    )
    return 0


def _roster(args: argparse.Namespace) -> int:
    with _open(args) as ws:
        for r in ws.roster():
            e = r.expert
            chair = _("chair") if e.is_chair else ""
            print(f"{e.id}\t{e.name}\t{_(e.role.label)}\t{r.fingerprint}\t{chair}")
    return 0


def _key(args: argparse.Namespace) -> int:
    from app.secretary.keys import create_meeting_key

    with _open(args) as ws:
        made = create_meeting_key(ws, actor=ACTOR, now=_now())
    print(
        _(
            "Meeting passphrase (shown once; read it out at the meeting): {passphrase}",
            passphrase=made.passphrase,
        )
    )
    print(_("Meeting key recipient for the issuing office: {recipient}", recipient=made.recipient))
    return 0


def _packages(args: argparse.Namespace) -> int:
    from app.secretary.keys import open_meeting_key
    from app.secretary.packages import PackageOutcome, import_packages

    identity = _identity(args)
    with _open(args) as ws:
        meeting_key = open_meeting_key(ws, _meeting_passphrase(args.meeting_passphrase_file))
        results = import_packages(
            ws,
            identity,
            [Path(f) for f in args.files],
            meeting_key=meeting_key,
            actor=ACTOR,
            now=_now(),
        )
    for r in results:
        print(str(r.message))
    return 0 if all(r.outcome is not PackageOutcome.REFUSED for r in results) else 1


def _meeting_passphrase(file: str | None) -> str:
    """The meeting passphrase from ``file`` or typed (never echoed, never printed)."""
    import sys

    from app.cli.passphrases import PassphraseInputError

    if file is None and (sys.stdin is None or not sys.stdin.isatty()):
        raise PassphraseInputError(
            Msg.of("The meeting passphrase is needed, but there is no terminal to ask for it."),
            Msg.of("Pass it in a file with --meeting-passphrase-file."),
        )
    secret = read_passphrase(file, prompt=_("Meeting passphrase: "))
    return secret.decode("utf-8", "replace")


def _agenda(args: argparse.Namespace) -> int:
    from app.secretary.setup import set_hearing_order

    with _open(args) as ws:
        items = set_hearing_order(
            ws,
            _ids(args.order),
            report_minutes=args.report,
            qa_minutes=args.qa,
            actor=ACTOR,
            now=_now(),
        )
    for i in items:
        print(f"{i.position}\t{i.application_id}\t{i.report_minutes}+{i.qa_minutes}")
    return 0


def _kit(args: argparse.Namespace) -> int:
    from app.secretary.kit import issue_kit

    identity = _identity(args)
    with _open(args) as ws:
        kit = issue_kit(ws, identity, Path(args.out), actor=ACTOR, now=_now())
    print(_("Wrote the meeting kit {path}; kit hash {hash}.", path=args.out, hash=kit.kit_hash))
    return 0


def _sheets(args: argparse.Namespace) -> int:
    from app.secretary.collect import import_sheet_files

    identity = _identity(args)
    with _open(args) as ws:
        results = import_sheet_files(
            ws, identity, [Path(f) for f in args.files], actor=ACTOR, now=_now()
        )
    for r in results:
        print(str(r.message))
    return 0 if all(r.refusal is None for r in results) else 1


def _board(args: argparse.Namespace) -> int:
    from app.secretary.board import CellState, progress_board

    marks = {
        CellState.SUBMITTED: "v",
        CellState.RECUSED: "R",
        CellState.DRAFT_REPORTED: "d",
        CellState.MISSING: ".",
    }
    with _open(args) as ws:
        board = progress_board(ws, args.round)
    print(_("Round {round}", round=board.round))
    print("\t" + "\t".join(a.id for a in board.applications))
    for expert, row in zip(board.experts, board.rows, strict=True):
        cells = [marks[c.state] + (str(c.version) if c.version else "") for c in row]
        print(expert.id + "\t" + "\t".join(cells))
    counts = board.counts()
    print(
        _(
            "{submitted} submitted, {recused} recused, {missing} missing.",
            submitted=counts[CellState.SUBMITTED],
            recused=counts[CellState.RECUSED],
            missing=counts[CellState.MISSING],
        )
    )
    return 0


def _consolidate(args: argparse.Namespace) -> int:
    """The rule, then per application its summary line, inputs and figures, then the
    ranking (docs/user-guide.md: "every figure with its inputs and rule")."""
    from app.consolidation import listing
    from app.secretary.rounds import consolidate_round
    from app.secretary.setup import current_meeting

    with _open(args) as ws:
        result = consolidate_round(ws, args.round)
        rubric = ws.setup().rubric
        meeting = current_meeting(ws)
    experts = {e.id: e for e in meeting.experts}
    names = {a.id: a.platform_name for a in meeting.applications}
    print(_("Round {round}. Consolidation rule:", round=result.round))
    for sentence in listing.rule_text(result.rule, rubric):
        print("  " + str(sentence))
    for a in result.applications:
        total = "—" if a.total is None else str(a.total.presented)
        flags = ", ".join(f.subject for f in a.flags)
        rank = "—" if a.rank is None else str(a.rank)
        print()
        print(f"{rank}\t{a.application_id}\t{total}\t{_(a.status.label)}\t{flags}")
        for line in listing.application_lines(a, rubric, experts, result.rule.decimals):
            print("  " + str(line))
    print()
    print(_("Ranking:"))
    for line in listing.ranking_lines(result, rubric, names):
        print("  " + str(line))
    return 0


def _open_round(args: argparse.Namespace) -> int:
    from app.secretary.rounds import open_round

    with _open(args) as ws:
        info = open_round(ws, _ids(args.applications), reason=args.reason, actor=ACTOR, now=_now())
    print(
        _(
            "Opened round {round} for {applications}.",
            round=info.number,
            applications=", ".join(info.applications or ()),
        )
    )
    return 0


def _round_notice(args: argparse.Namespace) -> int:
    from app.secretary.notices import export_round_notice

    identity = _identity(args)
    with _open(args) as ws:
        written = export_round_notice(ws, identity, Path(args.out), now=_now(), round=args.round)
    print(
        _(
            "Wrote the notice of round {round} for {applications}: {path}",
            round=written.notice.round,
            applications=", ".join(written.notice.application_ids),
            path=str(written.path),
        )
    )
    return 0


def _overlap(args: argparse.Namespace) -> int:
    from app.secretary.overlap import load_approved_platforms, meeting_overlaps

    platforms = load_approved_platforms(Path(args.platforms) if args.platforms else None)
    with _open(args) as ws:
        findings = meeting_overlaps(ws, platforms)
    for f in findings:
        print(str(f.message))
    if not findings:
        print(_("No overlapping sub-domains."))
    return 0
