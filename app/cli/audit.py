"""``review-desk audit verify --db FILE``: check a workspace's hash-chained audit log.

Exit status: 0 when the chain (and every subject's stored state) verifies, printing
``OK: <count> entries, head <hash>``; 1 when it does not, naming the first broken entry and
what is wrong with it; 2 (through the main CLI) when the file is missing, not a workspace,
damaged or written by a newer version. The file is opened read-only and never changed.

``--checkpoint COUNT:HASH`` compares with a head recorded elsewhere (e.g. in a signed export):
only that exposes removed trailing entries or a chain rebuilt from scratch.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.errors import ValidationError
from app.i18n import Msg, _


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("audit", help=_("check a workspace's audit log"))
    sub = parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = sub.add_parser(
        "verify", help=_("verify the hash chain of a workspace's audit log (read-only)")
    )
    verify.add_argument("--db", required=True, help=_("the workspace file to check"))
    verify.add_argument(
        "--checkpoint",
        metavar="COUNT:HASH",
        help=_("an entry count and head hash recorded earlier, to detect removed entries"),
    )
    verify.set_defaults(handler=_verify)


def _verify(args: argparse.Namespace) -> int:
    from storage.audit import AuditProblem, Checkpoint  # storage is imported only when used
    from storage.workspace import verify_file

    checkpoint: Checkpoint | None = None
    if args.checkpoint:
        count, _sep, head = str(args.checkpoint).partition(":")
        if not count.isdigit() or len(head) != 64:
            raise ValidationError(
                Msg.of("The checkpoint {value} is not COUNT:HASH.", value=args.checkpoint),
                Msg.of("Give the entry count and the 64-character head hash, e.g. 12:ab12…"),
            )
        checkpoint = Checkpoint(int(count), head.lower())

    report = verify_file(Path(args.db), checkpoint)
    if report.ok:
        print(_("OK: {count} entries, head {head}", count=report.count, head=report.head_hash))
        return 0
    what = {
        AuditProblem.EDITED: _("it was edited after it was written"),
        AuditProblem.DELETED: _("an entry was deleted here"),
        AuditProblem.REORDERED: _("entries were reordered"),
        AuditProblem.STATE_CHANGED: _(
            "the stored data of {subject} was changed without an audit entry",
            subject=report.subject or "",
        ),
        AuditProblem.CHECKPOINT_MISMATCH: _(
            "the log does not contain the checkpoint's head: entries were removed or rebuilt"
        ),
    }
    reason = what[report.reason] if report.reason is not None else ""
    print(
        _(
            "BROKEN: entry {seq} of {count}: {reason}",
            seq=report.first_bad_seq,
            count=report.count,
            reason=reason,
        )
    )
    return 1
