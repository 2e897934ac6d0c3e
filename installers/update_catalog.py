"""Maintain the one gettext catalog: extract source strings and merge the zh_CN translations.

    .venv/bin/python installers/update_catalog.py          # write review_desk.pot, update the .po
    .venv/bin/python installers/update_catalog.py --check  # exit 1 if anything is missing

Strings are found in ``app/``, ``ui/``, ``export/`` and ``storage/`` as the first argument of
``_()``, ``N_()``, ``Msg.of()`` and ``ngettext()``. Translations written in
``resources/locale/zh_CN/parts/*.po`` (by whoever added the strings) are merged into
``resources/locale/zh_CN/LC_MESSAGES/review_desk.po`` and the part files removed.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_python
from babel.messages.pofile import read_po, write_po

REPO = Path(__file__).resolve().parent.parent
SOURCES = ("app", "ui", "export", "storage")
KEYWORDS = {"_": None, "N_": None, "of": None, "ngettext": (1, 2)}
LOCALE = REPO / "resources" / "locale"
PO = LOCALE / "zh_CN" / "LC_MESSAGES" / "review_desk.po"
POT = LOCALE / "review_desk.pot"
PARTS = LOCALE / "zh_CN" / "parts"


def source_messages() -> Iterator[tuple[str | tuple[str, str], str, int]]:
    """(msgid, file, line) for every translatable string in the source tree."""
    for package in SOURCES:
        for path in sorted((REPO / package).rglob("*.py")):
            data = path.read_bytes()
            for lineno, funcname, message, _comments in extract_python(
                io.BytesIO(data), KEYWORDS, [], {"encoding": "utf-8"}
            ):
                if funcname == "ngettext" and isinstance(message, tuple):
                    if isinstance(message[0], str) and isinstance(message[1], str):
                        yield (message[0], message[1]), str(path.relative_to(REPO)), lineno
                    continue
                text = message[0] if isinstance(message, tuple) else message
                if isinstance(text, str) and text:
                    yield text, str(path.relative_to(REPO)), lineno


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale="zh_CN")


def parts(only: list[str] | None = None) -> list[Path]:
    """Part files waiting to be merged (all, or those named in ``only``)."""
    if not PARTS.exists():
        return []
    found = sorted(PARTS.glob("*.po"))
    return [p for p in found if only is None or p.stem in only]


def build(only: list[str] | None = None) -> tuple[Catalog, list[str]]:
    """The merged zh_CN catalog for the current sources, and the msgids still untranslated."""
    known: dict[str | tuple[str, str], str | tuple[str, ...]] = {}
    sources = [PO, *parts(only)]
    for path in sources:
        if path.exists():
            for message in read_catalog(path):
                if message.id and message.string and not message.fuzzy:
                    key = tuple(message.id) if isinstance(message.id, list | tuple) else message.id
                    known.setdefault(key, message.string)  # type: ignore[arg-type]
    catalog = Catalog(
        locale="zh_CN",
        project="Expert Review Desk",
        charset="utf-8",
        fuzzy=False,
    )
    missing: list[str] = []
    for msgid, file, line in source_messages():
        existing = catalog.get(msgid)
        if existing is not None:
            existing.locations.append((file, line))
            continue
        string = known.get(msgid, "" if isinstance(msgid, str) else ("",))
        catalog.add(msgid, string=string, locations=[(file, line)])
        if not string or string == ("",):
            missing.append(msgid if isinstance(msgid, str) else msgid[0])
    return catalog, missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="report missing entries, write nothing"
    )
    parser.add_argument("--only", nargs="+", metavar="PART", help="merge only these part files")
    args = parser.parse_args()
    catalog, missing = build(args.only)
    if args.check:
        for msgid in missing:
            print(f"missing zh_CN: {msgid!r}")
        return 1 if missing else 0
    template = Catalog(project="Expert Review Desk", charset="utf-8")
    for message in catalog:
        if message.id:
            template.add(message.id, locations=message.locations)
    with POT.open("wb") as fh:
        write_po(fh, template, width=100, omit_header=False)
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as fh:
        write_po(fh, catalog, width=100, include_previous=False)
    for part in parts(args.only):
        part.unlink()
    if PARTS.exists() and not any(PARTS.iterdir()):
        PARTS.rmdir()
    print(
        f"{len(list(catalog)) - 1} messages, {len(missing)} untranslated -> {PO.relative_to(REPO)}"
    )
    for msgid in missing:
        print(f"  missing: {msgid!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
