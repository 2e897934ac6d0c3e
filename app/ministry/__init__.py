"""The ministry's core (no Qt, no SQL): import verified result bundles from many meetings
into one database and read back what it holds.

Modules: :mod:`~app.ministry.importing` (the import use case: verify with
:mod:`app.results`, decide, record), :mod:`~app.ministry.intake` (the desk's import of
files and folders, every refusal journaled beside the database), :mod:`~app.ministry.replay`
(the pure replay decision on (meeting id, bundle version, bundle hash) and its refusals),
:mod:`~app.ministry.checks` (overlaps and conflicts across meetings),
:mod:`~app.ministry.platforms` (the approved-platform list's changes); values in
:mod:`~app.ministry.model`. Storage is reached through the protocols of
:mod:`app.ministry.ports`: :class:`~app.ministry.ports.MinistryStore` and
:class:`~app.ministry.ports.MinistryDesk` (``storage.ministry.database.MinistryDatabase``)
and :class:`~app.ministry.ports.RefusalJournal`
(``storage.ministry.refusals.RefusalJournalFile``).
"""
