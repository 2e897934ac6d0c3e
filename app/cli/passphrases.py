"""Reading secrets for the command line: from a file, or typed at a terminal, never echoed.

A passphrase is never taken as a command-line argument (it would land in the shell history
and in ``ps``), never printed, never logged and never put into an error message.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Final

from app.errors import UserFacingError
from app.formats.bounded_read import read_bounded
from app.i18n import Msg, _

MIN_NEW_PASSPHRASE_LENGTH: Final = 8
MAX_PASSPHRASE_FILE_SIZE: Final = 4096
"""A passphrase file holds one line; anything larger is refused unread."""


class PassphraseInputError(UserFacingError):
    """No passphrase could be obtained (no file and no terminal, unreadable file, mismatch)."""


def read_passphrase(file: str | None, *, prompt: str, new: bool = False) -> bytes:
    """The passphrase (UTF-8 bytes) from ``file`` or typed at the terminal.

    From a file, one trailing newline (``\\n`` or ``\\r\\n``) is removed and nothing else.
    At a terminal the passphrase is read without echo; for a ``new`` one it is asked twice
    and must have at least 8 characters. Without a file and without a terminal this refuses
    rather than wait for input that cannot come.
    """
    if file is not None:
        secret = _read_file(Path(file))
    elif sys.stdin is not None and sys.stdin.isatty():
        secret = getpass.getpass(prompt).encode("utf-8")
        if new and secret:
            again = getpass.getpass(_("Repeat the passphrase: ")).encode("utf-8")
            if again != secret:
                raise PassphraseInputError(
                    Msg.of("The two passphrases differ."), Msg.of("Run the command again.")
                )
    else:
        raise PassphraseInputError(
            Msg.of("A passphrase is needed, but there is no terminal to ask for it."),
            Msg.of("Pass the passphrase in a file with --passphrase-file."),
        )
    if not secret:
        raise PassphraseInputError(
            Msg.of("The passphrase is empty."), Msg.of("Use a passphrase that is not empty.")
        )
    if new and len(secret.decode("utf-8", "replace")) < MIN_NEW_PASSPHRASE_LENGTH:
        raise PassphraseInputError(
            Msg.of(
                "The new passphrase is too short (fewer than {minimum} characters).",
                minimum=MIN_NEW_PASSPHRASE_LENGTH,
            ),
            Msg.of("Choose a longer passphrase; a few unrelated words work well."),
        )
    return secret


def _read_file(path: Path) -> bytes:
    def refuse(reason: Msg, detail: str) -> PassphraseInputError:
        return PassphraseInputError(
            Msg.of(
                "Cannot read the passphrase file {path}: {reason}", path=str(path), reason=reason
            ),
            Msg.of("Check the file name and its permissions."),
        )

    data = read_bounded(path, MAX_PASSPHRASE_FILE_SIZE, refuse)
    if data.endswith(b"\r\n"):
        return data[:-2]
    if data.endswith(b"\n"):
        return data[:-1]
    return data
