"""The ministry's core (no Qt, no SQL): import verified result bundles from many meetings
into one database and read back what it holds.

Modules: :mod:`~app.ministry.importing` (the import use case: verify with
:mod:`app.results`, decide, record), :mod:`~app.ministry.replay` (the pure replay decision
on (meeting id, bundle version, bundle hash) and its refusals); values in
:mod:`~app.ministry.model`. Storage is reached through
:class:`app.ministry.ports.MinistryStore` (``storage.ministry.database.MinistryDatabase``).
"""
