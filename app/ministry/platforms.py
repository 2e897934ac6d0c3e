"""The approved-platform list at the desk: checked drafts, and each change (add, remove,
import of a list file) as one transaction of the store with the actor, the reason and an
audit entry per platform.

Tags follow the rule of the meeting and approved-platform files (lower-case ASCII words,
single spaces or hyphens), so the overlap check compares them with the applications' tags
as they are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

from app.errors import ValidationError
from app.i18n import LocalizedText, Msg
from app.ministry.model import ApprovedPlatformEntry, PlatformDraft, PlatformSource
from app.ministry.ports import MinistryDesk
from app.secretary.overlap import APPROVED_PLATFORMS, ApprovedPlatform, load_approved_platforms

SHIPPED_LIST: Final = APPROVED_PLATFORMS
"""The approved-platform list file shipped with the program (``review-desk/approved-platforms``
v1), which :func:`import_platform_list` reads when given no other."""
NOT_GIVEN: Final = LocalizedText("", "")
"""A field version 1 of the list file does not have (entrusted unit, sub-domain name)."""

_TAG: Final = re.compile(r"[a-z0-9]+(?:[ -][a-z0-9]+)*")
MAX_TEXT: Final = 300
MAX_TAGS: Final = 12


def platform_draft(
    platform_name: LocalizedText,
    entrusted_unit: LocalizedText,
    sub_domain: LocalizedText,
    tags: tuple[str, ...],
    approved_year: int,
    reference: str,
    source: PlatformSource = PlatformSource.DESK,
) -> PlatformDraft:
    """A checked draft; raises :class:`~app.errors.ValidationError` naming the bad field."""
    for field, text in (
        (Msg.of("platform name"), platform_name),
        (Msg.of("entrusted unit"), entrusted_unit),
        (Msg.of("sub-domain"), sub_domain),
    ):
        for value in (text.en, text.zh_CN):
            if not value.strip() or len(value) > MAX_TEXT:
                raise _invalid(field, Msg.of("must be a non-blank text of at most 300 characters."))
    if len(tags) > MAX_TAGS or len(set(tags)) != len(tags):
        raise _invalid(Msg.of("tags"), Msg.of("at most 12 tags, each once."))
    for tag in tags:
        if len(tag) > 48 or not _TAG.fullmatch(tag):
            raise _invalid(
                Msg.of("tags"),
                Msg.of("“{tag}” is not a normalised tag (lower case, single spaces).", tag=tag),
            )
    if not 2000 <= approved_year <= 2100:
        raise _invalid(Msg.of("year"), Msg.of("must be a year between 2000 and 2100."))
    if not reference.strip() or len(reference) > MAX_TEXT:
        raise _invalid(
            Msg.of("reference"), Msg.of("must be a non-blank text of at most 300 characters.")
        )
    return PlatformDraft(
        platform_name, entrusted_unit, sub_domain, tags, approved_year, reference.strip(), source
    )


def add_platform(
    store: MinistryDesk, draft: PlatformDraft, reason: str, actor: str, now: datetime
) -> ApprovedPlatformEntry:
    """Add ``draft`` to the list, recorded with ``reason`` by ``actor`` at ``now``."""
    reason = _reason(reason)
    with store.transaction(actor, now):
        return store.add_platform(draft, reason)


def remove_platform(
    store: MinistryDesk, platform_id: int, reason: str, actor: str, now: datetime
) -> ApprovedPlatformEntry:
    """Mark entry ``platform_id`` removed; an unknown or removed entry changes nothing."""
    reason = _reason(reason)
    with store.transaction(actor, now):
        return store.remove_platform(platform_id, reason)


@dataclass(frozen=True)
class PlatformImport:
    """What :func:`import_platform_list` did: the entries ``added`` (in the file's order) and
    the ids of the file's entries already in the list (in force or removed), left as they
    are."""

    added: tuple[ApprovedPlatformEntry, ...]
    already_listed: tuple[str, ...]

    @property
    def message(self) -> Msg:
        if not self.added:
            return Msg.ngettext(
                "Nothing was added: the list file's {count} entry is already in the "
                "approved-platform list.",
                "Nothing was added: the list file's {count} entries are already in the "
                "approved-platform list.",
                len(self.already_listed),
                count=len(self.already_listed),
            )
        return Msg.ngettext(
            "Added {count} approved platform from the list file ({already} already listed).",
            "Added {count} approved platforms from the list file ({already} already listed).",
            len(self.added),
            count=len(self.added),
            already=len(self.already_listed),
        )


def import_platform_list(
    store: MinistryDesk,
    entries_or_path: Sequence[ApprovedPlatform] | Path | None,
    reason: str,
    actor: str,
    now: datetime,
) -> PlatformImport:
    """Add every entry of an approved-platform list (v1; a path is read strictly by the
    secretary's loader, ``None`` is the shipped file) that the desk's list does not hold yet,
    matched by the entry's id as the ``reference`` (removed entries included, so a removal
    stands), with source ``RESOURCE``; the entrusted unit and sub-domain name, which version
    1 lacks, stay empty. One transaction, one audit entry per added platform; a file that
    cannot be read changes nothing."""
    reason = _reason(reason)
    if entries_or_path is None or isinstance(entries_or_path, Path):
        entries = load_approved_platforms(entries_or_path)
    else:
        entries = tuple(entries_or_path)
    added: list[ApprovedPlatformEntry] = []
    already: list[str] = []
    with store.transaction(actor, now):
        listed = {e.platform.reference for e in store.approved_platforms(include_removed=True)}
        for entry in entries:
            if entry.id in listed:
                already.append(entry.id)
                continue
            draft = PlatformDraft(
                entry.name,
                NOT_GIVEN,
                NOT_GIVEN,
                entry.sub_domain_tags,
                entry.approved_year,
                entry.id,
                PlatformSource.RESOURCE,
            )
            added.append(store.add_platform(draft, reason))
            listed.add(entry.id)
    return PlatformImport(tuple(added), tuple(already))


def or_dash(text: LocalizedText) -> LocalizedText:
    """``text`` as a list shows it: a blank language from the other, "—" where both are
    blank (an entry imported from a list file has no entrusted unit or sub-domain name)."""
    en, zh = text.en.strip(), text.zh_CN.strip()
    if en and zh:
        return text
    return LocalizedText(en or zh or "—", zh or en or "—")


def _reason(reason: str) -> str:
    text = reason.strip()
    if not text or len(text) > 2000:
        raise ValidationError(
            Msg.of("A change to the approved-platform list needs a reason."),
            Msg.of("Say why, in at most 2000 characters; nothing was changed."),
        )
    return text


def _invalid(field: Msg, reason: Msg) -> ValidationError:
    return ValidationError(
        Msg.of("Approved platform, {field}: {reason}", field=field, reason=reason),
        Msg.of("Correct it and try again; nothing was changed."),
    )


def login_name() -> str:
    """Who an unsigned change at the ministry's desk is recorded as: the login name
    (``"ministry"`` where the system cannot say)."""
    import getpass

    try:
        return getpass.getuser() or "ministry"
    except (OSError, KeyError):
        return "ministry"
