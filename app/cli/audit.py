"""``review-desk audit verify --db FILE``: check a workspace's hash-chained audit log.

Works on an expert's workspace, on a meeting secretary's (which holds the meeting tables
*and* the secretary's own: setup, roster, packages, agenda, rounds, collected signed
documents, approvals) and on the ministry database (imported meetings, approved platforms).
One line per part, each ``OK`` or ``BROKEN`` with the entry and what
is wrong with it::

    Audit log (hash chain): OK — 23 entries
    Meeting data (meeting, rubric, kit, sheets, notes, opinions): OK — 11 records match the log
    Secretary's records (setup, roster, packages, agenda, rounds, collected documents):
        BROKEN — entry 7 of 23: the roster was changed without an audit entry (secretary-roster)

then ``OK: <count> entries, head <hash>`` or ``BROKEN: <n> of <parts> parts failed.``

Exit status: 0 when every part verifies; 1 when any does not; 2 (through the main CLI) when
the file is missing, not a workspace, damaged or written by a newer version. The file is
opened read-only and never changed.

``--checkpoint COUNT:HASH`` compares with a head recorded elsewhere (e.g. in a signed export):
only that exposes removed trailing entries or a chain rebuilt from scratch.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.errors import ValidationError
from app.i18n import Msg, _

if TYPE_CHECKING:  # storage is imported only when the command runs
    from storage.audit.chain import AuditReport
    from storage.audit_verify import Part, PartReport


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("audit", help=_("check a workspace's audit log"))
    sub = parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = sub.add_parser(
        "verify",
        help=_(
            "verify the audit log of an expert's or a secretary's workspace and that the "
            "stored data matches it (read-only)"
        ),
    )
    verify.add_argument("--db", required=True, help=_("the workspace file to check"))
    verify.add_argument(
        "--checkpoint",
        metavar="COUNT:HASH",
        help=_("an entry count and head hash recorded earlier, to detect removed entries"),
    )
    verify.set_defaults(handler=_verify)


def _verify(args: argparse.Namespace) -> int:
    from storage.audit.chain import Checkpoint
    from storage.audit_verify import WorkspaceKind, verify_workspace_file

    checkpoint: Checkpoint | None = None
    if args.checkpoint:
        count, _sep, head = str(args.checkpoint).partition(":")
        if not count.isdigit() or len(head) != 64:
            raise ValidationError(
                Msg.of("The checkpoint {value} is not COUNT:HASH.", value=args.checkpoint),
                Msg.of("Give the entry count and the 64-character head hash, e.g. 12:ab12…"),
            )
        checkpoint = Checkpoint(int(count), head.lower())

    result = verify_workspace_file(Path(args.db), checkpoint)
    kind = {
        WorkspaceKind.SECRETARY: _("a meeting secretary's workspace"),
        WorkspaceKind.EXPERT: _("an expert's workspace"),
        WorkspaceKind.MINISTRY: _("the ministry database"),
    }[result.kind]
    print(_("{file}: {kind}", file=args.db, kind=kind))
    for part in result.parts:
        print(_part_line(part))
    if result.ok:
        print(_("OK: {count} entries, head {head}", count=result.count, head=result.head_hash))
        return 0
    failed = sum(1 for p in result.parts if not p.ok)
    print(_("BROKEN: {failed} of {total} parts failed.", failed=failed, total=len(result.parts)))
    return 1


def _part_name(part: Part) -> str:
    from storage.audit_verify import Part

    return {
        Part.CHAIN: _("Audit log (hash chain)"),
        Part.MEETING: _("Meeting data (meeting, rubric, kit, sheets, notes, opinions)"),
        Part.SECRETARY: _(
            "Secretary's records (setup, roster, packages, agenda, rounds, collected documents)"
        ),
        Part.MINISTRY: _("Ministry records (imported meetings, approved platforms)"),
    }[part]


def _part_line(part: PartReport) -> str:
    from storage.audit_verify import Part

    name = _part_name(part.part)
    report = part.report
    if part.ok:
        if part.part is Part.CHAIN:
            detail = _("{count} entries", count=report.count)
        else:
            detail = _("{count} records match the log", count=part.subjects)
        line = _("{part}: OK — {detail}", part=name, detail=detail)
    else:
        line = _(
            "{part}: BROKEN — entry {seq} of {count}: {reason}",
            part=name,
            seq=report.first_bad_seq,
            count=report.count,
            reason=_reason(report),
        )
    if part.unchecked:
        line += "\n    " + _(
            "not compared (a kind of record this version does not know): {kinds}",
            kinds=", ".join(part.unchecked),
        )
    return line


def _reason(report: AuditReport) -> str:
    from storage.audit.chain import AuditProblem

    if report.reason is AuditProblem.STATE_CHANGED:
        subject = report.subject or ""
        return _(
            "{what} was changed without an audit entry ({subject})",
            what=describe_subject(subject),
            subject=subject,
        )
    what = {
        AuditProblem.EDITED: _("it was edited after it was written"),
        AuditProblem.DELETED: _("an entry was deleted here"),
        AuditProblem.REORDERED: _("entries were reordered"),
        AuditProblem.CHECKPOINT_MISMATCH: _(
            "the log does not contain the checkpoint's head: entries were removed or rebuilt"
        ),
    }
    return what[report.reason] if report.reason is not None else ""


def describe_subject(subject: str) -> str:
    """What an audit subject names, in words (the raw subject is printed beside it)."""
    from storage.audit import subjects as subj
    from storage.secretary import workspace as sec

    kind, keys = subj.parse(subject)
    first = keys[0] if keys else ""
    second = keys[1] if len(keys) > 1 else ""
    short = first[:16]
    texts = {
        sec.SETUP: lambda: _("the meeting setup (header, rubric, rule, certificates, key)"),
        sec.ROSTER: lambda: _("the roster"),
        sec.AGENDA: lambda: _("the hearing order"),
        sec.PACKAGE: lambda: _("the record of package file {hash}…", hash=short),
        sec.ROUND: lambda: _("the record of round {round}", round=first),
        sec.SIGNED_SHEET: lambda: _("the signed copy of sheet {id}", id=first),
        sec.RECUSAL: lambda: _(
            "the signed recusal of {expert} from {application}", expert=first, application=second
        ),
        sec.SHEET_FILE: lambda: _("the record of sheet file {hash}…", hash=short),
        sec.APPROVAL: lambda: _(
            "the chair's approval of the opinion on {application}, round {round}",
            application=first,
            round=second,
        ),
        subj.SHEET: lambda: _("sheet {id}", id=first),
        subj.NOTE: lambda: _("note {id}", id=first),
        subj.CONFLICT: lambda: _(
            "the conflict declaration of {expert} on {application}",
            expert=second,
            application=keys[2] if len(keys) > 2 else "",
        ),
        subj.OPINION: lambda: _(
            "the panel opinion on {application}, round {round}",
            application=second,
            round=keys[2] if len(keys) > 2 else "",
        ),
        subj.MEETING: lambda: _("the meeting {id}", id=first),
        subj.RUBRIC: lambda: _("the rubric {id}", id=first),
        subj.KIT: lambda: _("the record of the meeting kit"),
        "platform": lambda: _("the approved-platform entry {id}", id=first),
    }
    text = texts.get(kind)
    return text() if text is not None else _("the stored data of {subject}", subject=subject)
