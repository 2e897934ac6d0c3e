"""Every signed or encrypted format of the proof meeting, with its full reader (for M3/M4 and
the M6 seeds): package (``.oipkg``), kit (``.oikit``), sheet file (``.oisheet``), round notice
(``.oiround``), result bundle (``.oibundle``, encrypted to the ministry) and report to sign
(``.oireport``, encrypted to the chair and the secretary; read with the secretary's key)."""

from __future__ import annotations

import os
from pathlib import Path

from app.crypto.age_errors import AgeError
from app.kit.errors import KitError
from app.kit.reader import open_kit
from app.package import PackageError, open_package
from app.package.keys import decryption_identity
from app.results import BundleError, verify_bundle
from app.round_notice.errors import RoundNoticeError
from app.round_notice.notice import NoticeExpectations, read_round_notice
from app.secretary.report_to_sign import ReportToSignError, read_report_to_sign
from app.sheets import SheetFileError, read_sheet_file
from tests.proof.export_kills import Export
from tests.proof.meeting import ProofMeeting
from tests.proof.mutations import Format, age_layout, json_layout, zip_layout, zip_metadata


class Scratch:
    """A file the path-taking readers open: an in-memory file (``memfd``) where Linux has
    them - rewriting a file on disk thousands of times costs more than reading it - else a
    file in ``folder``."""

    def __init__(self, folder: Path, name: str) -> None:
        self._fd = os.memfd_create(name) if hasattr(os, "memfd_create") else -1
        self._file = folder / name

    def holding(self, data: bytes) -> Path:
        if self._fd < 0:
            self._file.write_bytes(data)
            return self._file
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, data, 0)
        return Path(f"/proc/self/fd/{self._fd}")


def formats(meeting: ProofMeeting, scratch: Path) -> list[Format]:
    """The six formats; readers that take a path get the bytes through a :class:`Scratch`."""
    roots = list(meeting.roots)
    now = meeting.now
    package_file = Scratch(scratch, "mutated.oipkg")
    kit_file = Scratch(scratch, "mutated.oikit")

    def package(data: bytes) -> None:
        path = package_file.holding(data)
        with open_package(path, [decryption_identity(meeting.expert)], roots, now) as opened:
            opened.verify_all()

    def kit(data: bytes) -> None:
        with open_kit(kit_file.holding(data), roots, now):
            pass

    def sheet_file(data: bytes) -> None:
        read_sheet_file(
            data,
            meeting.secretary,
            roots,
            meeting.meeting,
            meeting.rubric,
            meeting.kit_hash,
            {1},
            now,
        )

    expected = NoticeExpectations(
        meeting.meeting, meeting.kit_hash, meeting.secretary.certificate, tuple(roots)
    )

    def round_notice(data: bytes) -> None:
        read_round_notice(data, expected, now)

    def bundle(data: bytes) -> None:
        verify_bundle(data, roots, now, ministry_identity=meeting.ministry)

    def report_to_sign(data: bytes) -> None:
        read_report_to_sign(data, meeting.secretary, roots, now)

    return [
        Format(
            "package",
            meeting.package.read_bytes(),
            package,
            (PackageError, AgeError),
            age_layout,
            every=11,
        ),
        Format(
            "kit",
            meeting.kit.read_bytes(),
            kit,
            (KitError,),
            zip_layout,
            stride=211,
            every=37,
            unchecked=zip_metadata,
        ),
        Format(
            "sheet file",
            meeting.sheet_file.read_bytes(),
            sheet_file,
            (SheetFileError,),
            age_layout,
        ),
        Format(
            "round notice",
            meeting.round_notice.read_bytes(),
            round_notice,
            (RoundNoticeError,),
            json_layout,
            stride=7,
        ),
        Format(
            "bundle", meeting.bundle.read_bytes(), bundle, (BundleError,), age_layout, 997, every=3
        ),
        Format(
            "report to sign",
            meeting.report_to_sign.read_bytes(),
            report_to_sign,
            (ReportToSignError,),
            age_layout,
            stride=997,
            every=5,
        ),
    ]


def exports(meeting: ProofMeeting) -> list[Export]:
    """The proof meeting's exports as M16 writes them: the publication outputs (a new name:
    absent before), and the sheet file and the kit (written again over an earlier one)."""
    roots = list(meeting.roots)
    other_sheet = next(
        p for p in meeting.sheet_file.parent.glob("*.oisheet") if p != meeting.sheet_file
    )

    def bundle(path: Path) -> None:
        verify_bundle(path.read_bytes(), roots, meeting.now, ministry_identity=meeting.ministry)

    def kit(path: Path) -> None:
        with open_kit(path, roots, meeting.now):
            pass

    return [
        Export("report", "atomic", "report.pdf", meeting.report_pdf.read_bytes(), None),
        Export("workbook", "atomic", "results.xlsx", meeting.workbook.read_bytes(), None),
        Export("bundle", "atomic", "m.oibundle", meeting.bundle.read_bytes(), None, bundle),
        Export(
            "sheet file",
            "atomic",
            "m-e01-r1.oisheet",
            meeting.sheet_file.read_bytes(),
            other_sheet.read_bytes(),
        ),
        Export(
            "kit",
            "stream",
            "meeting.oikit",
            meeting.kit.read_bytes(),
            (meeting.demo / "meeting.oikit").read_bytes(),
            kit,
        ),
    ]
