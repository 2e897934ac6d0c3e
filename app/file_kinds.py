"""The program's own file types: which extension is which kind of file, its MIME type, the
format that specifies it, and where in the program it is opened.

``review-desk open FILE`` (what a double-click in the file manager runs, through the .deb's
desktop entry and the Windows installer's file associations) uses this to open the file in
the right window; the installers' MIME types and associations are checked against it
(tests/test_deb_recipe.py), so the three cannot drift apart.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from app.i18n import Msg


class FileKind(Enum):
    """A file the program reads, by its extension (without the dot)."""

    PACKAGE = "oipkg"
    KIT = "oikit"
    SHEET = "oisheet"
    BUNDLE = "oibundle"
    ROUND_NOTICE = "oiround"
    REPORT_TO_SIGN = "oireport"

    @property
    def extension(self) -> str:
        return "." + self.value

    @property
    def mime_type(self) -> str:
        """The MIME type the .deb registers (shared-mime-info) for the extension."""
        return "application/x-review-desk-" + _MIME_NAMES[self]

    @property
    def format_doc(self) -> str:
        """The specification, relative to the repository: ``docs/formats/NAME-v1.md``."""
        return f"docs/formats/{_MIME_NAMES[self]}-v1.md"

    @property
    def opened_directly(self) -> bool:
        """Whether ``review-desk open`` takes the file straight into its dialog (the kit into
        the expert's import, the bundle into the ministry desk's import); the others are
        used from inside a signed-in or console window, which the program then names."""
        return self in (FileKind.KIT, FileKind.BUNDLE)


_MIME_NAMES = {
    FileKind.PACKAGE: "package",
    FileKind.KIT: "kit",
    FileKind.SHEET: "sheet",
    FileKind.BUNDLE: "bundle",
    FileKind.ROUND_NOTICE: "round-notice",
    FileKind.REPORT_TO_SIGN: "report-to-sign",
}


def kind_of(path: Path) -> FileKind | None:
    """The kind of ``path`` by its extension (any case), or ``None`` for another file."""
    suffix = path.suffix.lower()
    for kind in FileKind:
        if kind.extension == suffix:
            return kind
    return None


def where_opened(kind: FileKind) -> Msg:
    """Where a file that is not opened directly is used, named by the menus a person sees."""
    return _WHERE[kind]


_WHERE = {
    FileKind.PACKAGE: Msg.of(
        "An application package is added to a meeting by the secretary: File › Open "
        "secretary console…, then Import packages… on the “1 Setup” page."
    ),
    FileKind.SHEET: Msg.of(
        "A sheet file is collected by the secretary: File › Open secretary console…, then "
        "Import sheet files… on the “2 Collect & board” page."
    ),
    FileKind.ROUND_NOTICE: Msg.of(
        "A round notice is imported by the expert: File › Sign in as expert…, then "
        "File › Import round notice…."
    ),
    FileKind.REPORT_TO_SIGN: Msg.of(
        "A report to sign is signed by the chair: File › Sign in as expert…, then "
        "File › Sign the meeting report…."
    ),
    FileKind.KIT: Msg.of("A meeting kit is imported with File › Import meeting kit…."),
    FileKind.BUNDLE: Msg.of(
        "A result bundle is imported at the ministry: File › Open ministry desk…, then "
        "File › Import bundles…."
    ),
}
