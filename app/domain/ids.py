"""Typed identifiers, so an expert id is never passed where an application id belongs."""

import re
from typing import Final, NewType

MeetingId = NewType("MeetingId", str)
ExpertId = NewType("ExpertId", str)
ApplicationId = NewType("ApplicationId", str)
SheetId = NewType("SheetId", str)
FactorKey = NewType("FactorKey", str)
CriterionKey = NewType("CriterionKey", str)
NoteId = NewType("NoteId", str)

ID_PATTERN: Final = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")
"""The identifiers the program gives meetings, experts, applications, packages and rubrics
(``meeting-v1``, ``rubric-v1``, the kit manifest): lower-case letters and digits, ``_``,
``.`` and ``-``, starting with a letter or digit, at most 64 characters."""

SIGNED_ID_PATTERN: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}")
"""What a signed document (``sheet-v1``, ``result-bundle-v1``) accepts as an identifier: a
superset of :data:`ID_PATTERN` (upper case, ``:``, up to 128 characters), so a reader never
refuses an id the program wrote, and a bundle member name built from ids stays unambiguous."""

UUID_PATTERN: Final = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
"""A random UUID in its lower-case text form: the ids of packages and meeting kits."""
