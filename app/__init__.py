"""Expert Review Desk core: domain model, rules, use cases, formats, crypto and CLI.

This package never imports Qt, sqlite-utils, reportlab or openpyxl (tests/test_layering.py).
"""

__version__ = "0.1.0"
