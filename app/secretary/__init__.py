"""The meeting secretary's core (no Qt): set up a meeting, import packages, create the
meeting key, issue the kit, collect sheet files, watch the progress board, consolidate,
open later rounds, write panel opinions for the chair to approve, check sub-domain overlaps,
and hand the outcome to the report and bundle writers.

Modules: :mod:`~app.secretary.setup`, :mod:`~app.secretary.keys`,
:mod:`~app.secretary.packages`, :mod:`~app.secretary.kit`, :mod:`~app.secretary.collect`,
:mod:`~app.secretary.board`, :mod:`~app.secretary.rounds`, :mod:`~app.secretary.opinions`,
:mod:`~app.secretary.overlap`, :mod:`~app.secretary.outcome`; values in
:mod:`~app.secretary.model`, errors in :mod:`~app.secretary.errors`.

Every use case takes the workspace first and ``actor``/``now`` by keyword, runs as one
audited transaction per user action, and returns frozen values.
"""
