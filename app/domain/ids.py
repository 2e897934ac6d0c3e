"""Typed identifiers, so an expert id is never passed where an application id belongs."""

from typing import NewType

MeetingId = NewType("MeetingId", str)
ExpertId = NewType("ExpertId", str)
ApplicationId = NewType("ApplicationId", str)
SheetId = NewType("SheetId", str)
FactorKey = NewType("FactorKey", str)
CriterionKey = NewType("CriterionKey", str)
NoteId = NewType("NoteId", str)
