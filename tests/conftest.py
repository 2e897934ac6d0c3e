"""Shared fixtures. Qt runs offscreen; the language is reset to English for every test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
AGE_VECTORS = SHARED / "vectors" / "age" / "testdata"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    from app.i18n import set_language

    set_language("en")
    yield
    set_language("en")
