"""The default rubric loads and means what it says; every broken rubric is refused by field."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.errors import RubricError
from app.formats.rubric_file import (
    DEFAULT_RUBRIC,
    load_default_rubric,
    load_rubric_file,
    parse_rubric,
    parse_rubric_bytes,
    rubric_to_document,
)

FACTOR_KEYS = ("concept_logic", "unit_capability", "plan_feasibility", "expected_results")
CRITERIA_KEYS = (
    "leading_strength",
    "open_service_foundation",
    "sustained_investment",
    "operating_mechanism",
)
BANDS = ("excellent", "good", "fair", "poor")

Edit = Callable[[dict[str, Any]], Any]


def _default_doc() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(DEFAULT_RUBRIC.read_text(encoding="utf-8"))
    return doc


def _refused(doc: Any) -> RubricError:
    with pytest.raises(RubricError) as caught:
        parse_rubric(doc)
    return caught.value


# --- the default rubric -----------------------------------------------------------------


def test_default_rubric_has_the_four_factors_of_the_guidance() -> None:
    rubric = load_default_rubric()
    assert rubric.id == "most-2019-default"
    assert rubric.factor_keys() == FACTOR_KEYS
    assert rubric.total_weight == Decimal(100)
    for factor in rubric.factors:
        assert factor.weight == Decimal(25)
        assert factor.max_points == Decimal(25)
        assert factor.step == Decimal("0.5")
        assert 4 <= len(factor.guiding_questions) <= 6


def test_default_rubric_names_in_ministry_terms() -> None:
    rubric = load_default_rubric()
    assert [f.name.zh_CN for f in rubric.factors] == [
        "概念逻辑",
        "依托单位基础与能力",
        "建设方案可行性",
        "开放服务预期成效",
    ]
    assert [b.name.zh_CN for b in rubric.bands] == ["优秀", "良好", "一般", "较差"]
    assert [b.key for b in rubric.bands] == list(BANDS)
    assert [b.min_fraction for b in rubric.bands] == [
        Decimal("0.9"),
        Decimal("0.75"),
        Decimal("0.6"),
        Decimal(0),
    ]


def test_every_factor_describes_every_band_in_both_languages() -> None:
    rubric = load_default_rubric()
    for factor in rubric.factors:
        assert [k for k, _ in factor.descriptors] == list(BANDS)
        for band in BANDS:
            text = factor.descriptor(band)
            assert text is not None
            assert text.en.strip() and text.zh_CN.strip()
        for question in factor.guiding_questions:
            assert question.en.endswith("?") and question.zh_CN.endswith("？")


def test_default_rubric_has_the_four_basic_criteria() -> None:
    rubric = load_default_rubric()
    assert tuple(c.key for c in rubric.criteria) == CRITERIA_KEYS
    for criterion in rubric.criteria:
        for text in (criterion.text, criterion.hint):
            assert text.en.strip() and text.zh_CN.strip()


def test_descriptors_differ_from_band_to_band() -> None:
    rubric = load_default_rubric()
    for factor in rubric.factors:
        texts = [t.zh_CN for _, t in factor.descriptors]
        assert len(set(texts)) == len(texts)


@pytest.mark.parametrize(
    ("points", "band", "extreme"),
    [
        ("25", "excellent", True),
        ("22.5", "excellent", True),  # 0.9 exactly: the lower bound is inclusive
        ("22", "good", False),
        ("19", "good", False),
        ("18.75", "good", False),  # 0.75 exactly
        ("18.5", "fair", False),
        ("15", "fair", False),  # 0.6 exactly
        ("14.5", "poor", True),
        ("0", "poor", True),
    ],
)
def test_band_boundaries(points: str, band: str, extreme: bool) -> None:
    rubric = load_default_rubric()
    maximum = Decimal(25)
    assert rubric.band_for(Decimal(points), maximum).key == band
    assert rubric.is_extreme(Decimal(points), maximum) is extreme


def test_band_on_the_hundred_point_total() -> None:
    rubric = load_default_rubric()
    assert rubric.band_for(Decimal(90), Decimal(100)).key == "excellent"
    assert rubric.band_for(Decimal("89.5"), Decimal(100)).key == "good"


def test_round_trip_is_exact() -> None:
    rubric = load_default_rubric()
    doc = rubric_to_document(rubric)
    assert parse_rubric(doc) == rubric
    assert parse_rubric(json.loads(json.dumps(doc, ensure_ascii=False))) == rubric


def test_shipped_file_is_what_the_writer_would_write() -> None:
    """No stray fields or unnormalised numbers hide in the shipped file."""
    assert rubric_to_document(load_default_rubric()) == _default_doc()


# --- refusals -----------------------------------------------------------------------------


def _set(path: str, value: Any) -> Edit:
    """An edit that sets ``path`` (dotted, with [i] indices) to ``value``."""

    def edit(doc: dict[str, Any]) -> None:
        parts = path.replace("[", ".").replace("]", "").split(".")
        target: Any = doc
        for part in parts[:-1]:
            target = target[int(part)] if isinstance(target, list) else target[part]
        last = parts[-1]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return edit


def _delete(path: str) -> Edit:
    def edit(doc: dict[str, Any]) -> None:
        parts = path.replace("[", ".").replace("]", "").split(".")
        target: Any = doc
        for part in parts[:-1]:
            target = target[int(part)] if isinstance(target, list) else target[part]
        del target[parts[-1]]

    return edit


def _swap_bands(doc: dict[str, Any]) -> None:
    doc["bands"][1], doc["bands"][2] = doc["bands"][2], doc["bands"][1]


def _reweigh(doc: dict[str, Any]) -> None:
    doc["factors"][0]["weight"] = "30"


def _second_factor_like_first(doc: dict[str, Any]) -> None:
    doc["factors"][1]["key"] = doc["factors"][0]["key"]


def _extra_descriptor(doc: dict[str, Any]) -> None:
    doc["factors"][0]["descriptors"]["outstanding"] = {"en": "x", "zh_CN": "某"}


def _duplicate_criterion(doc: dict[str, Any]) -> None:
    doc["basic_criteria"][3]["key"] = doc["basic_criteria"][0]["key"]


def _duplicate_band(doc: dict[str, Any]) -> None:
    doc["bands"][1]["key"] = "excellent"


def _extra_language(doc: dict[str, Any]) -> None:
    doc["title"]["fr"] = "Grille"


REFUSALS: list[tuple[str, Edit, str]] = [
    ("wrong format", _set("format", "review-desk/meeting"), "format"),
    ("no format", _delete("format"), "format"),
    ("version 2", _set("version", 2), "version"),
    ("version as string", _set("version", "1"), "version"),
    ("bad id", _set("id", "Default Rubric"), "id"),
    ("revision 0", _set("revision", 0), "revision"),
    ("revision not a number", _set("revision", "2"), "revision"),
    ("title missing", _delete("title"), "title"),
    ("title not an object", _set("title", "Rubric"), "title"),
    ("title without Chinese", _delete("title.zh_CN"), "title.zh_CN"),
    ("title with blank Chinese", _set("title.zh_CN", "  "), "title.zh_CN"),
    ("title without English", _delete("title.en"), "title.en"),
    ("title in a third language", _extra_language, "title"),
    ("bands not a list", _set("bands", {}), "bands"),
    ("one band", _set("bands", [{"key": "all", "name": {"en": "All", "zh_CN": "全"}}]), "bands"),
    ("bands not descending", _swap_bands, "bands[2].min_fraction"),
    ("lowest band above 0", _set("bands[3].min_fraction", "0.1"), "bands[3].min_fraction"),
    ("fraction above 1", _set("bands[0].min_fraction", "1.5"), "bands[0].min_fraction"),
    ("fraction negative", _set("bands[3].min_fraction", "-0.1"), "bands[3].min_fraction"),
    ("fraction as float", _set("bands[0].min_fraction", 0.9), "bands[0].min_fraction"),
    ("fraction not a number", _set("bands[0].min_fraction", "ninety"), "bands[0].min_fraction"),
    ("fraction NaN string", _set("bands[0].min_fraction", "NaN"), "bands[0].min_fraction"),
    (
        "fraction Infinity string",
        _set("bands[1].min_fraction", "Infinity"),
        "bands[1].min_fraction",
    ),
    ("duplicate band key", _duplicate_band, "bands[1].key"),
    ("band name without Chinese", _delete("bands[2].name.zh_CN"), "bands[2].name.zh_CN"),
    ("band key with capitals", _set("bands[0].key", "Excellent"), "bands[0].key"),
    ("no factors", _set("factors", []), "factors"),
    ("weights add to 105", _reweigh, "factors"),
    ("duplicate factor key", _second_factor_like_first, "factors[1].key"),
    ("zero weight", _set("factors[0].weight", "0"), "factors[0].weight"),
    ("negative maximum", _set("factors[1].max_points", "-25"), "factors[1].max_points"),
    ("step not dividing maximum", _set("factors[2].step", "2"), "factors[2].step"),
    ("step zero", _set("factors[2].step", "0"), "factors[2].step"),
    ("boolean weight", _set("factors[0].weight", True), "factors[0].weight"),
    ("descriptor missing a band", _delete("factors[3].descriptors.fair"), "factors[3].descriptors"),
    ("descriptor for an unknown band", _extra_descriptor, "factors[0].descriptors"),
    (
        "descriptor without Chinese",
        _delete("factors[1].descriptors.good.zh_CN"),
        "factors[1].descriptors.good.zh_CN",
    ),
    (
        "no guiding questions",
        _set("factors[0].guiding_questions", []),
        "factors[0].guiding_questions",
    ),
    (
        "question without Chinese",
        _delete("factors[0].guiding_questions[2].zh_CN"),
        "factors[0].guiding_questions[2].zh_CN",
    ),
    ("factor name without English", _delete("factors[2].name.en"), "factors[2].name.en"),
    ("no basic criteria", _delete("basic_criteria"), "basic_criteria"),
    ("duplicate criterion", _duplicate_criterion, "basic_criteria[3].key"),
    ("criterion hint missing", _delete("basic_criteria[1].hint"), "basic_criteria[1].hint"),
    (
        "criterion text without Chinese",
        _set("basic_criteria[0].text.zh_CN", ""),
        "basic_criteria[0].text.zh_CN",
    ),
    ("criterion not an object", _set("basic_criteria[2]", "leading"), "basic_criteria[2]"),
]


@pytest.mark.parametrize(("edit", "field"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_broken_rubric_is_refused_naming_the_field(edit: Edit, field: str) -> None:
    doc = copy.deepcopy(_default_doc())
    edit(doc)
    error = _refused(doc)
    assert error.field == field
    assert field in error.message


def test_unsupported_version_says_which_version_is_read() -> None:
    doc = _default_doc()
    doc["version"] = 2
    error = _refused(doc)
    assert "version 2 is not supported" in error.message
    assert "reads version 1" in error.message


def test_weights_message_gives_the_sum() -> None:
    doc = _default_doc()
    doc["factors"][0]["weight"] = "30"
    assert "105" in _refused(doc).message


def test_not_an_object_is_refused() -> None:
    assert _refused([]).field == "$"


def test_duplicate_key_in_the_bytes_is_refused() -> None:
    raw = DEFAULT_RUBRIC.read_bytes().replace(b'"revision": 1,', b'"revision": 1, "revision": 2,')
    with pytest.raises(RubricError) as caught:
        parse_rubric_bytes(raw)
    assert caught.value.field == "$"
    assert "revision" in caught.value.message


@pytest.mark.parametrize("constant", [b"NaN", b"Infinity", b"-Infinity"])
def test_json_constants_are_refused(constant: bytes) -> None:
    raw = DEFAULT_RUBRIC.read_bytes().replace(b'"revision": 1', b'"revision": ' + constant)
    with pytest.raises(RubricError) as caught:
        parse_rubric_bytes(raw)
    assert caught.value.field in ("$", "$.revision")


@pytest.mark.parametrize("version", [True, 1.0, "1"])
def test_a_version_that_only_looks_like_1_is_refused(version: object) -> None:
    doc = _default_doc()
    doc["version"] = version
    with pytest.raises(RubricError) as caught:
        parse_rubric(doc)
    assert caught.value.field == "version"


def test_a_key_with_a_trailing_line_feed_is_refused() -> None:
    doc = _default_doc()
    doc["factors"][0]["key"] = "concept_logic\n"
    with pytest.raises(RubricError) as caught:
        parse_rubric(doc)
    assert caught.value.field == "factors[0].key"


def test_deep_nesting_is_refused_without_recursion_error() -> None:
    raw = b'{"format": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    with pytest.raises(RubricError):
        parse_rubric_bytes(raw)


@pytest.mark.parametrize("spelling", [" 25", "2.5E1", "2_5", "+25", "025", "-0", "25."])
def test_decimals_must_be_plain(spelling: str) -> None:
    doc = _default_doc()
    doc["factors"][0]["max_points"] = spelling
    with pytest.raises(RubricError) as caught:
        parse_rubric(doc)
    assert caught.value.field == "factors[0].max_points"


@pytest.mark.parametrize(
    "raw",
    [b"\xff\xfe{}", b"{", b"", "{}".encode("utf-16")],
    ids=["bad utf8", "cut", "empty", "utf16"],
)
def test_not_json_is_refused(raw: bytes) -> None:
    with pytest.raises(RubricError) as caught:
        parse_rubric_bytes(raw)
    assert caught.value.field == "$"


def test_oversized_file_is_refused() -> None:
    with pytest.raises(RubricError) as caught:
        parse_rubric_bytes(b" " * ((1 << 20) + 1))
    assert "1 MiB" in caught.value.message


def test_unreadable_file_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.json"
    with pytest.raises(RubricError) as caught:
        load_rubric_file(missing)
    assert caught.value.field == str(missing)


def test_refusal_reads_in_chinese() -> None:
    doc = _default_doc()
    doc["version"] = 2
    error = _refused(doc)
    text = error.in_language("zh_CN")
    assert "version" in text and any("\u4e00" <= ch <= "\u9fff" for ch in text)
