"""Signed score sheets, signed recusals and the per-expert sheet file (sheet-v1.md).

Public API: :func:`sign_sheet`, :func:`sign_recusal`, :func:`parse_signed_sheet`,
:func:`open_signed_document`, :func:`write_sheet_file`, :func:`read_sheet_file`,
:func:`draft_reports` (what a file reports of the expert's unsubmitted drafts), and the error
classes of :mod:`app.sheets.errors`.
"""

from app.sheets.documents import (
    DocumentContext,
    RecusalDocument,
    SheetContext,
    SheetDocument,
    SignedDocument,
    VerifiedDocument,
    open_signed_document,
    parse_signed_sheet,
    sign_recusal,
    sign_sheet,
)
from app.sheets.errors import (
    SheetFileContentError,
    SheetFileContextError,
    SheetFileDecryptError,
    SheetFileError,
    SheetFileFormatError,
    SheetFileSignatureError,
    SheetFileWriteError,
    SheetSigningError,
)
from app.sheets.progress import DraftReport, draft_reports
from app.sheets.sheet_reader import EXTENSION, SheetFileContents, read_sheet_file
from app.sheets.sheet_writer import WrittenSheetFile, write_sheet_file

__all__ = [
    "EXTENSION",
    "DocumentContext",
    "DraftReport",
    "RecusalDocument",
    "SheetContext",
    "SheetDocument",
    "SheetFileContentError",
    "SheetFileContents",
    "SheetFileContextError",
    "SheetFileDecryptError",
    "SheetFileError",
    "SheetFileFormatError",
    "SheetFileSignatureError",
    "SheetFileWriteError",
    "SheetSigningError",
    "SignedDocument",
    "VerifiedDocument",
    "WrittenSheetFile",
    "draft_reports",
    "open_signed_document",
    "parse_signed_sheet",
    "read_sheet_file",
    "sign_recusal",
    "sign_sheet",
    "write_sheet_file",
]
