"""The sheet tests' session PKI, people and meeting serve the round-notice tests too."""

from tests.app.sheets.conftest import meeting, people, pkiset, rubric  # noqa: F401  (fixtures)
