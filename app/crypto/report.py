"""One shape for every verification report shown to a user.

A verification that raises on failure (cryptography's ``verify()``) has a companion that
reports instead, for display: a frozen value with a bottom line, :attr:`VerificationReport.ok`,
and named checks, each passed, refused or not reached, with what to tell the user (the way
pyHanko's status objects keep ``intact``, ``valid``, ``trusted`` apart). The CMS signature
check (:class:`app.crypto.cms.SignatureReport`), the result-bundle reader
(:class:`app.results.reader.BundleInspection`) and the PDF report policy
(``export.pdf_policy``) all return this shape, each naming its own checks.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.i18n import Msg


@dataclass(frozen=True)
class Check:
    """One named check of a verification."""

    name: str
    passed: bool | None
    """``True`` passed, ``False`` refused, ``None`` not reached (an earlier check refused)."""
    message: Msg | None = None
    """What the check says to the user: its label, or why it refused."""


@dataclass(frozen=True)
class VerificationReport:
    """The frozen base of the reports: each subclass names its checks in :attr:`checks`;
    :attr:`ok` is the bottom line."""

    @property
    def checks(self) -> tuple[Check, ...]:
        raise NotImplementedError

    @property
    def ok(self) -> bool:
        """Every check passed."""
        return all(c.passed for c in self.checks)

    def check(self, name: str) -> Check:
        """The check called ``name`` (``KeyError`` if the report has none)."""
        for found in self.checks:
            if found.name == name:
                return found
        raise KeyError(name)

    def passed(self, name: str) -> bool:
        """Whether the check called ``name`` passed (not refused, not unreached)."""
        return self.check(name).passed is True

    @property
    def refused(self) -> tuple[Check, ...]:
        """The checks that refused, in order."""
        return tuple(c for c in self.checks if c.passed is False)
