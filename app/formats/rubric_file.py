"""Reading and writing rubric files (`resources/rubrics/*.json`; spec: docs/formats/rubric-v1.md).

A rubric file that is invalid is refused whole with a :class:`RubricError` naming the field
(a JSON path such as ``factors[2].max_points``) and the reason. Numbers that are points or
fractions are decimal strings (``"22.5"``) so that no float rounding can creep into scores.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from app.domain.ids import ID_PATTERN, CriterionKey, FactorKey
from app.domain.rubric import BasicCriterion, Factor, GradeBand, Rubric
from app.errors import RubricError
from app.formats.bounded_read import read_bounded
from app.formats.canonical_json import JsonFormatError, loads_strict
from app.i18n import LocalizedText, Msg
from app.paths import RUBRICS

FORMAT = "review-desk/rubric"
VERSION = 1
DEFAULT_RUBRIC = RUBRICS / "most-2019-default.json"
_KEY = re.compile(r"[a-z][a-z0-9_]{0,47}")
_DECIMAL = re.compile(r"(0|[1-9][0-9]{0,5})(\.[0-9]{1,4})?")
MAX_RUBRIC_FILE_SIZE: Final = 1 << 20


def load_rubric_file(path: Path) -> Rubric:
    """Read and validate a rubric file; :class:`RubricError` on any problem."""
    raw = read_bounded(
        path, MAX_RUBRIC_FILE_SIZE, lambda reason, _detail: RubricError(str(path), reason)
    )
    return parse_rubric_bytes(raw)


def load_default_rubric() -> Rubric:
    return load_rubric_file(DEFAULT_RUBRIC)


def parse_rubric_bytes(raw: bytes) -> Rubric:
    if len(raw) > MAX_RUBRIC_FILE_SIZE:
        raise RubricError("$", Msg.of("the file is larger than 1 MiB."))
    try:
        doc = loads_strict(raw, max_size=MAX_RUBRIC_FILE_SIZE)
    except JsonFormatError as exc:
        raise RubricError(exc.path or "$", exc.msg) from exc
    return parse_rubric(doc)


def parse_rubric(doc: Any) -> Rubric:
    """Build a :class:`Rubric` from a decoded JSON document, checking every field."""
    obj = _object(doc, "$")
    fmt = obj.get("format")
    if fmt != FORMAT:
        raise RubricError("format", Msg.of("expected “{expected}”.", expected=FORMAT))
    version = obj.get("version")
    if type(version) is not int or version != VERSION:
        raise RubricError(
            "version",
            Msg.of(
                "version {found} is not supported; this program reads version {supported}.",
                found=version,
                supported=VERSION,
            ),
        )
    rubric_id = _key_like(obj.get("id"), "id", pattern=ID_PATTERN)
    revision = obj.get("revision", 1)
    if type(revision) is not int or revision < 1:
        raise RubricError("revision", Msg.of("must be a whole number of at least 1."))
    title = _localized(obj.get("title"), "title")

    bands = _bands(obj.get("bands"))
    band_keys = [b.key for b in bands]
    factors = _factors(obj.get("factors"), band_keys)
    criteria = _criteria(obj.get("basic_criteria"))
    total = sum((f.weight for f in factors), Decimal(0))
    if total != Decimal(100):
        raise RubricError(
            "factors", Msg.of("the weights add up to {total}, not 100.", total=_fmt(total))
        )
    return Rubric(
        id=rubric_id,
        version=revision,
        title=title,
        factors=factors,
        bands=bands,
        criteria=criteria,
    )


def rubric_to_document(rubric: Rubric) -> dict[str, Any]:
    """The JSON document for ``rubric``; ``parse_rubric(rubric_to_document(r)) == r``."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "id": rubric.id,
        "revision": rubric.version,
        "title": _loc_doc(rubric.title),
        "bands": [
            {"key": b.key, "name": _loc_doc(b.name), "min_fraction": _fmt(b.min_fraction)}
            for b in rubric.bands
        ],
        "factors": [
            {
                "key": f.key,
                "name": _loc_doc(f.name),
                "weight": _fmt(f.weight),
                "max_points": _fmt(f.max_points),
                "step": _fmt(f.step),
                "descriptors": {k: _loc_doc(v) for k, v in f.descriptors},
                "guiding_questions": [_loc_doc(q) for q in f.guiding_questions],
            }
            for f in rubric.factors
        ],
        "basic_criteria": [
            {"key": c.key, "text": _loc_doc(c.text), "hint": _loc_doc(c.hint)}
            for c in rubric.criteria
        ],
    }


def _bands(value: Any) -> tuple[GradeBand, ...]:
    items = _list(value, "bands", minimum=2, maximum=10)
    bands: list[GradeBand] = []
    previous: Decimal | None = None
    for i, item in enumerate(items):
        where = f"bands[{i}]"
        obj = _object(item, where)
        key = _key_like(obj.get("key"), f"{where}.key")
        if any(b.key == key for b in bands):
            raise RubricError(f"{where}.key", Msg.of("“{key}” is used twice.", key=key))
        fraction = _decimal(obj.get("min_fraction"), f"{where}.min_fraction")
        if fraction < 0 or fraction > 1:
            raise RubricError(f"{where}.min_fraction", Msg.of("must lie between 0 and 1."))
        if previous is not None and fraction >= previous:
            raise RubricError(
                f"{where}.min_fraction",
                Msg.of("bands must be listed from the highest to the lowest."),
            )
        previous = fraction
        bands.append(GradeBand(key, _localized(obj.get("name"), f"{where}.name"), fraction))
    if bands[-1].min_fraction != 0:
        raise RubricError(
            f"bands[{len(bands) - 1}].min_fraction", Msg.of("the lowest band must start at 0.")
        )
    return tuple(bands)


def _factors(value: Any, band_keys: list[str]) -> tuple[Factor, ...]:
    items = _list(value, "factors", minimum=1, maximum=20)
    factors: list[Factor] = []
    for i, item in enumerate(items):
        where = f"factors[{i}]"
        obj = _object(item, where)
        key = _key_like(obj.get("key"), f"{where}.key")
        if any(f.key == key for f in factors):
            raise RubricError(f"{where}.key", Msg.of("“{key}” is used twice.", key=key))
        weight = _positive(obj.get("weight"), f"{where}.weight")
        max_points = _positive(obj.get("max_points"), f"{where}.max_points")
        step = _positive(obj.get("step", "1"), f"{where}.step")
        if (max_points / step) % 1 != 0:
            raise RubricError(
                f"{where}.step",
                Msg.of(
                    "the maximum {maximum} is not a multiple of the step.", maximum=_fmt(max_points)
                ),
            )
        descriptors_obj = _object(obj.get("descriptors"), f"{where}.descriptors")
        missing = [k for k in band_keys if k not in descriptors_obj]
        extra = [k for k in descriptors_obj if k not in band_keys]
        if missing or extra:
            raise RubricError(
                f"{where}.descriptors",
                Msg.of(
                    "needs exactly one descriptor per band ({bands}).", bands=", ".join(band_keys)
                ),
            )
        descriptors = tuple(
            (k, _localized(descriptors_obj[k], f"{where}.descriptors.{k}")) for k in band_keys
        )
        questions = tuple(
            _localized(q, f"{where}.guiding_questions[{j}]")
            for j, q in enumerate(
                _list(obj.get("guiding_questions"), f"{where}.guiding_questions", 1, 30)
            )
        )
        factors.append(
            Factor(
                key=FactorKey(key),
                name=_localized(obj.get("name"), f"{where}.name"),
                weight=weight,
                max_points=max_points,
                step=step,
                descriptors=descriptors,
                guiding_questions=questions,
            )
        )
    return tuple(factors)


def _criteria(value: Any) -> tuple[BasicCriterion, ...]:
    items = _list(value, "basic_criteria", minimum=1, maximum=20)
    criteria: list[BasicCriterion] = []
    for i, item in enumerate(items):
        where = f"basic_criteria[{i}]"
        obj = _object(item, where)
        key = _key_like(obj.get("key"), f"{where}.key")
        if any(c.key == key for c in criteria):
            raise RubricError(f"{where}.key", Msg.of("“{key}” is used twice.", key=key))
        criteria.append(
            BasicCriterion(
                key=CriterionKey(key),
                text=_localized(obj.get("text"), f"{where}.text"),
                hint=_localized(obj.get("hint"), f"{where}.hint"),
            )
        )
    return tuple(criteria)


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RubricError(where, Msg.of("must be a JSON object."))
    return value


def _list(value: Any, where: str, minimum: int, maximum: int) -> list[Any]:
    if not isinstance(value, list):
        raise RubricError(where, Msg.of("must be a list."))
    if not minimum <= len(value) <= maximum:
        raise RubricError(
            where,
            Msg.of(
                "must have between {minimum} and {maximum} entries.",
                minimum=minimum,
                maximum=maximum,
            ),
        )
    return value


def _key_like(value: Any, where: str, pattern: re.Pattern[str] = _KEY) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise RubricError(
            where, Msg.of("must be a short identifier of lower-case letters, digits and “_”.")
        )
    return value


def _localized(value: Any, where: str) -> LocalizedText:
    obj = _object(value, where)
    en, zh = obj.get("en"), obj.get("zh_CN")
    if not isinstance(en, str) or not en.strip():
        raise RubricError(f"{where}.en", Msg.of("the English text is missing."))
    if not isinstance(zh, str) or not zh.strip():
        raise RubricError(f"{where}.zh_CN", Msg.of("the Chinese text is missing."))
    if set(obj) - {"en", "zh_CN"}:
        raise RubricError(where, Msg.of("only “en” and “zh_CN” texts are allowed."))
    return LocalizedText(en=en, zh_CN=zh)


def _decimal(value: Any, where: str) -> Decimal:
    if type(value) is int and value >= 0:
        value = str(value)
    if not isinstance(value, str):
        raise RubricError(where, Msg.of("must be a number written as a string, such as “22.5”."))
    if not _DECIMAL.fullmatch(value):
        raise RubricError(where, Msg.of("“{value}” is not a number.", value=value))
    return Decimal(value)


def _positive(value: Any, where: str) -> Decimal:
    number = _decimal(value, where)
    if number <= 0:
        raise RubricError(where, Msg.of("must be greater than 0."))
    return number


def _loc_doc(text: LocalizedText) -> dict[str, str]:
    return {"en": text.en, "zh_CN": text.zh_CN}


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f") if value != 0 else "0"
