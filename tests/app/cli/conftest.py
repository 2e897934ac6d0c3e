"""The secretary tests' PKI and cast, for the audit checks of a secretary's workspace."""

from tests.app.secretary.conftest import cast, pkiset  # noqa: F401  (fixtures)
