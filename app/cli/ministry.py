"""``review-desk ministry``: the ministry's desk, as a window or on the command line.

* ``ministry [--db DB]`` with no action opens the desk window (import bundles from many
  meetings with their stage checklists, the register, each application's detail, flags,
  decisions and the announcement) on ``DB`` or the default database; ``--lang`` is the
  program's own option, accepted after the command too;
* ``ministry import FILE|FOLDER... --db DB --trust ROOTS.pem [--identity P12
  --passphrase-file F]``: each bundle (a folder: its ``.oibundle`` files) verified stage by
  stage, as ``results verify`` prints it, then imported, already imported, or refused with
  the reason; every refusal is kept in the refusal journal beside the database
  (``DB.refusals.jsonl``), never in the database. Exit 3 if any bundle was refused.
* ``ministry list --db DB [--refusals] [--sub-domain X] [--outcome Y] [--meeting M]``: the
  application register of every meeting (or the refusal journal);
* ``ministry show --db DB APPLICATION [--meeting M]``: one application's figures with the
  rule applied, its panel and the panel's (and the minority) opinion;
* ``ministry overlap --db DB``: every flag of the checks across meetings;
* ``ministry experts --db DB [FINGERPRINT]``: each expert as one person across meetings;
* ``ministry platforms list|add|remove --db DB ...``: the approved-platform list, each change
  with its reason in the audit log; ``ministry platforms import [FILE] --db DB --reason R``
  adds the entries of an approved-platform list file (default: the shipped one) not listed
  yet.

``results verify|import|export`` stay as they are.
"""

from __future__ import annotations

import argparse
import importlib
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli import results
from app.errors import ValidationError
from app.i18n import LocalizedText, Msg, _

if TYPE_CHECKING:
    from app.ministry.model import ApplicationRow, ApprovedPlatformEntry
    from storage.ministry.database import MinistryDatabase

EXIT_REFUSED = results.EXIT_REFUSED

EXTRA_REGISTRARS: tuple[str, ...] = ("app.cli.ministry_decisions",)
"""Modules adding further ``ministry`` actions, each through its ``register(sub)`` (``sub``:
the ``ministry`` subparsers). The decisions' commands (``decide|close|announce|export``,
``app.cli.ministry_decisions``) are hooked in here."""

OUTCOMES = ("recommended", "not_recommended", "not_consolidated")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "ministry",
        help=_("the ministry's desk: without an action the window; import, register, checks"),
    )
    parser.add_argument(
        "--db",
        dest="desk_db",
        metavar="DB",
        help=_(
            "without an action: the ministry database the window opens (created at the "
            "first import; default: ministry.sqlite in the program's data folder)"
        ),
    )
    parser.add_argument(
        "--lang",
        choices=("zh_CN", "en"),
        default=argparse.SUPPRESS,  # keeps a --lang given before the command
        help=_("language of the window and messages (default: follow the locale)"),
    )
    parser.set_defaults(handler=_open_desk)
    sub = parser.add_subparsers(dest="ministry_command", metavar="ACTION")

    imp = sub.add_parser(
        "import", help=_("verify result bundles (files or folders) and import them")
    )
    imp.add_argument("bundles", nargs="+", help=_("result bundles (.oibundle) or folders"))
    _db_option(imp, created=True)
    imp.add_argument("--trust", required=True, help=_("the trusted root certificates (.pem)"))
    imp.add_argument(
        "--identity", help=_("the ministry's identity (.p12), for an encrypted bundle")
    )
    imp.add_argument("--passphrase-file", help=_("file holding the identity's passphrase"))
    imp.set_defaults(handler=_import)

    listing = sub.add_parser("list", help=_("the application register of every meeting"))
    _db_option(listing)
    listing.add_argument(
        "--refusals", action="store_true", help=_("list the refused bundles instead")
    )
    listing.add_argument("--sub-domain", help=_("only applications whose sub-domain contains this"))
    listing.add_argument(
        "--outcome", choices=OUTCOMES, help=_("only applications with this outcome")
    )
    listing.add_argument("--meeting", help=_("only this meeting"))
    listing.set_defaults(handler=_list)

    show = sub.add_parser("show", help=_("one application: figures, panel, opinions"))
    _db_option(show)
    show.add_argument("application", help=_("the application id"))
    show.add_argument("--meeting", help=_("the meeting (needed when several have the id)"))
    show.set_defaults(handler=_show)

    overlap = sub.add_parser("overlap", help=_("overlaps and conflicts across every meeting"))
    _db_option(overlap)
    overlap.set_defaults(handler=_overlap)

    experts = sub.add_parser("experts", help=_("each expert as one person across meetings"))
    _db_option(experts)
    experts.add_argument("fingerprint", nargs="?", help=_("only this certificate fingerprint"))
    experts.set_defaults(handler=_experts)

    platforms = sub.add_parser("platforms", help=_("the approved-platform list"))
    psub = platforms.add_subparsers(dest="platforms_command", metavar="ACTION", required=True)
    plist = psub.add_parser("list", help=_("list the approved platforms"))
    _db_option(plist)
    plist.add_argument("--all", action="store_true", help=_("include removed entries"))
    plist.set_defaults(handler=_platforms_list)
    add = psub.add_parser("add", help=_("add an approved platform"))
    _db_option(add, created=True)
    for flag, text in (
        ("--name-en", _("the platform's name in English")),
        ("--name-zh", _("the platform's name in Chinese")),
        ("--unit-en", _("the entrusted unit in English")),
        ("--unit-zh", _("the entrusted unit in Chinese")),
        ("--sub-domain-en", _("the sub-domain in English")),
        ("--sub-domain-zh", _("the sub-domain in Chinese")),
    ):
        add.add_argument(flag, required=True, help=text)
    add.add_argument(
        "--tag",
        action="append",
        default=[],
        help=_("a normalised sub-domain tag (lower case); repeat for several"),
    )
    add.add_argument("--year", type=int, required=True, help=_("the year it was approved"))
    add.add_argument("--reference", required=True, help=_("the approval's reference"))
    _change_options(add)
    add.set_defaults(handler=_platforms_add)
    remove = psub.add_parser("remove", help=_("remove an approved platform"))
    _db_option(remove)
    remove.add_argument("id", type=int, help=_("the entry's number (see platforms list)"))
    _change_options(remove)
    remove.set_defaults(handler=_platforms_remove)
    imp_list = psub.add_parser(
        "import", help=_("add the entries of an approved-platform list file not listed yet")
    )
    imp_list.add_argument(
        "file",
        nargs="?",
        help=_("the approved-platform list (.json; default: the one shipped with the program)"),
    )
    _db_option(imp_list, created=True)
    _change_options(imp_list)
    imp_list.set_defaults(handler=_platforms_import)

    for name in EXTRA_REGISTRARS:
        importlib.import_module(name).register(sub)


def _open_desk(args: argparse.Namespace) -> int:
    """The window (``ui.launch``, loaded only now: the commands above need no Qt)."""
    launch = importlib.import_module("ui.launch")
    return int(
        launch.run_ministry_desk(language=getattr(args, "lang", None), database=args.desk_db)
    )


def _db_option(parser: argparse.ArgumentParser, *, created: bool = False) -> None:
    parser.add_argument(
        "--db",
        required=True,
        help=_("the ministry database (created if absent)")
        if created
        else _("the ministry database"),
    )


def _change_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reason", required=True, help=_("why, for the audit log"))
    parser.add_argument("--actor", help=_("who makes the change (default: the login name)"))


def _store(args: argparse.Namespace) -> MinistryDatabase:
    from storage.ministry.database import MinistryDatabase

    return MinistryDatabase(Path(args.db))


def _actor(args: argparse.Namespace) -> str:
    given = getattr(args, "actor", None)
    if given:
        return str(given)
    from app.ministry.platforms import login_name

    return login_name()


# --- import --------------------------------------------------------------------------------


def _import(args: argparse.Namespace) -> int:
    from app.crypto.cms import SignatureVerifier
    from app.crypto.pki import load_trust_file
    from app.ministry.intake import bundle_files, intake_bundle
    from storage.ministry.refusals import RefusalJournalFile

    _roots, identity = results.bundle_context(args)
    trust = load_trust_file(args.trust, datetime.now(UTC))
    files = bundle_files(Path(p) for p in args.bundles)
    if not files:
        raise ValidationError(
            Msg.of(
                "No result bundle (.oibundle) was found in {paths}.", paths=", ".join(args.bundles)
            ),
            Msg.of("Give the bundle files, or a folder holding them."),
        )
    store = _store(args)
    journal = RefusalJournalFile.beside(store.path)
    verifier = SignatureVerifier()
    checks = results.document_checks()
    actor = identity.common_name if identity is not None else _actor(args)
    refused = 0
    for path in files:
        print(_("== {file}", file=str(path)))
        intake = intake_bundle(
            store,
            journal,
            path,
            trust.roots,
            datetime.now(UTC),
            documents=checks,
            ministry_identity=identity,
            actor=actor,
            verifier=verifier,
            crls=trust.crls,
        )
        if intake.inspection is not None:
            results.print_stages(intake.inspection)
        print(intake.message)
        if intake.input_sha256:
            print(_("File SHA-256: {hash}", hash=intake.input_sha256))
        refused += intake.refused
    imported = len(files) - refused
    print(
        _(
            "{count} bundles: {imported} imported or already imported, {refused} refused.",
            count=len(files),
            imported=imported,
            refused=refused,
        )
    )
    if refused:
        print(_("Refusals are kept in {path}.", path=str(journal.path)))
        return EXIT_REFUSED
    return 0


# --- list ----------------------------------------------------------------------------------


def _list(args: argparse.Namespace) -> int:
    if args.refusals:
        return _refusals(args)
    from app.ministry.model import Outcome

    rows = _store(args).application_rows()
    wanted = args.sub_domain.casefold() if args.sub_domain else None
    shown = [
        r
        for r in rows
        if (args.meeting is None or r.meeting_id == args.meeting)
        and (args.outcome is None or r.outcome is Outcome(args.outcome))
        and (
            wanted is None
            or wanted in r.sub_domain.en.casefold()
            or wanted in r.sub_domain.zh_CN.casefold()
            or any(wanted in t for t in r.sub_domain_tags)
        )
    ]
    _table(
        (
            _("Meeting"),
            _("Application"),
            _("Applicant unit"),
            _("Platform"),
            _("Sub-domain"),
            _("Outcome"),
            _("Total"),
            _("Rank"),
            _("Vote"),
        ),
        [_register_cells(r) for r in shown],
    )
    print(_("{shown} of {count} applications.", shown=len(shown), count=len(rows)))
    return 0


def _register_cells(r: ApplicationRow) -> tuple[str, ...]:
    return (
        r.meeting_id,
        r.application_id,
        str(r.applicant_unit),
        str(r.platform_name),
        str(r.sub_domain),
        str(r.outcome.label),
        r.total_presented or "—",
        "—" if r.rank is None else str(r.rank),
        _(
            "{votes}/{eligible} (needs {needed})",
            votes=r.votes_for,
            eligible=r.eligible,
            needed=r.needed,
        ),
    )


def _refusals(args: argparse.Namespace) -> int:
    from storage.ministry.refusals import RefusalJournalFile

    journal = RefusalJournalFile.beside(Path(args.db))
    log = journal.read()
    for r in log.refusals:
        if args.meeting is not None and r.meeting_id != args.meeting:
            continue
        print(
            _(
                "{at}  {file}  meeting {meeting} v{version}  stage {stage}  by {actor}",
                at=r.at.isoformat(timespec="seconds"),
                file=r.file_name,
                meeting=r.meeting_id or "—",
                version="—" if r.bundle_version is None else r.bundle_version,
                stage=r.stage,
                actor=r.actor,
            )
        )
        print("    " + str(r.reason))
        print("    " + _("SHA-256 {hash}", hash=r.input_sha256 or "—"))
    print(_("{count} refusals in {path}.", count=len(log.refusals), path=str(journal.path)))
    if log.partial:
        print(_("Only the most recent refusals were read; older ones are in the file."))
    if not log.intact:
        print(
            _(
                "The refusal journal is damaged at line {line}: a line was removed, changed or "
                "cut short.",
                line=log.broken_line,
            )
        )
        return 1
    return 0


# --- show ----------------------------------------------------------------------------------

_METHODS: dict[str, Callable[[], str]] = {
    "mean": lambda: _("mean"),
    "trimmed_mean": lambda: _("trimmed mean (highest and lowest dropped)"),
    "median": lambda: _("median"),
}


def _show(args: argparse.Namespace) -> int:
    store = _store(args)
    matches = [
        r
        for r in store.application_rows()
        if r.application_id == args.application
        and (args.meeting is None or r.meeting_id == args.meeting)
    ]
    if not matches:
        raise ValidationError(
            Msg.of("No imported application {id} was found.", id=args.application),
            Msg.of("List the register to see the applications and their meetings."),
        )
    if len(matches) > 1:
        raise ValidationError(
            Msg.of(
                "Application {id} is in several meetings: {meetings}.",
                id=args.application,
                meetings=", ".join(r.meeting_id for r in matches),
            ),
            Msg.of("Say which one with --meeting."),
        )
    detail = store.application_detail(matches[0].meeting_id, matches[0].application_id)
    assert detail is not None
    row = detail.row
    print(
        _(
            "{application}  {platform}",
            application=f"{row.meeting_id}/{row.application_id}",
            platform=row.platform_name,
        )
    )
    print(_("Applicant unit: {unit}", unit=row.applicant_unit))
    print(_("Sub-domain: {sub_domain}", sub_domain=row.sub_domain))
    print(
        _(
            "Meeting {meeting} ({title}, {date}), round {round}, bundle version {version}",
            meeting=row.meeting_id,
            title=row.meeting_title,
            date=row.meeting_date,
            round=row.round,
            version=row.bundle_version,
        )
    )
    rule = json.loads(detail.rule_document)
    print(
        _(
            "Rule applied: {method}; vote threshold {threshold}; quorum {quorum}; {decimals} "
            "decimals.",
            method=_METHODS.get(str(rule.get("method")), lambda: str(rule.get("method")))(),
            threshold=rule.get("vote_threshold"),
            quorum=rule.get("quorum_min"),
            decimals=rule.get("decimals"),
        )
    )
    print(
        _(
            "Outcome: {outcome}; {counted} sheets counted; rank {rank}.",
            outcome=row.outcome.label,
            counted=detail.counted_sheets,
            rank="—" if row.rank is None else row.rank,
        )
    )
    _table(
        (_("Figure"), _("Value"), _("Exact"), _("Method"), _("Spread"), _("Limit"), _("Note")),
        [
            (
                f.subject,
                f.presented,
                f.exact,
                _METHODS.get(f.method_applied, lambda m=f.method_applied: m)(),
                f.spread,
                f.spread_limit or "—",
                "; ".join(
                    n
                    for n in (
                        _("fell back to the mean") if f.fell_back else "",
                        _("spread over the limit") if f.flagged else "",
                    )
                    if n
                ),
            )
            for f in detail.figures
        ],
    )
    vote = detail.vote
    print(
        _(
            "Vote: {votes} of {eligible} for (needs {needed}): {recommend} recommend, "
            "{conditions} with conditions, {against} do not recommend, {recused} recused, "
            "{absent} absent.",
            votes=vote.votes_for,
            eligible=vote.eligible,
            needed=vote.needed,
            recommend=vote.recommend,
            conditions=vote.recommend_with_conditions,
            against=vote.do_not_recommend,
            recused=vote.recused,
            absent=vote.absent,
        )
    )
    print(_("Panel:"))
    for m in detail.panel:
        notes = [
            n
            for n in (
                _("chair") if m.is_chair else "",
                _("recused") if m.recused else "",
                _("absent") if m.absent else "",
            )
            if n
        ]
        print(
            "  "
            + _(
                "{expert}  {name}  {organisation}  {role}{notes}  fingerprint {fingerprint}",
                expert=m.expert_id,
                name=m.name,
                organisation=m.organisation,
                role=m.role,
                notes=f" ({', '.join(notes)})" if notes else "",
                fingerprint=m.fingerprint or "—",
            )
        )
    opinion = detail.opinion
    if opinion is None:
        print(_("No panel opinion was recorded for this round."))
    else:
        state = (
            _(
                "approved by the chair {chair} at {at}",
                chair=opinion.approved_by,
                at=opinion.approved_at,
            )
            if opinion.approved_by
            else _("a draft, not approved by the chair")
        )
        print(_("Panel opinion ({state}):", state=state))
        print("  " + opinion.opinion)
        print(_("Minority opinion: {text}", text=opinion.minority_opinion or "—"))
    print(
        _("The signed report is kept in the database.")
        if detail.has_report
        else _("No checked signed report is kept for this meeting.")
    )
    return 0


# --- overlap and experts -------------------------------------------------------------------


def _overlap(args: argparse.Namespace) -> int:
    from app.ministry.checks import all_flags

    store = _store(args)
    flags = all_flags(
        store.application_rows(), store.expert_appearances(), store.approved_platforms()
    )
    for flag in flags:
        print("- " + str(flag.message))
    print(_("{count} flags.", count=len(flags)))
    return 0


def _experts(args: argparse.Namespace) -> int:
    appearances = _store(args).expert_appearances(args.fingerprint)
    people: dict[str, list[Any]] = {}
    for a in appearances:
        people.setdefault(a.fingerprint, []).append(a)
    for fingerprint, seen in people.items():
        print(
            _("{fingerprint}  in {count} meetings", fingerprint=fingerprint or "—", count=len(seen))
        )
        for a in seen:
            print(
                "  "
                + _(
                    "{meeting} ({date})  {expert}  {name}  {organisation}  {role}{chair}",
                    meeting=a.meeting_id,
                    date=a.meeting_date,
                    expert=a.expert_id,
                    name=a.name,
                    organisation=a.organisation,
                    role=a.role,
                    chair=" " + _("(chair)") if a.is_chair else "",
                )
            )
    print(_("{count} people.", count=len(people)))
    return 0


# --- platforms -----------------------------------------------------------------------------


def _platforms_list(args: argparse.Namespace) -> int:
    entries = _store(args).approved_platforms(include_removed=args.all)
    for e in entries:
        _print_platform(e)
    print(_("{count} approved platforms.", count=len(entries)))
    return 0


def _print_platform(e: ApprovedPlatformEntry) -> None:
    from app.ministry.platforms import or_dash

    p = e.platform
    print(
        _(
            "{id}. {name} — {unit}; {sub_domain} [{tags}]; approved {year} ({reference}); {source}",
            id=e.id,
            name=p.platform_name,
            unit=or_dash(p.entrusted_unit),
            sub_domain=or_dash(p.sub_domain),
            tags=", ".join(p.sub_domain_tags),
            year=p.approved_year,
            reference=p.reference,
            source=p.source.value,
        )
    )
    print(
        "   "
        + _(
            "added {at} by {actor}: {reason}",
            at=e.added_at,
            actor=e.added_by,
            reason=e.added_reason,
        )
    )
    if e.removed_at is not None:
        print(
            "   "
            + _(
                "removed {at} by {actor}: {reason}",
                at=e.removed_at,
                actor=e.removed_by,
                reason=e.removed_reason,
            )
        )


def _platforms_add(args: argparse.Namespace) -> int:
    from app.ministry.platforms import add_platform, platform_draft

    draft = platform_draft(
        LocalizedText(args.name_en, args.name_zh),
        LocalizedText(args.unit_en, args.unit_zh),
        LocalizedText(args.sub_domain_en, args.sub_domain_zh),
        tuple(args.tag),
        args.year,
        args.reference,
    )
    entry = add_platform(_store(args), draft, args.reason, _actor(args), datetime.now(UTC))
    _print_platform(entry)
    print(_("Added approved platform {id}.", id=entry.id))
    return 0


def _platforms_remove(args: argparse.Namespace) -> int:
    from app.ministry.platforms import remove_platform

    entry = remove_platform(_store(args), args.id, args.reason, _actor(args), datetime.now(UTC))
    _print_platform(entry)
    print(_("Removed approved platform {id}.", id=entry.id))
    return 0


def _platforms_import(args: argparse.Namespace) -> int:
    from app.ministry.platforms import SHIPPED_LIST, import_platform_list

    source = Path(args.file) if args.file else SHIPPED_LIST
    print(_("Approved-platform list: {path}", path=str(source)))
    result = import_platform_list(
        _store(args), source, args.reason, _actor(args), datetime.now(UTC)
    )
    for entry in result.added:
        _print_platform(entry)
    print(result.message)
    return 0


# --- output --------------------------------------------------------------------------------


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Columns separated by two spaces, each as wide as its widest cell (by characters)."""
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(header)]
    for cells in (header, *rows):
        print("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
