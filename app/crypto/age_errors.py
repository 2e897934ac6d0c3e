"""Typed age failures, one class per CCTV failure class, so they stay distinct.

The user sees a fixed, translated message and a recommendation. The technical reason
(``detail``, English, never translated) is kept for "copy details" and tests. Nothing
secret — keys, passphrases, file keys — is ever put into a message, a detail or a repr.
"""

from __future__ import annotations

from app.errors import UserFacingError
from app.i18n import Msg


class AgeError(UserFacingError):
    """Root of every age failure; ``detail`` says precisely what was wrong (English)."""

    def __init__(self, message: Msg, recommendation: Msg | None, detail: str) -> None:
        super().__init__(message, recommendation)
        self.detail = detail

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.detail!r})"


class AgeHeaderError(AgeError):
    """The header is malformed, unsupported or breaks a limit ("header failure")."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            Msg.of("The encrypted file is damaged or is not an age file: its header is invalid."),
            Msg.of("Ask the sender for a new copy of the file."),
            detail,
        )


class AgeNoMatchError(AgeError):
    """No identity or passphrase unwraps the file key ("no match")."""

    def __init__(self, message: Msg, recommendation: Msg, detail: str) -> None:
        super().__init__(message, recommendation, detail)

    @classmethod
    def not_a_recipient(cls) -> AgeNoMatchError:
        return cls(
            Msg.of("This file was not encrypted to any of your keys."),
            Msg.of(
                "Check that you opened the right file with the right identity, or ask the "
                "sender to encrypt it to your public key."
            ),
            "no identity matched any recipient stanza",
        )

    @classmethod
    def wrong_passphrase(cls) -> AgeNoMatchError:
        return cls(
            Msg.of("The passphrase is not correct for this file."),
            Msg.of("Type the passphrase again, checking the keyboard layout and Caps Lock."),
            "the passphrase did not unwrap the scrypt stanza",
        )

    @classmethod
    def needs_passphrase(cls) -> AgeNoMatchError:
        return cls(
            Msg.of("This file is protected by a passphrase, not by a key."),
            Msg.of("Open it with its passphrase."),
            "the file has an scrypt stanza but no passphrase was given",
        )

    @classmethod
    def unsupported(cls, types: str) -> AgeNoMatchError:
        return cls(
            Msg.of(
                "This file is encrypted to a kind of key this program does not support ({types}).",
                types=types,
            ),
            Msg.of("Ask the sender to encrypt it to your age public key (age1…)."),
            f"no supported recipient stanza; stanza types: {types}",
        )


class AgeHmacError(AgeError):
    """The file key was found but the header MAC does not match ("HMAC failure")."""

    def __init__(self, detail: str = "header MAC mismatch") -> None:
        super().__init__(
            Msg.of("The encrypted file's header was altered after it was written."),
            Msg.of("Do not use this file; ask the sender for a new copy."),
            detail,
        )


class AgePayloadError(AgeError):
    """The encrypted content is truncated, altered or has trailing data ("payload failure")."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            Msg.of("The encrypted file is truncated or its content was altered."),
            Msg.of(
                "Do not use this file; copy it again from the original medium or ask the "
                "sender for a new copy."
            ),
            detail,
        )


class AgeArmorError(AgeError):
    """The ASCII armor around the file is malformed ("armor failure")."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            Msg.of("The text-armored encrypted file is malformed."),
            Msg.of("Copy the whole text block again, from BEGIN to END, without changes."),
            detail,
        )


class AgeKeyError(AgeError):
    """A recipient, identity, identity file or recipient set that cannot be used."""

    def __init__(self, message: Msg, detail: str) -> None:
        super().__init__(
            message,
            Msg.of("Check the key text or file; age keys start with age1 or AGE-SECRET-KEY-1."),
            detail,
        )
