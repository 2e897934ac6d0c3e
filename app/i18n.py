"""One gettext catalog for app/, ui/ and export/.

English source strings, a complete ``zh_CN`` translation in
``resources/locale/zh_CN/LC_MESSAGES/review_desk.po``. The ``.po`` file is read directly
(a small reader of the PO syntax the catalog uses, checked against Babel's by
``tests/app/test_i18n.py``) so no generated ``.mo`` file is committed or needed, and a
Chinese start-up does not import Babel. The parsed table is kept in the user's cache folder
(:func:`read_catalog_cached`), so a start after the first loads it instead of parsing.

Placeholders are always named (``{score}``), and filled with ``str.format`` *after*
translation, so a translator can move them. ``tests/app/test_i18n.py`` fails on a missing
entry or on placeholders that differ from the source.
"""

from __future__ import annotations

import _thread
import contextlib
import marshal
import os
import re
import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

if TYPE_CHECKING:
    from pathlib import Path

    LOCALE: Path
    """The folder of the catalogs (:data:`app.paths.LOCALE`; tests point it elsewhere)."""

DOMAIN = "review_desk"
SUPPORTED = ("en", "zh_CN")
DEFAULT = "en"

_lock = _thread.allocate_lock()  # threading.Lock, without importing threading
_language = DEFAULT
_catalogs: dict[str, dict[str | tuple[str, str], str | tuple[str, ...]]] = {}
_listeners: list[Callable[[str], None]] = []


def po_path(language: str) -> Path:
    return _locale() / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def _locale() -> Path:
    patched: Path | None = globals().get("LOCALE")
    if patched is not None:
        return patched
    from app import paths

    return paths.LOCALE


def __getattr__(name: str) -> Any:
    """``LOCALE``, looked up on first use: :mod:`app.paths` (``pathlib``) is not imported
    by a start that needs no catalog (``review-desk --version``, an English start)."""
    if name == "LOCALE":
        return _locale()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_ESCAPE = re.compile(r'\\([\\trn"])')
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"'}


def _unquote(text: str) -> str:
    return _ESCAPE.sub(lambda m: _ESCAPES[m.group(1)], text[1:-1])


def read_catalog(data: bytes) -> dict[str | tuple[str, str], str | tuple[str, ...]]:
    """The translations of a PO file, as Babel's ``read_po`` gives them: fuzzy, obsolete
    and empty entries left out; a plural entry keyed by (singular, plural) with its non-empty
    forms in order; a later entry with the same key wins (contexts are not told apart)."""
    table: dict[str | tuple[str, str], str | tuple[str, ...]] = {}
    entry: dict[str, list[str]] = {}
    fuzzy = False
    field = ""

    def finish() -> None:
        if entry and not fuzzy:
            msgid = "".join(entry.get("msgid", []))
            if "msgid_plural" in entry:
                plural = "".join(entry["msgid_plural"])
                forms = sorted(
                    (int(k[7:-1]), "".join(v)) for k, v in entry.items() if k.startswith("msgstr[")
                )
                strings = tuple(text for _, text in forms if text)
                if msgid and strings:
                    table[(msgid, plural)] = strings
            else:
                text = "".join(entry.get("msgstr", []))
                if msgid and text:
                    table[msgid] = text

    for raw in data.decode("utf-8").splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if field.startswith("msgstr"):  # a comment after msgstr starts the next entry
                finish()
                entry, fuzzy, field = {}, False, ""
            if line.startswith("#,") and "fuzzy" in (f.strip() for f in line[2:].split(",")):
                fuzzy = True
            continue
        if line.startswith('"'):
            if field:
                entry[field].append(_unquote(line))
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and field.startswith("msgstr"):
            finish()
            entry, fuzzy = {}, False
        field = keyword
        entry[field] = [_unquote(rest.strip())]
    if field.startswith("msgstr"):
        finish()
    return table


def _load(language: str) -> dict[str | tuple[str, str], str | tuple[str, ...]]:
    if language == DEFAULT:
        return {}
    cached = _catalogs.get(language)
    if cached is not None:
        return cached
    path = po_path(language)
    table = read_catalog_cached(path.read_bytes()) if path.exists() else {}
    _catalogs[language] = table
    return table


_Table = dict[str | tuple[str, str], str | tuple[str, ...]]
_CACHE_FORMAT = b"review-desk catalog cache 1\n"
"""Starts every cache file; a change of :func:`read_catalog`'s output changes it."""


def catalog_cache_dir() -> Path:
    """Where parsed catalogs are kept: ``$XDG_CACHE_HOME/review-desk`` (``~/.cache``;
    ``%LOCALAPPDATA%`` on Windows)."""
    base = os.environ.get("XDG_CACHE_HOME") or (
        os.environ.get("LOCALAPPDATA") if os.name == "nt" else None
    )
    from pathlib import Path

    return Path(base or Path.home() / ".cache") / "review-desk"


def read_catalog_cached(data: bytes) -> _Table:
    """:func:`read_catalog` of ``data``, kept parsed in :func:`catalog_cache_dir`.

    Parsing the shipped catalog (2,400 entries) is most of what a Chinese start adds to an
    English one (~8 ms); loading its parsed table takes under 1 ms. The cache file is named
    by the catalog's size and CRC-32, so an edited catalog is parsed afresh, and it carries
    a CRC-32 of its own content, so a damaged one is noticed; one that cannot be read,
    is damaged, or holds anything but the table's strings is ignored (and replaced), and
    one that cannot be written is not needed: the catalog is then parsed on every start.
    """
    name = f"catalog-{len(data)}-{zlib.crc32(data):08x}.marshal"
    cache = catalog_cache_dir() / name
    try:
        with cache.open("rb") as fh:  # bounded: never more than a table of this catalog needs
            raw = fh.read(_cache_limit(data) + 1)
        table = _load_cache(raw) if len(raw) <= _cache_limit(data) else None
    except (OSError, ValueError, EOFError, TypeError):
        table = None
    if table is not None:
        return table
    table = read_catalog(data)
    _write_cache(cache, table)
    return table


def _cache_limit(data: bytes) -> int:
    """The most a cached table of catalog ``data`` can take (its strings, twice over for
    marshal's framing, and room for the format header)."""
    return 2 * len(data) + 65536


def _load_cache(raw: bytes) -> _Table | None:
    head = len(_CACHE_FORMAT)
    if raw[:head] != _CACHE_FORMAT or len(raw) < head + 4:
        return None
    body = raw[head + 4 :]
    if zlib.crc32(body) != int.from_bytes(raw[head : head + 4], "big"):
        return None
    table = marshal.loads(body)
    if not isinstance(table, dict):
        return None
    for key, value in table.items():
        if isinstance(key, str):
            if not isinstance(value, str):
                return None
        elif not (
            isinstance(key, tuple)
            and len(key) == 2
            and all(isinstance(k, str) for k in key)
            and isinstance(value, tuple)
            and all(isinstance(v, str) for v in value)
        ):
            return None
    return table


def _write_cache(cache: Path, table: _Table) -> None:
    """Best effort, atomic (a file of its own renamed into place): two starts at once each
    write a complete file, and a failure leaves no partial one. The files of earlier
    catalogs are removed."""
    import tempfile  # only when the cache is (re)made

    body = marshal.dumps(table)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache.parent, prefix=".catalog-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(_CACHE_FORMAT + zlib.crc32(body).to_bytes(4, "big") + body)
            os.replace(tmp, cache)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:
        return
    for old in cache.parent.glob("catalog-*.marshal"):  # an earlier catalog's
        if old.name != cache.name:
            with contextlib.suppress(OSError):
                old.unlink()


def normalize(language: str | None) -> str:
    """Map a locale name such as ``zh_CN.UTF-8``, ``zh-Hans`` or ``en_GB`` to a supported one."""
    if not language:
        return DEFAULT
    code = language.split(".")[0].split("@")[0].replace("-", "_")
    if code.lower().startswith("zh"):
        return "zh_CN"
    return DEFAULT


def detect_language(environ: dict[str, str] | None = None) -> str:
    """The language the locale asks for (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``)."""
    env = os.environ if environ is None else environ
    for key in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(key)
        if value:
            return normalize(value.split(":")[0])
    return DEFAULT


def set_language(language: str) -> str:
    """Switch the whole program's language; returns the language now in force."""
    global _language
    lang = normalize(language)
    with _lock:
        _load(lang)
        _language = lang
        listeners = list(_listeners)
    for listener in listeners:
        listener(lang)
    return lang


def current_language() -> str:
    return _language


def add_listener(listener: Callable[[str], None]) -> None:
    """Call ``listener(language)`` after every language switch."""
    _listeners.append(listener)


def remove_listener(listener: Callable[[str], None]) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def gettext(message: str) -> str:
    table = _load(_language)
    found = table.get(message)
    return found if isinstance(found, str) else message


def ngettext(singular: str, plural: str, n: int, /, **params: object) -> str:
    """``singular`` or ``plural`` as ``n`` asks, translated, its placeholders filled."""
    text = _plural_in(_language, singular, plural, n)
    return text.format(**params) if params else text


def _plural_in(language: str, singular: str, plural: str, n: int) -> str:
    found = _load(language).get((singular, plural))
    if isinstance(found, tuple) and found:
        return found[0]  # zh_CN has a single plural form
    return singular if n == 1 else plural


def _(msgid: str, /, **params: object) -> str:
    """Translate ``msgid`` into the current language and fill its named placeholders."""
    text = gettext(msgid)
    return text.format(**params) if params else text


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark a string for extraction without translating it yet."""
    return message


@runtime_checkable
class Localizable(Protocol):
    """Anything that can render itself in a given language (a message, bilingual text)."""

    def in_language(self, language: str) -> str: ...


class _Value:
    """What ``@dataclass(frozen=True)`` gives a value, for the fields named in ``_fields``:
    ``==`` and ``hash`` by the fields (between instances of the same class), a ``repr``,
    no assignment after ``__init__``; pickling and copying work as for a dataclass.

    Written out rather than ``@dataclass`` because every start imports this module
    (``review-desk --version`` included) and :mod:`dataclasses` brings :mod:`inspect`,
    :mod:`ast`, :mod:`dis` and :mod:`tokenize` with it: most of what that command took beyond a
    bare argparse script. ``tests/app/test_i18n.py`` checks the two behave alike.
    """

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, _Value)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__qualname__}({shown})"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}")


class Msg(_Value):
    """A message translated when shown, so it follows later language switches."""

    source: str
    params: tuple[tuple[str, object], ...]
    plural: str | None
    """The plural form of ``source``, for a message that counts (:meth:`ngettext`)."""
    count: int
    """What chooses between ``source`` and ``plural``."""

    _fields = ("source", "params", "plural", "count")
    __match_args__ = ("source", "params", "plural", "count")

    def __init__(
        self,
        source: str,
        params: tuple[tuple[str, object], ...] = (),
        plural: str | None = None,
        count: int = 1,
    ) -> None:
        set_field = object.__setattr__
        set_field(self, "source", source)
        set_field(self, "params", params)
        set_field(self, "plural", plural)
        set_field(self, "count", count)

    @classmethod
    def of(cls, source: str, /, **params: object) -> Msg:
        return cls(source, tuple(sorted(params.items())))

    @classmethod
    def ngettext(cls, singular: str, plural: str, n: int, /, **params: object) -> Msg:
        """A message that counts: "1 sheet", "2 sheets", in each language's own plural."""
        return cls(singular, tuple(sorted(params.items())), plural, n)

    def __str__(self) -> str:
        return self.in_language(_language)

    def in_language(self, language: str) -> str:
        language = normalize(language)
        if self.plural is not None:
            text = _plural_in(language, self.source, self.plural, self.count)
        else:
            found = _load(language).get(self.source)
            text = found if isinstance(found, str) else self.source
        if not self.params:
            return text
        values = {
            k: (v.in_language(language) if isinstance(v, Localizable) else v)
            for k, v in self.params
        }
        return text.format(**values)


class LocalizedText(_Value):
    """Bilingual data text (rubric, demo material): English and Simplified Chinese."""

    en: str
    zh_CN: str  # noqa: N815 - the locale name, as in the data files

    _fields = ("en", "zh_CN")
    __match_args__ = ("en", "zh_CN")

    def __init__(self, en: str, zh_CN: str) -> None:  # noqa: N803 - as the field
        object.__setattr__(self, "en", en)
        object.__setattr__(self, "zh_CN", zh_CN)

    def __str__(self) -> str:
        return self.get(_language)

    def in_language(self, language: str) -> str:
        return self.get(language)

    def get(self, language: str) -> str:
        return self.zh_CN if normalize(language) == "zh_CN" and self.zh_CN else self.en
